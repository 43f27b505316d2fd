"""Sharded analysis: a process pool and a Dask LocalCluster give the single-process output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kenes.analysis.cli import main
from kenes.analysis.dedup import DedupIndex, prepare_text
from kenes.analysis.parallel import ProcessRunner, SerialRunner, flatten, make_shards
from kenes.analysis.pipeline import analyze, prepare_shard
from tests.analysis.generate import generate

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = ("proposals.jsonl", "campaigns.jsonl", "themes.jsonl")


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    rows = [{k: r[k] for k in ("id", "text", "submitted_at")} for r in generate(n, seed=seed)]
    # bad input travels through the shards too
    rows += [
        {"id": "empty", "text": "   "},
        {"id": "binary", "text": "\x00\x01\x02\x03" * 20},
        {"id": "formulas", "text": "Добрый день! Спасибо."},
        {"id": "long", "text": "Предлагаю изменить статью 43. " * 1000},
    ]
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def test_shards_are_consecutive_and_flatten_back() -> None:
    items = list(range(10))
    shards = make_shards(items, 4)
    assert shards == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert flatten(shards) == items
    assert make_shards([], 4) == []


def test_prepared_add_equals_plain_add() -> None:
    rows = generate(300, seed=5)
    plain, prepared = DedupIndex(), DedupIndex()
    for r in rows:
        a = plain.add(r["id"], r["text"])
        b = prepared.add_prepared(r["id"], *prepare_text(r["text"]))
        assert a == b
    assert plain.clusters() == prepared.clusters()
    assert plain.clusters()  # the generator has duplicates: the comparison is not vacuous


def test_process_pool_gives_the_single_process_result() -> None:
    rows = _rows(400, seed=8)
    one = analyze(rows, None, None)
    pool = ProcessRunner(2)
    try:
        two = analyze(rows, None, None, runner=pool)
        shards = make_shards([(r["text"], "") for r in rows], 50)
        assert flatten(pool.map(prepare_shard, shards)) is not None
    finally:
        pool.close()
    assert [p.as_dict() for p in one.proposals] == [p.as_dict() for p in two.proposals]
    assert one.campaigns == two.campaigns and one.campaigns
    serial = SerialRunner().map(len, [[1], [1, 2]])
    assert serial == [1, 2]


def _worker_pid(_: object) -> int:
    return os.getpid()


def test_released_pool_gives_its_workers_back_and_starts_again() -> None:
    """After the per-text stage the pool's processes end (their caches held 1.7 GB each at
    1M rows); a later map starts new ones and still works."""
    pool = ProcessRunner(2)
    try:
        first = set(pool.map(_worker_pid, range(8)))
        procs = list(pool.pool()._processes.values())  # the test looks inside the pool
        assert first and os.getpid() not in first
        pool.release()
        for proc in procs:
            proc.join(timeout=10)
            assert not proc.is_alive()
        second = set(pool.map(_worker_pid, range(8)))
        assert second and not first & second
        assert flatten(pool.map(sorted, [[3, 1], [2]])) == [1, 3, 2]
    finally:
        pool.close()
    pool.close()  # closing twice is harmless


def test_dask_local_cluster_output_equals_single_process(tmp_path: Path, tiny_draft: Any) -> None:
    pytest.importorskip("distributed")
    src = _write(tmp_path / "in.jsonl", _rows(500, seed=12))
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps(tiny_draft, ensure_ascii=False), encoding="utf-8")
    base = ["--proposals", str(src), "--draft", str(draft), "--embedder", "hashing"]
    assert main([*base, "--out", str(tmp_path / "one")]) == 0
    assert main([*base, "--out", str(tmp_path / "dask"), "--workers", "2"]) == 0
    for name in OUTPUTS:
        one = (tmp_path / "one" / name).read_bytes()
        assert one == (tmp_path / "dask" / name).read_bytes(), name
    campaigns = (tmp_path / "one" / "campaigns.jsonl").read_text(encoding="utf-8").splitlines()
    assert campaigns  # the input has form letters: the comparison covers campaigns

    # A running scheduler reached by its tcp:// address, as worker hosts would be.
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        assert main([*base, "--out", str(tmp_path / "tcp"), "--scheduler", address]) == 0
    for name in OUTPUTS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "tcp" / name).read_bytes()


def test_scheduler_address_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", _rows(5, seed=1))
    args = ["--proposals", str(src), "--draft", "x.json", "--out", str(tmp_path / "o")]
    with pytest.raises(SystemExit):
        main([*args, "--scheduler", "localhost:8786"])
    assert "tcp://HOST:8786" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args, "--workers", "0"])


def test_plain_analysis_does_not_import_dask() -> None:
    code = (
        "import sys; import kenes.analysis.cli, kenes.analysis.pipeline; "
        "sys.exit(1 if any(m == 'dask' or m.startswith('dask.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


@pytest.mark.usefixtures("e5")
def test_cross_language_embeds_in_a_few_batched_calls(e5: Any) -> None:
    """Every text of the cross-language step is embedded in a handful of batched calls, not
    one call per member (the count does not grow with the number of translated members)."""
    from kenes.analysis.campaigns import CampaignDoc, detect_campaigns

    rows = generate(260, seed=5, translate_p=0.3, campaigns=3)
    idx = DedupIndex()
    for r in rows:
        idx.add(r["id"], r["text"])
    docs = [CampaignDoc(r["id"], r["text"], r["lang"], idx.uf.find(r["id"])) for r in rows]
    calls: list[int] = []

    def embed(texts: list[str]) -> Any:
        calls.append(len(texts))
        return e5.embed_queries(texts)

    camps = detect_campaigns(docs, embed=embed)
    joined = [m for c in camps for m in c.members if m.via == "embedding"]
    assert len(joined) >= 5
    # templates, candidates, language means (kk, ru), and all sentences of the joined members
    assert len(calls) <= 5, calls


def test_vectorised_hashing_matches_the_plain_forms() -> None:
    import random

    import numpy as np
    from datasketch import MinHash

    from kenes.analysis.dedup import (
        NUM_PERM,
        shingle_hashes,
        signature,
        window_hashes,
        window_hashes_many,
    )

    rng = random.Random(4)
    alphabet = "абвгдеәқңөұүі xyz"
    for _ in range(300):
        strings = [
            "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 2, 3, 4, 9, 60])))
            for _ in range(rng.randint(0, 6))
        ]
        many = window_hashes_many(strings, 4)
        assert all(
            np.array_equal(a, window_hashes(s, 4)) for a, s in zip(many, strings, strict=True)
        )
    hashes = shingle_hashes(["предлагаю", "изменить", "статью"])
    m = MinHash(num_perm=NUM_PERM, hashfunc=lambda x: x)
    m.update_batch(hashes.tolist())
    assert np.array_equal(signature(hashes), m.hashvalues)  # datasketch's own arithmetic


def test_band_index_is_ranked_deterministic_and_bounded() -> None:
    import numpy as np

    from kenes.analysis.dedup import BandIndex

    idx = BandIndex(0.5, max_bucket=3)
    base = np.arange(64, dtype=np.uint32)
    near = base.copy()
    near[:8] += 1000  # differs in the first bands only
    idx.insert("far", np.full(64, 7, dtype=np.uint32))
    idx.insert("near", near)
    idx.insert("same", base.copy())
    assert idx.query(base) == ["same", "near"]  # most similar first, "far" never
    assert idx.query_scored(base) == [("same", 1.0), ("near", 56 / 64)]
    assert idx.query(base, min_similarity=0.9) == ["same"]
    for i in range(5):
        idx.insert(f"copy{i}", base.copy())
    # buckets stop at 3 members, the earliest kept: copy0 is in all 14 of base's buckets,
    # copy1 only in the 2 that "near" is not in, copy2-4 in none
    assert idx.query(base) == ["same", "copy0", "copy1", "near"]
    assert idx.query(base, limit=2) == ["same", "copy0"]


def test_one_pass_per_text_work_equals_the_separate_stages() -> None:
    """The combined shard (one tokenisation, one parse for both lexicon versions, the
    duplicate signature reused by the campaign stage) gives exactly the separate results."""
    import numpy as np

    from kenes.analysis.campaigns import campaign_features, campaign_features_many
    from kenes.analysis.dedup import prepare_texts
    from kenes.analysis.letters import FormulaLexicon, parse_letter, parse_letter_both
    from kenes.analysis.normalize import tokenize
    from kenes.analysis.pipeline import _flags, letters_shard, text_shard

    rows = _rows(300, seed=21)
    texts = [r["text"][:20_000] for r in rows]
    lexicon = FormulaLexicon.learn(texts, min_docs=3)
    assert len(lexicon)  # greetings and closings recur: the lexicon path is exercised

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
        if isinstance(a, list | tuple):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
        return bool(a == b)

    both_differ = 0
    for text in texts:
        plain, learned = parse_letter_both(text, lexicon)
        assert plain == parse_letter(text)
        assert learned == parse_letter(text, lexicon)
        both_differ += plain is not learned
    assert both_differ

    plain_letters = [parse_letter(t) for t in texts]
    known = {" ".join(tokenize(t)): p[2] for t, p in zip(texts, prepare_texts(texts), strict=True)}
    many = campaign_features_many(
        plain_letters, known={k: v for k, v in known.items() if v is not None}
    )
    assert same(many, [campaign_features(x) for x in plain_letters])
    tokens = [tokenize(t) for t in texts]
    assert same(prepare_texts(texts, tokens=tokens), prepare_texts(texts))

    items = [(t, "") for t in texts]
    combined = text_shard((items, lexicon.keys))
    prepared = prepare_shard(items)
    usable = [
        t for t, p in zip(texts, prepared, strict=True) if not {"binary", "empty"} & set(p[0])
    ]
    separate = iter(letters_shard((usable, lexicon.keys)))
    for (prep, letter), p in zip(combined, prepared, strict=True):
        assert same(prep, p)
        assert same(letter, None if {"binary", "empty"} & set(p[0]) else next(separate))
    # control characters are counted once per distinct character, with the same total
    assert "binary" in _flags("ab\x01\x02\n" * 30) and "binary" not in _flags("абв\nгде\n" * 30)


def test_campaign_checks_in_workers_give_the_same_campaigns() -> None:
    """The candidate checks computed ahead in the workers, block by block (small blocks here,
    so that several are in flight), give exactly the campaigns of the in-process linking; the
    workers foresee the pairs the linking asks for."""
    from kenes.analysis.campaigns import (
        CampaignDoc,
        campaign_features,
        detect_campaigns,
        preloaded,
    )
    from kenes.analysis.letters import parse_letter

    rows = generate(600, seed=9)
    idx = DedupIndex()
    for r in rows:
        idx.add(r["id"], r["text"])
    docs = [CampaignDoc(r["id"], r["text"], r["lang"], idx.uf.find(r["id"])) for r in rows]
    features = {d.text: campaign_features(parse_letter(d.text[:20_000])) for d in docs}
    said: list[str] = []

    def progress(stage: str, done: int, total: int | None) -> None:
        said.append(stage)

    pool = ProcessRunner(2)
    try:
        with preloaded(features):
            one = detect_campaigns(docs)
            two = detect_campaigns(docs, runner=pool, link_block=40, progress=progress)
    finally:
        pool.close()
    assert one and one == two
    stat = next(s for s in said if "checks in workers" in s)
    hits, asked = (int(x) for x in stat.split()[-2].split("/"))
    assert asked and hits == asked, stat


def _big_list_len(_: object) -> int:
    return len(globals().get("_INHERITED", []))


def test_started_pool_does_not_inherit_what_is_loaded_afterwards() -> None:
    """`analyze` starts the pool's workers before it reads the rows: a worker forked later
    inherited the whole input (at 1M rows the garbage collector then made those pages each
    worker's own, 1.7 GB per worker); forked first, they hold 0.4 GB."""
    pool = ProcessRunner(2)
    try:
        pool.start()
        globals()["_INHERITED"] = list(range(1000))
        assert pool.map(_big_list_len, range(4)) == [0, 0, 0, 0]
        procs = list(pool.pool()._processes.values())  # the test looks inside the pool
        assert len(procs) == 2 and all(p.is_alive() for p in procs)
    finally:
        globals().pop("_INHERITED", None)
        pool.close()
    late = ProcessRunner(2)
    try:
        globals()["_INHERITED"] = list(range(1000))
        assert late.map(_big_list_len, range(4)) == [1000] * 4  # forked after: inherited
    finally:
        globals().pop("_INHERITED", None)
        late.close()


class _Recorder(SerialRunner):
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def start(self) -> None:
        self.log.append("start")

    def imap(self, fn: Any, shards: Any) -> Any:
        self.log.append("imap")
        return super().imap(fn, shards)


def test_analyze_starts_the_workers_before_reading_and_takes_results_shard_by_shard() -> None:
    log: list[str] = []

    def rows() -> Any:
        for r in _rows(60, seed=3):
            log.append("row")
            yield r

    res = analyze(rows(), None, None, runner=_Recorder(log))
    assert log[0] == "start" and log.index("imap") > log.index("row")
    assert len(res.proposals) == 64
