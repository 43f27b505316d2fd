"""Template tags that put "what changed because of proposals" on public pages.

``{% load changes_tags %}`` then ``{% article_changes article %}`` (article page),
``{% proposal_changes proposal %}`` (the author's tracker), ``{{ segments|diff_html }}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kenes.changes import selectors
from kenes.drafts.diffing import Segment
from kenes.drafts.models import Article, pick_language
from kenes.proposals.models import Proposal

register = template.Library()

TAGS = {"insert": "ins", "delete": "del"}


@register.filter
def diff_html(segments: list[Segment]) -> SafeString:
    """Render diff segments with <ins>/<del>, escaping the text."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<{0}>{1}</{0}>", TAGS[s.op], s.text) if s.op in TAGS else s.text,)
            for s in segments
        ),
    )


@register.inclusion_tag("changes/_article_changes.html")
def article_changes(article: Article) -> dict[str, Any]:
    links = selectors.changes_for_article(article)
    as_new = [link for link in links if link.new_article_id == article.pk]
    as_old = [link for link in links if link.old_article_id == article.pk]
    codes_new = sorted({link.proposal.code for link in as_new})
    newer = as_old[0] if as_old else None
    return {
        "article": article,
        "codes": codes_new,
        "count": len(codes_new),
        "old_version": as_new[0].old_version if as_new else None,
        "newer": newer,
        "newer_count": len({link.proposal_id for link in as_old}),
    }


@register.inclusion_tag("changes/_proposal_changes.html")
def proposal_changes(proposal: Proposal) -> dict[str, Any]:
    return {"changes": selectors.changes_for_proposal(proposal, pick_language())}
