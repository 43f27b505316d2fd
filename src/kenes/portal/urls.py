from django.urls import path

from kenes.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("draft/<slug:slug>/<slug:label>/", views.draft_toc, name="draft-toc"),
    path("draft/<slug:slug>/<slug:label>/search", views.draft_search, name="draft-search"),
    path("draft/<slug:slug>/<slug:label>/article/<str:number>", views.draft_article,
         name="draft-article"),
    path("compare/", views.compare_choose, name="compare-choose"),
    path("compare/<slug:slug_a>/<slug:label_a>/<slug:slug_b>/<slug:label_b>/", views.compare,
         name="compare"),
    path("healthz", views.healthz, name="healthz"),
]
