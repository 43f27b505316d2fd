"""The signed-in citizen of a request (kept in the session, apart from staff's ``request.user``)."""

from __future__ import annotations

from django.http import HttpRequest

from kenes.accounts.models import Citizen

SESSION_CITIZEN = "kenes_citizen"


def current_citizen(request: HttpRequest) -> Citizen | None:
    """Return the signed-in citizen, or None (also when the account was erased)."""
    cached: Citizen | bool | None = getattr(request, "_kenes_citizen", False)
    if not isinstance(cached, bool):
        return cached
    pk = request.session.get(SESSION_CITIZEN) if hasattr(request, "session") else None
    citizen = (
        Citizen.objects.filter(pk=pk, erased_at__isnull=True).first()
        if isinstance(pk, int)
        else None
    )
    if citizen is not None:
        request._kenes_citizen = citizen  # type: ignore[attr-defined]
    return citizen


def citizen_login(request: HttpRequest, citizen: Citizen) -> None:
    """Sign the citizen in: a fresh session key (no fixation), the citizen's id in it."""
    request.session.cycle_key()
    request.session[SESSION_CITIZEN] = citizen.pk
    request._kenes_citizen = citizen  # type: ignore[attr-defined]


def citizen_logout(request: HttpRequest) -> None:
    request.session.pop(SESSION_CITIZEN, None)
    request.session.cycle_key()
    request._kenes_citizen = None  # type: ignore[attr-defined]
