from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """The public account: dashboard, per-article account ("сводная таблица"), exports."""

    name = "kenes.accountability"
    verbose_name = _("Public account")
    demo_seed = "kenes.accountability.seed:seed"
    demo_order = 95  # last: recounts what every other seed wrote
