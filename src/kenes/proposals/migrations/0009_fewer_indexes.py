"""Fewer indexes on proposals: every insert pays for each (issue #15, bulk import and intake).

Dropped: the LIKE-pattern twins PostgreSQL adds for indexed text fields (no query uses LIKE on
them), and the single-column indexes of version, article and assignee (the composite indexes
starting with those columns serve the same look-ups). Kept as plain B-trees: text_hash,
author_index, state, visibility. The database side is explicit SQL rather than AlterField:
on SQLite AlterField rebuilds the table, which would drop the full-text triggers of 0008.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "proposals_proposal"
# Single-column, non-unique indexes on these columns are dropped (the unique `code` index stays).
DROPPED = (
    "code",
    "text_hash",
    "author_index",
    "state",
    "visibility",
    "version_id",
    "article_id",
    "assignee_id",
)
CREATED = (
    ("proposal_text_hash", "text_hash"),
    ("proposal_author_index", "author_index"),
    ("proposal_state", "state"),
    ("proposal_visibility", "visibility"),
)


def _single_indexes(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        (name, info["columns"][0])
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and len(info["columns"]) == 1
    ]


def forwards(apps, schema_editor):
    qn = schema_editor.quote_name
    for name, column in _single_indexes(schema_editor):
        if column in DROPPED:
            schema_editor.execute(f"DROP INDEX {qn(name)}")
    for name, column in CREATED:
        schema_editor.execute(f"CREATE INDEX {qn(name)} ON {qn(TABLE)} ({qn(column)})")


def backwards(apps, schema_editor):
    qn = schema_editor.quote_name
    for name, _column in CREATED:
        schema_editor.execute(f"DROP INDEX {qn(name)}")
    for column in (
        "text_hash",
        "author_index",
        "state",
        "visibility",
        "version_id",
        "article_id",
        "assignee_id",
    ):
        schema_editor.execute(
            f"CREATE INDEX {qn(TABLE + '_' + column + '_0009')} ON {qn(TABLE)} ({qn(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_authenticator"),
        ("drafts", "0003_document_identity"),
        ("proposals", "0008_fulltext_sqlite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="proposal",
                    name="article",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposals",
                        to="drafts.article",
                        verbose_name="article",
                    ),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_proposals",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewer",
                    ),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="author_index",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="state",
                    field=models.CharField(
                        choices=[
                            ("received", "received"),
                            ("in_review", "in review"),
                            ("answered", "answered"),
                            ("merged", "merged"),
                        ],
                        default="received",
                        max_length=16,
                        verbose_name="state",
                    ),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="text_hash",
                    field=models.CharField(editable=False, max_length=64),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="version",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposals",
                        to="drafts.version",
                        verbose_name="draft version",
                    ),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="visibility",
                    field=models.CharField(
                        choices=[
                            ("published", "published"),
                            ("pending", "awaiting moderation"),
                            ("hidden", "hidden"),
                        ],
                        default="published",
                        max_length=16,
                        verbose_name="visibility",
                    ),
                ),
                migrations.AddIndex(
                    model_name="proposal",
                    index=models.Index(fields=["text_hash"], name="proposal_text_hash"),
                ),
                migrations.AddIndex(
                    model_name="proposal",
                    index=models.Index(fields=["author_index"], name="proposal_author_index"),
                ),
                migrations.AddIndex(
                    model_name="proposal",
                    index=models.Index(fields=["state"], name="proposal_state"),
                ),
                migrations.AddIndex(
                    model_name="proposal",
                    index=models.Index(fields=["visibility"], name="proposal_visibility"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
