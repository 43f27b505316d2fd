"""Moderators' screen: proposals awaiting moderation or reported, publish or hide with a
reason code, and the moderation log as CSV. Writes go through kenes.proposals.moderation.
"""

from __future__ import annotations

import csv

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kenes.accounts.permissions import staff_view
from kenes.core.models import AuditEntry
from kenes.proposals import moderation
from kenes.proposals.models import HideReason, Proposal, ReportState, Visibility

LOG_ACTIONS = ("proposal.hide", "proposal.publish", "proposal.reports_dismiss")


# Moderators only (``proposals.moderate_proposal``); others go to the staff login.
moderator_view = staff_view(can_read=moderation.can_moderate, login_url="admin:login")


@require_http_methods(["GET", "POST"])
@moderator_view
def queue(request: HttpRequest) -> HttpResponse:
    error = ""
    status = 200
    if request.method == "POST":
        proposal = get_object_or_404(Proposal, pk=request.POST.get("proposal") or 0)
        action = request.POST.get("action", "")
        try:
            if action == "hide":
                moderation.proposal_hide(
                    actor=request.user, proposal=proposal, reason=request.POST.get("reason", "")
                )
            elif action == "publish":
                moderation.proposal_publish(actor=request.user, proposal=proposal)
            elif action == "dismiss":
                moderation.reports_dismiss(actor=request.user, proposal=proposal)
            else:
                raise ValidationError("?")
            return redirect("review:moderation")
        except ValidationError as exc:
            error = f"{proposal.code}: " + " ".join(exc.messages)
            status = 400
    open_reports = Count("reports", filter=Q(reports__state=ReportState.OPEN))
    items = list(
        Proposal.objects.annotate(open_reports=open_reports)
        .filter(Q(visibility=Visibility.PENDING) | Q(open_reports__gt=0))
        .select_related("version__document", "article")
        .defer("contact")
        .order_by("submitted_at", "id")[:100]
    )
    hidden = list(
        Proposal.objects.filter(visibility=Visibility.HIDDEN)
        .defer("contact")
        .order_by("-updated_at")[:20]
    )
    return render(
        request,
        "review/moderation.html",
        {"items": items, "hidden": hidden, "reasons": HideReason.choices, "error": error},
        status=status,
    )


@require_GET
@moderator_view
def log_csv(request: HttpRequest) -> HttpResponse:
    """The moderation log: every publish, hide and dismissal, oldest first (no personal data)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kenes-moderation-log.csv"'
    writer = csv.writer(response)
    writer.writerow(["time", "moderator", "action", "proposal", "reason", "from", "reports"])
    rows = AuditEntry.objects.filter(action__in=LOG_ACTIONS).order_by("created_at", "id")
    for entry in rows.iterator():
        data = entry.data or {}
        writer.writerow(
            [
                entry.created_at.isoformat(timespec="seconds"),
                entry.actor_label,
                entry.action.removeprefix("proposal."),
                data.get("code", ""),
                data.get("reason", ""),
                data.get("from", ""),
                data.get("reports", ""),
            ]
        )
    return response
