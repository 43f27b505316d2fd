from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kenes.drafts.models import Version
from kenes.reports.management.pdf_command import PdfCommand
from kenes.reports.services import report_build


class Command(PdfCommand):
    help = (
        "The commission's final report: `kenes report build --document D --version V "
        "--language kk|ru --out FILE.pdf` recomputes every figure from the database and writes "
        "a PDF/A."
    )

    def build(self, *, version: Version, language: str, out: Path, options: dict[str, Any]) -> str:
        started = time.monotonic()
        build = report_build(actor=None, version=version, language=language, out=out)
        return (
            f"wrote {out} ({build.size_bytes} bytes, sha256 {build.sha256}): "
            f"{build.n_proposals} proposals, ledger size {build.checkpoint_size}, "
            f"{time.monotonic() - started:.1f} s"
        )
