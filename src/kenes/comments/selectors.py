"""Reads of comments for the public pages and the moderation screen."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from kenes.comments.models import Anchor, AnchorStatus, Comment, CommentState, HiddenReason
from kenes.drafts.models import Article, Point, Version


@dataclass
class PointComments:
    """The comments a version shows on one point (``point`` None: the article as a whole)."""

    published: list[Anchor] = field(default_factory=list)
    pending: int = 0
    hidden: Counter[str] = field(default_factory=Counter)

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())

    @property
    def hidden_reasons(self) -> list[tuple[str, int]]:
        return [(str(HiddenReason(k).label), n) for k, n in sorted(self.hidden.items())]

    @property
    def total(self) -> int:
        return len(self.published) + self.pending + self.hidden_total


@dataclass
class ArticleComments:
    by_point: dict[int | None, PointComments]
    # Comments whose point was removed or rewritten in this version (article-level list).
    lost: PointComments

    def for_point(self, point: Point | None) -> PointComments:
        return self.by_point.get(point.pk if point else None, PointComments())


def _anchors() -> QuerySet[Anchor]:
    return Anchor.objects.select_related(
        "comment__version__document",
        "comment__article",
        "comment__point",
        "carried_from__version",
    ).order_by("comment__created_at", "comment_id")


def _add(bucket: PointComments, anchor: Anchor) -> None:
    state = anchor.comment.state
    if state == CommentState.PUBLISHED:
        bucket.published.append(anchor)
    elif state == CommentState.HIDDEN:
        bucket.hidden[anchor.comment.hidden_reason or HiddenReason.OFF_TOPIC] += 1
    else:
        bucket.pending += 1


def article_comments(*, version: Version, article: Article) -> ArticleComments:
    """Every comment anchored on ``article`` in ``version``, grouped by point: one query."""
    by_point: dict[int | None, PointComments] = defaultdict(PointComments)
    lost = PointComments()
    for anchor in _anchors().filter(version=version, article=article):
        if anchor.status == AnchorStatus.POINT_REMOVED:
            _add(lost, anchor)
        else:
            _add(by_point[anchor.point_id], anchor)
    return ArticleComments(dict(by_point), lost)


def removed_article_comments(*, version: Version) -> PointComments:
    """Comments whose article is gone in ``version``."""
    out = PointComments()
    for anchor in _anchors().filter(version=version, status=AnchorStatus.ARTICLE_REMOVED):
        _add(out, anchor)
    return out


def moderation_queue(state: str = CommentState.PENDING) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(state=state)
        .select_related("version__document", "article", "point")
        .order_by("created_at", "id")
    )


def comment_counts() -> dict[str, int]:
    rows = Comment.objects.values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}
