"""Citizens and their proposals (issue #10): identity per consultation, "my proposals",
consent records, the data download, erasure on request and retention.

Erasure keeps what the public record needs: the proposal's public (masked) text and its
ledger entry stay; its original text is replaced by the public text (so names, IINs and
phones typed into it are gone), its contact is emptied, and the account's identifiers are
erased. Nothing here writes a ledger event: erasure changes no public field, so
``kenes ledger audit`` still finds the public text matching its entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts import citizens
from kenes.accounts.models import Citizen, ConsentPurpose, ConsentRecord
from kenes.core.services import audit_record
from kenes.drafts.models import Version
from kenes.proposals.models import Proposal
from kenes.proposals.services import Submitted, proposal_submit

IDENTITY_MODES = ("anonymous", "signin", "iin")


def identity_mode(version: Version) -> str:
    """Return the consultation's mode: ``anonymous``, ``signin`` or ``iin``."""
    mode = version.document.identity or settings.KENES_IDENTITY
    return mode if mode in IDENTITY_MODES else "anonymous"


def identity_missing(version: Version, citizen: Citizen | None) -> str:
    """Return what the citizen still lacks to propose here: ``""``, ``signin`` or ``iin``."""
    mode = identity_mode(version)
    if mode == "anonymous":
        return ""
    if citizen is None:
        return "signin"
    if mode == "iin" and not citizen.iin:
        return "iin"
    return ""


@transaction.atomic
def citizen_proposal_submit(
    *, citizen: Citizen | None, version: Version, **kwargs: Any
) -> Submitted:
    """Submit through :func:`proposal_submit`, linking the proposal to a signed-in citizen.

    Refuses (ValidationError) when the consultation requires sign-in or an IIN the citizen
    has not given. A contact left with consent gets a :class:`ConsentRecord`.
    """
    missing = identity_missing(version, citizen)
    if missing == "signin":
        raise ValidationError({"identity": [_("Sign in to send a proposal to this consultation.")]})
    if missing == "iin":
        raise ValidationError(
            {"identity": [_("Give your IIN to send a proposal to this consultation.")]}
        )
    result = proposal_submit(version=version, **kwargs)
    proposal = result.proposal
    if result.created and citizen is not None:
        proposal.citizen = citizen
        proposal.save(update_fields=["citizen"])
    if result.created and proposal.contact and proposal.consent_text:
        citizens.consent_give(
            citizen=citizen,
            purpose=ConsentPurpose.CONTACT,
            text=proposal.consent_text,
            language=kwargs.get("ui_language", ""),
            proposal_code=proposal.code,
        )
    return result


def citizen_proposals(citizen: Citizen) -> QuerySet[Proposal]:
    """The citizen's proposals, newest first (a selector)."""
    return (
        Proposal.objects.filter(citizen=citizen)
        .select_related("version__document", "article")
        .defer("contact")
        .order_by("-submitted_at", "-id")
    )


def citizen_data(*, citizen: Citizen) -> dict[str, Any]:
    """Everything Kenes holds about the citizen, as JSON-ready data (the data download)."""
    data = citizens.citizen_export(citizen=citizen)
    data["proposals"] = [
        {
            "code": p.code,
            "document": p.version.document.slug,
            "version": p.version.label,
            "article": p.article.number if p.article else None,
            "text": p.text,
            "public_text": p.public_text,
            "language": p.language,
            "region": p.region,
            "contact": p.contact,
            "consent_text": p.consent_text,
            "state": p.state,
            "visibility": p.visibility,
            "submitted_at": p.submitted_at.isoformat(),
            "erased_at": p.erased_at.isoformat() if p.erased_at else None,
        }
        for p in Proposal.objects.filter(citizen=citizen).select_related(
            "version__document", "article"
        )
    ]
    return data


def _erase_proposal(proposal: Proposal, now: datetime) -> None:
    proposal.text = proposal.public_text or proposal.text
    proposal.contact = ""
    proposal.erased_at = now
    proposal.save(update_fields=["text", "contact", "erased_at", "updated_at"])
    ConsentRecord.objects.filter(proposal_code=proposal.code, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )


@transaction.atomic
def citizen_erase(*, citizen: Citizen) -> int:
    """Erase the citizen's personal data (the deletion request); return proposals erased.

    Contacts, IIN, phone, e-mail and name are erased; each proposal's original text is
    replaced by its masked public text; the public text and the ledger entries are kept.
    """
    now = timezone.now()
    proposals = list(Proposal.objects.filter(citizen=citizen, erased_at__isnull=True))
    for proposal in proposals:
        _erase_proposal(proposal, now)
    citizens.citizen_erase_account(citizen=citizen)
    audit_record(
        actor=None,
        action="citizen.erased",
        target=citizen,
        data={"proposals": len(proposals)},
    )
    return len(proposals)


@transaction.atomic
def consent_withdraw(*, citizen: Citizen, record_id: int) -> ConsentRecord:
    """Withdraw a consent; a withdrawn contact consent empties that proposal's contact."""
    record = citizens.consent_withdraw(citizen=citizen, record_id=record_id)
    if record.purpose == ConsentPurpose.CONTACT and record.proposal_code:
        Proposal.objects.filter(code=record.proposal_code, citizen=citizen).update(contact="")
    audit_record(
        actor=None, action="consent.withdrawn", target=record, data={"purpose": record.purpose}
    )
    return record


@transaction.atomic
def contact_read_audit(
    *, actor: AbstractBaseUser | AnonymousUser | None, proposal: Proposal, screen: str
) -> None:
    """Record that a member of staff was shown a proposal's contact (never the contact)."""
    audit_record(
        actor=actor, action="proposals.contact_read", target=proposal, data={"screen": screen}
    )


@transaction.atomic
def retention_run(*, now: datetime | None = None) -> dict[str, int]:
    """Apply the retention periods (``KENES_RETENTION_*_DAYS``; 0 keeps for ever).

    Contacts of proposals older than the contact period are emptied (their consents marked
    withdrawn); sign-in codes older than theirs are deleted; accounts not signed in to for
    the citizen period have their personal data erased. Returns counts per kind.
    """
    now = now or timezone.now()
    done = {"contacts": 0, "signin_codes": 0, "citizens": 0}
    if days := settings.KENES_RETENTION_CONTACT_DAYS:
        old = Proposal.objects.filter(submitted_at__lt=now - timedelta(days=days)).exclude(
            contact=""
        )
        codes = list(old.values_list("code", flat=True))
        done["contacts"] = Proposal.objects.filter(code__in=codes).update(contact="")
        ConsentRecord.objects.filter(
            proposal_code__in=codes, purpose=ConsentPurpose.CONTACT, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
    if days := settings.KENES_RETENTION_SIGNIN_CODE_DAYS:
        done["signin_codes"] = citizens.signin_codes_purge(older_than=timedelta(days=days))
    if days := settings.KENES_RETENTION_CITIZEN_DAYS:
        stale = Citizen.objects.filter(
            last_seen_at__lt=now - timedelta(days=days), erased_at__isnull=True
        )
        for citizen in stale:
            citizens.citizen_erase_account(citizen=citizen)
            done["citizens"] += 1
    return done
