"""Benchmark of geography and outreach: the full KATO import and coverage pages at scale.

1. ``kenes import-kato`` of the full shared classifier (16,264 units) into an empty database;
2. 100,000 generated meetings (70 % held with attendance, 30 % planned over the next 30 days)
   spread over every settlement of the full tree, by 30 organisations — bulk-inserted (the
   generator is not what is measured);
3. the coverage page (national, and one region with its districts), the CSV export and the
   calendar, rendered in process through Django's test client: p50/p95 page time.

    .venv/bin/python bench/outreach_bench.py                      # SQLite in a temporary dir
    .venv/bin/python bench/outreach_bench.py --database-url postgres://postgres@127.0.0.1/kenes_bench_outreach

The PostgreSQL database is dropped and created again. Prints one JSON object per section; the
figures are copied into bench/README-outreach.md. Needs ../shared/data (exits with a message
when it is absent).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KENES_SHARED_DIR", ROOT.parent / "shared")) / "data" / "kz"
KATO = SHARED / "kato_2022-10-17_ru.csv"


def emit(name: str, data: dict[str, Any]) -> None:
    print(json.dumps({"section": name, **data}, ensure_ascii=False), flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    if not KATO.is_file():
        sys.exit(f"needs {KATO}, which is absent")
    data_dir = tempfile.mkdtemp(prefix="kenes-outreach-bench-")
    os.environ["KENES_DATA_DIR"] = data_dir
    os.environ.setdefault("KENES_LOG_LEVEL", "WARNING")
    if args.database_url:
        os.environ["KENES_DATABASE_URL"] = args.database_url
        if args.database_url.startswith("postgres"):
            import psycopg

            base, _, name = args.database_url.rpartition("/")
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DJANGO_SETTINGS_MODULE"] = "kenes.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("import_kato", str(KATO), stdout=io.StringIO())
    emit(
        "kato_import",
        {
            "database": connection.vendor,
            "units": 16264,
            "seconds": round(time.monotonic() - started, 2),
        },
    )

    from kenes.coalition.models import Branch, Organisation
    from kenes.drafts import demo
    from kenes.drafts.services import draft_version_import
    from kenes.geo.models import Unit
    from kenes.outreach.models import Meeting

    version = draft_version_import(
        actor=None, doc=demo.build("v1", "ru"), document_slug="demo", version_label="v1"
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"org-{n}",
                name_kk=f"Ұйым {n}",
                name_ru=f"Организация {n}",
                kind="party" if n < 5 else "public_association",
                joined_on=timezone.localdate(),
            )
            for n in range(30)
        ]
    )
    Branch.objects.bulk_create([Branch(organisation=o, region="") for o in orgs])
    settlements = list(
        Unit.objects.filter(is_settlement=True).values_list("code", "region_code", "district_id")
    )
    rng = random.Random(100)
    now = timezone.now()
    started = time.monotonic()
    batch = []
    for n in range(args.meetings):
        code, region, district = rng.choice(settlements)
        held = rng.random() < 0.7
        batch.append(
            Meeting(
                organisation=orgs[n % 30],
                settlement_id=code,
                region_code=region,
                district_code=district or "",
                version=version,
                audience="residents",
                starts_at=now
                + (
                    timedelta(days=-rng.randint(1, 90))
                    if held
                    else timedelta(days=rng.randint(1, 30))
                ),
                place="Клуб",
                language="kk",
                status="held" if held else "planned",
                attendees=rng.randint(5, 80) if held else 0,
            )
        )
        if len(batch) == 5000:
            Meeting.objects.bulk_create(batch)
            batch = []
    Meeting.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    emit(
        "generate",
        {"meetings": Meeting.objects.count(), "seconds": round(time.monotonic() - started, 1)},
    )

    client = Client()
    pages = {
        "coverage (20 regions, map, organisations)": "/outreach/coverage/",
        "coverage of a region with its districts": "/outreach/coverage/?region=61",
        "calendar, a region": "/outreach/?region=63",
        "calendar, a district": "/outreach/?region=61&district=612000000",
        "coverage.csv (20 regions + every district)": "/outreach/coverage.csv",
    }
    for label, url in pages.items():
        times = []
        runs = args.requests if "csv" not in url else max(5, args.requests // 5)
        for _ in range(runs + 2):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        times = times[2:]  # warm-up
        emit(
            "page",
            {
                "page": label,
                "url": url,
                "requests": runs,
                "p50_ms": pct(times, 0.5),
                "p95_ms": pct(times, 0.95),
                "mean_ms": round(statistics.fmean(times) * 1000, 1),
                "bytes": len(response.content),
            },
        )


if __name__ == "__main__":
    main()
