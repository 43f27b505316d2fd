"""The test generator itself: its "distinct" proposals must really be distinct."""

from __future__ import annotations

import random

import pytest

from kenes.analysis.campaigns import CampaignDoc, detect_campaigns
from tests.analysis.generate import TOPICS, claim_and_reasons, distinct_proposal, generate


def test_every_article_has_its_own_wording_in_both_languages() -> None:
    for topic in TOPICS:
        for lang in ("ru", "kk"):
            assert len(topic[lang]) >= 5, (topic["article"], lang)
            assert len(topic[f"{lang}_reasons"]) >= 4, (topic["article"], lang)
            assert len(set(topic[lang])) == len(topic[lang])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_never_the_same_claim_and_reasons_twice(lang: str) -> None:
    rng = random.Random(7)
    seen: set[int] = set()
    pairs = set()
    claims = []
    topic = next(t for t in TOPICS if t["article"] == "34")  # the article with the fewest
    for _ in range(1500):
        claim, reasons = claim_and_reasons(rng, topic, lang, seen)
        pairs.add((claim, *sorted(reasons)))
        claims.append(claim)
    assert len(pairs) == 1500
    # a claim sentence comes back only once the draws run dry (Kazakh 34: ~400 claims)
    assert len(set(claims[:150])) == 150
    assert len(set(claims)) > 300


def test_distinct_proposals_form_no_campaign() -> None:
    """Seed 200 of the letters bench had a "campaign" of 15 generated distinct Kazakh letters
    (one claim pattern with a few alternatives); the lexical stage must find none now."""
    rows = [r for r in generate(4000, seed=200, translate_p=0.12) if r["gt_kind"] == "distinct"]
    assert len(rows) > 2000
    docs = [CampaignDoc(r["id"], r["text"], r["lang"]) for r in rows]
    assert detect_campaigns(docs) == []


def test_distinct_proposal_without_a_set_still_works() -> None:
    rng = random.Random(3)
    text, article = distinct_proposal(rng, "kk")
    assert text and article in {str(t["article"]) for t in TOPICS}
    assert "  " not in text
