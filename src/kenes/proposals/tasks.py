"""Background tasks of intake (django-tasks, database backend). They only call services."""

from __future__ import annotations

from django_tasks import task

from kenes.proposals import notify
from kenes.proposals.models import Proposal


@task()
def send_receipt(*, proposal_id: int) -> None:
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is not None and proposal.contact:
        notify.send(proposal)
