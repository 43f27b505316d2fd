"""Forms of the cluster screens: answer a campaign or a theme, fix an article link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Article, Point
from kenes.review.models import Decision
from kenes.review.services import reason_errors


class ClusterAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason_kk = forms.CharField(
        label=_("Reason in Kazakh"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "kk"}),
    )
    reason_ru = forms.CharField(
        label=_("Reason in Russian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "ru"}),
    )
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
        for name, errors in reason_errors(
            languages=(),
            reason_kk=data.get("reason_kk") or "",
            reason_ru=data.get("reason_ru") or "",
            both=True,
        ).items():
            self.add_error(name, errors)
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
        number = (data.get("article") or "").strip()
        if not number:
            return data
        article = Article.objects.filter(version_id=self.version_id, number=number).first()
        if article is None:
            self.add_error(
                "article", _("There is no article %(number)s in this draft.") % {"number": number}
            )
            return data
        data["article_obj"] = article
        point_number = (data.get("point") or "").strip()
        data["point_obj"] = None
        if point_number:
            point = Point.objects.filter(article=article, number=point_number).first()
            if point is None:
                self.add_error(
                    "point",
                    _("Article %(article)s has no point %(point)s.")
                    % {"article": number, "point": point_number},
                )
            data["point_obj"] = point
        return data
