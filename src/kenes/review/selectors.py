"""Reads for the review screens: the filtered queue, its counts, one proposal with its history.

The queue must stay fast with 100k proposals: one query for the counts per state (which also
gives the total for paging), one for the page of rows with everything a row shows joined in,
and no query per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kenes.accounts.models import User
from kenes.drafts.models import Article, Point, Version
from kenes.proposals import receipts
from kenes.proposals.models import Proposal, ProposalState, StateChange
from kenes.proposals.selectors import PublicFilters, public_proposals
from kenes.review.models import Answer, Decision

PAGE_SIZE = 50
# Pseudo-states of the state filter: "open" (not yet answered or merged) and "all".
STATE_OPEN = "open"
STATE_ALL = "all"
OPEN_STATES = (ProposalState.RECEIVED, ProposalState.IN_REVIEW)
ASSIGNEE_MINE = "mine"
ASSIGNEE_NONE = "none"

Viewer = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; every field optional. ``state`` defaults to the open proposals."""

    version_id: int | None = None
    article: str = ""  # article number, or "-" for proposals on the whole draft
    state: str = STATE_OPEN
    region: str = ""
    language: str = ""
    channel: str = ""
    assignee: str = ""  # "", "mine", "none" or a user id
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    def states(self) -> tuple[str, ...] | None:
        """Return the states the filter keeps (None: every state)."""
        if self.state == STATE_ALL:
            return None
        if self.state == STATE_OPEN or self.state not in ProposalState.values:
            return tuple(OPEN_STATES)
        return (self.state,)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(filters: QueueFilters, user: Viewer) -> QuerySet[Proposal]:
    """Return the proposals matching every filter except the state."""
    q = filters.q.strip()
    code = receipts.normalize_code(q) if q else None
    qs = public_proposals(
        PublicFilters(
            q="" if code else q,
            version_id=filters.version_id,
            region=filters.region,
            language=filters.language,
            channel=filters.channel,
        ),
        staff=True,
    )
    if code:
        qs = qs.filter(code=code)
    if filters.article == "-":
        qs = qs.filter(article__isnull=True)
    elif filters.article:
        qs = qs.filter(article__number=filters.article)
    if filters.assignee == ASSIGNEE_MINE:
        qs = qs.filter(assignee_id=user.pk)
    elif filters.assignee == ASSIGNEE_NONE:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.date_from:
        qs = qs.filter(submitted_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(submitted_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return qs


def review_queue(filters: QueueFilters, user: Viewer) -> QuerySet[Proposal]:
    """Return the filtered queue, oldest first, with what each row shows joined in."""
    qs = _filtered(filters, user)
    states = filters.states()
    if states is not None:
        qs = qs.filter(state__in=states)
    return qs.select_related("version__document", "article", "point", "assignee").order_by(
        "submitted_at", "id"
    )


def queue_counts(filters: QueueFilters, user: Viewer) -> dict[str, int]:
    """Return the number of proposals per state under every filter but the state."""
    rows = _filtered(filters, user).order_by().values("state").annotate(n=Count("id"))
    counts = {state: 0 for state in ProposalState.values}
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


@dataclass
class QueuePage:
    rows: list[Proposal]
    number: int
    num_pages: int
    total: int
    counts: dict[str, int]
    size: int = PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.number * self.size, self.total)


def queue_page(
    filters: QueueFilters, user: Viewer, page: int = 1, size: int = PAGE_SIZE
) -> QueuePage:
    """Return one page of the queue and the counts per state, in two queries.

    The total for paging is the sum of the counts of the states the filter keeps, so no
    separate COUNT is run.
    """
    counts = queue_counts(filters, user)
    states = filters.states()
    total = sum(n for s, n in counts.items() if states is None or s in states)
    num_pages = max(1, -(-total // size))
    number = min(max(1, page), num_pages)
    offset = (number - 1) * size
    rows = list(review_queue(filters, user)[offset : offset + size]) if total else []
    return QueuePage(
        rows=rows, number=number, num_pages=num_pages, total=total, counts=counts, size=size
    )


def queue_next(filters: QueueFilters, user: Viewer, after: Proposal) -> Proposal | None:
    """Return the proposal after ``after`` in the filtered queue, wrapping round to the start.

    ``after`` itself is never returned (it may have just left the queue by being answered).
    """
    qs = review_queue(filters, user).exclude(pk=after.pk)
    later = qs.filter(
        Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at, pk__gt=after.pk)
    ).first()
    return later or qs.first()


def queue_previous(filters: QueueFilters, user: Viewer, before: Proposal) -> Proposal | None:
    qs = review_queue(filters, user).exclude(pk=before.pk)
    return (
        qs.filter(
            Q(submitted_at__lt=before.submitted_at)
            | Q(submitted_at=before.submitted_at, pk__lt=before.pk)
        )
        .order_by("-submitted_at", "-id")
        .first()
    )


def queue_versions() -> list[Version]:
    return list(
        Version.objects.select_related("document").order_by("document__slug", "created_at", "id")
    )


def reviewers() -> list[User]:
    """Return the active staff who may answer proposals."""
    return list(
        User.objects.with_perm("review.add_answer", include_superusers=True)
        .filter(is_active=True)
        .order_by("username")
    )


@dataclass
class ArticleText:
    """An article's text in one language, point by point."""

    lang: str
    title: str
    text: str
    intro: list[str]
    points: list[tuple[Point, str, list[str]]]


@dataclass
class ProposalDetail:
    proposal: Proposal
    history: list[StateChange]
    answers: list[Answer]
    merged: list[Proposal]
    article_texts: list[ArticleText]
    show_contact: bool


def _article_texts(article: Article) -> list[ArticleText]:
    points = list(article.points.order_by("position"))
    subpoints = list(article.subpoints.order_by("position"))
    out = []
    for lang in ("kk", "ru"):
        by_point: dict[int | None, list[str]] = {}
        for sp in subpoints:
            text = getattr(sp, f"text_{lang}")
            if text:
                by_point.setdefault(sp.point_id, []).append(
                    f"{sp.number}) {text}" if sp.number else text
                )
        rows = [(p, getattr(p, f"text_{lang}"), by_point.get(p.pk, [])) for p in points]
        title = getattr(article, f"title_{lang}")
        text = getattr(article, f"text_{lang}")
        if not (title or text or any(t for _p, t, _s in rows)):
            continue
        out.append(
            ArticleText(
                lang=lang, title=title, text=text, intro=by_point.get(None, []), points=rows
            )
        )
    return out


def proposal_detail(pk: int, *, show_contact: bool) -> ProposalDetail | None:
    """Return a proposal with its history, answers, merged duplicates and article text.

    The contact (personal data, decrypted on read) is loaded only when ``show_contact``.
    """
    qs = Proposal.objects.select_related(
        "version__document", "article", "point", "entered_by", "assignee", "merged_into"
    )
    qs = qs.defer("secret_digest", "author_index")
    if not show_contact:
        qs = qs.defer("contact", "secret_digest", "author_index")
    proposal = qs.filter(pk=pk).first()
    if proposal is None:
        return None
    history = list(proposal.history.order_by("at", "id"))
    for change in history:
        decision = (change.details or {}).get("decision")
        change.decision_label = (  # type: ignore[attr-defined]
            Decision(decision).label if decision in Decision.values else ""
        )
    answers = list(
        Answer.objects.filter(proposal=proposal)
        .select_related("answered_by", "changed_article", "changed_point")
        .order_by("-answered_at", "-id")
    )
    merged = list(
        Proposal.objects.filter(merged_into=proposal).only("id", "code", "state").order_by("id")
    )
    texts = _article_texts(proposal.article) if proposal.article else []
    return ProposalDetail(
        proposal=proposal,
        history=history,
        answers=answers,
        merged=merged,
        article_texts=texts,
        show_contact=show_contact,
    )


def proposal_by_code(code: str) -> Proposal | None:
    canonical = receipts.normalize_code(code)
    if canonical is None:
        return None
    return Proposal.objects.filter(code=canonical).first()


def proposal_languages(ids: list[int]) -> set[str]:
    """The languages the proposals with these ids are written in."""
    return set(Proposal.objects.filter(pk__in=ids).values_list("language", flat=True).distinct())


def proposals_codes(ids: list[int], limit: int = 20) -> list[str]:
    """The receipt codes of the first ``limit`` of these proposals (for a confirmation)."""
    return list(
        Proposal.objects.filter(pk__in=ids).order_by("pk").values_list("code", flat=True)[:limit]
    )


def proposal_get(pk: int) -> Proposal | None:
    return Proposal.objects.defer("contact").filter(pk=pk).first()


def article_in_version(version_id: int, number: str) -> Article | None:
    return Article.objects.filter(version_id=version_id, number=number.strip()).first()


def point_in_article(article: Article, number: str) -> Point | None:
    return Point.objects.filter(article=article, number=number.strip()).first()


# How far a chain of merges is followed to find the proposal that carries the answer.
MERGE_HOPS = 5


def answer_current(proposal: Proposal) -> tuple[Proposal, Answer | None]:
    """The proposal that answers for ``proposal`` and its current answer.

    A merged proposal is answered through the one it was merged into (followed for at most
    ``MERGE_HOPS`` merges). Every reader (tracker page, receipt API, exports) uses this.
    """
    answered_by = proposal
    for _hop in range(MERGE_HOPS):
        if answered_by.state != ProposalState.MERGED or answered_by.merged_into_id is None:
            break
        answered_by = Proposal.objects.get(pk=answered_by.merged_into_id)
    return answered_by, latest_answers([answered_by.pk]).get(answered_by.pk)


def latest_answers(proposal_ids: list[int]) -> dict[int, Answer]:
    """Return the current (latest) answer of each proposal that has one: one query."""
    if not proposal_ids:
        return {}
    out: dict[int, Answer] = {}
    rows = (
        Answer.objects.filter(proposal_id__in=proposal_ids)
        .select_related("changed_article__version__document", "changed_point")
        .order_by("proposal_id", "-answered_at", "-id")
    )
    for answer in rows:
        out.setdefault(answer.proposal_id, answer)
    return out
