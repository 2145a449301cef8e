"""``level=`` on every function that reports an interval, and ``progress=``.

For each function: the interval at ``level=0.8`` is the one at 0.95 scaled
by the ratio of normal quantiles (or, for Wilson intervals, Wilson's at the
new quantile), the table's ``level`` column says the level, the sentence
built from the table names it and prints the table's numbers, and a bad
level is refused with the standard message. ``progress=True`` draws a bar
on stderr and changes no number.
"""

from __future__ import annotations

import os
import re
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral import from_networkx, search, spread
from referral._core.params import InvalidParameterError
from referral._core.stats import wilson_interval, z_for
from referral.analysis._compare import compare
from referral.analysis._dropoff import dropoff
from referral.analysis._gatekeepers import gatekeepers
from referral.analysis._other_people import OtherPeopleCost, other_people_cost
from referral.analysis._weak_ties import weak_tie_share
from referral.interventions import referral_bonus
from referral.report._wording import _best_intervention
from referral.whom_to_ask._ambassadors import ambassadors
from referral.wording import cost_sentence, fmt_number, who_to_ask_sentences
from referral.wording._gatekeepers import gatekeeper_sentence

QUICK = os.environ.get("REFERRAL_QUICK") == "1"
RATIO = z_for(0.8) / z_for(0.95)


@pytest.fixture(scope="module")
def net():
    return from_networkx(
        nx.karate_club_graph(),
        strength=0.5,
        activity=0.3,
        recruiters=[0],
        candidates=[33, 32, 30],
    )


def _half_widths(table, low, high, centre):
    return (table[high] - table[low]).to_numpy(), 2 * table[centre].to_numpy()


def _assert_scaled(wide, narrow, centre, low="ci_low", high="ci_high"):
    """``narrow``'s interval is ``wide``'s shrunk about the same centre by the
    ratio of normal quantiles; both tables agree on every estimate."""
    np.testing.assert_array_equal(wide[centre], narrow[centre])
    w = (wide[high] - wide[low]).to_numpy(np.float64)
    n = (narrow[high] - narrow[low]).to_numpy(np.float64)
    np.testing.assert_allclose(n, RATIO * w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        (narrow[high] + narrow[low]).to_numpy(np.float64),
        (wide[high] + wide[low]).to_numpy(np.float64),
        rtol=1e-12,
        atol=1e-12,
    )
    assert (w > 0).any()  # the check compared real widths


def _other_columns_equal(wide, narrow, ignore):
    keep = [c for c in wide.columns if c not in ignore]
    pd.testing.assert_frame_equal(wide[keep], narrow[keep], check_exact=True)


# ------------------------------------------------------------------ compare
def test_compare_level(net):
    scenarios = {"today": net, "bonus": referral_bonus(net, 0.3)}
    wide = compare(scenarios, trials=60, seed=1)
    narrow = compare(scenarios, trials=60, seed=1, level=0.8)
    assert (wide["level"] == 0.95).all() and (narrow["level"] == 0.8).all()
    _assert_scaled(wide, narrow, "estimate")
    _assert_scaled(wide, narrow, "diff", "diff_ci_low", "diff_ci_high")
    _other_columns_equal(
        wide,
        narrow,
        ["ci_low", "ci_high", "diff_ci_low", "diff_ci_high", "level"],
    )
    # the report's sentence names the table's level and prints its numbers
    text = _best_intervention(narrow)
    row = narrow.query("scenario == 'bonus' and measure == 'candidates_reached'")
    row = row.iloc[0]
    if row["diff_ci_low"] > 0:
        assert f"80% CI {row['diff_ci_low']:+.3g} to {row['diff_ci_high']:+.3g}" in text
        assert "95%" not in text


def test_compare_level_with_groups(net):
    people = net.labels
    grouped = net.replace(
        attributes={"team": np.where(np.asarray(people) % 2 == 0, "a", "b")}
    )
    scenarios = {"today": grouped, "bonus": referral_bonus(grouped, 0.3)}
    wide = compare(scenarios, trials=40, seed=2, by="team")
    narrow = compare(scenarios, trials=40, seed=2, by="team", level=0.8)
    groups = narrow["measure"].isin(["share_reached", "ratio"])
    assert groups.sum() == 8 and (narrow["level"] == 0.8).all()
    _assert_scaled(wide[groups], narrow[groups], "estimate")
    _assert_scaled(wide[groups], narrow[groups], "diff", "diff_ci_low", "diff_ci_high")


@pytest.mark.stat
def test_compare_interval_covers_at_its_level():
    """One person told with probability 0.3: people reached is 1 + Bernoulli,
    so the mean over 60 trials is 1 + k / 60 with k binomial. The 80%
    interval of the mean covers 1.3 as often as the closed form says (the
    binomial sum over the k whose interval holds 0.3, about 0.80; 0.95 at
    the 95% level), checked against a binomial acceptance band."""
    from scipy.stats import binom

    net = from_networkx(
        nx.path_graph(2),
        strength=1.0,
        transmission=0.3,
        activity=1.0,
        recruiters=[0],
    )
    trials, reps = 60, (150 if QUICK else 400)
    k = np.arange(trials + 1)
    share = k / trials
    se = np.sqrt(share * (1 - share) / (trials - 1))  # the trials' sample SD
    exact = {
        level: float(
            binom.pmf(k, trials, 0.3)[np.abs(share - 0.3) <= z_for(level) * se].sum()
        )
        for level in (0.8, 0.95)
    }
    assert abs(exact[0.8] - 0.8) < 0.02 and abs(exact[0.95] - 0.95) < 0.02
    hits = 0
    for seed in range(reps):
        row = compare({"a": net}, trials=trials, seed=seed, level=0.8).iloc[0]
        assert row["measure"] == "people_reached"
        assert row["se"] == pytest.approx(
            np.sqrt((row["estimate"] - 1) * (2 - row["estimate"]) / (trials - 1))
        )
        hits += row["ci_low"] <= 1.3 <= row["ci_high"]
    # binomial acceptance band: 3.5 standard errors (the 95% level is outside)
    band = 3.5 * np.sqrt(exact[0.8] * (1 - exact[0.8]) / reps)
    assert abs(hits / reps - exact[0.8]) < band, (hits / reps, exact)
    assert abs(hits / reps - exact[0.95]) > band


# ------------------------------------------------------------------ dropoff
def test_dropoff_level(net):
    result = spread(net, trials=200, seed=3)
    wide = dropoff(result)
    narrow = dropoff(result, level=0.8)
    assert (wide["level"] == 0.95).all() and (narrow["level"] == 0.8).all()
    for name in ("cost", "cost_cumulative"):
        _assert_scaled(wide, narrow, name, f"{name}_ci_low", f"{name}_ci_high")
    text = cost_sentence(narrow)
    last = narrow.sort_values("hop").iloc[-1]
    assert (
        f"(80% CI {fmt_number(last['cost_cumulative_ci_low'])} to "
        f"{fmt_number(last['cost_cumulative_ci_high'])})" in text
    )
    assert "95%" not in text
    # a table saved without the column was at 95%
    assert "(95% CI " in cost_sentence(wide.drop(columns="level"))
    # a search has no interval, so no level column
    assert "level" not in dropoff(search(net, trials=5, seed=1)).columns


# ------------------------------------------------------------------ weak ties
def test_weak_tie_share_level():
    # every third tie weak, so the shares are neither 0 nor 1
    net = from_networkx(
        nx.karate_club_graph(),
        strength=lambda u, v, d: 0.3 if (u + v) % 3 == 0 else 0.8,
        activity=0.4,
        recruiters=[0],
        candidates=[33, 32, 30, 23, 26],
    )
    for result in (spread(net, trials=150, seed=4), search(net, trials=20, seed=4)):
        wide = weak_tie_share(result)
        narrow = weak_tie_share(result, level=0.8)
        assert (narrow["level"] == 0.8).all() and (wide["level"] == 0.95).all()
        _other_columns_equal(wide, narrow, ["ci_low", "ci_high", "level"])
        for table, level in ((wide, 0.95), (narrow, 0.8)):
            z = z_for(level)
            for _, row in table.iterrows():
                if not np.isfinite(row["estimate"]):
                    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
                    continue
                assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
                normal = (
                    max(row["estimate"] - z * row["se"], 0.0),
                    min(row["estimate"] + z * row["se"], 1.0),
                )
                if result.__class__.__name__ == "SearchResult":
                    # binomial over chains: Wilson's interval
                    expected = wilson_interval(row["estimate"], row["chains"], z)
                elif row["scope"] == "overall":
                    expected = normal  # delta method over trials
                else:
                    continue  # a by-hop row may be either (see weak_tie_share)
                assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected)
        overall = lambda t: t[t["scope"] == "overall"].iloc[0]  # noqa: E731
        w, n = overall(wide), overall(narrow)
        assert n["ci_high"] - n["ci_low"] < w["ci_high"] - w["ci_low"]


# ------------------------------------------------------- other people's cost
def test_other_people_cost_level(net):
    wide = other_people_cost(net, multipliers=[0.5, 1.0, 2.0], trials=60, seed=5)
    narrow = other_people_cost(
        net, multipliers=[0.5, 1.0, 2.0], trials=60, seed=5, level=0.8
    )
    for name in ("cost", "cost_curve"):
        assert (wide.tables()[name]["level"] == 0.95).all()
        assert (narrow.tables()[name]["level"] == 0.8).all()
    for column in ("people_reached", "branching"):
        _assert_scaled(
            wide.curve,
            narrow.curve,
            f"{column}_estimate",
            f"{column}_ci_low",
            f"{column}_ci_high",
        )
    # the share of openings that travel far: Wilson's interval at the level
    for _, row in narrow.curve.iterrows():
        assert (row["sizeable_share_ci_low"], row["sizeable_share_ci_high"]) == (
            pytest.approx(
                wilson_interval(row["sizeable_share_estimate"], 60, z_for(0.8))
            )
        )
    text = narrow.sentence()
    assert "80% CI" in text and "95%" not in text
    today = narrow.table().set_index("scenario").loc["as_is"]
    if np.isfinite(today["branching_ci_low"]):
        assert (
            f"(80% CI {fmt_number(today['branching_ci_low'])} to "
            f"{fmt_number(today['branching_ci_high'])})" in text
        )
    # read back from tables saved before the column: 95%, and no number moves
    old = {k: v.drop(columns="level") for k, v in wide.tables().items()}
    assert OtherPeopleCost.from_tables(old).sentence() == wide.sentence()


# ------------------------------------------------------------------ gatekeepers
def test_gatekeepers_level_and_alpha():
    # two cliques joined by 4-5: person 5 is the gatekeeper
    net = from_networkx(
        nx.barbell_graph(5, 0),
        strength=1.0,
        activity=0.8,
        recruiters=[4],
        candidates=range(6, 10),
    )
    result = spread(net, trials=200, seed=6)
    wide = gatekeepers(net, result, top=4, shortlist=6)
    narrow = gatekeepers(net, result, top=4, shortlist=6, level=0.8)
    assert (wide["level"] == 0.95).all() and (wide["alpha"] == 0.05).all()
    assert (narrow["level"] == 0.8).all() and (narrow["alpha"] == 0.2).all()
    _assert_scaled(wide, narrow, "estimate", "ci_low", "ci_high")
    # the top group's simultaneous interval is narrower at a lower level
    assert (
        (narrow["diff_ci_high"] - narrow["diff_ci_low"])
        <= (wide["diff_ci_high"] - wide["diff_ci_low"]) + 1e-12
    ).all()
    # the deprecated alpha still works, warns naming the replacement, and
    # gives the same table as the level it stands for
    with pytest.warns(FutureWarning, match=r"use level=0\.8 \(level = 1 - alpha\)"):
        old = gatekeepers(net, result, top=4, shortlist=6, alpha=0.2)
    pd.testing.assert_frame_equal(old, narrow, check_exact=True)
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="disagree"):
        gatekeepers(net, result, top=4, level=0.9, alpha=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gatekeepers(net, result, top=2, shortlist=3)  # no warning by default
    # the sentence names the level and prints the leader's interval
    text = gatekeeper_sentence(narrow)
    assert "80% CI" in text and "95%" not in text, text
    assert "(95% CI" in gatekeeper_sentence(wide), gatekeeper_sentence(wide)
    assert "(95% CI" in gatekeeper_sentence(wide.drop(columns="level"))


# ------------------------------------------------------------------ ambassadors
def test_ambassadors_level(net):
    wide = ambassadors(net, 2, seed=7, check_trials=300)
    narrow = ambassadors(net, 2, seed=7, check_trials=300, level=0.8)
    assert (wide["level"] == 0.95).all() and (narrow["level"] == 0.8).all()
    intervals = [c for c in wide.columns if c.endswith(("_ci_low", "_ci_high"))]
    _other_columns_equal(wide, narrow, ["level", *intervals])
    lines = who_to_ask_sentences(narrow)
    text = " ".join(lines)
    assert "80% CI" in text and "95%" not in text
    # the forward check's interval is the table's, at its level
    last = narrow.sort_values("rank").iloc[-1]
    match = re.search(
        r"posting gives ([\d.]+) targets \(80% CI ([\d.]+) to ([\d.]+)\)", text
    )
    assert match, text
    shown, low, high = (float(g) for g in match.groups())
    half = z_for(0.8) * last["spread_reach_se"]
    digits = len(match.group(2).split(".")[1])
    assert low == pytest.approx(round(last["spread_reach_estimate"] - half, digits))
    assert high == pytest.approx(round(last["spread_reach_estimate"] + half, digits))
    wide_text = " ".join(who_to_ask_sentences(wide))
    assert "95% CI" in wide_text and "80%" not in wide_text
    # a table saved before the column reads as 95%
    assert who_to_ask_sentences(wide.drop(columns="level")) == who_to_ask_sentences(
        wide
    )


# ------------------------------------------------------------------ bad levels
BAD_LEVELS = [0, 1, 1.5, "a"]


def _calls(net):
    result = spread(net, trials=5, seed=1)
    return {
        "compare": lambda level: compare({"a": net}, trials=2, level=level),
        "dropoff": lambda level: dropoff(result, level=level),
        "weak_tie_share": lambda level: weak_tie_share(result, level=level),
        "other_people_cost": lambda level: other_people_cost(net, level=level),
        "gatekeepers": lambda level: gatekeepers(net, result, level=level),
        "ambassadors": lambda level: ambassadors(net, 1, level=level),
    }


@pytest.mark.parametrize("bad", BAD_LEVELS)
def test_bad_levels_are_refused(net, bad):
    for name, call in _calls(net).items():
        with pytest.raises(
            InvalidParameterError,
            match=re.escape(
                f"The 'level' parameter of {name} must be a float in the range "
                f"(0, 1). Got {bad!r} instead."
            ),
        ):
            call(bad)


# ------------------------------------------------------------------ progress
def _bar_and_same(capsys, run, bars):
    """``run(False)`` writes nothing; ``run(True)`` writes ``bars`` finished
    tqdm bars (at least, with ``bars`` negative) on stderr."""
    quiet = run(False)
    assert capsys.readouterr().err == ""
    loud = run(True)
    err = capsys.readouterr().err
    finished = err.count("100%|")
    assert finished == bars if bars > 0 else finished >= -bars, err[-300:]
    assert "trial/s" in err
    return quiet, loud


def test_progress_changes_no_number(net, capsys):
    scenarios = {"today": net, "bonus": referral_bonus(net, 0.3)}
    quiet, loud = _bar_and_same(
        capsys, lambda p: compare(scenarios, trials=40, seed=8, progress=p), 2
    )
    pd.testing.assert_frame_equal(quiet, loud, check_exact=True)
    quiet, loud = _bar_and_same(
        capsys,
        lambda p: gatekeepers(
            net, top=3, shortlist=4, trials=40, max_trials=80, seed=8, progress=p
        ),
        -5,  # the spread, then one per person on the shortlist, then racing
    )
    pd.testing.assert_frame_equal(quiet, loud, check_exact=True)
    quiet, loud = _bar_and_same(
        capsys,
        lambda p: other_people_cost(
            net, multipliers=[0.5, 1.0], trials=30, seed=8, progress=p
        ),
        -3,  # one per multiplier, then everyone acting
    )
    for name in ("cost", "cost_curve"):
        pd.testing.assert_frame_equal(
            quiet.tables()[name], loud.tables()[name], check_exact=True
        )
    assert quiet.sentence() == loud.sentence()


def test_compare_passes_progress_only_when_asked(net):
    seen = []

    def simulate(network, *, trials, seed, n_jobs, **kwargs):
        seen.append(dict(kwargs))
        return spread(network, trials=trials, seed=seed, n_jobs=n_jobs, **kwargs)

    compare({"a": net}, simulate, trials=3, seed=1)
    compare({"a": net}, simulate, trials=3, seed=1, progress=True)
    assert seen == [{}, {"progress": True}]


def test_report_headings_name_the_level():
    from referral.report._rendering import _table_html

    frame = pd.DataFrame(
        {"cost": [1.0], "cost_ci_low": [0.5], "cost_ci_high": [1.5], "level": [0.8]}
    )
    text = _table_html("dropoff", frame, "png")
    assert "cost, 80% CI low" in text and "cost, 80% CI high" in text
    assert "95%" not in text
    old = _table_html("dropoff", frame.drop(columns="level"), "png")
    assert "cost, 95% CI low" in old


def test_plot_labels_name_the_level(net):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from referral import plot

    scenarios = {"today": net, "bonus": referral_bonus(net, 0.3)}
    result = spread(net, trials=40, seed=9)
    cases = [
        (plot.plot_compare, compare(scenarios, trials=20, seed=9, level=0.8)),
        (plot.plot_gatekeepers, gatekeepers(net, result, top=2, level=0.8)),
        (
            plot.plot_threshold,
            other_people_cost(net, multipliers=[1.0], trials=20, seed=9, level=0.8),
        ),
        (plot.plot_ambassadors, ambassadors(net, 2, seed=9, level=0.8)),
    ]
    from referral.analysis import representation

    teams = net.replace(
        attributes={"team": np.where(np.asarray(net.labels) % 2 == 0, "a", "b")}
    )
    shares = representation(spread(teams, trials=40, seed=9), by="team", level=0.8)
    cases.append((plot.plot_representation, shares))
    for function, data in cases:
        fig, ax = plt.subplots()
        function(data, ax=ax)
        words = [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            words += [t.get_text() for t in legend.get_texts()]
        plt.close(fig)
        text = " ".join(words)
        assert "80% " in text and "95%" not in text, (function.__name__, text)
