"""Bulk import of proposals from .csv, .jsonl and .xlsx files (paper forms, meetings, email).

The file is streamed (constant memory, also for a million rows) and written in batches: one
transaction per batch of ``batch_size`` rows, each row through ``proposal_submit`` (whose own
``atomic`` is the row's savepoint, so a bad row never aborts its batch). Rows are idempotent on
``(channel, source, id)``: re-running an interrupted import skips what is already in. Bad rows
go to an error report (row, id, field, message — never the contact).

Columns (a header row; only ``id`` and ``text`` are required)::

    id, text, article, point, language, author_kind, region, contact, consent, submitted_at

Whole-file problems (unknown format, over the size limit, not UTF-8, unknown columns) raise
:class:`ImportFileError` with a clear message before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.core.validation import field_errors
from kenes.drafts.models import Version
from kenes.proposals.models import Channel
from kenes.proposals.services import ProposalRow, TargetCache, proposals_submit_many

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
COLUMNS = (
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
)
REQUIRED = ("id", "text")
IMPORT_CHANNELS = (Channel.FILE, Channel.PAPER, Channel.MEETING, Channel.EMAIL)
BATCH_SIZE = 500
TRUE = {"1", "true", "yes", "y", "да", "иә", "ия", "x", "+"}
FALSE = {"", "0", "false", "no", "n", "нет", "жоқ", "-"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and where."""


@dataclass(frozen=True)
class RowError:
    row: int
    external_id: str
    field: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    first_errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_errors"] = [asdict(e) for e in self.first_errors]
        return data


def max_import_bytes() -> int:
    return int(settings.KENES_IMPORT_MAX_BYTES)


# --- Reading --------------------------------------------------------------------------------


def file_format(path: Path, *, max_bytes: int | None = None) -> str:
    """Return the format of a file after checking its kind, size and encoding."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFileError(
            _("%(name)s: unknown format %(suffix)s; use .csv, .jsonl or .xlsx.")
            % {"name": path.name, "suffix": path.suffix or "(none)"}
        )
    if not path.is_file():
        raise ImportFileError(_("%(name)s: no such file.") % {"name": path})
    limit = max_bytes if max_bytes is not None else max_import_bytes()
    size = path.stat().st_size
    if size > limit:
        raise ImportFileError(
            _("%(name)s is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"name": path.name, "size": size, "limit": limit}
        )
    if fmt in ("csv", "jsonl"):
        _check_utf8(path)
    return fmt


def _check_utf8(path: Path) -> None:
    with path.open("rb") as f:
        for number, line in enumerate(f, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    _(
                        "%(name)s, line %(line)s, byte %(col)s: the file is not UTF-8. Save it as "
                        "UTF-8 (CSV UTF-8 in Excel) and import it again."
                    )
                    % {"name": path.name, "line": number, "col": exc.start + 1}
                ) from exc


def _check_columns(path: Path, header: Iterable[Any]) -> list[str]:
    names = [str(h or "").strip().lower() for h in header]
    unknown = [n for n in names if n and n not in COLUMNS]
    missing = [c for c in REQUIRED if c not in names]
    if unknown or missing:
        raise ImportFileError(
            _(
                "%(name)s: unknown columns: %(unknown)s; missing columns: %(missing)s. The columns "
                "are: %(columns)s."
            )
            % {
                "name": path.name,
                "unknown": ", ".join(unknown) or "-",
                "missing": ", ".join(missing) or "-",
                "columns": ", ".join(COLUMNS),
            }
        )
    return names


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as raw:
        lines = codecs.iterdecode(raw, "utf-8-sig")
        first = next(lines, "")
        dialect = "excel-semicolon" if first.count(";") > first.count(",") else "excel"
        reader = csv.reader(_chain_first(first, lines), dialect=_DIALECTS[dialect])
        try:
            names = _check_columns(path, next(reader, []))
            start = reader.line_num + 1
            for values in reader:
                if any(v.strip() for v in values):
                    yield start, dict(zip(names, values, strict=False))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ImportFileError(
                _("%(name)s, line %(line)s: %(problem)s")
                % {"name": path.name, "line": reader.line_num, "problem": exc}
            ) from exc


def _chain_first(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


class _Semicolon(csv.excel):
    delimiter = ";"


_DIALECTS: dict[str, type[csv.Dialect]] = {"excel": csv.excel, "excel-semicolon": _Semicolon}


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                yield number, {"__error__": _("This line is not a JSON object.")}
                continue
            unknown = [k for k in obj if k not in COLUMNS]
            if unknown:
                raise ImportFileError(
                    _(
                        "%(name)s, line %(line)s: unknown fields: %(unknown)s. The fields are: "
                        "%(columns)s."
                    )
                    % {
                        "name": path.name,
                        "line": number,
                        "unknown": ", ".join(unknown),
                        "columns": ", ".join(COLUMNS),
                    }
                )
            yield number, obj


XLSX_MAX_ROW_CELLS = 200  # cells in one row: far more than the columns we read
XLSX_MAX_SHARED_STRINGS_BYTES = 256 * 1024**2  # openpyxl holds the shared strings in memory
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _first_sheet_member(book: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one the import reads)."""
    from xml.etree import ElementTree

    try:
        # expat (>= 2.4) refuses entity expansion bombs; ElementTree resolves no external
        # entities, so these reads of an uploaded workbook are safe (as openpyxl's own).
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))  # noqa: S314
        first = workbook.find(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
        rid = first.get(f"{_NS_REL}id") if first is not None else None
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        for rel in rels:
            if rel.get("Id") == rid:
                target = (rel.get("Target") or "").lstrip("/")
                return target if target.startswith("xl/") else "xl/" + target
    except (KeyError, ElementTree.ParseError):
        pass
    sheets = sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
    return sheets[0] if sheets else "xl/worksheets/sheet1.xml"


def _xlsx_check_bounds(path: Path) -> None:
    """Refuse, before openpyxl reads it, a workbook that would need unbounded memory.

    openpyxl builds each ``<row>`` element whole and keeps the shared strings in memory: a
    small file can hold millions of cells in one row (a 555 KB file with 5M cells took over
    4 GB). The first sheet is scanned as a stream, one cell at a time, and refused with a
    clear message when a row has more than ``XLSX_MAX_ROW_CELLS`` cells, when it has more
    cells than ``KENES_XLSX_MAX_CELLS``, or when its shared strings are too large.
    """
    from xml.etree import ElementTree

    max_cells = int(getattr(settings, "KENES_XLSX_MAX_CELLS", 20_000_000))
    name = path.name
    try:
        with zipfile.ZipFile(path) as book:
            try:
                strings = book.getinfo("xl/sharedStrings.xml").file_size
            except KeyError:
                strings = 0
            if strings > XLSX_MAX_SHARED_STRINGS_BYTES:
                raise ImportFileError(
                    _(
                        "%(name)s: its text table is too large to read safely (%(mb)s MB). "
                        "Save the sheet as .csv and import that."
                    )
                    % {"name": name, "mb": strings // 1024**2}
                )
            member = _first_sheet_member(book)
            total = in_row = 0
            row_number = 0
            with book.open(member) as sheet:
                for event, element in ElementTree.iterparse(  # noqa: S314 - see above
                    sheet, events=("start", "end")
                ):
                    tag = element.tag
                    if event == "start":
                        if tag == f"{_NS_MAIN}row":
                            row_number += 1
                            in_row = 0
                        continue
                    if tag == f"{_NS_MAIN}c":
                        in_row += 1
                        total += 1
                        element.clear()
                        if in_row > XLSX_MAX_ROW_CELLS:
                            raise ImportFileError(
                                _(
                                    "%(name)s: row %(row)s has more than %(n)s cells; a "
                                    "proposals sheet has only the columns %(columns)s."
                                )
                                % {
                                    "name": name,
                                    "row": row_number,
                                    "n": XLSX_MAX_ROW_CELLS,
                                    "columns": ", ".join(COLUMNS),
                                }
                            )
                        if total > max_cells:
                            raise ImportFileError(
                                _(
                                    "%(name)s has more than %(n)s cells. Split it, or save it "
                                    "as .csv and import that."
                                )
                                % {"name": name, "n": f"{max_cells:,}"}
                            )
                    elif tag == f"{_NS_MAIN}row":
                        element.clear()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise ImportFileError(_("%(name)s is not a readable .xlsx file.") % {"name": name}) from exc


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    _xlsx_check_bounds(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _("%(name)s is not a readable .xlsx file.") % {"name": path.name}
        ) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True, max_col=XLSX_MAX_ROW_CELLS)
        names = _check_columns(path, next(rows, ()))
        for number, values in enumerate(rows, 2):
            if any(v not in (None, "") for v in values):
                yield number, dict(zip(names, values, strict=False))
    finally:
        book.close()


READERS: dict[str, Callable[[Path], Iterator[tuple[int, dict[str, Any]]]]] = {
    "csv": _csv_rows,
    "jsonl": _jsonl_rows,
    "xlsx": _xlsx_rows,
}


def read_rows(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row number in the file, {column: value})``, streaming."""
    return READERS[fmt](path)


# --- One row --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _consent(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = _text(value).lower()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    raise ValidationError({"consent": [_("Write yes or no (1 or 0).")]})


def _submitted_at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    when: datetime | None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    else:
        raw = _text(value)
        when = parse_datetime(raw)
        if when is None and (day := parse_date(raw)) is not None:
            when = datetime(day.year, day.month, day.day)
        if when is None:
            raise ValidationError(
                {"submitted_at": [_("Not a date: write it as 2026-03-01 or 2026-03-01T10:30.")]}
            )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _row_kwargs(values: dict[str, Any]) -> dict[str, Any]:
    """Return proposal_submit's arguments for a row, or raise ValidationError."""
    errors: dict[str, list[str]] = {}
    kwargs: dict[str, Any] = {
        "text": _text(values.get("text")),
        "article_number": _text(values.get("article")) or None,
        "point_number": _text(values.get("point")) or None,
        "language": _text(values.get("language")).lower() or None,
        "author_kind": _text(values.get("author_kind")).lower() or "citizen",
        "region": _text(values.get("region")),
        "contact": _text(values.get("contact")),
    }
    for name, parse in (("consent", _consent), ("submitted_at", _submitted_at)):
        try:
            kwargs[name] = parse(values.get(name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return kwargs


@transaction.atomic
def proposals_import_batch(
    *,
    actor: Actor,
    version: Version,
    channel: str,
    source: str,
    rows: list[tuple[int, dict[str, Any]]],
    receipts: list[tuple[int, str, str, str]] | None = None,
    before_commit: Callable[[list[tuple[int, str, str, str]]], None] | None = None,
    targets: TargetCache | None = None,
) -> tuple[int, int, list[RowError]]:
    """Import rows in one transaction; return (created, skipped, errors).

    Rows go through ``proposals_submit_many`` (the validation of ``proposal_submit``, bulk
    writes): a row that fails is reported and the others are kept. With ``receipts``, each
    stored row's (row, id, code, secret) is appended; the secret only for rows new this run.
    ``before_commit`` is called with those receipts inside the transaction, before it commits:
    if it raises (a receipts file that cannot be written), nothing of the batch is stored.
    """
    created = skipped = 0
    errors: list[RowError] = []
    accepted: list[tuple[int, str]] = []
    inputs: list[ProposalRow] = []
    for number, values in rows:
        external_id = _text(values.get("id"))
        if "__error__" in values:
            errors.append(RowError(number, "", "row", values["__error__"]))
        elif not external_id:
            errors.append(
                RowError(
                    number,
                    "",
                    "id",
                    _("Every row needs an id: it is what makes a second import skip the row."),
                )
            )
        elif len(external_id) > 200:
            errors.append(
                RowError(number, external_id[:40], "id", _("The id is longer than 200 characters."))
            )
        else:
            try:
                fields = _row_kwargs(values)
            except ValidationError as exc:
                errors.extend(
                    RowError(number, external_id, name, message)
                    for name, messages in exc.message_dict.items()
                    for message in messages
                )
                continue
            accepted.append((number, external_id))
            row = {"external_id": external_id, "source_ref": f"row {number}", **fields}
            inputs.append(cast(ProposalRow, row))
    results = proposals_submit_many(
        actor=actor, version=version, channel=channel, source=source, rows=inputs, targets=targets
    )
    for (number, external_id), result in zip(accepted, results, strict=True):
        if isinstance(result, ValidationError):
            detail = field_errors(result, "row")
            errors.extend(
                RowError(number, external_id, name, message)
                for name, messages in detail.items()
                for message in messages
            )
        elif result.created:
            created += 1
            if receipts is not None:
                receipts.append((number, external_id, result.proposal.code, result.secret or ""))
        else:
            skipped += 1
            if receipts is not None:
                receipts.append((number, external_id, result.proposal.code, ""))
    if before_commit is not None and receipts is not None:
        before_commit(receipts)
    return created, skipped, errors


# --- A whole file ---------------------------------------------------------------------------


RECEIPTS_HEADER = ["row", "id", "code", "secret"]


class ReceiptsFile:
    """The receipts file of an import: the only place the secrets of imported rows appear.

    Created readable by its owner only (mode 600). A re-run appends to it and never rewrites
    it, so no secret written by an earlier run is lost; rows already in the file with the same
    code are not written again. Lines are fsync'ed before their batch commits. Read it back
    with :func:`read_receipts` (the last code written for an id is its code).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known = {rid: code for rid, (code, _secret) in read_receipts(path).items()}
        fresh = not path.exists() or path.stat().st_size == 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        self.file: IO[str] = os.fdopen(fd, "a", newline="", encoding="utf-8")
        self.writer = csv.writer(self.file)
        if fresh:
            self.writer.writerow(RECEIPTS_HEADER)
            self._sync()

    def _sync(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())

    def write_durably(self, receipts: list[tuple[int, str, str, str]]) -> None:
        lines = [r for r in receipts if r[3] or self.known.get(r[1]) != r[2]]
        if not lines:
            return
        self.writer.writerows(lines)
        self._sync()
        for _row, rid, code, _secret in lines:
            self.known[rid] = code

    def close(self) -> None:
        self.file.close()


def read_receipts(path: Path | str) -> dict[str, tuple[str, str]]:
    """Return ``{id: (code, secret)}`` from a receipts file (empty if there is none).

    The last line of an id names its code (an interrupted batch may have left a line for a
    code that was never stored; its re-run appended the real one); the secret is the one
    written with that code ("" if the row was imported before this file existed).
    """
    path = Path(path)
    out: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return out
    with path.open(newline="", encoding="utf-8") as f:
        for line in csv.reader(f):
            if len(line) != 4 or line == RECEIPTS_HEADER:
                continue
            _row, rid, code, secret = line
            previous = out.get(rid)
            if not secret and previous is not None and previous[0] == code:
                secret = previous[1]
            out[rid] = (code, secret)
    return out


@dataclass
class Progress:
    rows: int
    created: int
    skipped: int
    failed: int
    seconds: float


def _batches(
    rows: Iterator[tuple[int, dict[str, Any]]], size: int
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while batch := list(islice(rows, size)):
        yield batch


RECEIPTS_HEADER = ["row", "id", "code", "secret"]


def proposals_import_file(
    *,
    actor: Actor,
    path: Path | str,
    document_slug: str,
    version_label: str,
    channel: str,
    source: str,
    errors_path: Path | str | None = None,
    batch_size: int = BATCH_SIZE,
    max_bytes: int | None = None,
    progress: Callable[[Progress], None] | None = None,
    first_errors: int = 20,
    shard: tuple[int, int] | None = None,
    receipts_path: Path | str | None = None,
) -> ImportResult:
    """Import a file of proposals; return the counts. See the module docstring.

    Raises ImportFileError for a file that cannot be imported at all and ValidationError for
    bad arguments (channel, draft version, source). Each batch is committed on its own, so an
    interruption keeps the batches before it; running the import again completes it.
    ``shard=(k, n)`` imports only the rows whose number is k modulo n, so that n processes
    can share one file.
    """
    path = Path(path)
    errors: dict[str, list[str]] = {}
    if channel not in IMPORT_CHANNELS:
        errors["channel"] = [
            _("An import comes on one of the channels: %(channels)s.")
            % {"channels": ", ".join(IMPORT_CHANNELS)}
        ]
    if not source.strip() or len(source) > 200:
        errors["source"] = [
            _("Name the source (the file, organisation or meeting), at most 200 characters.")
        ]
    version = (
        Version.objects.select_related("document")
        .filter(document__slug=document_slug, label=version_label)
        .first()
    )
    if version is None:
        errors["version"] = [
            _("There is no draft %(document)s/%(version)s.")
            % {"document": document_slug, "version": version_label}
        ]
    if errors:
        raise ValidationError(errors)
    assert version is not None
    fmt = file_format(path, max_bytes=max_bytes)
    result = ImportResult()
    started = time.monotonic()
    report: IO[str] | None = None
    writer = None
    if errors_path:
        report = Path(errors_path).open("w", newline="", encoding="utf-8")
        writer = csv.writer(report)
        writer.writerow(["row", "id", "field", "message"])
    receipts_file: ReceiptsFile | None = None
    if receipts_path:
        receipts_file = ReceiptsFile(Path(receipts_path))
    rows = read_rows(path, fmt)
    if shard is not None:
        k, n = shard
        rows = (row for row in rows if row[0] % n == k)
    try:
        targets: TargetCache = {}
        for batch in _batches(rows, batch_size):
            batch_receipts: list[tuple[int, str, str, str]] = []
            created, skipped, row_errors = proposals_import_batch(
                targets=targets,
                actor=actor,
                version=version,
                channel=channel,
                source=source.strip(),
                rows=batch,
                receipts=batch_receipts if receipts_file is not None else None,
                # The secrets are on disk before their proposals are committed: a crash
                # between the two leaves a line for a code never stored (the re-run writes
                # the row again with its real code), never a stored proposal without its
                # secret.
                before_commit=receipts_file.write_durably if receipts_file is not None else None,
            )
            result.rows += len(batch)
            result.created += created
            result.skipped += skipped
            result.failed += len({e.row for e in row_errors})
            room = first_errors - len(result.first_errors)
            if room > 0:
                result.first_errors.extend(row_errors[:room])
            if writer is not None and report is not None:
                writer.writerows([e.row, e.external_id, e.field, e.message] for e in row_errors)
                report.flush()
            if progress is not None:
                progress(
                    Progress(
                        result.rows,
                        result.created,
                        result.skipped,
                        result.failed,
                        time.monotonic() - started,
                    )
                )
    except ImportFileError as exc:
        # A damaged row further down: the batches before it are committed and stay.
        exc.partial = result  # type: ignore[attr-defined]
        raise
    finally:
        if receipts_file is not None:
            receipts_file.close()
        if report is not None:
            report.close()
    result.seconds = time.monotonic() - started
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="proposals.import",
            target=version,
            data={
                "file": path.name,
                "channel": channel,
                "source": source,
                "rows": result.rows,
                "created": result.created,
                "skipped": result.skipped,
                "failed": result.failed,
            },
        )
    return result
