from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "kenes.coalition"
    verbose_name = _("Coalition")
    demo_seed = "kenes.coalition.seed:seed"
    demo_order = 75
