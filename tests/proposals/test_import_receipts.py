"""The receipts file of an import: written before each batch commits, appended on re-run."""

from __future__ import annotations

import pytest

from kenes.proposals import importing
from kenes.proposals.importing import proposals_import_file, read_receipts
from kenes.proposals.models import Proposal
from kenes.proposals.selectors import receipt_check

pytestmark = pytest.mark.django_db


def write_rows(path, ids):
    lines = ["id,text,language"]
    lines += [f"r{i},Предлагаю продлить срок обсуждения строка {i}.,ru" for i in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(path, receipts, **kwargs):
    return proposals_import_file(
        actor=None,
        path=path,
        document_slug="demo",
        version_label="v2",
        channel="paper",
        source="forms",
        receipts_path=receipts,
        batch_size=5,
        **kwargs,
    )


def test_a_rerun_with_more_rows_appends_and_keeps_every_secret(tmp_path, version):
    data, receipts = tmp_path / "forms.csv", tmp_path / "receipts.csv"
    write_rows(data, range(6))
    run(data, receipts)
    first = read_receipts(receipts)
    # when the file grows and is imported again into the same receipts file
    write_rows(data, range(12))
    result = run(data, receipts)
    # then the first secrets are still there and the new rows have theirs
    assert result.created == 6 and result.skipped == 6
    final = read_receipts(receipts)
    assert set(final) == {f"r{i}" for i in range(12)}
    assert {k: final[k] for k in first} == first
    for code, secret in final.values():
        assert receipt_check(code=code, secret=secret) is not None
    assert oct(receipts.stat().st_mode & 0o777) == "0o600"
    assert receipts.read_text(encoding="utf-8").count("row,id,code,secret") == 1


def test_a_batch_that_fails_after_its_receipts_are_written_is_completed_by_a_rerun(
    tmp_path, version, monkeypatch
):
    data, receipts = tmp_path / "forms.csv", tmp_path / "receipts.csv"
    write_rows(data, range(15))
    original = importing.ReceiptsFile.write_durably
    calls = {"n": 0}
    on_disk: list[str] = []

    def crash_in_second_batch(self, lines):
        original(self, lines)
        calls["n"] += 1
        if calls["n"] == 2:
            # the secrets of the batch are on disk while it is still uncommitted
            on_disk.append(receipts.read_text(encoding="utf-8"))
            raise RuntimeError("the process dies before the commit")

    monkeypatch.setattr(importing.ReceiptsFile, "write_durably", crash_in_second_batch)
    with pytest.raises(RuntimeError):
        run(data, receipts)
    # then the first batch is stored and the file also names the second batch's codes
    assert Proposal.objects.count() == 5
    assert all(f"r{i}," in on_disk[0] for i in range(10))
    monkeypatch.setattr(importing.ReceiptsFile, "write_durably", original)
    # when it is run again
    result = run(data, receipts)
    # then every row is stored once and the file gives each its stored code and secret
    assert result.created == 10 and result.skipped == 5
    assert Proposal.objects.count() == 15
    final = read_receipts(receipts)
    assert len(final) == 15
    for code, secret in final.values():
        assert receipt_check(code=code, secret=secret) is not None
