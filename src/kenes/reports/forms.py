from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Version
from kenes.reports.models import ReportLanguage
from kenes.reports.services import NOTE_MAX


class VersionChoiceField(forms.ModelChoiceField[Version]):
    def label_from_instance(self, obj: Version) -> str:
        return f"{obj.document.title_in()[0]} — {obj.label}"


def _versions() -> VersionChoiceField:
    return VersionChoiceField(
        label=_("Draft version"),
        queryset=Version.objects.select_related("document").order_by(
            "document__slug", "created_at", "id"
        ),
        empty_label=None,
    )


class ReportRequestForm(forms.Form):
    version = _versions()
    language = forms.ChoiceField(label=_("Language of the report"), choices=ReportLanguage.choices)


class HandoutForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the handout"),
        choices=ReportLanguage.choices,
        widget=forms.RadioSelect,
    )
    articles = forms.MultipleChoiceField(
        label=_("Articles"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: object, article_choices: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["articles"].choices = article_choices  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Plain-language note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Short sentences, no legal terms; leave empty to remove the note."),
    )
