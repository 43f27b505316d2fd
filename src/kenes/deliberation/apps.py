from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "kenes.deliberation"
    verbose_name = _("Deliberation")
    demo_seed = "kenes.deliberation.seed:seed"
    demo_order = 65
