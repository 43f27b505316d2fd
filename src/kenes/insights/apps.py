from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _proposals_stored(*, proposal_ids: list[int], **kwargs: Any) -> None:
    if proposal_ids:
        from kenes.insights.services import proposals_analyze_soon

        # One step per batch: it analyses everything above the version's watermark.
        proposals_analyze_soon(proposal_id=max(proposal_ids))


class InsightsConfig(AppConfig):
    name = "kenes.insights"
    verbose_name = _("Insights")
    demo_seed = "kenes.insights.seed:seed"
    demo_order = 60

    def ready(self) -> None:
        # Intake announces stored proposals (any channel, one by one or in bulk) through an
        # explicit after-commit hook; insights analyses them. See kenes.core.hooks.
        from kenes.core import hooks

        hooks.register(hooks.PROPOSALS_STORED, _proposals_stored)
