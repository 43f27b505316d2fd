"""Build the open-data package: a ZIP holding a Frictionless Data Package.

``DIR/kenes-opendata-YYYY-MM-DD.zip`` contains one CSV per table (UTF-8, header row), a
``datapackage.json`` describing each with a Table Schema (plus its byte size and SHA-256), the
licence (CC BY 4.0 unless ``KENES_OPENDATA_LICENSE`` says otherwise), and the ledger checkpoint
the package was built at (``ledger-checkpoint.txt``: the signed note), so anyone can check the
package's answers and change links against the public log.

Rows are streamed from the database into the ZIP entry by entry; memory stays flat whatever the
number of proposals.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from kenes.ledger.models import Checkpoint
from kenes.opendata.tables import TABLES, Table

PREFIX = "kenes-opendata-"
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("CC0 1.0 Public Domain Dedication", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}  # fmt: skip


def licence() -> dict[str, str]:
    name = getattr(settings, "KENES_OPENDATA_LICENSE", "CC-BY-4.0") or "CC-BY-4.0"
    title, path = LICENCES.get(name, (name, ""))
    out = {"name": name, "title": title}
    if path:
        out["path"] = path
    return out


def package_name(day: dt.date) -> str:
    return f"{PREFIX}{day.isoformat()}.zip"


class _HashingWriter(io.RawIOBase):
    """Pass bytes through to ``target`` while counting them and hashing them with SHA-256."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self.sha.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


@dataclass
class BuildResult:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    checkpoint_size: int | None = None

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.rows.items())
        ledger = (
            f"ledger checkpoint {self.checkpoint_size}"
            if self.checkpoint_size is not None
            else "no ledger checkpoint yet"
        )
        return f"{self.path}: {counts}; {ledger}"


def _write_table(zf: zipfile.ZipFile, table: Table) -> tuple[int, int, str]:
    with zf.open(f"{table.name}.csv", "w", force_zip64=True) as raw:
        hashing = _HashingWriter(raw)
        text = io.TextIOWrapper(
            io.BufferedWriter(hashing, buffer_size=1 << 16), encoding="utf-8", newline=""
        )
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([f.name for f in table.fields])
        n = 0
        for row in table.rows():
            writer.writerow(row)
            n += 1
        text.flush()
        text.detach().flush()
    return n, hashing.size, hashing.sha.hexdigest()


def build_package(*, out_dir: Path, day: dt.date | None = None) -> BuildResult:
    """Write the package for ``day`` (today by default) into ``out_dir``; return what it holds.

    The ZIP is written under a temporary name and renamed at the end, so a reader never sees
    half a package; a package of the same day is replaced.
    """
    day = day or timezone.localdate()
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / package_name(day)
    tmp = out_dir / f".{final.name}.{os.getpid()}.tmp"
    checkpoint = Checkpoint.objects.order_by("-size").first()
    result = BuildResult(final, checkpoint_size=checkpoint.size if checkpoint else None)
    resources = []
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for name, make in TABLES.items():
                table = make()
                n, size, digest = _write_table(zf, table)
                result.rows[name] = n
                resources.append(
                    {
                        "name": table.name,
                        "title": table.title,
                        "path": f"{table.name}.csv",
                        "profile": "tabular-data-resource",
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "bytes": size,
                        "hash": f"sha256:{digest}",
                        "schema": {
                            "fields": [
                                {"name": f.name, "type": f.type, "description": f.description}
                                for f in table.fields
                            ]
                        },
                    }
                )
            ledger: dict[str, Any] = {"checkpoint": None}
            if checkpoint is not None:
                zf.writestr("ledger-checkpoint.txt", checkpoint.note)
                ledger = {
                    "checkpoint": "ledger-checkpoint.txt",
                    "size": checkpoint.size,
                    "root_hash": bytes(checkpoint.root_hash).hex(),
                    "signed_at": checkpoint.created_at.isoformat(timespec="seconds"),
                    "verify": "kenes verify --checkpoint ledger-checkpoint.txt, or /ledger/verify/",
                }
            descriptor = {
                "profile": "tabular-data-package",
                "name": f"kenes-opendata-{day.isoformat()}",
                "title": "Kenes public consultation: proposals, answers and changes",
                "description": (
                    "Open data of a Kenes consultation. Personal data is never included: no "
                    "contact, IIN or name; IINs, phones, e-mails and introduced names typed "
                    "into free text are masked."
                ),
                "created": timezone.now().isoformat(timespec="seconds"),
                "homepage": f"{settings.KENES_PUBLIC_URL}/open-data/",
                "licenses": [licence()],
                "kenes": {"ledger": ledger, "rows": result.rows},
                "resources": resources,
            }
            zf.writestr(
                "datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
            )
        tmp.replace(final)
    finally:
        tmp.unlink(missing_ok=True)
    return result
