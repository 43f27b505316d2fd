"""Benchmark: the public dashboard ``GET /stats/`` at 50 concurrent clients on 100k or 1M
generated proposals (PostgreSQL, gunicorn, wrk).

Creates (drops first) the database ``kenes_bench_stats``, migrates it, loads the demo draft,
generates ``--rows`` proposals with SQL (spread over 60 days, 20 regions, every article and
channel; 40 % answered with the four decisions), recounts the counters once with
``counters_rebuild`` (what an upgrade's migration does; new proposals then update them in
their own transaction), checks that they equal a direct count, times the dashboard selector
in-process, then serves the portal with gunicorn on a free loopback port and drives ``/stats/``
(all drafts and one version, kk and ru) with wrk in three phases: no cache at all (every
request reads the counters and renders the page), the per-worker 5 s figures cache only, and the
defaults (also the 30 s anonymous page cache of ``kenes.core.public``). The target is judged on
the defaults, the configuration a deployment runs.

    .venv/bin/python bench/stats_bench.py --rows 100000 --seconds 30
    .venv/bin/python bench/stats_bench.py --rows 1000000 --seconds 30
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from intake_bench import BIN, PG, REPO, fresh_database, gunicorn, show, wrk

DB = "kenes_bench_stats"

GENERATE = """
INSERT INTO proposals_proposal (
  code, secret_digest, text, text_hash, language, language_detected, version_id, article_id,
  point_id, author_kind, region, contact, author_index, consent, consent_text, channel,
  source, source_ref, external_id, state, submitted_at, updated_at, public_text, visibility,
  hide_reason, flood_flags)
SELECT
  'KNS-B' || lpad(to_hex(g), 8, '0'), '', 'Сгенерированное предложение номер ' || g,
  md5(g::text), (ARRAY['kk','ru','ru'])[1 + g % 3], false, {version},
  CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY[{articles}])[1 + g % {n_articles}] END,
  NULL, 'citizen',
  (ARRAY['10','11','15','19','23','27','31','33','35','39','43','47','51','55','59','61','63',
         '71','75','79'])[1 + g % 20],
  '', '', false, '', (ARRAY['web','web','web','api','file','meeting','paper'])[1 + g % 7],
  '', '', '', CASE WHEN g % 5 < 2 THEN 'answered' WHEN g % 5 = 2 THEN 'in_review'
                   ELSE 'received' END,
  now() - (g % 60) * interval '1 day' - (g % 1440) * interval '1 minute', now(),
  'Сгенерированное предложение номер ' || g, 'published', '', '[]'
FROM generate_series(1, {rows}) AS g;
INSERT INTO review_answer (proposal_id, decision, reason_kk, reason_ru, answered_at)
SELECT id, (ARRAY['accepted','partly_accepted','not_accepted','out_of_scope'])[1 + id % 4],
       'Негіздеме ' || (id % 50), 'Обоснование ' || (id % 50), now()
FROM proposals_proposal WHERE state = 'answered';
"""

PREPARE = """
import json, statistics, time
from kenes.drafts.models import Version
v = Version.objects.get(document__slug="demo", label="v2")
ids = list(v.articles.values_list("id", flat=True))
print(json.dumps({"version": v.pk, "articles": ids}))
"""

CHECK = """
import json, statistics, time
from django.db import connection
from kenes.accountability.recount import recount_items
from kenes.accountability.services import counters_rebuild
from kenes.accountability.selectors import dashboard
from kenes.counters.selectors import counter_totals
from kenes.proposals.models import Proposal
from kenes.review.models import Answer
t = time.perf_counter(); counters_rebuild(actor=None); rebuild = time.perf_counter() - t
totals = counter_totals()
direct = {}
for v, d, k, n in recount_items(Proposal, Answer):
    direct.setdefault(d, {})[k] = direct.setdefault(d, {}).get(k, 0) + n
ok = {d: {k: n for k, n in c.items() if n} for d, c in direct.items()} == totals
times = []
for _ in range(30):
    t = time.perf_counter(); dashboard(); times.append((time.perf_counter() - t) * 1000)
with connection.cursor() as c:
    c.execute("SELECT COUNT(*) FROM counters_tally"); tally_rows = c.fetchone()[0]
t = time.perf_counter(); Proposal.objects.count(); scan = (time.perf_counter() - t) * 1000
from django.conf import settings
from django.test import Client
settings.ALLOWED_HOSTS = ["*"]
client = Client()
page = {}
for seconds, page_cache in ((0, 0), (5, 0), (5, 30)):
    settings.KENES_STATS_CACHE_SECONDS = seconds
    settings.KENES_PUBLIC_MAX_AGE = page_cache
    client.get("/stats/?lang=ru")
    cpu = []
    for _ in range(20):
        t = time.process_time(); client.get("/stats/?lang=ru"); cpu.append((time.process_time() - t) * 1000)
    page[seconds + page_cache] = statistics.median(cpu)
print(json.dumps({"rebuild_s": rebuild, "equal": ok, "inproc_ms": statistics.median(times),
                  "tally_rows": tally_rows, "count_scan_ms": scan,
                  "page_cpu_ms": page[0], "cached_page_cpu_ms": page[5],
                  "page_cache_cpu_ms": page[35]}))
"""

LUA = r"""
local paths = {"/stats/?lang=kk", "/stats/?lang=ru", "/stats/?version=demo/v2&lang=ru",
               "/stats/?version=demo/v2&lang=kk"}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def shell(env: dict[str, str], code: str) -> str:
    out = subprocess.run(
        [str(BIN / "kenes"), "shell", "-c", code],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = fresh_database(DB, Path(tmp))
        env["KENES_LEDGER_AUTOSEQUENCE"] = "0"
        meta = json.loads(shell(env, PREPARE))
        t = time.perf_counter()
        sql = GENERATE.format(
            version=meta["version"],
            articles=",".join(map(str, meta["articles"])),
            n_articles=len(meta["articles"]),
            rows=args.rows,
        )
        subprocess.run(["psql", f"{PG}/{DB}", "-q", "-c", sql], check=True)
        subprocess.run(["psql", f"{PG}/{DB}", "-qc", "VACUUM ANALYZE"], check=True)
        generate_s = time.perf_counter() - t
        check = json.loads(shell(env, CHECK))
        print(
            f"{os.cpu_count()} cores; {args.rows} proposals generated in {generate_s:.0f} s; "
            f"counters rebuilt in {check['rebuild_s']:.1f} s ({check['tally_rows']} rows), "
            f"equal to a direct count: {check['equal']}; dashboard selector in-process "
            f"median {check['inproc_ms']:.1f} ms (one COUNT(*) of proposals: "
            f"{check['count_scan_ms']:.0f} ms); whole page CPU per request in-process: "
            f"{check['page_cpu_ms']:.1f} ms, {check['cached_page_cpu_ms']:.1f} ms with the figures "
            f"cache, {check['page_cache_cpu_ms']:.2f} ms from the page cache; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        results = {}
        phases = (
            ("no cache", {"KENES_STATS_CACHE_SECONDS": "0", "KENES_PUBLIC_MAX_AGE": "0"}),
            ("5 s figures cache", {"KENES_STATS_CACHE_SECONDS": "5", "KENES_PUBLIC_MAX_AGE": "0"}),
            ("defaults (+30 s page cache)", {}),
        )
        for label, extra_env in phases:
            run_env = {**env, **extra_env}
            with gunicorn(run_env, workers=args.workers) as base:
                # Each worker loads the regions map and compiles the templates once.
                for _ in range(4 * args.workers):
                    with urllib.request.urlopen(base + "/stats/?lang=ru", timeout=60) as r:  # noqa: S310
                        r.read()
                r = wrk(
                    base + "/stats/", seconds=args.seconds, connections=args.connections, lua=LUA
                )
            show(f"/stats/ {label}", r)
            results[label] = r
        nc, c5 = results["no cache"], results["5 s figures cache"]
        dflt = results["defaults (+30 s page cache)"]
        print(
            f"RESULT rows={args.rows} equal={check['equal']} rebuild_s={check['rebuild_s']:.1f} "
            f"inproc_ms={check['inproc_ms']:.1f} page_cpu_ms={check['page_cpu_ms']:.1f} "
            f"cached_page_cpu_ms={check['cached_page_cpu_ms']:.1f} rps={nc['rps']:.0f} p50_ms={nc['p50']:.1f} "
            f"p95_ms={nc['p95']:.1f} p99_ms={nc['p99']:.1f} non2xx={nc['non_2xx']:.0f} "
            f"cached_rps={c5['rps']:.0f} cached_p95_ms={c5['p95']:.1f} "
            f"default_rps={dflt['rps']:.0f} default_p50_ms={dflt['p50']:.1f} "
            f"default_p95_ms={dflt['p95']:.1f} default_non2xx={dflt['non_2xx']:.0f} "
            f"load_after={os.getloadavg()[0]:.1f} target_p95_ms=100 met={dflt['p95'] <= 100}"
        )


if __name__ == "__main__":
    main()
