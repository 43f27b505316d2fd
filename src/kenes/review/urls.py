app_name = "review"

urlpatterns: list[object] = []  # the review screens (queue, proposal, bulk answer)
