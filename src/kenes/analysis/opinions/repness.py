"""Pol.is representativeness, consensus and group-informed consensus, vectorised.

Counts are ``groups × statements`` arrays: ``na`` agrees, ``nd`` disagrees, ``ns`` votes
(passes included, Pol.is's "seen").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .types import Z_90, ConsensusStatement, Repness

FloatArray = npt.NDArray[np.float64]


def prop_test(success: FloatArray, n: FloatArray) -> FloatArray:
    """Pol.is one-proportion z against 1/2, with a +1 pseudo-count."""
    s, m = success + 1.0, n + 1.0
    return np.asarray(2.0 * np.sqrt(m) * (s / m - 0.5), dtype=np.float64)


def two_prop_test(s1: FloatArray, n1: FloatArray, s2: FloatArray, n2: FloatArray) -> FloatArray:
    """Pol.is two-proportion z (group against the rest), with +1 pseudo-counts."""
    s1, n1, s2, n2 = s1 + 1.0, n1 + 1.0, s2 + 1.0, n2 + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    out = np.zeros_like(p1)
    np.divide(p1 - p2, np.sqrt(var), out=out, where=var > 0)
    return out


def repness(
    na: FloatArray,
    nd: FloatArray,
    ns: FloatArray,
    statement_ids: list[str],
    *,
    max_per_group: int,
) -> dict[int, list[Repness]]:
    """Representative statements of each group (both tests beyond 90 %), best first."""
    out: dict[int, list[Repness]] = {}
    ra_rest, rd_rest, rs_rest = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    ra = pa / ((ra_rest + 1.0) / (rs_rest + 2.0))
    rd = pd / ((rd_rest + 1.0) / (rs_rest + 2.0))
    rat, rdt = two_prop_test(na, ns, ra_rest, rs_rest), two_prop_test(nd, ns, rd_rest, rs_rest)
    for g in range(na.shape[0]):
        chosen: list[tuple[float, int, Repness]] = []
        for j in range(na.shape[1]):
            if ns[g, j] <= 0:
                continue
            agree_ok = pat[g, j] > Z_90 and rat[g, j] > Z_90
            disagree_ok = pdt[g, j] > Z_90 and rdt[g, j] > Z_90
            if not (agree_ok or disagree_ok):
                continue
            if rat[g, j] > rdt[g, j]:
                rep = Repness(
                    statement_ids[j], "agree", int(na[g, j]), int(ns[g, j]),
                    float(pa[g, j]), float(pat[g, j]), float(ra[g, j]), float(rat[g, j]),
                )  # fmt: skip
            else:
                rep = Repness(
                    statement_ids[j], "disagree", int(nd[g, j]), int(ns[g, j]),
                    float(pd[g, j]), float(pdt[g, j]), float(rd[g, j]), float(rdt[g, j]),
                )  # fmt: skip
            metric = rep.repness * rep.repness_test * rep.p_success * rep.p_test
            chosen.append((metric, j, rep))
        chosen.sort(key=lambda t: (-t[0], t[1]))
        top = [r for _, _, r in chosen[:max_per_group]]
        # agrees before disagrees, as Pol.is shows them; order within each kept
        out[g] = [r for r in top if r.direction == "agree"] + [
            r for r in top if r.direction == "disagree"
        ]
    return out


def consensus(
    na: FloatArray,
    nd: FloatArray,
    ns: FloatArray,
    statement_ids: list[str],
    *,
    max_per_direction: int,
) -> list[ConsensusStatement]:
    """Statements the clustered participants as a whole agree (or disagree) with, at 90 %."""
    a, d, n = na.sum(0), nd.sum(0), ns.sum(0)
    pa, pd = (a + 1.0) / (n + 2.0), (d + 1.0) / (n + 2.0)
    pat, pdt = prop_test(a, n), prop_test(d, n)
    out: list[ConsensusStatement] = []
    for direction, succ, p, z in (("agree", a, pa, pat), ("disagree", d, pd, pdt)):
        keep = [j for j in range(n.size) if n[j] > 0 and p[j] > 0.5 and z[j] > Z_90]
        keep.sort(key=lambda j: (-(p[j] * z[j]), j))
        out.extend(
            ConsensusStatement(
                statement_ids[j], direction, int(succ[j]), int(n[j]), float(p[j]), float(z[j])
            )
            for j in keep[:max_per_direction]
        )
    return out


def group_informed_consensus(na: FloatArray, ns: FloatArray) -> FloatArray:
    """Pol.is group-aware consensus: product over groups of (agrees + 1) / (votes + 2)."""
    return np.asarray(np.prod((na + 1.0) / (ns + 2.0), axis=0), dtype=np.float64)
