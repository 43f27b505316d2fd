"""Reads of proposals shared by the portal, the API and the review screens."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from kenes.drafts.models import Article, Version
from kenes.proposals import receipts
from kenes.proposals.models import Proposal, StateChange, Visibility
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


def _by_fields(qs: QuerySet[Proposal], filters: PublicFilters) -> QuerySet[Proposal]:
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
    return qs


def public_proposals(filters: PublicFilters, *, staff: bool = False) -> QuerySet[Proposal]:
    """Return published proposals for public lists and the API: no personal data is selected.

    Pages show ``public_text`` (personal data masked); search runs over it too, so typing an
    IIN or a phone number into the search box finds nothing. Hidden and pending proposals are
    counted by :func:`withheld_counts`, never listed. ``staff=True`` (review screens) lists
    every proposal, with its original text, and searches the original text.
    """
    qs = Proposal.objects.select_related("version__document", "article", "point")
    if staff:
        qs = qs.defer("contact", "author_index", "secret_digest")
        column = "text"
    else:
        qs = qs.defer("contact", "author_index", "secret_digest", "text").filter(
            visibility=Visibility.PUBLISHED
        )
        column = "public_text"
    qs = _by_fields(qs, filters)
    q = filters.q.strip()[:200]
    if q:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            # alias(), not annotate(): the vector is only filtered on, never selected.
            qs = qs.alias(fts=SearchVector(column, config="russian")).filter(
                fts=SearchQuery(q, config="russian", search_type="websearch")
            )
        else:
            words = [w for w in q.split() if w][:8]
            for word in words:
                variants = {word, word.lower(), word.capitalize(), word.upper()}
                condition = Q()
                for v in variants:
                    condition |= Q(**{column + "__contains": v})
                qs = qs.filter(condition)
    return qs.order_by("-submitted_at", "-id")


def public_counts(qs: QuerySet[Proposal]) -> dict[str, dict[str, int]]:
    """Return counts by state, language and channel for a (filtered) list."""
    out: dict[str, dict[str, int]] = {}
    for field in ("state", "language", "channel"):
        rows = qs.order_by().values(field).annotate(n=Count("id"))
        out[field] = {r[field]: r["n"] for r in rows}
    return out


# What a public list row shows (no contact, no secret digest, no author index).
LIST_FIELDS = (
    "code",
    "public_text",
    "language",
    "state",
    "author_kind",
    "region",
    "channel",
    "submitted_at",
    "version",
    "version__label",
    "version__document",
    "version__document__slug",
    "article",
    "article__number",
    "point",
    "point__number",
)


def version_id_by_slug(document: str, label: str) -> int | None:
    """The id of draft version ``document/label``, or None."""
    return (
        Version.objects.filter(document__slug=document, label=label)
        .values_list("pk", flat=True)
        .first()
    )


def article_id_by_number(version_id: int, number: str) -> int | None:
    """The id of article ``number`` of a version, or None."""
    return (
        Article.objects.filter(version_id=version_id, number=number)
        .values_list("pk", flat=True)
        .first()
    )


def public_page(
    qs: QuerySet[Proposal],
    *,
    after: tuple[datetime, int] | None,
    offset: int,
    limit: int,
) -> tuple[list[Proposal], bool]:
    """One page of a public list (newest first): after a keyset cursor ``(submitted_at, id)``,
    or at ``offset``. Returns the rows and whether more follow.

    Two steps: the page's ids (the search's tsvector is not selected, so PostgreSQL does not
    compute it for every match), then those rows with their draft references.
    """
    if after is not None:
        when, pk = after
        qs = qs.filter(Q(submitted_at__lt=when) | Q(submitted_at=when, pk__lt=pk))
        offset = 0
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit + 1])
    more = len(ids) > limit
    ids = ids[:limit]
    by_id = {
        p.pk: p for p in public_proposals(PublicFilters()).filter(pk__in=ids).only(*LIST_FIELDS)
    }
    return [by_id[pk] for pk in ids if pk in by_id], more


def proposal_history(proposal: Proposal) -> list[StateChange]:
    return list(proposal.history.order_by("at", "id"))


def withheld_counts(filters: PublicFilters) -> dict[str, Any]:
    """Return what a public list with ``filters`` does not show, so its counts add up.

    The text search is not applied (withheld texts are not searchable). Returns
    ``{"pending": n, "hidden": n, "reasons": [(code, label, n), ...]}``.
    """
    from kenes.proposals.models import HideReason

    qs = _by_fields(Proposal.objects.exclude(visibility=Visibility.PUBLISHED), filters)
    rows = qs.order_by().values("visibility", "hide_reason").annotate(n=Count("id"))
    pending = hidden = 0
    reasons: dict[str, int] = {}
    for row in rows:
        if row["visibility"] == Visibility.PENDING:
            pending += row["n"]
        elif row["visibility"] == Visibility.HIDDEN:
            hidden += row["n"]
            reasons[row["hide_reason"]] = reasons.get(row["hide_reason"], 0) + row["n"]
    labels = dict(HideReason.choices)
    return {
        "pending": pending,
        "hidden": hidden,
        "reasons": [(code, labels.get(code, code), n) for code, n in sorted(reasons.items())],
    }
