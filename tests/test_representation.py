"""Representation of groups in a spread's reach, and homophily.

Closed forms. On a fixed network with one source who acts surely, a person
``v`` is reached at hop 1 with probability ``w(s, v)`` and at hop 2 with
probability ``(1 - P1(v)) [1 - prod_u (1 - w(s, u) f_u w(u, v))]`` over the
source's contacts ``u``: the ties' and the people's coins are independent. So
each group's expected share of the people reached at hops 1 and 2 is exact
(:func:`exact_hops`). Over the two-block stochastic block model's ensemble
(ties within a block with probability ``p_in``, across with ``p_out``, all
transmission ``w``, activity ``f``) the same expectations follow from the
mixing matrix alone (:func:`sbm_closed_form`).

Coverage uses the binomial acceptance band of ``tests/test_coverage.py``.
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

import referral
from referral import from_networkx, spread
from referral.analysis._representation import homophily, representation

N_A, N_B, P_IN, P_OUT, W, F = 40, 20, 0.2, 0.05, 0.5, 0.6


def band(r, coverage=0.95, tail=0.01):
    return int(binom.ppf(tail / 2, r, coverage)), int(binom.isf(tail / 2, r, coverage))


def exact_hops(net, s):
    """Exact probability that each person is reached at hop 1 and at hop 2."""
    n = net.n_people
    indptr, ind, w, f = net.indptr, net.indices, net.transmission, net.activity
    p1 = np.zeros(n)
    for e in range(indptr[s], indptr[s + 1]):
        p1[ind[e]] = w[e]
    none2 = np.ones(n)
    for e in range(indptr[s], indptr[s + 1]):
        u = ind[e]
        for e2 in range(indptr[u], indptr[u + 1]):
            v = ind[e2]
            if v != s:
                none2[v] *= 1 - w[e] * f[u] * w[e2]
    p2 = (1 - p1) * (1 - none2)
    p1[s] = p2[s] = 0.0
    return p1, p2


def sbm_closed_form(n_a=N_A, n_b=N_B, p_in=P_IN, p_out=P_OUT, w=W, f=F):
    """Expected people reached in blocks A and B at hops 1, 2 (source in A)."""
    q = f * w * w
    p1_a, p1_b = p_in * w, p_out * w
    p2_a = (1 - p1_a) * (1 - (1 - p_in**2 * q) ** (n_a - 2) * (1 - p_out**2 * q) ** n_b)
    p2_b = (1 - p1_b) * (1 - (1 - p_in * p_out * q) ** (n_a - 1 + n_b - 1))
    return {
        1: np.array([(n_a - 1) * p1_a, n_b * p1_b]),
        2: np.array([(n_a - 1) * p2_a, n_b * p2_b]),
    }


def sbm_network(seed, n_a=N_A, n_b=N_B, p_in=P_IN, p_out=P_OUT, candidates=None):
    G = nx.stochastic_block_model([n_a, n_b], [[p_in, p_out], [p_out, p_in]], seed=seed)
    return from_networkx(
        G,
        strength=1.0,
        activity=F,
        transmission=W,
        recruiters=[0],
        candidates=candidates,
    )


def rows(table, measure="share_reached", among="people", hop=None):
    sel = (table["measure"] == measure) & (table["among"] == among)
    sel &= table["hop"].isna() if hop is None else (table["hop"] == hop)
    return table[sel].set_index("group")


def exact_shares(net, hops=(1, 2), members=None):
    p1, p2 = exact_hops(net, 0)
    block = net.attributes["block"]
    keep = np.ones(net.n_people, bool) if members is None else members
    per = {1: p1, 2: p2}
    counts = {
        h: np.array([per[h][(block == b) & keep].sum() for b in (0, 1)]) for h in hops
    }
    total = sum(counts.values())
    out = {h: c / c.sum() for h, c in counts.items()}
    out[None] = total / total.sum()
    return out


# ------------------------------------------------------------ closed forms
def test_block_model_agrees_with_exact_shares_on_the_graph():
    net = sbm_network(3)
    result = spread(net, trials=4000, keep_chains=4000, max_hops=2, seed=11)
    table = representation(result, by="block")
    truth = exact_shares(net)
    block = net.attributes["block"]
    pool_share = np.array([(block == b).sum() for b in (0, 1)]) - np.array([1, 0])
    pool_share = pool_share / pool_share.sum()
    for hop in (1, 2, None):
        got = rows(table, hop=hop)
        z = (got["estimate"].to_numpy() - truth[hop]) / got["se"].to_numpy()
        print(
            f"hop {hop}: shares {np.round(got['estimate'].to_numpy(), 4)}, exact "
            f"{np.round(truth[hop], 4)}, z {np.round(z, 2)}"
        )
        assert np.all(np.abs(z) < 4), (hop, z)
        ratio = rows(table, "ratio", hop=hop)
        np.testing.assert_allclose(
            ratio["estimate"].to_numpy(), got["estimate"].to_numpy() / pool_share
        )
        np.testing.assert_allclose(ratio["pool_share"].to_numpy(), pool_share)


def test_block_model_agrees_with_the_mixing_matrix_over_the_ensemble():
    """Pooled over graphs drawn from the model, the shares at hops 1 and 2
    follow from the mixing matrix alone."""
    graphs = 200
    counts = {1: [], 2: []}
    for g in range(graphs):
        net = sbm_network(100 + g)
        table = representation(
            spread(net, trials=50, keep_chains=50, max_hops=2, seed=g), by="block"
        )
        for hop in (1, 2):
            counts[hop].append(rows(table, hop=hop)["reached_mean"].to_numpy())
    closed = sbm_closed_form()
    for hop in (1, 2):
        x = np.array(counts[hop])  # graphs x blocks
        mean = x.mean(axis=0)
        share = mean / mean.sum()
        truth = closed[hop] / closed[hop].sum()
        psi = (x - share * x.sum(axis=1, keepdims=True)) / mean.sum()
        se = psi.std(axis=0, ddof=1) / np.sqrt(graphs)
        z = (share - truth) / se
        print(
            f"hop {hop}: share of B {share[1]:.4f} +- {se[1]:.4f}, "
            f"closed form {truth[1]:.4f}, z {z[1]:.2f}"
        )
        assert np.all(np.abs(z) < 4), (hop, share, truth, se)
    # the closed form itself, against exact on one graph's expectation: sane
    assert 0 < closed[1][1] / closed[1].sum() < N_B / (N_A + N_B - 1)


def test_interval_coverage_on_the_block_model():
    """95% intervals of the share over all hops (means over all trials, spread
    from the kept trials), per hop (kept trials only), and for candidates."""
    rng = np.random.default_rng(5)
    candidates = np.flatnonzero(rng.random(N_A + N_B) < 0.5)
    candidates = candidates[candidates != 0]
    net = sbm_network(3, candidates=candidates)
    is_cand = np.zeros(net.n_people, bool)
    is_cand[candidates] = True
    truth = exact_shares(net)
    truth_c = exact_shares(net, members=is_cand)
    reps = 300
    hits = {"all": [], "hop1": [], "hop2": [], "candidates": []}
    for r in range(reps):
        result = spread(net, trials=100, keep_chains=40, max_hops=2, seed=1000 + r)
        table = representation(result, by="block")
        for key, hop, among, t in [
            ("all", None, "people", truth[None]),
            ("hop1", 1, "people", truth[1]),
            ("hop2", 2, "people", truth[2]),
            ("candidates", None, "candidates", truth_c[None]),
        ]:
            got = rows(table, hop=hop, among=among).loc[1]
            hits[key].append(got["ci_low"] <= t[1] <= got["ci_high"])
    lo, hi = band(reps)
    for key, h in hits.items():
        count = int(np.sum(h))
        print(f"coverage {key}: {count}/{reps}")
        assert lo <= count <= hi, (key, count, lo, hi)


def test_no_homophily_ratios_are_one_within_intervals():
    """Complete graph, equal activity: every non-poster is alike, so each
    group's expected share of the reach is exactly its pool share."""
    G = nx.complete_graph(30)
    nx.set_node_attributes(G, {i: "A" if i < 20 else "B" for i in G}, "group")
    net = from_networkx(
        G, strength=1.0, activity=0.3, transmission=0.08, recruiters=[0]
    )
    reps = 300
    hits = []
    for r in range(reps):
        table = representation(
            spread(net, trials=60, keep_chains=30, seed=r), by="group"
        )
        got = rows(table, "ratio").loc["B"]
        hits.append(got["ci_low"] <= 1.0 <= got["ci_high"])
    lo, hi = band(reps)
    print(f"no homophily: the ratio's interval covers 1 in {int(np.sum(hits))}/{reps}")
    assert lo <= int(np.sum(hits)) <= hi, int(np.sum(hits))
    table = representation(spread(net, trials=2000, seed=1), by="group")
    ratio = rows(table, "ratio")
    assert ((ratio["ci_low"] <= 1) & (ratio["ci_high"] >= 1)).all()
    np.testing.assert_allclose(ratio["pool_share"].to_numpy(), [19 / 29, 10 / 29])


# ----------------------------------------------------------- bookkeeping
def test_unknown_group_is_kept_and_shares_add_up():
    G = nx.path_graph(6)
    nx.set_node_attributes(
        G, {0: "x", 1: "a", 2: None, 3: "b", 5: float("nan")}, "team"
    )
    net = from_networkx(G, strength=1.0, activity=1.0, transmission=1.0, recruiters=[0])
    table = representation(spread(net, trials=5, seed=1), by="team")
    share = rows(table)
    assert list(share.index) == ["a", "b", "unknown"]
    assert share.loc["unknown", "pool_size"] == 3  # nodes 2, 4 (no value), 5
    np.testing.assert_allclose(share["estimate"].sum(), 1.0)
    np.testing.assert_allclose(share.loc["unknown", "estimate"], 3 / 5)
    for hop in range(1, 6):
        assert rows(table, hop=hop)["estimate"].sum() == pytest.approx(1.0)


def test_reproducible_and_independent_of_n_jobs():
    net = sbm_network(4)
    a = representation(spread(net, trials=300, seed=7, n_jobs=1), by="block")
    b = representation(spread(net, trials=300, seed=7, n_jobs=2), by="block")
    pd.testing.assert_frame_equal(a, b)


def test_reach_mode_uses_the_kept_trials():
    net = sbm_network(4)
    full = representation(spread(net, trials=200, keep_chains=200, seed=3), "block")
    reach = representation(
        spread(net, trials=200, keep_chains=200, seed=3, record="reach"), "block"
    )
    assert (reach["n"] == 200).all()
    np.testing.assert_allclose(
        rows(full)["estimate"].to_numpy(), rows(reach)["estimate"].to_numpy()
    )


def test_given_pool_and_candidates_pool():
    net = sbm_network(5, candidates=range(30, 60))
    result = spread(net, trials=200, seed=1)
    cand = representation(result, by="block", pool="candidates")
    assert set(cand["pool"]) == {"candidates"}
    # blocks are 0..39 and 40..59: candidates 30..39 in A and 40..59 in B
    np.testing.assert_allclose(rows(cand)["pool_share"].to_numpy(), [1 / 3, 2 / 3])
    given = representation(result, by="block", pool=range(50, 60))
    assert list(rows(given).index) == [1]
    assert rows(given)["estimate"].iloc[0] == pytest.approx(1.0)
    one = representation(result, by="block", groups=[1])
    assert list(rows(one).index) == [1]


# ------------------------------------------------------------ bad input
def test_bad_input_names_the_offender():
    net = sbm_network(6)
    result = spread(net, trials=50, seed=1)
    with pytest.raises(KeyError, match="no person attribute 'dept'"):
        representation(result, by="dept")
    with pytest.raises(ValueError, match=r"group\(s\) \[1\] of attribute 'block'"):
        representation(result, by="block", pool=range(1, 10), groups=[0, 1])
    with pytest.raises(ValueError, match=r"group\(s\) \['zz'\] are not values"):
        representation(result, by="block", groups=["zz"])
    with pytest.raises(ValueError, match="the pool .* is empty"):
        representation(result, by="block", pool=[0])
    with pytest.raises(ValueError, match="the pool .*the candidates.* is empty"):
        representation(result, by="block", pool="candidates")
    with pytest.raises(nx.NodeNotFound, match="'pool' parameter names people"):
        representation(result, by="block", pool=[999])
    with pytest.raises(ValueError, match="keep_chains=1"):
        representation(spread(net, trials=50, keep_chains=1, seed=1), by="block")
    with pytest.raises(referral.InvalidParameterError, match="'level'"):
        representation(result, by="block", level=1.5)
    with pytest.raises(TypeError, match="needs a SpreadResult"):
        representation("nope", by="block")
    G = nx.path_graph(3)
    nx.set_node_attributes(G, {0: "unknown", 1: None, 2: "a"}, "team")
    clash = from_networkx(G, strength=1.0, activity=1.0, recruiters=[0])
    with pytest.raises(ValueError, match="'unknown' is also one of its values"):
        representation(spread(clash, trials=5, seed=1), by="team")


# ------------------------------------------------------------- homophily
def test_homophily_matches_networkx_and_counts():
    G = nx.stochastic_block_model([30, 15], [[0.3, 0.02], [0.02, 0.3]], seed=2)
    net = from_networkx(G, strength=1.0, activity=0.5)
    table = homophily(net, by="block")
    expected = nx.attribute_assortativity_coefficient(G, "block")
    np.testing.assert_allclose(table["assortativity"], expected)
    within = sum(1 for u, v in G.edges if G.nodes[u]["block"] == G.nodes[v]["block"])
    all_row = table.set_index("group").loc["all"]
    assert all_row["within"] == 2 * within
    assert all_row["ties"] == 2 * G.number_of_edges()
    deg = dict(G.degree)
    a_ends = sum(deg[u] for u in G if G.nodes[u]["block"] == 0)
    np.testing.assert_allclose(
        table.set_index("group").loc[0, "random_share"], a_ends / (2 * len(G.edges))
    )
    assert all_row["times_random"] > 1.3


def test_homophily_directed_matches_networkx():
    G = nx.gnp_random_graph(40, 0.1, seed=3, directed=True)
    nx.set_node_attributes(G, {u: u % 3 for u in G}, "team")
    net = from_networkx(G, strength=1.0, activity=0.5)
    np.testing.assert_allclose(
        homophily(net, "team")["assortativity"].iloc[0],
        nx.attribute_assortativity_coefficient(G, "team"),
    )


# ------------------------------------------------------------- sentences
from referral import datasets  # noqa: E402
from referral.analysis import compare  # noqa: E402
from referral.analysis._threshold import critical_multiplier  # noqa: E402
from referral.interventions import add_channel, scale_activity  # noqa: E402
from referral.network._populations import community_population  # noqa: E402
from referral.wording._representation import (  # noqa: E402
    fmt_percent,
    homophily_sentence,
    representation_sentences,
    verdict,
)

_PCT = r"(>99\.9%|\d+(?:\.\d+)?(?:e-\d+)?%)"


def _pct(text):
    if text == "<0.1%":
        return 0.0005
    if text == ">99.9%":
        return 0.9995
    return float(text.rstrip("%")) / 100


def _close(text, value):
    """The sentence's percentage is the table's value, as formatted."""
    assert text == fmt_percent(value), (text, value)


def check_sentences(table, among="people"):
    sentences = representation_sentences(table, among=among)
    overall = table[table["hop"].isna() & (table["among"] == among)]
    share = overall[overall["measure"] == "share_reached"]
    ratio = overall[overall["measure"] == "ratio"]
    by = overall["by"].iloc[0]
    head = re.fullmatch(
        rf"Of the (\d+) groups by {by}, (\d+) (?:is|are) reached less than "
        r"(?:its|their) share "
        r"of (.+), (\d+) more, and for (\d+) the trials cannot tell\.",
        sentences[0],
    )
    assert head, sentences[0]
    verdicts = [verdict(r) for _, r in ratio.iterrows()]
    assert int(head[1]) == len(ratio)
    assert (" 1 is reached less than its share" in sentences[0]) == (head[2] == "1")
    assert int(head[2]) == sum(v in ("less", "never") for v in verdicts)
    assert int(head[4]) == verdicts.count("more")
    assert int(head[5]) == verdicts.count("unclear")
    seen = set()
    last = None  # the group the hop sentences speak of
    for sentence in sentences[1:]:
        m = re.fullmatch(
            rf"The trials cannot tell {by} (.+)'s share of the \w+ reached, {_PCT} "
            rf"\(likely between {_PCT} and {_PCT}\), from its share of .+, {_PCT}\.",
            sentence,
        )
        kind = "unclear"
        if not m:
            m = re.fullmatch(
                rf"{by.capitalize()} (.+) is reached (less|more) than its share: "
                rf"{_PCT} of the \w+ reached \(likely between {_PCT} and {_PCT}\) "
                rf"against {_PCT} of .+, about (\d+\.\d\d) times its share\.",
                sentence,
            )
            if m:
                kind = m[2]
                groups = m.groups()
                name, est, lo, hi, pool, times = (
                    groups[0],
                    groups[2],
                    groups[3],
                    groups[4],
                    groups[5],
                    groups[6],
                )
        else:
            name, est, lo, hi, pool = m.groups()
            times = None
        if not m:
            hop = re.fullmatch(
                rf"It first falls behind at hop (\d+): {_PCT} of those reached at "
                rf"that hop against {_PCT}\.",
                sentence,
            )
            never = re.fullmatch(
                rf"{by.capitalize()} (.+) was never reached .*", sentence
            )
            none_at = re.fullmatch(
                r"No one in it was reached at hop (\d+) in the (\d+) trials looked "
                r"at hop by hop\.",
                sentence,
            )
            if none_at:
                rows_h = table[
                    (table["hop"] == int(none_at[1]))
                    & (table["among"] == among)
                    & (table["group"].astype(str) == last)
                ]
                s_h = rows_h[rows_h["measure"] == "share_reached"].iloc[0]
                assert s_h["estimate"] == 0 and s_h["se"] == 0
                assert int(none_at[2]) == s_h["n"]
                continue
            assert hop or never, sentence
            if hop:
                rows_h = table[
                    (table["hop"] == int(hop[1]))
                    & (table["among"] == among)
                    & (table["group"].astype(str) == last)
                ]
                r_h = rows_h[rows_h["measure"] == "ratio"].iloc[0]
                s_h = rows_h[rows_h["measure"] == "share_reached"].iloc[0]
                assert r_h["ci_high"] < 1
                _close(hop[2], s_h["estimate"])
            continue
        last = name
        s = share[share["group"].astype(str) == name].iloc[0]
        r = ratio[ratio["group"].astype(str) == name].iloc[0]
        assert verdict(r) == kind
        _close(est, s["estimate"])
        _close(lo, min(max(s["ci_low"], 0), 1))
        _close(hi, min(max(s["ci_high"], 0), 1))
        _close(pool, s["pool_share"])
        if times is not None:
            assert float(times) == pytest.approx(r["estimate"], abs=0.005)
            assert (r["ci_high"] < 1) if kind == "less" else (r["ci_low"] > 1)
            # the pool share lies outside the share's interval
            assert not (s["ci_low"] <= s["pool_share"] <= s["ci_high"])
        else:
            assert s["ci_low"] <= s["pool_share"] <= s["ci_high"]
        seen.add(name)
    assert seen | {
        str(g) for g, r in ratio.set_index("group").iterrows() if verdict(r) == "never"
    } == set(ratio["group"].astype(str))
    return sentences


def test_sentences_on_a_tree():
    G = nx.balanced_tree(3, 4)
    side = {u: "left" if u in nx.descendants(G, 1) | {1} else "other" for u in G}
    nx.set_node_attributes(G, side, "side")
    net = from_networkx(
        G,
        strength=1.0,
        activity=0.5,
        transmission=0.7,
        recruiters=[0],
        candidates=range(40, 121),
    )
    table = representation(spread(net, trials=400, seed=1), by="side")
    sentences = check_sentences(table)
    check_sentences(table, among="candidates")
    # the left branch is a third of the pool and gets a third of the reach
    assert any("cannot tell side left" in s for s in sentences), sentences


def test_sentences_near_critical_and_clustered():
    # clustered: strong homophily, the poster's community over-reached
    net = community_population(
        600,
        n_communities=4,
        strong_outside=0.02,
        weak_inside=0.9,
        n_recruiters=1,
        seed=3,
    )
    table = representation(spread(net, trials=300, seed=2), by="community")
    sentences = check_sentences(table)
    assert any("more than its share" in s for s in sentences), sentences
    assert any("less than its share" in s for s in sentences), sentences
    # near critical: everyone's activity scaled to the analytic threshold
    m = critical_multiplier(net)
    near = scale_activity(net, m, warn=False)
    table = representation(spread(near, trials=300, seed=4), by="community")
    check_sentences(table)
    check_sentences(table, among="candidates")


def test_sentences_on_the_email_departments():
    net = datasets.email_eu_core()
    table = representation(spread(net, trials=200, seed=1), by="department")
    sentences = check_sentences(table)
    assert len(sentences) >= 1 + table["group"].nunique()
    h = homophily(net, "department")
    text = homophily_sentence(h)
    m = re.fullmatch(
        rf"Ties stay within the same department {_PCT} of the time, against {_PCT} "
        r"if people mixed at random \((\d+\.\d\d) times as often\)\.",
        text,
    )
    assert m, text
    row = h.set_index("group").loc["all"]
    _close(m[1], row["within_share"])
    _close(m[2], row["random_share"])
    assert float(m[3]) == pytest.approx(row["times_random"], abs=0.005)


def test_sentence_for_a_group_never_reached_and_for_no_reach():
    G = nx.Graph([(0, 1), (0, 2), (3, 4)])
    nx.set_node_attributes(G, {0: "a", 1: "a", 2: "a", 3: "b", 4: "b"}, "team")
    net = from_networkx(G, strength=1.0, activity=1.0, transmission=1.0, recruiters=[0])
    table = representation(spread(net, trials=10, seed=1), by="team")
    sentences = check_sentences(table)
    assert sentences[1] == (
        "Team b was never reached in 10 trials, against 50.0% of the whole network."
    )
    quiet = from_networkx(
        G, strength=1.0, activity=1.0, transmission=0.0, recruiters=[0]
    )
    table = representation(spread(quiet, trials=10, seed=1), by="team")
    assert representation_sentences(table) == [
        "Nobody in the whole network was reached in 10 trials, so there are no shares."
    ]
    with pytest.raises(
        ValueError,
        match=r"representation_sentences needs a table from referral.analysis."
        r"representation; it lacks the column\(s\) \['pool'\]; the available "
        r"columns are \['by',",
    ):
        representation_sentences(table.drop(columns="pool"))
    with pytest.raises(ValueError, match="no rows for among='candidates'"):
        representation_sentences(table, among="candidates")


# ------------------------------------------------------------------ plot
def test_plot_representation_draws_the_table():
    import matplotlib.pyplot as plt

    from referral.plot import plot_representation

    net = sbm_network(3)
    table = representation(spread(net, trials=300, seed=1), by="block")
    fig, ax = plt.subplots()
    out = plot_representation(table, ax=ax)
    assert out is ax
    share = rows(table)
    dots = ax.lines[0].get_xydata()
    np.testing.assert_allclose(sorted(dots[:, 0]), sorted(share["estimate"]))
    marks = ax.collections[0].get_offsets()
    np.testing.assert_allclose(sorted(marks[:, 0]), sorted(share["pool_share"]))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1"]
    assert ax.get_title() == "Who gets reached, by block"
    fig, ax = plt.subplots()
    plot_representation(table, kind="hops", ax=ax)
    per_hop = table[table["hop"].notna() & (table["measure"] == "ratio")]
    per_hop = per_hop[per_hop["trials_with_reach"] >= 10]
    line = ax.lines[0].get_xydata()
    expect = per_hop[per_hop["group"] == 0].sort_values("hop")
    np.testing.assert_allclose(line[:, 0], expect["hop"].to_numpy(float))
    np.testing.assert_allclose(line[:, 1], expect["estimate"].to_numpy())
    assert ax.get_xlabel() == "hop from the recruiter"
    with pytest.raises(ValueError, match="'kind' parameter .* Got 'pie'"):
        plot_representation(table, kind="pie", ax=ax)
    with pytest.raises(ValueError, match="'among' parameter .* Got 'x'"):
        plot_representation(table, among="x", ax=ax)
    with pytest.raises(
        ValueError,
        match=r"plot_representation needs a table from referral.representation "
        r"with columns .*; it lacks the column\(s\) \['estimate'\]; the available "
        r"columns are \['by',",
    ):
        plot_representation(table.drop(columns="estimate"), ax=ax)
    with pytest.raises(TypeError, match="Got list"):
        plot_representation([1], ax=ax)
    with pytest.raises(ValueError, match="min_trials=1000"):
        plot_representation(table, kind="hops", min_trials=1000, ax=ax)
    plt.close("all")


# --------------------------------------------------------- compare(by=)
def _two_blocks():
    G = nx.stochastic_block_model([80, 20], [[0.08, 0.004], [0.004, 0.2]], seed=1)
    net = from_networkx(G, strength=1.0, activity=0.5, transmission=0.5, recruiters=[0])
    members = list(range(0, 8)) + list(range(80, 88))
    return net, add_channel(net, members, strong_probability=0.0, seed=1)


def _per_trial_share(result, block=1):
    chains = result.chains()
    chains = chains[chains["hop"] > 0]
    b = result.network.attributes["block"][chains["id"].to_numpy()]
    per = chains.assign(minority=b == block).groupby("trial")["minority"]
    return per.mean().reindex(range(result.keep_chains))


def test_a_bridge_channel_raises_the_minority_ratio_trial_by_trial():
    net, chan = _two_blocks()
    table = compare(
        {"today": net, "channel": chan}, by="block", trials=400, keep_chains=400, seed=3
    )
    ratio = table[(table["measure"] == "ratio") & (table["group"] == 1)]
    ratio = ratio.set_index("scenario")
    assert ratio.loc["today", "estimate"] < 0.5  # the minority is under-reached
    assert ratio.loc["channel", "diff_ci_low"] > 0  # and the channel helps
    np.testing.assert_allclose(
        ratio.loc["channel", "diff"],
        ratio.loc["channel", "estimate"] - ratio.loc["today", "estimate"],
    )
    # the same numbers as representation() gives each scenario alone
    alone = representation(
        spread(chan, trials=400, keep_chains=400, seed=3), by="block"
    )
    got = rows(alone, "ratio").loc[1]
    assert ratio.loc["channel", "estimate"] == pytest.approx(got["estimate"])
    assert ratio.loc["channel", "se"] == pytest.approx(got["se"])
    # trial by trial, under common random numbers
    a = _per_trial_share(spread(net, trials=400, keep_chains=400, seed=3))
    b = _per_trial_share(spread(chan, trials=400, keep_chains=400, seed=3))
    both = a.notna() & b.notna()
    rises = (b[both] > a[both]).mean()
    print(f"minority share rises in {rises:.1%} of {int(both.sum())} trials")
    assert rises > 0.7
    # the non-group rows are compare's usual ones, with group None
    usual = table[table["group"].isna()]
    plain = compare(
        {"today": net, "channel": chan}, trials=400, keep_chains=400, seed=3
    )
    np.testing.assert_allclose(
        usual["estimate"].to_numpy(), plain["estimate"].to_numpy()
    )


def test_compare_by_paired_difference_coverage():
    """The paired difference of a group's share covers the exact difference
    (two hops, closed form on both networks)."""
    net, chan = _two_blocks()

    def exact(n):
        p1, p2 = exact_hops(n, 0)
        b = n.attributes["block"]
        c = np.array([(p1 + p2)[b == k].sum() for k in (0, 1)])
        return c[1] / c.sum()

    truth = exact(chan) - exact(net)
    reps = 300
    hits = []
    for r in range(reps):
        t = compare(
            {"today": net, "channel": chan},
            by="block",
            trials=60,
            keep_chains=30,
            max_hops=2,
            seed=500 + r,
        )
        row = t[(t["measure"] == "share_reached") & (t["group"] == 1)].iloc[-1]
        hits.append(row["diff_ci_low"] <= truth <= row["diff_ci_high"])
    lo, hi = band(reps)
    print(f"paired difference coverage {int(np.sum(hits))}/{reps}")
    assert lo <= int(np.sum(hits)) <= hi


def test_compare_by_bad_input():
    net, chan = _two_blocks()
    with pytest.raises(KeyError, match="no person attribute 'dept'"):
        compare({"a": net, "b": chan}, by="dept", trials=20, seed=1)
    with pytest.raises(ValueError, match="breaks the reach of a spread"):
        compare(
            {"a": net},
            simulate=referral.search,
            by="block",
            trials=5,
            seed=1,
            starts=[5],
            targets=[0],
        )
