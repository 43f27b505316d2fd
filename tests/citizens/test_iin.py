"""IIN format and check digit with both weight sets (issue #10)."""

from __future__ import annotations

import json

import pytest

from kenes.accounts import iin
from tests.fixtures.drafts import shared_file


def _make(first11: str) -> str:
    k = iin.control_digit(first11)
    assert k is not None
    return first11 + str(k)


def test_first_weight_set():
    # 9 0 0 1 0 1 3 0 0 0 1 · 1..11 = 9+0+0+4+0+6+21+0+0+0+11 = 51 = 4*11+7
    assert iin.control_digit("90010130001") == 7
    assert iin.is_valid("900101300017")
    assert not iin.is_valid("900101300018")


def test_second_weight_set_used_when_first_gives_ten():
    first11 = "90010130083"
    a = [int(c) for c in first11]
    assert sum(x * w for x, w in zip(a, iin.W1, strict=True)) % 11 == 10
    k = sum(x * w for x, w in zip(a, iin.W2, strict=True)) % 11
    assert k != 10
    assert iin.parse(first11 + str(k)).value == first11 + str(k)
    assert not iin.is_valid(first11 + str((k + 1) % 10))


def test_never_issued_when_both_sets_give_ten():
    assert iin.control_digit("90010130080") is None
    for last in "0123456789":
        assert not iin.is_valid("90010130080" + last)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12345", "format"),
        ("90010130001a", "format"),
        ("９００１０１３０００１７", "format"),  # full-width digits are not ASCII
        ("900101000017", "century"),
        ("900101700017", "century"),
        ("901301300011", "date"),
        ("010229500000", "date"),
        ("900101300018", "check"),
    ],
)
def test_refusals_say_why(raw, code):
    with pytest.raises(iin.IINError) as exc:
        iin.parse(raw)
    assert exc.value.code == code


def test_spaces_and_dashes_allowed_and_date_and_sex_read():
    parsed = iin.parse("900101 30001-7")
    assert parsed.birth_date.isoformat() == "1990-01-01"
    assert parsed.sex == "M"
    female = _make("05031560123")
    assert iin.parse(female).sex == "F" and iin.parse(female).birth_date.year == 2005


def test_mask_never_shows_the_middle():
    assert iin.mask("900101300017") == "9001••••••17"
    assert "300" not in iin.mask("900101300017")


def test_shared_vectors():
    path = shared_file("kz/iin_test_vectors.json")
    data = json.loads(path.read_text())
    for item in data["synthetic_valid"]:
        assert iin.is_valid(item["iin"]), item
    for item in data["synthetic_invalid"]:
        assert not iin.is_valid(item["iin"]), item
