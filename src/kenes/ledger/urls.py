app_name = "ledger"

urlpatterns: list[object] = []  # public pages of the ledger (verify a receipt in the browser)
