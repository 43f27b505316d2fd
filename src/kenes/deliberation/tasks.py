"""Background tasks of deliberation (django-tasks, database backend). They only call services."""

from __future__ import annotations

from django_tasks import task

from kenes.deliberation import services
from kenes.deliberation.models import Conversation


@task()
def recompute(*, conversation_id: int) -> int:
    """Recompute a conversation's opinion map from its votes (queued, debounced, by votes)."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return 0
    result = services.result_recompute(conversation=conversation)
    return result.pk if result is not None else 0
