"""The live model a full run leaves: new letters read, embedded and placed as the run did."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from kenes.analysis import themes as themes_mod
from kenes.analysis.embeddings import Embedder, HashingEmbedder
from kenes.analysis.live import LiveModel, no_theme_reason
from kenes.analysis.pipeline import AnalysisResult, analyze
from kenes.analysis.themes import ThemeItem, apply_means, find_themes, tie_translations
from tests.analysis import generate, lettergen


def letters(n_per_lang: int = 70, seed: int = 5) -> list[dict[str, Any]]:
    """Individually written proposals in kk and ru, each wrapped in a citizen's letter."""
    rng = random.Random(seed)
    rows = []
    for i in range(2 * n_per_lang):
        lang = ("kk", "ru")[i % 2]
        text, _article = generate.distinct_proposal(rng, lang)
        rows.append({"id": i, "text": lettergen.wrap(text, lang, rng), "lang": lang})
    rows.append({"id": "hello", "text": "Добрый день! Спасибо за вашу работу.", "lang": "ru"})
    return rows


def placed(live: LiveModel, emb: Embedder, text: str, lang: str) -> tuple[str, str | None] | None:
    read = live.read(text, lang)
    assert read.no_theme is None and read.embed
    [spot] = live.placer.place(emb.embed_queries([read.embed]), [read.lang])  # type: ignore[union-attr]
    return spot


def check_every_distinct_proposal_is_placed_as_in_the_run(
    rows: list[dict[str, Any]], result: AnalysisResult, emb: Embedder
) -> int:
    assert result.live is not None and result.live.placer is not None
    live = LiveModel.loads(result.live.dumps())  # as stored with the run
    by_id = {r["id"]: r for r in rows}
    checked = 0
    for p in result.proposals:
        if p.theme_id is None or p.duplicate_of is not None or p.campaign_id is not None:
            continue
        row = by_id[p.id]
        assert placed(live, emb, row["text"], row["lang"]) == (p.theme_id, p.subtheme_id), p.id
        checked += 1
    return checked


def test_a_proposal_of_the_run_read_again_lands_in_its_theme() -> None:
    # given a full run over letters in Kazakh and Russian
    rows = letters()
    emb = HashingEmbedder()
    result = analyze(rows, None, emb, theme_k=4)
    # when each distinct proposal is read, embedded and placed again with the stored model
    checked = check_every_distinct_proposal_is_placed_as_in_the_run(rows, result, emb)
    # then each has its run's theme and subtheme
    assert checked >= 100
    assert len({p.theme_id for p in result.proposals if p.theme_id}) == 4


def test_the_same_with_the_e5_model(e5: Embedder) -> None:
    rows = letters(40, seed=9)
    result = analyze(rows, None, e5)
    assert check_every_distinct_proposal_is_placed_as_in_the_run(rows, result, e5) >= 60


def test_items_the_run_did_not_cluster_are_placed_by_the_runs_vote(monkeypatch) -> None:
    # given a clustering that clusters a sample of 60 items and lets the others vote
    monkeypatch.setattr(themes_mod, "PARTITION_SAMPLE", 60)
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 32))
    langs = ["kk", "ru"] * 100
    x = centres[np.arange(200) % 4] + rng.normal(size=(200, 32)) * 0.9
    x[np.array(langs) == "kk"] += rng.normal(size=32) * 0.5
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    items = [ThemeItem(str(i), f"text {i}", lg) for i, lg in enumerate(langs)]
    found, placer = find_themes(items, x, k=4, subtheme_min=10_000)
    theme_of = {i: t.id for t in found for i in t.item_ids}
    # when every item is placed again from its raw vector
    spots = placer.place(x, langs)
    # then the 140 voters and the 60 clustered items keep their themes, except where the run
    # tied a Kazakh and a Russian item into one vector (a new item has no partner yet)
    assert len(placer.ref) == 60
    centred = apply_means(x, langs, placer.means)
    tied = ~np.all(np.isclose(tie_translations(centred, langs)[0], centred), axis=1)
    same = [spot is not None and spot[0] == theme_of[str(i)] for i, spot in enumerate(spots)]
    assert all(ok for ok, t in zip(same, tied, strict=True) if not t)
    assert 50 < (~tied).sum() < 200 and sum(same) >= 190


def test_the_model_reads_formulas_and_kazakh_as_the_run() -> None:
    rows = letters(30, seed=2)
    result = analyze(rows, None, HashingEmbedder(), theme_k=3)
    live = result.live
    assert live is not None
    # a letter of formulas only: no theme, for that reason, as in the run
    hello = next(p for p in result.proposals if p.id == "hello")
    assert "formula_only" in hello.flags and hello.theme_id is None
    read = live.read("Добрый день! Спасибо за вашу работу.", "ru")
    assert read.no_theme == "formulas" == no_theme_reason(hello.flags, hello.lang)
    # text that is no text
    assert live.read("   ", "").no_theme == "empty"
    assert live.read("\x00\x01\x02\x03\x04\x05", "").no_theme == "unreadable"
    # the stored model is the same model
    again = LiveModel.loads(live.dumps())
    assert again.formulas == live.formulas and again.restorer == live.restorer
    assert again.placer is not None and live.placer is not None
    assert again.placer.themes == live.placer.themes
    assert np.allclose(again.placer.ref, live.placer.ref)
    assert sorted(again.placer.means) == sorted(live.placer.means) == ["kk", "ru"]


def test_a_run_without_themes_leaves_a_model_without_a_placer() -> None:
    result = analyze(letters(3), None, None)
    assert result.live is not None and result.live.placer is None
    assert LiveModel.loads(result.live.dumps()).placer is None


@pytest.mark.parametrize("text", ["", "Спасибо!"])
def test_no_theme_reason_of_text_without_content(text: str) -> None:
    read = LiveModel(frozenset(), {}).read(text, "ru")
    assert read.no_theme in ("empty", "formulas") and read.content == ""
