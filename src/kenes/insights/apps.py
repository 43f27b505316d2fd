from __future__ import annotations

import logging
import threading
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _proposals_stored(*, proposal_ids: list[int], **kwargs: Any) -> None:
    if proposal_ids:
        from kenes.insights.services import proposals_analyze_soon

        # One step per batch: it analyses everything above the version's watermark.
        proposals_analyze_soon(proposal_id=max(proposal_ids))


_WARMING = threading.Lock()
_warm_started = False


def _warm_in_background(**kwargs: Any) -> None:
    """On a process's first request, build the live analysis state in a thread of its own."""
    global _warm_started
    with _WARMING:
        if _warm_started:
            return
        _warm_started = True

    def run() -> None:
        from django.db import connection

        from kenes.insights.services.incremental import warm_up

        try:
            warm_up()
        except Exception:  # a cold first step is slower, nothing worse
            logger.warning("could not warm the live analysis up", exc_info=True)
        finally:
            connection.close()

    threading.Thread(target=run, name="kenes-insights-warm-up", daemon=True).start()


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
        # Where the step runs in the web process (the demo), warm it up on the first request:
        # loading the model and embedding the draft took ≈ 25 s before the first result.
        if settings.KENES_INSIGHTS_WARM and getattr(
            settings, "KENES_INSIGHTS_INLINE", settings.DEBUG
        ):
            request_started.connect(_warm_in_background, dispatch_uid="kenes.insights.warm")
