"""JSON API of review: a receipt's state, history and current answer.

Mounted under ``/api/proposals/`` beside the intake endpoints (``kenes.proposals.api``), which
sit below review and cannot read answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kenes.core import ratelimit
from kenes.core.text import has_nul
from kenes.proposals import receipts
from kenes.proposals import selectors as proposal_selectors
from kenes.proposals.api import ErrorOut
from kenes.proposals.models import Proposal, Visibility
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
    # Personal data masked; empty while hidden or awaiting moderation (see visibility).
    text: str
    visibility: str
    hide_reason: str
    submitted_at: datetime
    merged_into: str | None
    history: list[HistoryOut]
    answer: AnswerOut | None


def _error(
    status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> Status[dict[str, Any]]:
    return Status(status, {"detail": detail, "errors": errors or {}})


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


class SecretIn(Schema):
    model_config = pydantic.ConfigDict(extra="forbid")

    secret: str = pydantic.Field(max_length=64)


SECRET_HEADER = "X-Receipt-Secret"  # noqa: S105 - a header name
RECEIPT_RESPONSES = {200: ReceiptStatusOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


@router.get(
    "/receipt/{code}",
    response=RECEIPT_RESPONSES,
    url_name="proposals_receipt",
    openapi_extra={
        "parameters": [
            {
                "name": SECRET_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 64},
                "description": "The receipt secret, to check it too (never in the URL).",
            }
        ]
    },
)
def receipt(request: HttpRequest, code: str) -> Status[dict[str, Any]] | HttpResponse:
    """Follow a proposal by its receipt code: state, history, answer. No personal data.

    With the ``X-Receipt-Secret`` header (or ``POST`` with ``{"secret": ...}``) the secret is
    checked too (``secret_checked``); a wrong secret answers 404 like an unknown code, and
    too many wrong secrets answer 429. A secret in the URL (``?secret=``, which lands in access
    logs) is refused with 400.
    """
    if "secret" in request.GET:
        return _error(
            400,
            _(
                "Do not put the receipt secret in the address: addresses are written to logs. "
                'Send it in the X-Receipt-Secret header, or POST it as {"secret": ...} to '
                "this address."
            ),
            {"secret": [_("Not accepted in the address.")]},
        )
    return _receipt_status(request, code, request.headers.get(SECRET_HEADER, "").strip()[:64])


@router.post("/receipt/{code}", response=RECEIPT_RESPONSES, url_name="proposals_receipt_check")
def receipt_check_secret(
    request: HttpRequest, code: str, payload: SecretIn
) -> Status[dict[str, Any]] | HttpResponse:
    """Check a receipt's secret (in the body, never in the URL) and show the proposal."""
    return _receipt_status(request, code, payload.secret.strip())


def _code_key(code: str) -> str:
    return receipts.normalize_code(code) or code.strip().upper()[:32]


def _receipt_status(
    request: HttpRequest, code: str, secret: str
) -> Status[dict[str, Any]] | HttpResponse:
    if has_nul(secret):
        secret = "\ufffd"  # noqa: S105 - matches no secret; a NUL never reaches the database
    if secret:
        retry = ratelimit.blocked(request, "receipt_secret", _code_key(code))
        if retry is not None:
            return ratelimit.too_many(request, retry)
    proposal = proposal_selectors.receipt_check(code=code, secret=secret or None)
    if proposal is None:
        if secret:
            ratelimit.hit(request, "receipt_secret", _code_key(code))
        return _error(404, _("No proposal has this receipt code. Check the code and try again."))
    merged_into = (
        Proposal.objects.filter(pk=proposal.merged_into_id).values_list("code", flat=True).first()
        if proposal.merged_into_id
        else None
    )
    history = [
        {"from_state": h.from_state, "state": h.to_state, "at": h.at}
        for h in proposal_selectors.proposal_history(proposal)
        if h.from_state != h.to_state
    ]
    _answered_by, answer = review_selectors.answer_current(proposal)
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
            "text": proposal.public_text if proposal.visibility == Visibility.PUBLISHED else "",
            "visibility": proposal.visibility,
            "hide_reason": proposal.hide_reason,
            "submitted_at": proposal.submitted_at,
            "merged_into": merged_into,
            "history": history,
            "answer": _answer_out(answer),
        },
    )
