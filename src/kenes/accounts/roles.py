"""Staff roles as Django groups, with permissions given by patterns over app labels.

A pattern ``"drafts.*"`` grants every permission of the drafts app, ``"*.view_*"`` every view
permission. Patterns are resolved against the permissions that exist, so an app added later is
covered without touching this file. ``sync_roles`` runs after every ``migrate``.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Runs the consultation: loads drafts, manages staff, answers anything.
    COMMISSION_ADMIN = "commission_admin", _("Commission administrator")
    # Reads proposals and records answers with reasons.
    REVIEWER = "reviewer", _("Reviewer")
    # Plans meetings and enters what people said, for their own organisation.
    COALITION_ORGANISER = "coalition_organiser", _("Coalition organiser")
    # Journalists and monitors: may look at everything, change nothing.
    OBSERVER = "observer", _("Observer")
    # Publishes or hides proposals under the published moderation policy, never deletes.
    MODERATOR = "moderator", _("Moderator")


KENES_APPS = ["core", "accounts", "drafts", "proposals", "review", "insights", "ledger"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMISSION_ADMIN: [
        *(f"{app}.*" for app in KENES_APPS),
        "accounts.*",
        "auth.view_group",
        "coalition.*",
        "outreach.*",
        "geo.*",
        "deliberation.*",
        "reports.*",
        "changes.*",
        "comments.*",
    ],
    Role.REVIEWER: [
        "*.view_*",
        "proposals.change_*",
        "review.*",
        "insights.change_*",
        "changes.add_*",
        "comments.change_*",
    ],
    Role.COALITION_ORGANISER: [
        "drafts.view_*",
        "geo.view_*",
        "coalition.view_*",
        "outreach.*",
        "proposals.add_*",
        "proposals.view_*",
    ],
    Role.OBSERVER: ["*.view_*"],
    Role.MODERATOR: [
        "drafts.view_*",
        "proposals.view_proposal",
        "proposals.view_contentreport",
        "proposals.moderate_proposal",
    ],
}
# Nobody but a superuser edits the audit log or the ledger, whatever a pattern says.
NEVER_GRANTED = [
    "core.add_*",
    "core.change_*",
    "core.delete_*",
    "ledger.change_*",
    "ledger.delete_*",
    "auth.*_permission",
    "*.delete_user",
]


def permissions_for(role: str) -> list[Permission]:
    """Return the permissions that ``role``'s patterns match, minus NEVER_GRANTED."""
    patterns = ROLE_PERMISSIONS[role]
    chosen = []
    for perm in Permission.objects.select_related("content_type"):
        name = f"{perm.content_type.app_label}.{perm.codename}"
        if any(fnmatch.fnmatchcase(name, p) for p in patterns) and not any(
            fnmatch.fnmatchcase(name, p) for p in NEVER_GRANTED
        ):
            chosen.append(perm)
    return chosen


def sync_roles() -> dict[str, int]:
    """Create or update one group per role; return the permission count of each."""
    counts = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = permissions_for(role)
        group.permissions.set(perms)
        counts[role.value] = len(perms)
    return counts


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """Rebuild the roles once per migrate, after the last app has created its permissions."""
    from django.apps import apps

    # post_migrate is sent once per app that has models, in INSTALLED_APPS order.
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is with_models[-1]:
        sync_roles()
