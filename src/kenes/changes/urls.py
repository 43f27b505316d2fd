from django.urls import path

from kenes.changes import views

app_name = "changes"

urlpatterns = [
    path("<slug:slug>/<slug:label>/", views.confirm, name="confirm"),
]
