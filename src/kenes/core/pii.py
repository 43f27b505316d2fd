"""Masking of personal data typed into public free text. Pure Python, no Django.

Citizens write their IIN, phone number, e-mail or name into proposals and comments ("меня зовут
Айгуль Серикова, мой телефон 8 701 123 45 67"). Anything shown publicly — pages, open data,
reports, handouts — passes through :func:`mask_pii` first. Masking is deliberately eager: a
12-digit number is masked even when its check digit is wrong, since a mistyped IIN still
identifies a person. Masks are language-neutral bullets, so a kk or ru page stays in its
language:

- IIN / BIN (12 digits, spaces or dashes allowed between groups) → ``[••••••••••••]``
- phone (+7 / 8 / 7 followed by 10 digits, any separators; or a 10-digit 7xx mobile) → ``[+7 ••• ••• •• ••]``
- e-mail → ``[•••@•••]``
- one to three capitalised words after "меня зовут", "моё имя", "я —", "менің атым",
  "менің есімім", "атым", "my name is" → ``[•••]``

:func:`find_pii` returns what was found (kind and span) for moderators and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MASKS", "PiiMatch", "contains_pii", "find_pii", "mask_pii"]

MASKS = {
    "email": "[•••@•••]",
    "phone": "[+7 ••• ••• •• ••]",
    "iin": "[••••••••••••]",
    "name": "[•••]",
}

_SEP = r"[\s\-.()]{0,3}"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# +7 701 123 45 67, 8(701)1234567, 87011234567, 7 701 123-45-67, or 701 123 45 67 (mobile).
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+\s?7|8|7)" + _SEP + r")?\(?[67]\d{2}\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}"
    r"" + _SEP + r"\d{2}(?!\w)",
    re.UNICODE,
)
# 12 digits, possibly grouped (900101 300123, 9001-0130-0123).
IIN_RE = re.compile(r"(?<!\w)\d(?:[\s-]?\d){11}(?!\w)")
_NAME_WORD = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі'’\-]+"
NAME_RE = re.compile(
    r"(?P<lead>\b(?:меня\s+зовут|мо[её]\s+имя|моя\s+фамилия|менің\s+атым|менің\s+есімім|"
    r"менің\s+аты-жөнім|атым|есімім|my\s+name\s+is)\s*[:,—–-]?\s*)"
    r"(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})",
    re.IGNORECASE | re.UNICODE,
)
# The name words themselves must start with a capital letter even though the lead is matched
# case-insensitively ("меня зовут так себе" is not a name).
_CAPITAL = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]")


# Cheap necessary conditions, checked before the full patterns (most texts have none).
_TEN_DIGITS = re.compile(r"\d(?:\D{0,3}\d){9}")
_NAME_LEADS = ("зовут", "имя", "мое имя", "фамилия", "атым", "есімім", "аты-жөнім", "name")


@dataclass(frozen=True)
class PiiMatch:
    kind: str  # "email", "phone", "iin" or "name"
    start: int
    end: int
    text: str


def find_pii(text: str) -> list[PiiMatch]:
    """Return the personal data found in ``text``, in order, without overlaps.

    E-mails are found first (their digits are not phones), then 12-digit IINs (an IIN is not a
    phone), then phones, then names.
    """
    if not text:
        return []
    found: list[PiiMatch] = []

    def free(start: int, end: int) -> bool:
        return all(end <= m.start or start >= m.end for m in found)

    patterns = [("email", EMAIL_RE)] if "@" in text else []
    if _TEN_DIGITS.search(text):
        patterns += [("iin", IIN_RE), ("phone", PHONE_RE)]
    for kind, regex in patterns:
        for m in regex.finditer(text):
            if free(m.start(), m.end()):
                found.append(PiiMatch(kind, m.start(), m.end(), m.group()))
    lowered = text.lower()
    for m in NAME_RE.finditer(text) if any(w in lowered for w in _NAME_LEADS) else ():
        words = m.group("name").split()
        kept = []
        for w in words:
            if not _CAPITAL.match(w):
                break
            kept.append(w)
        if not kept:
            continue
        start = m.start("name")
        end = start + len(" ".join(kept)) if len(kept) == len(words) else m.start("name")
        if len(kept) != len(words):
            # Recompute the end of the capitalised prefix in the original spacing.
            end = start
            for w in kept:
                end = text.index(w, end) + len(w)
        if free(start, end):
            found.append(PiiMatch("name", start, end, text[start:end]))
    return sorted(found, key=lambda m: m.start)


def mask_pii(text: str) -> str:
    """Return ``text`` with every IIN, phone, e-mail and introduced name replaced by a mask."""
    matches = find_pii(text)
    if not matches:
        return text
    out, pos = [], 0
    for m in matches:
        out.append(text[pos : m.start])
        out.append(MASKS[m.kind])
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def contains_pii(text: str) -> bool:
    return bool(find_pii(text))
