"""JSON API of review: a receipt's state, history and current answer.

Mounted under ``/api/proposals/`` beside the intake endpoints (``kenes.proposals.api``), which
sit below review and cannot read answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kenes.proposals import selectors as proposal_selectors
from kenes.proposals.api import ErrorOut
from kenes.proposals.models import Proposal
from kenes.review import selectors as review_selectors
from kenes.review.models import Answer

router = Router(tags=["proposals"])


class HistoryOut(Schema):
    from_state: str
    state: str
    at: datetime


class AnswerOut(Schema):
    decision: str
    reason_kk: str
    reason_ru: str
    changed_article: str | None
    changed_point: str | None
    answered_at: datetime


class ReceiptStatusOut(Schema):
    code: str
    state: str
    secret_checked: bool
    language: str
    document: str
    version: str
    article: str | None
    point: str | None
    text: str
    submitted_at: datetime
    merged_into: str | None
    history: list[HistoryOut]
    answer: AnswerOut | None


def _error(status: int, detail: str) -> Status[dict[str, Any]]:
    return Status(status, {"detail": detail, "errors": {}})


def _answer_out(answer: Answer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {
        "decision": answer.decision,
        "reason_kk": answer.reason_kk,
        "reason_ru": answer.reason_ru,
        "changed_article": answer.changed_article.number if answer.changed_article else None,
        "changed_point": answer.changed_point.number if answer.changed_point else None,
        "answered_at": answer.answered_at,
    }


@router.get(
    "/receipt/{code}", response={200: ReceiptStatusOut, 404: ErrorOut}, url_name="proposals_receipt"
)
def receipt(request: HttpRequest, code: str, secret: str | None = None) -> Status[dict[str, Any]]:
    """Follow a proposal by its receipt code: state, history, answer. No personal data.

    With ``?secret=`` the secret is checked too (``secret_checked``); a wrong secret answers
    404 like an unknown code.
    """
    proposal = proposal_selectors.receipt_check(code=code, secret=secret or None)
    if proposal is None:
        return _error(404, _("No proposal has this receipt code. Check the code and try again."))
    merged_into = (
        Proposal.objects.filter(pk=proposal.merged_into_id).values_list("code", flat=True).first()
        if proposal.merged_into_id
        else None
    )
    _answered_by, answer = review_selectors.answer_current(proposal)
    history = [
        {"from_state": h.from_state, "state": h.to_state, "at": h.at}
        for h in proposal_selectors.proposal_history(proposal)
        if h.from_state != h.to_state
    ]
    return Status(
        200,
        {
            "code": proposal.code,
            "state": proposal.state,
            "secret_checked": bool(secret),
            "language": proposal.language,
            "document": proposal.version.document.slug,
            "version": proposal.version.label,
            "article": proposal.article.number if proposal.article else None,
            "point": proposal.point.number if proposal.point else None,
            "text": proposal.text,
            "submitted_at": proposal.submitted_at,
            "merged_into": merged_into,
            "history": history,
            "answer": _answer_out(answer),
        },
    )
