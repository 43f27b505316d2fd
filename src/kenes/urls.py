"""Top-level URLs: the public portal, the JSON API and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from kenes.api.urls import api
from kenes.core.security import media, secure_admin_site

secure_admin_site(admin.site)

admin.site.site_header = "Kenes"
admin.site.site_title = "Kenes"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("review/", include("kenes.review.urls")),
    path("ledger/", include("kenes.ledger.urls")),
    path("insights/", include("kenes.insights.urls")),
    path("outreach/", include("kenes.outreach.urls")),
    path("", include("kenes.portal.urls")),
]

if settings.KENES_SERVE_MEDIA:
    # Uploads (logos, meeting photos) are served by Django in the documented set-up; a proxy
    # may serve $KENES_DATA_DIR/media itself instead (KENES_SERVE_MEDIA=0).
    media_pattern = re_path(r"^" + settings.MEDIA_URL.lstrip("/") + r"(?P<path>.*)$", media)
    urlpatterns = [media_pattern, *urlpatterns]  # type: ignore[list-item]
handler404 = "kenes.portal.views.not_found"
