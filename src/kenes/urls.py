"""Top-level URLs: the public portal, the JSON API and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kenes.api.urls import api
from kenes.portal import staff_views

admin.site.site_header = "Kenes"
admin.site.site_title = "Kenes"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff sign in on the portal's page; the admin's own login page sends them there.
    path("staff/", include("kenes.portal.staff_urls")),
    path("admin/login/", RedirectView.as_view(pattern_name="staff:login", query_string=True)),
    path("admin/logout/", staff_views.StaffLogoutView.as_view()),
    path("admin/", admin.site.urls),
    path("favicon.ico", staff_views.favicon),
    path("api/", api.urls),
    path("review/", include("kenes.review.urls")),
    path("review/", include("kenes.insights.urls")),
    path("insights/", RedirectView.as_view(pattern_name="insights:campaigns", permanent=False)),
    path("ledger/", include("kenes.portal.ledger_urls")),
    path("outreach/", include("kenes.outreach.urls")),
    path("changes/", include("kenes.changes.urls")),
    path("comments/", include("kenes.comments.urls")),
    path("open-data/", include("kenes.opendata.urls")),
    path("reports/", include("kenes.reports.urls")),
    path("", include("kenes.accountability.urls")),
    path("", include("kenes.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
handler403 = "kenes.portal.staff_views.forbidden"
handler404 = "kenes.portal.staff_views.not_found"
handler500 = "kenes.portal.staff_views.server_error"
