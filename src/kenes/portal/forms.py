"""Forms of the public proposal pages: propose, track, and the filters of the public list.

The forms only carry and re-display what the visitor typed; the rules (length, known region,
contact with consent, existing article and point) live in ``proposals.services.proposal_submit``,
whose per-field messages are attached back to the fields here, so there is one source of truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kenes.geo.regions import Region
from kenes.proposals.models import TEXT_MAX, TEXT_MIN, AuthorKind, Channel, Language
from kenes.proposals.models import ProposalState as State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The web form offers the kinds a person or organisation can be; meetings come through staff.
WEB_AUTHOR_KINDS = [
    (k.value, k.label) for k in (AuthorKind.CITIZEN, AuthorKind.EXPERT, AuthorKind.ORGANISATION)
]

# Shown next to the checkbox and stored word for word (in the visitor's language) with the
# proposal as ``consent_text``.
CONSENT_TEXT = _(
    "I agree that my contact is kept, encrypted, only to tell me about the answer "
    "to this proposal. It is never published."
)

# Fields of the service whose errors are shown next to a field of the form.
SERVICE_FIELDS = (
    "text",
    "article",
    "point",
    "author_kind",
    "region",
    "contact",
    "consent",
    "language",
)


class ProposalForm(forms.Form):
    """A citizen's proposal. ``strip=False`` keeps the text exactly as typed on an error."""

    text = forms.CharField(required=False, strip=False, max_length=TEXT_MAX * 4)
    article = forms.CharField(required=False, max_length=12)
    point = forms.CharField(required=False, max_length=12)
    author_kind = forms.CharField(required=False, max_length=16)
    region = forms.CharField(required=False, max_length=2)
    contact = forms.CharField(required=False, max_length=200)
    consent = forms.BooleanField(required=False)
    language = forms.CharField(required=False, max_length=2)

    text_min = TEXT_MIN
    text_max = TEXT_MAX

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's own "at most N characters" message would not be in our words; the service
        # reports a too long text with its length instead.
        self.fields["text"].error_messages["max_length"] = _(
            "The proposal is too long: at most %(n)s characters."
        ) % {"n": TEXT_MAX}

    def value(self, name: str) -> Any:
        """Return what the visitor sent (or the initial value), for re-display."""
        return self[name].value() or ""

    def submit_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments of ``proposal_submit`` (without actor and version)."""
        data = self.cleaned_data
        contact = (data.get("contact") or "").strip()
        consent = bool(data.get("consent")) and bool(contact)
        return {
            "text": data.get("text") or "",
            "article_number": (data.get("article") or "").strip() or None,
            "point_number": (data.get("point") or "").strip() or None,
            "author_kind": data.get("author_kind") or AuthorKind.CITIZEN,
            "region": data.get("region") or "",
            "contact": contact,
            "consent": consent,
            "consent_text": str(CONSENT_TEXT) if consent else "",
            "language": data.get("language") or None,
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Attach the service's per-field messages to the fields (others to the whole form)."""
        for field, messages in exc.message_dict.items():
            target = field if field in SERVICE_FIELDS else None
            for message in messages:
                self.add_error(target, message)

    @property
    def author_kinds(self) -> list[tuple[str, StrOrPromise]]:
        return WEB_AUTHOR_KINDS

    @property
    def regions(self) -> list[tuple[str, StrOrPromise]]:
        return list(Region.choices)

    @property
    def languages(self) -> list[tuple[str, StrOrPromise]]:
        return list(Language.choices)

    @property
    def consent_text(self) -> str:
        return str(CONSENT_TEXT)


class TrackForm(forms.Form):
    code = forms.CharField(required=False, max_length=40)
    # Posted, never in a URL: the receipt secret proves who wrote the proposal.
    secret = forms.CharField(required=False, max_length=40)


def _choice(value: str, allowed: list[str]) -> str:
    return value if value in allowed else ""


class ListFilters:
    """The filters of ``/proposals/`` read from the query string; unknown values are ignored."""

    FIELDS = ("q", "version", "article", "state", "region", "language", "channel", "author_kind")

    def __init__(self, params: Any) -> None:
        self.q = (params.get("q") or "").strip()[:200]
        self.version = (params.get("version") or "").strip()[:130]
        self.article = (params.get("article") or "").strip()[:12]
        self.state = _choice(params.get("state") or "", State.values)
        self.region = _choice(params.get("region") or "", Region.values)
        self.language = _choice(params.get("language") or "", Language.values)
        self.channel = _choice(params.get("channel") or "", Channel.values)
        self.author_kind = _choice(params.get("author_kind") or "", AuthorKind.values)

    @property
    def any_detail(self) -> bool:
        """Is any filter other than the search words set? (The filter panel opens then.)"""
        return any(getattr(self, f) for f in self.FIELDS if f != "q")

    states = State.choices
    regions = Region.choices
    language_choices = Language.choices
    channels = Channel.choices
    author_kinds = AuthorKind.choices
