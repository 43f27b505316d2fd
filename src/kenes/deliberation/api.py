"""/api/deliberation/: conversations, statements, votes and results.

An API voter identifies its device with ``device_token`` (16–100 characters it generates and
keeps); only a keyed hash of it is stored. The API does not use the browser session, so
signed-in-only conversations take votes through the pages only.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kenes.core.validation import pydantic_field_errors
from kenes.deliberation import selectors, services
from kenes.deliberation.models import Conversation

router = Router(tags=["deliberation"])

STATUS = {"not_found": 404, "closed": 409, "forbidden": 403, "conflict": 409, "invalid": 400}


class ConversationOut(Schema):
    slug: str
    title_kk: str
    title_ru: str
    description_kk: str
    description_ru: str
    status: str
    participation: str
    document: str
    version: str
    article: str | None
    n_statements: int


class StatementOut(Schema):
    id: int
    text: str
    language: str
    agree: int
    disagree: int
    passes: int


class VoteIn(Schema):
    statement_id: int
    value: int
    device_token: str

    model_config = pydantic.ConfigDict(strict=True)


class VoteOut(Schema):
    statement_id: int
    value: int


class ErrorOut(Schema):
    detail: str


def _conv(slug: str) -> Conversation:
    conv = selectors.conversation_get(slug)
    if conv is None:
        raise HttpError(404, "Unknown conversation.")
    return conv


@router.get("/", response=list[ConversationOut], url_name="deliberation_list")
def conversations(request: HttpRequest) -> list[dict[str, Any]]:
    """Every conversation with its number of accepted statements."""
    return [
        {
            "slug": c.slug,
            "title_kk": c.title_kk,
            "title_ru": c.title_ru,
            "description_kk": c.description_kk,
            "description_ru": c.description_ru,
            "status": c.status,
            "participation": c.participation,
            "document": c.version.document.slug,
            "version": c.version.label,
            "article": c.article.number if c.article else None,
            "n_statements": getattr(c, "n_statements", 0),
        }
        for c in selectors.conversations_public()
    ]


@router.get(
    "/{slug}/statements",
    response={200: list[StatementOut], 404: ErrorOut},
    url_name="deliberation_statements",
)
def statements(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The accepted statements with their vote counts."""
    return [
        {
            "id": s.pk,
            "text": s.text,
            "language": s.language,
            "agree": s.n_agree,
            "disagree": s.n_disagree,
            "passes": s.n_pass,
        }
        for s in selectors.statements_accepted(_conv(slug)).order_by("id")
    ]


def _body_errors(exc: pydantic.ValidationError) -> str:
    """pydantic's errors (English only) as one message in the caller's language."""
    return " ".join(
        message if field == "body" else f"{field}: {message}"
        for field, messages in pydantic_field_errors(exc).items()
        for message in messages
    )


@router.post(
    "/{slug}/votes",
    response={200: VoteOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    url_name="deliberation_vote",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": VoteIn.model_json_schema()}},
        }
    },
)
def vote(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    """Vote 1 (agree), -1 (disagree) or 0 (pass) on a statement; a new vote replaces the old.

    Body: ``{"statement_id": int, "value": 1 | -1 | 0, "device_token": str}``. Errors (in the
    language of Accept-Language): 400 bad body or value, 404 unknown conversation or statement,
    409 closed conversation, 403 signed-in-only conversation.
    """
    conv = _conv(slug)
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        return Status(400, {"detail": _("The body is not valid JSON.")})
    if not isinstance(raw, dict):
        return Status(400, {"detail": _("The body must be a JSON object.")})
    try:
        payload = VoteIn.model_validate(raw)
    except pydantic.ValidationError as exc:
        return Status(400, {"detail": _body_errors(exc)})
    try:
        participant = services.participant_get_or_create(
            conversation=conv, device_token=payload.device_token, user=None
        )
        v = services.vote_cast(
            conversation=conv,
            participant=participant,
            statement_id=payload.statement_id,
            value=payload.value,
        )
    except services.DeliberationError as exc:
        return Status(STATUS.get(exc.code or "invalid", 400), {"detail": " ".join(exc.messages)})
    return Status(200, {"statement_id": v.statement_id, "value": v.value})


@router.get("/{slug}/results", response={200: dict, 404: ErrorOut}, url_name="deliberation_results")
def results(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The latest computed opinion map (groups, repness, consensus, bridging, projection)."""
    conv = _conv(slug)
    latest = selectors.latest_result(conv)
    if latest is None:
        raise HttpError(404, "No results yet.")
    return {
        "conversation": conv.slug,
        "computed_at": latest.created_at.isoformat(),
        "published_at": latest.published_at.isoformat() if latest.published_at else None,
        "min_votes": selectors.min_votes(),
        "n_participants": latest.n_participants,
        "n_statements": latest.n_statements,
        "n_votes": latest.n_votes,
        "result": latest.data,
    }
