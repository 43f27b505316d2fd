"""Which article and point of a newer version continues each article and point of an older one.

Built on the comparison's matching (``drafts.diffing.compare``): articles are matched by content
(TF-IDF over stems, a bonus for the same number), then the points of each matched pair are
matched the same way. Used by the comments (to carry a comment's anchor to the new text) and by
the change links (to suggest which changed point a proposal led to).

When the two versions share no language (one loaded only in Kazakh, the other only in Russian),
content cannot be compared; articles and points are then paired by number and marked
``by_number``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kenes.drafts import diffing
from kenes.drafts.diffing import Change, Segment
from kenes.drafts.models import Article, Point, Version


@dataclass
class PointMatch:
    old: Point | None
    new: Point | None
    change: Change
    segments: list[Segment] = field(default_factory=list)


@dataclass
class ArticleMatch:
    old: Article | None
    new: Article | None
    change: Change
    segments: list[Segment] = field(default_factory=list)
    points: list[PointMatch] = field(default_factory=list)

    def point_for(self, old_point_id: int | None) -> PointMatch | None:
        """Return the match of an old point (None when the article has no such point)."""
        for pm in self.points:
            if pm.old is not None and pm.old.pk == old_point_id:
                return pm
        return None


@dataclass
class VersionMatching:
    old: Version
    new: Version
    lang: str
    by_number: bool
    articles: list[ArticleMatch]

    def for_old_article(self, article_id: int) -> ArticleMatch | None:
        for am in self.articles:
            if am.old is not None and am.old.pk == article_id:
                return am
        return None

    def for_new_article(self, article_id: int) -> ArticleMatch | None:
        for am in self.articles:
            if am.new is not None and am.new.pk == article_id:
                return am
        return None


def shared_language(old: Version, new: Version, preferred: str | None = None) -> str | None:
    """Return a language both versions are loaded in (``preferred`` first), or None."""
    common = [code for code in old.languages if code in new.languages]
    if not common:
        return None
    return preferred if preferred in common else common[0]


def _text(obj: Article | Point, lang: str, field_name: str) -> str:
    return getattr(obj, f"{field_name}_{lang}", "") or ""


def _points(version: Version) -> dict[int, list[Point]]:
    out: dict[int, list[Point]] = {}
    for p in Point.objects.filter(article__version=version).order_by("article_id", "position"):
        out.setdefault(p.article_id, []).append(p)
    return out


def _match_points(olds: list[Point], news: list[Point], lang: str | None) -> list[PointMatch]:
    if lang is None:
        by_number = {p.number: p for p in news}
        out = []
        used = set()
        for p in olds:
            n = by_number.get(p.number)
            out.append(PointMatch(p, n, Change.CHANGED if n else Change.REMOVED))
            if n:
                used.add(n.pk)
        out += [PointMatch(None, n, Change.ADDED) for n in news if n.pk not in used]
        return out
    a = [diffing.ArticleText(p.number, _text(p, lang, "text")) for p in olds]
    b = [diffing.ArticleText(p.number, _text(p, lang, "text")) for p in news]
    old_by_number = {p.number: p for p in olds}
    new_by_number = {p.number: p for p in news}
    out = []
    for ch in diffing.compare(a, b).changes:
        out.append(
            PointMatch(
                old_by_number[ch.old.number] if ch.old else None,
                new_by_number[ch.new.number] if ch.new else None,
                ch.change,
                ch.segments,
            )
        )
    return out


def version_matching(*, old: Version, new: Version, lang: str | None = None) -> VersionMatching:
    """Match every article and point of ``old`` to ``new`` (see the module's docstring)."""
    shared = shared_language(old, new, lang)
    olds = list(old.articles.order_by("position"))
    news = list(new.articles.order_by("position"))
    old_points, new_points = _points(old), _points(new)
    articles: list[ArticleMatch] = []
    if shared is None:
        by_number = {a.number: a for a in news}
        used = set()
        for a in olds:
            n = by_number.get(a.number)
            pts = _match_points(
                old_points.get(a.pk, []), new_points.get(n.pk, []) if n else [], None
            )
            articles.append(ArticleMatch(a, n, Change.CHANGED if n else Change.REMOVED, [], pts))
            if n:
                used.add(n.pk)
        articles += [ArticleMatch(None, n, Change.ADDED) for n in news if n.pk not in used]
        return VersionMatching(old, new, lang or "ru", True, articles)
    a_texts = [
        diffing.ArticleText(a.number, _text(a, shared, "search"), "", _text(a, shared, "title"))
        for a in olds
    ]
    b_texts = [
        diffing.ArticleText(a.number, _text(a, shared, "search"), "", _text(a, shared, "title"))
        for a in news
    ]
    old_by_number = {a.number: a for a in olds}
    new_by_number = {a.number: a for a in news}
    for ch in diffing.compare(a_texts, b_texts).changes:
        o = old_by_number[ch.old.number] if ch.old else None
        n = new_by_number[ch.new.number] if ch.new else None
        pts = _match_points(
            old_points.get(o.pk, []) if o else [], new_points.get(n.pk, []) if n else [], shared
        )
        articles.append(ArticleMatch(o, n, ch.change, ch.segments, pts))
    return VersionMatching(old, new, shared, False, articles)


def previous_version(version: Version) -> Version | None:
    """Return the version of the same document imported just before ``version``."""
    return (
        Version.objects.filter(document_id=version.document_id)
        .exclude(pk=version.pk)
        .filter(created_at__lte=version.created_at)
        .order_by("-created_at", "-id")
        .exclude(created_at=version.created_at, id__gt=version.pk)
        .first()
    )


def next_version(version: Version) -> Version | None:
    """Return the version of the same document imported just after ``version``."""
    return (
        Version.objects.filter(document_id=version.document_id)
        .exclude(pk=version.pk)
        .filter(created_at__gte=version.created_at)
        .exclude(created_at=version.created_at, id__lt=version.pk)
        .order_by("created_at", "id")
        .first()
    )
