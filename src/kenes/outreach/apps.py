from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "kenes.outreach"
    verbose_name = _("Outreach")
    demo_seed = "kenes.outreach.seed:seed"
    demo_order = 80
