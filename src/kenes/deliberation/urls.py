from django.urls import path

from kenes.deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("<slug:slug>/", views.card, name="card"),
    path("<slug:slug>/vote", views.vote, name="vote"),
    path("<slug:slug>/statement", views.statement_submit, name="statement"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/projector/", views.projector, name="projector"),
    path("<slug:slug>/moderate/", views.moderate, name="moderate"),
]
