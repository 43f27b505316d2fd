"""Benchmark: `kenes report build` (the commission's final report) on N generated proposals.

Creates (or reuses with --reuse) the PostgreSQL database ``kenes_bench_report``, migrates it,
loads the demo law v1 and v2 (kk and ru), then writes N proposals on v1 straight with SQL
(``generate_series``: 30 days, every channel, region and language, 85 % on an article), answers
for 70 % of them (with reasons; accepted ones name the changed article of v2), 30 campaigns
holding 10 % of the proposals, and a signed ledger checkpoint. Then it times the report build
in this process (figures recomputed from the database + typesetting) and prints one line:

    RESULT proposals=N seconds=S data_seconds=D typeset_seconds=T max_rss_mb=M pages=P bytes=B

    .venv/bin/python bench/report_bench.py --proposals 100000
    .venv/bin/python bench/report_bench.py --proposals 1000000

The generated rows skip the intake service on purpose (a bulk import of 1M takes ~8 min and is
measured by import_bench.py); the report reads the same tables either way.
"""

# ruff: noqa: S608  (the SQL here is built from this script's own constants)
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG = os.environ.get("KENES_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "kenes_bench_report"


def psql(sql: str, db: str = "postgres") -> str:
    done = subprocess.run(["psql", f"{PG}/{db}", "-qtAc", sql], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"psql {sql!r} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def checkpoint(n: int) -> None:
    """Sign a ledger checkpoint (the report prints the one it was built at)."""
    from django.db import transaction

    from kenes.drafts.models import Version
    from kenes.ledger.models import Checkpoint
    from kenes.ledger.services import ledger_sequence
    from kenes.proposals.services import proposal_submit

    if Checkpoint.objects.exists():
        return
    with transaction.atomic():
        # One proposal through the service, so the ledger has an entry to sign (the generated
        # rows are written by SQL, beside the ledger).
        proposal_submit(
            actor=None,
            version=Version.objects.order_by("pk").first(),
            channel="web",
            text=f"Предлагаю опубликовать итоговый отчёт по всем {n} предложениям.",
        )
    ledger_sequence()


def generate(n: int) -> None:
    from django.db import connection

    from kenes.drafts import demo
    from kenes.drafts.models import Article
    from kenes.drafts.services import draft_version_import

    versions = []
    for label in ("v1", "v2"):
        for lang in ("ru", "kk"):
            v = draft_version_import(
                actor=None, doc=demo.build(label, lang), document_slug="demo", version_label=label
            )
        versions.append(v)
    v1, v2 = versions
    arts = list(
        Article.objects.filter(version=v1).order_by("position").values_list("pk", flat=True)
    )
    art6_v2 = Article.objects.get(version=v2, number="6").pk
    regions = ["10", "11", "15", "19", "23", "27", "31", "33", "35", "39", "43", "47", "55",
               "59", "61", "62", "63", "71", "75", "79"]  # fmt: skip
    arts_sql = "ARRAY[" + ",".join(map(str, arts)) + "]"
    regions_sql = "ARRAY[" + ",".join(f"'{r}'" for r in regions) + "]"
    t = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO proposals_proposal (
                code, secret_digest, text, text_hash, language, language_detected, version_id,
                article_id, point_id, author_kind, region, contact, author_index, consent,
                consent_text, channel, source, source_ref, external_id, state, submitted_at,
                updated_at, public_text, visibility, hide_reason, flood_flags)
            SELECT
                'BENCH-' || lpad(i::text, 8, '0'), md5(i::text), t.text,
                md5('t' || i::text),
                CASE WHEN i %% 4 IN (1, 3) THEN 'kk' ELSE 'ru' END,
                i %% 3 = 0,
                {v1.pk},
                CASE WHEN i %% 20 < 17 THEN ({arts_sql})[1 + (i * 7) %% {len(arts)}] END,
                NULL,
                (ARRAY['citizen','citizen','citizen','expert','organisation','meeting'])[1 + i %% 6],
                ({regions_sql})[1 + (i * 13) %% {len(regions)}],
                '', '', true, '',
                (ARRAY['web','web','web','api','file','meeting','paper','email'])[1 + (i * 5) %% 8],
                '', '', '',
                CASE WHEN i %% 10 < 7 THEN 'answered' WHEN i %% 10 = 7 THEN 'in_review'
                     WHEN i %% 10 = 8 THEN 'merged' ELSE 'received' END,
                now() - ((i %% 30) || ' days')::interval - ((i %% 86400) || ' seconds')::interval,
                now(), t.text, 'published', '', '[]'
            FROM generate_series(1, %s) AS i,
            LATERAL (SELECT
                CASE i %% 4
                  WHEN 0 THEN 'Предлагаю продлить срок консультаций до девяноста дней, вариант ' || (i %% 997)
                  WHEN 1 THEN 'Мерзімді ұзартуды ұсынамын: әр ауылда талқылау өтсін, нұсқа ' || (i %% 991)
                  WHEN 2 THEN 'Прошу публиковать сводную таблицу всех предложений и ответов № ' || (i %% 983)
                  ELSE 'Жиналыстар әр өңірде қазақ және орыс тілдерінде өтуі керек, ұсыныс ' || (i %% 977)
                END AS text) AS t
            """,
            [n],
        )
        cur.execute(
            f"""
            INSERT INTO review_answer (
                proposal_id, decision, reason_kk, reason_ru, changed_article_id,
                changed_point_id, "group", answered_by_id, answered_at)
            SELECT p.id,
                (ARRAY['accepted','partly_accepted','not_accepted','not_accepted',
                       'out_of_scope'])[1 + p.id % 5],
                'Ұсыныс қаралды, шешім негізі № ' || (p.id % 7),
                'Предложение рассмотрено, основание № ' || (p.id % 7),
                CASE WHEN p.id % 5 = 0 AND p.article_id = {arts[5]} THEN {art6_v2} END,
                NULL, NULL, NULL, now()
            FROM proposals_proposal p WHERE p.state = 'answered'
            """
        )
        for c in range(30):
            cur.execute(
                """
                INSERT INTO insights_campaign (version_id, kind, label, template, template_lang,
                    languages, size, representative_ids, created_at, model_version, run_id)
                SELECT %s, 'letter', %s, %s, 'ru', '{}'::jsonb,
                    (SELECT COUNT(*) FROM proposals_proposal p WHERE p.id %% 300 = %s),
                    (SELECT jsonb_agg(id) FROM (SELECT id FROM proposals_proposal p
                        WHERE p.id %% 300 = %s ORDER BY id LIMIT 3) s),
                    now(), 'bench', NULL
                RETURNING id
                """,
                [v1.pk, f"Кампания {c}", f"Шаблон кампании {c}", c, c],
            )
            cid = cur.fetchone()[0]
            cur.execute(
                """
                INSERT INTO insights_campaignmember (campaign_id, proposal_id, additions,
                    similarity, via, model_version, run_id)
                SELECT %s, id, '', 1.0, 'lexical', 'bench', NULL FROM proposals_proposal p
                WHERE p.id %% 300 = %s
                """,
                [cid, c],
            )
    psql("VACUUM ANALYZE", DB)
    print(f"generated {n} proposals in {time.monotonic() - t:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--language", default="kk", choices=["kk", "ru"])
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname='{DB}'")
    fresh = not args.reuse or exists != "1"
    if fresh:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        psql(f"CREATE DATABASE {DB}")
    tmp = tempfile.mkdtemp(prefix="kenes-report-bench-")
    os.environ["KENES_DATABASE_URL"] = f"{PG}/{DB}"
    os.environ["KENES_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if fresh:
        generate(args.proposals)
    checkpoint(args.proposals)
    from kenes.drafts.models import Version
    from kenes.reports import rendering, selectors

    version = Version.objects.get(document__slug="demo", label="v1")
    out = Path(tmp) / "report.pdf"
    started = time.monotonic()
    data = selectors.report_data(version=version, lang=args.language)
    data_s = time.monotonic() - started
    html = rendering.report_html(data)
    size, _digest = rendering.write_pdf(html, out)
    total_s = time.monotonic() - started
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    n_pages = next(
        (line.split()[-1] for line in pages.splitlines() if line.startswith("Pages")), "?"
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"RESULT proposals={data.total} seconds={total_s:.1f} data_seconds={data_s:.1f} "
        f"typeset_seconds={total_s - data_s:.1f} max_rss_mb={rss_mb:.0f} pages={n_pages} "
        f"bytes={size}"
    )


if __name__ == "__main__":
    main()
