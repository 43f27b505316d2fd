from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "kenes.drafts"
    demo_seed = "kenes.drafts.seed:seed"
    demo_order = 20
    verbose_name = _("Drafts")
