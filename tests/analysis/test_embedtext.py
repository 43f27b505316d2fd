"""What the model sees: Kazakh in Cyrillic, a capped number of tokens, each letter once."""

from __future__ import annotations

import random

import numpy as np

from kenes.analysis.embeddings import CachedEmbedder, HashingEmbedder
from kenes.analysis.embedtext import KazakhRestorer, embedding_text
from kenes.analysis.letters import content_text
from kenes.analysis.normalize import kk_cyr_to_lat
from kenes.analysis.pipeline import analyze
from tests.analysis.generate import generate
from tests.analysis.lettergen import script, wrap

KK = "Зейнетақы мөлшерін инфляцияға сәйкес жыл сайын көтеру керек, құқық бәріне бірдей."
CORPUS = [
    "Зейнетақы мөлшерін арттыру керек.",
    "Құқық пен бостандық әр азаматқа тиесілі.",
    "Инфляцияға сәйкес жалақы өсуі тиіс, мөлшерін анықтау керек.",
    "Бәріне бірдей құқық берілсін, сәйкес заң қабылдансын.",
    "Ауыл мектебінде мұғалім жетіспейді.",
]


def test_latin_kazakh_is_embedded_in_cyrillic() -> None:
    lat = kk_cyr_to_lat(KK)
    assert lat != KK
    got = embedding_text(lat, "kk")
    assert got.startswith("Зеинетақы мөлшерін") and "құқық" in got  # Latin "i" is и or й
    got = embedding_text(lat, "kk", KazakhRestorer.learn(CORPUS))
    assert got.startswith("Зейнетақы мөлшерін") and "сәйкес" in got and "бірдей" in got
    # Russian, and Kazakh already in Cyrillic, are left as they are
    ru = "Пенсии нужно индексировать ежегодно."
    assert embedding_text(ru, "ru") == ru
    assert embedding_text(KK, "kk", KazakhRestorer.learn(CORPUS)) == KK


def test_russian_keyboard_kazakh_gets_its_letters_back_from_the_corpus() -> None:
    typed = script(KK, "kk", "rukbd")
    assert "құқық" not in typed and "кукык" in typed
    restorer = KazakhRestorer.learn(CORPUS)
    got = embedding_text(typed, "kk", restorer)
    # words the corpus knows are restored, the Latin "i" inside Cyrillic words is "і"
    for word in ("Зейнетақы", "мөлшерін", "инфляцияға", "сәйкес", "құқық", "бәріне", "бірдей"):
        assert word in got, (word, got)
    assert "i" not in got
    # a word the corpus does not know keeps its spelling (no guessing)
    assert "котеру" in got
    # without a vocabulary only the "i" rule applies
    assert embedding_text(typed, "kk") == typed.replace("i", "і")


def test_restorer_keeps_an_unmarked_word_that_is_more_common_as_itself() -> None:
    corpus = ["Кол жазба әдемі."] * 3 + ["Қол қойылды."]
    restorer = KazakhRestorer.learn(corpus)
    assert restorer.restore("кол жазба") == "кол жазба"
    assert KazakhRestorer.learn(["Қол қойылды.", "Қол жазба."]).restore("Кол") == "Қол"


class _Counting(CachedEmbedder):
    """Hashing vectors; counts tokens as words + 2 and records what reaches the model."""

    def __init__(self, cap: int | None, store: object = None) -> None:
        self.inner = HashingEmbedder()
        self.sent: list[str] = []
        self.counted = 0
        super().__init__(
            self._enc,
            "counting",
            self.inner.dim,
            max_query_tokens=cap,
            count_tokens=self._count,
            store=store,  # type: ignore[arg-type]
        )

    def _count(self, text: str, is_query: bool) -> int:
        self.counted += 1
        return len(text.split()) + 2

    def _enc(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.sent.extend(texts)
        return self.inner._encode_raw(texts, is_query)


class _Store:
    def __init__(self) -> None:
        self.data: dict[str, np.ndarray] = {}

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        return {k: self.data[k] for k in keys if k in self.data}

    def put_many(self, items: list[tuple[str, np.ndarray]]) -> None:
        self.data.update(items)


def test_queries_are_cut_to_the_token_cap_and_passages_are_not() -> None:
    long = " ".join(f"слово{i}" for i in range(60))
    emb = _Counting(cap=20)
    emb.embed_queries([long, "коротко"])
    assert len(emb.sent[0].split()) + 2 <= 20 and long.startswith(emb.sent[0])
    assert emb.sent[1] == "коротко"
    emb.embed_passages([long])
    assert emb.sent[-1] == long
    # the cap is part of the key: another cap is another vector, no cap is the old key
    assert emb._key(long, True) != _Counting(cap=30)._key(long, True)
    uncapped = _Counting(cap=None)
    plain = CachedEmbedder(uncapped._enc, "counting", uncapped.dim)
    assert uncapped._key(long, True) == plain._key(long, True)


def test_a_warm_store_needs_no_tokenising_and_no_model() -> None:
    store = _Store()
    texts = [" ".join(f"w{i}{j}" for j in range(40)) for i in range(30)]
    cold = _Counting(cap=16, store=store)
    first = cold.embed_queries(texts)
    assert len(cold.sent) == 30 and cold.counted >= 30
    warm = _Counting(cap=16, store=store)
    again = warm.embed_queries(texts)
    assert warm.sent == [] and warm.counted == 0
    assert np.allclose(first, again)


def test_each_letter_is_embedded_once_per_run_in_cyrillic() -> None:
    rows = generate(160, seed=4, translate_p=0.2)
    rng = random.Random(5)
    latin_contents = []
    for r in rows:
        how = rng.choice(("cyr", "lat", "rukbd")) if r["lang"] == "kk" else "cyr"
        r["text"] = wrap(r["text"], r["lang"], rng, how=how)
        if how == "lat":
            latin_contents.append(content_text(r["text"]))
    assert any(r["gt_kind"] == "campaign" for r in rows) and latin_contents
    emb = _Counting(cap=None)
    res = analyze(({"id": r["id"], "text": r["text"]} for r in rows), None, emb)
    assert res.campaigns and res.themes
    # nothing reached the model twice; the campaign stage (which asks for the content of
    # every letter outside a campaign) got the themes' Cyrillic text, not the Latin one
    assert len(emb.sent) == len(set(emb.sent))
    sent = set(emb.sent)
    assert not [c for c in latin_contents if c and c in sent]
