"""Who is acting: the word every service shares.

A service takes ``actor``: the signed-in user who asked for the change, an anonymous visitor, or
``None`` when the system itself acts (a command-line import, a background task). The user to
record on a row is ``kenes.accounts.actors.acting_user(actor)``.
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Actor = AbstractBaseUser | AnonymousUser | None


def is_signed_in(actor: Actor) -> TypeGuard[AbstractBaseUser]:
    """True for a signed-in user; False for an anonymous visitor or the system."""
    return actor is not None and bool(actor.is_authenticated)
