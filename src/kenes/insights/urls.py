from django.urls import path
from django.views.generic import RedirectView

app_name = "insights"

# The cluster screens live with the review screens (/review/campaigns/, /review/themes/).
urlpatterns: list[object] = [
    path("", RedirectView.as_view(pattern_name="review:campaigns", permanent=False), name="index"),
]
