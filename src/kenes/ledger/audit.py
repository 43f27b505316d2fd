"""Recompute the whole ledger from the database and report every divergence (a monitor)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kenes.ledger import signing
from kenes.ledger.merkle import MerkleError, MerkleTree, hash_leaf, open_checkpoint
from kenes.ledger.models import Checkpoint, Entry, Leaf


@dataclass
class AuditReport:
    leaves: int = 0
    checkpoints: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_audit() -> AuditReport:
    """Check leaf hashes against entries, contiguity, and every checkpoint's root and signature."""
    report = AuditReport()
    tree = MerkleTree()
    seen_entries: set[int] = set()
    rows = Leaf.objects.order_by("index").values_list(
        "index", "leaf_hash", "entry_id", "entry__data"
    )
    for index, leaf_hash, entry_id, data in rows.iterator(chunk_size=10000):
        if index != tree.size:
            report.problems.append(f"leaf index {tree.size} is missing (next is {index})")
            while tree.size < index:  # keep positions aligned to report later leaves right
                tree.append(b"\0" * 32)
        if data is None:
            report.problems.append(f"leaf {index}: its entry {entry_id} is gone")
        elif hash_leaf(data.encode()) != bytes(leaf_hash):
            report.problems.append(
                f"leaf {index}: entry {entry_id} was changed after sequencing (hash differs)"
            )
        if entry_id in seen_entries:
            report.problems.append(f"leaf {index}: entry {entry_id} sequenced twice")
        seen_entries.add(entry_id)
        tree.append(bytes(leaf_hash))
    report.leaves = tree.size
    report.pending = Entry.objects.filter(leaf__isnull=True).count()
    verifier = signing.verifier()
    for cp in Checkpoint.objects.order_by("size"):
        report.checkpoints += 1
        try:
            body, _note = open_checkpoint(cp.note, [verifier], origin=signing.origin())
        except MerkleError as exc:
            report.problems.append(f"checkpoint {cp.size}: bad signature or format ({exc})")
            continue
        if body.size != cp.size or body.root_hash != bytes(cp.root_hash):
            report.problems.append(f"checkpoint {cp.size}: stored fields differ from its note")
        if body.size > tree.size:
            report.problems.append(f"checkpoint {cp.size}: the log has only {tree.size} leaves")
        elif tree.root(body.size) != body.root_hash:
            report.problems.append(
                f"checkpoint {cp.size}: root differs from the recomputed "
                "tree (history was rewritten)"
            )
    _application_checks(report)
    return report


def _application_checks(report: AuditReport) -> None:
    """Run each app's check of its tables against the log.

    An app takes part by naming ``ledger_audit = "module:function"`` on its AppConfig (like
    ``demo_seed``), so the ledger imports no app above it.
    """
    from django.apps import apps
    from django.utils.module_loading import import_string

    for config in apps.get_app_configs():
        target = getattr(config, "ledger_audit", None)
        if target:
            import_string(target.replace(":", "."))(report)
