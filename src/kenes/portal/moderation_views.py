"""Public side of moderation: the policy page and readers' reports (see proposals.moderation)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kenes.portal.proposal_views import _client_token, _remember_client
from kenes.proposals import receipts
from kenes.proposals.models import HideReason, Visibility
from kenes.proposals.moderation import report_submit
from kenes.proposals.selectors import receipt_check

# What each reason code covers, shown on the policy page (the codes are stable: they are in
# the ledger's proposal.hidden events).
REASON_DETAILS = {
    HideReason.ABUSE: _("Insults, humiliation or hatred towards a person or a group."),
    HideReason.THREAT: _("Threats to anyone, or calls to violence."),
    HideReason.ILLEGAL: _(
        "Content whose publication the law of the Republic of Kazakhstan forbids, "
        "such as calls to extremism or the seizure of power."
    ),
    HideReason.SPAM: _("Advertising, links selling something, or text with no meaning."),
    HideReason.FLOOD: _("The same text sent in bulk by automated means in a short time."),
    HideReason.PRIVACY: _(
        "Another person's personal data that the automatic masking did not catch."
    ),
}


@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    reasons = [
        (code, label, REASON_DETAILS[HideReason(code)]) for code, label in HideReason.choices
    ]
    return render(request, "portal/moderation_policy.html", {"reasons": reasons})


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, code: str) -> HttpResponse:
    canonical = receipts.normalize_code(code)
    proposal = receipt_check(code=canonical) if canonical else None
    if proposal is None or proposal.visibility != Visibility.PUBLISHED:
        raise Http404
    error = ""
    done = False
    status = 200
    token, new_token = _client_token(request)
    if request.method == "POST":
        try:
            report_submit(
                proposal=proposal, reason=request.POST.get("reason", ""), client_token=token
            )
            done = True
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 400
    response = render(
        request,
        "portal/report.html",
        {
            "proposal": proposal,
            "reasons": HideReason.choices,
            "error": error,
            "done": done,
            "chosen": request.POST.get("reason", ""),
        },
        status=status,
    )
    return _remember_client(response, token) if new_token else response
