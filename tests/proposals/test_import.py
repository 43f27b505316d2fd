"""Bulk import of proposal files: formats, idempotency, row errors, whole-file refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command

from kenes.proposals.importing import ImportFileError, proposals_import_file, read_rows
from kenes.proposals.models import Proposal
from kenes.proposals.tasks_import import import_proposals_task, proposals_import_enqueue

pytestmark = pytest.mark.django_db

TEXT = "Предлагаю продлить срок консультаций до девяноста дней"
HEADER = [
    "id",
    "text",
    "article",
    "point",
    "language",
    "author_kind",
    "region",
    "contact",
    "consent",
    "submitted_at",
]


def write_csv(path, rows, header=HEADER, delimiter=",", encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_rows(n, start=0):
    return [
        [f"r{i}", f"{TEXT}, вариант {i}.", "6", "1", "ru", "citizen", "71", "", "", ""]
        for i in range(start, start + n)
    ]


def run(path, **kwargs):
    kwargs.setdefault("channel", "paper")
    kwargs.setdefault("source", "forms-almaty")
    return proposals_import_file(
        actor=None, path=path, document_slug="demo", version_label="v2", **kwargs
    )


def test_a_csv_file_is_imported(tmp_path, version):
    # given a CSV of three rows, one with a contact and a date
    rows = [
        *good_rows(2),
        [
            "r9",
            f"{TEXT} и ещё одно.",
            "",
            "",
            "ru",
            "expert",
            "",
            "a@b.kz",
            "да",
            "2026-03-01T10:30",
        ],
    ]
    path = write_csv(tmp_path / "forms.csv", rows)
    # when it is imported
    result = run(path)
    # then each row is a proposal of the paper channel, keyed by its id
    assert (result.rows, result.created, result.failed) == (3, 3, 0)
    first = Proposal.objects.get(external_id="r0")
    assert (first.channel, first.source, first.source_ref) == ("paper", "forms-almaty", "row 2")
    assert (first.article.number, first.point.number, first.region) == ("6", "1", "71")
    last = Proposal.objects.get(external_id="r9")
    assert last.consent and last.contact == "a@b.kz" and last.author_kind == "expert"
    assert last.submitted_at.date().isoformat() == "2026-03-01"


def test_running_an_import_again_skips_what_is_in(tmp_path, version):
    # given a file imported in part (its first 3 rows)
    run(write_csv(tmp_path / "part.csv", good_rows(3)))
    # when the whole file is imported
    result = run(write_csv(tmp_path / "all.csv", good_rows(5)), batch_size=2)
    # then only the missing rows are added, once each
    assert (result.created, result.skipped) == (2, 3)
    assert Proposal.objects.count() == 5
    assert sorted(Proposal.objects.values_list("external_id", flat=True)) == [
        f"r{i}" for i in range(5)
    ]


def test_shards_share_a_file_without_overlap(tmp_path, version):
    # given a file of 7 rows
    path = write_csv(tmp_path / "all.csv", good_rows(7))
    # when two shards import it
    first = run(path, shard=(0, 2))
    second = run(path, shard=(1, 2))
    # then together they import every row once
    assert (first.created, second.created) == (4, 3)  # rows 2, 4, 6, 8 and 3, 5, 7
    assert Proposal.objects.count() == 7


def test_an_id_repeated_in_the_file_is_imported_once(tmp_path, version):
    rows = [*good_rows(2), *good_rows(1)]
    result = run(write_csv(tmp_path / "dup.csv", rows))
    assert (result.created, result.skipped) == (2, 1)


def test_bad_rows_are_reported_and_the_rest_kept(tmp_path, version):
    # given good rows around bad ones, in one batch
    rows = [
        good_rows(1)[0],
        ["r1", "коротко", "", "", "", "", "", "", "", ""],
        ["", f"{TEXT} без номера.", "", "", "", "", "", "", "", ""],
        ["r3", f"{TEXT} с контактом.", "", "", "ru", "", "", "+7 701 999 88 77", "no", ""],
        ["r4", f"{TEXT} дата.", "", "", "ru", "", "", "", "", "вчера"],
        ["r5", f"{TEXT} статья.", "999", "", "ru", "", "", "", "", ""],
        good_rows(1, start=6)[0],
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)
    report = tmp_path / "errors.csv"
    # when it is imported with an error report
    result = run(path, errors_path=report)
    # then the good rows are in, each bad one is reported with its row and field
    assert (result.created, result.failed) == (2, 5)
    assert set(Proposal.objects.values_list("external_id", flat=True)) == {"r0", "r6"}
    lines = list(csv.DictReader(report.open(encoding="utf-8")))
    assert {(r["row"], r["id"], r["field"]) for r in lines} == {
        ("3", "r1", "text"),
        ("4", "", "id"),
        ("5", "r3", "consent"),
        ("6", "r4", "submitted_at"),
        ("7", "r5", "article"),
    }
    # and the report never holds the contact
    assert "999 88 77" not in report.read_text(encoding="utf-8")


def test_jsonl_is_imported_and_a_broken_line_reported(tmp_path, version):
    path = tmp_path / "mail.jsonl"
    lines = [
        json.dumps({"id": 1, "text": f"{TEXT}.", "article": 6, "language": "ru"}),
        "{broken",
        "",
        json.dumps({"id": "2", "text": f"{TEXT} снова.", "consent": False}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(path, channel="email", source="inbox")
    assert (result.created, result.failed) == (2, 1)
    assert result.first_errors[0].row == 2
    assert Proposal.objects.get(external_id="1").article.number == "6"


def test_xlsx_is_imported(tmp_path, version):
    from openpyxl import Workbook

    # given a workbook with numbers and dates as Excel stores them
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [101, f"{TEXT}.", 6, 1, "ru", "citizen", 71, None, None, datetime(2026, 2, 3, 9, 0)]
    )
    sheet.append([None, None, None, None, None, None, None, None, None, None])
    sheet.append([102, f"{TEXT} ещё.", None, None, "kk", None, None, None, None, None])
    path = tmp_path / "meeting.xlsx"
    book.save(path)
    # when it is imported
    result = run(path, channel="meeting", source="Kyzylorda 2026-02-03")
    # then numbers became ids and numbers, empty rows are ignored
    assert (result.rows, result.created) == (2, 2)
    p = Proposal.objects.get(external_id="101")
    assert (p.article.number, p.point.number, p.region) == ("6", "1", "71")
    assert p.submitted_at.date().isoformat() == "2026-02-03"


def test_a_semicolon_csv_with_a_bom_is_read(tmp_path, version):
    path = write_csv(tmp_path / "excel.csv", good_rows(2), delimiter=";", encoding="utf-8-sig")
    assert [n for n, _row in read_rows(path, "csv")] == [2, 3]
    assert run(path).created == 2


def test_a_multiline_text_keeps_row_numbers(tmp_path, version):
    rows = [
        ["a", f"{TEXT}\nвторая строка.", "", "", "ru", "", "", "", "", ""],
        ["b", "коротко", "", "", "ru", "", "", "", "", ""],
    ]
    result = run(write_csv(tmp_path / "multi.csv", rows))
    assert result.first_errors[0].row == 4  # header, two lines of row a, then row b


def test_a_non_utf8_csv_is_refused_naming_the_line(tmp_path, version):
    # given a CSV saved in Windows-1251 from its third line on
    path = tmp_path / "cp1251.csv"
    good = io.StringIO()
    csv.writer(good).writerows([HEADER, good_rows(1)[0]])
    path.write_bytes(
        good.getvalue().encode() + "r1,Предложение в cp1251 кодировке\r\n".encode("cp1251")
    )
    # when it is imported, then it is refused with the line, and nothing is written
    with pytest.raises(ImportFileError, match="line 3"):
        run(path)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("forms.txt", "id,text\n", "unknown format"),
        ("forms.csv", "id,txt\n1,x\n", "unknown columns: txt"),
        ("forms.csv", "text\nx\n", "missing columns: id"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(tmp_path, version, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError, match=message):
        run(path)


def test_a_file_over_the_limit_is_refused(tmp_path, version, settings):
    settings.KENES_IMPORT_MAX_BYTES = 100
    path = write_csv(tmp_path / "big.csv", good_rows(5))
    with pytest.raises(ImportFileError, match="the limit is 100 bytes"):
        run(path)
    assert not Proposal.objects.exists()


def test_the_command_imports_and_reports(tmp_path, version, capsys):
    # given a file with one bad row
    path = write_csv(tmp_path / "forms.csv", [*good_rows(3), ["x", "коротко", *[""] * 8]])
    report = tmp_path / "report.csv"
    # when it is imported with the command
    call_command(
        "import_proposals",
        str(path),
        "--document",
        "demo",
        "--version",
        "v2",
        "--channel",
        "file",
        "--source",
        "forms.csv",
        "--errors",
        str(report),
    )
    # then it says what happened, shows progress on stderr, and writes the report
    out, err = capsys.readouterr()
    assert "4 rows, 3 imported, 0 already there, 1 with errors" in out
    assert "rows/s" in err and "report.csv" in err
    assert "x" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("channel", "label", "message"),
    [
        ("web", "v2", "invalid choice"),
        ("file", "v9", "There is no draft demo/v9"),
    ],
)
def test_the_command_refuses_bad_arguments(tmp_path, version, channel, label, message):
    path = write_csv(tmp_path / "forms.csv", good_rows(1))
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_proposals",
            str(path),
            "--document",
            "demo",
            "--version",
            label,
            "--channel",
            channel,
            "--source",
            "s",
        )
    assert not Proposal.objects.exists()


def test_the_background_task_imports_a_stored_file(tmp_path, version):
    path = write_csv(tmp_path / "upload.csv", good_rows(2))
    # when staff queue an import of a stored file
    queued = proposals_import_enqueue(
        actor=None,
        path=path,
        document_slug="demo",
        version_label="v2",
        channel="file",
        source="upload.csv",
    )
    # then it is queued, and the task imports it and returns the counts
    assert queued.status == "READY"
    outcome = import_proposals_task.call(**queued.kwargs)
    assert outcome["created"] == 2 and outcome["file"] == "upload.csv"
    assert Proposal.objects.filter(channel="file", source="upload.csv").count() == 2


def test_queueing_a_bad_file_fails_at_once(tmp_path, version):
    path = tmp_path / "upload.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ImportFileError):
        proposals_import_enqueue(
            actor=None,
            path=path,
            document_slug="demo",
            version_label="v2",
            channel="file",
            source="upload.pdf",
        )


def test_receipts_file_gives_each_row_its_code_and_secret_once(tmp_path, version):
    # given a file of two rows
    from django.core.management import call_command

    from kenes.proposals.selectors import receipt_check

    data = tmp_path / "forms.csv"
    data.write_text(
        "id,text\nf1,Предлагаю продлить срок обсуждения.\nf2,Мерзімді ұзартуды ұсынамын.\n",
        encoding="utf-8",
    )
    receipts = tmp_path / "receipts.csv"
    # when it is imported with --receipts, then again
    call_command(
        "import_proposals",
        str(data),
        document="demo",
        label="v2",
        channel="paper",
        source="forms",
        receipts=receipts,
        quiet=True,
    )
    first = receipts.read_text(encoding="utf-8").splitlines()
    call_command(
        "import_proposals",
        str(data),
        document="demo",
        label="v2",
        channel="paper",
        source="forms",
        receipts=receipts,
        quiet=True,
    )
    second = receipts.read_text(encoding="utf-8").splitlines()
    # then every row has a working code and secret the first time, and the second run keeps
    # them (it appends, and only what the file does not hold yet)
    assert first[0] == "row,id,code,secret" and len(first) == 3
    for line in first[1:]:
        _row, _id, code, secret = line.split(",")
        assert receipt_check(code=code, secret=secret) is not None
    assert second == first
    assert oct(receipts.stat().st_mode & 0o777) == "0o600"


def test_the_same_contact_and_text_twice_in_one_file_is_stored_once(tmp_path, version):
    rows = good_rows(3)
    for row in rows[:2]:
        row[1] = f"{TEXT}, одинаковый текст."
        row[7] = "+7 701 555 0000"
        row[8] = "1"
    result = run(write_csv(tmp_path / "twice.csv", rows))
    assert result.created == 2
    assert result.failed == 1
    assert [e.row for e in result.first_errors] == [3]  # the second of the pair (header: row 1)
    assert Proposal.objects.filter(text__endswith="одинаковый текст.").count() == 1
