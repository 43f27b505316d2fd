from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenes.accounts.models import Authenticator, Citizen, ConsentRecord, SignInCode, User
from kenes.core.admin import ReadOnlyAdmin
from kenes.core.models import AuditAction
from kenes.core.services import audit_record

# Django stores permission names in English ("Can add proposal"); the admin shows them in the
# reader's language: the four default ones from these templates, the others from the catalog.
_DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


# Third-party models whose names are plain English, shown under the proxy that names them.
_SHOWN_AS: dict[type[models.Model], type[models.Model]] = {TOTPDevice: Authenticator}


def permission_label(permission: Permission) -> str:
    """``app | model | permission`` like Django's, with the permission's name translated."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    shown = _SHOWN_AS.get(model, model) if model is not None else None
    place = (
        f"{shown._meta.app_config.verbose_name} | {shown._meta.verbose_name}"
        if shown is not None and shown is not model
        else str(content_type)
    )
    if (
        model is not None
        and shown is not None
        and action in _DEFAULT_PERMISSIONS
        and model_name == model._meta.model_name
    ):
        name = str(_DEFAULT_PERMISSIONS[action]) % {"model": shown._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{place} | {name}"


class _TranslatedPermissions:
    """Show the permission choices of a user or a group in the reader's language."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class KenesGroupAdmin(_TranslatedPermissions, GroupAdmin):  # type: ignore[misc]
    pass


# django-otp's TOTP device admin has English labels, help texts and headings and no catalog:
# the same admin with them in the reader's language.
_TOTP_FIELDS = {
    "user": (_("user"), _("The staff member this device belongs to.")),
    "name": (_("name"), _("A name to tell this device apart, e.g. “work phone”.")),
    "confirmed": (_("confirmed"), _("Whether this device may be used to sign in.")),
    "key": (_("secret key"), _("The device's secret key in hexadecimal (up to 40 bytes).")),
    "step": (_("time step"), _("Seconds per code.")),
    "t0": (_("start time"), _("The Unix time at which steps are counted from.")),
    "digits": (_("digits"), _("How many digits a code has.")),
    "tolerance": (_("tolerance"), _("How many steps before or after now a code may be.")),
    "drift": (_("drift"), _("How many steps this device's clock is known to be off.")),
    "throttling_failure_timestamp": (_("last failed attempt"), None),
    "throttling_failure_count": (_("failed attempts in a row"), None),
    "last_t": (_("last step used"), None),
}
_TOTP_SECTIONS = {
    "Identity": _("Device"),
    "Timestamps": _("Dates"),
    "Configuration": _("Settings"),
    "State": _("State"),
    "Throttling": _("Failed attempts"),
}


class KenesTOTPDeviceAdmin(TOTPDeviceAdmin):  # type: ignore[misc]
    list_display = ["user", "name", "created", "last_used", "confirmed"]
    readonly_fields = ["created", "last_used", "qrcode_link"]

    @admin.display(description=_("created"))
    def created(self, device: TOTPDevice) -> Any:
        return device.created_at

    @admin.display(description=_("last used"))
    def last_used(self, device: TOTPDevice) -> Any:
        return device.last_used_at

    def get_list_display(self, request: Any) -> Any:
        return [c for c in super().get_list_display(request) if c != "qrcode_link"]

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                _TOTP_SECTIONS.get(title, title) if title else None,
                {**options, "fields": [renamed.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    # A second factor is a staff member's key to the admin: every change made here is audited
    # (as `kenes staff-totp` is), with the fields changed, never their values.
    def save_model(self, request: Any, obj: TOTPDevice, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditAction.ACCOUNTS_TOTP_CHANGED
                if change
                else AuditAction.ACCOUNTS_TOTP_CREATED,
                target=obj.user,
                data={"device": obj.pk, "fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: Any, obj: TOTPDevice) -> None:
        with transaction.atomic():
            self._audit_deleted(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            self._audit_deleted(request, list(queryset.select_related("user")))
            super().delete_queryset(request, queryset)

    def _audit_deleted(self, request: Any, devices: list[TOTPDevice]) -> None:
        for device in devices:
            audit_record(
                actor=request.user,
                action=AuditAction.ACCOUNTS_TOTP_DELETED,
                target=device.user,
                data={"device": device.pk},
            )

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in _TOTP_FIELDS:
            field.label, help_text = _TOTP_FIELDS[db_field.name]
            field.help_text = help_text or ""
        return field


# Listed under the proxy Authenticator, whose name is translated (django-otp's model names are
# plain English strings).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(Authenticator, KenesTOTPDeviceAdmin)


@admin.register(User)
class KenesUserAdmin(_TranslatedPermissions, UserAdmin[User]):
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
