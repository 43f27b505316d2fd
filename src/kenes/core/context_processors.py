from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict

from kenes import __version__


def kenes(request: HttpRequest) -> dict[str, Any]:
    """Expose the version to every template (shown in the footer)."""
    return {"KENES_VERSION": __version__}


def script(request: HttpRequest) -> dict[str, Any]:
    """The reader's alphabet for Kazakh (``SCRIPT``) and the links that switch it.

    Each link is the same page with ``script=`` set and the other query parameters kept.
    """
    current = getattr(request, "kenes_script", "cyrl")
    urls = {}
    for name in ("latn", "cyrl"):
        query = QueryDict(mutable=True)
        query.update(request.GET)
        query.setlist("script", [name])
        urls[name] = f"{request.path}?{query.urlencode()}"
    return {"SCRIPT": current, "SCRIPT_LATN_URL": urls["latn"], "SCRIPT_CYRL_URL": urls["cyrl"]}
