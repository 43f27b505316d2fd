"""Top-level URLs: the public portal, the JSON API and the staff admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from kenes.api.urls import api

admin.site.site_header = "Kenes"
admin.site.site_title = "Kenes"

urlpatterns = [
    # Exempt from CSRF (the worst a forged post does is switch the language) so that no
    # public page carries a token and anonymous pages can be cached (kenes.core.public).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("review/", include("kenes.review.urls")),
    path("review/", include("kenes.insights.urls")),
    path("insights/", RedirectView.as_view(pattern_name="insights:campaigns", permanent=False)),
    path("ledger/", include("kenes.portal.ledger_urls")),
    path("outreach/", include("kenes.outreach.urls")),
    path("", include("kenes.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
handler404 = "kenes.portal.views.not_found"
