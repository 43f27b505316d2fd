"""Reads for the open-data page: the packages already built, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kenes.opendata.build import PREFIX, licence

__all__ = ["Package", "licence", "output_dir", "packages"]


def output_dir() -> Path:
    configured = getattr(settings, "KENES_OPENDATA_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "opendata"


@dataclass
class Package:
    name: str
    day: dt.date
    size: int
    url: str


def packages(limit: int = 60) -> list[Package]:
    folder = output_dir()
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob(f"{PREFIX}*.zip"):
        try:
            day = dt.date.fromisoformat(path.stem[len(PREFIX) :])
        except ValueError:
            continue
        out.append(
            Package(
                path.name, day, path.stat().st_size, f"{settings.MEDIA_URL}opendata/{path.name}"
            )
        )
    return sorted(out, key=lambda p: p.day, reverse=True)[:limit]
