"""compare_incentives: paired schemes, budget matching, coverage of the paired
intervals on a tree with a closed form, and the sentence read against its
table."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pytest
from scipy.stats import binom

from referral import InvalidParameterError, from_networkx
from referral.analysis import compare_incentives
from referral.datasets import email_eu_core
from referral.interventions import Flat, Linear, Recursive, Saturating
from referral.wording import fmt_number, incentive_sentence


def tree(k, depth, *, f, w):
    G = nx.balanced_tree(k, depth)
    return from_networkx(
        G, strength=1.0, transmission=w, activity=f, recruiters=[0],
        candidates=range(1, G.number_of_nodes()),
    )  # fmt: skip


def expected(k, depth, f, w, a, h, pay):
    """Expected reach, hires and money per opening on the tree (no halting)."""
    reach = [1.0] + [k**d * w**d * f ** (d - 1) for d in range(1, depth + 1)]
    hires = [0.0] + [r * a * h for r in reach[1:]]
    paid = sum(hires[d] * sum(pay[: d - 1]) for d in range(1, depth + 1))
    return sum(reach), sum(hires), paid


@pytest.mark.stat
def test_paired_differences_cover_the_closed_form():
    """200 replications: the interval of every paired difference (people
    reached, hires, money paid, cost per hire) covers the closed-form
    difference at ~95% (inside a 99.9% binomial band)."""
    k, depth, f0, w, a, h, slope = 3, 3, 0.4, 0.6, 0.5, 0.6, 0.02
    net = tree(k, depth, f=f0, w=w)
    flat, recursive = Flat(10.0), Recursive(10.0, split=0.5, levels=2)
    truth = {}
    for name, scheme, pay in (
        ("flat", flat, [10.0]),
        ("recursive", recursive, [10.0, 5.0]),
    ):
        f = min(1.0, f0 + slope * scheme.stake())
        truth[name] = expected(k, depth, f, w, a, h, pay)
    (r0, h0, p0), (r1, h1, p1) = truth["flat"], truth["recursive"]
    diffs = {
        "people_reached": r1 - r0,
        "hires": h1 - h0,
        "paid": p1 - p0,
        "cost_per_hire": p1 / h1 - p0 / h0,
    }
    reps = 200
    covered = dict.fromkeys(diffs, 0)
    for rep in range(reps):
        table = compare_incentives(
            net,
            {"flat": flat, "recursive": recursive},
            response=Linear(slope),
            apply=a,
            hire=h,
            trials=300,
            seed=500 + rep,
        )
        rows = table[table["scheme"] == "recursive"].set_index("measure")
        for measure, value in diffs.items():
            row = rows.loc[measure]
            covered[measure] += bool(row["diff_ci_low"] <= value <= row["diff_ci_high"])
    low, high = binom.ppf(0.0005, reps, 0.95), binom.ppf(0.9995, reps, 0.95)
    bad = {m: c for m, c in covered.items() if not low <= c <= high}
    assert not bad, f"coverage out of band over {reps} replications: {bad}"


def test_a_budget_gives_every_scheme_the_same_payout():
    net = email_eu_core()
    table = compare_incentives(
        net,
        {"flat": Flat(100.0), "recursive": Recursive(100.0)},
        budget=250.0,
        response=Saturating(beta=2.0, full=3000.0),
        sources=[net.labels[0]],
        apply=0.3,
        hire=0.4,
        trials=300,
        seed=4,
    )
    paid = table[table["measure"] == "paid"].set_index("scheme")["estimate"]
    assert np.allclose(paid, 250.0, rtol=2e-3)
    scales = table.drop_duplicates("scheme").set_index("scheme")["scale"]
    assert (scales > 0).all() and scales["flat"] != scales["recursive"]
    assert (table["budget"] == 250.0).all()
    assert list(table.columns)[:5] == ["scheme", "detail", "scale", "budget", "measure"]
    first = table[table["scheme"] == "flat"]
    assert (first["diff"] == 0).all() and (first["diff_se"] == 0).all()


def test_pairing_makes_differences_tighter_than_the_schemes_themselves():
    net = email_eu_core()
    table = compare_incentives(
        net,
        {"none": None, "flat": Flat(200.0)},
        response=Saturating(beta=2.0, full=2000.0),
        sources=[net.labels[0]],
        apply=0.3,
        hire=0.4,
        trials=400,
        seed=8,
    )
    row = table.query("scheme == 'flat' and measure == 'people_reached'").iloc[0]
    ref = table.query("scheme == 'none' and measure == 'people_reached'").iloc[0]
    # unpaired, the two runs' errors would add up; paired, they partly cancel
    assert row["diff_se"] < 0.9 * np.hypot(row["se"], ref["se"])
    assert row["diff"] == pytest.approx(
        row["estimate"]
        - table.query("scheme == 'none' and measure == 'people_reached'")[
            "estimate"
        ].iloc[0]
    )
    none = table[table["scheme"] == "none"]
    assert none["scale"].isna().all() and (none["detail"] == "no bonus").all()
    assert none.set_index("measure").loc["paid", "estimate"] == 0.0


def test_same_seed_same_table():
    net = email_eu_core()
    kwargs = dict(
        schemes={"flat": Flat(50.0), "rec": Recursive(50.0)},
        budget=60.0,
        response=Linear(1e-3),
        sources=[net.labels[2]],
        apply=0.4,
        trials=150,
    )
    one = compare_incentives(net, seed=12, **kwargs)
    two = compare_incentives(net, seed=12, n_jobs=2, **kwargs)
    assert one.equals(two)
    assert one.attrs["seed_entropy"] == 12


NUMBER = r"-?[\d,]+(?:\.\d+)?"


def _numbers(text):
    return [n for n in re.findall(NUMBER, text) if n not in {"95"}]


def test_the_sentence_says_what_the_table_says():
    net = email_eu_core()
    table = compare_incentives(
        net,
        {"no bonus": None, "flat": Flat(300.0), "same flat": Flat(300.0)},
        response=Saturating(beta=2.0, full=1500.0),
        sources=[net.labels[0]],
        apply=0.3,
        hire=0.5,
        trials=400,
        seed=3,
    )
    text = incentive_sentence(table)
    for scheme in ("no bonus", "flat", "same flat"):
        row = table.query("scheme == @scheme and measure == 'hires'").iloc[0]
        paid = table.query("scheme == @scheme and measure == 'paid'").iloc[0]
        said = (
            f"{scheme.capitalize()} brings {fmt_number(row['estimate'])} hires per "
            "opening "
            f"(95% CI {fmt_number(row['ci_low'])} to {fmt_number(row['ci_high'])}) "
            f"and pays {fmt_number(paid['estimate'])} per opening."
        )
        assert said in text
    flat = table.query("scheme == 'flat' and measure == 'hires'").iloc[0]
    assert flat["diff_ci_low"] > 0  # a real bonus brings more hires here
    assert (
        f"Flat brings more hires than no bonus: {fmt_number(flat['diff'])} more per "
        f"opening (95% CI {fmt_number(flat['diff_ci_low'])} to "
        f"{fmt_number(flat['diff_ci_high'])})." in text
    )
    assert "Same flat brings more hires than no bonus" in text
    # a scheme against itself: identical trials, nothing to separate
    twin = compare_incentives(
        net,
        {"flat": Flat(300.0), "same flat": Flat(300.0)},
        response=Saturating(beta=2.0, full=1500.0),
        sources=[net.labels[0]],
        trials=100,
        seed=3,
    )
    assert (twin.query("scheme == 'same flat'")["diff"] == 0).all()
    assert (
        "The evidence does not separate same flat from flat on hires: the "
        "difference is between 0 and 0 per opening." in incentive_sentence(twin)
    )


def test_the_sentence_does_not_rank_what_the_evidence_does_not_separate():
    net = email_eu_core()
    table = compare_incentives(
        net,
        {"flat": Flat(100.0), "recursive": Recursive(100.0, split=0.5)},
        budget=40.0,
        response=Saturating(beta=1.0, full=1e5),  # money barely moves anyone
        sources=[net.labels[0]],
        apply=0.3,
        hire=0.5,
        trials=200,
        seed=6,
    )
    row = table.query("scheme == 'recursive' and measure == 'hires'").iloc[0]
    assert row["diff_ci_low"] <= 0 <= row["diff_ci_high"]
    text = incentive_sentence(table)
    assert (
        f"The evidence does not separate recursive from flat on hires: the "
        f"difference is between {fmt_number(row['diff_ci_low'])} and "
        f"{fmt_number(row['diff_ci_high'])} per opening." in text
    )
    assert "more hires" not in text and "fewer hires" not in text
    share = incentive_sentence(table, measure="fill_probability")
    assert "chance of filling the opening" in share


def test_every_sentence_verdict_follows_the_interval():
    """Over many seeds, 'more', 'fewer' and 'does not separate' follow the
    sign of the paired interval, never the estimates alone."""
    net = tree(3, 3, f=0.4, w=0.6)
    for seed in range(30):
        table = compare_incentives(
            net,
            {"flat": Flat(10.0), "recursive": Recursive(6.0)},
            response=Linear(0.02),
            apply=0.5,
            hire=0.5,
            trials=60,
            seed=seed,
        )
        row = table.query("scheme == 'recursive' and measure == 'hires'").iloc[0]
        text = incentive_sentence(table)
        if row["diff_ci_low"] > 0:
            assert "Recursive brings more hires than flat" in text
        elif row["diff_ci_high"] < 0:
            assert "Recursive brings fewer hires than flat" in text
        else:
            assert "does not separate recursive from flat on hires" in text


def test_a_budget_no_scheme_can_meet_is_an_error():
    star = from_networkx(
        nx.star_graph(5), strength=1.0, transmission=0.9, activity=0.5,
        recruiters=[0], candidates=range(1, 6),
    )  # fmt: skip  # every hire is told by the recruiter: nobody is ever paid
    with pytest.raises(InvalidParameterError, match=r"'budget' .* 100\.0 .*'flat'"):
        compare_incentives(star, {"flat": Flat(10.0)}, budget=100.0, trials=50)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"budget": -5.0}, r"'budget' parameter of compare_incentives .* Got -5"),
        ({"budget": 0.0}, r"'budget' parameter of compare_incentives .* Got 0"),
        ({"schemes": {}}, r"'schemes' parameter .* at least one"),
        ({"schemes": {"a": 3}}, r"'schemes' parameter .* Got 3 for 'a'"),
        ({"level": 1.5}, r"'level' parameter of compare_incentives .* Got 1\.5"),
        ({"hire": 2.0}, r"'hire' parameter of funnel .* Got 2\.0"),
    ],
)
def test_bad_input_names_the_parameter_and_the_value(kwargs, match):
    net = tree(2, 2, f=0.5, w=0.5)
    arguments = {"schemes": {"flat": Flat(1.0)}, "trials": 10, **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        compare_incentives(net, **arguments)


def test_the_sentence_refuses_an_unknown_measure():
    with pytest.raises(ValueError, match=r"'measure' .* Got 'salary'"):
        incentive_sentence(None, measure="salary")


def test_the_plot_puts_each_scheme_at_its_money_and_hires():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from referral.plot import plot_incentives

    net = tree(3, 3, f=0.4, w=0.6)
    table = compare_incentives(
        net,
        {"flat": Flat(10.0), "recursive": Recursive(6.0), "none": None},
        response=Linear(0.02),
        apply=0.5,
        hire=0.5,
        trials=200,
        seed=1,
    )
    fig, ax = plt.subplots()
    try:
        assert plot_incentives(table, ax=ax) is ax
        assert [t.get_text() for t in ax.texts] == ["flat", "recursive", "none"]
        points = [line.get_xydata()[0].tolist() for line in ax.lines[::1]][:1]
        rows = table.set_index(["scheme", "measure"])["estimate"]
        assert points[0] == pytest.approx(
            [rows[("flat", "paid")], rows[("flat", "hires")]]
        )
        # each label sits at its scheme's hires, beyond the end of its money
        # interval: right of the first, left of the second, and so on
        xy = [t.xy for t in ax.texts]
        ends = table.set_index(["scheme", "measure"])
        schemes = ["flat", "recursive", "none"]
        for i, ((x, y), scheme) in enumerate(zip(xy, schemes, strict=True)):
            end = "ci_high" if i % 2 == 0 else "ci_low"
            assert x == pytest.approx(ends.loc[(scheme, "paid"), end])
            assert y == pytest.approx(rows[(scheme, "hires")])
        sides = [t.get_horizontalalignment() for t in ax.texts]
        assert sides == ["left", "right", "left"]
        assert ax.get_xlabel() == "money paid per opening (mean)"
        assert ax.get_ylabel() == "hires per opening (mean)"
        with pytest.raises(ValueError, match=r"measure 'salary'"):
            plot_incentives(table, measure="salary", ax=ax)
    finally:
        plt.close(fig)
