from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "kenes.geo"
    verbose_name = _("Geography")
    demo_seed = "kenes.geo.seed:seed"
    demo_order = 70
