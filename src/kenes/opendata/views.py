"""``/open-data/``: the list of published open-data packages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kenes.opendata import selectors


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {"packages": selectors.packages(), "licence": selectors.licence()},
    )
