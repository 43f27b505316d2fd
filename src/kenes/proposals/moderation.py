"""Moderation that removes nothing silently.

A moderator publishes a proposal that waits for moderation, or hides one — only with a reason
code of the published policy (:class:`~kenes.proposals.models.HideReason`, listed at
``/moderation/policy/``). Each is a ledger event (``proposal.published``, ``proposal.hidden``
with its reason), so the public log shows that a proposal was hidden and why, and the public
list counts hidden proposals by reason. Nothing is deleted: the text stays for reviewers.
Readers report proposals with :func:`report_submit`; a hide upholds the open reports.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.core.actors import Actor
from kenes.core.crypto import blind_index
from kenes.core.services import audit_record
from kenes.ledger import events
from kenes.ledger.services import ledger_append
from kenes.proposals.models import (
    ContentReport,
    HideReason,
    Proposal,
    ReportState,
    Visibility,
)

MODERATE_PERM = "proposals.moderate_proposal"


def can_moderate(user: Actor) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and user.has_perm(MODERATE_PERM)  # type: ignore[attr-defined]
    )


def _require(actor: Actor) -> None:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only moderators may publish or hide proposals."))


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _resolve_reports(proposal: Proposal, actor: Actor, state: str) -> int:
    return ContentReport.objects.filter(proposal=proposal, state=ReportState.OPEN).update(
        state=state,
        resolved_at=timezone.now(),
        resolved_by=acting_user(actor),
    )


@transaction.atomic
def proposal_hide(*, actor: Actor, proposal: Proposal, reason: str) -> Proposal:
    """Hide a proposal's text from the public for ``reason`` (a HideReason code)."""
    _require(actor)
    if reason not in HideReason.values:
        raise ValidationError({"reason": [_("Choose a reason from the moderation policy.")]})
    proposal = _locked(proposal)
    if proposal.visibility == Visibility.HIDDEN:
        raise ValidationError(_("Proposal %(code)s is already hidden.") % {"code": proposal.code})
    before = proposal.visibility
    proposal.visibility = Visibility.HIDDEN
    proposal.hide_reason = reason
    proposal.save(update_fields=["visibility", "hide_reason", "updated_at"])
    reports = _resolve_reports(proposal, actor, ReportState.UPHELD)
    ledger_append(events.proposal_hidden(code=proposal.code, from_visibility=before, reason=reason))
    audit_record(
        actor=actor,
        action="proposal.hide",
        target=proposal,
        data={"code": proposal.code, "reason": reason, "from": before, "reports": reports},
    )
    return proposal


@transaction.atomic
def proposal_publish(*, actor: Actor, proposal: Proposal) -> Proposal:
    """Publish a proposal that waits for moderation (or restore a hidden one)."""
    _require(actor)
    proposal = _locked(proposal)
    if proposal.visibility == Visibility.PUBLISHED:
        raise ValidationError(
            _("Proposal %(code)s is already published.") % {"code": proposal.code}
        )
    before = proposal.visibility
    proposal.visibility = Visibility.PUBLISHED
    proposal.hide_reason = ""
    proposal.save(update_fields=["visibility", "hide_reason", "updated_at"])
    ledger_append(events.proposal_published(code=proposal.code, from_visibility=before))
    audit_record(
        actor=actor,
        action="proposal.publish",
        target=proposal,
        data={"code": proposal.code, "from": before},
    )
    return proposal


@transaction.atomic
def reports_dismiss(*, actor: Actor, proposal: Proposal) -> int:
    """Close a proposal's open reports, keeping it public; return how many were closed."""
    _require(actor)
    closed = _resolve_reports(proposal, actor, ReportState.DISMISSED)
    audit_record(
        actor=actor,
        action="proposal.reports_dismiss",
        target=proposal,
        data={"code": proposal.code, "reports": closed},
    )
    return closed


@transaction.atomic
def report_submit(*, proposal: Proposal, reason: str, client_token: str = "") -> ContentReport:
    """Record a reader's report; one per reader (browser token) and proposal."""
    if reason not in HideReason.values:
        raise ValidationError({"reason": [_("Choose a reason from the moderation policy.")]})
    if proposal.visibility != Visibility.PUBLISHED:
        raise ValidationError(_("Only published proposals can be reported."))
    index = blind_index("report:" + client_token) if client_token else ""
    if index:
        existing = ContentReport.objects.filter(proposal=proposal, reporter_index=index).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return ContentReport.objects.create(
                proposal=proposal, reason=reason, reporter_index=index
            )
    except IntegrityError:  # the same reader, twice at once
        return ContentReport.objects.get(proposal=proposal, reporter_index=index)
