"""The project's URLs plus two that fail, to see the error pages (tests/portal/test_staff_pages)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from kenes.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/403/", _forbidden), path("boom/500/", _broken), *urlpatterns]
