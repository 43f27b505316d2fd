"""Article-level comparison: matched by content, renumbering found, word-level changes."""

from __future__ import annotations

from kenes.drafts import demo, diffing, formats
from tests.fixtures.drafts import shared_file


def articles(doc: formats.DraftDoc) -> list[diffing.ArticleText]:
    return [
        diffing.ArticleText(a.number, a.plain_text(), s.number, a.title)
        for s in doc.sections
        for a in s.articles
    ]


def test_demo_versions_show_each_kind_of_change():
    summary = diffing.compare(articles(demo.build("v1", "ru")), articles(demo.build("v2", "ru")))
    by_kind = {c.change.value: [] for c in summary.changes}
    for c in summary.changes:
        by_kind[c.change.value].append(
            (c.old.number if c.old else None, c.new.number if c.new else None)
        )
    assert by_kind["removed"] == [("10", None)]
    assert by_kind["added"] == [(None, "11-1")]
    assert ("6", "6") in by_kind["changed"] and ("12", "12") in by_kind["changed"]
    assert summary.counts()["unchanged"] == 17


def test_inline_diff_marks_changed_words_only():
    segments = diffing.inline_diff("не менее тридцати дней", "не менее сорока пяти дней")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "не менее "),
        ("delete", "тридцати"),
        ("insert", "сорока пяти"),
        ("equal", " дней"),
    ]
    # applying the diff gives back both texts
    assert "".join(s.text for s in segments if s.op != "insert") == "не менее тридцати дней"
    assert "".join(s.text for s in segments if s.op != "delete") == "не менее сорока пяти дней"


def test_renumbered_article_is_matched_by_content():
    old = [
        diffing.ArticleText("1", "Столица – город Астана."),
        diffing.ArticleText("2", "Государственный язык – казахский язык."),
    ]
    new = [
        diffing.ArticleText("1", "Новая статья о цифровых правах граждан."),
        diffing.ArticleText("2", "Столица – город Астана."),
        diffing.ArticleText("3", "Государственный язык – казахский язык."),
    ]
    pairs = [
        (c.change.value, c.old.number if c.old else None, c.new.number if c.new else None)
        for c in diffing.compare(old, new).changes
    ]
    assert pairs == [("added", None, "1"), ("unchanged", "1", "2"), ("unchanged", "2", "3")]


def test_point_numbering_alone_is_not_a_change():
    old = [diffing.ArticleText("5", "1. Текст пункта.\n2. Другой пункт.")]
    new = [diffing.ArticleText("5", "2. Текст пункта.\n3. Другой пункт.")]
    assert diffing.compare(old, new).changes[0].change is diffing.Change.UNCHANGED


def test_1995_to_2026_matches_renumbered_articles_by_content():
    old = formats.parse_json(shared_file("kz/constitution_1995_ru_2023ed.json").read_bytes())
    new = formats.parse_json(shared_file("kz/constitution_2026_ru.json").read_bytes())
    changes = diffing.compare(articles(old), articles(new)).changes
    pairs = {(c.old.number if c.old else None, c.new.number if c.new else None) for c in changes}
    # checked by hand against both texts:
    assert ("7", "9") in pairs  # the state language (казахский язык)
    assert ("3", "4") in pairs  # the people as the source of power
    assert ("41", "43") in pairs  # election of the President
    assert ("83-1", "85") in pairs  # the Commissioner for Human Rights
    assert ("90", "94") in pairs  # adoption and entry into force
    # the two-chamber Parliament's articles are gone; the People's Council is new
    assert {("54", None), ("55", None), ("56", None), ("57", None)} <= pairs
    assert {(None, "70"), (None, "71"), (None, "86")} <= pairs
    # every article appears exactly once on each side
    old_numbers = sorted(c.old.number for c in changes if c.old)
    assert old_numbers == sorted(a.number for a in old.articles())
    assert [c.new.number for c in changes if c.new] == [a.number for a in new.articles()]
