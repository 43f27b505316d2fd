"""The user recorded for an actor (see :mod:`kenes.core.actors`)."""

from __future__ import annotations

from django.db.models import Model
from django.utils import timezone

from kenes.accounts.models import User
from kenes.core.actors import Actor


def acting_user(actor: Actor) -> User | None:
    """The user to record for ``actor``: a signed-in user, or None for anonymous/system."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None


def save_moderated(obj: Model, *, actor: Actor, **fields: object) -> None:
    """Save a moderator's decision on ``obj`` (a comment, a statement): ``fields`` (its new
    state and reason) with who decided (``moderated_by``) and when (``moderated_at``)."""
    for name, value in {
        **fields,
        "moderated_by": acting_user(actor),
        "moderated_at": timezone.now(),
    }.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, "moderated_by", "moderated_at"])
