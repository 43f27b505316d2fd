"""JSON API of proposals: submit (idempotent), receipt look-up, public list.

- ``POST /api/proposals/`` submits a proposal. ``Authorization: Bearer <token>`` sends it on the
  token's channel and source; without a token it comes on channel ``api`` from source
  ``public``. There is no rate limiting here: it belongs to the proxy in front of Kenes.
  ``Idempotency-Key`` makes retries safe: see :func:`submit`.
- ``GET /api/proposals/receipt/{code}`` (in ``kenes.review.api``) shows a receipt with its answer.
- ``GET /api/proposals/`` lists proposals publicly (no personal data), with filters and paging.
- ``GET /api/proposals/ping`` is a health and benchmark endpoint that touches no database.

Endpoints are thin: they parse, call ``kenes.proposals.tokens`` / ``services`` / ``selectors``
and render. Error bodies are ``{"detail": "...", "errors": {"field": ["..."]}}`` in the
request's language (Accept-Language, ``?lang=``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from kenes.consultations.services import ConsultationClosedError
from kenes.core import ratelimit
from kenes.core.text import has_nul
from kenes.core.validation import field_errors, pydantic_field_errors
from kenes.drafts.models import pick_language
from kenes.geo.regions import Region
from kenes.proposals import selectors
from kenes.proposals.batcher import Job, Overloaded, intake_submit, intake_version
from kenes.proposals.models import (
    ApiToken,
    AuthorKind,
    Channel,
    Language,
    ProposalState,
)
from kenes.proposals.rights import identity_missing
from kenes.proposals.services import DuplicateProposalError
from kenes.proposals.tokens import (
    KEY_MAX,
    PUBLIC_SCOPE,
    IdempotencyConflictError,
    api_token_authenticate,
    check_idempotency_key,
    public_scope,
    request_digest,
)

router = Router(tags=["proposals"])

LIST_LIMIT_MAX = 100
OFFSET_MAX = 1_000_000_000


class _Public:
    """``request.auth`` of a request without a token (truthy, so ninja lets it through)."""

    def __bool__(self) -> bool:
        return True


class OptionalBearer(HttpBearer):
    """A bearer token when one is sent; anonymous (public) access otherwise."""

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get("Authorization", "")
        if not value:
            return _Public()
        scheme, _sep, token = value.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(token)


# --- Schemas --------------------------------------------------------------------------------


# Plain pydantic, not ninja's Schema: it is parsed from JSON only and needs none of ninja's
# ORM-object handling, which cost about a third of the request's own CPU (decision 26).
class SubmitIn(pydantic.BaseModel):
    """A proposal sent through the API."""

    model_config = pydantic.ConfigDict(extra="forbid")

    document: str
    version: str
    article: str | int | None = None
    point: str | int | None = None
    text: str
    language: str | None = None
    author_kind: str | None = None
    region: str | None = None
    contact: str | None = None
    consent: bool = False
    consent_text: str | None = None
    external_id: str | None = None


class ReceiptOut(Schema):
    code: str
    secret: str | None
    replayed: bool
    state: str
    language: str
    submitted_at: datetime
    tracker_url: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class ProposalOut(Schema):
    code: str
    text: str
    language: str
    state: str
    author: str
    author_kind: str
    region: str
    channel: str
    document: str
    version: str
    article: str | None
    point: str | None
    submitted_at: datetime


class ProposalPage(Schema):
    items: list[ProposalOut]
    limit: int
    offset: int | None
    next_cursor: str | None
    total: int | None
    counts: dict[str, dict[str, int]] | None


class PingOut(Schema):
    ok: bool


# --- Helpers --------------------------------------------------------------------------------


def _error(
    status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> Status[dict[str, Any]]:
    return Status(status, {"detail": detail, "errors": errors or {}})


# An answer of the submit endpoint: status, JSON body, extra headers.
Answer = tuple[int, dict[str, Any], dict[str, str]]


def _fail(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> Answer:
    return status, {"detail": detail, "errors": errors or {}}, {}


def _tracker_url(code: str) -> str:
    return f"{settings.KENES_PUBLIC_URL}/track/?code={code}"


def _canonical_body(data: SubmitIn) -> dict[str, Any]:
    body = data.model_dump()
    for name in ("article", "point"):
        body[name] = str(body[name]).strip() if body[name] not in (None, "") else None
    return body


def _read_body(request: HttpRequest) -> bytes | None:
    """Return the body, or None when it is over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if limit is not None and declared > limit:
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    if limit is not None and len(body) > limit:
        return None
    return body


# --- Endpoints ------------------------------------------------------------------------------


@router.get("/ping", response=PingOut, url_name="proposals_ping")
def ping(request: HttpRequest) -> dict[str, bool]:
    """Health and benchmark endpoint: answers without touching the database."""
    return {"ok": True}


@router.post(
    "/",
    auth=OptionalBearer(),
    response={
        201: ReceiptOut,
        200: ReceiptOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    url_name="proposals_submit",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SubmitIn.model_json_schema()}},
        },
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": KEY_MAX},
                "description": "Makes a retry safe: the same key returns the first receipt.",
            }
        ],
    },
)
def submit(request: HttpRequest, response: HttpResponse) -> Status[dict[str, Any]]:
    """Submit a proposal; 201 with its receipt code and one-time secret.

    Idempotency: with an ``Idempotency-Key`` header (recommended; scoped per token, or per
    client address without one) a retry returns **200** with the same receipt code, the
    current state, ``"replayed": true`` and — within 24 hours (``KENES_RECEIPT_REPLAY_SECONDS``)
    — the same ``secret``, so an author whose first response was lost still gets it; after
    that ``"secret": null`` (the code alone is enough to follow the proposal). The
    same key with a different body is refused with 422. The key and the proposal are written
    in one transaction. A repeated ``external_id`` (tokens only) is answered the same way.

    Errors: 422 per-field messages, 409 the same text from the same contact a moment ago,
    404 unknown document or version, 413 body over the size limit, 401 invalid token.
    403 without a token where the consultation requires signed-in citizens.
    """
    token = request.auth if isinstance(request.auth, ApiToken) else None  # type: ignore[attr-defined]
    answer = submit_request(request, token)
    if isinstance(answer, HttpResponse):
        return answer  # type: ignore[return-value]
    status, data, headers = answer
    for name, value in headers.items():
        response[name] = value
    return Status(status, data)


def submit_request(request: HttpRequest, token: ApiToken | None) -> HttpResponse | Answer:
    """The whole of ``POST /api/proposals/`` after authentication: (status, body, headers),
    or a ready response (429). Shared by the ninja endpoint above and the lean intake handler
    (kenes.api.intake), so both answer alike."""
    retry = ratelimit.hit(
        request,
        "submit_token" if token else "submit",
        f"token:{token.prefix}" if token else None,
    )
    if retry is not None:
        return ratelimit.too_many(request, retry)
    body = _read_body(request)
    if body is None:
        return _fail(
            413,
            _("The request is too large: at most %(n)s bytes.")
            % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )
    try:
        data = SubmitIn.model_validate_json(body or b"{}")
    except pydantic.ValidationError as exc:
        return _fail(
            422,
            _("The proposal was not accepted: correct the fields listed."),
            pydantic_field_errors(exc),
        )
    key = request.headers.get("Idempotency-Key", "").strip()
    errors: dict[str, list[str]] = {
        name: [_("This field contains a NUL character (U+0000), which is not allowed.")]
        for name, value in data.model_dump().items()
        if has_nul(value)
    }
    if data.external_id and token is None:
        errors["external_id"] = [_("An external id can only be sent with an API token.")]
    elif data.external_id and len(data.external_id) > 200:
        errors["external_id"] = [_("The external id is longer than 200 characters.")]
    if errors:
        return _fail(422, _("The proposal was not accepted: correct the fields listed."), errors)
    version = intake_version(data.document, data.version)
    if version is None:
        return _fail(
            404,
            _("There is no draft %(document)s/%(version)s.")
            % {"document": data.document, "version": data.version},
            {"version": [_("Unknown document or version.")]},
        )
    if token is None and identity_missing(version, None):
        # The consultation takes proposals only from signed-in citizens (issue #10); the
        # public API has no citizen sign-in, so it refuses. Channels with a token may send.
        message = _("This consultation accepts proposals only from signed-in citizens.")
        return _fail(403, message, {"identity": [message]})
    canonical = _canonical_body(data)
    job = Job(
        scope=token.prefix if token else public_scope(ratelimit.client_ip(request)),
        key=key,
        digest=request_digest(canonical),
        version=version,
        channel=token.channel if token else Channel.API,
        source=(token.source or token.name) if token else PUBLIC_SCOPE,
        language=get_language() or "ru",
        row={
            "text": data.text,
            "article_number": canonical["article"],
            "point_number": canonical["point"],
            "language": data.language or None,
            "ui_language": pick_language(get_language()),
            "author_kind": data.author_kind or AuthorKind.CITIZEN,
            "region": data.region or "",
            "contact": data.contact or "",
            "consent": data.consent,
            "consent_text": data.consent_text or "",
            "external_id": data.external_id or "",
        },
    )
    try:
        check_idempotency_key(key)
        outcome = intake_submit(job)
    except Overloaded:
        message = _("Too many proposals are arriving right now: try again shortly.")
        return 503, {"detail": message, "errors": {}}, {"Retry-After": "1"}
    except DuplicateProposalError as exc:
        return _fail(409, " ".join(exc.messages), exc.message_dict)
    except ConsultationClosedError as exc:
        return _fail(422, " ".join(exc.messages), exc.message_dict)
    except IdempotencyConflictError as exc:
        return _fail(422, " ".join(exc.messages), exc.message_dict)
    except ValidationError as exc:
        return _fail(
            422,
            _("The proposal was not accepted: correct the fields listed."),
            field_errors(exc, "body"),
        )
    proposal = outcome.submitted.proposal
    return (
        200 if outcome.replayed else 201,
        {
            "code": proposal.code,
            "secret": outcome.submitted.secret,
            "replayed": outcome.replayed,
            "state": proposal.state,
            "language": proposal.language,
            "submitted_at": proposal.submitted_at,
            "tracker_url": _tracker_url(proposal.code),
        },
        {},
    )


@router.get(
    "/", response={200: ProposalPage, 404: ErrorOut, 422: ErrorOut}, url_name="proposals_list"
)
def proposal_list(
    request: HttpRequest,
    document: str = "",
    version: str = "",
    article: str = "",
    state: str = "",
    region: str = "",
    language: str = "",
    channel: str = "",
    author_kind: str = "",
    q: str = "",
    limit: int = 20,
    offset: int = 0,
    cursor: str = "",
    counts: bool = False,
) -> Status[dict[str, Any]]:
    """List proposals publicly, newest first. No contact or other personal data.

    Filters: ``document`` (slug), ``version`` (label, needs ``document``), ``article``
    (number, needs ``version``), ``state``, ``region``, ``language``, ``channel``,
    ``author_kind``, ``q`` (full text). Paging: ``limit`` (1–100) with ``cursor`` (from
    ``next_cursor``; stable while new proposals arrive) or ``offset``. ``counts=true`` adds
    ``total`` and the counts by state, language and channel (each a scan of the filtered
    proposals: ask for them on the first page only).
    """
    errors: dict[str, list[str]] = {}
    for name, value, choices in (
        ("state", state, ProposalState.values),
        ("region", region, Region.values),
        ("language", language, Language.values),
        ("channel", channel, Channel.values),
        ("author_kind", author_kind, AuthorKind.values),
    ):
        if value and value not in choices:
            errors[name] = [_("Unknown value.")]
    if not 1 <= limit <= LIST_LIMIT_MAX:
        errors["limit"] = [_("Between 1 and %(n)s.") % {"n": LIST_LIMIT_MAX}]
    if offset < 0:
        errors["offset"] = [_("Must not be negative.")]
    elif offset > OFFSET_MAX:
        errors["offset"] = [_("At most %(n)s; use the cursor to page further.") % {"n": OFFSET_MAX}]
    if version and not document:
        errors["version"] = [_("A version needs its document.")]
    if article and not version:
        errors["article"] = [_("An article needs its version.")]
    after = selectors.cursor_decode(cursor) if cursor else None
    if cursor and after is None:
        errors["cursor"] = [_("This cursor is not valid.")]
    if errors:
        return _error(422, _("Correct the fields listed."), errors)
    filters = selectors.PublicFilters(
        q=q, state=state, region=region, language=language, channel=channel, author_kind=author_kind
    )
    if version:
        found = selectors.version_id_by_slug(document, version)
        if found is None:
            return _error(
                404,
                _("There is no draft %(document)s/%(version)s.")
                % {"document": document, "version": version},
            )
        filters.version_id = found
        if article:
            article_id = selectors.article_id_by_number(found, article)
            if article_id is None:
                return _error(
                    404, _("There is no article %(number)s in this draft.") % {"number": article}
                )
            filters.article_id = article_id
    qs = selectors.public_proposals(filters)
    if document and not version:
        qs = qs.filter(version__document__slug=document)
    rows, more = selectors.public_page(qs, after=after, offset=offset, limit=limit)
    items = [
        {
            "code": p.code,
            "text": p.public_text,
            "language": p.language,
            "state": p.state,
            "author": p.public_author,
            "author_kind": p.author_kind,
            "region": p.region,
            "channel": p.channel,
            "document": p.version.document.slug,
            "version": p.version.label,
            "article": p.article.number if p.article else None,
            "point": p.point.number if p.point else None,
            "submitted_at": p.submitted_at,
        }
        for p in rows
    ]
    total = by = None
    if counts:
        # Reused for KENES_COUNTS_TTL seconds per filter; the sum by state is the total.
        by = (
            selectors.public_counts(qs)
            if document and not version
            else selectors.public_counts_cached(filters)
        )
        total = sum(by.get("state", {}).values())
    return Status(
        200,
        {
            "items": items,
            "limit": limit,
            "offset": None if cursor else offset,
            "next_cursor": selectors.cursor_encode(rows[-1]) if more and rows else None,
            "total": total,
            "counts": by,
        },
    )
