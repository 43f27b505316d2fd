"""Find and mask personal data typed into free text. Pure Python: no Django, no other app.

``find(text)`` returns the spans of IINs (12 digits), phone numbers (Kazakhstan's +7/8 and
other international numbers), e-mail addresses and names introduced by "меня зовут",
"менің атым", "my name is" and their kin. ``mask(text)`` replaces each span with a mark of its
kind, so the public reads "[ИИН]" / "[телефон]" instead of the data, and the rest of the
proposal is unchanged. The detector errs towards masking: any 12-digit run is an IIN, whatever
its check digit, because a mistyped IIN is still personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MASKS", "Span", "find", "mask"]


@dataclass(frozen=True, order=True)
class Span:
    """``text[start:end]`` is personal data of ``kind`` (iin, phone, email, name)."""

    start: int
    end: int
    kind: str


# Language-neutral marks: the same in kk, ru and en pages, and readable by screen readers.
MASKS = {"iin": "[ИИН/IIN]", "phone": "[☎]", "email": "[@]", "name": "[…]"}

_DIGIT_SEP = r"[\s\-.()\u00a0]*"
_IIN = re.compile(r"(?<![\d+])\d{6}" + _DIGIT_SEP + r"\d{6}(?!\d)")
# +7 / 8 / 7 and ten digits in any grouping; or any other "+" number of 10-15 digits.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s*7|8|7)"
    + _DIGIT_SEP
    + r"\(?\d{3}\)?"
    + _DIGIT_SEP
    + r"\d{3}"
    + _DIGIT_SEP
    + r"\d{2}"
    + _DIGIT_SEP
    + r"\d{2}(?!\d)"
    + r"|(?<![\w+])\+\d(?:"
    + _DIGIT_SEP
    + r"\d){9,14}(?!\d)"
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_INTRO = (
    r"меня\s+зовут|моё\s+имя|мое\s+имя|моя\s+фамилия|я\s*[-—–]\s*|с\s+уважением,?"
    r"|менің\s+атым|менің\s+есімім|менің\s+аты-жөнім|атым|есімім"
    r"|my\s+name\s+is|i\s+am\s+called"
)
# One to three capitalised words (Cyrillic with Kazakh letters, or Latin), or initials.
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LOWER = "a-zа-яёәғқңөұүһі"
_NAME_WORD = rf"(?:[{_UPPER}]\.\s?){{1,2}}|[{_UPPER}][{_LOWER}'\-]+"
_NAME_INTRO = re.compile(rf"(?:(?<=\W)|^)(?:{_INTRO})[\s,:]+", re.IGNORECASE)
_NAME_TOKEN = re.compile(_NAME_WORD)  # case-sensitive: a name starts with a capital


def _names(text: str) -> list[Span]:
    spans = []
    for intro in _NAME_INTRO.finditer(text):
        start = end = intro.end()
        words = 0
        while words < 3:
            token = _NAME_TOKEN.match(text, end)
            if token is None:
                break
            end = token.end()
            words += 1
            gap = re.match(r"[ \t\u00a0]+", text[end:])
            if gap is None or not _NAME_TOKEN.match(text, end + gap.end()):
                break
            end += gap.end()
        if words:
            spans.append(Span(start, len(text[:end].rstrip()), "name"))
    return spans


def find(text: str) -> list[Span]:
    """Return the personal-data spans of ``text``, sorted, without overlaps."""
    found: list[Span] = []
    found += [Span(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    found += [Span(m.start(), m.end(), "iin") for m in _IIN.finditer(text)]
    found += [Span(m.start(), m.end(), "phone") for m in _PHONE.finditer(text)]
    found += _names(text)
    found.sort(key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for span in found:
        if out and span.start < out[-1].end:
            continue  # inside (or overlapping) a span already taken
        out.append(span)
    return out


def mask(text: str) -> str:
    """Return ``text`` with every span of :func:`find` replaced by the mark of its kind."""
    parts = []
    at = 0
    for span in find(text):
        parts.append(text[at : span.start])
        parts.append(MASKS[span.kind])
        at = span.end
    parts.append(text[at:])
    return "".join(parts)
