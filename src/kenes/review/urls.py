from django.urls import path

from kenes.insights import views as insights_views
from kenes.review import moderation_views, views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.proposal, name="proposal"),
    path("moderation/", moderation_views.queue, name="moderation"),
    path("moderation/log.csv", moderation_views.log_csv, name="moderation-log"),
    path("<int:pk>/start", views.proposal_start, name="proposal-start"),
    path("<int:pk>/merge", views.proposal_merge, name="proposal-merge"),
    # Review by cluster (kenes.insights).
    path("<int:pk>/analysis", insights_views.proposal_analysis, name="proposal-analysis"),
    path("<int:pk>/links", insights_views.proposal_links, name="proposal-links"),
    path("campaigns/", insights_views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", insights_views.campaign, name="campaign"),
    path(
        "campaigns/<int:pk>/remove", insights_views.campaign_member_remove, name="campaign-remove"
    ),
    path("themes/", insights_views.themes, name="themes"),
    path("themes/<int:pk>/", insights_views.theme, name="theme"),
    path("themes/<int:pk>/remove", insights_views.theme_member_remove, name="theme-remove"),
]
