"""The public account of a consultation: per article and point, what came in and what was
decided ("сводная таблица"), and the dashboard's series. Reused by open data and the report
(see docs/public-account.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from kenes.counters.selectors import counter_totals
from kenes.drafts import diffing, matching
from kenes.drafts import selectors as drafts
from kenes.drafts.models import Article, Point, Version
from kenes.geo.regions import Region
from kenes.proposals.models import Channel, Language, Proposal, ProposalState
from kenes.review.models import Answer, Decision

DECISIONS = [d.value for d in Decision]


def newer_version(version: Version) -> Version | None:
    """The next version of the same document, if one was published."""
    return (
        Version.objects.filter(document_id=version.document_id, created_at__gt=version.created_at)
        .order_by("created_at", "id")
        .first()
        or Version.objects.filter(
            document_id=version.document_id, created_at=version.created_at, id__gt=version.pk
        )
        .order_by("id")
        .first()
    )


@dataclass
class ReasonRow:
    decision: str
    reason: str
    count: int


@dataclass
class NewWording:
    version: Version
    number: str | None  # the article in the new version; None: it was removed
    change: str  # diffing.Change value
    text: str
    segments: list[diffing.Segment] = field(default_factory=list)
    point: str | None = None  # for a point: its number in the new version (None: removed)


@dataclass
class Counts:
    received: int = 0
    in_campaigns: int = 0
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(self.decisions.values())

    @property
    def unanswered(self) -> int:
        return max(self.received - self.answered, 0)

    def decided(self, decision: str) -> int:
        return self.decisions.get(decision, 0)


@dataclass
class PointAccount(Counts):
    point: Point | None = None


@dataclass
class ArticleAccount(Counts):
    article: Article | None = None
    version: Version | None = None
    reasons: list[ReasonRow] = field(default_factory=list)
    campaigns: list[tuple[str, int]] = field(default_factory=list)
    points: list[PointAccount] = field(default_factory=list)
    newer: NewWording | None = None


@dataclass
class AccountRow(Counts):
    article: str = ""  # "" = the whole draft
    point: str = ""
    title: str = ""
    reasons: list[ReasonRow] = field(default_factory=list)
    newer: NewWording | None = None


def _latest_answer() -> Subquery:
    return Subquery(
        Answer.objects.filter(proposal_id=OuterRef("pk"))
        .order_by("-answered_at", "-id")
        .values("pk")[:1]
    )


def _reasons(proposals: Any, lang: str, limit: int | None = None) -> list[ReasonRow]:
    """The distinct reasons of the proposals' current answers, most used first."""
    ids = proposals.annotate(last=_latest_answer()).values("last")
    field_ = "reason_kk" if lang == "kk" else "reason_ru"
    other = "reason_ru" if lang == "kk" else "reason_kk"
    rows = (
        Answer.objects.filter(pk__in=ids)
        .values("decision", field_, other)
        .annotate(n=Count("id"))
        .order_by("-n", "decision")
    )
    out = [ReasonRow(r["decision"], r[field_] or r[other], r["n"]) for r in rows]
    return out[:limit] if limit else out


def _campaign_counts(version: Version) -> tuple[Counter[int | None], Counter[int]]:
    """Proposals that belong to a campaign, per article id and per point id."""
    from kenes.insights.models import CampaignMember

    per_article: Counter[int | None] = Counter()
    per_point: Counter[int] = Counter()
    rows = (
        CampaignMember.objects.filter(proposal__version=version)
        .values("proposal__article_id", "proposal__point_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        per_article[r["proposal__article_id"]] += r["n"]
        if r["proposal__point_id"]:
            per_point[r["proposal__point_id"]] += r["n"]
    return per_article, per_point


@lru_cache(maxsize=16)
def _matching(old_id: int, new_id: int, lang: str, stamp: str) -> matching.VersionMatching:
    """Articles and points of a version matched to the next one (drafts.matching), cached:
    version texts are written once."""
    old, new = Version.objects.get(pk=old_id), Version.objects.get(pk=new_id)
    return matching.version_matching(old=old, new=new, lang=lang)


def _version_matching(
    version: Version, newer: Version | None, lang: str
) -> matching.VersionMatching | None:
    if newer is None:
        return None
    stamp = f"{version.created_at.isoformat()}|{newer.created_at.isoformat()}"
    return _matching(version.pk, newer.pk, lang, stamp)


def _wording(
    found: matching.VersionMatching | None, article: Article, lang: str
) -> NewWording | None:
    am = found.for_old_article(article.pk) if found is not None else None
    if found is None or am is None:
        return None
    return NewWording(
        version=found.new,
        number=am.new.number if am.new else None,
        change=am.change.value,
        text=am.new.text_in("search", lang)[0] if am.new else "",
        segments=am.segments,
    )


def _point_wording(
    found: matching.VersionMatching | None, article: Article, point: Point, lang: str
) -> NewWording | None:
    am = found.for_old_article(article.pk) if found is not None else None
    pm = am.point_for(point.pk) if am is not None else None
    if found is None or am is None or pm is None:
        return None
    return NewWording(
        version=found.new,
        number=am.new.number if am.new else None,
        change=pm.change.value,
        text=pm.new.text_in("text", lang)[0] if pm.new else "",
        segments=pm.segments,
        point=pm.new.number if pm.new else None,
    )


def article_account(*, version: Version, number: str, lang: str) -> ArticleAccount:
    """One article's account: counts per decision, reasons, campaigns, points, new wording."""
    article = drafts.article_find(version=version, number=number)
    if article is None:
        raise Http404("no such article")
    totals = counter_totals(
        version_id=version.pk, dims=("article", "point", "article_decision", "point_decision")
    )
    key = str(article.pk)
    decisions = {
        d: totals.get("article_decision", {}).get(f"{key}|{d}", 0)
        for d in DECISIONS
        if totals.get("article_decision", {}).get(f"{key}|{d}")
    }
    proposals = Proposal.objects.filter(article=article)
    per_article, per_point = _campaign_counts(version)
    from kenes.core.pii import mask_pii
    from kenes.insights.models import CampaignMember

    campaigns = [
        (mask_pii(r["campaign__label"]), r["n"])
        for r in CampaignMember.objects.filter(proposal__article=article)
        .values("campaign__label")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    ]
    points = [
        PointAccount(
            point=p,
            received=totals.get("point", {}).get(str(p.pk), 0),
            in_campaigns=per_point.get(p.pk, 0),
            decisions={
                d: n
                for d in DECISIONS
                if (n := totals.get("point_decision", {}).get(f"{p.pk}|{d}", 0))
            },
        )
        for p in article.points.order_by("position")
    ]
    return ArticleAccount(
        article=article,
        version=version,
        received=totals.get("article", {}).get(key, 0),
        in_campaigns=per_article.get(article.pk, 0),
        decisions=decisions,
        reasons=_reasons(proposals, lang),
        campaigns=campaigns,
        points=points,
        newer=_wording(_version_matching(version, newer_version(version), lang), article, lang),
    )


def version_account(*, version: Version, lang: str) -> list[AccountRow]:
    """The whole draft's table: a row for the whole draft, each article, and each point."""
    totals = counter_totals(
        version_id=version.pk, dims=("article", "point", "article_decision", "point_decision")
    )
    per_article, per_point = _campaign_counts(version)
    found = _version_matching(version, newer_version(version), lang)

    def decided(dim: str, key: str) -> dict[str, int]:
        return {d: n for d in DECISIONS if (n := totals.get(dim, {}).get(f"{key}|{d}", 0))}

    # Reasons of every current answer on this version, grouped per article, in one query.
    reasons: dict[int | None, list[ReasonRow]] = {}
    field_ = "reason_kk" if lang == "kk" else "reason_ru"
    other = "reason_ru" if lang == "kk" else "reason_kk"
    current = (
        Proposal.objects.filter(version=version).annotate(last=_latest_answer()).values("last")
    )
    for r in (
        Answer.objects.filter(pk__in=current)
        .values("proposal__article_id", "decision", field_, other)
        .annotate(n=Count("id"))
        .order_by("-n")
    ):
        reasons.setdefault(r["proposal__article_id"], []).append(
            ReasonRow(r["decision"], r[field_] or r[other], r["n"])
        )
    rows = [
        AccountRow(
            title=_("The whole draft"),
            received=totals.get("article", {}).get("", 0),
            in_campaigns=per_article.get(None, 0),
            decisions=decided("article_decision", ""),
            reasons=reasons.get(None, []),
        )
    ]
    articles = (
        Article.objects.filter(version=version).order_by("position").prefetch_related("points")
    )
    for a in articles:
        rows.append(
            AccountRow(
                article=a.number,
                title=a.text_in("title", lang)[0],
                received=totals.get("article", {}).get(str(a.pk), 0),
                in_campaigns=per_article.get(a.pk, 0),
                decisions=decided("article_decision", str(a.pk)),
                reasons=reasons.get(a.pk, []),
                newer=_wording(found, a, lang),
            )
        )
        for p in a.points.all():
            rows.append(
                AccountRow(
                    article=a.number,
                    point=p.number,
                    received=totals.get("point", {}).get(str(p.pk), 0),
                    in_campaigns=per_point.get(p.pk, 0),
                    decisions=decided("point_decision", str(p.pk)),
                    newer=_point_wording(found, a, p, lang),
                )
            )
    return rows


ACCOUNT_COLUMNS = [
    "article",
    "point",
    "title",
    "received",
    "in_campaigns",
    "accepted",
    "partly_accepted",
    "not_accepted",
    "out_of_scope",
    "unanswered",
    "reasons",
    "new_version",
    "new_article",
    "change",
    "new_wording",
    "new_point",
]


def account_table(*, version: Version, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The whole-draft table as exported (CSV, XLSX): the header and one list per row."""
    out = []
    for r in version_account(version=version, lang=lang):
        out.append(
            [
                r.article,
                r.point,
                r.title,
                r.received,
                r.in_campaigns,
                *(r.decided(d) for d in DECISIONS),
                r.unanswered,
                " | ".join(f"{x.decision} ({x.count}): {x.reason}" for x in r.reasons),
                r.newer.version.label if r.newer else "",
                (r.newer.number or "") if r.newer else "",
                r.newer.change if r.newer else "",
                r.newer.text if r.newer and r.newer.change != "unchanged" else "",
                (r.newer.point or "") if r.newer and r.point else "",
            ]
        )
    return list(ACCOUNT_COLUMNS), out


# --- the dashboard ---


@dataclass
class Bar:
    key: str
    label: str
    value: int


@dataclass
class Series:
    slug: str
    title: str
    bars: list[Bar]
    kind: str = "bars"  # "bars" or "days"

    @property
    def total(self) -> int:
        return sum(b.value for b in self.bars)

    @property
    def top(self) -> int:
        return max((b.value for b in self.bars), default=0)


@dataclass
class Dashboard:
    version: Version | None
    total: int
    series: dict[str, Series]
    campaigns: int
    themes: int
    meetings_held: int
    settlements_reached: int
    regions: dict[str, int]


def _labelled(
    counts: dict[str, int], labels: dict[str, Any], order: list[str] | None = None
) -> list[Bar]:
    keys = order if order is not None else sorted(counts, key=lambda k: -counts[k])
    return [Bar(k, str(labels.get(k, k or "—")), counts.get(k, 0)) for k in keys if k in counts]


def _small_counts(version: Version | None) -> dict[str, int]:
    """Campaigns, themes, meetings held and settlements reached: one round trip."""
    from kenes.insights.models import Campaign, Theme
    from kenes.outreach.models import Meeting

    campaigns, themes = Campaign.objects.all(), Theme.objects.all()
    meetings = Meeting.objects.filter(status="held")
    if version is not None:
        campaigns = campaigns.filter(version=version)
        themes = themes.filter(version=version)
        meetings = meetings.filter(version=version)
    parts = [
        campaigns.order_by().values("pk"),
        themes.order_by().values("pk"),
        meetings.order_by().values("pk"),
        meetings.order_by().values("settlement_id").distinct(),
    ]
    sqls: list[str] = []
    params: list[Any] = []
    for n, qs in enumerate(parts):
        sql, p = qs.query.sql_with_params()
        # the SQL of our own querysets, their values passed as parameters
        sqls.append(f"(SELECT COUNT(*) FROM ({sql}) AS part{n})")  # noqa: S608
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sqls), params)
        row = cursor.fetchone()
    return dict(zip(("campaigns", "themes", "meetings", "settlements"), map(int, row), strict=True))


def _largest_groups(version: Version | None, lang: str) -> tuple[Series, Series]:
    """The ten largest campaigns and themes (labels are masked: they quote proposals)."""
    from kenes.core.pii import mask_pii
    from kenes.insights.models import Campaign, Theme

    campaigns, themes = Campaign.objects.all(), Theme.objects.filter(parent__isnull=True)
    if version is not None:
        campaigns, themes = campaigns.filter(version=version), themes.filter(version=version)
    label_field = "label_kk" if lang == "kk" else "label_ru"
    return (
        Series(
            "campaigns",
            _("Largest campaigns (the same letter sent by many)"),
            [
                Bar(str(pk), mask_pii(label), size)
                for pk, label, size in campaigns.order_by("-size", "pk").values_list(
                    "pk", "label", "size"
                )[:10]
            ],
        ),
        Series(
            "themes",
            _("Largest themes"),
            [
                Bar(str(pk), mask_pii(own or label), size)
                for pk, own, label, size in themes.order_by("-size", "pk").values_list(
                    "pk", label_field, "label", "size"
                )[:10]
            ],
        ),
    )


def dashboard(*, version: Version | None = None, lang: str = "ru") -> Dashboard:
    """Every figure of /stats/, from the counters and a few small tables."""
    totals = counter_totals(version_id=version.pk if version else None)
    article_numbers: dict[str, str] = {}
    if totals.get("article"):
        ids = [int(k) for k in totals["article"] if k]
        article_numbers = {
            str(pk): n for pk, n in Article.objects.filter(pk__in=ids).values_list("pk", "number")
        }
    whole = _("The whole draft")
    article_bars = [
        Bar(k, _("Article %(number)s") % {"number": article_numbers[k]} if k else whole, n)
        for k, n in sorted(totals.get("article", {}).items(), key=lambda kv: -kv[1])
        if not k or k in article_numbers
    ][:15]
    regions: dict[str, Any] = dict(Region.choices)
    regions[""] = _("not given")
    series = {
        "day": Series(
            "day",
            _("Proposals by day"),
            [Bar(k, k, n) for k, n in sorted(totals.get("day", {}).items())],
            kind="days",
        ),
        "channel": Series(
            "channel", _("By channel"), _labelled(totals.get("channel", {}), dict(Channel.choices))
        ),
        "region": Series("region", _("By region"), _labelled(totals.get("region", {}), regions)),
        "language": Series(
            "language",
            _("By language"),
            _labelled(totals.get("language", {}), dict(Language.choices)),
        ),
        "article": Series("article", _("Articles with the most proposals"), article_bars),
        "state": Series(
            "state",
            _("By state"),
            _labelled(
                totals.get("state", {}), dict(ProposalState.choices), list(ProposalState.values)
            ),
        ),
        "decision": Series(
            "decision",
            _("By decision"),
            _labelled(totals.get("decision", {}), dict(Decision.choices), DECISIONS),
        ),
    }
    small = _small_counts(version)
    series["campaigns"], series["themes"] = _largest_groups(version, lang)
    return Dashboard(
        version=version,
        total=sum(totals.get("total", {}).values()),
        series=series,
        campaigns=small["campaigns"],
        themes=small["themes"],
        meetings_held=small["meetings"],
        settlements_reached=small["settlements"],
        regions={k: n for k, n in totals.get("region", {}).items() if k},
    )
