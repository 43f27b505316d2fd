from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kenes.portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from django.apps import apps

        # django-tasks-db names its app in plain English; give the admin a translatable name
        # (kk/ru in kenes/locale_django).
        if apps.is_installed("django_tasks_db"):
            apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")
