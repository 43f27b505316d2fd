import os
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kenes.ledger import signing
from kenes.ledger.audit import ledger_audit
from kenes.ledger.services import (
    FULL_SCAN_SECONDS,
    SEQUENCER_LEADER_LOCK_ID,
    ledger_sequence,
    sequence_floor,
)

ACTIONS = [
    "sequence",
    "audit",
    "export",
    "key",
    "add-witness",
    "witnesses",
    "deactivate-witness",
    "activate-witness",
    "demo-witnesses",
    "cosign",
]


class Command(BaseCommand):
    help = (
        "Operate the public ledger: `sequence` (once, or --loop every second), `audit` "
        "(recompute and compare), `export DIR` (static C2SP tlog-tiles copy), `key`, "
        "`add-witness NAME VKEY [--organisation ORG]` (register a witness's cosignature "
        "key, from `kenes witness keygen`), `witnesses` (list), `deactivate-witness NAME`, "
        "`activate-witness NAME`, `demo-witnesses` (two witness keys under "
        "KENES_DATA_DIR/witnesses, registered), `cosign` (run those witnesses' round now)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument(
            "operands",
            nargs="*",
            metavar="ARG",
            help="export: DIR; add-witness: NAME VKEY; (de)activate: NAME",
        )
        parser.add_argument("--loop", action="store_true", help="sequence every --interval s")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--organisation", default="", help="add-witness: the organisation running the witness"
        )

    def _operands(self, options: dict[str, Any], count: int, usage: str) -> list[str]:
        operands = [str(o) for o in options["operands"]]
        if len(operands) != count:
            raise CommandError(f"usage: kenes ledger {usage}")
        return operands

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "key":
            self.stdout.write(signing.vkey())
        elif action == "sequence":
            signing.allow_signing()  # the sequencer is the one process that signs
            if options["loop"]:
                self._sequence_loop(options["interval"])
            else:
                checkpoint = ledger_sequence()
                if checkpoint is not None:
                    self.stdout.write(f"checkpoint {checkpoint.size}")
        elif action == "audit":
            report = ledger_audit()
            self.stdout.write(
                f"{report.leaves} leaves, {report.checkpoints} checkpoints, "
                f"{report.pending} entries waiting to be sequenced"
            )
            for note in report.notes:
                self.stdout.write(f"NOTE: {note}")
            for problem in report.problems:
                self.stdout.write(f"PROBLEM: {problem}")
            if not report.ok:
                raise CommandError(f"the ledger diverges: {len(report.problems)} problem(s)")
            self.stdout.write("The ledger is consistent.")
        elif action == "export":
            if not options["operands"]:
                raise CommandError("give the directory to export into")
            from kenes.ledger.export import export_log

            directory = Path(options["operands"][0])
            size = export_log(directory)
            self.stdout.write(f"Exported {size} leaves to {directory}")
        elif action in ("demo-witnesses", "cosign"):
            from kenes.ledger import local_witness
            from kenes.ledger.merkle.witness import WitnessAlarm

            if action == "demo-witnesses":
                for witness in local_witness.demo_witnesses_ensure():
                    self.stdout.write(f"{witness.name} {witness.vkey}")
                return
            try:
                for message in local_witness.cosign_local():
                    self.stdout.write(message)
            except WitnessAlarm as exc:
                raise CommandError(f"ALARM: {exc}") from exc
        else:
            self._witness_action(action, options)

    def _sequence_loop(self, interval: float) -> None:
        """Sequence every ``interval`` seconds as the single leader (docs/operations.md).

        On PostgreSQL each looping sequencer first takes a session advisory lock: one holds
        it and sequences, the others wait as standbys and try again every interval. When the
        leader dies its connection closes, PostgreSQL frees the lock and a standby takes over.
        """
        leader = connection.vendor != "postgresql"
        announced = False
        floor: int | None = None
        scanned_at = 0.0
        while True:
            if not leader:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [SEQUENCER_LEADER_LOCK_ID])
                    leader = bool(cursor.fetchone()[0])
                if not leader and not announced:
                    self.stdout.write(f"standby (pid {os.getpid()})")
                    self.stdout.flush()
                    announced = True
                if leader:
                    self.stdout.write(f"leader (pid {os.getpid()})")
                    self.stdout.flush()
            if leader:
                # A full scan first and every FULL_SCAN_SECONDS; in between only the entries
                # from the floor on (kenes.ledger.services.sequence_floor).
                now = time.monotonic()
                full = floor is None or now - scanned_at >= FULL_SCAN_SECONDS
                checkpoint = ledger_sequence(since=None if full else floor)
                if full:
                    scanned_at = now
                if checkpoint is not None or floor is None:
                    floor = sequence_floor()  # moves only when leaves were placed
                if checkpoint is not None:
                    self.stdout.write(f"checkpoint {checkpoint.size}")
                    self.stdout.flush()
            time.sleep(interval)

    def _witness_action(self, action: str, options: dict[str, Any]) -> None:
        from kenes.ledger import witnesses

        try:
            if action == "add-witness":
                name, vkey = self._operands(
                    options, 2, "add-witness NAME VKEY [--organisation ORG]"
                )
                witness = witnesses.witness_add(
                    actor=None, name=name, vkey=vkey, organisation=options["organisation"]
                )
                self.stdout.write(
                    f"Registered witness {witness.name}"
                    + (f" ({witness.organisation})" if witness.organisation else "")
                )
            elif action == "witnesses":
                from kenes.ledger.models import Witness

                for w in Witness.objects.order_by("name"):
                    state = "active" if w.active else "inactive"
                    self.stdout.write(f"{w.name}\t{state}\t{w.organisation}\t{w.vkey}")
            else:
                (name,) = self._operands(options, 1, f"{action} NAME")
                witness = witnesses.witness_set_active(
                    actor=None, name=name, active=action == "activate-witness"
                )
                self.stdout.write(
                    f"{witness.name} is now {'active' if witness.active else 'inactive'}"
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
