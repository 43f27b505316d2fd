from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kenes import __version__


def kenes(request: HttpRequest) -> dict[str, Any]:
    """Expose the version to every template (shown in the footer)."""
    return {"KENES_VERSION": __version__}
