"""Forms of the outreach pages (parsing only; writes go through kenes.outreach.services)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenes.coalition.models import Organisation
from kenes.drafts.models import Version
from kenes.geo.models import Unit
from kenes.geo.regions import Region
from kenes.outreach.models import AgeBand, Audience, MeetingLanguage, Sex
from kenes.proposals.models import Language


class PlaceFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices]
    )
    district = forms.ChoiceField(label=_("District"), required=False, choices=[])

    def __init__(self, *args: Any, districts: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [
            ("", _("All districts")),
            *((u.code, u.name) for u in districts or []),
        ]


class VersionChoiceField(forms.ModelChoiceField[Version]):
    """Drafts by title and version in the reader's language, not by internal id ("slug/v1")."""

    def label_from_instance(self, obj: Version) -> str:
        return f"{obj.document} · {obj.label}"


# How long after a meeting it may still be entered in the plan, to be reported.
LATE_ENTRY = timedelta(days=3)


class PlanForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    settlement = forms.ChoiceField(label=_("Settlement"), choices=[])
    version = VersionChoiceField(label=_("Draft discussed"), queryset=Version.objects.none())
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        help_text=_("e.g. the village club, the school assembly hall"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=MeetingLanguage.choices)
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names and positions of the speakers (public)."),
    )

    def __init__(
        self, *args: Any, organisations: Any, settlements: list[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        versions = Version.objects.select_related("document").order_by("-id")
        cast("forms.ModelChoiceField[Any]", self.fields["version"]).queryset = versions
        self.fields["version"].initial = versions.first()
        groups: dict[str, list[tuple[str, str]]] = {}
        for unit in settlements:
            district = unit.district.name if unit.district else ""
            label = unit.name + (" ✱" if unit.remote else "")
            groups.setdefault(district, []).append((unit.code, label))
        cast(forms.ChoiceField, self.fields["settlement"]).choices = [("", "—"), *groups.items()]

    def starts_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A meeting is planned ahead. One held in the last days may still be entered (so it can
        # be reported); an older date is a typing error ("1 Jan 2020").
        if data.get("day") and data.get("time") and self.starts_at() < timezone.now() - LATE_ENTRY:
            self.add_error(
                "day",
                _(
                    "This date is more than %(days)s days ago. Plan meetings ahead; only a "
                    "meeting held in the last %(days)s days can be entered afterwards."
                )
                % {"days": LATE_ENTRY.days},
            )
        return data


class ReportForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was discussed. Do not write the names of people from the audience."),
    )
    questions = forms.CharField(
        label=_("Questions asked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per line."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sex in Sex:
            for band in AgeBand:
                self.fields[f"{sex.value}_{band.value}"] = forms.IntegerField(
                    label=f"{sex.label}, {band.label}",
                    min_value=0,
                    max_value=100_000,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def attendance(self) -> dict[str, int]:
        return {
            f"{s}_{b}": self.cleaned_data.get(f"{s}_{b}") or 0
            for s in Sex.values
            for b in AgeBand.values
        }

    def question_list(self) -> list[str]:
        return [q.strip() for q in self.cleaned_data["questions"].splitlines() if q.strip()]


class ProposalForm(forms.Form):
    text = forms.CharField(
        label=_("Proposal"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    article = forms.CharField(label=_("Article"), required=False, max_length=20)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("detect")), *Language.choices]
    )
    form_ref = forms.CharField(label=_("Form number"), required=False, max_length=40)


ProposalFormSet = forms.formset_factory(ProposalForm, extra=3, max_num=50)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo (JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
