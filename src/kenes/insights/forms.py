"""Forms of the cluster screens: answer a campaign or a theme, fix an article link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kenes.review.forms import ReasonedAnswerForm, clean_article_point


class ClusterAnswerForm(ReasonedAnswerForm):
    # Set on the confirmation step: the number of proposals the person agreed to answer.
    confirmed = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Themes only: answer just the ticked members (empty = every unanswered member).
    ids = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=[], widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()  # type: ignore

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A campaign or theme answer reaches proposals in both languages: both reasons.
        self.add_reason_errors(data, languages=(), both=True)
        return data


class LinkForm(forms.Form):
    SET = "set"
    REMOVE = "remove"

    action = forms.ChoiceField(choices=[(SET, SET), (REMOVE, REMOVE)], widget=forms.HiddenInput)
    article = forms.CharField(
        label=_("Article (number)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    point = forms.CharField(
        label=_("Point (number, optional)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )

    def __init__(self, *args: Any, version_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version_id = version_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("article") or "").strip():
            data["article_obj"], data["point_obj"] = clean_article_point(
                self, version_id=self.version_id, article_field="article", point_field="point"
            )
        return data


class SemanticSearchForm(forms.Form):
    """The reviewers' search by meaning: a query in Kazakh (either script) or Russian, and
    the draft version whose proposals are searched."""

    q = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        max_length=1000,
        help_text=_(
            "Describe the subject in your own words, in Kazakh or Russian: proposals with the "
            "same meaning are found in both languages, even without the same words."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    version = forms.TypedChoiceField(label=_("Document and version"), coerce=int)

    def __init__(self, *args: Any, versions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v.pk, f"{v.document} · {v.label}") for v in versions]
        if versions and not self.is_bound:
            self.initial.setdefault("version", versions[0].pk)
        self.fields["q"].widget.attrs["aria-describedby"] = "id_q_helptext"
