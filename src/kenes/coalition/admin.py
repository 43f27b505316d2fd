from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from kenes.coalition import selectors
from kenes.coalition.models import Branch, ContactPerson, Organisation, Organiser
from kenes.coalition.uploads import check_image, logo_max_bytes
from kenes.core.services import audit_record


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    """The admin's organisation form: a logo must be a JPEG or PNG image by its content.

    Anything else (an SVG, which may carry a script; an HTML page renamed .png) is refused with
    the same message as the organiser's upload (kenes.coalition.uploads.check_image).
    """

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields it shows

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "read") and logo is not getattr(self.instance, "logo", None):
            try:
                info = check_image(logo, max_bytes=logo_max_bytes(), field="logo")
            except ValidationError as exc:
                raise ValidationError(exc.message_dict.get("logo", exc.messages)) from exc
            logo.name = f"logo{info.extension}"
        return logo


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("slug", "name_ru", "kind", "joined_on", "active")
    list_filter = ("kind", "active")
    search_fields = ("slug", "name_ru", "name_kk")
    inlines = [BranchInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_read(request) and super().has_change_permission(request, obj)

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
                        action="coalition.contact_read",
                        target=contact,
                        data={"branch": contact.branch_id},
                    )
        return response


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "branch")
    raw_id_fields = ("user", "branch")
