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


def _same(value: Any) -> Any:
    return value


def _blank(value: Any) -> Any:
    """An empty value (no article, no point, no parent) as an empty cell."""
    return value or ""


def _str(value: Any) -> str:
    return str(value) if value else ""


def _score(value: float) -> float:
    return round(value, 4)


@dataclass(frozen=True)
class Column:
    """One column of a database table: its published field, the ORM path it is read from and
    how a value is written (masked, as a date, ...)."""

    name: str
    type: str
    description: str
    source: str
    convert: Callable[[Any], Any] = _same


def _db_table(name: str, title: str, qs: QuerySet[Any], columns: list[Column]) -> Table:
    converts = [c.convert for c in columns]
    return Table(
        name,
        title,
        [Field(c.name, c.type, c.description) for c in columns],
        _stream(
            qs,
            [c.source for c in columns],
            lambda row: [convert(v) for convert, v in zip(converts, row, strict=True)],
        ),
    )


def _document(source: str) -> list[Column]:
    """The draft document and version a row belongs to (``source``: the path to the version)."""
    return [
        Column("document", "string", "Draft document", f"{source}__document__slug"),
        Column("version", "string", "Draft version", f"{source}__label"),
    ]


def proposals_table() -> Table:
    return _db_table(
        "proposals",
        "Proposals",
        Proposal.objects.annotate(decision=_latest_answer("decision")),
        [
            Column("code", "string", "Receipt code (KNS-XXXX-XXXX)", "code"),
            Column("created", "date", "Date received", "submitted_at", _date),
            Column("channel", "string", "web, api, file, meeting, paper or email", "channel"),
            Column("language", "string", "kk, ru or en", "language"),
            Column(
                "author_kind", "string", "citizen, expert, organisation or meeting", "author_kind"
            ),
            Column("region", "string", "Region code (empty when not given)", "region"),
            *_document("version"),
            Column(
                "article",
                "string",
                "Article number (empty: the draft as a whole)",
                "article__number",
                _blank,
            ),
            Column("point", "string", "Point number", "point__number", _blank),
            Column("state", "string", "received, in_review, answered or merged", "state"),
            Column("decision", "string", "Decision of the latest answer", "decision", _blank),
            Column(
                "merged_into",
                "string",
                "Code of the proposal it was merged into",
                "merged_into__code",
                _blank,
            ),
            Column("text", "string", "The proposal's text, personal data masked", "text", _text),
        ],
    )


def answers_table() -> Table:
    return _db_table(
        "answers",
        "Answers (every answer, the latest one counts)",
        Answer.objects.all(),
        [
            Column("proposal", "string", "Receipt code of the proposal", "proposal__code"),
            Column(
                "decision",
                "string",
                "accepted, partly_accepted, not_accepted, out_of_scope",
                "decision",
            ),
            Column("reason_kk", "string", "Reason in Kazakh", "reason_kk", _text),
            Column("reason_ru", "string", "Reason in Russian", "reason_ru", _text),
            Column("answered", "date", "Date of the answer", "answered_at", _date),
            Column("group", "string", "Id shared by answers given together", "group", _str),
            Column(
                "changed_article",
                "string",
                "Article the answer says was changed",
                "changed_article__number",
                _blank,
            ),
            Column(
                "changed_point",
                "string",
                "Point the answer says was changed",
                "changed_point__number",
                _blank,
            ),
        ],
    )


def campaigns_table() -> Table:
    return _db_table(
        "campaigns",
        "Campaigns: near-identical proposals and form letters",
        Campaign.objects.all(),
        [
            Column("id", "integer", "Campaign id", "pk"),
            *_document("version"),
            Column("kind", "string", "letter or duplicates", "kind"),
            Column("label", "string", "Label", "label"),
            Column("size", "integer", "Number of proposals", "size"),
            Column("template", "string", "Shared wording, personal data masked", "template", _text),
        ],
    )


def themes_table() -> Table:
    return _db_table(
        "themes",
        "Themes found by the analysis",
        Theme.objects.all(),
        [
            Column("id", "integer", "Theme id", "pk"),
            *_document("version"),
            Column("parent", "integer", "Parent theme id", "parent_id", _blank),
            Column("label", "string", "Label", "label"),
            Column("label_kk", "string", "Key phrases in Kazakh", "label_kk"),
            Column("label_ru", "string", "Key phrases in Russian", "label_ru"),
            Column("size", "integer", "Proposals", "size"),
            Column("distinct", "integer", "Distinct proposals", "n_distinct"),
        ],
    )


def article_links_table() -> Table:
    return _db_table(
        "article_links",
        "Articles each proposal is about (chosen, named or found by the analysis)",
        ArticleLink.objects.all(),
        [
            Column("proposal", "string", "Receipt code", "proposal__code"),
            *_document("article__version"),
            Column("article", "string", "Article number", "article__number"),
            Column("point", "string", "Point number", "point__number", _blank),
            Column("source", "string", "explicit, semantic or staff", "source"),
            Column("score", "number", "Similarity score", "score", _score),
            Column("rank", "integer", "Rank among the proposal's links", "rank"),
        ],
    )


def meetings_table() -> Table:
    return _db_table(
        "meetings",
        "Explanatory meetings held and planned by coalition organisations",
        Meeting.objects.all(),
        [
            Column("id", "integer", "Meeting id", "pk"),
            Column("organisation", "string", "Organisation (short name)", "organisation__slug"),
            Column("region", "string", "Region code", "region_code"),
            Column("district", "string", "District KATO code", "district_code"),
            Column("settlement", "string", "Settlement KATO code", "settlement_id"),
            Column("document", "string", "Draft document", "version__document__slug", _blank),
            Column("version", "string", "Draft version", "version__label", _blank),
            Column("audience", "string", "Audience", "audience"),
            Column("date", "date", "Date", "starts_at", _date),
            Column("language", "string", "Language", "language"),
            Column("status", "string", "planned, held or cancelled", "status"),
            Column("attendees", "integer", "People present", "attendees"),
        ],
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
    return _db_table(
        "changes",
        "Changes of the draft made because of proposals (each is a ledger event change.linked)",
        ChangeLink.objects.all(),
        [
            Column("proposal", "string", "Receipt code", "proposal__code"),
            Column("document", "string", "Draft document", "new_version__document__slug"),
            Column("from_version", "string", "Version the proposal was on", "old_version__label"),
            Column("to_version", "string", "Version with the change", "new_version__label"),
            Column("change", "string", "changed, removed or added", "kind"),
            *(
                Column(
                    f"{age}_{part}",
                    "string",
                    f"{part.title()} in the {age} version",
                    f"{age}_{part}__number",
                    _blank,
                )
                for age in ("old", "new")
                for part in ("article", "point")
            ),
            Column("confirmed", "date", "Date the link was confirmed", "created_at", _date),
        ],
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
