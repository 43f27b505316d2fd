from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from kenes.drafts.models import Version
from kenes.reports.management.pdf_command import PdfCommand
from kenes.reports.services import handout_build


class Command(PdfCommand):
    help = (
        "Explainer handouts for meetings: `kenes handout build --document D --version V "
        "--articles 1,5,9 --language kk|ru --out FILE.pdf` (old and new wording, the staff's "
        "note, proposals and decisions, QR codes to the article and the propose form)."
    )

    def add_more_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", required=True, help="article numbers, comma-separated")

    def build(self, *, version: Version, language: str, out: Path, options: dict[str, Any]) -> str:
        numbers = [n for n in options["articles"].split(",") if n.strip()]
        articles = handout_build(version=version, numbers=numbers, language=language, out=out)
        return f"wrote {out}: {len(articles)} articles"
