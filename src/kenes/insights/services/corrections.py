"""Staff corrections of machine results (kept across re-runs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.models import Article, Point, Version
from kenes.insights.models import (
    ArticleLink,
    Campaign,
    CampaignMember,
    Correction,
    Theme,
    ThemeMember,
)
from kenes.proposals.models import Proposal

# --------------------------------------------------------------------------- corrections


def _resize(model: type[Campaign] | type[Theme], pk: int) -> None:
    model.objects.filter(pk=pk).update(size=model.objects.get(pk=pk).members.count())


def _apply(c: Correction) -> None:
    kind = Correction.Kind
    # Ids 0 match no row: a correction without an article or anchor changes nothing there.
    article_id, anchor_id = c.article_id or 0, c.anchor_id or 0
    if c.kind == kind.LINK_SET:
        ArticleLink.objects.update_or_create(
            proposal_id=c.proposal_id,
            article_id=article_id,
            defaults={
                "point_id": c.point_id,
                "source": ArticleLink.Source.STAFF,
                "score": 1.0,
                "rank": 0,
                "run": None,
                "model_version": "",
            },
        )
    elif c.kind == kind.LINK_REMOVE:
        ArticleLink.objects.filter(proposal_id=c.proposal_id, article_id=article_id).delete()
    elif c.kind == kind.CAMPAIGN_SPLIT:
        mine = CampaignMember.objects.filter(proposal_id=c.proposal_id).first()
        if mine is None:
            return
        anchor_camp = (
            CampaignMember.objects.filter(proposal_id=anchor_id)
            .values_list("campaign_id", flat=True)
            .first()
        )
        if c.anchor_id is None or anchor_camp == mine.campaign_id:
            mine.delete()
            _resize(Campaign, mine.campaign_id)
    elif c.kind == kind.CAMPAIGN_MERGE:
        pair = dict(
            CampaignMember.objects.filter(proposal_id__in=[c.proposal_id, anchor_id]).values_list(
                "proposal_id", "campaign_id"
            )
        )
        src, dst = pair.get(c.proposal_id), pair.get(anchor_id)
        if src is not None and dst is not None and src != dst:
            CampaignMember.objects.filter(campaign_id=src).update(campaign_id=dst)
            Campaign.objects.filter(pk=src).delete()
            _resize(Campaign, dst)
    elif c.kind == kind.THEME_SPLIT:
        anchors = set(
            ThemeMember.objects.filter(proposal_id=anchor_id).values_list("theme_id", flat=True)
        )
        gone = ThemeMember.objects.filter(proposal_id=c.proposal_id, theme_id__in=anchors)
        themes = list(gone.values_list("theme_id", flat=True))
        gone.delete()
        for tid in themes:
            _resize(Theme, tid)
    elif c.kind == kind.THEME_MERGE:

        def top(pid: int | None) -> int | None:
            return (
                ThemeMember.objects.filter(proposal_id=pid or 0, theme__parent__isnull=True)
                .values_list("theme_id", flat=True)
                .first()
            )

        src, dst = top(c.proposal_id), top(c.anchor_id)
        if src is not None and dst is not None and src != dst:
            have = set(
                ThemeMember.objects.filter(theme_id=dst).values_list("proposal_id", flat=True)
            )
            moving = ThemeMember.objects.filter(theme_id=src).exclude(proposal_id__in=have)
            moving.update(theme_id=dst)
            Theme.objects.filter(parent_id=src).update(parent_id=dst)
            Theme.objects.filter(pk=src).delete()
            _resize(Theme, dst)


def corrections_apply(*, version: Version) -> int:
    """Re-apply every staff correction of ``version`` in the order they were made."""
    corrections = list(Correction.objects.filter(version=version).order_by("created_at", "id"))
    for c in corrections:
        _apply(c)
    return len(corrections)


def _correct(*, actor: Actor, kind: str, proposal: Proposal, **fields: Any) -> Correction:
    user = acting_user(actor)
    c = Correction.objects.create(
        version_id=proposal.version_id, kind=kind, proposal=proposal, created_by=user, **fields
    )
    _apply(c)
    audit_record(
        actor=actor,
        action=f"insights.{kind}",
        target=c,
        data={"proposal": proposal.code, **{k: getattr(v, "pk", v) for k, v in fields.items()}},
    )
    return c


@transaction.atomic
def article_link_set(
    *, actor: Actor, proposal: Proposal, article: Article, point: Point | None = None
) -> Correction:
    """Staff: this proposal is about ``article`` (and ``point``)."""
    if article.version_id != proposal.version_id:
        raise ValidationError(_("The article is not in the proposal's draft version."))
    if point is not None and point.article_id != article.pk:
        raise ValidationError(_("The point is not in the chosen article."))
    return _correct(
        actor=actor, kind=Correction.Kind.LINK_SET, proposal=proposal, article=article, point=point
    )


@transaction.atomic
def article_link_remove(*, actor: Actor, proposal: Proposal, article: Article) -> Correction:
    """Staff: this proposal is not about ``article``."""
    return _correct(
        actor=actor, kind=Correction.Kind.LINK_REMOVE, proposal=proposal, article=article
    )


def _other_member(campaign: Campaign, proposal: Proposal) -> int | None:
    for pid in campaign.representative_ids:
        if pid != proposal.pk and campaign.members.filter(proposal_id=pid).exists():
            return int(pid)
    return (
        campaign.members.exclude(proposal_id=proposal.pk)
        .values_list("proposal_id", flat=True)
        .first()
    )


@transaction.atomic
def campaign_member_remove(*, actor: Actor, campaign: Campaign, proposal: Proposal) -> Correction:
    """Staff: ``proposal`` is not part of ``campaign`` (kept out after re-runs too)."""
    if not campaign.members.filter(proposal=proposal).exists():
        raise ValidationError(_("%(code)s is not in this campaign.") % {"code": proposal.code})
    anchor = _other_member(campaign, proposal)
    return _correct(
        actor=actor, kind=Correction.Kind.CAMPAIGN_SPLIT, proposal=proposal, anchor_id=anchor
    )


@transaction.atomic
def theme_member_remove(*, actor: Actor, theme: Theme, proposal: Proposal) -> Correction:
    """Staff: ``proposal`` does not belong to ``theme``."""
    anchor = next((int(p) for p in theme.representative_ids if p != proposal.pk), None) or (
        theme.members.exclude(proposal=proposal).values_list("proposal_id", flat=True).first()
    )
    if not theme.members.filter(proposal=proposal).exists():
        raise ValidationError(_("%(code)s is not in this theme.") % {"code": proposal.code})
    return _correct(
        actor=actor, kind=Correction.Kind.THEME_SPLIT, proposal=proposal, anchor_id=anchor
    )


def _clusters_merge(
    *,
    actor: Actor,
    cluster: Campaign | Theme,
    into: Campaign | Theme,
    kind: str,
    not_this: str,
    empty: str,
) -> Correction:
    if cluster.pk == into.pk or cluster.version_id != into.version_id:
        raise ValidationError(not_this)
    src = cluster.members.values_list("proposal_id", flat=True).first()
    dst = into.members.values_list("proposal_id", flat=True).first()
    if src is None or dst is None:
        raise ValidationError(empty)
    return _correct(actor=actor, kind=kind, proposal=Proposal.objects.get(pk=src), anchor_id=dst)


@transaction.atomic
def campaigns_merge(*, actor: Actor, campaign: Campaign, into: Campaign) -> Correction:
    """Staff: ``campaign`` is the same campaign as ``into``; its members move there."""
    return _clusters_merge(
        actor=actor,
        cluster=campaign,
        into=into,
        kind=Correction.Kind.CAMPAIGN_MERGE,
        not_this=_("Choose another campaign of the same draft version."),
        empty=_("An empty campaign cannot be merged."),
    )


@transaction.atomic
def themes_merge(*, actor: Actor, theme: Theme, into: Theme) -> Correction:
    """Staff: ``theme`` and ``into`` are one theme."""
    return _clusters_merge(
        actor=actor,
        cluster=theme,
        into=into,
        kind=Correction.Kind.THEME_MERGE,
        not_this=_("Choose another theme of the same draft version."),
        empty=_("An empty theme cannot be merged."),
    )
