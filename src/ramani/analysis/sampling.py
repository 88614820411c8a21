"""Probability sampling without replacement: inclusion probabilities, systematic PPS, SRS, allocation.

Plain functions over lists, no database. Randomness comes only from `random.Random.random()` seeded
with an integer, the one stream Python promises to keep identical across versions, so a design
redraws the same sample bit for bit anywhere.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass


class SamplingError(ValueError):
    """A design that cannot be drawn (more units asked than exist, no positive size…)."""


def stream(seed: int, *labels: str) -> random.Random:
    """An independent random stream for (seed, labels): the same for the same inputs on any Python."""
    digest = hashlib.sha256("\x1f".join([str(seed), *labels]).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def inclusion_probabilities(sizes: Sequence[float], n: int) -> list[float]:
    """π_i = n'·x_i/X' with certainty units peeled: every unit with n'·x_i/X' ≥ 1 gets π = 1 and leaves
    the pool, n' and X' shrink, and the rest are recomputed until no remaining unit reaches 1.
    Σπ = n exactly (up to rounding)."""
    if n < 0:
        raise SamplingError(f"a sample size cannot be negative ({n})")
    if n > len(sizes):
        raise SamplingError(f"cannot draw {n} units from {len(sizes)} without replacement")
    if any(not (x > 0) or math.isinf(x) for x in sizes):
        raise SamplingError("every size must be a positive finite number")
    pi = [0.0] * len(sizes)
    pool = list(range(len(sizes)))
    left = n
    while pool and left:
        total = math.fsum(sizes[i] for i in pool)
        certain = [i for i in pool if left * sizes[i] >= total]
        if not certain:
            for i in pool:
                pi[i] = left * sizes[i] / total
            break
        for i in certain:
            pi[i] = 1.0
        left -= len(certain)
        chosen = set(certain)
        pool = [i for i in pool if i not in chosen]
    return pi


@dataclass(frozen=True)
class Draw:
    """Indices selected in one stratum, and the random start used (in units of the sampling interval)."""

    selected: list[int]
    start: float | None


def systematic_pps(pi: Sequence[float], rng: random.Random) -> Draw:
    """Systematic selection with the given inclusion probabilities, in the given order: certainty units
    (π = 1) are taken, the others are cumulated and the points u, u+1, …, u+n'−1 (u uniform in [0, 1),
    i.e. start u·I in [0, I) with interval I = X'/n') select the units whose cumulated range holds one."""
    taken = [i for i, p in enumerate(pi) if p >= 1.0]
    rest = [i for i, p in enumerate(pi) if 0.0 < p < 1.0]
    n_rest = round(math.fsum(pi[i] for i in rest))
    if not rest or n_rest == 0:
        return Draw(sorted(taken), None)
    u = rng.random()
    chosen: list[int] = []
    k = 0
    upper = 0.0
    for j, i in enumerate(rest):
        lower = upper
        # The last bound is n' exactly so that rounding never loses the last point.
        upper = float(n_rest) if j == len(rest) - 1 else lower + pi[i]
        if k < n_rest and lower <= u + k < upper:
            chosen.append(i)
            k += 1
    return Draw(sorted(taken + chosen), u)


def simple_random(population: int, n: int, rng: random.Random) -> Draw:
    """n distinct indices out of `population`, each set equally likely (a seeded Fisher–Yates prefix)."""
    if n > population:
        raise SamplingError(f"cannot draw {n} units from {population} without replacement")
    order = shuffled(range(population), rng)
    return Draw(sorted(order[:n]), None)


def shuffled(items, rng: random.Random) -> list:
    """A uniformly random permutation built from `rng.random()` alone (stable across Python versions)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = min(int(rng.random() * (i + 1)), i)
        out[i], out[j] = out[j], out[i]
    return out


def size_ordered_replacements(candidates: Sequence[int], sizes: Sequence[float], rng: random.Random) -> list[int]:
    """Candidates in the order of successive sampling proportional to size (Efraimidis–Spirakis keys
    u^(1/x)): the replacement list for a PPS stratum, bigger units tending to come first."""
    keys = []
    for i in candidates:
        u = rng.random()
        keys.append((math.log(u) / sizes[i] if u > 0 else -math.inf, i))
    keys.sort(key=lambda t: (-t[0], t[1]))
    return [i for _, i in keys]


def allocate(n: int, weights: dict[str, float], capacity: dict[str, int]) -> dict[str, int]:
    """Split n over strata proportionally to `weights` (largest remainders, ties broken by stratum
    name), never more than a stratum's `capacity`; what a full stratum cannot take goes to the others."""
    if n > sum(capacity.values()):
        raise SamplingError(f"cannot draw {n} units from {sum(capacity.values())} without replacement")
    out = {h: 0 for h in weights}
    open_ = {h for h in weights if capacity[h] > 0}
    left = n
    while left and open_:
        total = math.fsum(weights[h] for h in open_)
        quota = {h: left * weights[h] / total for h in open_}
        share = {h: min(math.floor(quota[h]), capacity[h] - out[h]) for h in open_}
        given = sum(share.values())
        for h in sorted(open_, key=lambda h: (-(quota[h] - math.floor(quota[h])), h)):
            if given >= left:
                break
            if share[h] < capacity[h] - out[h] and quota[h] > share[h]:
                share[h] += 1
                given += 1
        for h, k in share.items():
            out[h] += k
        left -= given
        open_ = {h for h in open_ if out[h] < capacity[h]}
        if given == 0 and left:  # every open stratum rounded to 0: hand out one each by weight
            for h in sorted(open_, key=lambda h: (-weights[h], h))[:left]:
                out[h] += 1
                left -= 1
            open_ = {h for h in open_ if out[h] < capacity[h]}
    return out
