"""Coalition admin: organisations are created and changed through the coalition services
(validated, audited; logos checked by content); branches, contact people and organisers are
shown read-only (contact names and phones are never listed or searched)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from kenes.coalition import selectors, services
from kenes.coalition.models import Branch, ContactPerson, Organisation, Organiser
from kenes.core.admin import ReadOnlyAdmin
from kenes.core.models import AuditAction
from kenes.core.services import audit_record
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
        """A logo must be a JPEG or PNG image by its content: anything else (an SVG, which may
        carry a script; an HTML page renamed .png) is refused with the organiser upload's
        message (kenes.core.uploads.check_image)."""
        logo = self.cleaned_data.get("logo")
        if logo and "logo" in self.changed_data:
            try:
                info = check_image(logo, max_bytes=logo_max_bytes(), field="logo")
            except ValidationError as exc:
                raise ValidationError(exc.message_dict.get("logo", exc.messages)) from exc
            logo.seek(0)
            logo.name = f"logo{info.extension}"
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
    """Contact people's names and phones: only for staff who manage their branch.

    Commission admins (``coalition.manage_any_organisation``) see every contact; a linked
    organiser sees the contacts of the branches they manage; reviewers and observers see none,
    whatever their view permissions say. Every opening of a contact is written to the audit log
    (``coalition.contact_read``: who, which contact; never the name or the phone).
    """

    # Names and phones are encrypted: shown in the form, never searchable or listed.
    list_display = ("id", "branch", "position")
    raw_id_fields = ("branch",)

    def _may_read(self, request: HttpRequest) -> bool:
        return selectors.manages_any(request.user) or selectors.is_organiser(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_read(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_read(request) and super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPerson]:
        branches = selectors.managed_branches(request.user)
        return super().get_queryset(request).filter(branch__in=branches.values("pk"))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            contact = self.get_queryset(request).filter(pk=object_id).first()
            if contact is not None:
                with transaction.atomic():
                    audit_record(
                        actor=request.user,
                        action=AuditAction.COALITION_CONTACT_READ,
                        target=contact,
                        data={"branch": contact.branch_id},
                    )
        return response


@admin.register(Organiser)
class OrganiserAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "branch")
