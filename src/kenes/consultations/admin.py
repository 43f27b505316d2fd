from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from kenes.consultations import services
from kenes.consultations.models import Consultation


class ConsultationForm(ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Consultation
        fields = ["version", *services.FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services._check({f: data.get(f) for f in services.FIELDS})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin[Consultation]):
    """Staff manage the calendar here; every save goes through the audited service."""

    form = ConsultationForm
    list_display = ["__str__", "version", "opens_at", "closes_at", "grace_days", "report_on"]
    list_select_related = ["version__document"]

    def save_model(self, request: HttpRequest, obj: Consultation, form: Any, change: bool) -> None:
        values = {f: form.cleaned_data.get(f) for f in services.FIELDS}
        values["grace_days"] = values.get("grace_days") or 0
        saved = services.consultation_save(
            actor=request.user,
            version=form.cleaned_data["version"],
            # the stored row, not the form's instance (already holding the new values)
            consultation=Consultation.objects.get(pk=obj.pk) if change else None,
            **values,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Consultation) -> None:
        services.consultation_delete(actor=request.user, consultation=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.consultation_delete(actor=request.user, consultation=obj)
