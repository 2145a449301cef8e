"""Every plot takes its table or result first, as ``data``; the old keyword
names (``table``, ``cost``, ``network``) still work for one release with a
FutureWarning, and draw the same chart."""

from __future__ import annotations

import inspect
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from referral import from_networkx, plot, spread  # noqa: E402
from referral.analysis._compare import compare  # noqa: E402
from referral.analysis._gatekeepers import gatekeepers  # noqa: E402
from referral.analysis._other_people import other_people_cost  # noqa: E402
from referral.analysis._weak_ties import weak_tie_share  # noqa: E402
from referral.interventions import referral_bonus  # noqa: E402
from referral.plot._common import data_first  # noqa: E402
from referral.whom_to_ask._ambassadors import ambassadors  # noqa: E402


@pytest.fixture(scope="module")
def inputs():
    net = from_networkx(
        nx.karate_club_graph(),
        strength=lambda u, v, d: 0.3 if (u + v) % 3 == 0 else 0.8,
        activity=0.4,
        recruiters=[0],
        candidates=[33, 32, 30],
    )
    result = spread(net, trials=60, seed=1)
    return {
        "plot_threshold": (
            "cost",
            other_people_cost(net, multipliers=[0.5, 1.0], trials=20, seed=1),
        ),
        "plot_gatekeepers": (
            "table",
            gatekeepers(net, result, top=3, shortlist=4),
        ),
        "plot_weak_ties": ("table", weak_tie_share(result)),
        "plot_compare": (
            "table",
            compare({"a": net, "b": referral_bonus(net, 0.3)}, trials=30, seed=1),
        ),
        "plot_ambassadors": ("table", ambassadors(net, 2, seed=1, check_trials=50)),
        "plot_network": ("network", net),
    }


def _drawn(ax):
    """What an Axes shows, as plain numbers and strings."""
    out = [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
    out += [line.get_xydata().round(12).tolist() for line in ax.lines]
    out += [np.round(p.get_bbox().bounds, 12).tolist() for p in ax.patches]
    out += [np.asarray(c.get_offsets()).round(12).tolist() for c in ax.collections]
    out += [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        out += [t.get_text() for t in legend.get_texts()]
    return out


def _draw(function, *args, **kwargs):
    fig, ax = plt.subplots()
    try:
        return _drawn(function(*args, ax=ax, **kwargs))
    finally:
        plt.close(fig)


NAMES = [
    "plot_threshold",
    "plot_gatekeepers",
    "plot_weak_ties",
    "plot_compare",
    "plot_ambassadors",
    "plot_network",
]


@pytest.mark.parametrize("name", NAMES)
def test_old_keyword_warns_and_draws_the_same(name, inputs):
    function = getattr(plot, name)
    old, data = inputs[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new spellings do not warn
        positional = _draw(function, data)
        keyword = _draw(function, data=data)
    with pytest.warns(
        FutureWarning,
        match=rf"The '{old}' keyword of {name} is deprecated; use 'data'",
    ):
        legacy = _draw(function, **{old: data})
    assert positional == keyword == legacy
    assert len(positional) > 3  # something was drawn and compared
    with pytest.raises(TypeError, match=rf"{name} got its data twice"):
        function(data, **{old: data})


def test_every_plot_takes_data_first():
    names = [n for n in plot.__all__ if n.startswith("plot_")]
    assert set(NAMES) <= set(names)
    for name in names:
        first = next(iter(inspect.signature(getattr(plot, name)).parameters))
        assert first == "data", name


def test_warning_points_at_the_callers_line(inputs):
    _, table = inputs["plot_compare"]
    fig, ax = plt.subplots()
    with pytest.warns(FutureWarning) as caught:
        plot.plot_compare(table=table, ax=ax)
    plt.close(fig)
    assert caught[0].filename == __file__


def test_decorator_leaves_positional_calls_alone():
    @data_first("frame")
    def plot_x(data, *, ax=None):
        return data, ax

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plot_x(1, ax=2) == (1, 2)
        assert plot_x(data=1) == (1, None)
    with pytest.warns(FutureWarning, match="'frame' keyword of plot_x"):
        assert plot_x(frame=3) == (3, None)
