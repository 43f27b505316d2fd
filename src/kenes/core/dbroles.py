"""Database roles (PostgreSQL): an owner role runs migrations; the application runs as another.

The ledger's append-only triggers (``ledger.0002_append_only_triggers``) refuse UPDATE and
DELETE; only a table's owner (or a superuser) can ``ALTER TABLE ... DISABLE TRIGGER`` or
``DROP TRIGGER``. So the web and worker processes connect as a role that owns nothing: it
gets only the privileges listed here, and cannot switch the triggers off. See
docs/security.md and docs/operations.md.
"""

from __future__ import annotations

import re

ROLE_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def app_role_grants(role: str, *, schema: str = "public") -> list[str]:
    """Return the SQL that gives ``role`` what the application needs and nothing more.

    Run it as the owner role after every ``kenes migrate`` (new tables need their grants);
    the default privileges cover tables the owner creates later, too.
    """
    if not ROLE_RE.fullmatch(role) or not ROLE_RE.fullmatch(schema):
        raise ValueError("a role or schema name is lower-case letters, digits and _")
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]
