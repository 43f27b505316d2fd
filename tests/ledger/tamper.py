"""Tampering with the ledger the way someone with database access would: triggers off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.db import connection

TABLES = ("ledger_entry", "ledger_leaf", "ledger_checkpoint")


@contextmanager
def ledger_triggers_off() -> Iterator[object]:
    """Yield a cursor with the append-only triggers out of the way; put them back after.

    On SQLite a dropped trigger would stay dropped for the rest of a transactional test run,
    so it is recreated from the migration's own statements.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            else:
                migration = import_module("kenes.ledger.migrations.0002_append_only_triggers")
                for statement in migration.sqlite_create_statements():
                    cursor.execute(statement)
