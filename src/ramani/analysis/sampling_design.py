"""A sample drawn from a frame table by a recorded design, and redrawn from that record bit for bit.

Methods: `pps` (stratified systematic PPS without replacement, certainty units peeled), `srs` (simple
random from the whole frame) and `stratified-srs`. Every sampled row gets `stratum`,
`inclusion_probability`, `weight` (= 1/π) and `certainty`; every stratum a replacement list.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ramani.analysis import sampling
from ramani.analysis.frame_io import Table, checksum, read_table, write_table

METHODS = ("pps", "srs", "stratified-srs")
ADDED = ["stratum", "inclusion_probability", "weight", "certainty", "frame_row"]
DESIGN_VERSION = 1
ALL = "all"


@dataclass
class Problem:
    row: int | None
    column: str
    value: str
    reason: str


class DesignFailed(Exception):
    """The design cannot be drawn on this frame; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.total = len(problems)
        super().__init__("; ".join(f"{p.column} {p.value!r}: {p.reason}" for p in problems[:5]))


@dataclass
class Spec:
    method: str = "pps"
    n: int | None = None
    strata: list[str] = field(default_factory=list)
    size: str | None = None
    seed: int = 0
    allocation: dict[str, int] | None = None  # None: proportional to size (pps) or to stratum count
    order: str | None = None


@dataclass
class Sample:
    columns: list[str]
    rows: list[dict[str, Any]]
    replacement_columns: list[str]
    replacements: list[dict[str, Any]]
    design: dict[str, Any]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _check(table: Table, spec: Spec) -> list[Problem]:
    problems: list[Problem] = []
    if spec.method not in METHODS:
        return [Problem(None, "method", spec.method, f"expected one of {', '.join(METHODS)}")]
    if spec.method == "srs" and spec.strata:
        problems.append(Problem(None, "strata", ",".join(spec.strata), "srs draws from the whole frame"))
    if spec.method == "pps" and not spec.size:
        problems.append(Problem(None, "size", "", "pps needs a size column"))
    for col in [*spec.strata, *([spec.size] if spec.size else []), *([spec.order] if spec.order else [])]:
        if col not in table.columns:
            problems.append(Problem(None, col, "", "no such column in the frame"))
    if spec.n is None and spec.allocation is None:
        problems.append(Problem(None, "n", "", "give a sample size or a per-stratum allocation"))
    if spec.n is not None and spec.n < 1:
        problems.append(Problem(None, "n", str(spec.n), "the sample size must be at least 1"))
    if not table.rows:
        problems.append(Problem(None, "", "", "the frame has no rows"))
    if problems:
        return problems
    for i, row in enumerate(table.rows, start=2):
        for col in spec.strata:
            if str(row.get(col, "")).strip() == "":
                problems.append(Problem(i, col, "", "a stratum value is missing"))
        if spec.size:
            raw = row.get(spec.size, "")
            x = _number(raw)
            if x is None or not math.isfinite(x) or x <= 0:
                problems.append(Problem(i, spec.size, str(raw), "the size must be a positive number"))
    return problems


def _stratum_key(row: dict[str, Any], strata: list[str]) -> str:
    return " | ".join(str(row[c]).strip() for c in strata) if strata else ALL


def _ordered(indices: list[int], table: Table, order: str | None) -> list[int]:
    if not order:
        return indices
    values = [table.rows[i].get(order, "") for i in indices]
    numbers = [_number(v) for v in values]
    if all(x is not None for x in numbers):
        return [i for _, i in sorted(zip(numbers, indices), key=lambda t: t[0])]  # type: ignore[arg-type,return-value]
    return [i for _, i in sorted(zip((str(v) for v in values), indices), key=lambda t: t[0])]


def draw(table: Table, spec: Spec, frame_checksum: str = "", frame_name: str = "") -> Sample:
    """Draw the sample `spec` describes from `table`; the same table and spec give the same sample."""
    problems = _check(table, spec)
    if problems:
        raise DesignFailed(problems)
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(table.rows):
        groups.setdefault(_stratum_key(row, spec.strata), []).append(i)
    keys = sorted(groups)
    sizes = [(_number(r[spec.size]) or 0.0) if spec.size else 1.0 for r in table.rows]
    totals = {h: math.fsum(sizes[i] for i in groups[h]) for h in keys}
    counts = {h: len(groups[h]) for h in keys}

    if spec.allocation is not None:
        unknown = sorted(set(spec.allocation) - set(keys))
        missing = [h for h in keys if h not in spec.allocation]
        problems = [Problem(None, "allocation", h, "no such stratum in the frame") for h in unknown]
        problems += [Problem(None, "allocation", h, "this stratum has no sample size") for h in missing]
        problems += [
            Problem(None, "allocation", f"{h}={k}", f"the stratum has {counts[h]} units")
            for h, k in spec.allocation.items()
            if h in counts and not 0 <= k <= counts[h]
        ]
        total = sum(spec.allocation.values())
        if spec.n is not None and spec.n != total:
            problems.append(Problem(None, "n", str(spec.n), f"the allocation adds up to {total}"))
        if problems:
            raise DesignFailed(problems)
        alloc = {h: spec.allocation[h] for h in keys}
    else:
        assert spec.n is not None
        weights = totals if spec.size else {h: float(counts[h]) for h in keys}
        try:
            alloc = sampling.allocate(spec.n, weights, counts)
        except sampling.SamplingError as exc:
            raise DesignFailed([Problem(None, "n", str(spec.n), str(exc))]) from exc
    n = sum(alloc.values())

    columns = [c for c in table.columns if c not in ADDED] + ADDED
    rep_columns = ["stratum", "rank", *[c for c in table.columns if c not in ("stratum", "rank")], "frame_row"]
    rows: list[dict[str, Any]] = []
    replacements: list[dict[str, Any]] = []
    strata_record = []
    warnings = []
    for h in keys:
        members = _ordered(groups[h], table, spec.order)
        n_h = alloc[h]
        x = [sizes[i] for i in members]
        if spec.method == "pps":
            pi = sampling.inclusion_probabilities(x, n_h)
            got = sampling.systematic_pps(pi, sampling.stream(spec.seed, "select", h))
        else:
            pi = [n_h / len(members)] * len(members)
            got = sampling.simple_random(len(members), n_h, sampling.stream(spec.seed, "select", h))
        chosen = set(got.selected)
        for j in got.selected:
            i = members[j]
            rows.append(
                {
                    **table.rows[i],
                    "stratum": h,
                    "inclusion_probability": pi[j],
                    "weight": 1.0 / pi[j],
                    "certainty": 1 if pi[j] >= 1.0 else 0,
                    "frame_row": i + 2,
                }
            )
        others = [j for j in range(len(members)) if j not in chosen]
        rng = sampling.stream(spec.seed, "replace", h)
        ranked = (
            sampling.size_ordered_replacements(others, x, rng)
            if spec.method == "pps"
            else sampling.shuffled(others, rng)
        )
        for rank, j in enumerate(ranked, start=1):
            replacements.append({**table.rows[members[j]], "stratum": h, "rank": rank, "frame_row": members[j] + 2})
        if n_h == 0:
            warnings.append(f"stratum {h} gets no unit")
        strata_record.append(
            {
                "stratum": h,
                "units": len(members),
                "size_total": totals[h] if spec.size else None,
                "n": n_h,
                "certainty": sum(1 for p in pi if p >= 1.0),
                "sum_pi": math.fsum(pi),
                "random_start": got.start,
            }
        )
    design = {
        "ramani_sample_design": DESIGN_VERSION,
        "frame": {"file": frame_name, "checksum": frame_checksum, "rows": len(table.rows)},
        "method": spec.method,
        "n": n,
        "strata": spec.strata,
        "size": spec.size,
        "order": spec.order or "frame order",
        "seed": spec.seed,
        "allocation": "given"
        if spec.allocation is not None
        else ("proportional to size" if spec.size else "proportional to units"),
        "given_allocation": spec.allocation,
        "random": "Python random.Random(int(sha256(seed, 'select'|'replace', stratum)[:16])).random()",
        "strata_table": strata_record,
        "warnings": warnings,
    }
    return Sample(columns, rows, rep_columns, replacements, design)


def outputs(out: Path) -> tuple[Path, Path]:
    """The design record and replacement list written beside a sample file."""
    return out.with_name(out.stem + ".design.json"), out.with_name(out.stem + ".replacements" + out.suffix)


def draw_file(frame: Path, spec: Spec, out: Path) -> Sample:
    """Draw from the frame file and write the sample, its replacement list and its design beside it."""
    sample = draw(read_table(frame), spec, checksum(frame), frame.name)
    design_path, rep_path = outputs(out)
    write_table(out, sample.columns, sample.rows, layer="sample")
    write_table(rep_path, sample.replacement_columns, sample.replacements, layer="replacements")
    sample.design["files"] = {"sample": out.name, "replacements": rep_path.name}
    design_path.write_text(json.dumps(sample.design, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return sample


def spec_of(design: dict[str, Any]) -> Spec:
    if design.get("ramani_sample_design") != DESIGN_VERSION:
        raise DesignFailed([Problem(None, "design", "", "not a Ramani sample design file")])
    return Spec(
        method=design["method"],
        n=design["n"],
        strata=list(design["strata"]),
        size=design["size"],
        seed=int(design["seed"]),
        allocation=design.get("given_allocation"),
        order=None if design["order"] == "frame order" else design["order"],
    )


def redraw_file(design_path: Path, frame: Path, out: Path) -> Sample:
    """Redraw a recorded design; the frame must be the very file it was drawn from (same checksum)."""
    try:
        design = json.loads(design_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DesignFailed([Problem(None, "design", design_path.name, f"cannot be read ({exc})")]) from exc
    spec = spec_of(design)
    found = checksum(frame)
    if found != design["frame"]["checksum"]:
        raise DesignFailed(
            [Problem(None, "frame", frame.name, f"checksum {found} is not the design's {design['frame']['checksum']}")]
        )
    return draw_file(frame, spec, out)
