"""Importing drafts: versions, parallel translations, and all-or-nothing failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kenes.core.models import AuditEntry
from kenes.drafts import demo, formats
from kenes.drafts.formats import DraftFormatError
from kenes.drafts.models import Article, Point, Subpoint, Version
from kenes.drafts.selectors import version_to_doc
from kenes.drafts.services import draft_version_import
from tests.fixtures.drafts import shared_file

pytestmark = pytest.mark.django_db


def test_import_then_translation_fills_both_languages(demo_draft):
    v1, v2 = demo_draft
    assert v1.languages == ["kk", "ru"] and v2.languages == ["kk", "ru"]
    art = Article.objects.get(version=v2, number="6")
    assert art.text_ru == "" and art.points.get(number="2").text_kk.startswith("2. Конституция")
    assert version_to_doc(v2, "kk") == demo.build("v2", "kk")
    assert version_to_doc(v1, "ru") == demo.build("v1", "ru")
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("draft_version.import") == 2
    assert actions.count("draft_version.translate") == 2


def test_a_translation_with_other_numbering_changes_nothing(demo_draft):
    # given v1 in both languages, and a kk text whose numbering is v2's
    v1, _v2 = demo_draft
    before = (Article.objects.count(), Point.objects.count(), AuditEntry.objects.count())
    # when it is loaded over v1 with --replace
    with pytest.raises(DraftFormatError) as info:
        draft_version_import(
            actor=None,
            doc=demo.build("v2", "kk"),
            document_slug="demo",
            version_label="v1",
            replace=True,
        )
    # then every mismatch is listed and nothing was written
    assert "article 11-1: not in the existing text" in [str(p) for p in info.value.problems]
    assert (Article.objects.count(), Point.objects.count(), AuditEntry.objects.count()) == before
    assert Article.objects.get(version=v1, number="6").text_kk.startswith("Консультация")


def test_loading_a_language_twice_needs_replace(demo_draft):
    with pytest.raises(DraftFormatError, match="already loaded"):
        draft_version_import(
            actor=None, doc=demo.build("v1", "ru"), document_slug="demo", version_label="v1"
        )
    doc = demo.build("v1", "ru")
    doc.articles()[0].title = "Новое название"
    draft_version_import(
        actor=None, doc=doc, document_slug="demo", version_label="v1", replace=True
    )
    assert Article.objects.get(version__label="v1", number="1").title_ru == "Новое название"


def test_import_draft_command_reports_problems_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "title": "x",
                "sections": [
                    {
                        "number": "I",
                        "articles": [{"number": "1", "text": "a"}, {"number": "1", "text": "b"}],
                    }
                ],
            }
        )
    )
    with pytest.raises(CommandError) as info:
        call_command("import_draft", str(bad), document="d", label="v1")
    assert "nothing was imported" in str(info.value)
    assert "duplicate article number '1'" in str(info.value)
    assert not Version.objects.exists()


def test_import_draft_command_refuses_missing_and_oversized_files(db, tmp_path, settings):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_draft", str(tmp_path / "nope.json"), document="d", label="v1")
    big = tmp_path / "big.md"
    big.write_text("# x\n" + "a" * 2000)
    settings.KENES_DRAFT_MAX_BYTES = 1000
    with pytest.raises(CommandError, match="over the limit of 1,000"):
        call_command("import_draft", str(big), document="d", label="v1")


@pytest.mark.parametrize(
    ("name", "label", "articles", "subpoints"),
    [
        ("constitution_2026_ru", "2026", 96, None),
        ("constitution_1995_ru_2023ed", "1995", 102, None),
    ],
)
def test_shared_constitution_imports_and_exports_without_loss(
    db, tmp_path, name, label, articles, subpoints
):
    # given the file as published in ../shared
    path = shared_file(f"kz/{name}.json")
    # when it is imported with the operator's command and exported again
    call_command("import_draft", str(path), document="constitution", label=label)
    out = tmp_path / "out.json"
    call_command("export_draft", document="constitution", label=label, language="ru", out=out)
    # then the export reads back to exactly the same document
    original = formats.parse_json(path.read_bytes())
    exported = formats.parse_json(out.read_bytes())
    assert exported.sections == original.sections
    assert (exported.title, exported.preamble, exported.meta) == (
        original.title,
        original.preamble,
        original.meta,
    )
    assert Article.objects.filter(version__label=label).count() == articles
    assert Subpoint.objects.filter(article__version__label=label).count() == sum(
        len(a.subpoints) + sum(len(p.subpoints) for p in a.points) for a in original.articles()
    )


def test_markdown_import_through_the_command(db, tmp_path):
    path = shared_file("kz/constitution_2026_ru.md")
    call_command("import_draft", str(path), document="c-md", label="2026")
    assert Article.objects.filter(version__document__slug="c-md").count() == 96


def test_seed_demo_runs_twice_without_duplicates(db, tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--no-shared")
    first = capsys.readouterr().out
    call_command("seed_demo", "--no-shared")
    second = capsys.readouterr().out
    assert Version.objects.filter(document__slug="consultations-law").count() == 2
    assert "admin" in first and "Draft consultations-law/v1 (kk)" in first
    # the same logins are printed again, and no draft is loaded twice
    assert first.splitlines()[1] == second.splitlines()[1]
    assert "Draft consultations-law" not in second
    assert Path(tmp_path / "demo-logins.txt").stat().st_mode & 0o077 == 0


def test_seed_demo_loads_an_extra_draft(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    extra = tmp_path / "my-law.json"
    extra.write_text(formats.dumps(demo.build("v1", "ru")))
    call_command("seed_demo", "--no-shared", "--draft", str(extra))
    assert Version.objects.filter(document__slug="my-law", label="v1").exists()
