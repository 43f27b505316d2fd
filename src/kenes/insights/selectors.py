"""Reads of insights: cluster lists and screens, a proposal's links, the tracker's line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from kenes.insights.models import (
    AnalysisRun,
    ArticleLink,
    Campaign,
    CampaignMember,
    DuplicateOf,
    Theme,
    ThemeMember,
    Verdict,
)
from kenes.proposals.models import Proposal, ProposalState

OPEN_STATES = (ProposalState.RECEIVED, ProposalState.IN_REVIEW)
LIST_SIZE = 50
MEMBERS_SIZE = 50


def _open_count(path: str) -> Count:
    return Count(path, filter=Q(**{f"{path}__proposal__state__in": OPEN_STATES}))


def campaign_list(*, version_id: int | None = None) -> QuerySet[Campaign]:
    """Campaigns, largest first, with ``n_open`` (unanswered members) annotated."""
    qs = Campaign.objects.select_related("version__document").annotate(
        n_open=_open_count("members")
    )
    if version_id:
        qs = qs.filter(version_id=version_id)
    return qs.order_by("-size", "id")


def theme_list(*, version_id: int | None = None) -> QuerySet[Theme]:
    """Top-level themes, largest first, with their subthemes; ``n_open`` annotated on both."""
    subs = Theme.objects.annotate(n_open=_open_count("members")).order_by("-size", "id")
    qs = (
        Theme.objects.filter(parent__isnull=True)
        .select_related("version__document")
        .annotate(n_open=_open_count("members"))
        .prefetch_related(Prefetch("subthemes", queryset=subs))
    )
    if version_id:
        qs = qs.filter(version_id=version_id)
    return qs.order_by("-size", "id")


def page_of(qs: QuerySet[Any], number: str | int | None, size: int = LIST_SIZE) -> Page[Any]:
    return Paginator(qs, size).get_page(number)


def campaign_get(pk: int) -> Campaign | None:
    return (
        Campaign.objects.select_related("version__document", "run")
        .annotate(n_open=_open_count("members"))
        .filter(pk=pk)
        .first()
    )


def theme_get(pk: int) -> Theme | None:
    return (
        Theme.objects.select_related("version__document", "run", "parent")
        .annotate(n_open=_open_count("members"))
        .filter(pk=pk)
        .first()
    )


def campaign_members(
    campaign: Campaign, *, only_open: bool = False, with_additions: bool = False
) -> QuerySet[CampaignMember]:
    qs = campaign.members.select_related("proposal").order_by("proposal_id")
    if only_open:
        qs = qs.filter(proposal__state__in=OPEN_STATES)
    if with_additions:
        qs = qs.exclude(additions="")
    return qs


def theme_members(theme: Theme, *, only_open: bool = False) -> QuerySet[ThemeMember]:
    qs = theme.members.select_related("proposal").order_by("proposal_id")
    if only_open:
        qs = qs.filter(proposal__state__in=OPEN_STATES)
    return qs


def proposals_by_id(ids: list[int]) -> list[Proposal]:
    found = Proposal.objects.in_bulk([int(i) for i in ids])
    return [found[int(i)] for i in ids if int(i) in found]


@dataclass(frozen=True)
class ProposalInsights:
    membership: CampaignMember | None
    duplicate: DuplicateOf | None
    links: list[ArticleLink]
    themes: list[Theme]
    # Why there is no theme or no link (Verdict kinds), when the analysis said so.
    verdicts: frozenset[str] = frozenset()
    # Not analysed yet (it arrived after the last step): the block asks again shortly.
    pending: bool = False
    # No full run has found themes in the version yet (themes come from the first one).
    no_run: bool = False

    @property
    def no_theme(self) -> str | None:
        """The verdict that explains the missing theme, if any."""
        return next((k for k in NO_THEME_ORDER if k in self.verdicts), None)

    @property
    def no_article(self) -> bool:
        return Verdict.Kind.NO_ARTICLE in self.verdicts


NO_THEME_ORDER = (
    Verdict.Kind.UNREADABLE,
    Verdict.Kind.EMPTY,
    Verdict.Kind.FORMULAS,
    Verdict.Kind.LANGUAGE,
)


def proposal_insights(proposal: Proposal) -> ProposalInsights:
    """What the analysis says about one proposal (the block on the review screen)."""
    membership = CampaignMember.objects.select_related("campaign").filter(proposal=proposal).first()
    duplicate = DuplicateOf.objects.select_related("of").filter(proposal=proposal).first()
    links = list(
        ArticleLink.objects.select_related("article", "point")
        .filter(proposal=proposal)
        .order_by("rank", "id")
    )
    themes = list(Theme.objects.filter(members__proposal=proposal).order_by("parent_id", "id"))
    verdicts = frozenset(Verdict.objects.filter(proposal=proposal).values_list("kind", flat=True))
    runs = AnalysisRun.objects.filter(
        version_id=proposal.version_id,
        status__in=(AnalysisRun.Status.DONE, AnalysisRun.Status.RUNNING),
    ).aggregate(
        upto=Max("last_proposal_id"),
        full=Count("pk", filter=Q(kind=AnalysisRun.Kind.FULL, status=AnalysisRun.Status.DONE)),
    )
    pending = proposal.pk > (runs["upto"] or 0)
    return ProposalInsights(
        membership, duplicate, links, themes, verdicts, pending, no_run=not runs["full"]
    )


def tracker_campaign(proposal: Proposal) -> Campaign | None:
    """The campaign a proposal belongs to (for the public tracker's "one of N" line)."""
    return Campaign.objects.filter(members__proposal=proposal).first()


def latest_runs(limit: int = 5) -> list[AnalysisRun]:
    return list(
        AnalysisRun.objects.select_related("version__document").order_by("-started_at", "-id")[
            :limit
        ]
    )


def open_member_ids(cluster: Any, only: list[int] | None = None) -> list[int]:
    """The unanswered members of a campaign or theme (or of the chosen ones): what an answer
    to the whole cluster changes."""
    qs = cluster.members.filter(proposal__state__in=OPEN_STATES)
    if only is not None:
        qs = qs.filter(proposal_id__in=only)
    return list(qs.order_by("proposal_id").values_list("proposal_id", flat=True))


def search_versions() -> list[Any]:
    """Draft versions that have proposals, newest first (the search page's choice)."""
    from kenes.drafts.models import Version

    return list(
        Version.objects.filter(proposals__isnull=False)
        .distinct()
        .select_related("document")
        .order_by("-created_at", "-id")
    )
