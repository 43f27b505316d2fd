"""The Django admin in Kazakh, crawled: no English phrase on the index, the change lists and the
change forms of the demo, and a JavaScript catalog with every admin string in Kazakh."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import django
import polib
import pytest
from django.core.management import call_command
from django.test import Client

from kenes.accounts.models import User
from tests.portal.test_no_english_on_kk_ru_pages import _problems

pytestmark = pytest.mark.django_db

# Django's own English, besides the crawl's list of phrases (test_no_english_on_kk_ru_pages).
ADMIN_ENGLISH = [
    "Select all",
    "Run the selected action",
    "Save and add another",
    "Save and continue editing",
    "Save as new",
    "Delete selected",
    "Change history",
    "Date/time",
    "Django",
    "Show all",
    "(fields)",
    "Can add ",
    "Can change ",
    "Can delete ",
    "Can view ",
    "algorithm:",
    "iterations:",
    "TOTP device",
]
# Counters of the change list ("0 of 3 selected", "12 results") and filters ("By status").
ADMIN_ENGLISH_RE = re.compile(r"\b\d+ of \d+ selected\b|\b\d+ results?\b|\bBy [a-z]+\b")
# Django's Kazakh catalog has wrong or broken translations that locale_django replaces.
BROKEN_KAZAKH = ["Өзгетру", "өзгету", "Даңғо", "Өшіру/Уақыт", "one:", "other:", "Жорнал", "repr-i"]
ADMIN_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/)"')
CHANGE_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/[^"/]+/change/)"')


@pytest.fixture
def admin(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--no-shared", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


def _faults(html: str) -> list[str]:
    """English phrases in the admin's visible text (its data's ids and slugs are the staff's
    own words for their records, so the crawl's developer-text check is not applied)."""
    found = [p for p in _problems(html, "kk")[0] if not p.startswith("developer text")]
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    found += [f"English {p!r}" for p in ADMIN_ENGLISH if p in visible]
    found += [f"English {m.group(0)!r}" for m in ADMIN_ENGLISH_RE.finditer(visible)]
    found += [f"broken Kazakh {p!r}" for p in BROKEN_KAZAKH if p in html]
    return found


def test_the_kazakh_admin_index_lists_and_forms_have_no_english(admin):
    pages: dict[str, list[str]] = {}
    index = admin.get("/admin/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    pages["/admin/"] = _faults(index)
    lists = sorted(set(ADMIN_LINK.findall(index)))
    assert len(lists) >= 10, lists
    forms = 0
    for url in lists:
        response = admin.get(url, HTTP_ACCEPT_LANGUAGE="kk")
        assert response.status_code == 200, url
        html = response.content.decode()
        pages[url] = _faults(html)
        change = CHANGE_LINK.search(html)
        if change:
            html = admin.get(change.group(1), HTTP_ACCEPT_LANGUAGE="kk").content.decode()
            pages[change.group(1)] = _faults(html)
            forms += 1
        add = admin.get(url + "add/", HTTP_ACCEPT_LANGUAGE="kk")
        if add.status_code == 200:
            pages[url + "add/"] = _faults(add.content.decode())
    assert forms >= 5  # the demo fills enough models to see their change forms
    failures = {url: found for url, found in pages.items() if found}
    assert not failures, "\n".join(f"{url}: {found[:6]}" for url, found in failures.items())


def test_every_admin_javascript_string_is_in_kazakh(admin):
    js = admin.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", js, re.S).group(1))
    source = Path(django.__file__).parent / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"
    missing, english = [], []
    for entry in polib.pofile(str(source)):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = catalog.get(key)
        if not value:
            missing.append(entry.msgid)
            continue
        for text in value if isinstance(value, list) else [value]:
            words = re.findall(r"[A-Za-z]{3,}", re.sub(r"%\(\w+\)s|%s", "", text))
            if words:
                english.append(f"{entry.msgid!r} → {text!r}")
    assert missing == [] and english == [], (missing, english)


def test_the_checks_can_fail():
    assert len(_faults("<p>0 of 3 selected</p><p>Өзгетру</p><option>Can add user</option>")) == 3
    assert _faults('<button type="submit">Орындау</button><p>Сайт әкімшілігі</p>') == []
