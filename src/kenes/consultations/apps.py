from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "kenes.consultations"
    verbose_name = _("Consultations")
    demo_seed = "kenes.consultations.seed:seed"
    demo_order = 35  # after the drafts, before the proposals
