from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from kenes.analysis.embeddings import HashingEmbedder
from kenes.analysis.linking import BM25, ArticleLinker, Reference, parse_references
from kenes.analysis.summaries import Quote, check_summary, summarize
from tests.analysis.generate import generate


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Изменить статья 43", [Reference("43")]),
        ("Прошу изменить статью 43.", [Reference("43")]),
        ("ст. 43 п. 2 устарела", [Reference("43", "2")]),
        ("ст.43", [Reference("43")]),
        ("пункт 2 статьи 43", [Reference("43", "2")]),
        ("в п. 3 ст. 17", [Reference("17", "3")]),
        ("подпункт 1) пункта 1 статьи 73", [Reference("73", "1", "1")]),
        ("43-бап", [Reference("43")]),
        ("43 бап өзгерсін", [Reference("43")]),
        ("Конституцияның 43-бабының 2-тармағы", [Reference("43", "2")]),
        ("17-баптың 3-тармағындағы норма", [Reference("17", "3")]),
        ("43-bap", [Reference("43")]),
        ("article 43", [Reference("43")]),
        ("Art. 43(2)", [Reference("43", "2")]),
        ("paragraph 2 of article 43", [Reference("43", "2")]),
        ("статьи 12, 13 и 14", [Reference("12"), Reference("13"), Reference("14")]),
        ("статьи 12–14", [Reference("12"), Reference("13"), Reference("14")]),
        ("в 43-й статье", [Reference("43")]),
        ("изменить п. 3 ст.17 и ст. 31", [Reference("17", "3"), Reference("31")]),
        ("Без ссылок на нормы, 43 человека за", []),
    ],
)
def test_parse_references(text: str, refs: list[Reference]) -> None:
    assert parse_references(text) == refs


def test_linker_explicit_first_and_unknown_articles_ignored(tiny_draft: dict[str, Any]) -> None:
    linker = ArticleLinker(tiny_draft, HashingEmbedder())
    links = linker.link(["Прошу изменить пункт 2 статьи 2 и статью 99."])[0]
    assert links[0].as_dict() == {"article": "2", "score": 1.0, "point": "2", "source": "explicit"}
    assert all(x.article != "99" for x in links)


HANDWRITTEN = [
    ("Срок полномочий Президента надо сократить до пяти лет.", "43"),
    ("Смертная казнь должна остаться под запретом навсегда.", "17"),
    ("Мемлекеттік тіл тек қазақ тілі болуы керек.", "9"),
    ("Курултай должен состоять из ста депутатов, а не из ста сорока пяти.", "53"),
    ("Журналистов нельзя наказывать за публикации, цензуру надо запретить.", "23"),
]


def test_linking_on_the_2026_constitution(draft_2026: dict[str, Any], e5: Any) -> None:
    linker = ArticleLinker(draft_2026, e5)
    texts = [t for t, _ in HANDWRITTEN]
    results = linker.link([*texts, "Во дворе не вывозят мусор уже месяц, примите меры."])
    top3 = [[x.article for x in r[:3]] for r in results[:-1]]
    hits = sum(art in t3 for (_, art), t3 in zip(HANDWRITTEN, top3, strict=True))
    assert hits >= 4, top3
    assert results[-1] == []  # calibrated "no article"


def test_summary_quotes_are_exact_and_checked() -> None:
    rows = generate(60, seed=2)
    members = [(r["id"], r["text"], r["lang"]) for r in rows]
    s = summarize(members)
    texts = {r["id"]: r["text"] for r in rows}
    langs = {r["id"]: r["lang"] for r in rows}
    assert s.quotes and s.size == 60
    for q in s.quotes:
        assert q.text in texts[q.proposal_id]
        assert texts[q.proposal_id][q.start : q.end] == q.text
    assert check_summary(s, texts, langs) == []
    # tampering is caught
    bad = summarize(members)
    bad.quotes[0] = Quote(bad.quotes[0].proposal_id, bad.quotes[0].text + " (sic)", 0, 5)
    bad.text = bad.text.replace(str(bad.size), str(bad.size + 1), 1)
    problems = check_summary(bad, texts, langs)
    assert any("substring" in p for p in problems)
    assert any("number" in p or "text does not match" in p for p in problems)
    assert check_summary(s, texts, {k: v for k, v in list(langs.items())[:10]}) != []


@pytest.mark.parametrize(
    "text",
    [
        "Конституцияның 43-бабының 2-тармағын өзгерту керек.",
        "Конституциянын 43-бабынын 2-тармагын озгерту керек.",  # Russian keyboard
        "Konstitutsiianyñ 43-babynyñ 2-tarmağyn özgertu kerek.",
        "Konstitutsiyanyn 43 babynyn 2 tarmagyn ozgertu kerek.",  # Latin without diacritics
    ],
)
def test_kazakh_references_in_every_script(text: str) -> None:
    from kenes.analysis.linking import Reference, parse_references

    assert parse_references(text) == [Reference("43", "2")]


def test_bm25_scores_follow_the_formula() -> None:
    docs = [["суд", "суд", "право"], ["право", "труд"], ["налог"]]
    bm = BM25(docs)
    k1, b, avg = bm.k1, bm.b, sum(map(len, docs)) / len(docs)

    def term(t: str, i: int) -> float:
        f = docs[i].count(t)
        df = sum(t in d for d in docs)
        idf = math.log(1 + (3 - df + 0.5) / (df + 0.5))
        return idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(docs[i]) / avg)) if f else 0.0

    got = bm.scores(["суд", "право", "неизвестно", "суд"])
    assert np.allclose(got, [sum(term(t, i) for t in ("суд", "право")) for i in range(3)])
    assert got[0] > got[1] > got[2] == 0.0
