"""Validators and error shapes shared by every app."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pydantic
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


def field_errors(exc: ValidationError, default_field: str = "__all__") -> dict[str, list[str]]:
    """Map a ValidationError to ``{field: [messages]}``; errors without a field go under
    ``default_field``."""
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {default_field: list(exc.messages)}


def add_form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a service's ValidationError to a form: per field where the form has the field,
    to the whole form otherwise."""
    for name, messages in field_errors(exc).items():
        form.add_error(name if name in form.fields else None, messages)


def pydantic_field_errors(exc: pydantic.ValidationError) -> dict[str, list[str]]:
    """Translate pydantic's errors (English only) into per-field messages in our language;
    an error of the whole body (not JSON, not an object) goes under ``body``."""
    return translated_field_errors(exc.errors(include_url=False, include_input=False))


def translated_field_errors(
    errors: Iterable[Mapping[str, Any]], *, skip: tuple[str, ...] = ()
) -> dict[str, list[str]]:
    """Per-field messages in our language for pydantic-style errors (``loc``, ``type``); the
    parts of a location in ``skip`` (django-ninja's "body", "query", "path") are left out."""
    out: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(part) for part in err.get("loc") or () if part not in skip]
        field = loc[0] if loc else "body"
        kind = str(err.get("type", ""))
        if kind == "missing":
            message = _("This field is required.")
        elif kind == "extra_forbidden":
            message = _("Unknown field.")
        elif kind == "json_invalid":
            message = _("The body is not valid JSON.")
        elif kind == "model_type":
            field, message = "body", _("The body must be a JSON object.")
        else:
            message = _("This value has the wrong type.")
        if message not in out.setdefault(field, []):
            out[field].append(message)
    return out
