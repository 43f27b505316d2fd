from django.urls import path

from kenes.portal import proposal_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("draft/<slug:slug>/<slug:label>/", views.draft_toc, name="draft-toc"),
    path("draft/<slug:slug>/<slug:label>/search", views.draft_search, name="draft-search"),
    path(
        "draft/<slug:slug>/<slug:label>/article/<str:number>",
        views.draft_article,
        name="draft-article",
    ),
    path("compare/", views.compare_choose, name="compare-choose"),
    path(
        "compare/<slug:slug_a>/<slug:label_a>/<slug:slug_b>/<slug:label_b>/",
        views.compare,
        name="compare",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Proposals: propose, receipt, tracker, public list (portal/proposal_views.py).
    path("propose/", proposal_views.propose_choose, name="propose-choose"),
    path("propose/<slug:slug>/<slug:label>/", proposal_views.propose, name="propose"),
    path("receipt/<str:code>/", proposal_views.proposal_receipt, name="proposal-receipt"),
    path("track/", proposal_views.track, name="track"),
    path("track/<str:code>/", proposal_views.track_proposal, name="track-proposal"),
    path("proposals/", proposal_views.proposal_list, name="proposals"),
    path(
        "proposals/on/<slug:slug>/<slug:label>/<str:number>",
        proposal_views.article_proposals,
        name="article-proposals",
    ),
]
