"""Recruiter-facing sentences over generated networks: words match their tables.

Every sentence function is run on generated networks (paths, stars, trees,
cycles, complete graphs, near-critical and supercritical random graphs, one
to three people, activity 0 and 1, labels with commas and quotes) and read
back: one verdict per question and the verdict the table supports, numbers
as in the table, counts that add up, no recruiter recommended unless asked,
no "0.0" for a positive mean, no negative intermediaries, no jargon.
Trial counts and example counts are small so the file runs in seconds.
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referral import from_networkx
from referral._core.names import join_names
from referral.analysis import dropoff, other_people_cost
from referral.simulate._search import search
from referral.simulate._spread import spread
from referral.whom_to_ask import ambassadors
from referral.wording import (
    cost_sentence,
    dropoff_sentence,
    fmt_mean,
    fmt_number,
    fmt_share,
    threshold_sentence,
    who_to_ask_sentences,
)
from referral.wording._gatekeepers import gatekeeper_sentence
from referral.wording._sentences import FEW, MOST

FAST = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: words that belong in the docs and the "How this was computed" note only
JARGON = [
    "non-backtracking",
    "common random numbers",
    "rule of three",
    "spectral",
    "radius",
    "paired",
    "everyone-acts",
    "martingale",
    "IMM",
    "fresh samples",
    "observed tail",
]

#: the first words of each threshold verdict; exactly one opens a sentence
VERDICTS = [
    "This network holds only",
    "Openings never leave",
    "Everyone in this network is a direct contact",
    "No one passes openings on today",
    "This network has no cycles",
    "Openings take off",
    "Most openings stay local",
    "Openings die out near their source",
]

label_words = st.sampled_from(
    ["NEWMAN, M", "JEONG, H", 'O"BRIEN, K', "Smith and Jones", "a;b", "ana", "bo"]
)


def shapes():
    return st.sampled_from(
        ["path", "star", "tree", "cycle", "complete", "near", "super", "lonely"]
    )


@st.composite
def networks(draw, min_people=1, max_people=14):
    shape = draw(shapes())
    n = draw(st.integers(min_people, max_people))
    seed = draw(st.integers(0, 50))
    if shape == "path":
        G = nx.path_graph(n)
    elif shape == "star":
        G = nx.star_graph(max(n - 1, 0))
    elif shape == "tree":
        G = nx.random_labeled_tree(n, seed=seed) if n > 1 else nx.empty_graph(1)
    elif shape == "cycle":
        G = nx.cycle_graph(n) if n > 2 else nx.path_graph(n)
    elif shape == "complete":
        G = nx.complete_graph(n)
    elif shape == "near":  # mean degree about 2: near critical at activity 1/2
        G = nx.gnp_random_graph(n, min(1.0, 2.0 / max(n - 1, 1)), seed=seed)
    elif shape == "super":
        G = nx.gnp_random_graph(n, min(1.0, 5.0 / max(n - 1, 1)), seed=seed)
    else:
        G = nx.empty_graph(n)
    activity = draw(st.sampled_from([0.0, 1.0, 0.3, 0.6]))
    use_words = draw(st.booleans())
    if use_words:
        extra = [f"person {i}, {chr(97 + i % 26)}" for i in range(n)]
        mapping = dict(zip(G.nodes(), extra, strict=True))
        G = nx.relabel_nodes(G, mapping)
    nodes = list(G.nodes())
    candidates = nodes[1::2]
    return from_networkx(
        G,
        strength=1.0,
        transmission=draw(st.sampled_from([1.0, 0.6])),
        activity=activity,
        recruiters=nodes[:1],
        candidates=candidates,
    )


def _no_false_zero(text):
    # a positive mean is never printed as "0.0"; "0%" only for exact zeros
    assert not re.search(r"(?<![\d.,])0\.0+(?![\d])", text), text


def _no_jargon(text):
    low = text.lower()
    for word in JARGON:
        assert word.lower() not in low, (word, text)


def _parse_list(text):
    """Invert :func:`join_names`: the names and the "N more"."""
    found = re.search(r"(\d+) more$", text)
    if not found:
        return _parse_names(text), 0
    names = _parse_names(text)
    if not text.startswith('"'):
        names = names[:-1]  # the last item is "N more" (unquoted)
    return names, int(found.group(1))


def _parse_names(text):
    """Invert :func:`join_names` (a list without "N more")."""
    if text.startswith('"'):
        return [m.replace('\\"', '"') for m in re.findall(r'"((?:[^"\\]|\\.)*)"', text)]
    if "; " in text:
        parts = text.split("; ")
        parts[-1] = parts[-1].removeprefix("and ")
        if len(parts) == 2 and parts[0].endswith(";"):
            parts[0] = parts[0][:-1]
        return parts
    parts = text.split(", ")
    head, _, last = parts[-1].rpartition(" and ")
    return [*parts[:-1], *([head] if head else []), last]


# ------------------------------------------------------------ the lists
@FAST
@given(st.lists(label_words | st.text("xyz ,", min_size=1, max_size=6), max_size=6))
def test_lists_of_people_read_back_whatever_the_labels(labels):
    labels = list(dict.fromkeys(labels))
    if not labels:
        return
    text = join_names(labels)
    assert _parse_names(text) == labels, text


@FAST
@given(st.integers(1, 9), st.integers(0, 30), st.integers(1, 5))
def test_named_plus_more_is_the_group(n, more, limit):
    labels = [f"p{i}" for i in range(n)]
    text = join_names(labels, more=more, limit=limit)
    names, said_more = _parse_list(text)
    assert names == labels[: min(n, limit)]
    assert len(names) + said_more == n + more


@FAST
@given(st.floats(0, 5000, allow_nan=False))
def test_a_positive_mean_is_never_zero(x):
    text = fmt_mean(x)
    if x > 0:
        assert text not in ("0", "0.0"), x
        assert text == "fewer than 0.1" or float(text.replace(",", "")) > 0
    else:
        assert text == "0"


# ------------------------------------------------------------ threshold
@pytest.mark.stat
@FAST
@given(networks())
def test_threshold_verdict_matches_its_table(net):
    cost = other_people_cost(net, trials=30, seed=1)
    table, curve = cost.table(), cost.curve
    text = threshold_sentence(table, curve)
    today = table.set_index("scenario").loc["as_is"]
    everyone = table.set_index("scenario").loc["everyone_acts"]
    opened = [v for v in VERDICTS if text.startswith(v)]
    assert len(opened) == 1, text
    # one verdict: no other verdict's words later in the text
    for v in VERDICTS:
        if v != opened[0]:
            assert v not in text, (v, text)
    n, sources = int(today["n_people"]), int(today["sources"])
    direct, k = int(today["direct_reach"]), int(today["sizeable_people"])
    share = float(today["sizeable_share_estimate"])
    # travelling far always means reaching beyond the recruiter's own contacts
    assert k > direct
    expected = (
        "This network holds only"
        if n <= sources
        else "Openings never leave"
        if everyone["people_reached_estimate"] <= sources
        else "Everyone in this network is a direct contact"
        if direct >= n
        else "No one passes openings on today"
        if today["mean_activity_estimate"] == 0
        else "This network has no cycles"
        if today["acyclic"]
        else "Openings take off"
        if share >= MOST
        else "Most openings stay local"
        if share >= FEW
        else "Openings die out near their source"
    )
    assert opened[0] == expected, text
    # where a supporting figure points the other way, the sentence says which
    # one it goes by, and only then
    if expected in ("Openings take off", "Openings die out near their source"):
        side = "above" if expected == "Openings take off" else "below"
        b_low, b_high = today["branching_ci_low"], today["branching_ci_high"]
        sim = "above" if b_low > 1 else "below" if b_high < 1 else None
        m_ana = table.set_index("scenario").loc["critical_analytic", "multiplier"]
        ana = "above" if m_ana < 1 else "below"
        disagree = (sim is not None and sim != side) or ana != side
        assert ("go by the reach today" in text) == disagree, text
        low = text.lower()
        assert ("the formula points" in low or "and the formula point" in low) == (
            ana != side
        ), text
    # numbers quoted are the table's
    said = re.search(r"typical opening reaches (\S+) of the ([\d,]+) people", text)
    if said:
        assert said.group(1) == fmt_number(today["people_reached_median"])
        assert int(said.group(2).replace(",", "")) == n
    for share_said, at_least in re.findall(
        r"(\S+%) of openings \(95% CI [^)]*\) (?:would )?reach at least ([\d,]+)",
        text,
    ):
        assert int(at_least.replace(",", "")) == k
        assert share_said in (
            fmt_share(share),
            fmt_share(everyone["sizeable_share_estimate"]),
        )
    if f"at least {k:,} people" in text and "No one passes" not in text:
        assert "direct contact" in text
    for value in re.findall(r"mean activity (\d+\.\d+)", text):
        assert float(value) <= 1.0
    assert "instead of" not in text or not re.search(
        r"mean activity (\S+) instead of \1\)", text
    )
    _no_false_zero(text)
    _no_jargon(text)


@pytest.mark.stat
@FAST
@given(networks(min_people=4))
def test_threshold_curve_has_no_wide_gaps(net):
    cost = other_people_cost(net, trials=30, seed=2)
    curve = cost.curve.sort_values("multiplier")
    assert curve["multiplier"].is_monotonic_increasing
    assert (curve["multiplier"] == 1.0).any()
    if net.activity.max() == 0:
        return
    reach = curve["people_reached_estimate"].to_numpy() / net.n_people
    far = curve["sizeable_share_estimate"].to_numpy()
    step = np.maximum(np.abs(np.diff(reach)), np.abs(np.diff(far)))
    # refinement stops at 0.05 or after 10 extra points
    assert step.max() <= 0.05 + 1e-12 or len(curve) >= 20


# ------------------------------------------------------------ funnel
@FAST
@given(networks(min_people=2))
def test_dropoff_decomposition_is_never_negative(net):
    result = spread(net, trials=40, seed=3)
    table = dropoff(result)
    assert (table["cost_more_at_hop"] >= 0).all()
    assert (table["cost_reached_earlier"] >= 0).all()
    assert np.allclose(
        table["cost"], table["cost_more_at_hop"] - table["cost_reached_earlier"]
    )
    # without fanout, everyone acting reaches a superset by every hop
    assert (table["cost_cumulative"] >= -1e-12).all()
    text = dropoff_sentence(table) + " " + cost_sentence(table)
    _no_false_zero(text)
    _no_jargon(text)
    if (table["cost"] < 0).any():
        assert "reached at an earlier hop" in text


# ------------------------------------------------------------ search
@FAST
@given(networks(min_people=2), st.booleans())
def test_search_never_reports_negative_intermediaries(net, start_is_target):
    starts = [net.labels[0], net.labels[-1]]
    targets = [net.labels[0]] if start_is_target else [net.labels[-1]]
    summary = search(net, starts, targets, trials=10, seed=4).summary()
    row = summary.set_index("measure").loc["mean_intermediaries"]
    if np.isfinite(row["estimate"]):
        assert row["estimate"] >= 0 and row["ci_low"] >= 0


# ------------------------------------------------------------ gatekeepers
@st.composite
def gatekeeper_tables(draw):
    compared = draw(st.integers(2, 25))
    size = draw(st.integers(2, compared))
    rows = draw(st.integers(1, compared))
    names = [f"p{i}" for i in range(compared)]
    if draw(st.booleans()):
        names = [f"SURNAME{i}, X" for i in range(compared)]
    loss = np.sort(
        draw(st.lists(st.floats(0.5, 3), min_size=compared, max_size=compared))
    )[::-1]
    table = pd.DataFrame(
        {
            "rank": np.arange(1, compared + 1),
            "person": names,
            "estimate": loss,
            "se": 0.05,
            "ci_low": loss - 0.1,
            "ci_high": loss + 0.1,
            "in_top_group": np.arange(compared) < size,
            "top_group_size": size,
            "compared": compared,
            "measure": "candidates_reached",
        }
    )
    return table.head(rows), size, compared


@FAST
@given(gatekeeper_tables())
def test_gatekeeper_counts_add_up(data):
    table, size, compared = data
    text = gatekeeper_sentence(table)
    shown = int(table["in_top_group"].sum())
    if size == 1:
        return
    opener = r"(?:top \d+ people \(|top two \(|compared \()"
    named = re.search(opener + r"(.*?)\)(?: \(the table|:)", text)
    assert named, text
    listed = named.group(1)
    people, more = _parse_list(listed)
    count = len(people) + more
    assert count == size, text
    assert all(p in set(table["person"]) for p in people)
    if shown < size:
        assert f"the table holds {shown:,} of the {size:,}" in text
        rest = "one was" if size - shown == 1 else f"{size - shown:,} were"
        assert f"the other {rest} compared but not kept" in text
    if compared > size:
        other = compared - size
        rest = "person" if other == 1 else f"{other:,} people"
        assert f"apart from the other {rest} compared" in text


@FAST
@given(networks(min_people=3, max_people=10))
def test_gatekeepers_table_holds_the_whole_top_group(net):
    from referral.analysis import gatekeepers

    if net.is_candidate.sum() == 0:
        return
    table = gatekeepers(net, top=1, trials=30, seed=5)
    if len(table):
        assert int(table["in_top_group"].sum()) == int(table["top_group_size"].iloc[0])
        text = gatekeeper_sentence(table)
        _no_jargon(text)


# ------------------------------------------------------------ whom to ask
@FAST
@given(networks(min_people=3, max_people=12), st.booleans())
def test_whom_to_ask_leaves_recruiters_out_unless_asked(net, ask):
    eligible = net.n_people - (0 if ask else 1)
    if eligible < 1 or net.is_candidate.sum() == 0:
        return
    k = min(2, eligible)
    table = ambassadors(net, k, ask_recruiters=ask, seed=6, check_trials=10)
    recruiter = net.labels[net.recruiters[0]]
    if not ask:
        assert recruiter not in set(table["person"])
        assert recruiter not in set(table["degree_person"])
    lines = who_to_ask_sentences(table)
    head = re.match(r"Ask (.*?): expected to reach", lines[0])
    assert head, lines[0]
    assert _parse_names(head.group(1)) == [str(p) for p in table["person"]]
    text = " ".join(lines)
    assert not re.search(r"\d+\.\d+%", text), text  # no "99.90%"
    assert text.count("guarantee") <= 1
    _no_jargon(text)
    if not ask:
        assert "not considered: they post already" in lines[0]


def test_display_names_replace_labels_in_every_sentence():
    from referral.analysis import gatekeepers

    G = nx.relabel_nodes(nx.les_miserables_graph(), lambda u: f"https://x.org/{u}")
    nx.set_node_attributes(G, {u: u.rsplit("/", 1)[1] + ", J" for u in G}, "name")
    people = sorted(G)
    net = from_networkx(
        G,
        strength=1.0,
        activity=0.3,
        recruiters=["https://x.org/Valjean"],
        candidates=people[::3],
    )
    table = ambassadors(net, 3, seed=1, check_trials=20)
    assert table["name"].tolist() == [
        p.rsplit("/", 1)[1] + ", J" for p in table["person"]
    ]
    text = " ".join(who_to_ask_sentences(table))
    keepers = gatekeepers(net, top=3, trials=60, seed=1)
    text += " " + gatekeeper_sentence(keepers)
    assert "https://" not in text
    head = re.match(r"Ask (.*?): expected", text)
    assert _parse_names(head.group(1)) == table["name"].tolist()
