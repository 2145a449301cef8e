"""Bundled real networks and empirical chain-length data.

The files ship inside the package (gzip text) and are read with no network
access.
"""

from __future__ import annotations

import gzip
from importlib import resources

import networkx as nx
import numpy as np
import pandas as pd

from referral._core.params import Interval, Pair, validate_params
from referral._core.rng import default_rng_from, resolve_entropy
from referral.network._builders import from_networkx
from referral.network._referral_network import ReferralNetwork
from referral.network._tie_strength import overlap_strength, reciprocity_strength

__all__ = [
    "email_eu_core",
    "email_eu_core_graph",
    "facebook_ego",
    "facebook_ego_graph",
    "empirical_chain_lengths",
]

_DATA = resources.files(__name__) / "data"


def _read_pairs(name: str) -> np.ndarray:
    with resources.as_file(_DATA / name) as path, gzip.open(path, "rt") as handle:
        rows = [
            line.split()
            for line in handle
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return np.asarray(rows, dtype=np.int64)


def email_eu_core_graph() -> nx.DiGraph:
    """The raw e-mail network of a European research institution.

    1,005 people and 25,571 directed edges (642 of them self-loops, kept
    here as published); ``u -> v`` means ``u`` sent ``v`` at least one e-mail.
    Each node has the attribute ``department`` (0-41).

    Source: SNAP, "email-Eu-core network", Stanford Network Analysis Project
    (Leskovec, Kleinberg & Faloutsos 2007, ACM TKDD 1(1); Yin, Benson,
    Leskovec & Gleich 2017, KDD). Distributed by SNAP for research use; cite
    the papers above.

    Returns
    -------
    networkx.DiGraph
        The graph, with a ``department`` attribute on every node.

    Examples
    --------
    >>> G = email_eu_core_graph()
    >>> G.number_of_nodes(), G.number_of_edges()
    (1005, 25571)
    """
    edges = _read_pairs("email-Eu-core.txt.gz")
    departments = _read_pairs("email-Eu-core-department-labels.txt.gz")
    G = nx.DiGraph()
    G.add_nodes_from(
        (int(person), {"department": int(dept)}) for person, dept in departments
    )
    G.add_edges_from(map(tuple, edges.tolist()))
    return G


def _roles(G, rng, n_recruiters, candidate_share, min_contacts, function):
    nodes = np.asarray(list(G.nodes))
    degree = np.asarray([G.degree(u) for u in nodes])
    eligible = nodes[degree >= min_contacts]
    if n_recruiters > len(eligible):
        raise ValueError(
            f"The 'n_recruiters' parameter of {function} must be at most "
            f"{len(eligible)} (the people with {min_contacts} or more contacts). "
            f"Got {n_recruiters} instead."
        )
    recruiters = rng.choice(eligible, size=n_recruiters, replace=False)
    candidate = rng.random(len(nodes)) < candidate_share
    candidate &= ~np.isin(nodes, recruiters)
    return recruiters.tolist(), nodes[candidate].tolist()


@validate_params(
    {
        "activity": [
            Interval(float, 0, 1),
            Pair(Interval(float, 0, None, closed="neither")),
        ],
        "n_recruiters": [Interval(int, 0, None)],
        "candidate_share": [Interval(float, 0, 1)],
        "seed": ["seed"],
    }
)
def email_eu_core(
    *,
    activity=(2.0, 5.0),
    n_recruiters: int = 1,
    candidate_share: float = 0.2,
    seed=0,
) -> ReferralNetwork:
    """The e-mail network as a :class:`ReferralNetwork`, ready to simulate.

    The raw data (:func:`email_eu_core_graph`) has no tie strengths, activity
    or roles, so this loader adds documented estimates:

    * self-loops are dropped (25,571 - 642 = 24,929 directed ties);
    * tie strength from :func:`referral.reciprocity_strength`: half the
      neighbourhood-overlap percentile, half whether the e-mail tie is
      reciprocated, so one-way ties are weak;
    * activity drawn from Beta(2, 5) (most people are poor networkers), or a
      constant if ``activity`` is a float;
    * ``n_recruiters`` recruiters drawn among people with at least 10
      contacts, and a ``candidate_share`` of the others as candidates;
    * each person's ``community`` is their department.

    Parameters
    ----------
    activity : float or (float, float), default (2, 5)
        A constant activity, or the Beta shape parameters to draw it from.
    n_recruiters : int, default 1
        How many recruiters to draw.
    candidate_share : float, default 0.2
        The share of the other people who are candidates.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. It
        draws activity and roles; the default makes the loader deterministic.

    Returns
    -------
    ReferralNetwork
        The network, with ``community`` set to the department.

    Examples
    --------
    >>> net = email_eu_core()
    >>> net.n_people, net.n_ties, net.directed
    (1005, 24929, True)
    """
    G = email_eu_core_graph()
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    return _as_referral_network(
        G,
        strength=reciprocity_strength(G),
        activity=activity,
        n_recruiters=n_recruiters,
        candidate_share=candidate_share,
        seed=seed,
        community="department",
        function="email_eu_core",
    )


def facebook_ego_graph() -> nx.Graph:
    """The raw Facebook friendship network from 10 combined ego networks.

    4,039 people and 88,234 undirected friendships.

    Source: SNAP, "ego-Facebook" (McAuley & Leskovec 2012, "Learning to
    Discover Social Circles in Ego Networks", NIPS). Distributed by SNAP for
    research use; cite the paper above.

    Returns
    -------
    networkx.Graph
        The friendship graph.

    Examples
    --------
    >>> G = facebook_ego_graph()
    >>> G.number_of_nodes(), G.number_of_edges()
    (4039, 88234)
    """
    edges = _read_pairs("facebook_combined.txt.gz")
    G = nx.Graph()
    G.add_edges_from(map(tuple, edges.tolist()))
    return G


@validate_params(
    {
        "activity": [
            Interval(float, 0, 1),
            Pair(Interval(float, 0, None, closed="neither")),
        ],
        "n_recruiters": [Interval(int, 0, None)],
        "candidate_share": [Interval(float, 0, 1)],
        "seed": ["seed"],
    }
)
def facebook_ego(
    *,
    activity=(2.0, 5.0),
    n_recruiters: int = 1,
    candidate_share: float = 0.2,
    seed=0,
) -> ReferralNetwork:
    """The Facebook network as a :class:`ReferralNetwork`, ready to simulate.

    Tie strength is :func:`referral.overlap_strength` (friends who share
    many friends are close); activity and roles are drawn as in
    :func:`email_eu_core`. There is no community attribute.

    Parameters
    ----------
    activity : float or (float, float), default (2, 5)
        A constant activity, or the Beta shape parameters to draw it from.
    n_recruiters : int, default 1
        How many recruiters to draw.
    candidate_share : float, default 0.2
        The share of the other people who are candidates.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. It
        draws activity and roles.

    Returns
    -------
    ReferralNetwork
        The network.

    Examples
    --------
    >>> net = facebook_ego()
    >>> net.n_people, net.n_ties
    (4039, 88234)
    """
    G = facebook_ego_graph()
    return _as_referral_network(
        G,
        strength=overlap_strength(G),
        activity=activity,
        n_recruiters=n_recruiters,
        candidate_share=candidate_share,
        seed=seed,
        community=None,
        function="facebook_ego",
    )


def _as_referral_network(
    G, *, strength, activity, n_recruiters, candidate_share, seed, community, function
):
    candidate_share = float(candidate_share)
    rng = default_rng_from(resolve_entropy(seed, function=function))
    nodes = list(G.nodes)
    if isinstance(activity, tuple | list):
        a, b = activity
        values = rng.beta(a, b, size=len(nodes))
    else:
        values = np.full(len(nodes), float(activity))
    activity_map = dict(zip(nodes, values.tolist(), strict=True))
    recruiters, candidates = _roles(G, rng, n_recruiters, candidate_share, 10, function)
    attributes = []
    if community is not None:
        nx.set_node_attributes(
            G, {u: d[community] for u, d in G.nodes(data=True)}, "community"
        )
        attributes = ["community", community]
    return from_networkx(
        G,
        strength=strength,
        activity=activity_map,
        recruiters=recruiters,
        candidates=candidates,
        attributes=attributes,
    )


def empirical_chain_lengths() -> pd.DataFrame:
    """Return histograms of completed-chain lengths from two experiments.

    Returns
    -------
    pandas.DataFrame
        ``study`` (str: "milgram1967" or "dodds2003"), ``intermediaries``
        (int64: people between the starter and the target, i.e. chain length
        minus one), ``chains`` (int64: completed chains with that many).

    Notes
    -----
    Travers & Milgram 1969 (Sociometry 32:425): 64 completed chains, mean 5.2
    intermediaries. Dodds, Muhamad & Watts 2003 (Science 301:827): the
    histogram digitised from the paper's figure holds 402 chains (the paper's
    text reports 384 completed chains). Digitised by Kolic et al., "Incentivized
    network dynamics in digital job recruitment" (J. Complex Networks 2025),
    MIT-licensed repository data.

    Examples
    --------
    >>> df = empirical_chain_lengths()
    >>> int(df.loc[df.study == "milgram1967", "chains"].sum())
    64
    """
    frames = []
    for study, name in [
        ("milgram1967", "histogram_milgram1967.csv"),
        ("dodds2003", "histogram_dodds2003.csv"),
    ]:
        with resources.as_file(_DATA / name) as path:
            table = pd.read_csv(path)
        frames.append(
            pd.DataFrame(
                {
                    "study": study,
                    "intermediaries": table["Intermediaries"].astype("int64"),
                    "chains": table["Chains"].astype("int64"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
