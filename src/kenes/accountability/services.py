"""Writes of the public account: the full recount of the counters (after a restore, an import
of old data, or to check them)."""

from __future__ import annotations

from django.db import connection, transaction

from kenes.accountability.recount import recount_items
from kenes.accounts.actors import acting_user
from kenes.core.actors import Actor
from kenes.core.models import AuditEntry
from kenes.counters.models import Tally
from kenes.counters.services import counters_replace
from kenes.proposals.models import Proposal
from kenes.review.models import Answer


@transaction.atomic
def counters_rebuild(*, actor: Actor, version_ids: list[int] | None = None) -> int:
    """Recount every counter from proposals and answers; return the rows written. Audited."""
    if connection.vendor == "postgresql":
        # Waits for every write that holds uncommitted deltas and holds new ones back until
        # the recount commits, so no delta is both recounted and kept (or lost). SQLite
        # serialises writers anyway.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Tally._meta.db_table} IN EXCLUSIVE MODE")
    written = counters_replace(
        items=recount_items(Proposal, Answer, version_ids), version_ids=version_ids
    )
    user = acting_user(actor)
    AuditEntry.objects.create(
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        action="counters.rebuild",
        target_type="counters.tally",
        target_id="*" if version_ids is None else ",".join(map(str, version_ids)),
        data={"rows": written},
    )
    return written
