"""Golden test: every number of the opinion map on a small fixed conversation is pinned.

If this fails, a change altered published figures: check it is intended, bump
``METHOD_VERSION`` and regenerate GOLDEN (print ``compute(golden_votes()).to_json()``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kenes.analysis.opinions import METHOD_VERSION, compute

# participants × statements s0…s7: "+" agree, "-" disagree, "0" pass, "." no vote
TABLE = """
a ++-+-+.+
b ++-+-.++
c +.-+-+++
d +0-+--++
e --+-+-.+
f --+-++-+
g -.+-+-++
h -0+-+.-+
i +-.0+-++
j ++-+.+0.
k -+++"""


def golden_votes() -> list[tuple[str, str, int]]:
    votes = []
    for line in TABLE.strip().splitlines():
        participant, cells = line.split()
        for j, cell in enumerate(cells):
            if cell != ".":
                votes.append((participant, f"s{j}", {"+": 1, "-": -1, "0": 0}[cell]))
    return votes


def assert_same(got: Any, want: Any, path: str = "") -> None:
    """Equal structure, equal integers and text, floats within 1e-6."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), path
        for key in want:
            assert_same(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{path}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, abs=1e-6), path
    else:
        assert got == want and type(got) is type(want), path


def test_every_number_of_the_golden_conversation() -> None:
    result = compute(golden_votes()).to_json()
    assert result["method_version"] == METHOD_VERSION
    assert_same(result, json.loads(GOLDEN))


def test_the_golden_conversation_is_sensible() -> None:
    # the pinned figures describe what the table shows: a-d against e-h, all agree with s7
    result = compute(golden_votes())
    assert result.groups["a"] == result.groups["b"] == result.groups["c"] == result.groups["d"]
    assert result.groups["a"] not in {result.groups[p] for p in "efgh"}
    assert "k" not in result.groups  # 4 votes < min(7, 8 statements)
    # 9 clustered participants → 1 base cluster each → Pol.is max-k = 2 + 9 // 12 = 2
    assert result.k == 2
    # by hand: all 5 of e-i agree with s4, none of a-d does
    group = result.groups["e"]
    s4 = next(r for r in result.repness[group] if r.statement_id == "s4")
    assert (s4.direction, s4.n_success, s4.n_trials) == ("agree", 5, 5)
    assert s4.p_success == pytest.approx(6 / 7)
    assert s4.p_test == pytest.approx(2 * 6**0.5 * (6 / 6 - 0.5))
    assert s4.repness == pytest.approx((6 / 7) / (1 / 6))
    top = max(result.bridging, key=lambda s: result.bridging[s].intercept)
    assert top == "s7"
    assert result.consensus[0].statement_id == "s7"


GOLDEN = r"""{
 "method_version": "kenes-opinions/1 (polis-pca-kmeans, cn-mf-1d)",
 "n_participants": 11,
 "n_votes": 75,
 "k": 2,
 "groups": {
  "a": 1,
  "b": 1,
  "c": 1,
  "d": 1,
  "e": 0,
  "f": 0,
  "g": 0,
  "h": 0,
  "i": 0
 },
 "projection": {
  "a": [
   -2.331841643,
   0.886095744
  ],
  "b": [
   -2.287429035,
   -0.278602385
  ],
  "c": [
   -2.208238199,
   0.237892573
  ],
  "d": [
   -1.702608949,
   -1.303197375
  ],
  "e": [
   2.563685076,
   -0.924225141
  ],
  "f": [
   2.340004626,
   1.383030634
  ],
  "g": [
   2.108689804,
   -0.939167927
  ],
  "h": [
   2.390234961,
   0.997208114
  ],
  "i": [
   0.412761199,
   -1.769072435
  ]
 },
 "repness": {
  "0": [
   {
    "statement_id": "s4",
    "direction": "agree",
    "n_success": 5,
    "n_trials": 5,
    "p_success": 0.857142857,
    "p_test": 2.449489743,
    "repness": 5.142857143,
    "repness_test": 2.746426249
   },
   {
    "statement_id": "s2",
    "direction": "agree",
    "n_success": 4,
    "n_trials": 4,
    "p_success": 0.833333333,
    "p_test": 2.236067977,
    "repness": 5.0,
    "repness_test": 2.581988897
   },
   {
    "statement_id": "s0",
    "direction": "disagree",
    "n_success": 4,
    "n_trials": 5,
    "p_success": 0.714285714,
    "p_test": 1.632993162,
    "repness": 4.285714286,
    "repness_test": 2.100529034
   },
   {
    "statement_id": "s3",
    "direction": "disagree",
    "n_success": 4,
    "n_trials": 5,
    "p_success": 0.714285714,
    "p_test": 1.632993162,
    "repness": 4.285714286,
    "repness_test": 2.100529034
   },
   {
    "statement_id": "s1",
    "direction": "disagree",
    "n_success": 3,
    "n_trials": 4,
    "p_success": 0.666666667,
    "p_test": 1.341640786,
    "repness": 3.333333333,
    "repness_test": 1.65
   }
  ],
  "1": [
   {
    "statement_id": "s3",
    "direction": "agree",
    "n_success": 4,
    "n_trials": 4,
    "p_success": 0.833333333,
    "p_test": 2.236067977,
    "repness": 5.833333333,
    "repness_test": 2.763853992
   },
   {
    "statement_id": "s0",
    "direction": "agree",
    "n_success": 4,
    "n_trials": 4,
    "p_success": 0.833333333,
    "p_test": 2.236067977,
    "repness": 2.916666667,
    "repness_test": 2.288688541
   },
   {
    "statement_id": "s6",
    "direction": "agree",
    "n_success": 3,
    "n_trials": 3,
    "p_success": 0.8,
    "p_test": 2.0,
    "repness": 1.6,
    "repness_test": 1.434274331
   },
   {
    "statement_id": "s4",
    "direction": "disagree",
    "n_success": 4,
    "n_trials": 4,
    "p_success": 0.833333333,
    "p_test": 2.236067977,
    "repness": 5.833333333,
    "repness_test": 2.763853992
   },
   {
    "statement_id": "s2",
    "direction": "disagree",
    "n_success": 4,
    "n_trials": 4,
    "p_success": 0.833333333,
    "p_test": 2.236067977,
    "repness": 5.0,
    "repness_test": 2.581988897
   }
  ]
 },
 "consensus": [
  {
   "statement_id": "s7",
   "direction": "agree",
   "n_success": 9,
   "n_trials": 9,
   "p_success": 0.909090909,
   "p_test": 3.16227766
  },
  {
   "statement_id": "s6",
   "direction": "agree",
   "n_success": 5,
   "n_trials": 7,
   "p_success": 0.666666667,
   "p_test": 1.414213562
  }
 ],
 "group_informed_consensus": {
  "s0": 0.238095238,
  "s1": 0.1,
  "s2": 0.138888889,
  "s3": 0.119047619,
  "s4": 0.142857143,
  "s5": 0.2,
  "s6": 0.4,
  "s7": 0.714285714
 },
 "bridging": {
  "s0": {
   "intercept": -0.024865661,
   "factor": -0.710862402,
   "n_votes": 11
  },
  "s1": {
   "intercept": -0.048813748,
   "factor": -0.7123921,
   "n_votes": 7
  },
  "s2": {
   "intercept": -0.021978623,
   "factor": 0.899914658,
   "n_votes": 10
  },
  "s3": {
   "intercept": 0.017133603,
   "factor": -0.692779257,
   "n_votes": 10
  },
  "s4": {
   "intercept": -0.002957643,
   "factor": 0.899567341,
   "n_votes": 9
  },
  "s5": {
   "intercept": -0.067922767,
   "factor": -0.365630329,
   "n_votes": 8
  },
  "s6": {
   "intercept": 0.203774973,
   "factor": -0.478261805,
   "n_votes": 7
  },
  "s7": {
   "intercept": 0.462175799,
   "factor": 0.069972261,
   "n_votes": 9
  }
 },
 "statement_stats": {
  "s0": {
   "agree": 6,
   "disagree": 5,
   "pass": 0,
   "extremity": 1.333143403
  },
  "s1": {
   "agree": 4,
   "disagree": 3,
   "pass": 2,
   "extremity": 1.008660407
  },
  "s2": {
   "agree": 5,
   "disagree": 5,
   "pass": 0,
   "extremity": 1.373414668
  },
  "s3": {
   "agree": 6,
   "disagree": 4,
   "pass": 1,
   "extremity": 1.075398256
  },
  "s4": {
   "agree": 5,
   "disagree": 4,
   "pass": 0,
   "extremity": 1.102828709
  },
  "s5": {
   "agree": 4,
   "disagree": 4,
   "pass": 0,
   "extremity": 2.163030574
  },
  "s6": {
   "agree": 5,
   "disagree": 2,
   "pass": 1,
   "extremity": 1.032672331
  },
  "s7": {
   "agree": 9,
   "disagree": 0,
   "pass": 0,
   "extremity": 0.0
  }
 },
 "group_votes": {
  "s0": {
   "0": [
    1,
    4,
    0
   ],
   "1": [
    4,
    0,
    0
   ]
  },
  "s1": {
   "0": [
    0,
    3,
    1
   ],
   "1": [
    2,
    0,
    1
   ]
  },
  "s2": {
   "0": [
    4,
    0,
    0
   ],
   "1": [
    0,
    4,
    0
   ]
  },
  "s3": {
   "0": [
    0,
    4,
    1
   ],
   "1": [
    4,
    0,
    0
   ]
  },
  "s4": {
   "0": [
    5,
    0,
    0
   ],
   "1": [
    0,
    4,
    0
   ]
  },
  "s5": {
   "0": [
    1,
    3,
    0
   ],
   "1": [
    2,
    1,
    0
   ]
  },
  "s6": {
   "0": [
    2,
    2,
    0
   ],
   "1": [
    3,
    0,
    0
   ]
  },
  "s7": {
   "0": [
    5,
    0,
    0
   ],
   "1": [
    4,
    0,
    0
   ]
  }
 },
 "state": {
  "k": 2,
  "last_best_k": 2,
  "last_best_k_count": 1,
  "centers": [
   [
    1.963075133,
    -0.250445351
   ],
   [
    -2.132529456,
    -0.114452861
   ]
  ]
 }
}"""
