"""Data-first plots: every plotted table, saved to CSV and read back, draws
the same chart as the table itself and as the result it came from."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import referral  # noqa: E402
from referral import plot  # noqa: E402
from referral.analysis import (  # noqa: E402
    compare,
    dropoff,
    gatekeepers,
    other_people_cost,
    tie_offers,
    weak_tie_share,
)
from referral.network._populations import community_population  # noqa: E402
from referral.simulate._search import search  # noqa: E402
from referral.simulate._spread import spread  # noqa: E402


@pytest.fixture(scope="module")
def pop():
    return community_population(300, seed=3)


@pytest.fixture(scope="module")
def pop_spread(pop):
    return spread(pop, trials=60, seed=1)


@pytest.fixture(scope="module")
def pop_search(pop):
    return search(pop, trials=5, seed=1)


def _roundtrip(table, tmp_path, name="t"):
    path = tmp_path / f"{name}.csv"
    table.to_csv(path, index=False)
    return pd.read_csv(path)


def _drawn(ax):
    """Everything data-bearing an Axes shows, as plain numbers and text."""
    lines = [np.asarray(line.get_xydata(), dtype=np.float64) for line in ax.lines]
    bars = [
        (p.get_x(), p.get_y(), p.get_width(), p.get_height())
        for p in ax.patches
        if isinstance(p, Rectangle)
    ]
    bands = [
        np.concatenate([path.vertices for path in c.get_paths()])
        for c in ax.collections
        if isinstance(c, PolyCollection) and c.get_paths()
    ]
    legend = ax.get_legend()
    return {
        "lines": lines,
        "bars": np.asarray(bars, dtype=np.float64),
        "bands": bands,
        "texts": [t.get_text() for t in ax.texts],
        "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
        "labels": (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()),
    }


def _same(a, b):
    assert a["labels"] == b["labels"]
    assert a["legend"] == b["legend"]
    assert a["texts"] == b["texts"]
    assert len(a["lines"]) == len(b["lines"]) and len(a["lines"]) + len(a["bars"])
    for x, y in zip(a["lines"], b["lines"], strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(a["bars"], b["bars"], rtol=1e-12, equal_nan=True)
    assert len(a["bands"]) == len(b["bands"])
    for x, y in zip(a["bands"], b["bands"], strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12, equal_nan=True)


def _draw(function, data, **kwargs):
    fig, ax = plt.subplots()
    try:
        function(data, ax=ax, **kwargs)
        return _drawn(ax)
    finally:
        plt.close(fig)


def _check(function, result, table, tmp_path, **kwargs):
    """The result, its table and the table read back draw the same."""
    from_table = _draw(function, table, **kwargs)
    _same(_draw(function, result, **kwargs), from_table)
    _same(_draw(function, _roundtrip(table, tmp_path), **kwargs), from_table)
    return from_table


def test_reach_curve_roundtrip(pop_spread, tmp_path):
    drawn = _check(plot.plot_reach, pop_spread, pop_spread.reach_curve(), tmp_path)
    curve = pop_spread.reach_curve()
    np.testing.assert_allclose(drawn["lines"][0][:, 1], curve["people_mean"])
    # the curve is the cumulative held_mean of by_hop
    np.testing.assert_allclose(
        curve["people_mean"], pop_spread.by_hop()["cumulative_mean"]
    )


def test_reach_overlay_roundtrip(pop, pop_spread, tmp_path):
    other = spread(referral.interventions.scale_activity(pop, 0.5), trials=40, seed=1)
    results = {"today": pop_spread, "half": other}
    tables = {k: v.reach_curve() for k, v in results.items()}
    read = {k: _roundtrip(v, tmp_path, k) for k, v in tables.items()}
    _same(_draw(plot.plot_reach, results), _draw(plot.plot_reach, read))


@pytest.mark.parametrize("share", [False, True])
def test_dropoff_roundtrip_spread_offers_search(
    pop_spread, pop_search, tmp_path, share
):
    _check(plot.plot_dropoff, pop_spread, dropoff(pop_spread), tmp_path, share=share)
    offers = tie_offers(pop_spread)
    _same(
        _draw(plot.plot_dropoff, offers, share=share),
        _draw(plot.plot_dropoff, _roundtrip(offers, tmp_path), share=share),
    )
    drawn = _check(
        plot.plot_dropoff, pop_search, dropoff(pop_search), tmp_path, share=share
    )
    steps = dropoff(pop_search)
    lost = steps["lost_total"].sum()
    if lost:
        share_text = f"{steps['lost_did_not_act'].sum() / lost:.0%}"
        assert share_text in drawn["labels"][0]


def test_attrition_roundtrip(pop, pop_search, tmp_path):
    _check(plot.plot_attrition, pop_search, pop_search.by_step(), tmp_path)
    other = search(pop, policy="random", trials=5, seed=1)
    results = {"greedy": pop_search, "random": other}
    read = {k: _roundtrip(v.by_step(), tmp_path, k) for k, v in results.items()}
    _same(
        _draw(plot.plot_attrition, results, log=False),
        _draw(plot.plot_attrition, read, log=False),
    )


def test_chain_lengths_roundtrip(tmp_path):
    net = referral.from_networkx(nx.path_graph(6), strength=1.0, activity=1.0)
    res = search(net, starts=[0, 3], targets=[5], attrition=0.5, trials=200, seed=2)
    table = res.corrected_lengths()
    drawn = _check(plot.plot_chain_lengths, res, table, tmp_path)
    median = table["corrected_median"].iloc[0]
    assert f"corrected median: {median:g}" in drawn["legend"]
    assert f"r = {table['attrition_rate'].iloc[0]:.2f}" in " ".join(drawn["legend"])
    with pytest.raises(ValueError, match="'rate' parameter of plot_chain_lengths"):
        plot.plot_chain_lengths(table, rate=0.3)


def test_threshold_roundtrip(tmp_path):
    G = nx.random_regular_graph(3, 200, seed=1)
    net = referral.from_networkx(
        G, strength=1.0, activity=0.3, recruiters=[0], candidates=range(100, 200)
    )
    cost = other_people_cost(net, multipliers=[0.5, 1, 2, 3], trials=40, seed=1)
    tables = cost.tables()
    read = {k: _roundtrip(v, tmp_path, k) for k, v in tables.items()}
    _same(_draw(plot.plot_threshold, cost), _draw(plot.plot_threshold, tables))
    _same(_draw(plot.plot_threshold, tables), _draw(plot.plot_threshold, read))
    with pytest.raises(TypeError, match="plot_threshold expects an OtherPeopleCost"):
        plot.plot_threshold(tables["cost_curve"])


def test_gatekeepers_weak_ties_compare_roundtrip(pop, pop_spread, tmp_path):
    keepers = gatekeepers(pop, pop_spread, top=5, trials=40, seed=1)
    _same(
        _draw(plot.plot_gatekeepers, keepers),
        _draw(plot.plot_gatekeepers, _roundtrip(keepers, tmp_path)),
    )
    weak = weak_tie_share(pop_spread)
    drawn = _check(plot.plot_weak_ties, pop_spread, weak, tmp_path)
    assert drawn["labels"][1] == "hop at which the candidate was reached"
    table = compare(
        {"today": pop, "bonus": referral.interventions.referral_bonus(pop, 0.2)},
        trials=40,
        seed=1,
    )
    for diff in (False, True):
        _same(
            _draw(plot.plot_compare, table, diff=diff),
            _draw(plot.plot_compare, _roundtrip(table, tmp_path), diff=diff),
        )


def test_plots_reject_what_is_not_a_table():
    with pytest.raises(TypeError, match="plot_attrition expects a DataFrame"):
        plot.plot_attrition([1, 2])
    with pytest.raises(
        ValueError,
        match=r"plot_attrition needs a table with columns .*; the table lacks the "
        r"column\(s\) \['alive'\]; the available columns are \['step', 'completed'\]",
    ):
        plot.plot_attrition(pd.DataFrame({"step": [0], "completed": [0]}))
    with pytest.raises(TypeError, match="plot_chain_lengths draws one"):
        plot.plot_chain_lengths({"a": pd.DataFrame()})


def test_plot_module_imports_no_private_names():
    import ast
    import importlib
    import inspect
    import pkgutil

    # every room of the plot package, not only its facade
    modules = [plot] + [
        importlib.import_module(f"referral.plot.{info.name}")
        for info in pkgutil.iter_modules(plot.__path__)
    ]
    assert len(modules) > 1
    private = [
        (node.module, alias.name)
        for module in modules
        for node in ast.walk(ast.parse(inspect.getsource(module)))
        if isinstance(node, ast.ImportFrom) and node.module.startswith("referral")
        for alias in node.names
        if alias.name.startswith("_") or "._" in node.module
    ]
    # the statistics, parameter-rule and argument-check (the one table checker,
    # the warnings' stack level) modules are the library's shared homes, and
    # the plot package's own rooms are its own; the renamed-columns module reads
    # tables saved with last release's column names (one release, FutureWarning)
    shared = {
        "referral._core.renamed",
        "referral._core.stats",
        "referral._core.params",
        "referral._core.validation",
    }
    own = [p for p in private if p[0].startswith("referral.plot._")]
    assert own and all(not name.startswith("_") for _, name in own)
    assert [p for p in private if p[0] not in shared and p not in own] == []
