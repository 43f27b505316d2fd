"""kenes.core.text: what a reader sees of a text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kenes.core.text import has_nul, visible_length


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("Сәлем", 5),
        ("  \t\n", 0),
        ("\u200b\u200c\u200d\ufeff", 0),  # zero-width characters and a BOM
        ("\u0301а", 1),  # a combining mark on nothing, then a letter
        ("а\u0301", 2),  # a letter with its accent: both count
        ("\u3164\u115f", 0),  # Hangul fillers render as blanks
        ("Жер — халықтың меншігі.", 20),
    ],
)
def test_visible_length_counts_what_a_reader_sees(text, visible):
    assert visible_length(text) == visible


@given(st.text(max_size=60), st.integers(min_value=0, max_value=70))
def test_stopping_early_never_changes_a_minimum_length_check(text, minimum):
    full = visible_length(text)
    stopped = visible_length(text, stop_at=minimum)
    assert stopped == min(full, minimum)
    assert (stopped < minimum) == (full < minimum)


def test_has_nul_looks_inside_nested_values():
    assert has_nul({"a": ["b", ("c\x00",)]})
    assert not has_nul({"a": ["b", ("c",)], "n": 1})
