"""Extractive, verifiable cluster summaries.

Every quote is an exact ``text[start:end]`` slice of a member proposal and carries that
proposal's id; every number outside quotes is recomputed from the data. :func:`check_summary`
verifies both claims against the data and returns the problems found (empty = valid).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .letters import parse_letter
from .normalize import fold


@dataclass(frozen=True, slots=True)
class Quote:
    proposal_id: str
    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "proposal_id": self.proposal_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(slots=True)
class Summary:
    size: int
    languages: dict[str, int]
    quotes: list[Quote] = field(default_factory=list)
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "languages": dict(self.languages),
            "text": self.text,
            "quotes": [q.as_dict() for q in self.quotes],
        }


def _render(size: int, langs: Mapping[str, int], quotes: Sequence[Quote]) -> str:
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(langs.items()))
    head = f"{size} proposals ({counts})." if counts else f"{size} proposals."
    body = " ".join(f"«{q.text}» [{q.proposal_id}]" for q in quotes)
    return f"{head} {body}".strip()


def summarize(
    members: Sequence[tuple[str, str, str]],
    *,
    max_quotes: int = 3,
    max_members: int = 400,
    max_quote_chars: int = 300,
) -> Summary:
    """Summarise (id, text, lang) members with representative sentences quoted verbatim."""
    langs = dict(Counter(lang for _, _, lang in members))
    size = len(members)
    cands: list[Quote] = []
    step = max(1, len(members) // max_members)
    for pid, text, _ in members[::step][:max_members]:
        for s in parse_letter(text[:20_000]).sentences():
            if 20 <= len(s.text) <= max_quote_chars:
                cands.append(Quote(pid, s.text, s.start, s.end))
    quotes: list[Quote] = []
    if cands:
        try:
            vec = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(3, 5),
                preprocessor=fold,
                sublinear_tf=True,
                min_df=1,
            )
            x = vec.fit_transform([q.text for q in cands])
        except ValueError:
            x = None
        if x is not None:
            centroid = np.asarray(x.mean(axis=0)).ravel()
            scores = np.asarray(x @ centroid).ravel()
            chosen: list[int] = []
            for i in np.argsort(-scores, kind="stable"):
                if len(chosen) >= max_quotes:
                    break
                if any(float((x[i] @ x[j].T).toarray()[0, 0]) > 0.6 for j in chosen):
                    continue
                chosen.append(int(i))
            quotes = [cands[i] for i in chosen]
    return Summary(size, langs, quotes, _render(size, langs, quotes))


_QUOTED = re.compile(r"«[^»]*»\s*\[[^\]]*\]")


def check_summary(
    summary: Summary,
    texts: Mapping[str, str],
    member_langs: Mapping[str, str],
) -> list[str]:
    """Problems of ``summary`` against the data (``member_langs``: member id -> lang)."""
    problems: list[str] = []
    if summary.size != len(member_langs):
        problems.append(f"size {summary.size} != {len(member_langs)} members")
    real = dict(Counter(member_langs.values()))
    if summary.languages != real:
        problems.append(f"language counts {summary.languages} != {real}")
    for q in summary.quotes:
        if q.proposal_id not in member_langs:
            problems.append(f"quote from non-member {q.proposal_id}")
            continue
        src = texts.get(q.proposal_id, "")
        if src[q.start : q.end] != q.text or q.text not in src:
            problems.append(f"quote is not an exact substring of {q.proposal_id}")
    allowed = {str(len(member_langs)), *(str(v) for v in real.values())}
    for num in re.findall(r"\d+", _QUOTED.sub(" ", summary.text)):
        if num not in allowed:
            problems.append(f"number {num} not backed by the data")
    if summary.text != _render(summary.size, summary.languages, summary.quotes):
        problems.append("text does not match its quotes and counts")
    return problems
