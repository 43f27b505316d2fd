"""Service functions of the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from kenes.core.actors import Actor, is_signed_in
from kenes.core.models import AuditAction, AuditEntry


def audit_record(
    *,
    actor: Actor,
    action: AuditAction | str,
    target: models.Model,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write an audit entry for ``action`` on ``target``; call inside the changing transaction.

    ``action`` must be one of :class:`AuditAction` (ValueError otherwise). ``data`` must not
    hold personal data (names, IIN, phone): only ids, states and counts.
    """
    action = AuditAction(action)
    user = actor if is_signed_in(actor) else None
    return AuditEntry.objects.create(
        actor_id=user.pk if user is not None else None,
        actor_label=user.get_username() if user is not None else "system",
        action=action.value,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
    )
