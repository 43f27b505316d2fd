"""Background tasks of intake (django-tasks, database backend). They only call services.

Receipts go to the ``notifications`` queue, drained by its own workers (docs/operations.md), so
an analysis or a report never holds them back. A batch of submissions queues one task for the
whole batch: the worker reads the batch in one query and sends over one mail connection.
"""

from __future__ import annotations

from django_tasks import task

from kenes.proposals import notify
from kenes.proposals.models import Proposal


@task(queue_name="notifications")
def send_receipt(*, proposal_id: int) -> None:
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is not None and proposal.contact:
        notify.send(proposal)


@task(queue_name="notifications")
def send_receipts(*, proposal_ids: list[int]) -> int:
    """Send the receipts of a batch of proposals; returns how many were sent."""
    return notify.send_many(proposal_ids)
