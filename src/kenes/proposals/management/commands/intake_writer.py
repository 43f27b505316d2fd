"""``kenes intake-writer``: the API intake's group-commit writer as a process of its own."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.proposals.writer import WriterServer


class Command(BaseCommand):
    help = (
        "Write the API's submissions for every web process of this host, in group commits, "
        "listening on a Unix socket (--socket, default KENES_INTAKE_WRITER_SOCKET). The web "
        "processes use it when KENES_INTAKE_WRITER_SOCKET names the same path; while it is not "
        "running they write by themselves. Stops on SIGTERM after writing what is queued."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--socket", default="", help="the Unix socket's path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["socket"] or settings.KENES_INTAKE_WRITER_SOCKET
        if not path:
            raise CommandError("give --socket PATH or set KENES_INTAKE_WRITER_SOCKET")
        if not settings.KENES_INTAKE_GROUP_COMMIT:
            raise CommandError("KENES_INTAKE_GROUP_COMMIT is off: there is nothing to write")
        sys.setswitchinterval(0.001)
        server = WriterServer(path)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: server.stop())
        self.stdout.write(f"intake writer listening on {path}")
        self.stdout.flush()
        server.serve()
        self.stdout.write(
            f"intake writer stopped after {server.answered} answers"
            f" ({server.batcher.written} submissions written in {server.batcher.batches} batches)"
        )
