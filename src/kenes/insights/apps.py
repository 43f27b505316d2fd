from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _proposal_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        from kenes.insights.services import proposal_analyze_later

        proposal_analyze_later(proposal_id=instance.pk)


def _proposals_stored(sender: Any, proposal_ids: list[int], **kwargs: Any) -> None:
    if proposal_ids:
        from kenes.insights.services import proposal_analyze_later

        # One step per batch: it analyses everything above the watermark.
        proposal_analyze_later(proposal_id=max(proposal_ids))


class InsightsConfig(AppConfig):
    name = "kenes.insights"
    verbose_name = _("Insights")
    demo_seed = "kenes.insights.seed:seed"
    demo_order = 60

    def ready(self) -> None:
        # Every proposal saved as a new row (proposal_submit, whatever the channel) queues the
        # incremental analysis at commit; a bulk batch (proposals_submit_many) sends
        # proposals_stored and queues one step, which analyses every proposal above the
        # version's watermark. See kenes.insights.services.
        from kenes.proposals.models import Proposal

        post_save.connect(
            _proposal_saved, sender=Proposal, dispatch_uid="kenes.insights.proposal_created"
        )
        from kenes.proposals.signals import proposals_stored

        proposals_stored.connect(
            _proposals_stored, sender=Proposal, dispatch_uid="kenes.insights.proposals_stored"
        )
