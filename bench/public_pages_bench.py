"""Benchmark: public pages at 50 concurrent clients over 100k (or 1M) proposals.

Sets up its own PostgreSQL database (``kenes_perf_b_bench`` by default: migrate, the demo draft,
a few real proposals through the service, then ``--rows`` generated proposals in one
``INSERT ... SELECT generate_series`` inside PostgreSQL), serves it with gunicorn (gthread
workers, kenes/gunicorn_conf.py) on a free loopback port and drives each page family with wrk
for ``--seconds``: the HTML list and search, the API list and search with and without counts,
article pages with their proposals, the tracker. Beside them, ``/healthz`` (no database) gives
the stack's ceiling on this machine at that moment. Bounded by ``--budget`` seconds overall.

    .venv/bin/python bench/public_pages_bench.py --rows 100000 --seconds 15

Prints one line per page family and one ``RESULT`` line (worst p95 over the families).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from intake_bench import BIN, PG, REPO, free_port, fresh_database, show, wrk

DB = os.environ.get("BENCH_DB", "kenes_perf_b_bench")

REAL = """
from kenes.drafts.models import Version
from kenes.proposals.services import proposal_submit
v = Version.objects.filter(document__slug="demo", label="v2").first()
for n in range(20):
    s = proposal_submit(actor=None, version=v, channel="web",
                        text=f"Предлагаю уточнить порядок проведения референдума, пункт {n}.")
    print(s.proposal.code)
"""

# Generated text: a Russian or Kazakh sentence from word lists, varied by the row number.
GENERATE = r"""
WITH w AS (
  SELECT
    ARRAY['налог','выборы','парламент','суд','прозрачность','отчёт','бюджет','школа',
          'больница','пенсия','референдум','акимат','земля','язык','право','свобода',
          'маслихат','президент','конституция','гражданин'] AS ru,
    ARRAY['салық','сайлау','парламент','сот','ашықтық','есеп','бюджет','мектеп',
          'аурухана','зейнетақы','референдум','әкімдік','жер','тіл','құқық','бостандық',
          'мәслихат','президент','конституция','азамат'] AS kk,
    ARRAY['received','in_review','answered','merged'] AS states,
    ARRAY['web','api','file','meeting','paper','email'] AS channels,
    ARRAY['71','75','79','11','15','19','23','27','31','35','39','43','47','62','55','59',
          '61','63','33','10'] AS regions,
    (SELECT array_agg(id ORDER BY id) FROM drafts_article a
      WHERE a.version_id = (SELECT id FROM drafts_version v
                            WHERE v.label = 'v2' LIMIT 1)) AS articles,
    (SELECT id FROM drafts_version WHERE label = 'v2' LIMIT 1) AS version_id
)
INSERT INTO proposals_proposal (
  code, secret_digest, text, text_hash, language, language_detected, author_kind, region,
  contact, author_index, consent, consent_text, channel, source, source_ref, external_id,
  state, submitted_at, updated_at, article_id, version_id, public_text, visibility,
  hide_reason, flood_flags)
SELECT
  'G-' || lpad(to_hex(i), 12, '0'), '', t.text, md5(t.text), t.lang, false, 'citizen',
  w.regions[1 + i % 20], '', '', false, '', w.channels[1 + i % 6], 'bench', '', '',
  w.states[1 + (i / 7) % 4],
  now() - make_interval(secs => ({rows} - i) * 3),
  now(),
  CASE WHEN i % 3 = 0 THEN NULL ELSE w.articles[1 + i % array_length(w.articles, 1)] END,
  w.version_id, t.text, 'published', '', '[]'
FROM w, generate_series(1, {rows}) AS i,
LATERAL (SELECT
  CASE WHEN i % 3 = 0 THEN 'kk' ELSE 'ru' END AS lang,
  CASE WHEN i % 3 = 0 THEN
    'Ұсынамын: ' || w.kk[1 + i % 20] || ' және ' || w.kk[1 + (i / 20) % 20] || ' туралы '
    || w.kk[1 + (i / 400) % 20] || ' бабын өзгерту, нөмір ' || i
  ELSE
    'Предлагаю изменить норму: ' || w.ru[1 + i % 20] || ' и ' || w.ru[1 + (i / 20) % 20]
    || ', а также ' || w.ru[1 + (i / 400) % 20] || ' — обращение номер ' || i
  END AS text) AS t;
"""


def psql(sql: str, db: str = DB) -> str:
    return subprocess.run(
        ["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-qtAc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def lua(paths: list[str], htmx: bool = False) -> str:
    quoted = ", ".join(f'"{p}"' for p in paths)
    hx = ', ["HX-Request"] = "true"' if htmx else ""
    return f"""
local paths = {{{quoted}}}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {{["Accept-Encoding"] = "gzip"{hx}}})
end
"""


def families(codes: list[str], articles: list[str]) -> dict[str, list[str]]:
    searches = ["налог", "выборы парламент", "прозрачность отчёт", "салық", "сайлау"]
    filters = ["region=71", "language=ru&state=received", "channel=meeting", ""]
    api = [f"/api/proposals/?q={quote(s)}" for s in searches] + [
        f"/api/proposals/?{f}" for f in filters
    ]
    html = [f"/proposals/?q={quote(s)}" for s in searches] + [f"/proposals/?{f}" for f in filters]
    return {
        "healthz (no database)": ["/healthz"],
        "HTML list + search": html,
        "API list + search": api,
        "API with counts=true": [p + ("&" if "?" in p else "?") + "counts=true" for p in api],
        "article page": [f"/draft/demo/v2/article/{n}" for n in articles],
        "article proposals": [f"/proposals/on/demo/v2/{n}" for n in articles],
        "tracker": [f"/track/{c}/" for c in codes],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--budget", type=int, default=1800, help="stop after this many seconds")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it has rows")
    parser.add_argument("--only", default="", help="comma-separated family names to run")
    parser.add_argument(
        "--warm", action="store_true", help="request every URL once before measuring"
    )
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/15",
        help="KENES_CACHE_URL for the server: a cache every worker shares, as in production "
        "(docs/security.md); flushed first. 'locmem://' gives each worker its own",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("public_pages_bench: over its budget"))
    signal.alarm(args.budget)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        have = 0
        if args.reuse:
            try:
                have = int(psql("SELECT count(*) FROM proposals_proposal WHERE source='bench'"))
            except subprocess.CalledProcessError:
                have = 0
        if have != args.rows:
            env = fresh_database(DB, data_dir)
            out = subprocess.run(
                [str(BIN / "kenes"), "shell", "-c", REAL],
                env=env,
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            t0 = time.monotonic()
            psql(GENERATE.replace("{rows}", str(args.rows)))
            psql("VACUUM ANALYZE")
            print(f"generated {args.rows} proposals in {time.monotonic() - t0:.0f} s", flush=True)
        else:
            from intake_bench import bench_env

            env = bench_env(DB, data_dir)
            out = ""
        codes = [c for c in out.split() if c.count("-") == 2] or psql(
            "SELECT string_agg(code, ' ') FROM proposals_proposal WHERE source <> 'bench'"
        ).split()
        articles = psql(
            "SELECT string_agg(number, ' ') FROM (SELECT a.number FROM drafts_article a "
            "JOIN drafts_version v ON v.id = a.version_id WHERE v.label = 'v2' "
            "ORDER BY a.id LIMIT 8) x"
        ).split()
        total = psql("SELECT count(*) FROM proposals_proposal")
        workers = int(os.environ.get("KENES_WEB_WORKERS", str(os.cpu_count() or 1)))
        load = os.getloadavg()[0]
        print(
            f"{os.cpu_count()} cores, load {load:.1f}; {total} proposals; gunicorn gthread "
            f"{workers} workers; wrk {args.connections} connections, {args.seconds} s each",
            flush=True,
        )
        cache_url = args.cache_url
        if cache_url.startswith("redis://"):
            try:
                import redis

                redis.Redis.from_url(cache_url).flushdb()
            except Exception as exc:  # no Redis here: say so, use per-worker caches
                print(f"no Redis at {cache_url} ({exc}); using locmem://", flush=True)
                cache_url = "locmem://"
        print(f"cache: {cache_url}", flush=True)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:kenes.gunicorn_conf", "kenes.wsgi"],
            env={
                **env,
                "KENES_BIND": f"127.0.0.1:{port}",
                "KENES_WEB_WORKERS": str(workers),
                "KENES_CACHE_URL": cache_url,
            },
            cwd=REPO,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        results: dict[str, dict[str, float]] = {}
        try:
            import urllib.request

            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        sys.exit("the server did not start")
                    time.sleep(0.3)
            wanted = {w.strip() for w in args.only.split(",") if w.strip()}
            for label, paths in families(codes, articles).items():
                if wanted and label not in wanted:
                    continue
                if args.warm:
                    # Steady state: each URL of the family built once just before its clock
                    # starts (a deployed site serves its popular pages all the time, so they
                    # are always in the shared cache, fresh or being refreshed by one reader).
                    t0 = time.monotonic()
                    for path in paths:
                        headers = {"Accept-Encoding": "gzip"}
                        if label == "article proposals":
                            headers["HX-Request"] = "true"
                        warm = urllib.request.Request(base + path, headers=headers)  # noqa: S310
                        with urllib.request.urlopen(warm, timeout=120) as r:  # noqa: S310
                            r.read()
                    print(f"warmed {len(paths)} URLs in {time.monotonic() - t0:.1f} s", flush=True)
                r = wrk(
                    base + paths[0],
                    seconds=args.seconds,
                    connections=args.connections,
                    # the article page loads its proposals with htmx
                    lua=lua(paths, htmx=label == "article proposals"),
                )
                results[label] = r
                show(label, r)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    pages = {k: v for k, v in results.items() if not k.startswith("healthz")}
    worst = max(pages, key=lambda k: pages[k]["p95"]) if pages else ""
    healthz = results.get("healthz (no database)", {}).get("rps", 0.0)
    print(
        f"RESULT rows={args.rows} connections={args.connections} "
        f"worst_p95_ms={pages[worst]['p95'] if worst else 0:.1f} worst={worst.replace(' ', '_')} "
        + " ".join(f"{k.split()[0]}_{k.split()[-1]}_p95={v['p95']:.0f}" for k, v in pages.items())
        + f" healthz_rps={healthz:.0f} load={os.getloadavg()[0]:.1f} "
        f"cache={cache_url.split(':')[0]} warm={int(args.warm)} elapsed_s={time.monotonic() - started:.0f}"
    )


if __name__ == "__main__":
    main()
