"""Make every API error a documented one: the same body shape and the same status codes for
bad input everywhere, in the request's language.

- ninja's own validation errors (a query parameter of the wrong type, a malformed JSON body)
  answer 422 with ``{"detail": "...", "errors": {"field": ["..."]}}`` like the endpoints' own
  errors, instead of ninja's list of English messages;
- every operation documents 400 (bad input such as a NUL character, kenes.core.middleware),
  422 (validation) and 429 (rate limits, kenes.core.ratelimit), so a client — and the
  schemathesis run in tests/security/test_api_fuzz.py — finds every answer in the schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from kenes.core.validation import translated_field_errors

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}
COMMON_ERRORS = {
    "400": "Bad input (e.g. a NUL character); nothing was done.",
    "403": "Not allowed for this caller.",
    "404": "No such document, version, proposal, receipt or ledger entry.",
    "422": "A field is missing or has the wrong type or value.",
    "429": "Too many requests: wait the seconds given in Retry-After.",
}


def _field_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    return translated_field_errors(exc.errors, skip=("body", "query", "path"))


def harden(api: NinjaAPI) -> NinjaAPI:
    """Install the validation-error handler and document the common errors on ``api``."""

    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("Correct the fields listed."), "errors": _field_errors(exc)},
            status=422,
        )

    api.add_exception_handler(NinjaValidationError, on_validation_error)  # type: ignore[arg-type]
    plain_schema = api.get_openapi_schema

    def get_openapi_schema(**kwargs: Any) -> Any:
        schema = plain_schema(**kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                security = operation.get("security")
                if security and {} not in security:
                    # Every token is optional: without one a request is anonymous (public).
                    operation["security"] = [{}, *security]
                responses = operation["responses"]
                for status, description in COMMON_ERRORS.items():
                    if status in responses or int(status) in responses:
                        continue  # ninja keys its own by int: never two keys for one code
                    responses[int(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    }
        return schema

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]
    return api
