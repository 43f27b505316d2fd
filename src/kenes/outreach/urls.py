from django.urls import path

from kenes.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("coalition/", views.members, name="members"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.csv", views.coverage_csv, name="coverage-csv"),
    path("manage/", views.manage, name="manage"),
    path("manage/plan/", views.plan, name="plan"),
    path("manage/<int:pk>/", views.manage_meeting, name="manage-meeting"),
    path("manage/<int:pk>/template.<str:fmt>", views.paper_template, name="template"),
    path("offline/", views.offline, name="offline"),
    path("offline/sw.js", views.service_worker, name="offline-sw"),
    path("offline/manifest.webmanifest", views.manifest, name="offline-manifest"),
    path("offline/sync", views.offline_sync, name="offline-sync"),
]
