"""Staff accounts. Citizens do not need accounts: their proposals carry receipts instead."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff: commission admin, reviewer, coalition organiser or observer.

    The role is a Django group (see ``kenes.accounts.roles``); a user may hold several.
    """

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))],
        default="kk",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff user")  # type: ignore[assignment]
        verbose_name_plural = _("staff users")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"
