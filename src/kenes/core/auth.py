"""Staff sign-in: Django's password check behind django-axes' lockout.

One backend (so ``login()`` needs no ``backend=`` argument): for a sign-in with a request,
django-axes first refuses an account locked for this client (too many wrong passwords), then
the usual password check runs. Sign-ins without a request (management commands, the test
client's ``login``) skip the lockout check; their failures still reach axes through Django's
``user_login_failed`` signal.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend, ModelBackend):  # type: ignore[misc]
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is not None:
            # Raises AxesBackendPermissionDenied when the account is locked for this client.
            AxesStandaloneBackend.authenticate(
                self, request, username=username, password=password, **kwargs
            )
        return ModelBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )
