"""The letter heuristic that spares lingua on the intake path agrees with the full detector."""

from __future__ import annotations

import pytest

from kenes.analysis.langid import detect_language as full_detector
from kenes.proposals.services import detect_language, quick_language

RU = "Предлагаю продлить срок общественного обсуждения проекта до девяноста дней"
KK = "Жобаны қоғамдық талқылау мерзімін тоқсан күнге дейін ұзартуды ұсынамын"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (RU, "ru"),
        (KK, "kk"),
        ("Коротко", None),  # too short: lingua decides
        ("Please extend the public consultation period to ninety days", None),
        # Russian quoting a Kazakh name: few Kazakh letters, neither clear case
        ("Предлагаю переименовать площадь в честь Абая Құнанбайұлы в центре города", None),
    ],
)
def test_quick_language_settles_only_clear_cases(text, expected):
    assert quick_language(text) == expected


@pytest.mark.parametrize("text", [RU, KK])
def test_quick_answers_agree_with_the_full_detector(text):
    assert detect_language(text, "ru") == (full_detector(text), True)
