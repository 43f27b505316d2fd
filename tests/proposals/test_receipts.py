"""Receipt codes and secrets: random symbols."""


def test_random_symbols_cover_the_alphabet_evenly():
    from collections import Counter

    from kenes.proposals.receipts import ALPHABET, _random_symbols

    drawn = "".join(_random_symbols(10) for _ in range(3000))
    assert len(drawn) == 30000 and set(drawn) <= set(ALPHABET)
    counts = Counter(drawn)
    expected = len(drawn) / len(ALPHABET)
    chi2 = sum((counts[s] - expected) ** 2 / expected for s in ALPHABET)
    assert chi2 < 80  # 29 degrees of freedom: p < 1e-6 for a fair draw to exceed it
