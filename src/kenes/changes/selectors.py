"""Reads of the change links: suggestions for the staff screen and what the public sees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kenes.changes.models import ChangeLink
from kenes.drafts.diffing import Change, Segment, inline_diff
from kenes.drafts.matching import ArticleMatch, VersionMatching, previous_version, version_matching
from kenes.drafts.models import Article, Point, Version
from kenes.insights.models import ArticleLink
from kenes.proposals.models import Proposal, ProposalState
from kenes.review.models import Answer, Decision
from kenes.review.selectors import latest_answers

TAKEN = (Decision.ACCEPTED, Decision.PARTLY_ACCEPTED)


def link_key(
    old_article: Article | None,
    old_point: Point | None,
    new_article: Article | None,
    new_point: Point | None,
) -> str:
    def part(a: Article | None, p: Point | None) -> str:
        return f"{a.number if a else ''}.{p.number if p else ''}"

    return f"{part(old_article, old_point)}>{part(new_article, new_point)}"


@dataclass
class Candidate:
    proposal: Proposal
    answer: Answer
    via: str  # "article", "link" (insights) or "answer" (the answer names the changed article)
    old_point: Point | None
    new_point: Point | None
    linked: bool


@dataclass
class Suggestion:
    match: ArticleMatch
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.match.change.value

    @property
    def linked_count(self) -> int:
        return sum(1 for c in self.candidates if c.linked)


def change_suggestions(*, new_version: Version, lang: str | None = None) -> list[Suggestion]:
    """Return, per changed/added/removed article, the accepted proposals that may explain it.

    A proposal is a candidate when its latest answer accepts it (fully or partly) and it is on
    the old article: chosen by the author, linked by the analysis (``insights.ArticleLink``) or
    named by the answer as the changed article. Candidates already linked are marked.
    """
    old_version = previous_version(new_version)
    if old_version is None:
        return []
    matching = version_matching(old=old_version, new=new_version, lang=lang)
    changed = [m for m in matching.articles if m.change != Change.UNCHANGED]
    if not changed:
        return []
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(
            version__document_id=new_version.document_id, state=ProposalState.ANSWERED
        )
        .exclude(version=new_version)
        .select_related("article", "point", "version")
    }
    answers = {pid: a for pid, a in latest_answers(list(proposals)).items() if a.decision in TAKEN}
    by_article: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, answer in answers.items():
        p = proposals[pid]
        if p.article_id:
            by_article[p.article_id].setdefault(pid, "article")
        if answer.changed_article_id:
            by_article[answer.changed_article_id].setdefault(pid, "answer")
    for link in ArticleLink.objects.filter(proposal_id__in=list(answers)).only(
        "proposal_id", "article_id"
    ):
        by_article[link.article_id].setdefault(link.proposal_id, "link")
    existing = set(
        ChangeLink.objects.filter(new_version=new_version).values_list("proposal_id", "key")
    )
    out = []
    for m in changed:
        ids: dict[int, str] = {}
        for art in (m.old, m.new):
            if art is not None:
                for pid, via in by_article.get(art.pk, {}).items():
                    ids.setdefault(pid, via)
        s = Suggestion(m)
        for pid, via in sorted(ids.items()):
            p = proposals[pid]
            pm = m.point_for(p.point_id) if p.point_id else None
            old_point = pm.old if pm else None
            new_point = pm.new if pm else None
            key = link_key(m.old, old_point, m.new, new_point)
            s.candidates.append(
                Candidate(p, answers[pid], via, old_point, new_point, (pid, key) in existing)
            )
        out.append(s)
    return out


def matching_for(new_version: Version) -> VersionMatching | None:
    old = previous_version(new_version)
    return version_matching(old=old, new=new_version) if old else None


@dataclass
class ChangeView:
    """One confirmed change as the public sees it: old → new wording, marked word by word."""

    link: ChangeLink
    old_text: str
    new_text: str
    segments: list[Segment]


def _wording(article: Article | None, point: Point | None, lang: str) -> str:
    obj = point or article
    if obj is None:
        return ""
    name = "text" if point is not None else "search"
    other = "ru" if lang == "kk" else "kk"
    return getattr(obj, f"{name}_{lang}") or getattr(obj, f"{name}_{other}") or ""


def _links() -> QuerySet[ChangeLink]:
    return ChangeLink.objects.select_related(
        "old_version__document",
        "new_version__document",
        "old_article",
        "old_point",
        "new_article",
        "new_point",
        "proposal",
    )


def _views(links: list[ChangeLink], lang: str) -> list[ChangeView]:
    out = []
    for link in links:
        old = _wording(link.old_article, link.old_point, lang)
        new = _wording(link.new_article, link.new_point, lang)
        out.append(ChangeView(link, old, new, inline_diff(old, new)))
    return out


def changes_for_proposal(proposal: Proposal, lang: str) -> list[ChangeView]:
    """The changes a proposal led to, with old → new wording (the author's tracker)."""
    return _views(list(_links().filter(proposal=proposal).order_by("new_version_id", "id")), lang)


def changes_for_article(article: Article) -> list[ChangeLink]:
    """Confirmed links to ``article``: as the new article, or as the old one that changed."""
    return list(
        _links().filter(Q(new_article=article) | Q(old_article=article)).order_by("proposal__code")
    )


def changes_for_version(new_version: Version) -> QuerySet[ChangeLink]:
    return _links().filter(new_version=new_version)


def proposal_counts(*, old: Version, new: Version) -> tuple[dict[str, int], dict[str, int]]:
    """Return how many proposals changed each article: (by old number, by new number)."""
    rows = ChangeLink.objects.filter(old_version=old, new_version=new).values_list(
        "proposal_id", "old_article__number", "new_article__number"
    )
    by_old: dict[str, set[int]] = defaultdict(set)
    by_new: dict[str, set[int]] = defaultdict(set)
    for pid, o, n in rows:
        if o:
            by_old[o].add(pid)
        if n:
            by_new[n].add(pid)
    return {k: len(v) for k, v in by_old.items()}, {k: len(v) for k, v in by_new.items()}
