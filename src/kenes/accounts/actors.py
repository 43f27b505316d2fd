"""The user recorded for an actor (see :mod:`kenes.core.actors`)."""

from __future__ import annotations

from kenes.accounts.models import User
from kenes.core.actors import Actor


def acting_user(actor: Actor) -> User | None:
    """The user to record for ``actor``: a signed-in user, or None for anonymous/system."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None
