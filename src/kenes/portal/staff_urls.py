"""Staff pages of the portal: sign-in, sign-out and the draft upload (mounted at /staff/)."""

from django.urls import path

from kenes.portal import staff_views

app_name = "staff"

urlpatterns = [
    path("login/", staff_views.StaffLoginView.as_view(), name="login"),
    path("logout/", staff_views.StaffLogoutView.as_view(), name="logout"),
    path("drafts/upload/", staff_views.draft_upload, name="draft-upload"),
    path("drafts/publish/", staff_views.draft_publish, name="draft-publish"),
]
