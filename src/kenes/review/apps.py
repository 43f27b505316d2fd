from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "kenes.review"
    demo_seed = "kenes.review.seed:seed"
    ledger_audit = "kenes.review.audit:check"
    demo_order = 50
    verbose_name = _("Review")
