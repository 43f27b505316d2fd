"""The official Kazakh Latin alphabet (2021) as a reader's switch: the table and the HTML pass."""

from __future__ import annotations

import pytest

from kenes.core.translit import LOWER, UPPER, html_to_latin, to_latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ә ғ қ ң ө ұ ү һ і", "ä ğ q ñ ö ū ü h ı"),
        ("Ә Ғ Қ Ң Ө Ұ Ү Һ І", "Ä Ğ Q Ñ Ö Ū Ü H I"),
        ("и й ш ч ы у ж х", "i i ş ç y u j h"),
        ("И Й Ш Ч Ы У Ж Х", "İ İ Ş Ç Y U J H"),
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
        ("ҚАЗАҚСТАН", "QAZAQSTAN"),
        ("Ілияс Исабекұлы", "Iliias İsabekūly"),  # capital і is I, capital и is İ
        ("Шаңырақ", "Şañyraq"),
        ("Чапаев", "Çapaev"),
        ("Кеңес", "Keñes"),
        ("Ұсыныс қабылданды.", "Ūsynys qabyldandy."),
        ("Үкімет", "Ükımet"),
        ("Өзгерту", "Özgertu"),
        ("Ғылым", "Ğylym"),
        ("Һижра", "Hijra"),
    ],
)
def test_each_letter_and_its_capital(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_a_sentence_as_the_2021_alphabet_spells_it():
    text = (
        "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының "
        "үйіне келіп қоныпты."
    )
    assert to_latin(text) == (
        "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ "
        "üiıne kelıp qonypty."
    )


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        # letters of loans become two letters, in capitals inside a word in capitals
        ("Юрий", "İurii"),
        ("ЮНЕСКО", "İUNESKO"),
        ("Ясауи", "İasaui"),
        ("ЯҢА", "İAÑA"),
        ("Ёлка", "İolka"),
        ("цирк Цой ЦИРК", "tsirk Tsoi TSİRK"),
        ("щётка Щ", "şşiotka Şş"),
        ("съезд, пьеса", "sezd, pesa"),
        ("эко Эко", "eko Eko"),
        ("Я", "İa"),  # alone: a capital and a small letter
    ],
)
def test_russian_letters_in_kazakh_words(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_every_cyrillic_letter_of_kazakh_has_an_entry_with_its_capital():
    kazakh = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
    assert set(kazakh) == set(LOWER)
    assert {c.upper() for c in kazakh} == set(UPPER)
    latin = "".join(LOWER.values()) + "".join(UPPER.values())
    assert not any("\u0400" <= c <= "\u04ff" for c in latin)


def test_what_is_not_cyrillic_is_kept():
    text = "KNS-7F3K-9Q2M, 2026 ж. 12:30 — «x» & <b>"
    assert to_latin(text) == text.replace("ж", "j")
    assert to_latin("") == ""


def test_html_text_and_readable_attributes_turn_latin():
    html = (
        '<!doctype html><html lang="kk"><head><title>Кеңес</title></head><body>'
        '<a href="/draft/ә" title="Жоба" id="қ" data-label="Бап" aria-label="Ашу">Ашу</a>'
        '<img alt="Сурет" src="ә.png"><input name="q" value="тіл" placeholder="Іздеу">'
        '<input type="submit" value="Жіберу"><p>Соңы</p></body></html>'
    )
    out = html_to_latin(html)
    assert '<html lang="kk-Latn">' in out
    assert "<title>Keñes</title>" in out
    assert '<a href="/draft/ә" title="Joba" id="қ" data-label="Bap" aria-label="Aşu">Aşu</a>' in out
    assert 'alt="Suret" src="ә.png"' in out
    # a field's value is what the reader typed or will send: kept; a button's label is not
    assert 'value="тіл" placeholder="Izdeu"' in out
    assert '<input type="submit" value="Jıberu">' in out
    assert "<p>Soñy</p>" in out


def test_russian_code_scripts_and_typed_text_stay_as_they_are():
    html = (
        '<p>Мәтін <span lang="ru">Текст <b>статьи</b> шаг</span> және</p>'
        "<script>const s = 'ә <b>';</script><style>p::after{content:'ә'}</style>"
        "<textarea name=t>Менің <i>ұсынысым</i></textarea>"
        '<code>kenes ә</code><pre>ә</pre><!-- ә --><a lang="kk-Cyrl" href="?script=cyrl">Кирил</a>'
        "<div>Соңы<br>бітті</div>"
    )
    out = html_to_latin(html)
    assert '<p>Mätın <span lang="ru">Текст <b>статьи</b> шаг</span> jäne</p>' in out
    assert "<script>const s = 'ә <b>';</script>" in out
    assert "<style>p::after{content:'ә'}</style>" in out
    assert "<textarea name=t>Менің <i>ұсынысым</i></textarea>" in out
    assert "<code>kenes ә</code><pre>ә</pre><!-- ә -->" in out
    assert '<a lang="kk-Cyrl" href="?script=cyrl">Кирил</a>' in out
    assert "<div>Soñy<br>bıttı</div>" in out


def test_a_kazakh_part_inside_a_russian_page_is_the_only_part_that_changes():
    html = '<html lang="ru"><p>Статья</p><p lang="kk">Бап</p><p>Конец</p></html>'
    assert html_to_latin(html) == (
        '<html lang="ru"><p>Статья</p><p lang="kk-Latn">Bap</p><p>Конец</p></html>'
    )


def test_unclosed_and_stray_tags_do_not_leak_a_language():
    html = '<ul><li>Бір<li>Екі</ul></div><p lang="ru">Раз</p><p>Үш</p>'
    assert html_to_latin(html) == '<ul><li>Bır<li>Ekı</ul></div><p lang="ru">Раз</p><p>Üş</p>'


def test_json_data_for_scripts_is_turned_into_latin_only_where_the_page_is_kazakh():
    from django.utils.html import json_script

    from kenes.core.translit import html_to_latin

    labels = {"accepted": "қабылданды", "code": "KNS-7Q2F", "n": 3, "list": ["ішінара <&>"]}
    block = json_script(labels, "decision-labels")
    page = (
        f'<main lang="kk">{block}<script>var ә = "қ";</script></main>'
        f'<div lang="ru">{json_script({"accepted": "принято"}, "ru-labels")}</div>'
    )
    out = html_to_latin(page)
    kk_json = out.split('id="decision-labels" type="application/json">')[1].split("</script>")[0]
    # the labels a script shows are in Latin; keys, codes and numbers are kept; still safe
    import json as _json

    assert _json.loads(kk_json) == {
        "accepted": "qabyldandy",
        "code": "KNS-7Q2F",
        "n": 3,
        "list": ["ışınara <&>"],
    }
    assert "<&>" not in kk_json
    # and code is not data: a plain script is left as it is, as is Russian data
    assert 'var ә = "қ";' in out
    assert '"\\u043f\\u0440\\u0438\\u043d\\u044f\\u0442\\u043e"' in out
