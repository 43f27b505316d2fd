from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kenes.accounts.models import Citizen, ConsentRecord, SignInCode, User
from kenes.core.admin import ReadOnlyAdmin


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


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdmin):
    """No phone, e-mail, name or IIN is ever shown here (not even masked): counts and dates.
    Citizens' records are written only by their services; staff may look, never edit."""

    _all = ("id", "signed_in_with", "has_iin", "created_at", "last_seen_at", "erased_at")
    list_display = fields = readonly_fields = _all
    list_filter = ["erased_at"]

    @admin.display(description=_("signed in with"))
    def signed_in_with(self, obj: Citizen) -> str:
        return ", ".join(
            str(label)
            for label, present in (
                (_("phone"), obj.phone_index),
                (_("e-mail"), obj.email_index),
                ("eGov", obj.oidc_index),
            )
            if present
        )

    @admin.display(description=_("IIN"), boolean=True)
    def has_iin(self, obj: Citizen) -> bool:
        return bool(obj.iin_index)


@admin.register(SignInCode)
class SignInCodeAdmin(ReadOnlyAdmin):
    _all = ("id", "channel", "created_at", "expires_at", "attempts", "used_at")
    list_display = fields = readonly_fields = _all
    list_filter = ["channel"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "purpose", "version", "language", "given_at", "withdrawn_at")
    _all = ("id", "purpose", "version", "language", "given_at", "withdrawn_at", "proposal_code")
    fields = (*_all, "text")
    readonly_fields = (*_all, "text")
    list_filter = ["purpose", "version"]
