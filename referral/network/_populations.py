"""Synthetic populations of people with strong and weak ties.

People live in communities (departments, teams, towns). Strong ties (friends,
close colleagues) mostly stay inside a community; weak ties (acquaintances,
people met at a meetup or through a blog) mostly cross between communities,
as Granovetter (1973) described. Networking skill is uneven: each person's
``activity`` (the chance they pass a referral on) is drawn from a skewed Beta
distribution, by default Beta(2, 5) with mean 2/7 ≈ 0.29, so most people are
poor networkers.

Every generator is vectorised (no Python loop over people or ties) and takes
``seed``.
"""

from __future__ import annotations

import numpy as np

from referral._core.params import Interval, Pair, validate_params
from referral._core.rng import default_rng_from, resolve_entropy
from referral.network._builders import from_arrays
from referral.network._referral_network import DEFAULT_WEAK_THRESHOLD, ReferralNetwork

__all__ = ["community_population", "draw_activity"]


@validate_params(
    {
        "n_people": [Interval(int, 0, None)],
        "beta": [Pair(Interval(float, 0, None, closed="neither"))],
        "seed": ["seed"],
    }
)
def draw_activity(n_people: int, *, beta=(2.0, 5.0), seed=None) -> np.ndarray:
    """Draw each person's networking activity from Beta(a, b).

    Parameters
    ----------
    n_people : int
        How many values to draw.
    beta : (float, float), default (2, 5)
        The Beta shape parameters; the default has mean 2/7 ≈ 0.29 and most
        of its mass below 0.5 (most people rarely pass referrals on).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.

    Returns
    -------
    numpy.ndarray of float64
        One activity in [0, 1] per person.

    Examples
    --------
    >>> a = draw_activity(100_000, seed=1)
    >>> round(float(a.mean()), 2)
    0.29
    """
    n_people = int(n_people)
    a, b = (float(x) for x in beta)
    rng = default_rng_from(resolve_entropy(seed, function="draw_activity"))
    return rng.beta(a, b, size=n_people)


def _weighted_pick(rng, cumulative, low, high, size):
    """Indices drawn with probability proportional to weight in [low, high).

    ``cumulative`` is the inclusive cumulative sum of the weights; ``low`` and
    ``high`` are index bounds (arrays or scalars).
    """
    start = np.where(low > 0, cumulative[np.maximum(low - 1, 0)], 0.0)
    total = cumulative[high - 1] - start
    u = start + rng.random(size) * total
    picked = np.searchsorted(cumulative, u, side="right")
    return np.minimum(picked, high - 1)


@validate_params(
    {
        "n_people": [Interval(int, 1, None)],
        "n_communities": [Interval(int, 1, None), None],
        "strong_contacts": [Interval(float, 0, None)],
        "weak_contacts": [Interval(float, 0, None)],
        "strong_outside": [Interval(float, 0, 1)],
        "weak_inside": [Interval(float, 0, 1)],
        "contact_exponent": [Interval(float, 2, None, closed="neither"), None],
        "activity_beta": [Pair(Interval(float, 0, None, closed="neither"))],
        "strong_strength": [Pair(Interval(float, 0, 1, closed="right"))],
        "weak_strength": [Pair(Interval(float, 0, 1, closed="right"))],
        "n_recruiters": [Interval(int, 0, None)],
        "candidate_share": [Interval(float, 0, 1)],
        "weak_threshold": [Interval(float, 0, 1)],
        "seed": ["seed"],
    }
)
def community_population(
    n_people: int,
    *,
    n_communities: int | None = None,
    strong_contacts: float = 6.0,
    weak_contacts: float = 4.0,
    strong_outside: float = 0.05,
    weak_inside: float = 0.2,
    contact_exponent: float | None = None,
    activity_beta=(2.0, 5.0),
    strong_strength=(0.5, 1.0),
    weak_strength=(0.05, 0.5),
    n_recruiters: int = 10,
    candidate_share: float = 0.2,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
    seed=None,
) -> ReferralNetwork:
    """A population in communities with strong ties inside and weak ties across.

    Parameters
    ----------
    n_people : int
        Number of people.
    n_communities : int, optional
        Number of communities (departments, teams, towns); default about one
        per 50 people. People are assigned uniformly at random.
    strong_contacts : float, default 6
        Mean number of strong ties (close colleagues and friends) per person.
    weak_contacts : float, default 4
        Mean number of weak ties (acquaintances) per person.
    strong_outside : float, default 0.05
        Share of strong ties that reach outside one's own community.
    weak_inside : float, default 0.2
        Share of weak ties that stay inside one's own community; the rest are
        bridges to another community chosen at random.
    contact_exponent : float, optional
        If given (for example 2.5), sociability is heavy-tailed: each person's
        expected number of contacts follows a Pareto law with this exponent,
        so a few people know very many. Default: everyone is alike and
        contact counts are Poisson-like.
    activity_beta : (float, float), default (2, 5)
        Beta distribution of networking activity (the chance a person acts on
        a referral they hold). The default has mean ≈ 0.29.
    strong_strength, weak_strength : (float, float)
        Ranges of uniform tie strength for strong and weak ties; they should
        sit on either side of ``weak_threshold``.
    n_recruiters : int, default 10
        Recruiters, chosen at random.
    candidate_share : float, default 0.2
        Share of the other people who are candidates (open to a new job).
    weak_threshold : float, default 0.5
        Ties weaker than this are weak ties (unless marked otherwise).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.

    Returns
    -------
    ReferralNetwork
        Undirected, with the attribute ``community`` (int32). Ties drawn twice
        keep their first (strong) draw.

    Notes
    -----
    Ties are drawn as ``n_people * contacts / 2`` random pairs: one end is a
    person chosen in proportion to sociability, the other a person in the
    same community (or, for a share of ties, anywhere) also in proportion to
    sociability. Everything is vectorised; a million people take a few
    seconds.

    Examples
    --------
    >>> net = community_population(2_000, n_communities=20, seed=1)
    >>> net.n_people, int(net.is_recruiter.sum())
    (2000, 10)
    >>> bool(net.weak.mean() < 0.5)
    True
    """
    fn = "community_population"
    n_people = int(n_people)
    if n_communities is None:
        n_communities = max(1, round(n_people / 50))
    n_communities = int(n_communities)
    if n_communities > n_people:
        raise ValueError(
            f"The 'n_communities' parameter of {fn} must be at most n_people "
            f"({n_people}). Got {n_communities} instead."
        )
    strong_contacts, weak_contacts = float(strong_contacts), float(weak_contacts)
    strong_outside, weak_inside = float(strong_outside), float(weak_inside)
    candidate_share, n_recruiters = float(candidate_share), int(n_recruiters)
    if n_recruiters > n_people:
        raise ValueError(
            f"The 'n_recruiters' parameter of {fn} must be at most n_people "
            f"({n_people}). Got {n_recruiters} instead."
        )
    a, b = (float(x) for x in activity_beta)
    for name, (low, high) in [
        ("strong_strength", strong_strength),
        ("weak_strength", weak_strength),
    ]:
        if not (0 < low <= high <= 1):
            raise ValueError(
                f"The {name!r} parameter of {fn} must be a range (low, high) with "
                f"0 < low <= high <= 1. Got {(low, high)!r} instead."
            )

    rng = default_rng_from(resolve_entropy(seed, function=fn))
    n = n_people
    community = np.sort(rng.integers(0, n_communities, size=n)).astype(np.int32)
    # ensure every community label 0..C-1 exists is not required; bounds per id
    starts = np.searchsorted(community, np.arange(n_communities), side="left")
    ends = np.searchsorted(community, np.arange(n_communities), side="right")

    if contact_exponent is None:
        sociability = np.ones(n)
    else:
        sociability = rng.pareto(contact_exponent - 1.0, size=n) + 1.0
    cumulative = np.cumsum(sociability)

    def draw_ties(mean_contacts, outside_share):
        m = int(round(n * mean_contacts / 2.0))
        if m == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        tellers = _weighted_pick(rng, cumulative, 0, n, m)
        outside = rng.random(m) < outside_share
        lo = np.where(outside, 0, starts[community[tellers]])
        hi = np.where(outside, n, ends[community[tellers]])
        others = _weighted_pick(rng, cumulative, lo, hi, m)
        return tellers.astype(np.int64), others.astype(np.int64)

    strong_src, strong_dst = draw_ties(strong_contacts, strong_outside)
    weak_src, weak_dst = draw_ties(weak_contacts, 1.0 - weak_inside)
    src = np.concatenate([strong_src, weak_src])
    dst = np.concatenate([strong_dst, weak_dst])
    s_lo, s_hi = strong_strength
    w_lo, w_hi = weak_strength
    strength = np.concatenate(
        [
            rng.uniform(s_lo, s_hi, size=len(strong_src)),
            rng.uniform(w_lo, w_hi, size=len(weak_src)),
        ]
    )
    # drop self-pairs and keep the first draw of a pair drawn twice
    keep = src != dst
    src, dst, strength = src[keep], dst[keep], strength[keep]
    key = np.minimum(src, dst) * n + np.maximum(src, dst)
    _, first = np.unique(key, return_index=True)
    first.sort()
    src, dst, strength = src[first], dst[first], strength[first]
    weak = strength < weak_threshold

    activity = rng.beta(a, b, size=n)
    recruiters = rng.choice(n, size=n_recruiters, replace=False)
    candidate = rng.random(n) < candidate_share
    candidate[recruiters] = False
    return from_arrays(
        n,
        src,
        dst,
        strength=strength,
        weak=weak,
        activity=activity,
        recruiters=recruiters,
        candidates=np.flatnonzero(candidate),
        directed=False,
        weak_threshold=weak_threshold,
        attributes={"community": community},
    )
