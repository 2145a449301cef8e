"""Tests for referral.plot: they inspect the artists, not pixels, and render
each chart to a PNG to check it draws."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from referral import from_networkx  # noqa: E402
from referral.network._populations import community_population  # noqa: E402
from referral.plot import (  # noqa: E402
    __all__ as plot_all,
)
from referral.plot import (  # noqa: E402
    plot_attrition,
    plot_chain_lengths,
    plot_compare,
    plot_dropoff,
    plot_gatekeepers,
    plot_network,
    plot_reach,
    plot_threshold,
    plot_weak_ties,
)
from referral.simulate._search import search  # noqa: E402
from referral.simulate._spread import spread  # noqa: E402

analysis = pytest.importorskip("referral.analysis")


@pytest.fixture(scope="module")
def tree_net():
    return from_networkx(
        nx.balanced_tree(2, 3),
        strength=1.0,
        activity=1.0,
        recruiters=[0],
        candidates=range(7, 15),
    )


@pytest.fixture(scope="module")
def pop():
    return community_population(300, seed=3)


@pytest.fixture(scope="module")
def pop_spread(pop):
    return spread(pop, trials=60, seed=1)


@pytest.fixture(scope="module")
def pop_search(pop):
    return search(pop, trials=5, seed=1)


def _render(ax, tmp_path, name):
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path, dpi=50)
    assert path.stat().st_size > 1000
    return path


def _legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_all_is_complete():
    import referral.plot as module

    for name in plot_all:
        assert hasattr(module, name)
    assert {n for n in dir(module) if n.startswith("plot_")} <= set(plot_all)


def test_plot_reach_single(tree_net, tmp_path):
    fig, ax = plt.subplots()
    out = plot_reach(spread(tree_net, trials=10, seed=1), ax=ax)
    assert out is ax
    people, candidates = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(people.get_ydata(), [1, 3, 7, 15])
    np.testing.assert_allclose(candidates.get_ydata(), [0, 0, 0, 8])
    assert candidates.get_linestyle() == "--"
    assert _legend_texts(ax) == ["people reached", "candidates reached"]
    assert ax.get_xlabel() == "hop from the recruiter"
    assert ax.get_title() == "How far the opening travels"
    assert len(ax.collections) == 2  # two bands
    _render(ax, tmp_path, "reach")


def test_plot_reach_overlay_and_kwargs(pop, pop_spread, tmp_path):
    quiet = spread(pop.replace(activity=pop.activity * 0.5), trials=60, seed=1)
    fig, ax = plt.subplots()
    plot_reach(
        {"today": pop_spread, "half as active": quiet},
        candidates=False,
        ax=ax,
        linewidth=3,
    )
    assert _legend_texts(ax) == [
        "today: people reached",
        "half as active: people reached",
    ]
    assert all(line.get_linewidth() == 3 for line in ax.lines)
    assert ax.lines[0].get_color() != ax.lines[1].get_color()
    # the band contains the mean
    mean = np.cumsum(pop_spread.trial_hop, axis=1).mean(axis=0)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), mean)
    _render(ax, tmp_path, "reach_overlay")


def test_plot_reach_keeps_title_and_uses_gca(tree_net):
    fig, ax = plt.subplots()
    ax.set_title("mine")
    assert plot_reach(spread(tree_net, trials=3, seed=1)) is ax
    assert ax.get_title() == "mine"


def test_plot_reach_rejects_bad_input(tree_net):
    with pytest.raises(TypeError, match="SpreadResult"):
        plot_reach(search(tree_net, starts=[7], targets=[0], seed=1))
    with pytest.raises(ValueError, match="level"):
        plot_reach(spread(tree_net, trials=3, seed=1), level=1.5)
    with pytest.raises(ValueError, match="at least one"):
        plot_reach({})


def test_plot_dropoff_spread_counts_people(pop_spread, tmp_path):
    fig, ax = plt.subplots()
    plot_dropoff(pop_spread, ax=ax)
    table = analysis.dropoff(pop_spread)
    texts = _legend_texts(ax)
    assert texts[:2] == ["passed it on", "did not pass it on"]
    blue, red, hatched = ax.containers[:3]
    np.testing.assert_allclose([p.get_height() for p in blue], table["passed_on"])
    np.testing.assert_allclose([p.get_height() for p in red], table["did_not_pass_on"])
    assert red[0].get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb("#d62728")
    )
    # blue + red is the people who held it; the hatched segment sits on top
    # and is the paired everyone-acts excess where it is positive
    np.testing.assert_allclose([p.get_y() for p in hatched], table["held"], rtol=1e-9)
    np.testing.assert_allclose(
        [p.get_height() for p in hatched], np.maximum(table["cost"], 0)
    )
    assert ax.get_ylabel() == "people holding the opening (mean per opening)"
    assert "in people" in ax.get_title()
    # a people count, not tie-offers: never more than the network per hop
    assert max(p.get_y() + p.get_height() for p in hatched) <= (
        pop_spread.network.n_people
    )
    _render(ax, tmp_path, "dropoff")


def test_plot_dropoff_share_and_tie_offers(pop_spread, tmp_path):
    fig, ax = plt.subplots()
    plot_dropoff(analysis.dropoff(pop_spread, counterfactual=False), share=True, ax=ax)
    tops = np.sum([[p.get_height() for p in c] for c in ax.containers], axis=0)
    held = analysis.dropoff(pop_spread, counterfactual=False)["held"].to_numpy()
    np.testing.assert_allclose(tops[held > 0], 1.0)
    assert ax.get_ylabel() == "share of the people holding it"
    fig, ax = plt.subplots()
    offers = analysis.tie_offers(pop_spread)
    plot_dropoff(offers, ax=ax)
    texts = _legend_texts(ax)
    assert texts[:2] == ["reached someone new", "holder did not act (all their ties)"]
    tops = np.sum([[p.get_height() for p in c] for c in ax.containers], axis=0)
    np.testing.assert_allclose(tops, offers["offered"], rtol=1e-9)
    assert ax.get_ylabel().startswith("tie-offers")
    _render(ax, tmp_path, "tie_offers")


def test_plot_dropoff_search(pop_search, tmp_path):
    fig, ax = plt.subplots()
    plot_dropoff(pop_search, ax=ax)
    table = analysis.dropoff(pop_search)
    tops = np.sum([[p.get_height() for p in c] for c in ax.containers], axis=0)
    np.testing.assert_allclose(tops, table["held"])
    assert "reached a recruiter" in _legend_texts(ax)
    assert ax.get_ylabel() == "chains alive"
    _render(ax, tmp_path, "dropoff_search")


def test_plot_dropoff_rejects_unknown_table():
    with pytest.raises(ValueError, match="'hop' or 'step'"):
        plot_dropoff(pd.DataFrame({"x": [1]}))


def test_plot_chain_lengths(pop_search, tmp_path):
    from referral.datasets import empirical_chain_lengths

    fig, ax = plt.subplots()
    plot_chain_lengths(pop_search, empirical=True, ax=ax)
    table = pop_search.corrected_lengths()
    raw, corrected = ax.containers
    np.testing.assert_allclose([p.get_height() for p in raw], table["raw_share"])
    np.testing.assert_allclose(
        [p.get_height() for p in corrected], table["corrected_share"]
    )
    texts = _legend_texts(ax)
    assert any(t.startswith("Milgram 1967 (n = 64)") for t in texts)
    assert any(t.startswith("Dodds et al. 2003") for t in texts)
    milgram = [ln for ln in ax.lines if ln.get_label().startswith("Milgram")][0]
    emp = empirical_chain_lengths().query("study == 'milgram1967'")
    np.testing.assert_allclose(milgram.get_xdata(), emp["intermediaries"] + 1)
    assert milgram.get_ydata().sum() == pytest.approx(1.0)
    _render(ax, tmp_path, "chain_lengths")


def test_plot_chain_lengths_rejects_spread(pop_spread):
    with pytest.raises(TypeError, match="SearchResult"):
        plot_chain_lengths(pop_spread)


def test_plot_attrition(pop, pop_search, tmp_path):
    other = search(pop, trials=5, seed=1, policy="random")
    fig, ax = plt.subplots()
    plot_attrition({"greedy": pop_search, "random": other}, ax=ax)
    texts = _legend_texts(ax)
    assert texts == [
        "greedy: alive",
        "greedy: completed so far",
        "random: alive",
        "random: completed so far",
    ]
    alive = pop_search.by_step()["alive"] / pop_search.n_chains
    np.testing.assert_allclose(ax.lines[0].get_ydata(), alive)
    assert ax.get_yscale() == "log"
    _render(ax, tmp_path, "attrition")


def test_plot_attrition_linear(pop_search):
    fig, ax = plt.subplots()
    plot_attrition(pop_search, log=False, completed=False, ax=ax, color="k")
    assert len(ax.lines) == 1
    assert ax.get_yscale() == "linear"
    assert ax.lines[0].get_ydata()[0] == 1.0


@pytest.fixture(scope="module")
def cost():
    G = nx.random_regular_graph(3, 300, seed=1)
    net = from_networkx(
        G, strength=1.0, activity=0.3, recruiters=[0], candidates=range(150, 300)
    )
    return analysis.other_people_cost(
        net, multipliers=[0.5, 1.0, 1.5, 2.0, 2.5, 3.0], trials=60, seed=1
    )


def test_plot_threshold(cost, tmp_path):
    fig, ax = plt.subplots()
    plot_threshold(cost, ax=ax)
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_xdata(), cost.curve["multiplier"])
    np.testing.assert_allclose(curve.get_ydata(), cost.curve["people_reached_estimate"])
    texts = _legend_texts(ax)
    assert any("by formula" in t for t in texts)
    median = [ln for ln in ax.lines if "median" in ln.get_label()][0]
    np.testing.assert_allclose(median.get_ydata(), cost.curve["people_reached_median"])
    assert any("today" in t for t in texts)
    analytic = [ln for ln in ax.lines if "by formula" in ln.get_label()][0]
    assert analytic.get_xdata()[0] == pytest.approx(cost.critical_multiplier_analytic)
    star = [ln for ln in ax.lines if ln.get_label().startswith("today")][0]
    assert star.get_xdata()[0] == 1.0
    _render(ax, tmp_path, "threshold")


def test_plot_threshold_from_saved_tables(cost, tmp_path):
    paths = {}
    for name, frame in cost.tables().items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    fig, ax = plt.subplots()
    plot_threshold({k: pd.read_csv(v) for k, v in paths.items()}, ax=ax)
    np.testing.assert_allclose(
        ax.lines[0].get_ydata(), cost.curve["people_reached_estimate"]
    )


def test_plot_threshold_candidates_log(cost):
    fig, ax = plt.subplots()
    plot_threshold(cost, show_candidates=True, logx=True, ax=ax)
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel().startswith("candidates")


def _bars(ax):
    from matplotlib.container import BarContainer

    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    return bars


def test_plot_gatekeepers(tmp_path):
    G = nx.barbell_graph(5, 0)
    net = from_networkx(
        G, strength=1.0, activity=0.8, recruiters=[4], candidates=range(6, 10)
    )
    table = analysis.gatekeepers(net, top=4, trials=100, seed=1)
    fig, ax = plt.subplots()
    plot_gatekeepers(table, ax=ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [str(p) for p in table["person"]]
    bars = _bars(ax)
    widths = [p.get_width() for p in bars]
    np.testing.assert_allclose(widths, table["estimate"])
    assert ax.yaxis_inverted()
    assert "if this person does not act" in ax.get_xlabel()
    # the broker (5) is alone in the top group: coloured apart, and the legend
    # says it is set apart, not just ranked first
    assert table["top_group_size"].iloc[0] == 1
    colours = [p.get_facecolor() for p in bars]
    assert colours[0] != colours[1] and colours[1] == colours[2] == colours[3]
    assert _legend_texts(ax)[0] == "clear top: set apart from the other 8 compared"
    _render(ax, tmp_path, "gatekeepers")
    fig, ax = plt.subplots()
    plot_gatekeepers(table, top=2, ax=ax)
    assert len(ax.get_yticklabels()) == 2


def test_plot_gatekeepers_shades_a_top_group_instead_of_an_order(tmp_path):
    G = nx.Graph()
    left, right = [f"L{i}" for i in range(5)], [f"R{i}" for i in range(5)]
    G.add_edges_from((a, b) for i, a in enumerate(left) for b in left[i + 1 :])
    G.add_edges_from((a, b) for i, a in enumerate(right) for b in right[i + 1 :])
    for broker in ("B1", "B2"):
        G.add_edges_from((broker, u) for u in left + right)
    net = from_networkx(
        G, strength=0.5, activity=0.6, recruiters=["L1"], candidates=right
    )
    table = analysis.gatekeepers(net, top=6, trials=200, seed=2)
    assert sorted(table.loc[table["in_top_group"], "person"]) == ["B1", "B2"]
    fig, ax = plt.subplots()
    plot_gatekeepers(table, ax=ax)
    texts = _legend_texts(ax)
    assert texts[0] == "top group: the data cannot order these 2"
    assert "below the top group" in texts
    # one shaded band spans exactly the two rows of the top group
    bands = [p for p in ax.patches if p not in list(_bars(ax))]
    assert len(bands) == 1
    corners = (
        bands[0].get_patch_transform().transform(bands[0].get_path().vertices)[:, 1]
    )
    assert corners.min() == pytest.approx(-0.5) and corners.max() == pytest.approx(1.5)
    _render(ax, tmp_path, "gatekeepers_group")
    # when the top group runs past the rows shown, the legend says how many
    fig, ax = plt.subplots()
    plot_gatekeepers(table, top=1, ax=ax)
    assert _legend_texts(ax)[0] == "top group: the data cannot order these 2 (1 shown)"


def test_plot_gatekeepers_empty_table():
    net = from_networkx(nx.path_graph(2), strength=1.0, activity=1.0, recruiters=[0, 1])
    table = analysis.gatekeepers(net, trials=5, seed=1)
    fig, ax = plt.subplots()
    assert plot_gatekeepers(table, ax=ax) is ax
    assert len(_bars(ax)) == 0
    with pytest.raises(TypeError, match="'table' parameter of plot_gatekeepers"):
        plot_gatekeepers("gatekeepers.csv")


def test_plot_gatekeepers_needs_columns():
    with pytest.raises(ValueError, match="estimate"):
        plot_gatekeepers(pd.DataFrame({"person": [1]}))


def test_plot_weak_ties(pop_spread, tmp_path):
    fig, ax = plt.subplots()
    plot_weak_ties(pop_spread, ax=ax)
    table = analysis.weak_tie_share(pop_spread)
    by_hop = table[table["scope"] == "by hop"]
    strong, weak = ax.containers
    np.testing.assert_allclose([p.get_height() for p in weak], by_hop["via_weak"])
    np.testing.assert_allclose(
        [p.get_height() + q.get_height() for p, q in zip(strong, weak, strict=True)],
        by_hop["chains"],
    )
    assert _legend_texts(ax) == ["strong ties only", "used a weak tie"]
    assert ax.get_xlabel() == "hop at which the candidate was reached"
    assert "used one" in ax.get_title()
    _render(ax, tmp_path, "weak_ties")


def test_plot_weak_ties_search(pop_search):
    fig, ax = plt.subplots()
    plot_weak_ties(pop_search, ax=ax)
    assert ax.get_xlabel() == "chain length (ties traversed)"


def test_plot_compare(pop, tmp_path):
    from referral.interventions import referral_bonus

    table = analysis.compare(
        {"today": pop, "bonus": referral_bonus(pop, 0.2)}, trials=60, seed=1
    )
    fig, ax = plt.subplots()
    plot_compare(table, ax=ax)
    rows = table[table["measure"] == "people_reached"]
    np.testing.assert_allclose([p.get_height() for p in ax.patches], rows["estimate"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["today", "bonus"]
    assert "people reached" in ax.get_ylabel()
    _render(ax, tmp_path, "compare")
    fig, ax = plt.subplots()
    plot_compare(table, measure="candidates_reached", diff=True, ax=ax)
    rows = table[table["measure"] == "candidates_reached"]
    np.testing.assert_allclose([p.get_height() for p in ax.patches], rows["diff"])
    assert ax.get_ylabel().startswith("change in candidates reached vs today")
    with pytest.raises(ValueError, match="measure"):
        plot_compare(table, measure="nope")


def test_plot_network_small(tree_net, tmp_path):
    result = spread(tree_net, trials=5, seed=1)
    fig, ax = plt.subplots()
    plot_network(tree_net, result, ax=ax)
    strong, weak, chains, people = ax.collections
    assert len(people.get_offsets()) == tree_net.n_people
    assert len(strong.get_segments()) == tree_net.n_ties
    assert len(weak.get_segments()) == 0
    assert len(chains.get_segments()) == 14  # trial 0 reaches everyone
    colors = people.get_facecolors()
    assert tuple(colors[0][:3]) == pytest.approx(matplotlib.colors.to_rgb("#d62728"))
    texts = _legend_texts(ax)
    assert texts[:3] == ["recruiter", "candidate", "other"]
    assert "weak tie" in texts and "one trial's chains" in texts
    _render(ax, tmp_path, "network_small")


def test_plot_network_large_restricts(pop, pop_spread, tmp_path):
    fig, ax = plt.subplots()
    plot_network(pop, pop_spread, max_people=40, radius=2, ax=ax)
    strong, weak, chains, people = ax.collections
    assert len(people.get_offsets()) <= 40
    assert len(weak.get_segments()) > 0
    assert "of 300 people" in ax.get_xlabel()
    assert ax.get_title() == "A neighbourhood of the network"
    _render(ax, tmp_path, "network_large")


def test_plot_network_search_and_errors(pop, pop_search):
    fig, ax = plt.subplots()
    plot_network(pop, pop_search, ax=ax)
    assert "one search chain" in _legend_texts(ax)
    with pytest.raises(TypeError, match="ReferralNetwork"):
        plot_network(nx.path_graph(3))
    with pytest.raises(ValueError, match="layout"):
        plot_network(pop, layout="nope")
    with pytest.raises(nx.NodeNotFound):
        plot_network(pop, centre=["nobody"])


def test_no_figure_created_or_shown(tree_net, monkeypatch):
    calls = []
    fig, ax = plt.subplots()
    monkeypatch.setattr(plt, "show", lambda *a, **k: calls.append("show"))
    monkeypatch.setattr(plt, "figure", lambda *a, **k: calls.append("figure"))
    monkeypatch.setattr(plt, "savefig", lambda *a, **k: calls.append("savefig"))
    result = spread(tree_net, trials=3, seed=1)
    plot_reach(result, ax=ax)
    plot_dropoff(result, ax=ax)
    plot_network(tree_net, result, ax=ax)
    assert calls == []
    assert len(plt.get_fignums()) == 1


# ------------------------------------------------------------- ambassadors
def _ambassador_table():
    import networkx as nx

    from referral.network import from_networkx
    from referral.whom_to_ask._ambassadors import ambassadors

    edges = [("hub", f"x{i}") for i in range(6)]
    edges += [("broker", f"t{i}") for i in range(3)] + [("hub", "broker")]
    edges += [("c", "t3"), ("c", "t4")]
    net = from_networkx(
        nx.Graph(edges),
        strength=1.0,
        activity=0.0,
        candidates=[f"t{i}" for i in range(5)],
    )
    return ambassadors(net, 3, seed=1, check_trials=50)


def test_plot_ambassadors_draws_the_table():
    import matplotlib.pyplot as plt

    from referral.plot import plot_ambassadors

    table = _ambassador_table()
    fig, ax = plt.subplots()
    assert plot_ambassadors(table, ax=ax) is ax
    chosen, degree = ax.lines[0], ax.lines[1]
    assert chosen.get_xydata().tolist() == [
        [float(r), float(v)]
        for r, v in zip(table["rank"], table["reach_estimate"], strict=True)
    ]
    assert degree.get_ydata().tolist() == table["degree_reach_estimate"].tolist()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "people chosen (IMM)",
        "highest-degree people",
        "forward spread check",
        "added by this person",
    ]
    twin = [a for a in fig.axes if a is not ax][0]
    heights = [bar.get_height() for bar in twin.patches]
    assert heights == pytest.approx(table["gain_estimate"].tolist())
    assert ax.get_xlabel() == "number of people asked"
    plt.close(fig)


def test_plot_ambassadors_cuts_a_dwarfing_first_gain_and_shows_one_point():
    import matplotlib.pyplot as plt

    from referral.plot import plot_ambassadors

    # an edited estimate without its interval: the plot rebuilds it
    table = _ambassador_table().drop(columns=["gain_ci_low", "gain_ci_high"])
    table["gain_estimate"] = [100.0] + [2.0] * (len(table) - 1)
    fig, ax = plt.subplots()
    plot_ambassadors(table, ax=ax)
    twin = [a for a in fig.axes if a is not ax][0]
    assert twin.get_ylim()[1] == pytest.approx(1.6 * 2.0 * 1.05)
    assert [t.get_text() for t in twin.texts] == ["100 (cut)"]
    plt.close(fig)
    # one person: error bars, since a band of one point does not show
    fig, ax = plt.subplots()
    plot_ambassadors(table.iloc[:1], ax=ax)
    assert len(ax.containers) >= 2  # the chosen and the highest-degree bars
    chosen = ax.containers[0]
    low, high = chosen.lines[2][0].get_segments()[0][:, 1]
    z = 1.959963984540054
    row = table.iloc[0]
    assert (low, high) == pytest.approx(
        (
            row["reach_estimate"] - z * row["reach_se"],
            row["reach_estimate"] + z * row["reach_se"],
        )
    )
    plt.close(fig)


def test_plot_ambassadors_without_gains_and_bad_table():
    import matplotlib.pyplot as plt
    import pandas as pd

    from referral.plot import plot_ambassadors

    table = _ambassador_table()
    fig, ax = plt.subplots()
    plot_ambassadors(table, gains=False, ax=ax)
    assert len(fig.axes) == 1
    plt.close(fig)
    with pytest.raises(
        ValueError,
        match="plot_ambassadors needs a table from "
        r"referral.ambassadors with columns .*\['reach_se'",
    ):
        plot_ambassadors(pd.DataFrame({"rank": [1], "reach_estimate": [1.0]}))
