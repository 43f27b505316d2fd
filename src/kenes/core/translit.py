"""Kazakh Cyrillic → the official Kazakh Latin alphabet of 2021, for reading only.

The Cyrillic text stays authoritative: nothing is stored in Latin. :func:`to_latin` turns a
string, :func:`html_to_latin` the text of an HTML page (the reader's "Latyn" switch, see
``kenes.core.middleware.ScriptMiddleware``). Pure Python: no Django, no I/O.

The table is the alphabet approved on 28 January 2021 (31 letters, with Ç for ч and Ş for ш):
ә→ä, ғ→ğ, қ→q, ң→ñ, ө→ö, ұ→ū, ү→ü, һ/х→h, і→ı (capital I), и/й→i (capital İ), ш→ş, ч→ç,
ы→y, у→u, ж→j. Letters of Russian loans that the alphabet has no letter for are spelled with
two: ё→io, ю→iu, я→ia, ц→ts, щ→şş; the hard and soft signs are dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kenes.analysis.normalize import CYR2LAT

# Lower-case letters: the 2021 table the analysis already uses to match Latin-typed Kazakh.
LOWER: dict[str, str] = CYR2LAT


def _capitalised(latin: str) -> str:
    """Capital first letter: the capital of ``i`` is ``İ`` and that of ``ı`` is ``I``, which
    str.upper() would not give."""
    if not latin:
        return latin
    return {"i": "İ", "ı": "I"}.get(latin[0], latin[0].upper()) + latin[1:]


UPPER: dict[str, str] = {cyr.upper(): _capitalised(lat) for cyr, lat in LOWER.items()}
# A capital that becomes two letters is spelled in capitals inside a word in capitals
# ("ЮНЕСКО" → "İUNESKO") and as a capital and a small letter otherwise ("Юрий" → "İurii").
_ALL_CAPS = {cyr: lat[0] + lat[1:].upper() for cyr, lat in UPPER.items() if len(lat) > 1}
_TABLE = str.maketrans({**LOWER, **UPPER})
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_TWO_LETTER_CAPITAL = re.compile("[" + "".join(_ALL_CAPS) + "]")


def _capital(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    after = text[end] if end < len(text) else ""
    before = text[start - 1] if start else ""
    neighbour = after if after.isalpha() else before
    letter = match.group(0)
    return _ALL_CAPS[letter] if neighbour.isalpha() and neighbour.isupper() else UPPER[letter]


def to_latin(text: str) -> str:
    """The Kazakh Latin spelling of ``text``; characters that are not Cyrillic are kept."""
    if not _CYRILLIC.search(text):
        return text
    return _TWO_LETTER_CAPITAL.sub(_capital, text).translate(_TABLE)


# --- HTML -----------------------------------------------------------------------------------

# Elements whose content is never reader text: code, data, and what a person typed (a textarea
# sent back with an error must post the same Cyrillic it received).
_RAW = {"script", "style", "textarea", "template"}
_KEEP = {"code", "pre", "kbd", "samp", "var"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
# Attributes a person reads or hears, and data-* (where the pages keep messages that scripts
# and CSS show: "data-label", "data-short"...). Others (href, value, id, name) are data.
_TEXT_ATTRS = re.compile(
    r'(\s(?:title|alt|placeholder|aria-[a-z]+|data-[a-z0-9-]+)=")([^"]*)(")', re.IGNORECASE
)
_BUTTON_VALUE = re.compile(r'(\svalue=")([^"]*)(")', re.IGNORECASE)
_BUTTON_TYPE = re.compile(r'\stype="(?:submit|button|reset)"', re.IGNORECASE)
_LANG_ATTR = re.compile(r'(\slang=")([^"]*)(")', re.IGNORECASE)
_TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<[/?]?[A-Za-z][^>]*>", re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def html_to_latin(html: str, lang: str = "kk") -> str:
    """Transliterate the reader text of an HTML page or fragment whose language is ``lang``.

    Text nodes and the attributes a person reads (``title``, ``alt``, ``placeholder``,
    ``aria-*``, the messages kept in ``data-*`` and the label of an ``<input type="submit">``)
    are turned into Latin where the element's language is ``lang``; every ``lang="kk"``
    becomes ``lang="kk-Latn"``. Left as they are: text marked with another language
    (``lang="ru"``, ``lang="kk-Cyrl"`` for the switch back), ``<script>``, ``<style>``,
    ``<textarea>``, code, comments, and every other attribute (links, form values, names).
    """
    out: list[str] = []
    # Open elements: (tag, transliterate?) — the language a text inherits.
    stack: list[tuple[str, bool]] = []
    raw_until = ""
    json_data = False  # inside <script type="application/json"> of this language
    pos = 0
    for match in _TOKEN.finditer(html):
        text, token = html[pos : match.start()], match.group(0)
        pos = match.end()
        if raw_until:
            out.append(_json_to_latin(text) if json_data else text)
            out.append(token)
            if token.lower().startswith(raw_until):
                raw_until = ""
                json_data = False
                _close(stack, token)
            continue
        on = stack[-1][1] if stack else True
        out.append(to_latin(text) if on else text)
        if token.startswith("<!"):
            out.append(token)
            continue
        name_match = _TAG_NAME.match(token)
        name = name_match.group(1).lower() if name_match else ""
        if token.startswith("</"):
            _close(stack, token)
            out.append(token)
            continue
        here = on
        lang_match = _LANG_ATTR.search(token)
        if lang_match:
            here = lang_match.group(2).lower() == lang
            if here:
                token = _LANG_ATTR.sub(rf"\g<1>{lang}-Latn\g<3>", token, count=1)
        if here and name not in _RAW:
            token = _TEXT_ATTRS.sub(_latin_attr, token)
            if name == "input" and _BUTTON_TYPE.search(token):  # a button's label, not data
                token = _BUTTON_VALUE.sub(_latin_attr, token, count=1)
        out.append(token)
        if name in _RAW:
            raw_until = f"</{name}"
            # Labels a script shows (Django's json_script), e.g. the ledger check's decisions.
            json_data = here and name == "script" and bool(_JSON_TYPE.search(token))
            stack.append((name, False))
        elif name in _KEEP:
            stack.append((name, False))
        elif name not in _VOID and not token.endswith("/>"):
            stack.append((name, here))
    rest = html[pos:]
    out.append(rest if raw_until or (stack and not stack[-1][1]) else to_latin(rest))
    return "".join(out)


_JSON_TYPE = re.compile(r'\stype="application/json"', re.IGNORECASE)
# What Django's json_script escapes, so the data stays safe inside <script>.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_to_latin(text: str) -> str:
    """The strings of a JSON data block in Latin (keys and other values kept); text that is
    not JSON is returned as it is."""
    try:
        data = json.loads(text)
    except ValueError:
        return text

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return to_latin(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return json.dumps(walk(data)).translate(_JSON_SCRIPT_ESCAPES)


def _latin_attr(match: re.Match[str]) -> str:
    return match.group(1) + to_latin(match.group(2)) + match.group(3)


def _close(stack: list[tuple[str, bool]], token: str) -> None:
    """Pop the stack back to the element that ``</name>`` closes (if it is open at all)."""
    found = _TAG_NAME.match(token)
    if not found:
        return
    name = found.group(1).lower()
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            del stack[i:]
            return
