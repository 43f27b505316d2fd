from django.urls import path

from kenes.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("build", views.build, name="build"),
]
