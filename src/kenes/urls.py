"""Top-level URLs: the public portal, the JSON API and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kenes.api.urls import api

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
    path("talk/", include("kenes.deliberation.urls")),
    path("", include("kenes.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
handler404 = "kenes.portal.views.not_found"
