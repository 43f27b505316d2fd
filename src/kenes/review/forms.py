"""Forms of the review screens: queue filters, bulk actions, answer, merge.

Forms only parse and check input; the views hand the cleaned values to the review services.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kenes.accounts.models import User
from kenes.drafts.models import Article, Point, Version
from kenes.geo.regions import Region
from kenes.proposals.models import Channel, Language, Proposal, ProposalState
from kenes.review import selectors
from kenes.review.models import Decision
from kenes.review.services import reason_errors

# The query-string keys that make up a queue (kept in links from the queue to a proposal and
# back, and in the redirect to the next proposal after an answer).
FILTER_KEYS = (
    "q",
    "state",
    "version",
    "article",
    "region",
    "language",
    "channel",
    "assignee",
    "date_from",
    "date_to",
)


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def reason_field(lang: str, rows: int = 4) -> forms.CharField:
    """The reason of an answer in ``lang`` (kk or ru), a text area."""
    return forms.CharField(
        label=_("Reason in Kazakh") if lang == "kk" else _("Reason in Russian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": rows, "lang": lang}),
    )


class IdListField(forms.Field):
    """A list of proposal ids from repeated inputs (``ids=1&ids=2``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return list(dict.fromkeys(int(v) for v in values))
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Invalid selection."), code="invalid") from exc


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            (selectors.STATE_OPEN, _("open (received or in review)")),
            (selectors.STATE_ALL, _("all states")),
            *ProposalState.choices,
        ],
    )
    version = forms.TypedChoiceField(
        label=_("Document and version"), required=False, coerce=int, empty_value=None
    )
    article = forms.CharField(
        label=_("Article number"),
        max_length=12,
        required=False,
        help_text=_("“-” for proposals on the whole draft"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("any region")), *Region.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("any language")), *Language.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("any channel")), *Channel.choices]
    )
    assignee = forms.ChoiceField(label=_("Reviewer"), required=False)
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self, *args: Any, versions: list[Version], reviewers: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "version").choices = [
            ("", _("any version")),
            *((v.pk, f"{v.document} · {v.label}") for v in versions),
        ]
        _choice(self, "assignee").choices = [
            ("", _("anyone or nobody")),
            (selectors.ASSIGNEE_MINE, _("assigned to me")),
            (selectors.ASSIGNEE_NONE, _("unassigned")),
            *((str(u.pk), u.get_username()) for u in reviewers),
        ]

    def filters(self) -> selectors.QueueFilters:
        """Return the valid filters (an invalid field is ignored, and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.QueueFilters(
            version_id=data.get("version"),
            article=(data.get("article") or "").strip(),
            state=data.get("state") or selectors.STATE_OPEN,
            region=data.get("region") or "",
            language=data.get("language") or "",
            channel=data.get("channel") or "",
            assignee=data.get("assignee") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=data.get("q") or "",
        )

    def has_more_filters(self) -> bool:
        """Tell whether a filter other than the search and the state is in use."""
        return any(self.data.get(k) for k in FILTER_KEYS if k not in ("q", "state"))


ASSIGN = "assign"
ROUND_ROBIN = "round_robin"
ANSWER = "answer"


class BulkForm(forms.Form):
    """One of three actions on the proposals ticked in the queue."""

    ids = IdListField(required=False)
    # "Select all on page" works without JavaScript: the page's ids travel in page_ids.
    select_page = forms.BooleanField(required=False)
    page_ids = IdListField(required=False)
    action = forms.ChoiceField(
        choices=[(ASSIGN, ASSIGN), (ROUND_ROBIN, ROUND_ROBIN), (ANSWER, ANSWER)]
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    reviewers = forms.MultipleChoiceField(
        label=_("Share in turn among"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", "—"), *Decision.choices]
    )
    reason_kk = reason_field("kk", rows=3)
    reason_ru = reason_field("ru", rows=3)

    # Set on the confirmation step: the number of proposals the person agreed to change.
    confirmed = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, reviewers: list[User], **kwargs: Any) -> None:
        # The queue's filter form has an "assignee" too: keep the element ids apart.
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        self.reviewer_by_id = {str(u.pk): u for u in reviewers}
        people = [(str(u.pk), u.get_username()) for u in reviewers]
        _choice(self, "assignee").choices = [
            ("", "—"),
            (selectors.ASSIGNEE_NONE, _("nobody (take back)")),
            *people,
        ]
        _choice(self, "reviewers").choices = people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        selected = data.get("page_ids") if data.get("select_page") else data.get("ids")
        if not selected:
            raise forms.ValidationError(_("Tick at least one proposal first."))
        data["selected"] = selected
        action = data.get("action")
        if action == ASSIGN:
            if not data.get("assignee"):
                self.add_error("assignee", _("Choose whom to assign the proposals to."))
            else:
                data["assignee_user"] = self.reviewer_by_id.get(data["assignee"])
        elif action == ROUND_ROBIN:
            chosen = [self.reviewer_by_id[pk] for pk in data.get("reviewers") or []]
            if not chosen:
                self.add_error("reviewers", _("Choose at least one reviewer."))
            data["reviewer_users"] = chosen
        elif action == ANSWER:
            if not data.get("decision"):
                self.add_error("decision", _("Choose a decision."))
            languages = selectors.proposal_languages(selected)
            for name, errors in reason_errors(
                languages=languages,
                reason_kk=data.get("reason_kk") or "",
                reason_ru=data.get("reason_ru") or "",
            ).items():
                self.add_error(name, errors)
        return data


class ReasonedAnswerForm(forms.Form):
    """A decision with its reason in each language: the fields every answer form shares."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason_kk = reason_field("kk")
    reason_ru = reason_field("ru")

    def add_reason_errors(
        self, data: dict[str, Any], *, languages: Iterable[str], both: bool = False
    ) -> None:
        """Put the reasons' errors (a required language missing, ...) on their fields."""
        for name, errors in reason_errors(
            languages=languages,
            reason_kk=data.get("reason_kk") or "",
            reason_ru=data.get("reason_ru") or "",
            both=both,
        ).items():
            self.add_error(name, errors)


def clean_article_point(
    form: forms.Form, *, version_id: int, article_field: str, point_field: str
) -> tuple[Article | None, Point | None]:
    """Find the article and point that ``form`` names by number, with an error on each miss."""
    data = form.cleaned_data
    number = (data.get(article_field) or "").strip()
    point_number = (data.get(point_field) or "").strip()
    article = point = None
    if number:
        article = selectors.article_in_version(version_id, number)
        if article is None:
            form.add_error(
                article_field,
                _("There is no article %(number)s in this draft.") % {"number": number},
            )
    if point_number:
        if not number:
            form.add_error(point_field, _("A point needs its article."))
        elif article is not None:
            point = selectors.point_in_article(article, point_number)
            if point is None:
                form.add_error(
                    point_field,
                    _("Article %(article)s has no point %(point)s.")
                    % {"article": number, "point": point_number},
                )
    return article, point


class AnswerForm(ReasonedAnswerForm):
    changed_article = forms.CharField(
        label=_("Changed article (number)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    changed_point = forms.CharField(
        label=_("Changed point (number)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        # The reason in the proposal's language is required, the other one optional.
        own = f"reason_{proposal.language}"
        for name in ("reason_kk", "reason_ru"):
            field = self.fields[name]
            if name == own:
                field.label = _("%(label)s (required: the proposal's language)") % {
                    "label": field.label
                }
                field.widget.attrs["aria-required"] = "true"
            elif proposal.language in ("kk", "ru"):
                field.label = _("%(label)s (optional)") % {"label": field.label}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.add_reason_errors(data, languages=[self.proposal.language])
        article, point = clean_article_point(
            self,
            version_id=self.proposal.version_id,
            article_field="changed_article",
            point_field="changed_point",
        )
        data["article_obj"], data["point_obj"] = article, point
        return data


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Receipt code of the proposal to merge into"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "KNS-XXXX-XXXX"}
        ),
    )

    def clean_into(self) -> Proposal:
        target = selectors.proposal_by_code(self.cleaned_data["into"])
        if target is None:
            raise forms.ValidationError(_("No proposal has this receipt code."))
        return target
