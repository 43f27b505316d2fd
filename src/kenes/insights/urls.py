"""Review by cluster, mounted beside the review screens (/review/campaigns/, /review/themes/)."""

from django.urls import path

from kenes.insights import views

app_name = "insights"

urlpatterns = [
    path("<int:pk>/analysis", views.proposal_analysis, name="proposal-analysis"),
    path("<int:pk>/links", views.proposal_links, name="proposal-links"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/remove", views.campaign_member_remove, name="campaign-remove"),
    path("themes/", views.themes, name="themes"),
    path("themes/<int:pk>/", views.theme, name="theme"),
    path("themes/<int:pk>/remove", views.theme_member_remove, name="theme-remove"),
    path("search/", views.semantic_search, name="search"),
]
