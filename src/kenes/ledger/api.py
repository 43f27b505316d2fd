"""Publication of the ledger: checkpoint, key, proofs, leaves, and entries of a receipt."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Query

from kenes.ledger import selectors, signing, witnesses
from kenes.ledger.merkle.codes import normalize_code

router = Router(tags=["ledger"])


def _checkpoint_text() -> str:
    checkpoint = selectors.checkpoint_latest()
    if checkpoint is None:
        raise HttpError(404, "The ledger has no checkpoint yet.")
    return witnesses.cosigned_note(checkpoint)


@router.get("/checkpoint", url_name="ledger_checkpoint")
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note), as text.

    The log's signature comes first, followed by the cosignature lines (C2SP
    tlog-cosignature) of every active witness that has cosigned this checkpoint.
    """
    return HttpResponse(_checkpoint_text(), content_type="text/plain; charset=utf-8")


@router.get("/key", url_name="ledger_key")
def key(request: HttpRequest) -> HttpResponse:
    """The log's verifier key (C2SP vkey) to check checkpoint signatures with."""
    return HttpResponse(signing.vkey() + "\n", content_type="text/plain; charset=utf-8")


@router.get("/proof/inclusion", url_name="ledger_inclusion")
def inclusion(request: HttpRequest, index: int, size: int | None = None) -> dict[str, Any]:
    """Inclusion proof of leaf ``index`` in the tree of ``size`` (default: latest checkpoint)."""
    latest = selectors.checkpoint_latest()
    if latest is None:
        raise HttpError(404, "The ledger has no checkpoint yet.")
    size = latest.size if size is None else size
    cp = selectors.checkpoint_at(size)
    try:
        proof = selectors.proof_inclusion(index=index, size=size)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    from kenes.ledger.models import Leaf

    leaf = Leaf.objects.select_related("entry").get(index=index)
    return {
        "index": index,
        "size": size,
        "leaf": leaf.entry.data,
        "leaf_hash": bytes(leaf.leaf_hash).hex(),
        "proof": [h.hex() for h in proof],
        "checkpoint": cp.note if cp else None,
    }


@router.get("/proof/consistency", url_name="ledger_consistency")
def consistency(
    request: HttpRequest,
    first: int = Query(..., alias="from"),
    second: int = Query(..., alias="to"),
) -> dict[str, Any]:
    """Consistency proof between two tree sizes (both with checkpoints, ideally)."""
    try:
        proof = selectors.proof_consistency(size1=first, size2=second)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    old, new = selectors.checkpoint_at(first), selectors.checkpoint_at(second)
    return {
        "from": first,
        "to": second,
        "proof": [h.hex() for h in proof],
        "old_checkpoint": old.note if old else None,
        "new_checkpoint": new.note if new else None,
    }


@router.get("/leaves", url_name="ledger_leaves")
def leaves(request: HttpRequest, start: int = 0, limit: int = 100) -> dict[str, Any]:
    """Sequenced leaves from ``start`` (at most 1000 per page), as their canonical JSON."""
    if start < 0 or not 1 <= limit <= 1000:
        raise HttpError(422, "start must be >= 0 and limit between 1 and 1000")
    rows = selectors.leaves_page(start=start, limit=limit)
    return {"start": start, "leaves": [{"index": i, "data": d} for i, d in rows]}


@router.get("/receipt/{code}", url_name="ledger_receipt")
def receipt(request: HttpRequest, code: str) -> dict[str, Any]:
    """Every ledger entry about a receipt code, with leaf indexes once sequenced."""
    canonical = normalize_code(code)
    if canonical is None:
        raise HttpError(404, "Not a valid receipt code.")
    entries = selectors.entries_for_code(canonical)
    if not entries:
        raise HttpError(404, "No ledger entry for this receipt code.")
    return {
        "code": canonical,
        "entries": [{"index": e.index, "kind": e.kind, "data": e.data} for e in entries],
    }


class CosignIn(Schema):
    checkpoint: str
    witness: str
    signature: str


@router.post("/cosign", url_name="ledger_cosign")
def cosign(request: HttpRequest, payload: CosignIn) -> dict[str, Any]:
    """A registered witness submits its cosignature line for a checkpoint the log signed."""
    try:
        row, created = witnesses.cosignature_record(
            checkpoint_note=payload.checkpoint,
            witness_name=payload.witness,
            signature_line=payload.signature,
        )
    except witnesses.CosignatureRejected as exc:
        raise HttpError(exc.status, str(exc)) from exc
    return {"size": row.checkpoint.size, "witness": row.witness.name, "created": created}


@router.get("/witnesses", url_name="ledger_witnesses")
def witness_list(request: HttpRequest) -> dict[str, Any]:
    """The active witnesses, with the verifier keys their cosignatures verify with."""
    return {"witnesses": witnesses.witnesses_public()}
