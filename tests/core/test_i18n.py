"""Translations: kk and ru complete, compiled catalogs current, Kazakh formats right."""

from __future__ import annotations

import datetime
import gettext
from pathlib import Path

import polib
import pytest
from django.utils import formats, translation

import kenes

LOCALE = Path(kenes.__file__).parent / "locale"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_msgid_has_a_translation(lang):
    catalog = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    missing = [
        e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
    ]
    assert missing == [], f"untranslated in {lang}: {missing}"
    for entry in catalog:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_compiled_catalog_matches_the_po_file(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for entry in po.translated_entries():
        if entry.msgid_plural or entry.msgctxt:
            continue
        assert mo.gettext(entry.msgid) == entry.msgstr, "run `make compile-messages`"


def test_source_strings_are_all_in_the_catalog():
    """Every translatable string used in templates and code is in the kk catalog."""
    import re

    src = Path(kenes.__file__).parent
    ids = {e.msgid for e in polib.pofile(str(LOCALE / "kk" / "LC_MESSAGES" / "django.po"))}
    pattern = re.compile(r'{% translate "([^"]+)"|{% translate \'([^\']+)\'|[^p]_\("([^"]+)"\)')
    used = set()
    for path in [*src.rglob("*.html"), *src.rglob("*.py")]:
        if "analysis" in path.parts or "ledger" in path.parts or "migrations" in path.parts:
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            msgid = next(g for g in match.groups() if g)
            # makemessages doubles a literal % of a template string ("%s selected" → "%%s")
            used.add(msgid.replace("%", "%%") if path.suffix == ".html" else msgid)
    assert used - ids == set(), "run `make messages` and translate"


def test_kazakh_plural_forms_header():
    catalog = polib.pofile(str(LOCALE / "kk" / "LC_MESSAGES" / "django.po"))
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n!=1);"
    with translation.override("kk"):
        assert (
            translation.ngettext("%(counter)s article changed", "%(counter)s articles changed", 5)
            % {"counter": 5}
            == "5 бап өзгертілді"
        )
    with translation.override("ru"):
        forms = [
            translation.ngettext("%(counter)s article changed", "%(counter)s articles changed", n)
            % {"counter": n}
            for n in (1, 3, 5, 21)
        ]
        assert forms == [
            "1 статья изменена",
            "3 статьи изменены",
            "5 статей изменено",
            "21 статья изменена",
        ]


def test_kazakh_dates_and_numbers():
    day = datetime.date(2026, 11, 24)
    with translation.override("kk"):
        assert formats.date_format(day) == "24 қараша 2026 ж."
        assert formats.number_format(1234567.5, 1, force_grouping=True) == "1\xa0234\xa0567,5"
    with translation.override("ru"):
        assert formats.date_format(day) == "24 ноября 2026 г."
