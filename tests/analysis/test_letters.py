"""Letters, not sentences: formulas around a proposal are recognised and kept out of topics."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.analysis.embeddings import HashingEmbedder
from kenes.analysis.letters import FormulaLexicon, parse_letter, skeleton
from kenes.analysis.pipeline import analyze
from kenes.analysis.summaries import summarize
from tests.analysis.generate import distinct_proposal
from tests.analysis.lettergen import RU_KEYBOARD, script, wrap

RU = (
    "Здравствуйте! Уважаемые члены Конституционной комиссии! Я, как многодетная мать, "
    "хочу сказать. Пособия на детей нужно увеличить вдвое и выплачивать до 18 лет. "
    "Прошу рассмотреть моё предложение. С уважением,\nАйгуль Серикова, г. Караганда\n"
    "+7 701 123 45 67\n12.03.2026"
)
KK = (
    "Құрметті комиссия мүшелері! Мен зейнеткер ретінде жазып отырмын. Зейнетақы мөлшерін "
    "инфляцияға сәйкес жыл сайын көтеру керек. Алдын ала рахмет!\nСерік Әбенов, Шымкент қаласы"
)


def test_russian_letter_parts_and_persona() -> None:
    letter = parse_letter(RU)
    assert letter.content_text == "Пособия на детей нужно увеличить вдвое и выплачивать до 18 лет."
    kinds = [p.kind for p in letter.parts]
    assert kinds[:2] == ["greeting", "greeting"]
    assert {"persona", "request", "closing", "signature"} <= set(kinds)
    assert kinds[-2:] == ["contact", "date"]
    assert letter.persona == ["многодетная мать"]
    for p in letter.parts:  # exact slices: quotes stay verifiable
        assert RU[p.start : p.end] == p.text


@pytest.mark.parametrize("how", ["cyr", "lat", "rukbd"])
def test_kazakh_letter_in_every_script(how: str) -> None:
    text = script(KK, "kk", how)  # type: ignore[arg-type]
    letter = parse_letter(text)
    assert len(letter.content) == 1
    assert skeleton(letter.content_text) == skeleton(
        "Зейнетақы мөлшерін инфляцияға сәйкес жыл сайын көтеру керек."
    )
    assert letter.persona == ["пенсионер"]


def test_leading_formula_clause_is_cut_not_the_content() -> None:
    letter = parse_letter("Здравствуйте, предлагаю закрепить право на чистую воду.")
    assert letter.content_text == "предлагаю закрепить право на чистую воду."
    letter = parse_letter("Как пенсионер, я считаю, что пенсии надо поднять.")
    assert letter.content_text == "я считаю, что пенсии надо поднять."
    assert letter.persona == ["пенсионер"]
    # an opinion stays content even when it names the author
    assert parse_letter("Я пенсионер и считаю, что пенсии малы.").content
    # a content sentence that merely starts like a formula is kept
    for text in ("Дороги надо ремонтировать.", "Спасибо государству не скажешь: пенсии малы."):
        assert parse_letter(text).content_text == text


def test_typos_in_formulas() -> None:
    letter = parse_letter("Здраствуйте! Уважаемые челны комиссии! Налоги снизить. Заранее спасибо!")
    assert letter.content_text == "Налоги снизить."


@pytest.mark.parametrize(
    "text", ["Добрый день! Спасибо.", "Сәлеметсіз бе! Рахмет!", "Salem! Rahmet!"]
)
def test_formula_only_letters(text: str) -> None:
    letter = parse_letter(text)
    assert letter.formula_only and letter.content_text == ""


def test_lexicon_learns_recurring_edge_formulas_not_campaign_sentences() -> None:
    rng = random.Random(3)
    texts = []
    for _ in range(60):
        content, _ = distinct_proposal(rng, "ru")
        texts.append(f"Мир вашему дому, земляки. {content}\nЗа Родину и правду!")
    campaign = "Верните прямые выборы акимов районов. Пусть жители сами выбирают своих акимов."
    texts += [f"{campaign} Это важно." for _ in range(20)]
    lex = FormulaLexicon.learn(texts)
    assert "Мир вашему дому, земляки." in lex and "За Родину и правду!" in lex
    assert "Верните прямые выборы акимов районов." not in lex
    assert parse_letter(texts[0], lex).content_text == parse_letter(texts[0]).content_text.replace(
        "Мир вашему дому, земляки. ", ""
    ).replace(" За Родину и правду!", "")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_and_slices_are_exact(text: str) -> None:
    letter = parse_letter(text)
    for p in letter.parts:
        assert text[p.start : p.end] == p.text


def test_huge_and_mixed_script_letters() -> None:
    body = "Предлагаю снизить налоги для малого бизнеса. " * 2500  # ~115k characters
    letter = parse_letter("Сәлеметсіз бе! Hello! " + body + " Рахмет, thanks!")
    assert letter.content and letter.parts[0].kind == "greeting"


def test_russian_keyboard_folding_table() -> None:
    assert "Қазақ тілі".translate(RU_KEYBOARD) == "Казак тiлi"
    assert skeleton("Қазақ тілі") == skeleton("Казак тiлi") == skeleton("Qazaq tılı")


def _letters(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        lang = "ru" if i % 2 else "kk"
        content, _ = distinct_proposal(rng, lang)
        rows.append({"id": str(i), "text": wrap(content, lang, rng), "lang": lang})
    return rows


def test_pipeline_keeps_formulas_out_of_themes_and_summaries() -> None:
    rows = _letters(80, seed=5)
    rows.append({"id": "f1", "text": "Добрый день! Спасибо.", "lang": "ru"})
    rows.append({"id": "f2", "text": "Сәлеметсіздер ме! Рахмет!", "lang": "kk"})
    res = analyze(rows, None, HashingEmbedder(), theme_k=4)
    by = {p.id: p for p in res.proposals}
    for fid in ("f1", "f2"):
        assert "formula_only" in by[fid].flags and by[fid].theme_id is None
    formula_words = {skeleton(w) for w in "уважаемые здравствуйте спасибо рахмет құрметті".split()}
    for th in res.themes:
        words = {skeleton(w) for ws in th["keywords"].values() for w in ws}
        assert not words & formula_words, th["keywords"]
        for q in th["summary"]["quotes"]:
            assert parse_letter(q["text"]).content, q["text"]
    assert any(p.persona for p in res.proposals)


def test_summary_never_quotes_a_greeting() -> None:
    rows = _letters(30, seed=9)
    s = summarize([(r["id"], r["text"], r["lang"]) for r in rows])
    texts = {r["id"]: r["text"] for r in rows}
    for q in s.quotes:
        assert texts[q.proposal_id][q.start : q.end] == q.text
        assert parse_letter(q.text).content


def test_kazakh_label_terms_drop_stop_words_in_every_script() -> None:
    from kenes.analysis.themes import label_terms

    for text in (
        "Жане олар сайлау мен заң",
        "Және олар сайлау мен заң",
        "Jäne olar sailau men zañ",
    ):
        terms = label_terms(text, "kk")
        assert "сайлау" in {t.replace("и", "й") for t in terms}, terms
        assert not {"және", "жане", "олар", "мен"} & set(terms), terms


def test_a_quoted_key_block_is_content_and_its_lead_a_formula() -> None:
    block = "Верните прямые выборы акимов районов. Пусть жители сами выбирают своих акимов."
    for lead in ("Поддерживаю обращение:", "Мына үндеуді қолдаймын:"):
        letter = parse_letter(f"{lead} «{block}» Это важно для села.")
        assert letter.parts[0].kind == "request"
        assert letter.content_text.startswith("«Верните прямые выборы")


def test_a_proposal_about_contacts_or_phones_is_content_not_a_contact_line() -> None:
    # the words for contacts and phones are a contact line only with an address or a number
    for text in (
        "Сәлеметсіздер ме. Авторлардың байланыс деректері шифрланған түрде сақталуы керек.",
        "Ұсыныстарды ұялы қосымша және SMS арқылы қабылдауды қосыңыздар. Жауап күтемін.",
        "Добрый день. Ответ нужно отправлять и по телефону, и на почту.",
    ):
        letter = parse_letter(text)
        assert not letter.formula_only and "contact" not in {p.kind for p in letter.parts}
    for line in ("тел. +7 701 123 45 67", "Байланыс: 8 701 555 12 34", "Тел.:", "a.b@mail.kz"):
        assert parse_letter(f"Срок нужно продлить до 60 дней.\n{line}").parts[-1].kind == "contact"
