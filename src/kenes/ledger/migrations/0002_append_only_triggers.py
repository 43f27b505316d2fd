"""Make ledger rows insert-only in the database itself.

PostgreSQL refuses UPDATE and DELETE on entries, leaves and checkpoints (TRUNCATE stays possible
for the table owner, which Django's test flush uses). SQLite refuses UPDATE; it cannot refuse
DELETE without also breaking Django's test flush, so there deletion is left to the audit to
detect (SQLite is for demos and development).
"""

from django.db import migrations

TABLES = ["ledger_entry", "ledger_leaf", "ledger_checkpoint"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kenes_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the Kenes ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def sqlite_create_statements():
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'the Kenes ledger is append-only: UPDATE on {table} "
            "refused'); END" for table in TABLES]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kenes_ledger_append_only()")
    elif vendor == "sqlite":
        for statement in sqlite_create_statements():
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
