"""A receipt code with one mistyped character is told apart from text that is not a code."""

from __future__ import annotations

import html as html_lib

import pytest
from django.utils import translation

from kenes.proposals import receipts

pytestmark = pytest.mark.django_db

NOT_A_CODE = "This is not a receipt code."
TYPO = "No receipt has this code. Check the characters one by one"


def _one_wrong(code: str) -> str:
    """The code with one character changed to another symbol of the alphabet."""
    body = code.replace("-", "")[3:]
    i = 2
    other = next(ch for ch in receipts.ALPHABET if ch != body[i])
    wrong = body[:i] + other + body[i + 1 :]
    assert receipts.normalize_code("KNS" + wrong) is None  # the check symbol catches it
    return f"KNS-{wrong[:4]}-{wrong[4:]}"


def _text(response) -> str:
    return html_lib.unescape(response.content.decode())


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_code_with_one_wrong_character_gets_check_the_characters(client, submit, lang):
    code = submit().proposal.code
    response = client.post(f"/track/?lang={lang}", {"code": _one_wrong(code)})
    with translation.override(lang):
        typo, not_code = (
            translation.gettext(TYPO + ": one of them is probably mistyped."),
            (
                translation.gettext(
                    "This is not a receipt code. A code looks like KNS-7F3K-9Q2M: three letters "
                    "and eight letters or digits. Check it and try again."
                )
            ),
        )
    page = _text(response)
    assert response.status_code == 404
    assert typo in page and not_code not in page
    if lang != "en":
        assert TYPO not in page  # translated, not English


def test_text_that_is_no_code_still_says_so(client, version):
    response = client.post("/track/?lang=en", {"code": "hello"})
    page = _text(response)
    assert NOT_A_CODE in page and TYPO not in page
