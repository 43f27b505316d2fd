"""Reads of proposals shared by the portal, the API and the review screens."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from kenes.proposals import receipts
from kenes.proposals.models import Proposal, StateChange
from kenes.proposals.services import secret_key


def receipt_check(*, code: str, secret: str | None = None) -> Proposal | None:
    """Return the proposal of a receipt code (and secret, when given), or None."""
    canonical = receipts.normalize_code(code)
    if canonical is None:
        return None
    proposal = (
        Proposal.objects.select_related("version__document", "article", "point")
        .filter(code=canonical)
        .first()
    )
    if proposal is None:
        return None
    if secret is not None and not hmac.compare_digest(
        receipts.secret_digest(secret, secret_key()), proposal.secret_digest
    ):
        return None
    return proposal


@dataclass
class PublicFilters:
    """Filters of the public list; every field optional."""

    q: str = ""
    version_id: int | None = None
    article_id: int | None = None
    state: str = ""
    region: str = ""
    language: str = ""
    channel: str = ""
    author_kind: str = ""


def public_proposals(filters: PublicFilters) -> QuerySet[Proposal]:
    """Return proposals for public lists and the API: no personal data is selected.

    Full-text search uses PostgreSQL's Russian configuration (GIN index on the text; Kazakh
    words are not stemmed by it but match as written); on SQLite it falls back to a substring
    match of each word in a few letter cases (SQLite's LIKE folds ASCII only).
    """
    qs = Proposal.objects.select_related("version__document", "article", "point").defer(
        "contact", "author_index", "secret_digest"
    )
    for field in (
        "version_id",
        "article_id",
        "state",
        "region",
        "language",
        "channel",
        "author_kind",
    ):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    q = filters.q.strip()[:200]
    if q:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            # alias(), not annotate(): the vector is only filtered on, never selected.
            qs = qs.alias(fts=SearchVector("text", config="russian")).filter(
                fts=SearchQuery(q, config="russian", search_type="websearch")
            )
        else:
            words = [w for w in q.split() if w][:8]
            for word in words:
                variants = {word, word.lower(), word.capitalize(), word.upper()}
                condition = Q()
                for v in variants:
                    condition |= Q(text__contains=v)
                qs = qs.filter(condition)
    return qs.order_by("-submitted_at", "-id")


def public_counts(qs: QuerySet[Proposal]) -> dict[str, dict[str, int]]:
    """Return counts by state, language and channel for a (filtered) list."""
    out: dict[str, dict[str, int]] = {}
    for field in ("state", "language", "channel"):
        rows = qs.order_by().values(field).annotate(n=Count("id"))
        out[field] = {r[field]: r["n"] for r in rows}
    return out


def proposal_history(proposal: Proposal) -> list[StateChange]:
    return list(proposal.history.order_by("at", "id"))
