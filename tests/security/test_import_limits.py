"""Bulk import: receipt secrets are never lost, a stop midway says what was kept, and a small
.xlsx with millions of cells is refused before it can exhaust memory (issue #10)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kenes.proposals import importing
from kenes.proposals.importing import ImportFileError, proposals_import_file, read_receipts
from kenes.proposals.models import Proposal
from kenes.proposals.selectors import receipt_check

pytestmark = pytest.mark.django_db


def _csv(path: Path, n: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        for i in range(start, start + n):
            w.writerow([f"r{i}", f"Предлагаю изменить порядок обсуждения номер {i}."])
    return path


def _import(path: Path, receipts: Path, **kw):
    return proposals_import_file(
        actor=None,
        path=path,
        document_slug="demo",
        version_label="v2",
        channel="paper",
        source="forms",
        receipts_path=receipts,
        **kw,
    )


def _receipts(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_secrets_reach_the_disk_before_their_batch_commits(tmp_path, demo_draft, monkeypatch):
    seen: list[bool] = []
    real_fsync = importing.os.fsync

    def fsync(fd):
        seen.append(connection.in_atomic_block)
        return real_fsync(fd)

    monkeypatch.setattr(importing.os, "fsync", fsync)
    _import(_csv(tmp_path / "a.csv", 5), tmp_path / "r.csv", batch_size=2)
    assert seen and all(seen), "each batch's receipts are synced inside its transaction"


def test_a_rerun_appends_and_a_line_of_a_batch_never_committed_names_no_receipt(
    tmp_path, demo_draft
):
    receipts = tmp_path / "r.csv"
    _import(_csv(tmp_path / "a.csv", 3), receipts)
    first = _receipts(receipts)
    assert len(first) == 4
    # a crash after writing a batch but before its commit leaves a line with an unknown code
    with receipts.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(["9", "ghost", "KNS-2222-2222", "ABCDEFGHJK"])
    _import(_csv(tmp_path / "b.csv", 2, start=3), receipts)
    after = _receipts(receipts)
    assert after[: len(first)] == first  # every earlier secret kept, the file only appended to
    # every imported row's last line names its stored proposal, with the secret that opens it
    by_id = read_receipts(receipts)
    assert len([i for i in by_id if i != "ghost"]) == 5
    for row_id, (code, secret) in by_id.items():
        if row_id != "ghost":
            assert receipt_check(code=code, secret=secret) is not None
    assert receipt_check(code=by_id["ghost"][0]) is None  # the never-committed line
    assert oct(receipts.stat().st_mode & 0o777) == "0o600"


def test_a_stop_midway_keeps_and_reports_the_committed_batches(tmp_path, demo_draft):
    data = tmp_path / "a.jsonl"
    lines = [
        f'{{"id": "j{i}", "text": "Предлагаю изменить порядок обсуждения номер {i}."}}'
        for i in range(4)
    ]
    data.write_text("\n".join([*lines, '{"id": "j9", "bogus": 1}']) + "\n", encoding="utf-8")
    receipts = tmp_path / "r.csv"
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_proposals",
            str(data),
            document="demo",
            label="v2",
            channel="paper",
            source="forms",
            receipts=receipts,
            batch_size=2,
            quiet=True,
        )
    message = str(caught.value)
    assert "Nothing was imported" not in message
    assert "4 rows" in message and "4 imported" in message
    assert Proposal.objects.count() == 4
    assert len(_receipts(receipts)) == 5


def _wide_xlsx(path: Path, rows: int, cells_per_row: int) -> Path:
    """A workbook written by hand: tiny on disk, huge once parsed."""
    row_xml = []
    for r in range(1, rows + 1):
        cells = "".join(f'<c t="n"><v>{c}</v></c>' for c in range(cells_per_row))
        row_xml.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><sheetData>' + "".join(row_xml) + "</sheetData></worksheet>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def test_an_xlsx_with_a_huge_row_is_refused(tmp_path, demo_draft):
    path = _wide_xlsx(tmp_path / "wide.xlsx", rows=2, cells_per_row=300_000)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(ImportFileError, match="more than 200 cells"):
        _import(path, tmp_path / "r.csv")
    assert Proposal.objects.count() == 0


def test_an_xlsx_with_too_many_cells_is_refused(tmp_path, demo_draft, settings):
    settings.KENES_XLSX_MAX_CELLS = 1000
    path = _wide_xlsx(tmp_path / "many.xlsx", rows=200, cells_per_row=10)
    with pytest.raises(ImportFileError, match="more than 1,000 cells"):
        _import(path, tmp_path / "r.csv")
