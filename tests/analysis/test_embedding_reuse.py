"""Texts whose vector would not be used are not sent to the model (``kenes analyze`` speed):
near-copies of a small lexical family share their representative's vector, a Kazakh
proposal's gloss is embedded only when the rest does not decide its articles, and vectors the
caller already prepared (Kazakh in Cyrillic) are not embedded again by the linker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kenes.analysis.campaigns import CampaignDoc, detect_campaigns
from kenes.analysis.embeddings import FloatArray, HashingEmbedder
from kenes.analysis.kk_lexicon import gloss_text
from kenes.analysis.linking import ArticleLinker
from kenes.analysis.pipeline import analyze

BASE = (
    "Предлагаю изменить статью 27 Конституции, чтобы каждый человек имел право на достойный "
    "труд и справедливую оплату. Это важно для молодежи регионов, где работы мало."
)
FAMILY = {
    "a": BASE + " Я живу в Караганде и вижу, как выпускники уезжают на заработки в другие страны.",
    "b": BASE + " Мой сын третий год не может найти место по специальности инженера-механика.",
    "c": BASE + " На заводе зарплату задерживают по четыре месяца, а цены растут каждый день.",
}
OTHER = "Налоги для малого бизнеса нужно снизить вдвое, это поможет селу и фермерам в трудные годы."


class Recording(HashingEmbedder):
    """The hashing embedder, remembering every query text it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        self.queries.extend(texts)
        return super().embed_queries(texts)


def test_small_lexical_family_is_reported_with_one_representative() -> None:
    # given three near-copies (a family below the campaign size) and an unrelated proposal
    docs = [CampaignDoc(k, t, "ru") for k, t in {**FAMILY, "d": OTHER}.items()]
    family_of: dict[str, str] = {}

    # when
    campaigns = detect_campaigns(docs, family_of=family_of)

    # then
    assert campaigns == []
    assert set(family_of) == set(FAMILY)
    assert len(set(family_of.values())) == 1 and family_of["a"] in FAMILY
    assert "d" not in family_of


def test_family_members_share_the_representatives_vector() -> None:
    # given
    emb = Recording()
    rows = [{"id": k, "text": t} for k, t in {**FAMILY, "d": OTHER}.items()]

    # when
    result = analyze(rows, None, emb, theme_k=2)

    # then: the three near-copies are three theme units but one embedded text
    embedded = set(emb.queries)
    assert sum(1 for t in FAMILY.values() if t in embedded) == 1
    assert OTHER in embedded
    themes = {p.id: p.theme_id for p in result.proposals}
    assert themes["a"] == themes["b"] == themes["c"] is not None


def test_gloss_is_not_embedded_when_an_explicit_reference_decides(
    tiny_draft: dict[str, Any],
) -> None:
    # given one Kazakh proposal naming an article of the draft and one naming none
    named = "1-бапқа еңбекақыны уақытында төлеу туралы норма қосу керек, зейнетақы да өссін."
    unnamed = "Зейнетақыны жыл сайын көтеру керек, жалақы да уақытында төленсін."
    emb = Recording()
    linker = ArticleLinker(tiny_draft, emb)
    assert len(gloss_text(named).split()) >= 2 and len(gloss_text(unnamed).split()) >= 2
    assert gloss_text(named) != gloss_text(unnamed)

    # when
    links = linker.link([named, unnamed])

    # then
    assert links[0][0].article == "1" and links[0][0].source == "explicit"
    assert gloss_text(named) not in emb.queries
    assert gloss_text(unnamed) in emb.queries


def test_gloss_is_not_embedded_when_the_best_article_leads_clearly(
    tiny_draft: dict[str, Any],
) -> None:
    linker = ArticleLinker(tiny_draft, HashingEmbedder(), gloss_margin=0.2)
    assert not linker.needs_gloss(np.array([0.9, 0.5, 0.1]), explicit=False)
    assert linker.needs_gloss(np.array([0.6, 0.5, 0.1]), explicit=False)
    assert not linker.needs_gloss(np.array([0.6, 0.5, 0.1]), explicit=True)
    assert ArticleLinker(tiny_draft, HashingEmbedder()).needs_gloss(
        np.array([0.9, 0.1]), explicit=False
    )


def test_prepared_vectors_are_not_embedded_again(tiny_draft: dict[str, Any]) -> None:
    # given a Kazakh proposal typed in Latin, its vector once of the Cyrillic text the caller
    # prepared, once of the raw text
    latin = "Eñbekaqyny uaqytynda töleu turaly norma qosu kerek."
    cyrillic = "Еңбекақыны уақытында төлеу туралы норма қосу керек."
    emb = Recording()
    linker = ArticleLinker(tiny_draft, emb, gloss_weight=0.0)
    qvec = emb.embed_queries([cyrillic])
    emb.queries.clear()

    # when / then: the caller's Cyrillic vector is used as it is
    linker.link([latin], qvec=qvec, embedded=[cyrillic])
    assert emb.queries == []
    # ... while a vector of the raw Latin text is replaced by one of its Cyrillic form
    linker.link([latin], qvec=emb.embed_queries([latin]), embedded=[latin])
    assert len(emb.queries) == 2 and emb.queries[1] != latin
