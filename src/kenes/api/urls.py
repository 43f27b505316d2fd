"""The JSON API: one router per domain, composed here. OpenAPI docs at /api/docs."""

from ninja import NinjaAPI

from kenes.api.hardening import harden
from kenes.deliberation.api import router as deliberation_router
from kenes.drafts.api import router as drafts_router
from kenes.ledger.api import router as ledger_router
from kenes.opendata.api import router as opendata_router
from kenes.proposals.api import router as proposals_router
from kenes.review.api import router as review_router

api = NinjaAPI(
    title="Kenes API",
    version="1",
    description="Drafts, proposals, answers and the public ledger of a Kenes consultation.",
    urls_namespace="api-1",
)
api.add_router("/drafts", drafts_router)
api.add_router("/proposals", proposals_router)
api.add_router("/proposals", review_router)
api.add_router("/ledger", ledger_router)
api.add_router("/deliberation", deliberation_router)
api.add_router("/opendata", opendata_router)
harden(api)
