"""Insights: the analysis engine (kenes.analysis) applied to the proposals in the database.

A package by sub-domain:

* :mod:`.incremental` - the step run for every new proposal (after-commit hook from intake);
* :mod:`.runs` - full re-runs (queued, scheduled or from the admin);
* :mod:`.corrections` - staff corrections that survive re-runs;
* :mod:`.answers` - answering a campaign or a theme in one step;
* :mod:`.common` - shared words.
"""

from kenes.insights.services.answers import campaign_answer, theme_answer
from kenes.insights.services.common import (
    ANALYSIS_QUEUE,
    EMBEDDERS,
    MODEL_VERSION,
    OPEN_STATES,
    make_embedder,
    min_duplicates,
)
from kenes.insights.services.corrections import (
    article_link_remove,
    article_link_set,
    campaign_member_remove,
    campaigns_merge,
    corrections_apply,
    theme_member_remove,
    themes_merge,
)
from kenes.insights.services.incremental import (
    proposal_analyze_later,
    proposal_analyze_new,
    proposals_analyze_soon,
    worker_state_clear,
    yield_to_intake,
)
from kenes.insights.services.runs import analysis_run_full, analysis_run_full_later

__all__ = [
    "ANALYSIS_QUEUE",
    "EMBEDDERS",
    "MODEL_VERSION",
    "OPEN_STATES",
    "analysis_run_full",
    "analysis_run_full_later",
    "article_link_remove",
    "article_link_set",
    "campaign_answer",
    "campaign_member_remove",
    "campaigns_merge",
    "corrections_apply",
    "make_embedder",
    "min_duplicates",
    "proposal_analyze_later",
    "proposal_analyze_new",
    "proposals_analyze_soon",
    "theme_answer",
    "theme_member_remove",
    "themes_merge",
    "worker_state_clear",
    "yield_to_intake",
]
