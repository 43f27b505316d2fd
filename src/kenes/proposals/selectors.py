"""Reads of proposals shared by the portal, the API and the review screens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime

from kenes.analysis.normalize import kk_lat_to_cyr
from kenes.analysis.wordforms import russian_stem
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

    Full-text search: on PostgreSQL the Russian configuration (GIN index) OR Kazakh stems as
    prefixes on the 'simple' index; on SQLite an FTS5 table over the public text (stems as
    prefixes); otherwise (staff search on SQLite) a substring match in a few letter cases.
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
        groups = [search_stems(w) for w in WORD_RE.findall(q.lower())][:8]
        groups = [g for g in groups if g]
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            # alias(), not annotate(): the vectors are only filtered on, never selected.
            # Russian word forms through the Russian stemmer; each word's Russian and Kazakh
            # stems also as prefixes on the 'simple' index (see search_stems).
            qs = qs.alias(
                fts=SearchVector(column, config="russian"),
                fts_simple=SearchVector(column, config="simple"),
            )
            russian = Q(fts=SearchQuery(q, config="russian", search_type="websearch"))
            if groups:
                prefix = " & ".join(
                    "(" + " | ".join(f"{st}:*" for st in group) + ")" for group in groups
                )
                russian |= Q(fts_simple=SearchQuery(prefix, config="simple", search_type="raw"))
            qs = qs.filter(russian)
        elif connection.vendor == "sqlite" and not staff and groups:
            # FTS5 table over the public text, kept by triggers: each word's stems as prefixes.
            match = " AND ".join(
                "(" + " OR ".join('"' + st.replace('"', "") + '"*' for st in group) + ")"
                for group in groups
            )
            qs = qs.filter(
                pk__in=RawSQL(
                    "SELECT rowid FROM proposals_proposal_fts WHERE proposals_proposal_fts MATCH %s",
                    [match],
                )
            )
        else:
            # Staff search on SQLite (the original text has no FTS table): each word's stems
            # as substrings, in a few letter cases.
            for group in groups or [[w] for w in q.split()[:8]]:
                condition = Q()
                for stem in group:
                    for v in {stem, stem.capitalize(), stem.upper()}:
                        condition |= Q(**{column + "__contains": v})
                qs = qs.filter(condition)
    return qs.order_by("-submitted_at", "-id")


WORD_RE = re.compile(r"[^\W\d_]{2,}")

# Kazakh endings (plural, possessive, case), longest first; a stem keeps at least 3 letters.
KAZAKH_ENDINGS = sorted(
    {
        "лар",
        "лер",
        "дар",
        "дер",
        "тар",
        "тер",
        "ның",
        "нің",
        "дың",
        "дің",
        "тың",
        "тің",
        "ға",
        "ге",
        "қа",
        "ке",
        "на",
        "не",
        "да",
        "де",
        "та",
        "те",
        "нда",
        "нде",
        "дан",
        "ден",
        "тан",
        "тен",
        "нан",
        "нен",
        "ды",
        "ді",
        "ты",
        "ті",
        "ны",
        "ні",
        "мен",
        "бен",
        "пен",
        "ымыз",
        "іміз",
        "ың",
        "ің",
        "сы",
        "сі",
        "ы",
        "і",
        "м",
        "ым",
        "ім",
    },
    key=len,
    reverse=True,
)


def kazakh_stem(word: str) -> str:
    """A crude stem of a (Kazakh) word for prefix search: endings cut, at least 3 letters.

    Two rounds cut a plural and a case ending (салықтарды → салық, мектептерде → мектеп).
    Russian words pass through too (выборы → выбор): harmless, as the Russian stemmer's match
    is OR-ed with this one.
    """
    word = word.lower()
    for _round in range(2):
        for ending in KAZAKH_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                break
    return word


def search_stems(word: str) -> list[str]:
    """The prefixes a search word is matched by: its Kazakh stem and its Russian (Snowball)
    stem, and for a word typed in Kazakh Latin letters those of its Cyrillic spelling too.

    "языки" → язык (finds "языков"), "интернета" → интернет, "тілдер" → тіл (finds "тілі",
    "тілдің"). Stems shorter than 3 letters are left out (too many words start so); a short
    word is kept whole.
    """
    word = word.lower()
    forms = [word]
    if word.isascii() or not any("\u0400" <= ch <= "\u04ff" for ch in word):
        cyrillic = kk_lat_to_cyr(word).lower()
        if cyrillic != word:
            forms.append(cyrillic)
    out: list[str] = []
    for form in forms:
        for stem in (kazakh_stem(form), russian_stem(form)):
            stem = stem if len(stem) >= 3 else form
            if stem and stem not in out:
                out.append(stem)
    # A prefix already covered by a shorter one adds nothing.
    return [st for st in out if not any(o != st and st.startswith(o) for o in out)]


def public_counts(qs: QuerySet[Proposal]) -> dict[str, dict[str, int]]:
    """Return counts by state, language and channel for a (filtered) list: one scan."""
    out: dict[str, dict[str, int]] = {"state": {}, "language": {}, "channel": {}}
    rows = qs.order_by().values("state", "language", "channel").annotate(n=Count("id"))
    for row in rows:
        for field in ("state", "language", "channel"):
            bucket = out[field]
            bucket[row[field]] = bucket.get(row[field], 0) + row["n"]
    return {field: counts for field, counts in out.items() if counts}


def _cache_key(kind: str, filters: PublicFilters) -> str:
    raw = repr(sorted(asdict(filters).items())).encode()
    return f"kenes:{kind}:" + hashlib.sha256(raw).hexdigest()[:32]


def public_counts_cached(filters: PublicFilters) -> dict[str, dict[str, int]]:
    """:func:`public_counts` of ``public_proposals(filters)``, kept ``KENES_COUNTS_TTL`` seconds.

    Counting a filtered list scans every match (a search for a common word matches a large
    share of a million proposals), so a public page that shows counts reuses them for a short
    while per filter combination: the numbers lag new proposals by at most the TTL.
    """
    ttl = settings.KENES_COUNTS_TTL
    if ttl <= 0:
        return public_counts(public_proposals(filters))
    key = _cache_key("counts", filters)
    found = cache.get(key)
    if found is None:
        started = time.monotonic()
        found = public_counts(public_proposals(filters))
        # Counts that took long (a common word over a million proposals) are kept ten times
        # longer: at most KENES_COUNTS_TTL_SLOW seconds old.
        slow = time.monotonic() - started > 0.2
        cache.set(key, found, settings.KENES_COUNTS_TTL_SLOW if slow else ttl)
    return found  # type: ignore[no-any-return]


def public_total_cached(filters: PublicFilters) -> int:
    """How many proposals ``public_proposals(filters)`` holds, kept ``KENES_COUNTS_TTL`` s."""
    ttl = settings.KENES_COUNTS_TTL
    key = _cache_key("total", filters)
    found = cache.get(key) if ttl > 0 else None
    if found is None:
        found = public_proposals(filters).order_by().count()
        if ttl > 0:
            cache.set(key, found, ttl)
    return int(found)


def cursor_encode(proposal: Proposal) -> str:
    """The keyset cursor after ``proposal`` in a newest-first list (opaque, URL-safe)."""
    raw = f"{proposal.submitted_at.isoformat()}|{proposal.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int] | None:
    """The ``(submitted_at, id)`` of a cursor, or None when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _sep, pk = raw.partition("|")
        when = parse_datetime(stamp)
        return (when, int(pk)) if when is not None else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


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
    "version__document__title_kk",
    "version__document__title_ru",
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

    # "IN (pending, hidden)" rather than "<> published": the visibility index finds the few
    # withheld rows instead of scanning every proposal (170 ms at 1M → under 1 ms).
    withheld = Proposal.objects.filter(visibility__in=(Visibility.PENDING, Visibility.HIDDEN))
    qs = _by_fields(withheld, filters)
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
