"""Coalition admin: organisations are created and changed through the coalition services
(validated, audited; logos checked by content); branches, contact people and organisers are
shown read-only (contact names and phones are never listed or searched)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kenes.coalition import services
from kenes.coalition.models import Branch, ContactPerson, Organisation, Organiser
from kenes.core.admin import ReadOnlyAdmin
from kenes.core.uploads import check_image, logo_max_bytes

FIELDS = ("name_kk", "name_ru", "kind", "joined_on", "website")


class BranchInline(admin.TabularInline[Branch, Organisation]):
    model = Branch
    extra = 0
    can_delete = False
    readonly_fields = ("region", "address")
    fields = ("region", "address")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ("slug", *FIELDS, "active", "logo")

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and "logo" in self.changed_data:
            check_image(logo, max_bytes=logo_max_bytes(), field="logo")
            logo.seek(0)
        return logo


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationForm
    list_display = ("slug", "name_ru", "kind", "joined_on", "active")
    list_filter = ("kind", "active")
    search_fields = ("slug", "name_ru", "name_kk")
    inlines = [BranchInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("slug",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {name: data[name] for name in FIELDS}
        if change:
            saved = services.organisation_update(
                actor=request.user, organisation=obj, active=data["active"], **fields
            )
        else:
            saved = services.organisation_create(actor=request.user, slug=data["slug"], **fields)
            obj.pk, obj._state.adding = saved.pk, False
        if data.get("logo") and "logo" in form.changed_data:
            services.organisation_logo_set(
                actor=request.user, organisation=saved, upload=data["logo"]
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Branches are shown read-only: nothing to save besides the organisation."""


@admin.register(ContactPerson)
class ContactPersonAdmin(ReadOnlyAdmin):
    # Names and phones are encrypted: never searchable or listed.
    list_display = ("id", "branch", "position")
    raw_id_fields = ("branch",)


@admin.register(Organiser)
class OrganiserAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "branch")
