"""The draft checker's problems (``drafts.formats``, pure Python, English) in the reader's
language for the staff upload page. A message not listed here is shown as it is, marked
``lang="en"``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kenes.drafts.formats import Problem

# (pattern of the English message, translatable message with the same named groups)
MESSAGES: list[tuple[str, Promise]] = [
    (r"unknown field", _("unknown field")),
    (r"must be a list of strings", _("must be a list of strings")),
    (r"must be a list", _("must be a list")),
    (r"must be an object", _("must be an object")),
    (r"must be a string or null", _("must be text or empty")),
    (r"must be a string, not (?P<type>\w+)", _("must be text, not %(type)s")),
    (r"missing required field '(?P<key>[^']+)'", _("the required field “%(key)s” is missing")),
    (r"missing or not a list", _("missing, or not a list")),
    (r"the top level must be a JSON object", _("the file must be one JSON object")),
    (r"must be one of (?P<langs>.+)", _("must be one of: %(langs)s")),
    (r"invalid JSON: (?P<msg>.+)", _("this is not valid JSON (%(msg)s)")),
    (r"the document has no title", _("the document has no title")),
    (r"the document has no articles", _("the document has no articles")),
    (r"article has no number", _("the article has no number")),
    (r"point has no number", _("the point has no number")),
    (
        r"article number '(?P<n>[^']*)' is not like '43' or '83-1'",
        _("the article number “%(n)s” is not like 43 or 83-1"),
    ),
    (
        r"duplicate section number '(?P<n>[^']*)' \(first at (?P<at>.+)\)",
        _("the section number “%(n)s” is repeated (first at %(at)s)"),
    ),
    (
        r"duplicate article number '(?P<n>[^']*)' \(first at (?P<at>.+)\)",
        _("the article number “%(n)s” is repeated (first at %(at)s)"),
    ),
    (
        r"duplicate point number '(?P<n>[^']*)' in article (?P<a>.+)",
        _("the point number “%(n)s” is repeated in article %(a)s"),
    ),
    (r"missing in the new language", _("missing in the new language")),
    (r"not in the existing text", _("not in the text already loaded")),
    (r"expected section (?P<n>.+)", _("section %(n)s was expected here")),
    (r"a different number of subpoints", _("a different number of subpoints")),
    (r"missing translation", _("no translation")),
    (r"subpoints differ", _("the subpoints differ")),
    (r"title missing in one language", _("the title is missing in one language")),
    (r"text missing in one language", _("the text is missing in one language")),
    (
        r"(?P<a>\d+) sections, the existing text has (?P<b>\d+)",
        _("%(a)s sections, but the text already loaded has %(b)s"),
    ),
    (r"text outside any article", _("text outside any article")),
    (r"no title: start with '# Title'", _("no title: start the file with “# Title”")),
    (
        r"a second '# ' title; use '##' for sections",
        _("a second “# ” title; use “##” for sections"),
    ),
    (r"unexpected heading level", _("a heading of an unexpected level")),
    (
        r"article heading '(?P<h>.*)' is not like 'Статья 43' or '43-бап'",
        _("the article heading “%(h)s” is not like “Статья 43” or “43-бап”"),
    ),
    (
        r"section heading '(?P<h>.*)' is not like 'Раздел I\. Title' or 'I бөлім\. Title'",
        _("the section heading “%(h)s” is not like “Раздел I. Title” or “I бөлім. Title”"),
    ),
    (
        r"contains NUL bytes; it is not a text file",
        _("it contains NUL bytes: it is not a text file"),
    ),
    (
        r"is not valid UTF-8; save the file as UTF-8 and try again",
        _("this is not valid UTF-8: save the file as UTF-8 and try again"),
    ),
    (
        r"is (?P<size>[\d,]+) bytes; the limit is (?P<limit>[\d,]+) bytes",
        _("the file has %(size)s bytes; the limit is %(limit)s bytes"),
    ),
    (
        r"unknown format '(?P<name>.*)': use \.json, \.md or \.docx",
        _("unknown format “%(name)s”: use .json, .md or .docx"),
    ),
    (
        r"is not a readable \.docx document \((?P<why>.*)\)",
        _("this is not a readable .docx document (%(why)s)"),
    ),
]
COMPILED = [(re.compile(f"^{pattern}$"), message) for pattern, message in MESSAGES]

# Places in a file; JSON paths ($.sections[0]...) and "document/version" stay as they are.
PLACES: list[tuple[str, Promise]] = [
    (r"line (?P<n>\d+)", _("line %(n)s")),
    (r"line (?P<n>\d+), column (?P<c>\d+)", _("line %(n)s, column %(c)s")),
    (r"paragraph (?P<n>\d+)", _("paragraph %(n)s")),
    (r"byte (?P<b>\d+) \(line (?P<n>\d+)\)", _("byte %(b)s (line %(n)s)")),
    (r"file", _("file")),
    (r"title", _("title")),
    (r"sections", _("sections")),
    (r"language", _("language")),
    (r"section (?P<n>[^,]+)", _("section %(n)s")),
    (r"article (?P<n>[^,]+)", _("article %(n)s")),
    (r"article (?P<n>[^,]+), point (?P<p>.+)", _("article %(n)s, point %(p)s")),
]
PLACES_COMPILED = [(re.compile(f"^{pattern}$"), message) for pattern, message in PLACES]


def _place(location: str) -> str:
    for pattern, message in PLACES_COMPILED:
        match = pattern.match(location)
        if match:
            return str(message) % match.groupdict()
    return location


@dataclass(frozen=True)
class ShownProblem:
    location: str
    message: str
    lang: str  # "" when in the reader's language, else the language of ``message``


def shown(problem: Problem) -> ShownProblem:
    for pattern, message in COMPILED:
        match = pattern.match(problem.message)
        if match:
            text = str(message) % match.groupdict()
            return ShownProblem(_place(problem.location), text, "")
    # Not from the checker's list: either already translated (the page's own checks) or English.
    lang = "en" if problem.message.isascii() else ""
    return ShownProblem(_place(problem.location), problem.message, lang)
