"""Reads of the coalition, and who may manage what.

An organiser (a staff user linked by :class:`Organiser`) manages their organisation's
branches and meetings (only one branch's when the link names a branch). Commission admins
(``coalition.manage_any_organisation``) manage everything. Nobody else manages anything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from kenes.coalition.models import Branch, Organisation, Organiser

MANAGE_ANY = "coalition.manage_any_organisation"


def organiser_of(user: Any) -> Organiser | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached: Organiser | bool | None = getattr(user, "_kenes_organiser", False)
    if cached is not False:
        return cached if isinstance(cached, Organiser) else None
    link = Organiser.objects.select_related("organisation", "branch").filter(user=user).first()
    user._kenes_organiser = link
    return link


def manages_any(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(MANAGE_ANY)
    )


def is_organiser(user: Any) -> bool:
    """May use the organiser pages at all (linked organiser, or admin)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return manages_any(user) or (
        user.is_staff and user.has_perm("outreach.add_meeting") and organiser_of(user) is not None
    )


def managed_organisations(user: Any) -> QuerySet[Organisation]:
    if manages_any(user):
        return Organisation.objects.all()
    link = organiser_of(user) if is_organiser(user) else None
    if link is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=link.organisation_id)


def managed_branches(user: Any) -> QuerySet[Branch]:
    if manages_any(user):
        return Branch.objects.select_related("organisation")
    link = organiser_of(user) if is_organiser(user) else None
    if link is None:
        return Branch.objects.none()
    qs = Branch.objects.filter(organisation_id=link.organisation_id)
    if link.branch_id:
        qs = qs.filter(pk=link.branch_id)
    return qs.select_related("organisation")


def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    if manages_any(user):
        return True
    link = organiser_of(user) if is_organiser(user) else None
    return link is not None and link.organisation_id == organisation.pk and not link.branch_id


def can_manage_branch(user: Any, branch: Branch) -> bool:
    if manages_any(user):
        return True
    link = organiser_of(user) if is_organiser(user) else None
    if link is None or link.organisation_id != branch.organisation_id:
        return False
    return not link.branch_id or link.branch_id == branch.pk


def public_members(*, kind: str | None = None) -> list[Organisation]:
    """Active member organisations with their branches; never their contact people."""
    qs = (
        Organisation.objects.filter(active=True)
        .prefetch_related(
            Prefetch(
                "branches",
                queryset=Branch.objects.only("id", "organisation_id", "region").order_by("region"),
            )
        )
        .annotate(meetings_held=Count("meetings", filter=Q(meetings__status="held")))
    )
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("kind", "name_ru"))


def organisation(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug, active=True).first()
