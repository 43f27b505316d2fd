"""GIN pending lists merged beside intake, not inside it (decision 31).

PostgreSQL's full-text (GIN) indexes on the proposals table keep new entries in a pending list
and merge it into the index when an insert pushes it past ``gin_pending_list_limit`` (4 MB by
default): that insert — during a surge, an intake batch with every request of it waiting —
pays for the whole merge. :func:`merge_pending_lists` merges the lists at a moment intake
chooses: the intake writer's reactions thread (:class:`kenes.proposals.batcher.Reactions`) calls
it at most every ``MERGE_EVERY`` seconds after batches were committed, so the lists stay far
below the limit and no insert merges; imports keep the indexes' fast path as it is.

One merger at a time across processes (an advisory lock tried, never waited for: a second
caller returns at once). A server that refuses the function (it needs the table's owner) is
logged once and the merges are left to the inserts and autovacuum, as without this module.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connection

from kenes.proposals.models import Proposal

log = logging.getLogger(__name__)

MERGE_EVERY = 2.0  # seconds between merges while intake commits
LOCK_KEY = 0x4B454E4547494E  # pg_try_advisory_lock key: "KENEGIN"

_refused = threading.Event()

_SQL = """
SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam
WHERE a.amname = 'gin' AND i.indrelid = %s::regclass
"""


def merge_pending_lists() -> int | None:
    """Merge the pending lists of the proposals table's GIN indexes; return the number of
    pending-list pages merged, or None when nothing was tried (not PostgreSQL, another process
    merging, or the server refused once)."""
    if connection.vendor != "postgresql" or _refused.is_set():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            return None
        try:
            cursor.execute(_SQL, [Proposal._meta.db_table])
            return int(cursor.fetchone()[0])
        except DatabaseError as exc:
            _refused.set()
            kind = type(exc.__cause__ or exc).__name__  # its kind only: no row's values
            log.warning("GIN pending lists are not merged by intake (%s); inserts merge them", kind)
            return None
        finally:
            try:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            except DatabaseError:  # a lost connection released it
                pass
