from django.urls import path

from kenes.portal import citizen_views, moderation_views, proposal_views, views

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
    path(
        "propose/<slug:slug>/<slug:label>/similar",
        proposal_views.propose_similar,
        name="propose-similar",
    ),
    path("receipt/<str:code>/", proposal_views.proposal_receipt, name="proposal-receipt"),
    path("track/", proposal_views.track, name="track"),
    path("track/<str:code>/", proposal_views.track_proposal, name="track-proposal"),
    path("proposals/", proposal_views.proposal_list, name="proposals"),
    path("moderation/policy/", moderation_views.policy, name="moderation-policy"),
    path("report/<str:code>/", moderation_views.report, name="report-proposal"),
    path("proposals/<str:code>/", proposal_views.proposal_public, name="proposal-public"),
    path(
        "proposals/on/<slug:slug>/<slug:label>/<str:number>",
        proposal_views.article_proposals,
        name="article-proposals",
    ),
    # Citizens: sign-in, my proposals, data rights (portal/citizen_views.py).
    path("signin/", citizen_views.signin, name="signin"),
    path("signin/code/", citizen_views.signin_code, name="signin-code"),
    path("signin/email/<str:token>/", citizen_views.signin_email, name="signin-email"),
    path("signin/egov/", citizen_views.signin_oidc, name="signin-oidc"),
    path("signin/egov/back/", citizen_views.signin_oidc_back, name="signin-oidc-back"),
    path("signout/", citizen_views.signout, name="signout"),
    path("my/", citizen_views.my, name="my"),
    path("my/iin/", citizen_views.my_iin, name="my-iin"),
    path("my/data.json", citizen_views.my_data, name="my-data"),
    path("my/delete/", citizen_views.my_delete, name="my-delete"),
    path(
        "my/consent/<int:pk>/withdraw/",
        citizen_views.my_consent_withdraw,
        name="my-consent-withdraw",
    ),
    path("privacy/", citizen_views.privacy, name="privacy"),
]
