"""Validators and error shapes shared by every app."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

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
