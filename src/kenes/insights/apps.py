from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _proposal_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                    **kwargs: Any) -> None:
    if created and not raw:
        from kenes.insights.services import proposal_analyze_later

        proposal_analyze_later(proposal_id=instance.pk)


class InsightsConfig(AppConfig):
    name = "kenes.insights"
    verbose_name = _("Insights")
    demo_seed = "kenes.insights.seed:seed"
    demo_order = 60

    def ready(self) -> None:
        # Every proposal saved as a new row (proposal_submit, whatever the channel) queues the
        # incremental analysis at commit. Bulk imports (proposals_submit_many uses
        # bulk_create, which sends no signal) are caught up by the next step: it analyses
        # every proposal above the version's watermark. See kenes.insights.services.
        from kenes.proposals.models import Proposal

        post_save.connect(_proposal_saved, sender=Proposal,
                          dispatch_uid="kenes.insights.proposal_created")
