"""Drop a full-text index no query uses (issue #15, decision 31; PostgreSQL only).

``proposal_text_fts_ru`` (Russian stems of the original text) was made for the staff search,
which asks for the Russian stems OR the Kazakh prefixes of the same column: with no 'simple'
index on the original text PostgreSQL answers that OR by reading the table, never through
this index, while every insert paid for it. (The public search's two indexes stay as they
are; the intake writer's session keeps their pending lists small, kenes.proposals.batcher.)
"""

from django.db import migrations

TEXT_RU = (
    "CREATE INDEX IF NOT EXISTS proposal_text_fts_ru ON proposals_proposal "
    "USING GIN (to_tsvector('russian'::regconfig, COALESCE(text, '')))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS proposal_text_fts_ru")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TEXT_RU)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0009_fewer_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
