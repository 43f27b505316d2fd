from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kenes.accounts"
    demo_seed = "kenes.accounts.seed:seed"
    demo_order = 10
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from kenes.accounts.roles import sync_roles_after_migrate

        # Permissions exist only after migrate; roles are (re)built from them then.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="kenes.accounts.sync_roles")
