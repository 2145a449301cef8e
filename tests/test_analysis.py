import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral import from_networkx
from referral.analysis import (
    compare,
    dropoff,
    gatekeepers,
    other_people_cost,
    tie_offers,
    weak_tie_share,
)
from referral.interventions import boost_activity, referral_bonus, remove_people
from referral.network._populations import community_population
from referral.simulate._search import search
from referral.simulate._spread import spread


def broker_network(broker_activity=0.8):
    """Two cliques joined only through person "broker", who knows everyone
    in both (so the broker is the only cut vertex)."""
    G = nx.Graph()
    left = [f"L{i}" for i in range(6)]
    right = [f"R{i}" for i in range(6)]
    G.add_edges_from((a, b) for i, a in enumerate(left) for b in left[i + 1 :])
    G.add_edges_from((a, b) for i, a in enumerate(right) for b in right[i + 1 :])
    G.add_edges_from(("broker", u) for u in left + right)
    activity = {u: 0.7 for u in G}
    activity["broker"] = broker_activity
    return from_networkx(
        G, strength=0.9, activity=activity, recruiters=["L1"], candidates=right
    )


def test_broker_ranks_first_by_both_measures():
    net = broker_network()
    table = gatekeepers(net, top=5, trials=400, seed=3)
    assert table["person"].iloc[0] == "broker"
    assert table["chain_rank"].iloc[0] == 1
    assert table["ci_low"].iloc[0] > table["ci_high"].iloc[1]
    assert list(table["rank"]) == [1, 2, 3, 4, 5]
    # only R-side reach goes through the broker: loss == reach of candidates
    base = spread(net, trials=400, seed=3).trials()["candidates_reached"].mean()
    assert table["estimate"].iloc[0] == pytest.approx(base)
    assert (table["measure"] == "candidates_reached").all()


def test_reach_beyond_broker_is_linear_in_its_activity():
    levels = [0.0, 0.25, 0.5, 0.75, 1.0]
    means, ses = [], []
    for a in levels:
        trials = spread(broker_network(a), trials=3000, seed=5).trials()
        beyond = trials["candidates_reached"].to_numpy(float)
        means.append(beyond.mean())
        ses.append(beyond.std(ddof=1) / np.sqrt(len(beyond)))
    assert means[0] == 0.0
    slope = means[-1]
    for a, mean, se in zip(levels, means, ses, strict=True):
        # E[beyond | a] = a * E[beyond | a = 1] (the broker's draw is independent)
        assert abs(mean - a * slope) < 4 * (se + a * ses[-1]) + 1e-12


def test_weak_tie_share_cross_community_is_one_when_bridges_are_weak():
    net = community_population(3000, n_communities=10, strong_outside=0.0, seed=2)
    c = net.community
    cross = c[net.tie_sources] != c[net.indices]
    assert net.weak[cross].all()
    result = spread(net, trials=100, seed=1)
    table = weak_tie_share(result)
    row = table[table.scope == "cross-community"].iloc[0]
    assert row["chains"] > 0 and row["estimate"] == 1.0
    overall = table[table.scope == "overall"].iloc[0]
    assert 0 < overall["estimate"] < 1
    hops = table[table.scope == "by hop"]
    assert (hops["hop"].diff().dropna() > 0).all()
    # per-hop counts add up to the overall ones
    assert hops["chains"].sum() == pytest.approx(overall["chains"])
    assert hops["via_weak"].sum() == pytest.approx(overall["via_weak"])


def test_weak_tie_share_search():
    net = community_population(2000, n_communities=10, strong_outside=0.0, seed=4)
    result = search(net, trials=2, attrition=0.1, seed=1)
    table = weak_tie_share(result)
    cross = table[table.scope == "cross-community"].iloc[0]
    assert cross["estimate"] == 1.0
    done = (result.chains()["outcome"] == "completed").sum()
    assert table[table.scope == "overall"]["chains"].iloc[0] == done


def test_everyone_acting_equals_boosting_everyone():
    net = community_population(2000, seed=7)
    cost = other_people_cost(net, trials=100, seed=9)
    boosted = boost_activity(net, net.labels, to=1.0)
    reached = spread(boosted, trials=100, seed=9, record="reach").trials()["reached"]
    assert cost.everyone_acts["people_reached_estimate"] == reached.mean()
    assert cost.as_is["people_reached_estimate"] < reached.mean()
    assert cost.as_is["multiplier"] == 1.0


def test_threshold_analytic_and_simulated_agree_on_regular_graph():
    G = nx.random_regular_graph(3, 20_000, seed=1)
    activity = 0.4
    net = from_networkx(G, strength=1.0, activity=activity, recruiters=range(20))
    cost = other_people_cost(
        net, trials=100, seed=2, multipliers=np.linspace(0.5, 2.5, 11)
    )
    assert cost.critical_multiplier_analytic == pytest.approx(1 / (2 * activity))
    assert cost.critical_multiplier_simulated == pytest.approx(1.25, rel=0.1)
    assert "die out" in cost.sentence()
    table = cost.table()
    assert list(table["scenario"]) == [
        "as_is",
        "everyone_acts",
        "critical_analytic",
        "critical_simulated",
    ]
    curve = cost.curve
    assert curve["multiplier"].is_monotonic_increasing
    assert (
        curve["people_reached_estimate"].iloc[-1]
        > 10 * curve["people_reached_estimate"].iloc[0]
    )


def test_take_off_sentence():
    net = community_population(2000, seed=1)
    net = net.replace(activity=np.full(net.n_people, 0.9))
    cost = other_people_cost(net, trials=20, seed=1)
    assert cost.critical_multiplier_analytic < 1
    assert cost.sentence().startswith("Openings take off")


def test_compare_against_itself_is_exactly_zero():
    net = community_population(1500, seed=3)
    table = compare({"a": net, "same": net}, trials=100, seed=4)
    same = table[table.scenario == "same"]
    assert (same["diff"] == 0).all() and (same["diff_se"] == 0).all()
    a = table[table.scenario == "a"].set_index("measure")["estimate"]
    b = same.set_index("measure")["estimate"]
    pd.testing.assert_series_equal(a, b)


def test_compare_bonus_helps_and_is_reproducible():
    net = community_population(1500, seed=3)
    scenarios = {"today": net, "bonus": referral_bonus(net, 0.2)}
    one = compare(scenarios, trials=100, seed=4)
    two = compare(scenarios, trials=100, seed=4, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    row = one.query("scenario == 'bonus' and measure == 'people_reached'").iloc[0]
    assert row["diff_ci_low"] > 0
    # paired interval is narrower than the unpaired one
    assert row["diff_se"] < np.hypot(row["se"], one.iloc[0]["se"])


def test_compare_search():
    net = community_population(1500, seed=3)
    table = compare(
        {"a": net, "b": remove_people(net, [0])},
        search,
        trials=1,
        seed=2,
        starts=net.labels[net.candidates][:50],
        targets=net.labels[net.recruiters],
    )
    assert set(table["measure"]) == {"completion_rate", "completed_via_weak_tie"}


def test_dropoff_spread_adds_up_and_search_flows():
    net = community_population(2000, seed=5)
    result = spread(net, trials=50, seed=1, max_hops=4)
    offers = tie_offers(result)
    assert np.allclose(offers["offered"], offers["arrived"] + offers["lost_total"])
    assert 0 < offers["lost_did_not_act"].sum() / offers["lost_total"].sum() < 1
    assert offers["lost_hop_limit"].iloc[-1] > 0
    table = dropoff(result)
    assert {"hop", "passed_on"} <= set(table.columns)
    steps = dropoff(search(net, trials=1, seed=1))
    ended = steps["completed"] + steps["lost_total"]
    assert (
        steps["held"].iloc[1:].to_numpy()
        == (steps["held"] - ended).iloc[:-1].to_numpy()
    ).all()
    assert "step" in steps.columns and "hop" not in steps.columns


def test_dropoff_counts_people_and_pairs_the_everyone_acts_run():
    net = community_population(2000, seed=5)
    result = spread(net, trials=200, seed=1)
    table = dropoff(result)
    today = result.trials()["reached"].to_numpy(np.float64)
    # people, not tie-offers: held adds up to the mean reach
    assert table["held"].sum() == pytest.approx(today.mean())
    assert table["reached_so_far"].iloc[-1] == pytest.approx(today.mean())
    np.testing.assert_allclose(
        table["passed_on"] + table["did_not_pass_on"], table["held"]
    )
    # the new people reached at hop h are the holders at hop h + 1
    np.testing.assert_allclose(
        table["newly_reached"].iloc[:-1].to_numpy(), table["held"].iloc[1:].to_numpy()
    )
    # the counterfactual is the everyone-acts spread with the same seed
    everyone = (
        spread(
            net.replace(activity=np.ones(net.n_people)),
            trials=200,
            seed=1,
            record="reach",
        )
        .trials()["reached"]
        .to_numpy(np.float64)
    )
    assert table["everyone_acts_held"].sum() == pytest.approx(everyone.mean())
    total = table.iloc[-1]
    assert total["cost_cumulative"] == pytest.approx(everyone.mean() - today.mean())
    # paired: the interval is the one of the trial-by-trial differences
    diff = everyone - today
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert total["cost_cumulative_se"] == pytest.approx(se)
    assert (diff >= 0).all()  # everyone acting never reaches fewer (same coins)
    assert total["cost_cumulative_ci_low"] > 0
    # the same funnel from the saved by_hop table, without the pairing
    from_table = dropoff(result.by_hop())
    pd.testing.assert_frame_equal(
        from_table, dropoff(result, counterfactual=False), check_like=True
    )
    assert "cost" not in from_table.columns


def test_dropoff_is_reproducible_for_any_n_jobs():
    net = community_population(1500, seed=6)
    one = dropoff(spread(net, trials=60, seed=11), n_jobs=1)
    two = dropoff(spread(net, trials=60, seed=11, n_jobs=2), n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


def test_dropoff_cost_matches_a_closed_form():
    # path 0-1-2, source 0 acts; 1 acts with probability a: 2 is lost with
    # probability 1 - a, and only then
    a, trials = 0.3, 4000
    net = from_networkx(
        nx.path_graph(3), strength=1.0, transmission=1.0, activity=a, recruiters=[0]
    )
    table = dropoff(spread(net, trials=trials, seed=7))
    last = table.iloc[-1]
    expected = 1 - a
    se = np.sqrt(a * (1 - a) / trials)
    assert abs(last["cost_cumulative"] - expected) < 4 * se
    assert last["cost_cumulative_se"] == pytest.approx(se, rel=0.1)
    assert list(table["cost"].round(6)[:2]) == [0.0, 0.0]


# ----------------------------------------------------------------- bad input
def test_bad_inputs():
    net = broker_network()
    with pytest.raises(ValueError, match=r"'multipliers' .* >= 0. Got -0.5"):
        other_people_cost(net, multipliers=[1.0, -0.5], trials=5)
    with pytest.raises(ValueError, match=r"'multipliers' .* at least one value"):
        other_people_cost(net, multipliers=[], trials=5)
    with pytest.raises(TypeError, match=r"'multipliers' .* Got 'a'"):
        other_people_cost(net, multipliers="a", trials=5)
    with pytest.raises(ValueError, match=r"^dropoff needs the per-person"):
        dropoff(spread(net, trials=5, record="reach", seed=1))
    with pytest.raises(ValueError, match=r"^dropoff needs the per-person"):
        dropoff(spread(net, trials=5, record="reach", seed=1).by_hop())
    with pytest.raises(ValueError, match=r"by_hop table .* Got columns \['x'\]"):
        dropoff(pd.DataFrame({"x": [1]}))
    with pytest.raises(TypeError, match="SpreadResult or a by_hop table"):
        tie_offers([1, 2])
    with pytest.raises(ValueError, match="'sizeable_fraction' .* Got 0 instead"):
        other_people_cost(net, sizeable_fraction=0, trials=5)
    with pytest.raises(nx.NodeNotFound, match="'sources'"):
        gatekeepers(net, sources=["nobody"], trials=5)
    with pytest.raises(ValueError, match="'measure' .* Got 'hires'"):
        gatekeepers(net, measure="hires", trials=5, seed=1)
    with pytest.raises(ValueError, match="record='reach'"):
        dropoff(spread(net, trials=5, record="reach", seed=1))
    with pytest.raises(TypeError, match="SpreadResult or a SearchResult"):
        weak_tie_share(pd.DataFrame())
    other = broker_network(0.1)
    with pytest.raises(ValueError, match="run on another network"):
        gatekeepers(net, spread(other, trials=5, seed=1))


def test_compare_mismatched_networks():
    a = broker_network()
    b = community_population(100, seed=1)
    with pytest.raises(ValueError, match=r"scenario 'b' has 100 people against 13"):
        compare({"a": a, "b": b}, trials=5)
    with pytest.raises(ValueError, match="non-empty"):
        compare({}, trials=5)
    with pytest.raises(TypeError, match="'b' is not a ReferralNetwork"):
        compare({"a": a, "b": "network"}, trials=5)
