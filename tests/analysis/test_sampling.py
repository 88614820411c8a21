"""Sampling: inclusion probabilities with take-alls, systematic PPS, SRS, allocation, the design record."""

from __future__ import annotations

import csv
import json
import math
import random
import warnings
from fractions import Fraction

import pytest
from click.testing import CliRunner

from ramani.analysis import sampling
from ramani.analysis.frame_io import Table, read_table, write_table
from ramani.analysis.sampling_design import DesignFailed, Spec, draw
from ramani.cli import main


def exact_pi(sizes, n):
    """Independent exact computation (rational arithmetic) of PPS π with iterative certainty peeling."""
    x = [Fraction(s).limit_denominator(10**9) for s in sizes]
    pi = [Fraction(0)] * len(x)
    pool, left = set(range(len(x))), n
    while left and pool:
        total = sum(x[i] for i in pool)
        big = {i for i in pool if left * x[i] / total >= 1}
        if not big:
            for i in pool:
                pi[i] = left * x[i] / total
            break
        for i in big:
            pi[i] = Fraction(1)
        left -= len(big)
        pool -= big
    return pi


def frame(seed=3, strata=(("Lualaba", 25), ("Haut-Katanga", 20), ("Tanganyika", 9))):
    """A frame with skewed sizes: a few huge communities per stratum that must be take-alls."""
    rng = random.Random(seed)
    rows = []
    for province, count in strata:
        for k in range(count):
            diggers = rng.choice([5, 12, 30, 60, 150, 400]) if k > 1 else rng.choice([4000, 9000])
            rows.append(
                {
                    "unit_id": f"{province[:3].upper()}{k:03d}",
                    "province": province,
                    "mineral": "Cobalt" if k % 3 else "Cuivre",
                    "diggers": str(diggers),
                    "households": str(diggers // 3 + rng.randint(1, 40)),
                }
            )
    return Table(["unit_id", "province", "mineral", "diggers", "households"], rows)


def by_stratum(rows):
    out: dict[str, list] = {}
    for r in rows:
        out.setdefault(r["stratum"], []).append(r)
    return out


def test_inclusion_probabilities_peel_certainty_units_iteratively():
    # 100 alone reaches 1 with n=3; once it is out, 40 reaches 1 (2·40/70 > 1); then 1 unit from 30.
    sizes = [100, 40, 10, 10, 10]
    pi = sampling.inclusion_probabilities(sizes, 3)
    assert pi[:2] == [1.0, 1.0]
    assert pi[2:] == pytest.approx([1 / 3] * 3)
    assert math.fsum(pi) == pytest.approx(3)
    assert [Fraction(p).limit_denominator(1000) for p in pi] == exact_pi(sizes, 3)
    assert sampling.inclusion_probabilities([5, 5], 2) == [1.0, 1.0]
    with pytest.raises(sampling.SamplingError):
        sampling.inclusion_probabilities([1, 2], 3)
    with pytest.raises(sampling.SamplingError):
        sampling.inclusion_probabilities([1, 0], 1)


def test_every_stratum_sums_to_its_sample_size_with_take_alls_included():
    table = frame()
    spec = Spec(method="pps", n=20, strata=["province"], size="diggers", seed=11)
    s = draw(table, spec)
    strata = {r["stratum"]: r for r in s.design["strata_table"]}
    assert sum(r["n"] for r in strata.values()) == 20
    for h, rows in by_stratum(s.rows).items():
        members = [r for r in table.rows if r["province"] == h]
        pi = sampling.inclusion_probabilities([float(r["diggers"]) for r in members], strata[h]["n"])
        assert math.fsum(pi) == pytest.approx(strata[h]["n"], abs=1e-9)
        assert strata[h]["sum_pi"] == pytest.approx(strata[h]["n"], abs=1e-9)
        assert len(rows) == strata[h]["n"]
        take_alls = {m["unit_id"] for m, p in zip(members, pi) if p >= 1}
        assert take_alls and strata[h]["certainty"] == len(take_alls)
        assert take_alls <= {r["unit_id"] for r in rows}
        for r in rows:
            assert r["weight"] == pytest.approx(1 / r["inclusion_probability"])
            assert r["certainty"] == (1 if r["unit_id"] in take_alls else 0)
    # Take-alls are in every sample whatever the seed.
    for seed in range(30):
        got = {r["unit_id"] for r in draw(table, Spec("pps", 20, ["province"], "diggers", seed)).rows}
        assert {"LUA000", "LUA001", "HAU000", "HAU001", "TAN000", "TAN001"} <= got


def test_pi_agrees_exactly_with_an_independent_rational_computation():
    table = frame(seed=8)
    s = draw(table, Spec("pps", 24, ["province", "mineral"], "diggers", seed=2))
    alloc = {r["stratum"]: r["n"] for r in s.design["strata_table"]}
    for r in s.rows:
        members = [m for m in table.rows if f"{m['province']} | {m['mineral']}" == r["stratum"]]
        exact = exact_pi([int(m["diggers"]) for m in members], alloc[r["stratum"]])
        ids = [m["unit_id"] for m in members]
        assert r["inclusion_probability"] == pytest.approx(float(exact[ids.index(r["unit_id"])]), rel=1e-12)


def _samplics():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samplics = pytest.importorskip("samplics")
    return samplics


def test_pi_cross_checked_against_samplics():
    samplics = _samplics()
    import numpy as np

    rng = random.Random(5)
    rows = [
        {"unit_id": f"U{i:03d}", "province": p, "diggers": str(rng.randint(20, 120))}
        for i, p in enumerate(["Lualaba"] * 40 + ["Haut-Katanga"] * 30 + ["Tanganyika"] * 12)
    ]
    table = Table(["unit_id", "province", "diggers"], rows)
    alloc = {"Lualaba": 6, "Haut-Katanga": 5, "Tanganyika": 2}
    ours = draw(table, Spec("pps", None, ["province"], "diggers", 1, allocation=alloc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = samplics.SampleSelection(method=samplics.SelectMethod.pps_sys, strat=True, wr=False)
        theirs = sel.inclusion_probs(
            np.array([r["unit_id"] for r in rows]),
            samp_size=alloc,
            stratum=np.array([r["province"] for r in rows]),
            mos=np.array([float(r["diggers"]) for r in rows]),
        )
    by_id = dict(zip((r["unit_id"] for r in rows), theirs))
    assert len(ours.rows) == 13
    for r in ours.rows:
        assert r["inclusion_probability"] == pytest.approx(by_id[r["unit_id"]], rel=1e-12)
    # Stratified SRS too.
    srs = draw(table, Spec("stratified-srs", None, ["province"], None, 1, allocation=alloc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = samplics.SampleSelection(method=samplics.SelectMethod.srs_wor, strat=True, wr=False)
        theirs = sel.inclusion_probs(
            np.array([r["unit_id"] for r in rows]), samp_size=alloc, stratum=np.array([r["province"] for r in rows])
        )
    by_id = dict(zip((r["unit_id"] for r in rows), theirs))
    for r in srs.rows:
        assert r["inclusion_probability"] == pytest.approx(by_id[r["unit_id"]], rel=1e-12)


def test_samplics_refuses_certainty_units_which_we_peel():
    samplics = _samplics()
    import numpy as np

    sizes = [100.0, 40.0, 10.0, 10.0, 10.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = samplics.SampleSelection(method=samplics.SelectMethod.pps_sys, strat=True, wr=False)
        with pytest.raises(AssertionError, match="certaint"):
            sel.inclusion_probs(
                np.array(list("abcde")), samp_size={"h": 3}, stratum=np.array(["h"] * 5), mos=np.array(sizes)
            )
    assert sampling.inclusion_probabilities(sizes, 3) == pytest.approx([float(p) for p in exact_pi(sizes, 3)])


@pytest.mark.parametrize("method", ["pps", "stratified-srs"])
def test_horvitz_thompson_total_is_unbiased_over_2000_draws(method):
    """HT total of households, over 2,000 seeds: its mean is the true total within 3 standard errors, and
    every unit is selected as often as its π says (within 4 binomial standard errors)."""
    table = frame(seed=21)
    truth = sum(int(r["households"]) for r in table.rows)
    draws = 2000
    estimates = []
    hits = {r["unit_id"]: 0 for r in table.rows}
    pis: dict[str, float] = {}
    for seed in range(draws):
        s = draw(table, Spec(method, 15, ["province"], "diggers", seed))
        estimates.append(math.fsum(r["weight"] * int(r["households"]) for r in s.rows))
        for r in s.rows:
            hits[r["unit_id"]] += 1
            pis[r["unit_id"]] = r["inclusion_probability"]
    mean = math.fsum(estimates) / draws
    sd = math.sqrt(math.fsum((e - mean) ** 2 for e in estimates) / (draws - 1))
    assert sd > 0
    assert abs(mean - truth) < 3 * sd / math.sqrt(draws), (mean, truth, sd)
    s0 = draw(table, Spec(method, 15, ["province"], "diggers", 0))
    alloc = {r["stratum"]: r for r in s0.design["strata_table"]}
    for r in table.rows:
        h = alloc[r["province"]]
        members = [m for m in table.rows if m["province"] == r["province"]]
        if method == "pps":
            pi = sampling.inclusion_probabilities([float(m["diggers"]) for m in members], h["n"])[members.index(r)]
            pi = min(pi, 1.0)
        else:
            pi = h["n"] / h["units"]
        freq = hits[r["unit_id"]] / draws
        assert abs(freq - pi) <= 4 * math.sqrt(pi * (1 - pi) / draws) + 1e-12, (r["unit_id"], freq, pi)


def test_proportional_and_given_allocation():
    table = frame()
    s = draw(table, Spec("pps", 20, ["province"], "diggers", 1))
    totals = {}
    for r in table.rows:
        totals[r["province"]] = totals.get(r["province"], 0) + int(r["diggers"])
    got = {r["stratum"]: r["n"] for r in s.design["strata_table"]}
    for h, n_h in got.items():
        assert abs(n_h - 20 * totals[h] / sum(totals.values())) < 1
    # 27 of 25/20/9 units: 12.5, 10, 4.5; the tied remainder goes to the first stratum by name.
    srs = draw(table, Spec("stratified-srs", 27, ["province"], None, 1))
    assert {r["stratum"]: r["n"] for r in srs.design["strata_table"]} == {
        "Haut-Katanga": 10,
        "Lualaba": 13,
        "Tanganyika": 4,
    }
    given = draw(
        table, Spec("pps", None, ["province"], "diggers", 1, {"Lualaba": 3, "Haut-Katanga": 9, "Tanganyika": 9})
    )
    assert {r["stratum"]: r["n"] for r in given.design["strata_table"]}["Tanganyika"] == 9
    assert all(r["inclusion_probability"] == 1.0 for r in given.rows if r["stratum"] == "Tanganyika")
    # A stratum cannot take more than it has: the surplus goes elsewhere.
    assert sampling.allocate(10, {"a": 100.0, "b": 1.0}, {"a": 4, "b": 20}) == {"a": 4, "b": 6}
    with pytest.raises(DesignFailed) as exc:
        draw(table, Spec("pps", None, ["province"], "diggers", 1, {"Lualaba": 30, "Kivu": 2}))
    reasons = {(p.column, p.value, p.reason) for p in exc.value.problems}
    assert ("allocation", "Kivu", "no such stratum in the frame") in reasons
    assert ("allocation", "Lualaba=30", "the stratum has 25 units") in reasons
    assert ("allocation", "Haut-Katanga", "this stratum has no sample size") in reasons


def test_srs_over_the_whole_frame_and_replacements():
    table = frame()
    s = draw(table, Spec("srs", 10, [], None, 4))
    assert len(s.rows) == 10 and {r["stratum"] for r in s.rows} == {"all"}
    assert all(r["inclusion_probability"] == pytest.approx(10 / 54) for r in s.rows)
    p = draw(table, Spec("pps", 20, ["province"], "diggers", 4))
    picked = {r["unit_id"] for r in p.rows}
    for h, reps in by_stratum(p.replacements).items():
        members = {r["unit_id"] for r in table.rows if r["province"] == h}
        assert {r["unit_id"] for r in reps} == members - picked
        assert [r["rank"] for r in reps] == list(range(1, len(reps) + 1))


def test_bad_frames_are_reported_by_row_column_value_reason():
    table = frame()
    table.rows[3]["diggers"] = "many"
    table.rows[7]["diggers"] = "0"
    table.rows[9]["province"] = ""
    with pytest.raises(DesignFailed) as exc:
        draw(table, Spec("pps", 10, ["province"], "diggers", 1))
    got = [(p.row, p.column, p.value, p.reason) for p in exc.value.problems]
    assert got == [
        (5, "diggers", "many", "the size must be a positive number"),
        (9, "diggers", "0", "the size must be a positive number"),
        (11, "province", "", "a stratum value is missing"),
    ]
    with pytest.raises(DesignFailed, match="no such column"):
        draw(frame(), Spec("pps", 10, ["district"], "diggers", 1))
    with pytest.raises(DesignFailed, match="whole frame"):
        draw(frame(), Spec("srs", 10, ["province"], None, 1))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_draw_saves_a_design_that_redraws_the_same_bytes(tmp_path):
    src = tmp_path / "frame.csv"
    t = frame()
    write_table(src, t.columns, t.rows)
    out = tmp_path / "sample.csv"
    r = run("sample", "draw", src, "--n", 20, "--strata", "province", "--size", "diggers", "--seed", 7, "--out", out)
    assert r.exit_code == 0, r.output
    design = json.loads((tmp_path / "sample.design.json").read_text(encoding="utf-8"))
    take_alls = 0
    for h in design["strata_table"]:
        members = [int(m["diggers"]) for m in t.rows if m["province"] == h["stratum"]]
        take_alls += sum(1 for p in exact_pi(members, h["n"]) if p == 1)
    assert take_alls > 6  # the six giants, and one more once they are peeled
    assert f"20 units drawn (pps, 3 strata, {take_alls} take-all)" in r.output
    assert design["frame"]["checksum"].startswith("sha256:") and design["seed"] == 7 and design["n"] == 20
    assert [s["stratum"] for s in design["strata_table"]] == ["Haut-Katanga", "Lualaba", "Tanganyika"]
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 20 and {"stratum", "inclusion_probability", "weight"} <= set(rows[0])
    assert all(float(r["weight"]) == pytest.approx(1 / float(r["inclusion_probability"])) for r in rows)

    again = tmp_path / "again.csv"
    r = run("sample", "redraw", tmp_path / "sample.design.json", src, "--out", again)
    assert r.exit_code == 0, r.output
    assert again.read_bytes() == out.read_bytes()
    assert (tmp_path / "again.replacements.csv").read_bytes() == (tmp_path / "sample.replacements.csv").read_bytes()
    other = tmp_path / "other.csv"
    run("sample", "draw", src, "--n", 20, "--strata", "province", "--size", "diggers", "--seed", 8, "--out", other)
    assert other.read_bytes() != out.read_bytes()

    src.write_text(src.read_text(encoding="utf-8") + "ZZZ,Lualaba,Cobalt,10,3\n", encoding="utf-8")
    r = run("sample", "redraw", tmp_path / "sample.design.json", src, "--out", tmp_path / "x.csv")
    assert r.exit_code == 1 and "checksum" in r.output and not (tmp_path / "x.csv").exists()


def test_cli_bad_input_is_a_clear_error_and_writes_nothing(tmp_path):
    src = tmp_path / "frame.csv"
    t = frame()
    t.rows[2]["diggers"] = "-4"
    write_table(src, t.columns, t.rows)
    out = tmp_path / "s.csv"
    r = run("sample", "draw", src, "--n", 5, "--size", "diggers", "--seed", 1, "--out", out)
    assert r.exit_code == 1 and "row 4" in r.output and "'-4'" in r.output and "positive" in r.output
    assert not out.exists()
    r = run("sample", "draw", src, "--n", 5, "--size", "diggers", "--seed", 1, "--allocate", "x", "--out", out)
    assert r.exit_code == 2 and "STRATUM=N" in r.output
    r = run("sample", "draw", tmp_path / "s.csv", "--n", 5, "--seed", 1, "--out", out)
    assert r.exit_code == 2
    (tmp_path / "f.txt").write_text("a\n", encoding="utf-8")
    r = run("sample", "draw", tmp_path / "f.txt", "--n", 5, "--seed", 1, "--out", out)
    assert r.exit_code == 1 and "expected a .csv" in r.output


def test_xlsx_frame_and_gpkg_sample(tmp_path):
    t = frame()
    for i, r in enumerate(t.rows):
        r["longitude"], r["latitude"] = 25.0 + i / 100, -10.5 - i / 100
    t.columns += ["longitude", "latitude"]
    src = tmp_path / "frame.xlsx"
    write_table(src, t.columns, t.rows)
    out = tmp_path / "sample.gpkg"
    r = run("sample", "draw", src, "--n", 12, "--strata", "province", "--size", "diggers", "--seed", 3, "--out", out)
    assert r.exit_code == 0, r.output
    back = read_table(out)
    assert len(back.rows) == 12 and "weight" in back.columns
    assert all(float(r["weight"]) >= 1 for r in back.rows)
    assert all(24.9 < r["longitude"] < 25.6 for r in back.rows)
    assert len(read_table(tmp_path / "sample.replacements.gpkg").rows) == 54 - 12
