"""Nearest-neighbour indexes: the exact one against brute force, the IVF one against exact."""

from __future__ import annotations

import numpy as np
import pytest

from kenes.analysis.vectors import ExactIndex, IvfIndex, VectorIndex, make_index


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def clustered(n: int, dim: int, clusters: int, seed: int = 0, spread: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((clusters, dim)))
    return unit(centres[rng.integers(0, clusters, n)] + spread * rng.standard_normal((n, dim)))


def brute(vectors: np.ndarray, ids: list[int], query: np.ndarray, k: int) -> list[int]:
    scores = vectors @ query
    return [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]


def test_exact_search_equals_brute_force_across_blocks():
    # given 500 vectors scored in blocks of 7 rows (many partial top-k merges)
    data = clustered(500, 16, 10)
    ids = list(range(1000, 1500))
    index = ExactIndex(16, block=7)
    index.add(ids[:300], data[:300])
    index.add(ids[300:], data[300:])
    queries = clustered(20, 16, 10, seed=1)
    # when / then
    for q, hits in zip(queries, index.search_many(queries, 10), strict=True):
        assert [i for i, _s in hits] == brute(data, ids, q, 10)
        scores = [s for _i, s in hits]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] == pytest.approx(float(np.max(data @ q)), abs=1e-5)
    assert isinstance(index, VectorIndex) and len(index) == 500


def test_exact_add_again_replaces_and_remove_moves_the_last_row():
    rng = np.random.default_rng(3)
    data = unit(rng.standard_normal((6, 8)))
    index = ExactIndex(8)
    index.add([1, 2, 3, 4, 5], data[:5])
    # adding id 2 again replaces its vector (no second row)
    index.add([2], data[5])
    assert len(index) == 5 and index.search(data[5], 1)[0][0] == 2
    # removing an inner id and an unknown one
    assert index.remove([1, 99]) == 1
    assert 1 not in index and 5 in index and len(index) == 4
    assert index.search(data[4], 1)[0][0] == 5  # the last row moved into the hole
    assert sorted(i for i, _s in index.search(data[0], 10)) == [2, 3, 4, 5]
    assert index.remove([2, 3, 4, 5]) == 4 and len(index) == 0
    assert index.search(data[0], 3) == []
    index.add([7], data[0])
    assert index.search(data[0], 3) == [(7, pytest.approx(1.0, abs=1e-5))]


def test_exact_edge_cases():
    index = ExactIndex(4)
    assert index.search(np.ones(4), 5) == []
    index.add([], np.zeros((0, 4)))
    assert len(index) == 0
    index.add([1, 2], unit(np.eye(4)[:2]))
    assert len(index.search(np.ones(4), 10)) == 2  # k larger than the index
    assert index.search(np.ones(4), 0) == []
    with pytest.raises(ValueError, match="dimension 4"):
        index.add([3], np.ones(5))
    with pytest.raises(ValueError, match="dimension 4"):
        index.search(np.ones(3), 1)
    with pytest.raises(ValueError, match="finite"):
        index.add([3], np.array([1.0, np.nan, 0, 0]))
    with pytest.raises(ValueError, match="distinct"):
        index.add([3, 3], np.eye(4)[:2])
    with pytest.raises(ValueError, match="2 ids for 1 vectors"):
        index.add([3, 4], np.eye(4)[:1])
    with pytest.raises(ValueError, match="positive"):
        ExactIndex(0)


def test_ivf_recall_at_10_against_exact_is_high_on_clustered_vectors():
    # given 20 000 vectors around 80 topics (cosine to their centre about 0.8, like
    # embeddings of proposals on one subject) in both indexes
    data = clustered(20_000, 48, 80, spread=0.1)
    ids = list(range(20_000))
    exact = ExactIndex(48)
    exact.add(ids, data)
    ivf = IvfIndex(48, nprobe=16)
    ivf.add(ids, data)
    queries = unit(data[:100] + 0.05 * np.random.default_rng(2).standard_normal((100, 48)))
    # when both answer the same queries
    truth = exact.search_many(queries, 10)
    found = ivf.search_many(queries, 10)
    # then the IVF finds nearly all of the exact top 10, with close scores
    recall = np.mean(
        [len({i for i, _ in f} & {i for i, _ in t}) / 10 for f, t in zip(found, truth, strict=True)]
    )
    assert recall >= 0.9
    assert found[0][0][1] == pytest.approx(truth[0][0][1], abs=0.02)


def test_ivf_replace_remove_and_training_size():
    data = clustered(2_000, 16, 10)
    with pytest.raises(ValueError, match="needs at least"):
        IvfIndex(16, nlist=64).add(list(range(100)), data[:100])
    ivf = IvfIndex(16, nlist=16, nprobe=16)
    assert ivf.search(data[0], 5) == []  # untrained: empty, no error
    ivf.add(list(range(2_000)), data)
    assert ivf.trained and len(ivf) == 2_000
    assert ivf.search(data[5], 1)[0][0] == 5
    # the same id again: replaced, not duplicated
    ivf.add([5], data[7])
    assert len(ivf) == 2_000
    assert {i for i, _s in ivf.search(data[7], 2)} == {5, 7}
    assert ivf.remove([5, 7, 123_456]) == 2 and 5 not in ivf and len(ivf) == 1_998
    assert all(i not in (5, 7) for i, _s in ivf.search(data[7], 10))


def test_make_index_is_exact_for_small_sets():
    assert isinstance(make_index(8), ExactIndex)
    assert isinstance(make_index(8, expected=10, exact_below=100), ExactIndex)
    assert isinstance(make_index(8, expected=1_000, exact_below=100), IvfIndex)


def test_reserve_makes_room_once():
    index = ExactIndex(4)
    index.reserve(10)
    assert index.nbytes == 10 * 4 * 4 + 10 * 8
    index.add(list(range(10)), np.eye(4)[np.arange(10) % 4])
    assert index.nbytes == 10 * 4 * 4 + 10 * 8 and len(index) == 10
