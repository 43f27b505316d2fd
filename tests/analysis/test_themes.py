"""Themes: automatic count, translations together, subthemes, kk/ru labels with backing."""

from __future__ import annotations

import numpy as np

from kenes.analysis.themes import ThemeItem, cluster_themes, label_terms, tie_translations

TOPICS = {
    "water": (["вода", "река", "насос", "скважина"], ["су", "өзен", "сорғы", "құдық"]),
    "school": (["школа", "учитель", "урок", "класс"], ["мектеп", "мұғалім", "сабақ", "сынып"]),
    "roads": (["дорога", "асфальт", "мост", "трасса"], ["жол", "асфальт", "көпір", "трасса"]),
    "pension": (
        ["пенсия", "пенсионер", "выплата", "стаж"],
        ["зейнетақы", "зейнеткер", "төлем", "өтіл"],
    ),
}


def _corpus(per_topic: int = 40, seed: int = 1) -> tuple[list[ThemeItem], np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    dim = 48
    centre = {t: rng.normal(size=dim) for t in TOPICS}
    shift = {"ru": rng.normal(size=dim) * 0.8, "kk": rng.normal(size=dim) * 0.8}
    items, vecs, topic_of = [], [], {}
    for t, (ru_words, kk_words) in TOPICS.items():
        for i in range(per_topic):
            own = rng.normal(size=dim) * 0.45  # a translation shares the sentence's own part
            for lang, words in (("ru", ru_words), ("kk", kk_words)):
                pick = rng.choice(len(words), size=3, replace=False)
                text = " ".join(words[j] for j in pick) + (" и" if lang == "ru" else " және")
                iid = f"{t}-{i}-{lang}"
                items.append(ThemeItem(iid, text, lang))
                v = centre[t] + own + shift[lang] + rng.normal(size=dim) * 0.15
                vecs.append(v / np.linalg.norm(v))
                topic_of[iid] = t
    return items, np.asarray(vecs, dtype=np.float32), topic_of


def test_theme_count_matches_the_topics_and_translations_share_a_theme() -> None:
    items, x, topic_of = _corpus()
    themes = cluster_themes(items, x)
    top = [t for t in themes if t.parent is None]
    assert len(top) == len(TOPICS)
    for t in top:  # each theme is one topic
        topics = {topic_of[i] for i in t.item_ids}
        assert len(topics) == 1, topics
    theme_of = {i: t.id for t in top for i in t.item_ids}
    pairs = [(i.id, i.id[:-2] + "kk") for i in items if i.lang == "ru"]
    assert all(theme_of[a] == theme_of[b] for a, b in pairs)


def test_labels_in_both_languages_backed_by_representatives() -> None:
    items, x, _ = _corpus()
    by_id = {it.id: it for it in items}
    themes = cluster_themes(items, x)
    for t in (t for t in themes if t.parent is None):
        assert set(t.keywords) == {"ru", "kk"}, t.keywords
        assert not {"и", "және"} & {w for ws in t.keywords.values() for w in ws}
        reps = [by_id[r] for r in t.representative_ids]
        assert {r.lang for r in reps} == {"ru", "kk"}
        for lang in ("ru", "kk"):
            words = set(t.keywords[lang][:4])
            assert any(set(label_terms(r.text, lang)) & words for r in reps if r.lang == lang), (
                t.keywords,
                [r.text for r in reps],
            )


def test_big_themes_get_subthemes_and_every_item_one_theme() -> None:
    items, x, _ = _corpus(per_topic=60)
    themes = cluster_themes(items, x, k=2)  # two topics per theme: subthemes split them
    top = [t for t in themes if t.parent is None]
    assert len(top) == 2
    assert sorted(i for t in top for i in t.item_ids) == sorted(it.id for it in items)
    for t in top:
        subs = [s for s in themes if s.parent == t.id]
        assert len(subs) >= 2 and t.subthemes == [s.id for s in subs]
        assert sorted(i for s in subs for i in s.item_ids) == sorted(t.item_ids)


def test_tie_translations_only_joins_mutual_nearest_neighbours_across_languages() -> None:
    x = np.asarray(
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.9, 0.1, 0.0], [0.0, 0.2, 0.9]], dtype=np.float32
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y, tied = tie_translations(x, ["kk", "kk", "ru", "ru"])
    assert tied == 1  # 0<->2; item 1's nearest Russian item (3) is below the threshold
    assert np.allclose(y[0], y[2]) and np.allclose(y[1], x[1]) and np.allclose(y[3], x[3])


def test_small_and_empty_inputs() -> None:
    assert cluster_themes([], np.zeros((0, 8), dtype=np.float32)) == []
    items, x, _ = _corpus(per_topic=1)
    themes = cluster_themes(items[:3], x[:3])
    assert len([t for t in themes if t.parent is None]) == 1
