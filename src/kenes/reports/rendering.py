"""Typesetting: report data and handout articles → HTML (Django templates) → PDF (WeasyPrint).

Fonts come from the system (fontconfig): DejaVu Sans / Noto Sans cover every Kazakh letter
(ә ғ қ ң ө ұ ү һ і); ``scripts/install-system-packages`` installs them with Pango. The report is
written as PDF/A-3b so it can be archived; handouts as plain PDF (they are printed at once).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kenes.reports import charts
from kenes.reports.selectors import HandoutArticle, ReportData
from kenes.review.models import Decision

PDF_VARIANT = "pdf/a-3b"
# WeasyPrint logs every layout step at INFO; keep the CLI and the worker's log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def num(n: int) -> str:
    """A whole number as the report prints it in the active language ("1 234")."""
    return formats.number_format(n, decimal_pos=0, use_l10n=True, force_grouping=True)


def _share(n: int, total: int) -> str:
    return formats.number_format(100 * n / total, decimal_pos=1, use_l10n=True) if total else "—"


def _chart_rows(rows: list[Any]) -> list[tuple[str, int]]:
    return [(r.label, r.n) for r in rows]


def report_html(data: ReportData, *, built_at: dt.datetime | None = None) -> str:
    """Render the report's HTML in the report's language."""
    built_at = built_at or timezone.now()
    with translation.override(data.language):
        decision_labels = dict(Decision.choices)
        context = {
            "d": data,
            "lang": data.language,
            "built_at": built_at,
            "decision_codes": list(Decision.values),
            "decision_labels": {k: str(v) for k, v in decision_labels.items()},
            "charts": {
                "channel": charts.bars(_chart_rows(data.by_channel)),
                "region": charts.bars(_chart_rows(data.by_region)),
                "language": charts.bars(_chart_rows(data.by_language)),
                "decisions": charts.bars(_chart_rows(data.decisions)),
                "days": charts.days(data.by_day),
            },
            "shares": {
                "answered": _share(data.answered, data.total),
            },
            "one_language": len(data.languages_loaded) == 1,
            "missing_language": data.language not in data.languages_loaded,
        }
        return render_to_string("reports/report.html", context)


def write_pdf(html: str, out: Path, *, variant: str | None = PDF_VARIANT) -> tuple[int, str]:
    """Typeset ``html`` to ``out``; return (size in bytes, SHA-256)."""
    from weasyprint import HTML

    out.parent.mkdir(parents=True, exist_ok=True)
    static_root = Path(__file__).resolve().parent / "static"
    kwargs: dict[str, Any] = {}
    if variant:
        kwargs["pdf_variant"] = variant
    pdf = HTML(string=html, base_url=str(static_root)).write_pdf(**kwargs)
    assert pdf is not None
    out.write_bytes(pdf)
    return len(pdf), hashlib.sha256(pdf).hexdigest()


def qr_png(url: str) -> str:
    """A QR code of ``url`` as a PNG data URI (segno: pure Python, no network)."""
    import segno

    return str(segno.make(url, error="m", micro=False).png_data_uri(scale=4, border=2))


def handout_html(
    *,
    document_title: str,
    version_label: str,
    older_label: str,
    lang: str,
    articles: list[HandoutArticle],
) -> str:
    with translation.override(lang):
        rows = [
            {
                "a": a,
                "qr_article": qr_png(a.article_url),
                "qr_propose": qr_png(a.propose_url),
                "decisions": [
                    (str(label), a.decisions.get(code, 0))
                    for code, label in Decision.choices
                    if a.decisions.get(code, 0)
                ],
                "answered": sum(a.decisions.values()),
            }
            for a in articles
        ]
        return render_to_string(
            "reports/handout.html",
            {
                "document_title": document_title,
                "version_label": version_label,
                "older_label": older_label,
                "lang": lang,
                "rows": rows,
                "public_url": settings.KENES_PUBLIC_URL,
                "title": _("Explainer: what changes in the draft"),
            },
        )
