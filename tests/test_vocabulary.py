"""One vocabulary for intervals (issue 21, item 2): the renamed columns.

Every renamed table has the new names, answers to the old ones for one
release with a FutureWarning naming both and giving the same values, and a
folder written with the old names still reads.
"""

from __future__ import annotations

import math
import pickle
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral import report
from referral._core.renamed import (
    RENAMED,
    RenamedColumnsFrame,
    upgrade_columns,
    with_old_names,
)
from referral._core.stats import (
    AMBASSADORS_MEASURES,
    ambassadors_intervals,
    ci_words,
)
from referral.analysis import OtherPeopleCost
from referral.interventions import referral_bonus
from referral.sweep import sweep


# ------------------------------------------------------------- the mechanism
def _frame():
    plain = pd.DataFrame(
        {"scenario": ["a", "b", "c"], "estimate": [1.0, 2.0, 3.0], "se": 0.5}
    )
    plain.attrs["seed_entropy"] = 7
    return plain, with_old_names(plain, "compare")


def test_old_name_reads_the_new_column_with_a_warning_naming_both():
    plain, frame = _frame()
    with pytest.warns(FutureWarning, match="'mean' is now called 'estimate'"):
        values = frame["mean"]
    pd.testing.assert_series_equal(values, plain["estimate"])
    with pytest.warns(FutureWarning, match="'mean' is now called 'estimate'"):
        assert frame.loc[:, "mean"].tolist() == [1.0, 2.0, 3.0]
    with pytest.warns(FutureWarning, match="'mean' is now called 'estimate'"):
        assert frame[["scenario", "mean"]].columns.tolist() == [
            "scenario",
            "estimate",
        ]
    with pytest.warns(FutureWarning, match="'mean' is now called 'estimate'"):
        assert frame.loc[frame["scenario"] == "b", "mean"].tolist() == [2.0]
    with pytest.warns(FutureWarning, match="'mean' is now called 'estimate'"):
        assert frame.get("mean").tolist() == [1.0, 2.0, 3.0]
    # the columns hold the new names only
    assert "mean" not in frame.columns and "estimate" in frame.columns


def test_the_warning_points_at_the_callers_line():
    _, frame = _frame()
    for read in (
        lambda: frame["mean"],
        lambda: frame.loc[:, "mean"],
        lambda: frame[["mean"]],
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            read()
        assert [w.filename for w in caught] == [__file__]


def test_attribute_access_maps_old_names_but_not_methods():
    gate = with_old_names(pd.DataFrame({"estimate": [2.0], "se": [0.1]}), "gatekeepers")
    with pytest.warns(FutureWarning, match="'loss_se' is now called 'se'"):
        assert gate.loss_se.tolist() == [0.1]
    with pytest.warns(FutureWarning, match="'counterfactual_loss'"):
        assert gate.counterfactual_loss.tolist() == [2.0]
    _, frame = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert callable(frame.mean)  # DataFrame.mean is still the method
        assert frame.estimate.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(AttributeError, match="no_such_column"):
        frame.no_such_column  # noqa: B018


def test_new_names_and_unknown_names_do_not_warn():
    _, frame = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame["estimate"]
        frame.loc[:, ["scenario", "se"]]
        with pytest.raises(KeyError, match="nothing"):
            frame["nothing"]
    # a real column with an old name is read as itself, without a warning
    both = with_old_names(pd.DataFrame({"mean": [9.0], "estimate": [1.0]}), "compare")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert both["mean"].tolist() == [9.0]


def test_pandas_operations_keep_the_old_names_and_attrs():
    plain, frame = _frame()
    for derived in (
        frame[frame["estimate"] > 1],
        frame.sort_values("estimate", ascending=False),
        frame.copy(),
        frame.reset_index(drop=True),
        frame.query("estimate > 1"),
        frame.assign(extra=1),
        pd.concat([frame, frame], ignore_index=True),
    ):
        assert isinstance(derived, RenamedColumnsFrame)
        with pytest.warns(FutureWarning, match="'mean'"):
            derived["mean"]
    assert frame.attrs == {"seed_entropy": 7}
    # writing through an old name writes the new column
    copy = frame.copy()
    with pytest.warns(FutureWarning, match="'mean'"):
        copy.loc[:, "mean"] = 0.0
    assert (copy["estimate"] == 0.0).all() and "mean" not in copy.columns
    # series from the frame are plain series
    assert type(frame["estimate"]) is pd.Series


def test_csv_pickle_and_assert_frame_equal_work(tmp_path):
    plain, frame = _frame()
    frame.to_csv(tmp_path / "t.csv", index=False)
    back = pd.read_csv(tmp_path / "t.csv")
    assert back.columns.tolist() == ["scenario", "estimate", "se"]
    pd.testing.assert_frame_equal(back, plain.astype({"scenario": back.dtypes.iloc[0]}))
    restored = pickle.loads(pickle.dumps(frame))
    assert isinstance(restored, RenamedColumnsFrame)
    assert restored.old_names == {"mean": "estimate"}
    pd.testing.assert_frame_equal(restored, frame)
    pd.testing.assert_frame_equal(frame, plain)  # the frame on the left
    with pytest.warns(FutureWarning, match="'mean'"):
        restored["mean"]


def test_upgrade_columns_renames_old_files_and_leaves_new_ones():
    old = pd.DataFrame({"scenario": ["a"], "mean": [1.0], "se": [0.5]})
    with pytest.warns(FutureWarning, match=r"in 'x.csv'.*'mean' -> 'estimate'"):
        new = upgrade_columns(old, "compare", where="'x.csv'")
    assert new.columns.tolist() == ["scenario", "estimate", "se"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert upgrade_columns(new, "compare") is new
        assert upgrade_columns([1, 2], "compare") == [1, 2]


def test_every_renamed_name_is_new_to_its_table():
    for table, names in RENAMED.items():
        assert names and set(names).isdisjoint(names.values()), table


# ------------------------------------------------------ the renamed tables
@pytest.fixture(scope="module")
def net():
    return referral.from_networkx(
        nx.karate_club_graph(),
        strength=0.5,
        activity=0.3,
        recruiters=[0],
        candidates=[33, 32, 30, 23],
    )


@pytest.fixture(scope="module")
def cost(net):
    return referral.other_people_cost(net, multipliers=[0.5, 1, 2], trials=30, seed=1)


def _old_gives_new(table, old, new):
    assert new in table.columns and old not in table.columns
    with pytest.warns(FutureWarning, match=f"'{old}' is now called '{new}'"):
        values = table[old]
    pd.testing.assert_series_equal(values, table[new])


def test_compare(net):
    table = referral.compare(
        {"today": net, "bonus": referral_bonus(net, 0.3)}, trials=40, seed=1
    )
    assert {"estimate", "se", "ci_low", "ci_high", "level"} <= set(table.columns)
    _old_gives_new(table, "mean", "estimate")


def test_gatekeepers(net):
    table = referral.gatekeepers(net, top=3, trials=40, seed=1)
    for old, new in RENAMED["gatekeepers"].items():
        _old_gives_new(table, old, new)
    assert (table["ci_low"] <= table["estimate"]).all()
    assert (table["estimate"] <= table["ci_high"]).all()


def test_weak_tie_share(net):
    table = referral.weak_tie_share(referral.spread(net, trials=40, seed=1))
    _old_gives_new(table, "share", "estimate")
    _old_gives_new(table, "share_se", "se")


def test_ambassadors(net):
    table = referral.ambassadors(net, k=2, check_trials=20, seed=1)
    _old_gives_new(table, "spread_se", "spread_reach_se")
    _old_gives_new(table, "degree_spread_se", "degree_spread_reach_se")
    for old, new in RENAMED["ambassadors"].items():
        _old_gives_new(table, old, new)
    # every measure with a standard error has its interval, at the level
    for measure in AMBASSADORS_MEASURES:
        for end in ("estimate", "se", "ci_low", "ci_high"):
            assert f"{measure}_{end}" in table.columns, (measure, end)
        low, high = table[f"{measure}_ci_low"], table[f"{measure}_ci_high"]
        value = table[f"{measure}_estimate"]
        finite = value.notna()
        assert (low[finite] <= value[finite]).all(), measure
        assert (value[finite] <= high[finite]).all(), measure
    assert not any(c in table.columns for c in RENAMED["ambassadors"])


def test_ambassadors_old_attribute_and_loc_access(net):
    table = referral.ambassadors(net, k=2, check_trials=0, seed=1)
    with pytest.warns(FutureWarning, match="'reach' is now called 'reach_estimate'"):
        assert table.reach.tolist() == table["reach_estimate"].tolist()
    with pytest.warns(FutureWarning, match="'gain' is now called 'gain_estimate'"):
        assert table.loc[:, "gain"].tolist() == table["gain_estimate"].tolist()


def test_reach_of_everyone(net):
    table = referral.reach_of_everyone(net, samples=500, seed=1)
    _old_gives_new(table, "reach", "reach_estimate")
    assert {"reach_se", "reach_ci_low", "reach_ci_high", "level"} <= set(table.columns)
    # reach_share stays: the estimate over the number of targets
    np.testing.assert_allclose(
        table["reach_share"], table["reach_estimate"] / table["n_targets"]
    )


def test_other_people_cost(cost):
    for table in (cost.table(), cost.curve):
        _old_gives_new(table, "people_reached_mean", "people_reached_estimate")
        _old_gives_new(table, "candidates_reached_mean", "candidates_reached_estimate")
        for old, new in RENAMED["other_people"].items():
            _old_gives_new(table, old, new)
        for measure in ("branching", "sizeable_share"):
            assert {f"{measure}_ci_low", f"{measure}_ci_high"} <= set(table.columns)


def test_sweep(net):
    def build(activity):
        return net.replace(activity=np.full(net.n_people, activity))

    table = sweep(build, {"activity": [0.2, 0.6]}, trials=20, seed=3)
    for measure in ("people_reached", "candidates_reached", "depth"):
        _old_gives_new(table, f"{measure}_mean", f"{measure}_estimate")
        assert f"{measure}_se" in table.columns
    assert not any(c.endswith("_mean") for c in table.columns)


# ------------------------------------------------- folders with old names
def test_old_sweep_parts_read_back(net, tmp_path):
    def build(activity):
        return net.replace(activity=np.full(net.n_people, activity))

    grid = {"activity": [0.2, 0.6]}
    first = sweep(build, grid, trials=20, seed=3, results_dir=tmp_path)
    # rewrite the saved parts as an earlier release wrote them
    old_names = {new: old for old, new in RENAMED["sweep"].items()}
    parts = sorted(tmp_path.rglob("*.pkl"))
    assert parts
    for path in parts:
        part = pd.read_pickle(path)
        pd.DataFrame(part).rename(columns=old_names).to_pickle(path)
    with pytest.warns(FutureWarning, match="Old column names"):
        again = sweep(build, grid, trials=20, seed=3, results_dir=tmp_path)
    pd.testing.assert_frame_equal(again, first)


def test_old_results_folder_reads_back_with_the_same_sentences(net, cost, tmp_path):
    from referral.report._wording import sections

    tables = {
        "compare": referral.compare(
            {"today": net, "bonus": referral_bonus(net, 0.3)}, trials=40, seed=1
        ),
        "gatekeepers": referral.gatekeepers(net, top=3, trials=40, seed=1),
        "weak_ties": referral.weak_tie_share(referral.spread(net, trials=40, seed=1)),
        **cost.tables(),
        "ambassadors": referral.ambassadors(net, k=2, check_trials=20, seed=1),
    }
    new_dir, old_dir = tmp_path / "new", tmp_path / "old"
    for folder in (new_dir, old_dir):
        folder.mkdir()
    renamed_as = {
        "compare": "compare",
        "gatekeepers": "gatekeepers",
        "weak_ties": "weak_tie_share",
        "cost": "other_people",
        "cost_curve": "other_people",
        "ambassadors": "ambassadors",
    }
    for name, table in tables.items():
        table.to_csv(new_dir / f"{name}.csv", index=False)
        back = {new: old for old, new in RENAMED[renamed_as[name]].items()}
        old = pd.DataFrame(table).rename(columns=back)
        assert set(old.columns) != set(table.columns)
        old.to_csv(old_dir / f"{name}.csv", index=False)
    new = report.read_results(new_dir)
    with pytest.warns(FutureWarning, match="Old column names"):
        old = report.read_results(old_dir)
    for name in tables:
        pd.testing.assert_frame_equal(old.tables[name], new.tables[name])

    def words(results):
        return [s.sentences for s in sections(results)]

    assert words(old) == words(new)
    with pytest.warns(FutureWarning, match="Old column names in the 'cost"):
        back = OtherPeopleCost.from_tables(
            {k: pd.read_csv(old_dir / f"{k}.csv") for k in ("cost", "cost_curve")}
        )
    assert back.sentence() == OtherPeopleCost.from_tables(new.tables).sentence()
    assert back.sentence() == cost.sentence()


def test_plots_and_sentences_take_old_tables(net):
    import matplotlib.pyplot as plt

    table = referral.gatekeepers(net, top=3, trials=40, seed=1)
    old = pd.DataFrame(table).rename(
        columns={v: k for k, v in RENAMED["gatekeepers"].items()}
    )
    with pytest.warns(FutureWarning, match="Old column names"):
        sentence = referral.gatekeeper_sentence(old)
    assert sentence == referral.gatekeeper_sentence(table)
    fig, (a, b) = plt.subplots(1, 2)
    referral.plot.plot_gatekeepers(table, ax=a)
    with pytest.warns(FutureWarning, match="Old column names"):
        referral.plot.plot_gatekeepers(old, ax=b)
    assert [p.get_width() for p in a.patches] == [p.get_width() for p in b.patches]
    plt.close(fig)


def test_threshold_sentence_takes_old_tables(cost):
    from referral.wording import threshold_sentence

    back = {v: k for k, v in RENAMED["other_people"].items()}
    table = pd.DataFrame(cost.table()).rename(columns=back)
    curve = pd.DataFrame(cost.curve).rename(columns=back)
    assert "people_reached_mean" in table.columns
    with pytest.warns(FutureWarning, match="threshold_sentence's (cost|curve)"):
        assert threshold_sentence(table, curve) == cost.sentence()


# ------------------------------------- ambassadors: old tables, and intervals
def _as_old_release(table, name="ambassadors"):
    """``table`` as the earlier release wrote it: old names, no intervals."""
    back = {new: old for old, new in RENAMED[name].items()}
    added = [
        f"{m}_{end}" for m in AMBASSADORS_MEASURES for end in ("ci_low", "ci_high")
    ]
    return pd.DataFrame(table).drop(columns=added).rename(columns=back)


@pytest.fixture(scope="module")
def asked(net):
    return referral.ambassadors(net, k=3, check_trials=40, seed=2)


def test_old_ambassadors_csv_reads_back_with_the_same_sentences(asked, tmp_path):
    from referral.report._wording import sections

    old = _as_old_release(asked)
    assert "reach" in old.columns and "reach_ci_low" not in old.columns
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    for folder, table in ((old_dir, old), (new_dir, asked)):
        folder.mkdir()
        table.to_csv(folder / "ambassadors.csv", index=False)
    new = report.read_results(new_dir)
    with pytest.warns(FutureWarning, match="Old column names in '.*ambassadors"):
        back = report.read_results(old_dir)
    # the old folder gets today's names and the intervals, from the same formulas
    got = back.tables["ambassadors"]
    pd.testing.assert_frame_equal(
        got[list(new.tables["ambassadors"].columns)], new.tables["ambassadors"]
    )
    assert [s.sentences for s in sections(back)] == [s.sentences for s in sections(new)]
    # the sentences and the plot take a table with the old names directly
    with pytest.warns(FutureWarning, match="who_to_ask_sentences' table"):
        lines = referral.who_to_ask_sentences(pd.read_csv(old_dir / "ambassadors.csv"))
    assert lines == referral.who_to_ask_sentences(asked)


def test_old_ambassadors_table_plots_the_same(asked):
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2)
    referral.plot.plot_ambassadors(asked, ax=a)
    with pytest.warns(FutureWarning, match="plot_ambassadors' table"):
        referral.plot.plot_ambassadors(_as_old_release(asked), ax=b)
    for x, y in zip(a.collections, b.collections, strict=True):
        for p, q in zip(x.get_paths(), y.get_paths(), strict=True):
            np.testing.assert_allclose(p.vertices, q.vertices)
    plt.close(fig)


def test_intervals_are_computed_in_one_place(asked):
    """The table's columns are what ambassadors_intervals gives for its
    estimates, standard errors and level, and what the plot draws."""
    import matplotlib.pyplot as plt

    for name, values in ambassadors_intervals(asked).items():
        np.testing.assert_array_equal(asked[name].to_numpy(), values, err_msg=name)
    fig, ax = plt.subplots()
    referral.plot.plot_ambassadors(asked, ax=ax)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    for value in asked["reach_ci_low"].tolist() + asked["reach_ci_high"].tolist():
        assert np.isclose(band, value).any()
    plt.close(fig)


_NUM = r"([+-]?[\d,]+\.?\d*)"


def _printed_as(text, value):
    """``text`` is ``value`` printed to its decimals: rounded, or rounded
    outwards (the rule of three's bounds)."""
    digits = len(text.split(".")[1]) if "." in text else 0
    scale = 10**digits
    shown = {
        f"{value:+.{digits}f}" if text[0] in "+-" else f"{value:.{digits}f}",
        f"{math.floor(round(value * scale, 9)) / scale:.{digits}f}",
        f"{math.ceil(round(value * scale, 9)) / scale:.{digits}f}",
    }
    return text.replace(",", "") in {s.replace(",", "") for s in shown}


def _checked_intervals(table):
    """Each interval a sentence prints, checked against the table's columns;
    returns how many were checked."""
    import re

    table = table.sort_values("rank")
    last = table.iloc[-1]
    lines = referral.who_to_ask_sentences(table)
    words = ci_words(last["level"])
    checked = 0
    head = re.search(rf"{words} {_NUM} to {_NUM}\)", lines[0])
    assert head, lines[0]
    assert _printed_as(head.group(1), last["reach_ci_low"]), (lines[0], last)
    assert _printed_as(head.group(2), last["reach_ci_high"]), (lines[0], last)
    checked += 1
    for line in lines[1:]:
        found = re.search(rf"\(difference {_NUM}, {words} {_NUM} to {_NUM};", line)
        if found:
            assert _printed_as(found.group(2), last["difference_ci_low"]), line
            assert _printed_as(found.group(3), last["difference_ci_high"]), line
            checked += 1
        found = re.search(
            rf"{_NUM} (fewer|more) than the people chosen "
            rf"\({words} {_NUM} to {_NUM}\)",
            line,
        )
        if found:
            low, high = last["difference_ci_low"], last["difference_ci_high"]
            if found.group(2) == "more":  # the size of a negative difference
                low, high = -high, -low
            assert _printed_as(found.group(3), low), line
            assert _printed_as(found.group(4), high), line
            checked += 1
        if line.startswith("A forward simulation"):
            found = re.search(rf"\({words} {_NUM} to {_NUM}\)\.$", line)
            assert found, line
            assert _printed_as(found.group(1), last["spread_reach_ci_low"]), line
            assert _printed_as(found.group(2), last["spread_reach_ci_high"]), line
            checked += 1
    return checked


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_the_intervals_the_sentences_print_are_the_tables(net, level):
    checked = 0
    for k, seed in ((1, 1), (2, 3), (3, 2)):
        table = referral.ambassadors(net, k=k, check_trials=30, seed=seed, level=level)
        checked += _checked_intervals(table)
    assert checked >= 6


def test_rule_of_three_intervals_are_the_tables():
    """Where samples and trials show no spread, the sentence's bounds (rounded
    outwards) are the table's columns."""
    star = referral.from_networkx(
        nx.star_graph(4), strength=1.0, activity=1.0, candidates=range(1, 5)
    )
    table = referral.ambassadors(star, 1, seed=1, check_trials=20)
    last = table.iloc[-1]
    assert last["reach_se"] == 0 and last["spread_reach_se"] == 0
    assert last["reach_ci_high"] == 4 and last["reach_ci_low"] < 4
    assert _checked_intervals(table) == 2
