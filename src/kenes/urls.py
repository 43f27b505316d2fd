"""Top-level URLs: the public portal, the JSON API and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from kenes.api.urls import api
from kenes.core.security import media, secure_admin_site
from kenes.portal import staff_views

secure_admin_site(admin.site)

admin.site.site_header = "Kenes"
admin.site.site_title = "Kenes"

urlpatterns = [
    # Exempt from CSRF (the worst a forged post does is switch the language) so that no
    # public page carries a token and anonymous pages can be cached (kenes.core.public).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Staff sign in on the portal's page; the admin's own login address sends visitors there
    # (its POST, and every request with KENES_STAFF_OTP, stays the admin's TOTP-aware form).
    path("staff/", include("kenes.portal.staff_urls")),
    path("admin/login/", staff_views.admin_login),
    path("admin/logout/", staff_views.StaffLogoutView.as_view()),
    path("admin/", admin.site.urls),
    path("favicon.ico", staff_views.favicon),
    path("api/", api.urls),
    path("review/", include("kenes.review.urls")),
    path("review/", include("kenes.insights.urls")),
    path("insights/", RedirectView.as_view(pattern_name="insights:campaigns", permanent=False)),
    path("ledger/", include("kenes.portal.ledger_urls")),
    path("outreach/", include("kenes.outreach.urls")),
    path("talk/", include("kenes.deliberation.urls")),
    path("changes/", include("kenes.changes.urls")),
    path("comments/", include("kenes.comments.urls")),
    path("open-data/", include("kenes.opendata.urls")),
    path("reports/", include("kenes.reports.urls")),
    path("", include("kenes.accountability.urls")),
    path("", include("kenes.portal.urls")),
]

if settings.KENES_SERVE_MEDIA:
    # Uploads (logos, meeting photos) are served by Django in the documented set-up; a proxy
    # may serve $KENES_DATA_DIR/media itself instead (KENES_SERVE_MEDIA=0).
    media_pattern = re_path(r"^" + settings.MEDIA_URL.lstrip("/") + r"(?P<path>.*)$", media)
    urlpatterns = [media_pattern, *urlpatterns]
handler403 = "kenes.portal.staff_views.forbidden"
handler404 = "kenes.portal.staff_views.not_found"
handler500 = "kenes.portal.staff_views.server_error"
