"""Writes of comments: submit, moderate, and carry anchors to a newly imported version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kenes.accounts.actors import save_moderated
from kenes.comments.models import (
    TEXT_MAX,
    TEXT_MIN,
    Anchor,
    AnchorStatus,
    Comment,
    CommentState,
    HiddenReason,
)
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.diffing import Change
from kenes.drafts.matching import VersionMatching, next_version, version_matching
from kenes.drafts.models import Article, Point, Version


@transaction.atomic
def comment_submit(
    *, version: Version, article: Article, point: Point | None, text: str, language: str
) -> Comment:
    """Store a comment waiting for moderation, anchored here and in every later version."""
    text = (text or "").strip()
    errors = []
    if len(text) < TEXT_MIN:
        errors.append(_("The comment is too short."))
    if len(text) > TEXT_MAX:
        errors.append(_("The comment is too long: at most %(n)d characters.") % {"n": TEXT_MAX})
    if article.version_id != version.pk or (point is not None and point.article_id != article.pk):
        errors.append(_("This point is not in this version."))
    if errors:
        raise ValidationError(errors)
    comment = Comment.objects.create(
        version=version,
        article=article,
        point=point,
        text=text,
        language=language if language in ("kk", "ru", "en") else "ru",
    )
    anchor = Anchor.objects.create(
        comment=comment, version=version, article=article, point=point, status=AnchorStatus.ORIGINAL
    )
    # Written on an older text: follow it into the newer versions at once.
    newer = next_version(version)
    while newer is not None:
        anchor = _carry(anchor, version_matching(old=anchor.version, new=newer), newer)
        newer = next_version(newer)
    audit_record(
        actor=None,
        action="comment.submit",
        target=comment,
        data={"version": version.pk, "article": article.number},
    )
    return comment


@transaction.atomic
def comment_moderate(*, actor: Actor, comment: Comment, state: str, reason: str = "") -> Comment:
    """Publish or hide a comment; hiding needs one of the public reason codes."""
    if state not in CommentState.values or state == CommentState.PENDING:
        raise ValidationError(_("Choose publish or hide."))
    if state == CommentState.HIDDEN and reason not in HiddenReason.values:
        raise ValidationError(_("Choose the reason for hiding the comment."))
    before = comment.state
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    save_moderated(
        comment,
        actor=actor,
        state=state,
        hidden_reason=reason if state == CommentState.HIDDEN else "",
    )
    audit_record(
        actor=actor,
        action="comment.moderate",
        target=comment,
        data={"from": before, "to": state, "reason": comment.hidden_reason},
    )
    return comment


def _carry(anchor: Anchor, matching: VersionMatching, new: Version) -> Anchor:
    """Create the anchor of ``anchor``'s comment in ``new`` (which follows anchor.version)."""
    article = point = None
    if anchor.status == AnchorStatus.ARTICLE_REMOVED or anchor.article_id is None:
        status = AnchorStatus.ARTICLE_REMOVED
    else:
        am = matching.for_old_article(anchor.article_id)
        if am is None or am.new is None:
            status = AnchorStatus.ARTICLE_REMOVED
        elif anchor.status == AnchorStatus.POINT_REMOVED:
            article, status = am.new, AnchorStatus.POINT_REMOVED
        elif anchor.point_id is None:
            article = am.new
            status = (
                AnchorStatus.CARRIED
                if am.change == Change.UNCHANGED
                else AnchorStatus.CARRIED_CHANGED
            )
        else:
            pm = am.point_for(anchor.point_id)
            article = am.new
            if pm is None or pm.new is None:
                status = AnchorStatus.POINT_REMOVED
            else:
                point = pm.new
                status = (
                    AnchorStatus.CARRIED
                    if pm.change == Change.UNCHANGED and not matching.by_number
                    else AnchorStatus.CARRIED_CHANGED
                )
    carried, _created = Anchor.objects.get_or_create(
        comment_id=anchor.comment_id,
        version=new,
        defaults={"article": article, "point": point, "status": status, "carried_from": anchor},
    )
    return carried


@transaction.atomic
def comments_carry(*, actor: Actor, version: Version, previous: Version) -> dict[str, int]:
    """Give every comment anchored in ``previous`` an anchor in ``version``; return counts.

    Idempotent: comments already anchored in ``version`` are left as they are.
    """
    anchors = list(
        Anchor.objects.filter(version=previous).exclude(
            comment_id__in=Anchor.objects.filter(version=version).values("comment_id")
        )
    )
    counts = {s.value: 0 for s in AnchorStatus}
    if not anchors:
        return counts
    matching = version_matching(old=previous, new=version)
    for anchor in anchors:
        counts[_carry(anchor, matching, version).status] += 1
    audit_record(
        actor=actor,
        action="comments.carry",
        target=version,
        data={"from": previous.label, **{k: v for k, v in counts.items() if v}},
    )
    return counts


def comments_carry_hook(*, version: Version, previous: Version | None, actor: Actor) -> None:
    """The drafts import hook (registered in CommentsConfig.ready)."""
    if previous is not None:
        comments_carry(actor=actor, version=version, previous=previous)
