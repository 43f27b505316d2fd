from django.urls import path

from kenes.portal import ledger_views as views

app_name = "ledger"

urlpatterns = [
    # Verify a receipt in the browser (WebCrypto), with a server-side fallback without JS.
    path("verify/", views.verify, name="verify"),
]
