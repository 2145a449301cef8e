"""One result shape: spread and search summaries share columns and ``level``."""

import networkx as nx
import numpy as np
import pytest

import referral
from referral._core.stats import SUMMARY_COLUMNS, z_for
from referral.simulate._search import search
from referral.simulate._spread import spread


@pytest.fixture(scope="module")
def net():
    return referral.from_networkx(
        nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=3),
        strength=0.6,
        activity=0.7,
        recruiters=[0],
        candidates=range(30, 60),
    )


def test_spread_and_search_summaries_have_the_same_columns(net):
    a = spread(net, trials=50, seed=1).summary()
    b = search(net, starts=[0], targets=[30], trials=40, seed=1).summary()
    assert list(a.columns) == list(b.columns) == SUMMARY_COLUMNS
    assert (a["n"] == 50).all() and a["n"].dtype == np.int64


@pytest.mark.parametrize("level", [0.5, 0.8, 0.99])
def test_spread_summary_level_scales_the_interval(net, level):
    result = spread(net, trials=80, seed=2)
    wide = result.summary().set_index("measure")
    other = result.summary(level=level).set_index("measure")
    np.testing.assert_array_equal(other["estimate"], wide["estimate"])
    np.testing.assert_array_equal(other["se"], wide["se"])
    half = other["ci_high"] - other["estimate"]
    np.testing.assert_allclose(half, z_for(level) * other["se"])
    assert (half <= wide["ci_high"] - wide["estimate"] + 1e-12).all() == (level < 0.95)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, "high", True])
def test_spread_summary_rejects_a_bad_level(net, level):
    result = spread(net, trials=5, seed=1)
    with pytest.raises(ValueError, match="'level' parameter of SpreadResult.summary"):
        result.summary(level=level)


def test_search_trials_is_n_trials_with_a_future_warning(net):
    result = search(net, starts=[0, 1], targets=[30], trials=7, seed=1)
    assert result.n_trials == 7
    with pytest.warns(FutureWarning, match="SearchResult.n_trials"):
        assert result.trials == 7
    assert spread(net, trials=6, seed=1).n_trials == 6


def test_sweep_names_estimate_columns_for_spread_and_tables_for_search(net, tmp_path):
    from referral.sweep._sweep import _result_frame, _summary_row

    row = _summary_row(spread(net, trials=30, seed=1))
    # the summary's own names after the measure, as for a search (issue 21)
    assert "people_reached_estimate" in row and "people_reached_mean" not in row
    assert not any(key.endswith("_mean") or key.endswith("_n") for key in row)
    res = search(net, starts=[0], targets=[30], trials=5, seed=1)
    # per-trial rows of a search are its chains (the old int 'trials' broke this)
    frame = _result_frame(res, per_trial=True)
    assert len(frame) == res.n_chains


def test_sentences_name_the_level_the_summary_records():
    from referral.network import from_networkx
    from referral.wording import fmt_number, reach_sentence, search_sentence

    net = from_networkx(
        nx.balanced_tree(2, 4),
        strength=0.5,
        activity=0.8,
        recruiters=[0],
        candidates=range(15, 31),
    )
    result = referral.spread(net, trials=300, seed=1)
    at_90 = result.summary(level=0.9)
    assert (at_90["level"] == 0.9).all()
    text = reach_sentence(at_90)
    assert "90% CI" in text and "95% CI" not in text
    low = at_90.set_index("measure").loc["people_reached", "ci_low"]
    assert f"(90% CI {fmt_number(low)} to " in text
    assert "95% CI" in reach_sentence(result.summary())
    # a table saved before the column existed was at the default level
    assert "95% CI" in reach_sentence(result.summary().drop(columns="level"))
    chains = referral.search(net, starts=[15], targets=[0], trials=50, seed=1)
    words = search_sentence(chains.summary(level=0.8))
    assert "80% CI" in words and "95% CI" not in words


def test_library_warnings_point_at_the_callers_line():
    # the declared-rule decorator adds a frame; the warning must still name
    # the user's own file, not the library's wrapper
    import warnings

    import networkx as nx

    from referral.network import from_networkx

    net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0, recruiters=[0])
    result = referral.spread(net, trials=5, seed=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result.summary()
    assert [w.filename for w in caught] == [__file__]
    G = nx.path_graph(3)
    G.add_edge(1, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from_networkx(G, strength=1.0, activity=1.0)
    assert [w.filename for w in caught] == [__file__]
