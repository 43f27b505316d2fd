"""``{% load comments_tags %}``: comment counts and links on the article page."""

from __future__ import annotations

from typing import Any

from django import template

from kenes.comments import selectors
from kenes.drafts.models import Article, Point, Version

register = template.Library()


@register.simple_tag
def article_comments(version: Version, article: Article) -> selectors.ArticleComments:
    return selectors.article_comments(version=version, article=article)


@register.inclusion_tag("comments/_point_link.html")
def point_comments_link(
    comments: selectors.ArticleComments, article: Article, point: Point | None
) -> dict[str, Any]:
    pc = comments.for_point(point)
    return {
        "article": article,
        "version": article.version,
        "point_number": point.number if point else "0",
        "published": len(pc.published),
        "hidden": pc.hidden_total,
    }


@register.inclusion_tag("comments/_lost.html")
def lost_comments(comments: selectors.ArticleComments, article: Article) -> dict[str, Any]:
    """Comments whose point is gone, and (for an article with points) the link to comment on
    the article as a whole, where comments carried from a pointless article stand."""
    whole = comments.for_point(None)
    return {
        "lost": comments.lost,
        "article": article,
        "version": article.version,
        "whole_link": article.points.exists(),
        "whole_published": len(whole.published),
    }
