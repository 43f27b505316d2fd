"""Witnesses of the ledger (Django side): register their keys, record their cosignatures, and
serve the checkpoint with every active witness's cosignature line appended.

A witness is another organisation running ``kenes witness run`` (kenes.ledger.merkle.witness)
on its own machine. It checks that each new checkpoint extends the last one it saw and POSTs a
C2SP tlog-cosignature (Ed25519, type 0x04) to ``/api/ledger/cosign``; :func:`cosignature_record`
accepts it only from a registered, active witness, over a checkpoint the log signed and
stored, and only if it verifies.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kenes.core.actors import Actor
from kenes.core.models import AuditAction
from kenes.core.services import audit_record
from kenes.ledger import signing
from kenes.ledger.merkle import (
    CosignatureVerifier,
    MerkleError,
    open_checkpoint,
    open_note,
    parse_note,
    parse_verifier_key,
)
from kenes.ledger.models import Checkpoint, Cosignature, Witness

# A cosignature dated further in the future than this is refused (clock skew allowance).
MAX_FUTURE_SECONDS = 600


class CosignatureRejected(Exception):
    """A cosignature the log refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def witness_add(*, actor: Actor, name: str, vkey: str, organisation: str = "") -> Witness:
    """Register a witness's cosignature verifier key (type 0x04) under its key name.

    Raises ValidationError if the key is malformed, is not a cosignature key, is named
    differently from ``name``, or the name is taken.
    """
    try:
        verifier = parse_verifier_key(vkey.strip())
    except MerkleError as exc:
        raise ValidationError(f"not a valid verifier key: {exc}") from exc
    if not isinstance(verifier, CosignatureVerifier):
        raise ValidationError(
            "a witness key must be a cosignature key (type 0x04); make one "
            "with `kenes witness keygen NAME`"
        )
    if verifier.name != name:
        raise ValidationError(f"the key is named {verifier.name!r}, not {name!r}")
    try:
        with transaction.atomic():
            witness = Witness.objects.create(
                name=name, vkey=vkey.strip(), organisation=organisation.strip()
            )
            audit_record(
                actor=actor,
                action=AuditAction.LEDGER_WITNESS_ADD,
                target=witness,
                data={"organisation": witness.organisation},
            )
            return witness
    except IntegrityError as exc:
        raise ValidationError(f"a witness named {name!r} is already registered") from exc


@transaction.atomic
def witness_set_active(*, actor: Actor, name: str, active: bool) -> Witness:
    """Activate or deactivate a witness (its cosignatures stop being served when inactive)."""
    witness = Witness.objects.select_for_update().filter(name=name).first()
    if witness is None:
        raise ValidationError(f"no witness named {name!r}")
    witness.active = active
    witness.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_WITNESS_SET_ACTIVE,
        target=witness,
        data={"active": active},
    )
    return witness


def _verifier(witness: Witness) -> CosignatureVerifier:
    parsed = parse_verifier_key(witness.vkey)
    if not isinstance(parsed, CosignatureVerifier):
        raise CosignatureRejected(f"{witness.name}'s registered key is not a cosignature key")
    return CosignatureVerifier(
        parsed.name, parsed.public_key, max_future_seconds=MAX_FUTURE_SECONDS
    )


def cosignature_record(
    *, checkpoint_note: str, witness_name: str, signature_line: str
) -> tuple[Cosignature, bool]:
    """Verify and store a witness's cosignature; return ``(row, created)``.

    Raises :class:`CosignatureRejected` (403 for an unknown or inactive witness, 422 for a
    checkpoint the log did not sign or store, or a cosignature that does not verify).
    A second cosignature by the same witness on the same checkpoint keeps the first.
    """
    # A NUL cannot be in a witness's name (nor reach the database, which refuses it).
    witness = (
        Witness.objects.filter(name=witness_name).first() if "\x00" not in witness_name else None
    )
    if witness is None or not witness.active:
        raise CosignatureRejected(f"{witness_name!r} is not a registered, active witness", 403)
    try:
        body, note = open_checkpoint(checkpoint_note, [signing.verifier()], origin=signing.origin())
    except MerkleError as exc:
        raise CosignatureRejected(f"the checkpoint is not one this log signed: {exc}") from exc
    stored = Checkpoint.objects.filter(size=body.size).first()
    if (
        stored is None
        or bytes(stored.root_hash) != body.root_hash
        or parse_note(stored.note).text != note.text
    ):
        raise CosignatureRejected("the checkpoint is not one this log published")
    line = signature_line.strip()
    if "\n" in line or not line:
        raise CosignatureRejected("give exactly one signature line")
    try:
        cosigned = open_note(note.text + "\n" + line + "\n", [_verifier(witness)])
    except MerkleError as exc:
        raise CosignatureRejected(
            f"the cosignature does not verify with {witness.name}'s key: {exc}"
        ) from exc
    if len(cosigned.signatures) != 1:
        raise CosignatureRejected("the line is not a cosignature by this witness")
    with transaction.atomic():
        row, created = Cosignature.objects.get_or_create(
            checkpoint=stored, witness=witness, defaults={"signature_line": line}
        )
    return row, created


def cosigned_note(checkpoint: Checkpoint) -> str:
    """Return the checkpoint's signed note with every active witness's cosignature appended."""
    lines = (
        Cosignature.objects.filter(checkpoint=checkpoint, witness__active=True)
        .order_by("witness__name")
        .values_list("signature_line", flat=True)
    )
    return checkpoint.note + "".join(line + "\n" for line in lines)


def witnesses_public() -> list[dict[str, str]]:
    """Return the active witnesses' names, organisations and verifier keys."""
    return [
        {"name": w.name, "organisation": w.organisation, "vkey": w.vkey}
        for w in Witness.objects.filter(active=True).order_by("name")
    ]
