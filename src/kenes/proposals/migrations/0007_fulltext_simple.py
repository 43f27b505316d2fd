"""A second GIN index on the public text, 'simple' configuration, for Kazakh word forms (PostgreSQL only).

PostgreSQL has no Kazakh stemmer: Kazakh words are indexed as written (lower-cased) and a
search word is cut to its stem by kenes.proposals.selectors.kazakh_stem and matched as a
prefix (``салық:*`` finds салық, салықтар, салықтың ...).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS proposal_public_text_fts_simple ON proposals_proposal "
    "USING GIN (to_tsvector('simple'::regconfig, COALESCE(public_text, '')))"
)
DROP = "DROP INDEX IF EXISTS proposal_public_text_fts_simple"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_flood_flags_and_replayable_secret")]
    operations = [migrations.RunPython(create, drop)]
