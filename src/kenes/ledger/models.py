"""Storage of the public ledger. Entries and leaves are insert-only: database triggers refuse
UPDATE and DELETE (see migration 0002), so rewriting history needs an operator to drop them —
which ``kenes ledger audit``, witnesses and verifiers then detect.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """An event appended by a service in the same transaction as the change it records."""

    kind = models.CharField(_("kind"), max_length=40)
    code = models.CharField(_("receipt code"), max_length=16, db_index=True)
    data = models.TextField(_("canonical JSON"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"


class Leaf(models.Model):
    """An entry placed in the Merkle tree at ``index`` by the sequencer."""

    index = models.BigIntegerField(_("leaf index"), primary_key=True)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="leaf")
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)

    class Meta:
        verbose_name = _("leaf")
        verbose_name_plural = _("leaves")
        ordering = ["index"]

    def __str__(self) -> str:
        return str(self.index)


class Checkpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint as a signed note)."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class Witness(models.Model):
    """A coalition organisation's witness key; its cosignatures are stored with checkpoints."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    vkey = models.TextField(_("verifier key"))
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    signature_line = models.TextField(_("signature line"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="one_cosignature_per_witness"
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint}"
