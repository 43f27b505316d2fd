"""Public pages of the ledger: verify a receipt in the browser (/ledger/verify/).

The page's script (static/ledger/verify.js) fetches the receipt's entries, the checkpoint and
the proofs from /api/ledger and checks them itself with WebCrypto, so a citizen need not trust
this server's word. Without JavaScript (or on request) the form is POSTed and the server runs
the same checks with the pure module kenes.ledger.merkle.receipt over its own database.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kenes.ledger import selectors, signing, witnesses
from kenes.ledger.merkle import ProofError
from kenes.ledger.merkle.errors import ReceiptError
from kenes.ledger.merkle.receipt import ReceiptInput, ReceiptReport, verify_receipt
from kenes.ledger.merkle.sources import LogEntry
from kenes.review.models import Decision

MAX_TEXT = 20000


class DatabaseLogSource:
    """The log as this server stores it, for the server-side check (same code as the CLI)."""

    description = "this server's database"

    def key(self) -> str:
        return signing.vkey()

    def checkpoint(self) -> str:
        latest = selectors.checkpoint_latest()
        if latest is None:
            raise ReceiptError("the ledger has no checkpoint yet")
        return witnesses.cosigned_note(latest)

    def entries(self, code: str, size: int) -> list[LogEntry]:
        return [LogEntry(e.index, e.kind, e.data) for e in selectors.entries_for_code(code)]

    def inclusion(self, index: int, size: int) -> list[bytes]:
        try:
            return selectors.proof_inclusion(index=index, size=size)
        except ValueError as exc:
            raise ProofError(str(exc)) from exc

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        try:
            return selectors.proof_consistency(size1=size1, size2=size2)
        except ValueError as exc:
            raise ProofError(str(exc)) from exc


def _answers(report: ReceiptReport) -> list[dict[str, object]]:
    labels = dict(Decision.choices)
    kk = (get_language() or "").startswith("kk")
    out: list[dict[str, object]] = []
    for a in report.answers:
        reason = (a.reason_kk or a.reason_ru) if kk else (a.reason_ru or a.reason_kk)
        out.append(
            {
                "index": a.index,
                "decision": str(labels.get(a.decision, a.decision)),
                "reason": reason,
                "included": a.included,
            }
        )
    return out


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Show the form; on POST, check the receipt on the server and show the result."""
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("code", "").strip()[:40]
    secret = data.get("secret", "").strip()[:40] if request.method == "POST" else ""
    text = data.get("text", "")[:MAX_TEXT] if request.method == "POST" else ""
    report = None
    if request.method == "POST" and code:
        report = verify_receipt(
            DatabaseLogSource(),
            ReceiptInput(code, secret or None, text or None),
            log_key=signing.vkey(),
        )
    return render(
        request,
        "ledger/verify.html",
        {
            "code": code,
            "text": text,
            "report": report,
            "answers": _answers(report) if report else [],
            "checks": report.checks if report else [],
            "vkey": signing.vkey(),
            "decision_labels": {value: str(label) for value, label in Decision.choices},
            "submitted": request.method == "POST",
        },
    )
