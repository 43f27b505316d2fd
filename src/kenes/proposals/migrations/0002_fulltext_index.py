"""A GIN index for Russian full-text search of proposals, on PostgreSQL only."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS proposal_text_fts_ru ON proposals_proposal "
    "USING GIN (to_tsvector('russian'::regconfig, COALESCE(text, '')))"
)
DROP = "DROP INDEX IF EXISTS proposal_text_fts_ru"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
