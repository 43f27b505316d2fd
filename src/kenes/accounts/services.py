"""Service functions for staff accounts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction

from kenes.accounts.models import User
from kenes.accounts.roles import Role, sync_roles
from kenes.core.services import audit_record


@transaction.atomic
def staff_user_create(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    username: str,
    password: str,
    roles: list[str],
    email: str = "",
    language: str = "kk",
) -> User:
    """Create a staff user holding ``roles``; the admin site is open to them."""
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(unknown)}; known: {Role.values}")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"A user named {username!r} already exists.")
    if not Group.objects.filter(name__in=roles).count() == len(roles):
        sync_roles()
    user = User(
        username=username,
        email=email,
        is_staff=True,
        preferred_language=language,
        is_superuser=Role.COMMISSION_ADMIN in roles,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    audit_record(actor=actor, action="staff_user.create", target=user, data={"roles": roles})
    return user
