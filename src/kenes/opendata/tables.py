"""The open-data tables: their schema and their rows, streamed from the database.

Each table reads with ``values_list(...).iterator(chunk_size=...)`` ordered by primary key, so a
million proposals never sit in memory at once, and the API pages through the same rows with a
cursor (``after`` = the last primary key seen). Free text passes through
``kenes.core.pii.mask_pii``; no contact, IIN, name or staff member is ever selected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from kenes.changes.models import ChangeLink
from kenes.core.pii import mask_pii
from kenes.insights.models import ArticleLink, Campaign, Theme
from kenes.outreach import selectors as outreach
from kenes.outreach.models import Meeting
from kenes.proposals.models import Proposal
from kenes.review.models import Answer

CHUNK = 2000


def _date(value: Any) -> str:
    return value.date().isoformat() if value is not None else ""


def _text(value: Any) -> str:
    return mask_pii(value or "")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Frictionless Table Schema type: string, integer, number, date, boolean
    description: str


@dataclass
class Table:
    name: str
    title: str
    fields: list[Field]
    # (after, limit) -> iterator of (cursor, row); cursor is the primary key.
    source: Callable[[int | None, int | None], Iterator[tuple[int, list[Any]]]]

    def rows(self, *, after: int | None = None, limit: int | None = None) -> Iterator[list[Any]]:
        for _cursor, row in self.source(after, limit):
            yield row

    def page(self, *, after: int | None, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        """Return up to ``limit`` rows after the cursor as dicts, and the next cursor."""
        out: list[dict[str, Any]] = []
        last: int | None = None
        names = [f.name for f in self.fields]
        for cursor, row in self.source(after, limit + 1):
            if len(out) == limit:
                return out, last
            out.append(dict(zip(names, row, strict=True)))
            last = cursor
        return out, None


def _stream(
    qs: QuerySet[Any], columns: list[str], convert: Callable[[tuple[Any, ...]], list[Any]]
) -> Callable[[int | None, int | None], Iterator[tuple[int, list[Any]]]]:
    def source(after: int | None, limit: int | None) -> Iterator[tuple[int, list[Any]]]:
        q = qs.order_by("pk")
        if after is not None:
            q = q.filter(pk__gt=after)
        values = q.values_list("pk", *columns)
        if limit is not None:
            values = values[:limit]
        for row in values.iterator(chunk_size=CHUNK):
            yield row[0], convert(row[1:])

    return source


def _latest_answer(field_name: str) -> Subquery:
    return Subquery(
        Answer.objects.filter(proposal=OuterRef("pk"))
        .order_by("-answered_at", "-id")
        .values(field_name)[:1]
    )


def proposals_table() -> Table:
    qs = Proposal.objects.annotate(decision=_latest_answer("decision"))
    cols = [
        "code",
        "submitted_at",
        "channel",
        "language",
        "author_kind",
        "region",
        "version__document__slug",
        "version__label",
        "article__number",
        "point__number",
        "state",
        "decision",
        "merged_into__code",
        "text",
    ]

    def convert(r: tuple[Any, ...]) -> list[Any]:
        return [
            r[0], _date(r[1]), r[2], r[3], r[4], r[5], r[6], r[7],
            r[8] or "", r[9] or "", r[10], r[11] or "", r[12] or "", _text(r[13]),
        ]  # fmt: skip

    return Table(
        "proposals",
        "Proposals",
        [
            Field("code", "string", "Receipt code (KNS-XXXX-XXXX)"),
            Field("created", "date", "Date received"),
            Field("channel", "string", "web, api, file, meeting, paper or email"),
            Field("language", "string", "kk, ru or en"),
            Field("author_kind", "string", "citizen, expert, organisation or meeting"),
            Field("region", "string", "Region code (empty when not given)"),
            Field("document", "string", "Draft document"),
            Field("version", "string", "Draft version"),
            Field("article", "string", "Article number (empty: the draft as a whole)"),
            Field("point", "string", "Point number"),
            Field("state", "string", "received, in_review, answered or merged"),
            Field("decision", "string", "Decision of the latest answer"),
            Field("merged_into", "string", "Code of the proposal it was merged into"),
            Field("text", "string", "The proposal's text, personal data masked"),
        ],
        _stream(qs, cols, convert),
    )


def answers_table() -> Table:
    cols = [
        "proposal__code",
        "decision",
        "reason_kk",
        "reason_ru",
        "answered_at",
        "group",
        "changed_article__number",
        "changed_point__number",
    ]

    def convert(r: tuple[Any, ...]) -> list[Any]:
        return [
            r[0], r[1], _text(r[2]), _text(r[3]), _date(r[4]),
            str(r[5]) if r[5] else "", r[6] or "", r[7] or "",
        ]  # fmt: skip

    return Table(
        "answers",
        "Answers (every answer, the latest one counts)",
        [
            Field("proposal", "string", "Receipt code of the proposal"),
            Field("decision", "string", "accepted, partly_accepted, not_accepted, out_of_scope"),
            Field("reason_kk", "string", "Reason in Kazakh"),
            Field("reason_ru", "string", "Reason in Russian"),
            Field("answered", "date", "Date of the answer"),
            Field("group", "string", "Id shared by answers given together"),
            Field("changed_article", "string", "Article the answer says was changed"),
            Field("changed_point", "string", "Point the answer says was changed"),
        ],
        _stream(Answer.objects.all(), cols, convert),
    )


def campaigns_table() -> Table:
    cols = ["version__document__slug", "version__label", "kind", "label", "size", "template"]
    return Table(
        "campaigns",
        "Campaigns: near-identical proposals and form letters",
        [
            Field("id", "integer", "Campaign id"),
            Field("document", "string", "Draft document"),
            Field("version", "string", "Draft version"),
            Field("kind", "string", "letter or duplicates"),
            Field("label", "string", "Label"),
            Field("size", "integer", "Number of proposals"),
            Field("template", "string", "Shared wording, personal data masked"),
        ],
        _stream_with_id(Campaign.objects.all(), cols, lambda r: [*r[:5], _text(r[5])]),
    )


def _stream_with_id(
    qs: QuerySet[Any], columns: list[str], convert: Callable[[tuple[Any, ...]], list[Any]]
) -> Callable[[int | None, int | None], Iterator[tuple[int, list[Any]]]]:
    inner = _stream(qs, ["pk", *columns], lambda r: [r[0], *convert(r[1:])])
    return inner


def themes_table() -> Table:
    cols = [
        "version__document__slug",
        "version__label",
        "parent_id",
        "label",
        "label_kk",
        "label_ru",
        "size",
        "n_distinct",
    ]
    return Table(
        "themes",
        "Themes found by the analysis",
        [
            Field("id", "integer", "Theme id"),
            Field("document", "string", "Draft document"),
            Field("version", "string", "Draft version"),
            Field("parent", "integer", "Parent theme id"),
            Field("label", "string", "Label"),
            Field("label_kk", "string", "Key phrases in Kazakh"),
            Field("label_ru", "string", "Key phrases in Russian"),
            Field("size", "integer", "Proposals"),
            Field("distinct", "integer", "Distinct proposals"),
        ],
        _stream_with_id(
            Theme.objects.all(),
            cols,
            lambda r: [r[0], r[1], r[2] if r[2] is not None else "", *r[3:]],
        ),
    )


def article_links_table() -> Table:
    cols = [
        "proposal__code",
        "article__version__document__slug",
        "article__version__label",
        "article__number",
        "point__number",
        "source",
        "score",
        "rank",
    ]
    return Table(
        "article_links",
        "Articles each proposal is about (chosen, named or found by the analysis)",
        [
            Field("proposal", "string", "Receipt code"),
            Field("document", "string", "Draft document"),
            Field("version", "string", "Draft version"),
            Field("article", "string", "Article number"),
            Field("point", "string", "Point number"),
            Field("source", "string", "explicit, semantic or staff"),
            Field("score", "number", "Similarity score"),
            Field("rank", "integer", "Rank among the proposal's links"),
        ],
        _stream(
            ArticleLink.objects.all(),
            cols,
            lambda r: [*r[:4], r[4] or "", r[5], round(r[6], 4), r[7]],
        ),
    )


def meetings_table() -> Table:
    cols = [
        "organisation__slug",
        "region_code",
        "district_code",
        "settlement_id",
        "version__document__slug",
        "version__label",
        "audience",
        "starts_at",
        "language",
        "status",
        "attendees",
    ]
    return Table(
        "meetings",
        "Explanatory meetings held and planned by coalition organisations",
        [
            Field("id", "integer", "Meeting id"),
            Field("organisation", "string", "Organisation (short name)"),
            Field("region", "string", "Region code"),
            Field("district", "string", "District KATO code"),
            Field("settlement", "string", "Settlement KATO code"),
            Field("document", "string", "Draft document"),
            Field("version", "string", "Draft version"),
            Field("audience", "string", "Audience"),
            Field("date", "date", "Date"),
            Field("language", "string", "Language"),
            Field("status", "string", "planned, held or cancelled"),
            Field("attendees", "integer", "People present"),
        ],
        _stream_with_id(
            Meeting.objects.all(),
            cols,
            lambda r: [*r[:4], r[4] or "", r[5] or "", r[6], _date(r[7]), *r[8:]],
        ),
    )


def coverage_table() -> Table:
    def source(after: int | None, limit: int | None) -> Iterator[tuple[int, list[Any]]]:
        rows = outreach.coverage_regions()
        for i, c in enumerate(rows, start=1):
            if after is not None and i <= after:
                continue
            if limit is not None and i > (after or 0) + limit:
                return
            yield i, [c.code, c.name, c.settlements, c.reached, c.remote, c.remote_reached,
                      c.held, c.people]  # fmt: skip

    return Table(
        "coverage",
        "Outreach coverage by region",
        [
            Field("region", "string", "Region code"),
            Field("name", "string", "Region"),
            Field("settlements", "integer", "Settlements"),
            Field("reached", "integer", "Settlements reached by a held meeting"),
            Field("remote", "integer", "Remote settlements"),
            Field("remote_reached", "integer", "Remote settlements reached"),
            Field("meetings_held", "integer", "Meetings held"),
            Field("people", "integer", "People present at held meetings"),
        ],
        source,
    )


def changes_table() -> Table:
    cols = [
        "proposal__code",
        "new_version__document__slug",
        "old_version__label",
        "new_version__label",
        "kind",
        "old_article__number",
        "old_point__number",
        "new_article__number",
        "new_point__number",
        "created_at",
    ]
    return Table(
        "changes",
        "Changes of the draft made because of proposals (each is a ledger event change.linked)",
        [
            Field("proposal", "string", "Receipt code"),
            Field("document", "string", "Draft document"),
            Field("from_version", "string", "Version the proposal was on"),
            Field("to_version", "string", "Version with the change"),
            Field("change", "string", "changed, removed or added"),
            Field("old_article", "string", "Article in the old version"),
            Field("old_point", "string", "Point in the old version"),
            Field("new_article", "string", "Article in the new version"),
            Field("new_point", "string", "Point in the new version"),
            Field("confirmed", "date", "Date the link was confirmed"),
        ],
        _stream(
            ChangeLink.objects.all(),
            cols,
            lambda r: [*r[:5], *(x or "" for x in r[5:9]), _date(r[9])],
        ),
    )


TABLES: dict[str, Callable[[], Table]] = {
    "proposals": proposals_table,
    "answers": answers_table,
    "campaigns": campaigns_table,
    "themes": themes_table,
    "article_links": article_links_table,
    "meetings": meetings_table,
    "coverage": coverage_table,
    "changes": changes_table,
}
