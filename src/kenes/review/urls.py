from django.urls import path

from kenes.review import moderation_views, views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.proposal, name="proposal"),
    path("moderation/", moderation_views.queue, name="moderation"),
    path("moderation/log.csv", moderation_views.log_csv, name="moderation-log"),
    path("undo", views.answers_undo, name="undo"),
    path("<int:pk>/start", views.proposal_start, name="proposal-start"),
    path("<int:pk>/merge", views.proposal_merge, name="proposal-merge"),
]
