"""Forms of the staff pages (the draft upload)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


class DraftUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Draft file"),
        help_text=_("Kenes JSON (.json), Markdown (.md) or Word (.docx)."),
        error_messages={"required": _("Choose the draft file.")},
    )
    document = forms.CharField(
        label=_("Document"),
        max_length=80,
        help_text=_(
            "The document's short name in web addresses: small Latin letters, digits and "
            "hyphens. Choose an existing one to add a version to it."
        ),
        error_messages={"required": _("Enter the document's short name.")},
    )
    version = forms.CharField(
        label=_("Version label"),
        max_length=80,
        help_text=_("For example 2026 or draft-2: Latin letters, digits and hyphens."),
        error_messages={"required": _("Enter the version label.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=[("kk", _("Kazakh")), ("ru", _("Russian"))],
        widget=forms.RadioSelect,
        initial="kk",
    )
    replace = forms.BooleanField(
        label=_("Replace the text of this language if the version already has it"),
        required=False,
    )

    def clean_document(self) -> str:
        value = str(self.cleaned_data["document"]).strip().lower()
        if not SLUG_RE.match(value):
            raise ValidationError(
                _("Use small Latin letters, digits and hyphens only, e.g. constitution-2026.")
            )
        return value

    def clean_version(self) -> str:
        value = str(self.cleaned_data["version"]).strip()
        if not LABEL_RE.match(value):
            raise ValidationError(_("Use Latin letters, digits and hyphens only, e.g. draft-2."))
        return value
