"""Writes of the coalition: organisations, branches, contact people, organisers, logos.

``actor=None`` is the system (commands, demo seed); a user must be allowed by
:mod:`kenes.coalition.selectors`. Audit entries never hold contact names or phones.
"""

from __future__ import annotations

from datetime import date
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from kenes.accounts.models import User
from kenes.coalition import selectors
from kenes.coalition.models import Branch, ContactPerson, Organisation, OrganisationKind, Organiser
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.core.uploads import check_image, logo_max_bytes
from kenes.core.validation import PHONE_RE
from kenes.geo.regions import Region


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("You do not manage this organisation or branch."))


def _is_system(actor: Actor) -> bool:
    return actor is None


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    slug: str,
    name_kk: str,
    name_ru: str,
    kind: str,
    joined_on: date,
    website: str = "",
    regions: list[str] | None = None,
) -> Organisation:
    """Add a member organisation with its central office (and regional branches)."""
    _require(_is_system(actor) or selectors.manages_any(actor))
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": [_("Unknown kind of organisation.")]})
    org = Organisation(
        slug=slug,
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        kind=kind,
        joined_on=joined_on,
        website=website,
    )
    org.full_clean(exclude=["logo"])
    org.save()
    Branch.objects.create(organisation=org, region="")
    for region in regions or []:
        branch_create(actor=None, organisation=org, region=region)
    audit_record(
        actor=actor,
        action="coalition.organisation_create",
        target=org,
        data={"kind": kind, "regions": regions or []},
    )
    return org


@transaction.atomic
def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    name_kk: str,
    name_ru: str,
    kind: str,
    joined_on: date,
    website: str = "",
    active: bool = True,
) -> Organisation:
    """Change an organisation's names, kind, dates, website or whether it is active."""
    _require(_is_system(actor) or selectors.can_manage_organisation(actor, organisation))
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": [_("Unknown kind of organisation.")]})
    before = {
        f: str(getattr(organisation, f))
        for f in ("name_kk", "name_ru", "kind", "joined_on", "website", "active")
    }
    organisation.name_kk = name_kk.strip()
    organisation.name_ru = name_ru.strip()
    organisation.kind = kind
    organisation.joined_on = joined_on
    organisation.website = website
    organisation.active = active
    organisation.full_clean(exclude=["logo"])
    organisation.save()
    changed = sorted(f for f, v in before.items() if str(getattr(organisation, f)) != v)
    audit_record(
        actor=actor,
        action="coalition.organisation_update",
        target=organisation,
        data={"changed": changed},
    )
    return organisation


@transaction.atomic
def branch_create(
    *, actor: Actor, organisation: Organisation, region: str, address: str = ""
) -> Branch:
    _require(_is_system(actor) or selectors.can_manage_organisation(actor, organisation))
    if region not in Region.values:
        raise ValidationError({"region": [_("Unknown region.")]})
    if Branch.objects.filter(organisation=organisation, region=region).exists():
        raise ValidationError({"region": [_("The organisation already has a branch there.")]})
    branch = Branch.objects.create(organisation=organisation, region=region, address=address)
    audit_record(
        actor=actor,
        action="coalition.branch_create",
        target=branch,
        data={"organisation": organisation.pk, "region": region},
    )
    return branch


@transaction.atomic
def contact_add(
    *, actor: Actor, branch: Branch, name: str, phone: str = "", position: str = ""
) -> ContactPerson:
    """Add a contact person (name and phone are stored encrypted)."""
    _require(_is_system(actor) or selectors.can_manage_branch(actor, branch))
    errors = {}
    if not name.strip():
        errors["name"] = [_("Give the contact person's name.")]
    if phone.strip() and not PHONE_RE.match(phone.strip()):
        errors["phone"] = [_("Write the phone number with digits, e.g. +7 701 123 45 67.")]
    if errors:
        raise ValidationError(errors)
    contact = ContactPerson.objects.create(
        branch=branch, name=name.strip(), phone=phone.strip(), position=position.strip()
    )
    audit_record(
        actor=actor, action="coalition.contact_add", target=contact, data={"branch": branch.pk}
    )
    return contact


@transaction.atomic
def organiser_link(
    *, actor: Actor, user: User, organisation: Organisation, branch: Branch | None = None
) -> Organiser:
    """Link a staff user to the organisation (and branch) they organise meetings for."""
    _require(_is_system(actor) or selectors.manages_any(actor))
    if branch is not None and branch.organisation_id != organisation.pk:
        raise ValidationError({"branch": [_("The branch belongs to another organisation.")]})
    link, _created = Organiser.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "branch": branch}
    )
    audit_record(
        actor=actor,
        action="coalition.organiser_link",
        target=link,
        data={"organisation": organisation.pk, "branch": branch.pk if branch else None},
    )
    return link


@transaction.atomic
def organisation_logo_set(
    *, actor: Actor, organisation: Organisation, upload: IO[bytes]
) -> Organisation:
    """Replace the logo; JPEG or PNG by content, at most KENES_LOGO_MAX_BYTES."""
    _require(_is_system(actor) or selectors.can_manage_organisation(actor, organisation))
    info = check_image(upload, max_bytes=logo_max_bytes(), field="logo")
    if organisation.logo:
        organisation.logo.delete(save=False)
    organisation.logo.save(f"logo{info.extension}", File(upload), save=True)
    audit_record(
        actor=actor,
        action="coalition.logo_set",
        target=organisation,
        data={"kind": info.kind, "bytes": info.size},
    )
    return organisation
