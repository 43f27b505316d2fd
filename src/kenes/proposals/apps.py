from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "kenes.proposals"
    demo_seed = "kenes.proposals.seed:seed"
    demo_order = 40
    ledger_audit = "kenes.proposals.audit:check"
    verbose_name = _("Proposals")
