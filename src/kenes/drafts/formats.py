"""Draft text formats: the Kenes draft JSON, Markdown and DOCX. Pure Python, no Django.

Every reader returns a :class:`DraftDoc` or raises :class:`DraftFormatError` carrying *every*
problem found, each with its location (a JSON path, a Markdown line or a DOCX paragraph), so a
commission can fix a file in one pass. Nothing here touches the database.

The Kenes draft JSON::

    {"title", "language": "ru"|"kk", "version", "preamble",
     "sections": [{"number", "title", "notes"?,
                   "articles": [{"number", "title"?, "text"?, "notes"?, "subpoints"?,
                                 "points": [{"number", "text", "subpoints": [...]}]}]}]}

Any other top-level key (``adopted``, ``source``, ...) is kept as metadata and written back on
export, so a file round-trips without loss.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("kk", "ru")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

TOP_LEVEL_KEYS = {"title", "language", "version", "preamble", "sections"}
SECTION_KEYS = {"number", "title", "notes", "articles"}
ARTICLE_KEYS = {"number", "title", "text", "notes", "points", "subpoints"}
POINT_KEYS = {"number", "text", "subpoints"}
SUBPOINT_KEYS = {"number", "text"}

ARTICLE_NUMBER_RE = re.compile(r"^\d{1,4}(?:-\d{1,3})?$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, and where."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class DraftFormatError(Exception):
    """A draft file could not be read; ``problems`` lists every problem with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the draft:\n{shown}{more}")


@dataclass
class Subpoint:
    number: str | None
    text: str


@dataclass
class Point:
    number: str
    text: str
    subpoints: list[Subpoint] = field(default_factory=list)


@dataclass
class Article:
    number: str
    title: str = ""
    text: str = ""
    points: list[Point] = field(default_factory=list)
    subpoints: list[Subpoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def plain_text(self) -> str:
        """Return the whole article as text, in reading order."""
        parts = [self.text]
        parts += [s.text for s in self.subpoints]
        for point in self.points:
            parts.append(point.text)
            parts += [s.text for s in point.subpoints]
        return "\n".join(p for p in parts if p)


@dataclass
class Section:
    number: str
    title: str
    articles: list[Article] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftDoc:
    title: str
    language: str
    version: str = ""
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def articles(self) -> list[Article]:
        return [a for s in self.sections for a in s.articles]


# --------------------------------------------------------------------------- decoding


def decode_text(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return ``data`` as text; refuse files over ``max_bytes`` and anything not UTF-8."""
    if len(data) > max_bytes:
        raise DraftFormatError(
            [Problem("file", f"is {len(data):,} bytes; the limit is {max_bytes:,} bytes")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DraftFormatError(
            [
                Problem(
                    f"byte {exc.start} (line {line})",
                    "is not valid UTF-8; save the file as UTF-8 and try again",
                )
            ]
        ) from exc
    if "\x00" in text:
        raise DraftFormatError([Problem("file", "contains NUL bytes; it is not a text file")])
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- JSON


def _str_field(
    obj: dict[str, Any], key: str, where: str, problems: list[Problem], *, required: bool = False
) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            problems.append(Problem(where, f"missing required field '{key}'"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(f"{where}.{key}", f"must be a string, not {type(value).__name__}"))
        return ""
    return value


def _unknown_keys(obj: dict[str, Any], allowed: set[str], where: str, out: list[Problem]) -> None:
    for key in sorted(set(obj) - allowed):
        out.append(Problem(f"{where}.{key}", "unknown field"))


def _notes(obj: dict[str, Any], where: str, problems: list[Problem]) -> list[str]:
    notes = obj.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        problems.append(Problem(f"{where}.notes", "must be a list of strings"))
        return []
    return list(notes)


def _subpoints(raw: Any, where: str, problems: list[Problem]) -> list[Subpoint]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(where, "must be a list"))
        return []
    out = []
    for i, item in enumerate(raw):
        loc = f"{where}[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(loc, "must be an object"))
            continue
        _unknown_keys(item, SUBPOINT_KEYS, loc, problems)
        number = item.get("number")
        if number is not None and not isinstance(number, str):
            problems.append(Problem(f"{loc}.number", "must be a string or null"))
            number = None
        out.append(
            Subpoint(number=number, text=_str_field(item, "text", loc, problems, required=True))
        )
    return out


def _each_object(
    parent: dict[str, Any], key: str, where: str, out: list[Problem]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of the list ``parent[key]`` (absent: none), each with its JSON path; a
    value that is not a list, or an item that is not an object, is a problem."""
    items = parent.get(key, [])
    if not isinstance(items, list):
        out.append(Problem(f"{where}.{key}", "must be a list"))
        return
    for i, item in enumerate(items):
        loc = f"{where}.{key}[{i}]"
        if not isinstance(item, dict):
            out.append(Problem(loc, "must be an object"))
            continue
        yield loc, item


def draft_from_dict(raw: Any, *, language: str | None = None) -> DraftDoc:
    """Validate a parsed Kenes draft JSON object and return it as a :class:`DraftDoc`."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DraftFormatError([Problem("$", "the top level must be a JSON object")])
    lang = raw.get("language", language)
    if lang is None:
        lang = "ru"
    if lang not in LANGUAGES:
        problems.append(Problem("$.language", f"must be one of {', '.join(LANGUAGES)}"))
    doc = DraftDoc(
        title=_str_field(raw, "title", "$", problems, required=True),
        language=str(lang),
        version=_str_field(raw, "version", "$", problems),
        preamble=_str_field(raw, "preamble", "$", problems),
        meta={k: v for k, v in raw.items() if k not in TOP_LEVEL_KEYS},
    )
    sections = raw.get("sections")
    if not isinstance(sections, list):
        problems.append(Problem("$.sections", "missing or not a list"))
        raise DraftFormatError(problems)
    for sloc, sraw in _each_object(raw, "sections", "$", problems):
        _unknown_keys(sraw, SECTION_KEYS, sloc, problems)
        section = Section(
            number=_str_field(sraw, "number", sloc, problems),
            title=_str_field(sraw, "title", sloc, problems),
            notes=_notes(sraw, sloc, problems),
        )
        for aloc, araw in _each_object(sraw, "articles", sloc, problems):
            _unknown_keys(araw, ARTICLE_KEYS, aloc, problems)
            article = Article(
                number=_str_field(araw, "number", aloc, problems, required=True).strip(),
                title=_str_field(araw, "title", aloc, problems),
                text=_str_field(araw, "text", aloc, problems),
                notes=_notes(araw, aloc, problems),
                subpoints=_subpoints(araw.get("subpoints"), f"{aloc}.subpoints", problems),
            )
            for ploc, praw in _each_object(araw, "points", aloc, problems):
                _unknown_keys(praw, POINT_KEYS, ploc, problems)
                article.points.append(
                    Point(
                        number=_str_field(praw, "number", ploc, problems, required=True).strip(),
                        text=_str_field(praw, "text", ploc, problems, required=True),
                        subpoints=_subpoints(praw.get("subpoints"), f"{ploc}.subpoints", problems),
                    )
                )
            section.articles.append(article)
        doc.sections.append(section)
    problems += validate(doc, json_paths=True)
    if problems:
        raise DraftFormatError(problems)
    return doc


def parse_json(
    data: bytes, *, language: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> DraftDoc:
    """Read a Kenes draft JSON file."""
    text = decode_text(data, max_bytes=max_bytes)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftFormatError(
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}")]
        ) from exc
    return draft_from_dict(raw, language=language)


def _subpoints_to_list(subpoints: list[Subpoint]) -> list[dict[str, Any]]:
    return [{"number": s.number, "text": s.text} for s in subpoints]


def draft_to_dict(doc: DraftDoc) -> dict[str, Any]:
    """Return ``doc`` as a Kenes draft JSON object (metadata keys kept)."""
    out: dict[str, Any] = {"title": doc.title, "language": doc.language}
    if doc.version:
        out["version"] = doc.version
    out["preamble"] = doc.preamble
    out.update(doc.meta)
    sections = []
    for s in doc.sections:
        sec: dict[str, Any] = {"number": s.number, "title": s.title}
        if s.notes:
            sec["notes"] = list(s.notes)
        arts = []
        for a in s.articles:
            art: dict[str, Any] = {"number": a.number}
            if a.title:
                art["title"] = a.title
            art["text"] = a.text
            art["subpoints"] = _subpoints_to_list(a.subpoints)
            art["points"] = [
                {"number": p.number, "text": p.text, "subpoints": _subpoints_to_list(p.subpoints)}
                for p in a.points
            ]
            if a.notes:
                art["notes"] = list(a.notes)
            arts.append(art)
        sec["articles"] = arts
        sections.append(sec)
    out["sections"] = sections
    return out


def dumps(doc: DraftDoc) -> str:
    return json.dumps(draft_to_dict(doc), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- validation


def validate(doc: DraftDoc, *, json_paths: bool = False) -> list[Problem]:
    """Return the structural problems of ``doc``: numbering, duplicates, empty document."""
    problems: list[Problem] = []
    seen_articles: dict[str, str] = {}
    seen_sections: dict[str, str] = {}
    if not doc.title.strip():
        problems.append(Problem("title", "the document has no title"))
    if not doc.articles():
        problems.append(Problem("sections", "the document has no articles"))
    for si, section in enumerate(doc.sections):
        sloc = f"$.sections[{si}]" if json_paths else f"section {section.number or si + 1}"
        if section.number:
            if section.number in seen_sections:
                problems.append(
                    Problem(
                        sloc,
                        f"duplicate section number '{section.number}' "
                        f"(first at {seen_sections[section.number]})",
                    )
                )
            else:
                seen_sections[section.number] = sloc
        for ai, article in enumerate(section.articles):
            aloc = f"{sloc}.articles[{ai}]" if json_paths else f"article {article.number}"
            if not article.number:
                problems.append(Problem(aloc, "article has no number"))
                continue
            if not ARTICLE_NUMBER_RE.match(article.number):
                problems.append(
                    Problem(aloc, f"article number '{article.number}' is not like '43' or '83-1'")
                )
            if article.number in seen_articles:
                problems.append(
                    Problem(
                        aloc,
                        f"duplicate article number '{article.number}' "
                        f"(first at {seen_articles[article.number]})",
                    )
                )
            else:
                seen_articles[article.number] = aloc
            seen_points: set[str] = set()
            for pi, point in enumerate(article.points):
                ploc = f"{aloc}.points[{pi}]" if json_paths else f"{aloc}, point {point.number}"
                if not point.number:
                    problems.append(Problem(ploc, "point has no number"))
                elif point.number in seen_points:
                    problems.append(
                        Problem(
                            ploc,
                            f"duplicate point number '{point.number}' in article {article.number}",
                        )
                    )
                seen_points.add(point.number)
    return problems


def structure_mismatches(base: DraftDoc, other: DraftDoc) -> list[Problem]:
    """Return where ``other`` (a parallel translation) does not share ``base``'s numbering.

    Parallel texts must have the same sections, articles, points and subpoints, in the same
    order, and every piece of text present in one language must be present in the other.
    """
    problems: list[Problem] = []
    if len(base.sections) != len(other.sections):
        problems.append(
            Problem(
                "sections",
                f"{len(other.sections)} sections, the existing text has {len(base.sections)}",
            )
        )
    b_arts = [a.number for a in base.articles()]
    o_arts = [a.number for a in other.articles()]
    for missing in [n for n in b_arts if n not in set(o_arts)]:
        problems.append(Problem(f"article {missing}", "missing in the new language"))
    for extra in [n for n in o_arts if n not in set(b_arts)]:
        problems.append(Problem(f"article {extra}", "not in the existing text"))
    for sb, so in zip(base.sections, other.sections, strict=False):
        if sb.number != so.number:
            problems.append(Problem(f"section {so.number}", f"expected section {sb.number}"))
        if bool(sb.title.strip()) != bool(so.title.strip()):
            problems.append(Problem(f"section {sb.number}", "title missing in one language"))
    others = {a.number: a for a in other.articles()}
    for ab in base.articles():
        ao = others.get(ab.number)
        if ao is None:
            continue
        loc = f"article {ab.number}"
        if bool(ab.text.strip()) != bool(ao.text.strip()):
            problems.append(Problem(loc, "text missing in one language"))
        if [p.number for p in ab.points] != [p.number for p in ao.points]:
            problems.append(
                Problem(
                    loc,
                    "points are numbered "
                    f"{[p.number for p in ao.points]}, expected "
                    f"{[p.number for p in ab.points]}",
                )
            )
            continue
        if len(ab.subpoints) != len(ao.subpoints):
            problems.append(Problem(loc, "a different number of subpoints"))
        for pb, po in zip(ab.points, ao.points, strict=True):
            if not po.text.strip():
                problems.append(Problem(f"{loc}, point {pb.number}", "missing translation"))
            if [s.number for s in pb.subpoints] != [s.number for s in po.subpoints]:
                problems.append(Problem(f"{loc}, point {pb.number}", "subpoints differ"))
    return problems


# --------------------------------------------------------------------------- Markdown

ROMAN = r"[IVXLCDM]+"
SECTION_PATTERNS = [
    re.compile(rf"^(?:Раздел|Section|Бөлім)\s+(?P<num>{ROMAN}|\d+)\.?\s*(?P<title>.*)$", re.I),
    re.compile(rf"^(?P<num>{ROMAN}|\d+)[\s-]*(?:бөлім|раздел)\.?\s*(?P<title>.*)$", re.I),
]
ARTICLE_PATTERNS = [
    re.compile(
        r"^(?:Статья|Article|Бап)\s+(?P<num>\d{1,4}(?:-\d{1,3})?)\.?\s*(?P<title>.*)$", re.I
    ),
    re.compile(r"^(?P<num>\d{1,4}(?:-\d{1,3})?)[\s-]*бап\.?\s*(?P<title>.*)$", re.I),
]
POINT_RE = re.compile(r"^(?P<num>\d{1,3}(?:-\d{1,3})?)\.\s")
SUBPOINT_RE = re.compile(r"^(?P<num>\d{1,3}(?:-\d{1,3})?)\)\s")
NOTE_RE = re.compile(r"^\*(?P<note>.+)\*$")


def match_section(line: str) -> tuple[str, str] | None:
    for pattern in SECTION_PATTERNS:
        if m := pattern.match(line.strip()):
            return m["num"], m["title"].strip()
    return None


def match_article(line: str) -> tuple[str, str] | None:
    for pattern in ARTICLE_PATTERNS:
        if m := pattern.match(line.strip()):
            return m["num"], m["title"].strip()
    return None


class _Builder:
    """Assemble a DraftDoc from a stream of (location, kind, text) blocks."""

    def __init__(self, language: str) -> None:
        self.doc = DraftDoc(title="", language=language)
        self.problems: list[Problem] = []
        self.preamble: list[str] = []
        self.section: Section | None = None
        self.article: Article | None = None
        self.point: Point | None = None
        self.last_sub: Subpoint | None = None

    def title(self, text: str) -> None:
        self.doc.title = text.strip()

    def start_section(self, loc: str, heading: str) -> None:
        m = match_section(heading)
        if m is None:
            self.problems.append(
                Problem(
                    loc,
                    f"section heading '{heading}' is not like "
                    "'Раздел I. Title' or 'I бөлім. Title'",
                )
            )
            m = ("", heading)
        self.section = Section(number=m[0], title=m[1])
        self.doc.sections.append(self.section)
        self.article = self.point = self.last_sub = None

    def start_article(self, loc: str, heading: str) -> None:
        m = match_article(heading)
        if m is None:
            self.problems.append(
                Problem(loc, f"article heading '{heading}' is not like 'Статья 43' or '43-бап'")
            )
            return
        if self.section is None:
            self.section = Section(number="", title="")
            self.doc.sections.append(self.section)
        self.article = Article(number=m[0], title=m[1])
        self.section.articles.append(self.article)
        self.point = self.last_sub = None

    def body(self, loc: str, line: str) -> None:
        line = line.rstrip()
        if not line.strip():
            return
        if self.article is None:
            if self.section is None:
                self.preamble.append(line.lstrip("> ").rstrip())
            elif m := NOTE_RE.match(line.strip()):
                self.section.notes.append(m["note"].strip())
            else:
                self.problems.append(Problem(loc, "text outside any article"))
            return
        if m := NOTE_RE.match(line.strip()):
            self.article.notes.append(m["note"].strip())
        elif m := POINT_RE.match(line):
            self.point = Point(number=m["num"], text=line)
            self.article.points.append(self.point)
            self.last_sub = None
        elif m := SUBPOINT_RE.match(line):
            self.last_sub = Subpoint(number=m["num"], text=line)
            (self.point.subpoints if self.point else self.article.subpoints).append(self.last_sub)
        elif self.last_sub is not None:
            # A paragraph after a list of subpoints closes that list (unnumbered subpoint).
            self.last_sub = Subpoint(number=None, text=line)
            (self.point.subpoints if self.point else self.article.subpoints).append(self.last_sub)
        elif self.point is not None:
            self.point.text += "\n" + line
        else:
            self.article.text = f"{self.article.text}\n{line}" if self.article.text else line

    def finish(self) -> DraftDoc:
        self.doc.preamble = "\n".join(self.preamble).strip()
        if not self.doc.title:
            self.problems.insert(0, Problem("line 1", "no title: start with '# Title'"))
        self.problems += validate(self.doc)
        if self.problems:
            raise DraftFormatError(self.problems)
        return self.doc


def parse_markdown(
    data: bytes, *, language: str = "ru", max_bytes: int = DEFAULT_MAX_BYTES
) -> DraftDoc:
    """Read a draft written in Markdown.

    ``# Title``; ``> preamble`` lines; ``## Раздел I. Title`` (``## I бөлім. ...``) sections;
    ``### Статья 43`` (``### 43-бап``) articles; ``1. ...`` points; ``1) ...`` subpoints;
    a whole line in ``*italics*`` is a note.
    """
    text = decode_text(data, max_bytes=max_bytes)
    b = _Builder(language)
    for n, line in enumerate(text.splitlines(), start=1):
        loc = f"line {n}"
        if line.startswith("# "):
            if b.doc.title:
                b.problems.append(Problem(loc, "a second '# ' title; use '##' for sections"))
            b.title(line[2:])
        elif line.startswith("## "):
            b.start_section(loc, line[3:].strip())
        elif line.startswith("### "):
            b.start_article(loc, line[4:].strip())
        elif line.startswith("#"):
            b.problems.append(Problem(loc, "unexpected heading level"))
        else:
            b.body(loc, line)
    return b.finish()


# --------------------------------------------------------------------------- DOCX


def parse_docx(
    data: bytes, *, language: str = "ru", max_bytes: int = DEFAULT_MAX_BYTES
) -> DraftDoc:
    """Read a draft from a Word document.

    The title is the first ``Title``/``Heading 1`` paragraph (or the first paragraph);
    sections and articles are recognised by their text ("Раздел I ...", "Статья 43",
    "43-бап") whatever their style; other paragraphs are read like Markdown body lines.
    """
    if len(data) > max_bytes:
        raise DraftFormatError(
            [Problem("file", f"is {len(data):,} bytes; the limit is {max_bytes:,} bytes")]
        )
    import zipfile

    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DraftFormatError(
            [Problem("file", f"is not a readable .docx document ({exc})")]
        ) from exc
    b = _Builder(language)
    for n, para in enumerate(document.paragraphs, start=1):
        text = unicodedata.normalize("NFC", para.text).strip()
        if not text:
            continue
        loc = f"paragraph {n}"
        style = (para.style.name if para.style is not None else "") or ""
        if not b.doc.title:
            b.title(text)
        elif match_article(text) and len(text) < 120:
            b.start_article(loc, text)
        elif match_section(text) and len(text) < 300:
            b.start_section(loc, text)
        elif style.startswith("Heading") and b.section is None and b.article is None:
            b.preamble.append(text)
        else:
            b.body(loc, text)
    return b.finish()


def parse_any(
    data: bytes, *, filename: str, language: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> DraftDoc:
    """Read a draft in the format its file name says (.json, .md/.markdown, .docx)."""
    name = filename.lower()
    if name.endswith(".json"):
        return parse_json(data, language=language, max_bytes=max_bytes)
    if name.endswith((".md", ".markdown", ".txt")):
        return parse_markdown(data, language=language or "ru", max_bytes=max_bytes)
    if name.endswith(".docx"):
        return parse_docx(data, language=language or "ru", max_bytes=max_bytes)
    raise DraftFormatError(
        [Problem("file", f"unknown format '{filename}': use .json, .md or .docx")]
    )
