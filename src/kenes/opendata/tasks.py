"""The background build: queued by ``kenes opendata build --enqueue`` (daily from cron or a
systemd timer, see docs/operations.md) and by the staff."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task

from kenes.opendata.build import build_package
from kenes.opendata.selectors import output_dir


@task()
def opendata_build(out: str = "") -> str:
    result = build_package(out_dir=Path(out) if out else output_dir())
    return result.summary()
