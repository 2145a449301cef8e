"""Notebook display: ``_repr_html_`` shows the numbers of the summary tables."""

import html
import json
import re

import nbformat
import networkx as nx
import numpy as np
import pytest
from nbclient import NotebookClient

import referral
from referral._core.html import fmt, interval


def _cells(markup):
    """The text of every table cell, unescaped."""
    return [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", markup)]


NETWORKS = {
    "path": lambda: referral.from_networkx(
        nx.path_graph(4),
        strength=1.0,
        activity=1.0,
        recruiters=[0],
        candidates=[3],
    ),
    "regular": lambda: referral.from_networkx(
        nx.random_regular_graph(3, 300, seed=2),
        strength=0.8,
        activity=0.45,
        recruiters=[0],
        candidates=range(100, 160),
    ),
    "directed-communities": lambda: referral.network._populations.community_population(
        400, seed=3
    ),
}


@pytest.mark.parametrize("shape", sorted(NETWORKS))
def test_network_html_shows_its_summary(shape):
    net = NETWORKS[shape]()
    cells = _cells(net._repr_html_())
    for name, value in net.summary().items():
        i = cells.index(name)
        assert cells[i + 1] == fmt(value), name
    assert "referral.spread(net" in net._repr_html_()


@pytest.mark.parametrize("shape", sorted(NETWORKS))
def test_spread_html_shows_summary_numbers_and_intervals(shape):
    result = referral.spread(NETWORKS[shape](), trials=40, seed=1)
    markup = result._repr_html_()
    cells = _cells(markup)
    table = result.summary()
    for row in table.itertuples(index=False):
        i = cells.index(row.measure)
        assert cells[i + 1 : i + 4] == [
            fmt(row.estimate),
            fmt(row.se),
            interval(row.ci_low, row.ci_high),
        ]
    assert f"{result.n_trials:,} trials" in markup
    assert "referral.dropoff(result)" in markup


def test_spread_html_on_a_sure_path_shows_exact_numbers():
    # Everyone acts and every tie carries: all 4 people, 1 candidate, depth 3.
    result = referral.spread(NETWORKS["path"](), trials=5, seed=1)
    cells = _cells(result._repr_html_())
    assert cells[:4] == ["people_reached", "4", "0", "4 – 4"]
    assert cells[cells.index("depth") + 1] == "3"


@pytest.mark.parametrize("shape", ["path", "regular"])
def test_search_html_shows_summary_numbers(shape):
    net = NETWORKS[shape]()
    result = referral.search(
        net, starts=[net.n_people - 1], targets=[0], trials=30, seed=1
    )
    markup = result._repr_html_()
    cells = _cells(markup)
    for row in result.summary().itertuples(index=False):
        i = cells.index(row.measure)
        assert cells[i + 1 : i + 5] == [
            fmt(row.estimate),
            fmt(row.se),
            interval(row.ci_low, row.ci_high),
            fmt(row.n),
        ]
    assert f"{result.n_chains:,} chains, {result.n_completed:,} completed" in markup


@pytest.mark.parametrize("shape", ["regular", "directed-communities"])
def test_cost_html_shows_table_and_verdict_sentence(shape):
    cost = referral.other_people_cost(NETWORKS[shape](), trials=30, seed=1)
    markup = cost._repr_html_()
    cells = _cells(markup)
    for row in cost.table().itertuples(index=False):
        i = cells.index(row.scenario)
        assert cells[i + 1 : i + 6] == [
            fmt(row.multiplier),
            fmt(row.mean_activity_estimate),
            fmt(row.people_reached_estimate),
            interval(row.people_reached_ci_low, row.people_reached_ci_high),
            fmt(row.candidates_reached_estimate),
        ]
    assert html.escape(cost.sentence()) in markup


def test_fmt_and_interval():
    assert fmt(1234567.0) == "1,234,567"
    assert fmt(0.000123456) == "0.000123"
    assert fmt(2345.678) == "2,345.7"
    assert fmt(np.float64(np.nan)) == "–"
    assert fmt(np.int64(7)) == "7"
    assert fmt(float("inf")) == "∞"
    assert fmt(False) == "no"
    assert interval(np.nan, np.nan) == "–"
    assert interval(0.25, 0.5) == "0.25 – 0.5"


def test_html_escapes_text():
    from referral._core.html import result_html

    out = result_html(
        "<T>", [("a<b", 1.0)], header=["x&y", "v"], sentence="1 < 2 & 3 > 2"
    )
    assert "<T>" not in out and "&lt;T&gt;" in out
    assert "a&lt;b" in out and "x&amp;y" in out
    assert "1 &lt; 2 &amp; 3 &gt; 2" in out


def test_progress_bar_is_a_widget_in_a_notebook():
    # progress=True uses tqdm.auto: in a Jupyter kernel (with ipywidgets) it is
    # a widget, not text on stderr.
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import networkx as nx, referral\n"
            "net = referral.from_networkx(nx.path_graph(5), strength=1.0,"
            " activity=0.5, recruiters=[0])\n"
            "r = referral.spread(net, trials=20, seed=1, progress=True)\n"
            "r"
        )
    )
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    kinds = [o.get("data", {}).keys() for o in outputs if o.output_type != "stream"]
    widgets = [k for k in kinds if "application/vnd.jupyter.widget-view+json" in k]
    assert widgets, json.dumps(outputs, default=str)[:2000]
    assert not [
        o for o in outputs if o.output_type == "stream" and "it/s" in o.get("text", "")
    ]
    # the result displays itself as HTML
    assert any("text/html" in k for k in kinds)
