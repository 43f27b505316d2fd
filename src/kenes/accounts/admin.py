from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kenes.accounts.models import User


@admin.register(User)
class KenesUserAdmin(UserAdmin[User]):
    list_display = ["username", "email", "is_staff", "roles", "preferred_language", "last_login"]
    list_filter = ["is_staff", "is_superuser", "groups", "preferred_language"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("Kenes"), {"fields": ("preferred_language",)}),
    )

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")
