from django.urls import path

from kenes.comments import views

app_name = "comments"

urlpatterns = [
    path("moderate/", views.moderate, name="moderate"),
    path("moderate/<int:pk>", views.moderate_one, name="moderate-one"),
    path(
        "<slug:slug>/<slug:label>/<str:number>/<str:point>/",
        views.point_comments,
        name="point",
    ),
]
