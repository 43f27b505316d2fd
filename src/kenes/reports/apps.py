from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kenes.reports"
    verbose_name = _("Reports and handouts")
    demo_seed = "kenes.reports.seed:seed"
    demo_order = 85
