"""What a full run leaves for the live step: the run's own way of reading a new letter.

A full run (:func:`kenes.analysis.pipeline.analyze`) learns from its corpus the formulas it
removes (:class:`~kenes.analysis.letters.FormulaLexicon`), the vocabulary that puts the Kazakh
letters back (:class:`~kenes.analysis.embedtext.KazakhRestorer`) and the theme space (each
language's mean vector, the clustered items; :class:`~kenes.analysis.themes.ThemePlacer`).
:class:`LiveModel` keeps the three, so a proposal that arrives later gets the same content, the
same embedding text and the same theme as it would have had in the run; :meth:`LiveModel.dumps`
and :meth:`LiveModel.loads` store it with the run.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .embedtext import KazakhRestorer, embedding_text
from .letters import FormulaLexicon, parse_letter
from .themes import ThemePlacer

# Why a proposal has no theme (the run leaves these out of its theme items).
NoTheme = Literal["unreadable", "empty", "formulas", "language"]


def no_theme_reason(flags: list[str], lang: str) -> NoTheme | None:
    """Why the run gives a proposal with these flags and language no theme (None: it does)."""
    if "binary" in flags:
        return "unreadable"
    if "empty" in flags:
        return "empty"
    if "formula_only" in flags:
        return "formulas"
    if lang == "und":
        return "language"
    return None


@dataclass(slots=True)
class LiveText:
    """A letter as the run reads it."""

    flags: list[str]
    lang: str
    content: str  # formulas removed ("" when nothing else is left)
    embed: str  # what the model sees (see kenes.analysis.embedtext)

    @property
    def no_theme(self) -> NoTheme | None:
        return no_theme_reason(self.flags, self.lang)


@dataclass(slots=True)
class LiveModel:
    formulas: frozenset[str]
    restorer: dict[str, str]
    placer: ThemePlacer | None = None
    _lexicon: FormulaLexicon = field(init=False, repr=False, compare=False)
    _restorer: KazakhRestorer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._lexicon = FormulaLexicon(self.formulas)
        self._restorer = KazakhRestorer(self.restorer)

    def read(self, text: str, lang: str = "") -> LiveText:
        """``text`` (given language ``lang``, or "" to detect it) read as the run reads its
        rows: flags, language, content and embedding text."""
        from .pipeline import MAX_CHARS, prepare_shard

        atext = text[:MAX_CHARS]
        flags, found = prepare_shard([(atext, (lang or "").strip().lower())])[0][:2]
        if "empty" not in flags and len(text) > MAX_CHARS:
            flags = ["truncated", *flags]
        if {"binary", "empty"} & set(flags):
            return LiveText(flags, found, "", "")
        letter = parse_letter(atext, self._lexicon)
        if letter.formula_only:
            flags.append("formula_only")
        content = letter.content_text
        embed = embedding_text(content, found, self._restorer) if content else ""
        return LiveText(flags, found, content, embed)

    def dumps(self) -> bytes:
        """The model as bytes (NumPy's npz: JSON header, float32 arrays)."""
        p = self.placer
        header = {
            "formulas": sorted(self.formulas),
            "restorer": self.restorer,
            "means": sorted(p.means) if p else [],
            "themes": p.themes if p else [],
            "subthemes": p.subthemes if p else [],
            "order": p.order if p else [],
        }
        dim = p.ref.shape[1] if p is not None and p.ref.ndim == 2 else 0
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            header=np.frombuffer(json.dumps(header, ensure_ascii=False).encode(), np.uint8),
            means=np.array(
                [p.means[lg] for lg in header["means"]] if p and p.means else np.zeros((0, dim)),
                dtype=np.float32,
            ),
            ref=(p.ref if p is not None else np.zeros((0, dim))).astype(np.float32),
        )
        return buf.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> LiveModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode())
            means, ref = z["means"], z["ref"]
        placer = None
        if header["themes"]:
            placer = ThemePlacer(
                {lg: means[i] for i, lg in enumerate(header["means"])},
                np.ascontiguousarray(ref, dtype=np.float32),
                list(header["themes"]),
                list(header["subthemes"]),
                list(header.get("order", [])),
            )
        return cls(frozenset(header["formulas"]), dict(header["restorer"]), placer)
