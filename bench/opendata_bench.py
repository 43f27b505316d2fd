"""Benchmark: `kenes opendata build` on N generated proposals (PostgreSQL).

Creates (or reuses with --reuse) the database ``kenes_bench_opendata``, migrates it and fills it
with the generator of ``report_bench.py`` (N proposals on the demo law v1 over 30 days, every
channel, region and language; answers for 70 %; 30 campaigns; a signed ledger checkpoint), plus
one article link per proposal on an article, a change link for every accepted proposal on
article 6, and an IIN and a phone typed into 1 % of the texts (so masking is exercised). Then
it runs ``kenes opendata build`` in a child process and prints one line:

    RESULT proposals=N seconds=S max_rss_mb=M zip_bytes=B rows=R

    .venv/bin/python bench/opendata_bench.py --proposals 100000
    .venv/bin/python bench/opendata_bench.py --proposals 1000000

Targets (issue #12): 1M proposals in ≤ 5 min and ≤ 2 GB.
"""

# ruff: noqa: S608  (the SQL here is built from this script's own constants)
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import report_bench  # noqa: E402  (the shared generator)

DB = "kenes_bench_opendata"
report_bench.DB = DB
psql = report_bench.psql
PG = report_bench.PG


def extra() -> None:
    from django.db import connection

    from kenes.drafts.models import Article

    art6_v1 = Article.objects.get(version__label="v1", version__document__slug="demo", number="6")
    art6_v2 = Article.objects.get(version__label="v2", version__document__slug="demo", number="6")
    t = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO insights_articlelink (proposal_id, article_id, point_id, score, rank,
                source, run_id, model_version)
            SELECT id, article_id, NULL, 1.0, 1, 'explicit', NULL, 'bench'
            FROM proposals_proposal WHERE article_id IS NOT NULL
            """
        )
        cur.execute(
            f"""
            INSERT INTO changes_changelink (proposal_id, old_version_id, new_version_id,
                old_article_id, old_point_id, new_article_id, new_point_id, kind, key,
                suggested, created_by_id, created_at)
            SELECT p.id, {art6_v1.version_id}, {art6_v2.version_id}, {art6_v1.pk}, NULL,
                {art6_v2.pk}, NULL, 'changed', '6.>6.', true, NULL, now()
            FROM proposals_proposal p JOIN review_answer a ON a.proposal_id = p.id
            WHERE p.article_id = {art6_v1.pk} AND a.decision = 'accepted'
            """
        )
        cur.execute(
            "UPDATE proposals_proposal SET text = text || ' Мой телефон 8 701 123 45 67, "
            "ИИН 900101300123.' WHERE id % 100 = 0"
        )
    psql("VACUUM ANALYZE", DB)
    print(f"article and change links in {time.monotonic() - t:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname='{DB}'")
    fresh = not args.reuse or exists != "1"
    if fresh:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        psql(f"CREATE DATABASE {DB}")
    tmp = tempfile.mkdtemp(prefix="kenes-opendata-bench-")
    env = {
        **os.environ,
        "KENES_DATABASE_URL": f"{PG}/{DB}",
        "KENES_DATA_DIR": tmp,
        "DJANGO_SETTINGS_MODULE": "kenes.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    if fresh:
        call_command("migrate", verbosity=0)
        report_bench.generate(args.proposals)
        extra()
    out = Path(tmp) / "out"
    kenes = Path(sys.executable).with_name("kenes")
    started = time.monotonic()
    subprocess.run([str(kenes), "opendata", "build", "--out", str(out)], check=True, env=env)
    seconds = time.monotonic() - started
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    (path,) = out.glob("kenes-opendata-*.zip")
    with zipfile.ZipFile(path) as zf:
        rows = json.loads(zf.read("datapackage.json"))["kenes"]["rows"]
        text = zf.read("proposals.csv").decode()
    assert "900101300123" not in text and "123 45 67" not in text, "personal data leaked"
    print(
        f"RESULT proposals={rows['proposals']} seconds={seconds:.1f} max_rss_mb={rss_mb:.0f} "
        f"zip_bytes={path.stat().st_size} rows={sum(rows.values())}"
    )


if __name__ == "__main__":
    main()
