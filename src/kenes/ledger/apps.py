from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kenes.ledger"
    demo_seed = "kenes.ledger.seed:seed"
    demo_order = 90
    verbose_name = _("Public ledger")

    def ready(self) -> None:
        from kenes.ledger import checks  # noqa: F401 - registers the system checks
