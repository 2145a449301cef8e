"""referral.calibrate.referral_log: exact likelihood, recovery, coverage, bad input."""

from __future__ import annotations

import math
import os
import re
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import referral
from referral import from_networkx
from referral.calibrate import Fit, referral_log

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


# --------------------------------------------------------------- simulation
def simulate_log(net, activity, w, posters, rng):
    """A complete log of spread's model: every telling is recorded.

    Posters act with probability 1; a holder of hop h acts with its
    ``activity`` and then tells each contact not reached by hop h with
    probability ``w`` (several holders of one hop may tell the same person).
    """
    rows = []
    indptr, indices = net.indptr, net.indices
    for opening, poster in enumerate(posters):
        hop_of = {int(poster): 0}
        frontier = [int(poster)]
        h = 0
        while frontier:
            new = {}
            for i in frontier:
                if h > 0 and rng.random() >= activity[i]:
                    continue
                contacts = indices[indptr[i] : indptr[i + 1]]
                untold = [j for j in contacts.tolist() if j not in hop_of]
                carried = rng.random(len(untold)) < w
                for j, c in zip(untold, carried, strict=True):
                    if c:
                        rows.append((opening, i, j))
                        new[j] = True
            for j in new:
                hop_of[j] = h + 1
            frontier = list(new)
            h += 1
    log = pd.DataFrame(rows, columns=["opening", "teller", "told"])
    log["teller"] = net.labels[log["teller"].to_numpy(dtype=int)]
    log["told"] = net.labels[log["told"].to_numpy(dtype=int)]
    sources = {o: net.labels[p] for o, p in enumerate(posters)}
    return log, sources


@pytest.fixture(scope="module")
def email():
    net = referral.datasets.email_eu_core()
    team = np.asarray(net.community, dtype=int) % 2
    return net.replace(attributes={**net.attributes, "team": team})


TRUE_F = np.array([0.25, 0.5])
TRUE_W = 0.08


# ------------------------------------------------------------ exact answers
def triangle():
    return from_networkx(nx.complete_graph(["a", "b", "c"]), strength=1.0, activity=0.5)


def test_exact_likelihood_and_maximiser_on_a_triangle():
    # opening 1: a tells b (not c), b tells c; opening 2: a tells b, b nobody.
    # a: w(1 - w) twice; b: f w, then 1 - f w; c holds with no untold contact.
    # loglik = log f + 3 log w + 2 log(1 - w) + log(1 - f w), maximised at
    # f = 1 (fw = 1/2 needs f = 1 when w = 1/2), w = 1/2: 6 log(1/2).
    log = pd.DataFrame(
        {"opening": [1, 1, 2], "teller": ["a", "b", "a"], "told": ["b", "c", "b"]}
    )
    fit = referral_log(triangle(), log, sources="a")
    p = fit.params().set_index("parameter")
    assert p.loc["activity", "estimate"] == pytest.approx(1.0, abs=1e-5)
    assert p.loc["transmission", "estimate"] == pytest.approx(0.5, abs=1e-5)
    assert fit.loglik == pytest.approx(6 * math.log(0.5), abs=1e-8)
    assert p.loc["activity", "n"] == 2  # b twice; c had nobody left to tell
    assert fit.aic == pytest.approx(4 - 2 * fit.loglik)

    from referral.calibrate._log import read_log
    from referral.calibrate._spread_model import LogModel

    data = read_log(
        triangle(),
        log,
        sources="a",
        opening="opening",
        teller="teller",
        told="told",
        time=None,
        tellers="all",
        function="t",
    )
    model = LogModel(data, triangle(), np.zeros(3, dtype=int), 1, "constant", 1.0)
    for f, w in [(0.3, 0.2), (0.9, 0.6)]:
        expected = (
            math.log(f) + 3 * math.log(w) + 2 * math.log(1 - w) + math.log(1 - f * w)
        )
        assert -model.nll(np.array([f, w]))[0] == pytest.approx(expected, abs=1e-12)


def test_exact_maximiser_on_a_path():
    # path a - b - c. opening 1 posted by a: a tells b, b tells c;
    # opening 2 posted by c: c tells b, b tells nobody (a untold).
    # loglik = 2 log w + log(f w) + log(1 - f w): w = 1, f = 1/2.
    net = from_networkx(nx.path_graph(["a", "b", "c"]), strength=1.0, activity=0.5)
    log = pd.DataFrame(
        {"opening": [1, 1, 2], "teller": ["a", "b", "c"], "told": ["b", "c", "b"]}
    )
    fit = referral_log(net, log, sources={1: "a", 2: "c"})
    p = fit.params().set_index("parameter")
    assert p.loc["activity", "estimate"] == pytest.approx(0.5, abs=1e-5)
    assert p.loc["transmission", "estimate"] == pytest.approx(1.0, abs=1e-6)
    assert fit.loglik == pytest.approx(math.log(0.25), abs=1e-8)
    # at a bound there is no standard error, and the interval reaches it
    assert np.isnan(p.loc["transmission", "se"])
    assert p.loc["transmission", "ci_high"] == 1.0


def test_profile_interval_is_where_the_loglik_drops_by_the_chi2_quantile():
    log = pd.DataFrame(
        {"opening": [1, 1, 2], "teller": ["a", "b", "a"], "told": ["b", "c", "b"]}
    )
    fit = referral_log(triangle(), log, sources="a")
    row = fit.params().set_index("parameter").loc["transmission"]
    # the profile over f is maximised at f = 1 for w <= 1/2 ... check both ends
    from scipy import optimize

    from referral.calibrate._log import read_log
    from referral.calibrate._spread_model import LogModel

    data = read_log(
        triangle(),
        log,
        sources="a",
        opening="opening",
        teller="teller",
        told="told",
        time=None,
        tellers="all",
        function="t",
    )
    model = LogModel(data, triangle(), np.zeros(3, dtype=int), 1, "constant", 1.0)

    def profile(w):
        res = optimize.minimize_scalar(
            lambda f: model.nll(np.array([f, w]))[0],
            bounds=(1e-9, 1 - 1e-9),
            method="bounded",
            options={"xatol": 1e-12},
        )
        return -res.fun

    drop = stats.chi2.ppf(0.95, 1) / 2
    for end in (row.ci_low, row.ci_high):
        assert fit.loglik - profile(end) == pytest.approx(drop, abs=1e-5)


def _model(net, log, **kw):
    from referral.calibrate._log import read_log
    from referral.calibrate._spread_model import LogModel

    data = read_log(
        net,
        log,
        opening="opening",
        teller="teller",
        told="told",
        time=None,
        tellers="all",
        function="t",
        **kw,
    )
    return LogModel(data, net, np.zeros(net.n_people, dtype=int), 1, "constant", 1.0)


def test_holders_with_no_untold_contact_carry_no_information():
    log = pd.DataFrame(
        {"opening": [1, 1, 2], "teller": ["a", "b", "a"], "told": ["b", "c", "b"]}
    )
    G = nx.complete_graph(["a", "b", "c"])
    G.add_edge("a", "d")
    net = from_networkx(G, strength=1.0, activity=0.5)
    # a also tells leaf d in both openings; d then holds with nobody to tell,
    # so the only change is a's extra told tie: + 2 log w, nothing about f
    log2 = pd.concat(
        [
            log,
            pd.DataFrame({"opening": [1, 2], "teller": ["a", "a"], "told": ["d", "d"]}),
        ],
        ignore_index=True,
    )
    old, new = _model(triangle(), log, sources="a"), _model(net, log2, sources="a")
    for f, w in [(0.3, 0.2), (0.8, 0.6)]:
        x = np.array([f, w])
        assert -new.nll(x)[0] == pytest.approx(-old.nll(x)[0] + 2 * math.log(w))
    assert new.n_info.tolist() == old.n_info.tolist() == [2]


def test_a_log_where_nobody_told_anyone_gives_an_upper_bound():
    net = from_networkx(nx.star_graph(["a", "b", "c", "d"]), strength=1.0, activity=0.5)
    empty = pd.DataFrame({"opening": [], "teller": [], "told": []})
    fit = referral_log(net, empty, sources={1: "a", 2: "a", 3: "a"})
    p = fit.params().set_index("parameter")
    t = p.loc["transmission"]
    assert t.estimate == 0.0 and t.ci_low == 0.0
    assert np.isnan(t.se)
    # poster a had 3 contacts three times and told none: (1 - w)^9 >= e^-1.92
    assert t.ci_high == pytest.approx(
        1 - math.exp(-stats.chi2.ppf(0.95, 1) / 2 / 9), abs=1e-6
    )
    assert not fit.identifiable
    assert "nobody in the log told anyone" in fit.reason
    sentence = fit.sentence()
    assert "at most 19%" in sentence
    assert f"{100 * t.ci_high:.0f}%" in sentence


# --------------------------------------------------------------- recovery
def _replicate(net, rng, n_openings):
    f = TRUE_F[np.asarray(net.attributes["team"])]
    eligible = np.flatnonzero(net.degree > 0)
    posters = rng.choice(eligible, size=n_openings)
    log, sources = simulate_log(net, f, TRUE_W, posters, rng)
    return referral_log(net, log, sources=sources, by="team", pooling="none")


def test_recovery_coverage_and_bias_over_replications(email):
    reps = 200
    rng = np.random.default_rng(20261207)
    truth = {("activity", g): TRUE_F[g] for g in range(2)}
    truth[("transmission", "all")] = TRUE_W
    covered = {key: 0 for key in truth}
    errors = {key: [] for key in truth}
    ses = {key: [] for key in truth}
    for _ in range(reps):
        fit = _replicate(email, rng, n_openings=8)
        for row in fit.params().itertuples():
            key = (row.parameter, row.group)
            covered[key] += bool(row.ci_low <= truth[key] <= row.ci_high)
            errors[key].append(row.estimate - truth[key])
            ses[key].append(row.se)
    # the central 99% of Binomial(reps, 0.95), as in tests/test_coverage.py
    lo, hi = stats.binom.ppf([0.005, 0.995], reps, 0.95)
    for key in truth:
        assert lo <= covered[key] <= hi, (key, covered[key] / reps)
        bias = np.mean(errors[key])
        assert abs(bias) < np.nanmedian(ses[key]), (key, bias)
    print({key: covered[key] / reps for key in truth})


def test_spread_chains_make_a_log_the_fitter_accepts(email):
    net = email.replace(
        activity=np.full(email.n_people, 0.4),
        transmission=np.full(len(email.indices), 0.1),
    )
    result = referral.spread(
        net, sources=[int(email.recruiters[0])], trials=20, keep_chains=20, seed=3
    )
    chains = result.chains()
    told = chains[chains["parent_id"] >= 0]
    log = pd.DataFrame(
        {"opening": told["trial"], "teller": told["parent"], "told": told["person"]}
    )
    poster = email.labels[email.recruiters[0]]
    with pytest.warns(UserWarning, match="tellers='first'"):
        fit = referral_log(
            net, log, sources={t: poster for t in range(20)}, tellers="first"
        )
    p = fit.params().set_index("parameter")
    # one teller per person leaves out ties and leans transmission upward
    # (see the docstring); the fit is still near the truth
    assert p.loc["activity", "estimate"] == pytest.approx(0.4, rel=0.3)
    assert p.loc["transmission", "estimate"] == pytest.approx(0.1, rel=0.2)


# ---------------------------------------------------------- words & network
def test_sentence_reads_back_the_table(email):
    rng = np.random.default_rng(5)
    fit = _replicate(email, rng, n_openings=30)
    sentence = fit.sentence()
    table = fit.params()
    num = r"(\d+(?:\.\d)?)%"
    numbers = [
        float(x)
        for triple in re.findall(rf"{num}; 95% CI {num} to {num}", sentence)
        for x in triple
    ]
    expected = []
    for row in table.itertuples():
        expected += [row.estimate, row.ci_low, row.ci_high]
    assert numbers == pytest.approx([100 * v for v in expected], abs=0.51)
    for g in range(2):
        assert f"in {g} about 1 in" in sentence or f"in {g} about" in sentence


def test_fitted_network_carries_the_estimates(email):
    rng = np.random.default_rng(6)
    fit = _replicate(email, rng, n_openings=20)
    net = fit.network()
    p = fit.params()
    team = np.asarray(email.attributes["team"])
    for g in range(2):
        est = p[(p.parameter == "activity") & (p.group == g)]["estimate"].iloc[0]
        assert np.allclose(net.activity[team == g], est)
    w = p[p.parameter == "transmission"]["estimate"].iloc[0]
    assert np.allclose(net.transmission, w)
    assert isinstance(fit, Fit)


def test_check_is_reproducible_and_calibrated_on_the_true_model(email):
    rng = np.random.default_rng(7)
    fit = _replicate(email, rng, n_openings=15)
    a = fit.check(trials=60, seed=1)
    b = fit.check(trials=60, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == [
        "measure",
        "hop",
        "observed",
        "expected",
        "ci_low",
        "ci_high",
        "level",
        "p_value",
    ]
    assert a["measure"].iloc[-1] == "all"
    assert ((a["p_value"] > 0) & (a["p_value"] <= 1)).all()


# -------------------------------------------------------------- bad input
@pytest.fixture
def small_log():
    return pd.DataFrame(
        {"opening": [1, 1, 2], "teller": ["a", "b", "a"], "told": ["b", "c", "b"]}
    )


def test_people_not_in_the_network_are_named_with_their_rows(small_log):
    bad = small_log.copy()
    bad.loc[2, "told"] = "zed"
    with pytest.raises(nx.NodeNotFound, match=r"'told'.*'zed'.*rows 2"):
        referral_log(triangle(), bad, sources="a")


def test_teller_equal_to_told_is_an_error(small_log):
    bad = small_log.copy()
    bad.loc[1, "told"] = "b"
    with pytest.raises(ValueError, match=r"teller is the person told.*rows 1"):
        referral_log(triangle(), bad, sources="a")


def test_person_told_twice_first_counts_with_a_warning(small_log):
    twice = pd.concat(
        [small_log, pd.DataFrame({"opening": [1], "teller": ["c"], "told": ["a"]})],
        ignore_index=True,
    )
    with pytest.warns(UserWarning, match=r"1 telling\(s\).*already held.*rows 3"):
        fit = referral_log(triangle(), twice, sources="a")
    assert fit.loglik == pytest.approx(
        referral_log(triangle(), small_log, sources="a").loglik
    )


def test_missing_or_misspelled_columns(small_log):
    with pytest.raises(ValueError, match=r"no column 'told'.*Did you mean 'tol'"):
        referral_log(triangle(), small_log.rename(columns={"told": "tol"}), sources="a")
    with pytest.raises(ValueError, match=r"no column 'when'"):
        referral_log(triangle(), small_log, sources="a", time="when")


def test_empty_log_without_sources(small_log):
    with pytest.raises(ValueError, match="log passed to referral_log is empty"):
        referral_log(triangle(), small_log.iloc[:0])


def test_groups_with_no_data_are_named(email):
    rng = np.random.default_rng(8)
    f = TRUE_F[np.asarray(email.attributes["team"])]
    posters = rng.choice(np.flatnonzero(email.degree > 0), size=6)
    log, sources = simulate_log(email, f, TRUE_W, posters, rng)
    with pytest.warns(UserWarning, match=r"group\(s\) of 'community' have nobody"):
        alone = referral_log(
            email, log, sources=sources, by="community", pooling="none"
        )
    p = alone.params()
    empty = p[(p.parameter == "activity") & (p.n == 0)]
    assert 0 < len(empty) < 42
    assert empty["estimate"].isna().all()
    assert (empty["ci_low"] == 0).all() and (empty["ci_high"] == 1).all()
    assert "The log says nothing about" in alone.sentence()
    # pooled, a group without data gets the fitted prior: all alike
    with pytest.warns(UserWarning, match="have nobody"):
        pooled = referral_log(email, log, sources=sources, by="community")
    q = pooled.params()
    no_data = q[(q.parameter == "activity") & (q.n == 0)]
    assert np.ptp(no_data["estimate"].to_numpy()) < 1e-9
    assert no_data["estimate"].notna().all()


def test_tellings_along_no_tie_and_unknown_tellers(small_log):
    net = from_networkx(nx.path_graph(["a", "b", "c"]), strength=1.0, activity=0.5)
    bad = pd.DataFrame({"opening": [1], "teller": ["a"], "told": ["c"]})
    with pytest.raises(ValueError, match=r"no tie.*rows 0"):
        referral_log(net, bad, sources="a")
    orphan = pd.DataFrame({"opening": [1, 1], "teller": ["a", "c"], "told": ["b", "b"]})
    with pytest.raises(ValueError, match=r"never held.*'c'.*rows 1"):
        referral_log(net, orphan, sources="a")


def test_times_out_of_order(small_log):
    log = small_log.assign(when=[5, 1, 7])
    with pytest.raises(ValueError, match=r"'when' column is out of order.*rows 1"):
        referral_log(triangle(), log, sources="a", time="when")


def test_unknown_by_and_bad_parameters(small_log):
    with pytest.raises(ValueError, match=r"'by' parameter of referral_log.*'dept'"):
        referral_log(triangle(), small_log, sources="a", by="dept")
    with pytest.raises(referral.InvalidParameterError, match="'level' parameter"):
        referral_log(triangle(), small_log, sources="a", level=1.5)


# --------------------------------------------------- transmission by strength
def simulate_log_by_tie(net, activity, w_entry, posters, rng):
    """As :func:`simulate_log` with one transmission per CSR tie entry."""
    rows = []
    indptr, indices = net.indptr, net.indices
    for opening, poster in enumerate(posters):
        hop_of = {int(poster): 0}
        frontier, h = [int(poster)], 0
        while frontier:
            new = {}
            for i in frontier:
                if h > 0 and rng.random() >= activity[i]:
                    continue
                for e in range(indptr[i], indptr[i + 1]):
                    j = int(indices[e])
                    if j not in hop_of and rng.random() < w_entry[e]:
                        rows.append((opening, i, j))
                        new[j] = True
            for j in new:
                hop_of[j] = h + 1
            frontier, h = list(new), h + 1
    log = pd.DataFrame(rows, columns=["opening", "teller", "told"])
    return log, {o: int(p) for o, p in enumerate(posters)}


def test_transmission_logistic_in_strength_is_recovered(email):
    from scipy.special import expit

    a, b = -3.5, 2.0
    w = expit(a + b * email.strength)
    rng = np.random.default_rng(12)
    posters = rng.choice(np.flatnonzero(email.degree > 0), size=20)
    log, sources = simulate_log_by_tie(
        email, np.full(email.n_people, 0.35), w, posters, rng
    )
    fit = referral_log(email, log, sources=sources, transmission="by_strength")
    p = fit.params().set_index("parameter")
    assert list(p.index) == [
        "activity",
        "transmission_logit_intercept",
        "transmission_logit_slope",
    ]
    for name, truth in [
        ("activity", 0.35),
        ("transmission_logit_intercept", a),
        ("transmission_logit_slope", b),
    ]:
        row = p.loc[name]
        assert abs(row.estimate - truth) < 3.5 * row.se, (name, row.estimate)
        assert row.ci_low < row.estimate < row.ci_high
    fitted = fit.network()
    expected = expit(
        p.loc["transmission_logit_intercept", "estimate"]
        + p.loc["transmission_logit_slope", "estimate"] * email.strength
    )
    assert np.allclose(fitted.transmission, expected)

    # known transmissions: only activity is fitted
    known = referral_log(
        email,
        log,
        sources=sources,
        transmission=lambda s: expit(a + b * np.asarray(s)),
    )
    q = known.params()
    assert q["parameter"].tolist() == ["activity"]
    assert q.loc[0, "ci_low"] < 0.35 < q.loc[0, "ci_high"]
    assert known.model == "callable"


def test_fit_methods_refuse_what_they_cannot_do(small_log):
    fit = referral_log(triangle(), small_log, sources="a")
    with pytest.raises(ValueError, match="'trials' parameter of Fit.check"):
        fit.check(trials=1)
    from referral.calibrate import search_chains

    chains = search_chains(pd.DataFrame({"length": [0, 1], "outcome": ["dropped"] * 2}))
    with pytest.raises(ValueError, match="needs a fit on a network"):
        chains.network()
    with pytest.raises(ValueError, match="not available for a search_chains fit"):
        chains.check()


def test_transmission_per_strength_class_is_recovered(email):
    # weak ties (strength <= 0.5) carry with 0.04, strong ones with 0.12
    edges = [0.0, 0.5, 1.0]
    w = np.where(email.strength <= 0.5, 0.04, 0.12)
    rng = np.random.default_rng(21)
    posters = rng.choice(np.flatnonzero(email.degree > 0), size=12)
    log, sources = simulate_log_by_tie(
        email, np.full(email.n_people, 0.35), w, posters, rng
    )
    fit = referral_log(
        email, log, sources=sources, transmission="by_class", classes=edges
    )
    p = fit.params()
    tx = p[p["parameter"] == "transmission"]
    assert tx["group"].tolist() == ["strength 0 to 0.5", "strength 0.5 to 1"]
    weak = email.strength <= 0.5
    for row, truth in zip(tx.itertuples(), [0.04, 0.12], strict=True):
        assert abs(row.estimate - truth) < 3.5 * row.se, (row.group, row.estimate)
        assert row.ci_low < row.estimate < row.ci_high
    # the classes' n add up to the untold contacts
    assert (
        tx["n"].sum()
        == referral_log(email, log, sources=sources).params()["n"].iloc[-1]
    )
    fitted = fit.network()
    assert np.allclose(fitted.transmission[weak], tx["estimate"].iloc[0])
    assert np.allclose(fitted.transmission[~weak], tx["estimate"].iloc[1])
    # the sentence gives each class's numbers, as in the table
    sentence = fit.sentence()
    num = r"(\d+(?:\.\d)?)%"
    label = r"strength \d+(?:\.\d+)? to \d+(?:\.\d+)?"
    pattern = rf"{num}; 95% CI {num} to {num} over ties of ({label})"
    found = re.findall(pattern, sentence)
    assert [g for *_, g in found] == tx["group"].tolist()
    for (e, lo, hi, _), row in zip(found, tx.itertuples(), strict=True):
        assert [float(e), float(lo), float(hi)] == pytest.approx(
            [100 * row.estimate, 100 * row.ci_low, 100 * row.ci_high], abs=0.51
        )


def test_one_strength_class_is_the_constant_fit(small_log):
    net = triangle()
    one = referral_log(net, small_log, sources="a", transmission="by_class")
    const = referral_log(net, small_log, sources="a")
    assert one.loglik == pytest.approx(const.loglik, abs=1e-7)
    cols = ["estimate", "ci_low", "ci_high"]
    assert one.params()[cols].to_numpy() == pytest.approx(
        const.params()[cols].to_numpy(), abs=1e-4
    )
    assert one.params()["group"].iloc[-1] == "strength 1"
    with pytest.raises(ValueError, match=r"'classes' parameter.*increasing"):
        referral_log(
            net, small_log, sources="a", transmission="by_class", classes=[1, 0]
        )
    with pytest.raises(ValueError, match=r"leaves out 6 tie\(s\)"):
        referral_log(
            net, small_log, sources="a", transmission="by_class", classes=[0, 0.5]
        )
    with pytest.raises(ValueError, match="is for transmission='by_class'"):
        referral_log(net, small_log, sources="a", classes=[0, 1])


def test_pooled_group_intervals_cover_over_replications(email):
    # six groups whose activities are drawn afresh each replication from a
    # Beta(6, 10): the pooled (default) intervals must cover about 95% of them
    G, reps = 6, 40
    grp = np.asarray(email.community, dtype=int) % G
    net = email.replace(attributes={**email.attributes, "grp": grp})
    rng = np.random.default_rng(606)
    eligible = np.flatnonzero(email.degree > 0)
    hits = 0
    for _ in range(reps):
        f = rng.beta(6, 10, G)
        log, sources = simulate_log(net, f[grp], TRUE_W, rng.choice(eligible, 8), rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # groups nobody in the log belongs to
            p = referral_log(net, log, sources=sources, by="grp").params()
        a = p[p["parameter"] == "activity"]
        hits += int(((a["ci_low"] <= f) & (f <= a["ci_high"])).sum())
    lo, hi = stats.binom.ppf([0.005, 0.995], G * reps, 0.95)
    assert lo <= hits <= hi, hits / (G * reps)


def test_a_wide_interval_is_said_as_a_range_not_as_about():
    """An activity interval spanning a factor of two or more (a small log)
    leads with its range and says the log is too small; a narrow one says
    'about'. Both keep the table's three numbers."""
    import pandas as pd

    from referral.calibrate._words import params_sentence

    def table(est, lo, hi):
        return pd.DataFrame(
            {
                "parameter": ["activity", "transmission"],
                "group": ["all", "all"],
                "estimate": [est, 0.08],
                "se": [0.1, 0.01],
                "ci_low": [lo, 0.0757],
                "ci_high": [hi, 0.0821],
                "level": [0.95, 0.95],
                "n": [10, 10],
            }
        )

    wide = params_sentence(table(0.579, 0.295, 1.0))
    assert wide.startswith("Anywhere from 30% to 100% of people")
    assert "best estimate 58%; 95% CI 30% to 100%" in wide
    assert "too small" in wide and "About" not in wide
    narrow = params_sentence(table(0.58, 0.52, 0.64))
    assert narrow.startswith("About 58% of people") and "too small" not in narrow
    assert "58%; 95% CI 52% to 64%" in narrow
