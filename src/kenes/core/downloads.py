"""File downloads: a response that the browser saves under a given name."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(book: Any, *, name: str) -> HttpResponse:
    """An openpyxl workbook as ``<name>.xlsx``."""
    out = io.BytesIO()
    book.save(out)
    return download(out.getvalue(), filename=f"{name}.xlsx", content_type=XLSX)


def csv_download(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str
) -> HttpResponse:
    """A CSV file in UTF-8 with a byte-order mark, so that spreadsheet programs read it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return download(
        out.getvalue().encode("utf-8-sig"),
        filename=filename,
        content_type="text/csv; charset=utf-8",
    )
