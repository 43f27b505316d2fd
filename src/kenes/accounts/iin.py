"""Kazakhstan's individual identification number (IIN, ЖСН/ИИН): format and check digit.

``YYMMDD C NNNN K``: birth date, century and sex (1-6), a registration serial, and a control
digit. The control digit is ``sum(d[i] * w1[i]) mod 11`` with ``w1 = 1..11``; when that is 10
the second weight set ``w2 = 3..11, 1, 2`` is used; when that is 10 too the number is never
issued. Pure Python: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class IINError(ValueError):
    """Not a valid IIN; ``code`` says why: ``format``, ``century``, ``date`` or ``check``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        """Return the IIN as staff and the citizen may see it: ``9001••••••12``."""
        return mask(self.value)


def normalize(raw: str) -> str:
    """Drop spaces and dashes a person may type between the digits."""
    return "".join(ch for ch in (raw or "") if ch not in " -\u00a0\t")


def control_digit(digits: str) -> int | None:
    """Return the control digit of the first 11 digits, or None when no number is issued."""
    a = [int(c) for c in digits[:11]]
    k = sum(x * w for x, w in zip(a, W1, strict=True)) % 11
    if k == 10:
        k = sum(x * w for x, w in zip(a, W2, strict=True)) % 11
        if k == 10:
            return None
    return k


def parse(raw: str) -> IIN:
    """Return the parsed IIN; raise :class:`IINError` (format, century, date, check)."""
    value = normalize(raw)
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise IINError("format", "an IIN is 12 digits")
    century_sex = int(value[6])
    if century_sex not in CENTURY:
        raise IINError("century", "the 7th digit of an IIN is 1 to 6")
    year = CENTURY[century_sex] + int(value[0:2])
    try:
        born = dt.date(year, int(value[2:4]), int(value[4:6]))
    except ValueError as exc:
        raise IINError("date", "the first six digits are not a date of birth") from exc
    expected = control_digit(value)
    if expected is None or expected != int(value[11]):
        raise IINError("check", "the control digit does not match")
    return IIN(value, born, "M" if century_sex % 2 else "F")


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IINError:
        return False
    return True


def mask(value: str) -> str:
    """Return ``9001••••••12``: the first four and last two digits, never the rest."""
    value = normalize(value)
    if len(value) < 6:
        return "•" * len(value)
    return value[:4] + "•" * (len(value) - 6) + value[-2:]
