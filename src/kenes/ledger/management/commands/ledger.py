import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.ledger import signing
from kenes.ledger.audit import ledger_audit
from kenes.ledger.services import ledger_sequence


class Command(BaseCommand):
    help = ("Operate the public ledger: `sequence` (once, or --loop every second), `audit` "
            "(recompute and compare), `export DIR` (static C2SP tlog-tiles copy), `key`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sequence", "audit", "export", "key"])
        parser.add_argument("directory", nargs="?", type=Path)
        parser.add_argument("--loop", action="store_true", help="sequence every --interval s")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "key":
            self.stdout.write(signing.vkey())
        elif action == "sequence":
            while True:
                checkpoint = ledger_sequence()
                if checkpoint is not None:
                    self.stdout.write(f"checkpoint {checkpoint.size}")
                if not options["loop"]:
                    break
                time.sleep(options["interval"])
        elif action == "audit":
            report = ledger_audit()
            self.stdout.write(f"{report.leaves} leaves, {report.checkpoints} checkpoints, "
                              f"{report.pending} entries waiting to be sequenced")
            for problem in report.problems:
                self.stdout.write(f"PROBLEM: {problem}")
            if not report.ok:
                raise CommandError(f"the ledger diverges: {len(report.problems)} problem(s)")
            self.stdout.write("The ledger is consistent.")
        elif action == "export":
            if options["directory"] is None:
                raise CommandError("give the directory to export into")
            from kenes.ledger.export import export_log

            size = export_log(options["directory"])
            self.stdout.write(f"Exported {size} leaves to {options['directory']}")
