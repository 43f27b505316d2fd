from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "kenes.changes"
    verbose_name = _("Changes made because of proposals")
    demo_seed = "kenes.changes.seed:seed"
    demo_order = 65
