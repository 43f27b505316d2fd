"""Draft file formats: every problem reported with its place; good files read exactly."""

from __future__ import annotations

import io
import json

import docx
import pytest

from kenes.drafts import demo, formats
from kenes.drafts.formats import DraftFormatError
from tests.fixtures.drafts import shared_file

MINIMAL = {
    "title": "Тест",
    "language": "ru",
    "sections": [
        {
            "number": "I",
            "title": "Общие",
            "articles": [
                {"number": "1", "text": "Первая статья."},
                {"number": "2", "points": [{"number": "1", "text": "1. Пункт.", "subpoints": []}]},
            ],
        }
    ],
}


def problems_of(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(DraftFormatError) as info:
        formats.parse_json(data, **kwargs)
    return [str(p) for p in info.value.problems]


def test_minimal_json_reads():
    doc = formats.parse_json(json.dumps(MINIMAL).encode())
    assert [a.number for a in doc.articles()] == ["1", "2"]
    assert doc.articles()[1].points[0].text == "1. Пункт."


def test_every_problem_is_reported_with_its_json_path():
    # given a draft with a duplicate article, a bad point and an unknown field
    bad = json.loads(json.dumps(MINIMAL))
    bad["sections"][0]["articles"][1]["number"] = "1"
    bad["sections"][0]["articles"][0]["colour"] = "red"
    bad["sections"][0]["articles"][1]["points"][0]["text"] = 5
    # when it is read
    problems = problems_of(json.dumps(bad).encode())
    # then all three problems are named, each with its location
    assert "$.sections[0].articles[0].colour: unknown field" in problems
    assert "$.sections[0].articles[1].points[0].text: must be a string, not int" in problems
    assert any(
        p.startswith("$.sections[0].articles[1]: duplicate article number '1'") for p in problems
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"title": ', "line 1, column 11: invalid JSON"),
        (b"[]", "$: the top level must be a JSON object"),
        (b'{"title": "x"}', "$.sections: missing or not a list"),
        (b'{"title": "x", "sections": []}', "sections: the document has no articles"),
        (b'{"title": "x", "language": "de", "sections": []}', "$.language: must be one of kk, ru"),
        ('{"title": "\u0422"}'.encode("cp1251"), "is not valid UTF-8"),
        (b'{"title": "x\x00"}', "contains NUL bytes"),
    ],
)
def test_malformed_json_gives_a_clear_message(data, expected):
    assert any(expected in p for p in problems_of(data))


def test_a_file_over_the_limit_is_refused():
    problems = problems_of(json.dumps(MINIMAL).encode(), max_bytes=100)
    assert problems[0].startswith("file: is ") and "the limit is 100 bytes" in problems[0]


def test_markdown_reads_sections_articles_points_subpoints_and_notes():
    text = (
        "# Закон\n\n> Преамбула.\n\n## Раздел I. Общие\n\n### Статья 1\n\nТекст.\n\n"
        "### Статья 2\n\n1. Пункт один.\nпродолжение\n2. Пункт два:\n1) первое;\n2) второе.\n"
        "Заключение.\n\n*Сноска. Изменено.*\n\n## II бөлім. Қорытынды\n\n### 3-бап\n\nМәтін.\n"
    )
    doc = formats.parse_markdown(text.encode())
    assert doc.title == "Закон" and doc.preamble == "Преамбула."
    assert [(s.number, s.title) for s in doc.sections] == [("I", "Общие"), ("II", "Қорытынды")]
    art2 = doc.articles()[1]
    assert art2.points[0].text == "1. Пункт один.\nпродолжение"
    assert [(s.number, s.text) for s in art2.points[1].subpoints] == [
        ("1", "1) первое;"),
        ("2", "2) второе."),
        (None, "Заключение."),
    ]
    assert art2.notes == ["Сноска. Изменено."]
    assert doc.articles()[2].number == "3"


def test_markdown_problems_name_the_line():
    text = "# T\n\n## Раздел I. A\n\n### Статья 1\n\nx\n\n### Статья один\n\n### Статья 1\n\ny\n"
    with pytest.raises(DraftFormatError) as info:
        formats.parse_markdown(text.encode())
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("line 9: article heading 'Статья один'") for m in messages)
    assert any("duplicate article number '1'" in m for m in messages)


def _docx_bytes(paragraphs: list[tuple[str, str | None]]) -> bytes:
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_reads_like_markdown():
    data = _docx_bytes(
        [
            ("Закон о тесте", "Title"),
            ("Раздел I. Общие положения", "Heading 1"),
            ("Статья 1", "Heading 2"),
            ("1. Первый пункт.", None),
            ("2. Второй пункт:", None),
            ("1) подпункт.", None),
            ("2-бап", "Heading 2"),
            ("Мәтін.", None),
        ]
    )
    doc = formats.parse_docx(data)
    assert doc.title == "Закон о тесте"
    assert [a.number for a in doc.articles()] == ["1", "2"]
    assert doc.articles()[0].points[1].subpoints[0].text == "1) подпункт."


def test_a_broken_docx_is_reported_not_raised():
    with pytest.raises(DraftFormatError) as info:
        formats.parse_docx(b"PK\x03\x04 not really a zip")
    assert "is not a readable .docx document" in str(info.value.problems[0])


def test_unknown_extension_is_refused():
    with pytest.raises(DraftFormatError, match="unknown format"):
        formats.parse_any(b"", filename="draft.pdf")


def test_demo_draft_is_valid_and_parallel():
    for label in ("v1", "v2"):
        ru, kk = demo.build(label, "ru"), demo.build(label, "kk")
        assert formats.validate(ru) == [] and formats.validate(kk) == []
        assert formats.structure_mismatches(ru, kk) == []
        assert 19 <= len(ru.articles()) <= 21


def test_parallel_text_mismatches_are_listed():
    ru = demo.build("v1", "ru")
    kk = demo.build("v2", "kk")
    problems = [str(p) for p in formats.structure_mismatches(ru, kk)]
    assert "article 10: missing in the new language" in problems
    assert "article 11-1: not in the existing text" in problems


@pytest.mark.parametrize("name", ["constitution_2026_ru", "constitution_1995_ru_2023ed"])
def test_shared_constitutions_round_trip_through_json(name):
    raw = json.loads(shared_file(f"kz/{name}.json").read_text(encoding="utf-8"))
    doc = formats.draft_from_dict(raw)
    again = formats.parse_json(formats.dumps(doc).encode())
    assert again == doc
    # nothing of the original is lost: every key and text is in the export
    exported = formats.draft_to_dict(doc)
    for key in raw:
        assert exported[key] == raw[key] or key == "sections"
    original_texts = json.dumps(raw["sections"], ensure_ascii=False)
    for article in doc.articles():
        for point in article.points:
            assert json.dumps(point.text, ensure_ascii=False)[1:-1] in original_texts


@pytest.mark.parametrize("name", ["constitution_2026_ru", "constitution_1995_ru_2023ed"])
def test_shared_markdown_matches_the_json(name):
    from_json = formats.parse_json(shared_file(f"kz/{name}.json").read_bytes())
    from_md = formats.parse_markdown(shared_file(f"kz/{name}.md").read_bytes())
    assert from_md.title == from_json.title and from_md.preamble == from_json.preamble
    assert [a.number for a in from_md.articles()] == [a.number for a in from_json.articles()]
    same = sum(a == b for a, b in zip(from_md.articles(), from_json.articles(), strict=True))
    # one 1995 footnote ends in a trailing space in the JSON, which Markdown cannot keep
    assert same >= len(from_json.articles()) - 1
