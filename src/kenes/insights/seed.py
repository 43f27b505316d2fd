"""Demo insights: a full analysis of the demo proposals with the hashing embedder (seconds).

Ten themes are asked for: the automatic choice (silhouette) picks two on the demo texts.
"""

from __future__ import annotations

from kenes.core.seeding import SeedContext
from kenes.drafts.models import Version
from kenes.insights.models import AnalysisRun
from kenes.insights.services import analysis_run_full


def seed(ctx: SeedContext) -> None:
    for version in Version.objects.filter(proposals__isnull=False).distinct():
        if AnalysisRun.objects.filter(
            version=version, kind=AnalysisRun.Kind.FULL, status=AnalysisRun.Status.DONE
        ).exists():
            continue
        run = analysis_run_full(actor=None, version=version, embedder="hashing", theme_k=10)
        ctx.say(
            f"Insights: {version}: {run.n_proposals} proposals, {run.n_campaigns} "
            f"campaigns, {run.n_themes} themes ({run.timings.get('total', 0):.1f} s, "
            "hashing embedder)."
        )
