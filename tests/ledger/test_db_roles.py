"""The application's database role cannot switch the ledger's triggers off (PostgreSQL).

A separate owner role runs migrations; the app role gets data privileges only
(``kenes db-app-role``). Connected as that role: INSERT works, UPDATE is refused by the
trigger, and ALTER TABLE ... DISABLE TRIGGER and DROP TRIGGER fail (not the owner).
"""

from __future__ import annotations

import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from kenes.core.dbroles import app_role_grants

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are a PostgreSQL feature (set KENES_DATABASE_URL)")
    role = "kenes_app_test_" + secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        cursor.execute(f"GRANT CONNECT ON DATABASE {connection.settings_dict['NAME']} TO {role}")
    call_command("db_app_role", role, "--apply")
    params = connection.get_connection_params()
    conninfo = {
        "host": params.get("host") or "127.0.0.1",
        "port": params.get("port") or 5432,
        "dbname": connection.settings_dict["NAME"],
        "user": role,
        "password": password,
    }
    yield role, conninfo
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def test_app_role_inserts_but_cannot_disable_or_drop_triggers(app_role):
    role, conninfo = app_role
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == role
        conn.execute(
            "INSERT INTO ledger_entry (kind, code, data, created_at) "
            "VALUES ('test.event', 'T-1', '{}', now())"
        )
        assert conn.execute("SELECT count(*) FROM ledger_entry WHERE code='T-1'").fetchone()[0]
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE ledger_entry SET data = '{\"x\":1}' WHERE code = 'T-1'")
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("DELETE FROM ledger_entry WHERE code = 'T-1'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE ledger_entry DISABLE TRIGGER USER")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TRIGGER ledger_entry_append_only ON ledger_entry")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SET session_replication_role = replica")
    # the owner still can (it runs the migrations): the trigger is in place
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ledger_entry_append_only'")
        assert cursor.fetchone()[0] == "O"


def test_grants_refuse_odd_role_names():
    with pytest.raises(ValueError):
        app_role_grants("x; DROP TABLE ledger_entry")
    assert any("ALTER DEFAULT PRIVILEGES" in s for s in app_role_grants("kenes_app"))
