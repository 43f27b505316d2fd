from django.urls import path, re_path

from kenes.accountability import views

app_name = "accountability"

urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("stats/<slug:slug>.csv", views.stats_csv, name="stats-csv"),
    path("account/<slug:slug>/<slug:label>/", views.account_version, name="version"),
    re_path(
        r"^account/(?P<slug>[-\w]+)/(?P<label>[-\w]+)\.(?P<fmt>csv|xlsx)$",
        views.account_export,
        name="export",
    ),
    path(
        "account/<slug:slug>/<slug:label>/article/<str:number>",
        views.account_article,
        name="article",
    ),
    path("ledger/", views.ledger, name="ledger"),
    path("about/", views.page, {"name": "about"}, name="about"),
    path("help/", views.page, {"name": "help"}, name="help"),
    path("privacy/", views.page, {"name": "privacy"}, name="privacy"),
]
