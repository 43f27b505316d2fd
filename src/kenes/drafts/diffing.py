"""Article-by-article comparison of two drafts. Pure Python, no Django.

Articles are matched by content, not only by number: the 1995 Constitution's article 7 on the
state language is the 2026 Constitution's article 9, and the comparison says so. The matching is
a greedy assignment over TF-IDF cosine similarity of the articles' words, with a bonus for the
same number; pairs under a threshold stay unmatched (added / removed).
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

WORD_RE = re.compile(r"\w+", re.UNICODE)
TOKEN_RE = re.compile(r"\w+|[^\w\s]+|\s+", re.UNICODE)
# Leading "1. " / "2) " numbering is not content: renumbered points must still compare equal.
NUMBERING_RE = re.compile(r"^\s*\d+(?:-\d+)?[.)]\s+", re.MULTILINE)

MATCH_THRESHOLD = 0.30
SAME_NUMBER_BONUS = 0.10
SAME_NUMBER_MIN = 0.20
STEM_LENGTH = 5


class Change(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class ArticleText:
    """An article as the comparison sees it: its number, section and full text."""

    number: str
    text: str
    section: str = ""
    title: str = ""


@dataclass
class Segment:
    """A piece of an inline diff: ``op`` is "equal", "insert" or "delete"."""

    op: str
    text: str


@dataclass
class ArticleChange:
    change: Change
    old: ArticleText | None
    new: ArticleText | None
    similarity: float = 0.0
    segments: list[Segment] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Return the article's current title (the old one for a removed article)."""
        return (self.new.title if self.new else "") or (self.old.title if self.old else "")

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old.number != self.new.number

    @property
    def moved(self) -> bool:
        """True when the article now stands in another section."""
        return (
            self.old is not None and self.new is not None and self.old.section != self.new.section
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "change": self.change.value,
            "old_number": self.old.number if self.old else None,
            "new_number": self.new.number if self.new else None,
            "old_section": self.old.section if self.old else None,
            "new_section": self.new.section if self.new else None,
            "renumbered": self.renumbered,
            "moved": self.moved,
            "similarity": round(self.similarity, 3),
            "segments": [{"op": s.op, "text": s.text} for s in self.segments],
        }


@dataclass
class DiffSummary:
    changes: list[ArticleChange]

    def counts(self) -> dict[str, int]:
        c = Counter(ch.change.value for ch in self.changes)
        c["renumbered"] = sum(1 for ch in self.changes if ch.renumbered)
        return {k: c.get(k, 0) for k in ("unchanged", "changed", "added", "removed", "renumbered")}


def content_of(text: str) -> str:
    """Return ``text`` without point/subpoint numbering and with whitespace folded."""
    return " ".join(NUMBERING_RE.sub("", text).split())


def _stem(word: str) -> str:
    """Return a crude stem: the first letters of a word.

    Russian and Kazakh inflect by endings ("государство", "государством", "мемлекеттің"), so a
    fixed-length prefix matches the forms of one word well enough for finding moved articles.
    """
    return word.lower()[:STEM_LENGTH]


def _vectors(texts: list[str]) -> list[dict[str, float]]:
    docs = [Counter(_stem(w) for w in WORD_RE.findall(content_of(t))) for t in texts]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    out = []
    for d in docs:
        vec = {w: (1 + math.log(tf)) * math.log((1 + n) / (1 + df[w]) + 1) for w, tf in d.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({w: v / norm for w, v in vec.items()})
    return out


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def inline_diff(old: str, new: str) -> list[Segment]:
    """Return a word-level diff of two texts as equal/insert/delete segments."""
    a = TOKEN_RE.findall(old)
    b = TOKEN_RE.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[Segment] = []

    def emit(op: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1].text += text
        else:
            segments.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", "".join(a[i1:i2]))
        else:
            emit("delete", "".join(a[i1:i2]))
            emit("insert", "".join(b[j1:j2]))
    return segments


def compare(old: list[ArticleText], new: list[ArticleText]) -> DiffSummary:
    """Compare two lists of articles; return one change per article, in the new order.

    Removed articles are placed after the new article that preceded them in the old text.
    """
    vectors = _vectors([a.text for a in old] + [a.text for a in new])
    old_vecs, new_vecs = vectors[: len(old)], vectors[len(old) :]
    candidates: list[tuple[float, float, int, int]] = []
    for i, ov in enumerate(old_vecs):
        for j, nv in enumerate(new_vecs):
            sim = _cosine(ov, nv)
            same = old[i].number == new[j].number
            if sim >= MATCH_THRESHOLD or (same and sim >= SAME_NUMBER_MIN):
                candidates.append((sim + (SAME_NUMBER_BONUS if same else 0.0), sim, i, j))
    candidates.sort(key=lambda c: (-c[0], c[2], c[3]))
    old_to_new: dict[int, tuple[int, float]] = {}
    taken_new: set[int] = set()
    for _score, sim, i, j in candidates:
        if i in old_to_new or j in taken_new:
            continue
        old_to_new[i] = (j, sim)
        taken_new.add(j)
    new_to_old = {j: (i, sim) for i, (j, sim) in old_to_new.items()}

    changes: list[ArticleChange] = []
    removed_after: dict[int, list[int]] = {}
    last_new = -1
    for i in range(len(old)):
        if i in old_to_new:
            last_new = old_to_new[i][0]
        else:
            removed_after.setdefault(last_new, []).append(i)

    def add_removed(after: int) -> None:
        for i in removed_after.get(after, []):
            changes.append(ArticleChange(Change.REMOVED, old[i], None))

    add_removed(-1)
    for j, art in enumerate(new):
        if j in new_to_old:
            i, sim = new_to_old[j]
            o = old[i]
            if content_of(o.text) == content_of(art.text) and o.title == art.title:
                changes.append(ArticleChange(Change.UNCHANGED, o, art, sim))
            else:
                changes.append(
                    ArticleChange(Change.CHANGED, o, art, sim, inline_diff(o.text, art.text))
                )
        else:
            changes.append(ArticleChange(Change.ADDED, None, art))
        add_removed(j)
    return DiffSummary(changes)
