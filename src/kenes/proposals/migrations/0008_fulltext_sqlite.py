"""Full-text search on SQLite: an FTS5 table over the proposals' public (masked) text, kept in step by triggers.

Created on SQLite only (PostgreSQL has its GIN indexes, migrations 0002 and 0003). The
``unicode61`` tokenizer folds case in Cyrillic, Kazakh letters included; words are matched by
prefix of their stem (kenes.proposals.selectors.public_proposals).
"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposals_proposal_fts USING fts5("
    "public_text, content='proposals_proposal', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS proposals_proposal_fts_ai AFTER INSERT ON proposals_proposal "
    "BEGIN INSERT INTO proposals_proposal_fts(rowid, public_text) VALUES (new.id, new.public_text); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_proposal_fts_ad AFTER DELETE ON proposals_proposal "
    "BEGIN INSERT INTO proposals_proposal_fts(proposals_proposal_fts, rowid, public_text) "
    "VALUES ('delete', old.id, old.public_text); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_proposal_fts_au AFTER UPDATE OF public_text "
    "ON proposals_proposal BEGIN "
    "INSERT INTO proposals_proposal_fts(proposals_proposal_fts, rowid, public_text) "
    "VALUES ('delete', old.id, old.public_text); "
    "INSERT INTO proposals_proposal_fts(rowid, public_text) VALUES (new.id, new.public_text); END",
    "INSERT INTO proposals_proposal_fts(proposals_proposal_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS proposals_proposal_fts_ai",
    "DROP TRIGGER IF EXISTS proposals_proposal_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_proposal_fts_au",
    "DROP TABLE IF EXISTS proposals_proposal_fts",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_fulltext_simple")]
    operations = [migrations.RunPython(create, drop)]
