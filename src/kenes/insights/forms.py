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
