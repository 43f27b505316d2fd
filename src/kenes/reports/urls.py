from django.urls import path

from kenes.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.builds, name="builds"),
    path("<int:pk>/status", views.build_status, name="build-status"),
    path("<int:pk>/download", views.build_download, name="build-download"),
    path("handouts/", views.handouts, name="handouts"),
    path("handouts/<int:version_id>/", views.handouts, name="handouts-version"),
    path("notes/<int:article_id>/<str:lang>/", views.note_edit, name="note-edit"),
]
