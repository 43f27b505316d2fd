"""Everything the final report and the handouts show, recomputed from the database.

``report_data`` reads only aggregates (GROUP BY queries) and one streamed pass over the answers,
so it stays within minutes at 1M proposals; the same database gives the same ``ReportData``
(ordering is total everywhere: by count, then by code). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

import kenes
from kenes.core.pii import mask_pii
from kenes.drafts import selectors as drafts
from kenes.drafts.models import Article, Version
from kenes.geo.regions import Region
from kenes.insights.models import AnalysisRun, Campaign, CampaignMember, Correction, Theme
from kenes.ledger.models import Checkpoint
from kenes.outreach import selectors as outreach
from kenes.proposals.models import AuthorKind, Channel, Language, Proposal, ProposalState
from kenes.review.models import Answer, Decision

QUOTE_MAX = 220  # characters of a representative quote
TOP_CLUSTERS = 12  # campaigns and themes listed in the report
QUOTES_PER_CLUSTER = 2
REASONS_PER_ARTICLE = 2

Progress = Callable[[int, str], None]


def _noop(percent: int, stage: str) -> None:
    return None


@dataclass(frozen=True)
class Count_:
    """One row of a breakdown: a code, its label in the report language and a number."""

    code: str
    label: str
    n: int


@dataclass(frozen=True)
class Quote:
    code: str  # the receipt code of the proposal quoted
    text: str  # an exact substring of the proposal's text, personal data masked


@dataclass(frozen=True)
class Cluster:
    code: str  # C-12 / T-7
    label: str
    size: int
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Reason:
    decision: str
    text: str
    n: int


@dataclass(frozen=True)
class ArticleRow:
    number: str
    title: str
    proposals: int
    in_campaigns: int
    decisions: dict[str, int]
    merged: int
    open: int
    reasons: tuple[Reason, ...]
    # Where a newer version exists: "unchanged", "changed", "removed" (and the new number).
    change: str = ""
    new_number: str = ""


@dataclass(frozen=True)
class ChangeRow:
    old_number: str
    new_number: str
    change: str  # "changed", "added", "removed", "moved"
    proposals: int  # accepted or partly accepted proposals linked to this change


@dataclass(frozen=True)
class Phase:
    label: str
    starts: dt.date | None
    ends: dt.date | None


@dataclass(frozen=True)
class MethodRun:
    kind: str
    model_id: str
    model_version: str
    finished_at: dt.datetime | None
    n_proposals: int
    n_campaigns: int
    n_themes: int
    n_links: int


@dataclass(frozen=True)
class LedgerState:
    size: int
    root_hex: str
    origin: str
    signatures: tuple[str, ...]
    cosigners: tuple[str, ...]
    at: dt.datetime | None


@dataclass
class ReportData:
    document_slug: str
    document_title: str
    version_label: str
    version_title: str
    language: str
    languages_loaded: list[str]
    older_label: str
    newer_label: str
    total: int
    by_state: list[Count_]
    by_channel: list[Count_]
    by_region: list[Count_]
    by_language: list[Count_]
    by_author: list[Count_]
    by_day: list[tuple[dt.date, int]]
    decisions: list[Count_]
    answered: int
    without_article: int
    campaigns: list[Cluster]
    n_campaigns: int
    in_campaigns: int
    themes: list[Cluster]
    n_themes: int
    articles: list[ArticleRow]
    changes: list[ChangeRow]
    changes_source: str  # "links" (confirmed links), "answers" or "" (none)
    coverage: list[outreach.Coverage]
    coverage_total: outreach.Coverage
    meeting_proposals: int
    phases: list[Phase]
    runs: list[MethodRun]
    corrections: list[Count_]
    reviewers: int
    answers_total: int
    detected_language: int
    ledger: LedgerState | None
    kenes_version: str = kenes.__version__
    extra: dict[str, Any] = field(default_factory=dict)

    def numbers(self) -> dict[str, Any]:
        """The report's figures as plain data (for tests: the same data gives the same numbers)."""
        return {
            "total": self.total,
            "by_state": [(c.code, c.n) for c in self.by_state],
            "by_channel": [(c.code, c.n) for c in self.by_channel],
            "by_region": [(c.code, c.n) for c in self.by_region],
            "by_language": [(c.code, c.n) for c in self.by_language],
            "by_day": [(d.isoformat(), n) for d, n in self.by_day],
            "decisions": [(c.code, c.n) for c in self.decisions],
            "campaigns": [(c.code, c.size, [q.code for q in c.quotes]) for c in self.campaigns],
            "themes": [(c.code, c.size, [q.code for q in c.quotes]) for c in self.themes],
            "articles": [
                (a.number, a.proposals, a.in_campaigns, sorted(a.decisions.items()), a.merged)
                for a in self.articles
            ],
            "changes": [(c.old_number, c.new_number, c.change, c.proposals) for c in self.changes],
            "ledger": self.ledger.size if self.ledger else 0,
        }


def version_neighbours(version: Version) -> tuple[Version | None, Version | None]:
    """Return the versions of the same document just before and just after ``version``."""
    siblings = list(
        Version.objects.filter(document_id=version.document_id).order_by("created_at", "id")
    )
    i = next(n for n, v in enumerate(siblings) if v.pk == version.pk)
    older = siblings[i - 1] if i > 0 else None
    newer = siblings[i + 1] if i + 1 < len(siblings) else None
    return older, newer


def quote_of(text: str, limit: int = QUOTE_MAX) -> str:
    """Return the first sentence (or words up to ``limit`` characters) of ``text``, masked.

    Before masking the quote is an exact substring of the text; masking only replaces personal
    data by bullets.
    """
    text = text.strip()
    cut = len(text)
    for mark in (". ", "! ", "? ", "\n"):
        pos = text.find(mark)
        if 40 <= pos < cut:
            cut = pos + 1
    cut = min(cut, limit)
    quote = text[:cut].rstrip()
    if cut < len(text.rstrip()) and cut == limit:
        space = quote.rfind(" ")
        if space > limit // 2:
            quote = quote[:space]
        quote += " …"
    return mask_pii(quote)


def _breakdown(qs: Any, field_name: str, choices: list[tuple[str, Any]]) -> list[Count_]:
    rows = dict(qs.values_list(field_name).annotate(n=Count("id")).order_by())
    labels = dict(choices)
    out = [Count_(str(code), str(labels.get(code, code or "—")), n) for code, n in rows.items()]
    return sorted(out, key=lambda c: (-c.n, c.code))


def _clusters(qs: Any, prefix: str, lang: str) -> list[Cluster]:
    items = list(qs.order_by("-size", "id")[:TOP_CLUSTERS])
    ids = [pid for c in items for pid in list(c.representative_ids)[:QUOTES_PER_CLUSTER]]
    texts = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "text"))
    codes = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "code"))
    out = []
    for c in items:
        quotes = tuple(
            Quote(codes[pid], quote_of(texts[pid]))
            for pid in list(c.representative_ids)[:QUOTES_PER_CLUSTER]
            if pid in texts
        )
        label = c.label
        if prefix == "T":
            label = (c.label_kk if lang == "kk" else c.label_ru) or c.label
        out.append(Cluster(f"{prefix}-{c.pk}", mask_pii(label), c.size, quotes))
    return out


def _answers_pass(
    version: Version, lang: str
) -> tuple[
    dict[int | None, Counter[str]], dict[int | None, Counter[tuple[str, str]]], Counter[int]
]:
    """Stream the answers of the version's proposals once; keep each proposal's latest answer.

    Returns decisions per article id, reasons per article id, and per changed-article id the
    number of accepted or partly accepted proposals.
    """
    decisions: dict[int | None, Counter[str]] = defaultdict(Counter)
    reasons: dict[int | None, Counter[tuple[str, str]]] = defaultdict(Counter)
    changed: Counter[int] = Counter()
    reason_field = f"reason_{lang}"
    other_field = "reason_ru" if lang == "kk" else "reason_kk"
    rows = (
        Answer.objects.filter(proposal__version=version)
        .order_by("proposal_id", "-answered_at", "-id")
        .values_list(
            "proposal_id",
            "proposal__article_id",
            "decision",
            reason_field,
            other_field,
            "changed_article_id",
        )
    )
    last = None
    for pid, article_id, decision, reason, other, changed_article in rows.iterator(chunk_size=5000):
        if pid == last:
            continue
        last = pid
        decisions[article_id][decision] += 1
        text = (reason or other or "").strip()
        if text:
            reasons[article_id][(decision, text)] += 1
        if changed_article and decision in (Decision.ACCEPTED, Decision.PARTLY_ACCEPTED):
            changed[changed_article] += 1
    return decisions, reasons, changed


def _phases(version: Version) -> list[Phase]:
    """The consultation's calendar, when the consultations app is installed and has one."""
    if not apps.is_installed("kenes.consultations"):
        return []
    from kenes.consultations import selectors as consultations

    consultation = consultations.consultation_for_version(version)
    if consultation is None:
        return []
    return [
        Phase(str(p.label), p.starts, p.ends)
        for p in consultations.consultation_phases(consultation)
    ]


def _linked_changes(version: Version, newer: Version) -> dict[tuple[str, str], int] | None:
    """Confirmed "changed because of proposals" links (the changes app), per article pair.

    Returns {(old article number, new article number): proposals}, or None without the app.
    """
    if not apps.is_installed("kenes.changes"):
        return None
    link_model = apps.get_model("changes", "ChangeLink")
    rows = link_model.objects.filter(old_version=version, new_version=newer).values_list(
        "proposal_id", "old_article__number", "new_article__number"
    )
    pairs: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pid, old_no, new_no in rows:
        pairs[(old_no or "", new_no or "")].add(pid)
    return {pair: len(ids) for pair, ids in pairs.items()}


def _ledger() -> LedgerState | None:
    cp = Checkpoint.objects.order_by("-size").prefetch_related("cosignatures__witness").first()
    if cp is None:
        return None
    lines = cp.note.splitlines()
    origin = lines[0] if lines else ""
    signatures = tuple(line for line in lines if line.startswith("— "))
    cosigners = tuple(sorted(c.witness.name for c in cp.cosignatures.all()))
    return LedgerState(
        size=cp.size,
        root_hex=bytes(cp.root_hash).hex(),
        origin=origin,
        signatures=signatures,
        cosigners=cosigners,
        at=cp.created_at,
    )


def report_data(*, version: Version, lang: str, progress: Progress = _noop) -> ReportData:
    """Recompute every figure of the final report of ``version`` in ``lang`` (kk or ru)."""
    with translation.override(lang):
        return _report_data(version, lang, progress)


def _report_data(version: Version, lang: str, progress: Progress) -> ReportData:
    older, newer = version_neighbours(version)
    proposals = Proposal.objects.filter(version=version)
    progress(5, "totals")
    by_state = _breakdown(proposals, "state", ProposalState.choices)
    total = sum(c.n for c in by_state)
    by_channel = _breakdown(proposals, "channel", Channel.choices)
    by_region = _breakdown(proposals, "region", [*Region.choices, ("", _("not given"))])
    by_language = _breakdown(proposals, "language", Language.choices)
    by_author = _breakdown(proposals, "author_kind", AuthorKind.choices)
    tz = timezone.get_current_timezone()
    by_day = [
        (d, n)
        for d, n in proposals.annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by("day")
    ]
    detected = proposals.filter(language_detected=True).count()

    progress(20, "answers")
    decisions_by_article, reasons_by_article, changed_by_article = _answers_pass(version, lang)
    decision_totals: Counter[str] = Counter()
    for counter in decisions_by_article.values():
        decision_totals.update(counter)
    decisions = [
        Count_(str(code), str(label), decision_totals.get(code, 0))
        for code, label in Decision.choices
    ]

    progress(45, "articles")
    per_article = {
        (r["article_id"], r["state"]): r["n"]
        for r in proposals.values("article_id", "state").annotate(n=Count("id")).order_by()
    }
    campaign_per_article = dict(
        CampaignMember.objects.filter(proposal__version=version)
        .values_list("proposal__article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    diff_by_old: dict[str, tuple[str, str]] = {}
    changes: list[ChangeRow] = []
    changes_source = ""
    if newer is not None:
        diff = drafts.version_diff(old=version, new=newer, lang=lang)
        for ch in diff.changes:
            old_no = ch.old.number if ch.old else ""
            new_no = ch.new.number if ch.new else ""
            if old_no:
                diff_by_old[old_no] = (str(ch.change), new_no)
        linked = _linked_changes(version, newer)
        new_numbers = dict(Article.objects.filter(version=newer).values_list("pk", "number"))
        old_numbers = dict(Article.objects.filter(version=version).values_list("pk", "number"))
        counts: Counter[tuple[str, str]] = Counter()
        if linked:
            counts.update(linked)
            changes_source = "links"
        else:
            for article_id, n in changed_by_article.items():
                if article_id in new_numbers:
                    new_no = new_numbers[article_id]
                    old_no = next((o for o, (_c, nn) in diff_by_old.items() if nn == new_no), "")
                    counts[(old_no, new_no)] += n
                elif article_id in old_numbers:
                    old_no = old_numbers[article_id]
                    counts[(old_no, diff_by_old.get(old_no, ("", ""))[1])] += n
            changes_source = "answers" if counts else ""
        for ch in diff.changes:
            if str(ch.change) in ("unchanged", "same"):
                continue
            old_no = ch.old.number if ch.old else ""
            new_no = ch.new.number if ch.new else ""
            changes.append(
                ChangeRow(old_no, new_no, str(ch.change), counts.get((old_no, new_no), 0))
            )

    articles = []
    for a in Article.objects.filter(version=version).order_by("position"):
        states = {s: per_article.get((a.pk, s), 0) for s in ProposalState.values}
        reasons = sorted(
            reasons_by_article.get(a.pk, Counter()).items(), key=lambda kv: (-kv[1], kv[0])
        )[:REASONS_PER_ARTICLE]
        change, new_no = diff_by_old.get(a.number, ("", "")) if newer is not None else ("", "")
        articles.append(
            ArticleRow(
                number=a.number,
                title=a.text_in("title", lang)[0],
                proposals=sum(states.values()),
                in_campaigns=campaign_per_article.get(a.pk, 0),
                decisions={
                    code: decisions_by_article.get(a.pk, Counter()).get(code, 0)
                    for code in Decision.values
                },
                merged=states[ProposalState.MERGED],
                open=states[ProposalState.RECEIVED] + states[ProposalState.IN_REVIEW],
                reasons=tuple(Reason(d, mask_pii(t), n) for (d, t), n in reasons),
                change=change,
                new_number=new_no,
            )
        )
    without_article = sum(n for (aid, _s), n in per_article.items() if aid is None)

    progress(60, "campaigns")
    campaign_qs = Campaign.objects.filter(version=version)
    theme_qs = Theme.objects.filter(version=version, parent__isnull=True)
    campaigns = _clusters(campaign_qs, "C", lang)
    themes = _clusters(theme_qs, "T", lang)

    progress(70, "outreach")
    coverage = [c for c in outreach.coverage_regions() if c.held or c.planned_soon]
    coverage_total = outreach.totals(outreach.coverage_regions())
    meeting_proposals = next((c.n for c in by_channel if c.code == Channel.MEETING), 0)

    progress(75, "methods")
    runs = [
        MethodRun(
            kind=str(r.get_kind_display()),
            model_id=r.model_id,
            model_version=r.model_version,
            finished_at=r.finished_at,
            n_proposals=r.n_proposals,
            n_campaigns=r.n_campaigns,
            n_themes=r.n_themes,
            n_links=r.n_links,
        )
        for r in AnalysisRun.objects.filter(
            version=version, status=AnalysisRun.Status.DONE, kind=AnalysisRun.Kind.FULL
        ).order_by("-finished_at", "-id")[:3]
    ]
    corrections = _breakdown(
        Correction.objects.filter(version=version), "kind", Correction.Kind.choices
    )
    answers = Answer.objects.filter(proposal__version=version)
    answers_total = answers.count()
    reviewers = answers.exclude(answered_by__isnull=True).values("answered_by").distinct().count()
    title, _lang = version.document.title_in(lang)
    vtitle, _lang = version.text_in("title", lang)
    return ReportData(
        document_slug=version.document.slug,
        document_title=title,
        version_label=version.label,
        version_title=vtitle,
        language=lang,
        languages_loaded=version.languages,
        older_label=older.label if older else "",
        newer_label=newer.label if newer else "",
        total=total,
        by_state=by_state,
        by_channel=by_channel,
        by_region=by_region,
        by_language=by_language,
        by_author=by_author,
        by_day=by_day,
        decisions=decisions,
        answered=sum(decision_totals.values()),
        without_article=without_article,
        campaigns=campaigns,
        n_campaigns=campaign_qs.count(),
        in_campaigns=sum(campaign_per_article.values()),
        themes=themes,
        n_themes=theme_qs.count(),
        articles=articles,
        changes=changes,
        changes_source=changes_source,
        coverage=coverage,
        coverage_total=coverage_total,
        meeting_proposals=meeting_proposals,
        phases=_phases(version),
        runs=runs,
        corrections=corrections,
        reviewers=reviewers,
        answers_total=answers_total,
        detected_language=detected,
        ledger=_ledger(),
    )


# --- Handouts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoutArticle:
    number: str
    title: str
    old_number: str
    old_text: str  # "" when the article is new in this version (or there is no older one)
    new_text: str
    change: str  # "changed", "unchanged", "added", "" (no older version)
    note: str
    proposals: int
    open: int  # not answered yet (received or in review)
    decisions: dict[str, int]
    article_url: str
    propose_url: str


def _article_text(article: Article, lang: str) -> str:
    """The article's whole wording in ``lang`` (falling back to the other language)."""
    text = getattr(article, f"search_{lang}") or article.search_ru or article.search_kk
    return text.strip()


def handout_articles(*, version: Version, numbers: list[str], lang: str) -> list[HandoutArticle]:
    """Old and new wording, the staff note, proposals and decisions of the chosen articles.

    Unknown numbers are left out (the caller tells the user which); the order is the draft's.
    """
    from django.conf import settings
    from django.urls import reverse

    wanted = list(Article.objects.filter(version=version, number__in=numbers).order_by("position"))
    older, _newer = version_neighbours(version)
    matched: dict[str, tuple[str, str]] = {}  # new number → (old number, change)
    if older is not None:
        diff = drafts.version_diff(old=older, new=version, lang=lang)
        for ch in diff.changes:
            if ch.new is not None:
                matched[ch.new.number] = (ch.old.number if ch.old else "", str(ch.change))
    old_articles = (
        {a.number: a for a in Article.objects.filter(version=older)} if older is not None else {}
    )
    notes = {
        n.article_id: n.text
        for n in apps.get_model("reports", "ExplainerNote").objects.filter(
            article__in=wanted, language=lang
        )
    }
    base = settings.KENES_PUBLIC_URL
    out = []
    for a in wanted:
        old_no, change = matched.get(a.number, ("", ""))
        old = old_articles.get(old_no) if old_no else None
        ids = [a.pk] + ([old.pk] if old is not None else [])
        states = Proposal.objects.filter(article_id__in=ids)
        total = states.count()
        still_open = states.filter(
            state__in=[ProposalState.RECEIVED, ProposalState.IN_REVIEW]
        ).count()
        decision_counts: Counter[str] = Counter()
        last = None
        for pid, decision in (
            Answer.objects.filter(proposal__article_id__in=ids)
            .order_by("proposal_id", "-answered_at", "-id")
            .values_list("proposal_id", "decision")
        ):
            if pid != last:
                decision_counts[decision] += 1
                last = pid
        slug, label = version.document.slug, version.label
        out.append(
            HandoutArticle(
                number=a.number,
                title=a.text_in("title", lang)[0],
                old_number=old_no,
                old_text=_article_text(old, lang) if old is not None else "",
                new_text=_article_text(a, lang),
                change=change if older is not None else "",
                note=notes.get(a.pk, ""),
                proposals=total,
                open=still_open,
                decisions={code: decision_counts.get(code, 0) for code in Decision.values},
                article_url=base
                + reverse("portal:draft-article", args=[slug, label, a.number])
                + f"?lang={lang}",
                propose_url=base
                + reverse("portal:propose", args=[slug, label])
                + f"?article={a.number}&lang={lang}",
            )
        )
    return out


def version_articles(version: Version) -> list[Article]:
    return list(Article.objects.filter(version=version).order_by("position"))


def versions_for_choice() -> list[Version]:
    return list(drafts.version_list())


def latest_builds(limit: int = 20) -> list[Any]:
    from kenes.reports.models import ReportBuild

    return list(
        ReportBuild.objects.select_related("version__document", "requested_by").order_by(
            "-created_at", "-id"
        )[:limit]
    )


def latest_proposal_version_id() -> int | None:
    row = Proposal.objects.order_by("-id").values_list("version_id", flat=True).first()
    return row
