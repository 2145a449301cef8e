"""The functions of :mod:`referral.interventions`, documented there (a private room)."""

from __future__ import annotations

import warnings

import numpy as np

from referral._core.params import Interval, Options, validate_params
from referral._core.rng import default_rng_from, resolve_entropy
from referral._core.validation import user_stacklevel
from referral.network._builders import from_arrays
from referral.network._referral_network import ReferralNetwork, default_transmission

__all__ = [
    "boost_activity",
    "referral_bonus",
    "scale_activity",
    "add_weak_ties",
    "add_channel",
    "remove_people",
]


def _clip_activity(values, function, *, warn=True):
    low, high = values < 0.0, values > 1.0
    if warn and (low.any() or high.any()):
        warnings.warn(
            f"{function} pushed the activity of {int(low.sum() + high.sum())} "
            f"people outside [0, 1]; clipped to [0, 1].",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return np.clip(values, 0.0, 1.0)


@validate_params(
    {
        "network": ["network"],
        "to": [Interval(float, 0, 1), None],
        "by": [Interval(float, None, None), None],
    }
)
def boost_activity(network: ReferralNetwork, people, *, to=None, by=None):
    """Raise chosen people's activity, e.g. train the top gatekeepers.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    people : iterable of labels
        Who is trained.
    to : float in [0, 1], optional
        Their new activity (a person already above it keeps theirs).
    by : float, optional
        An amount added to their activity; results above 1 or below 0 are
        clipped with a warning. Give exactly one of ``to`` and ``by``.

    Returns
    -------
    ReferralNetwork
        A changed copy; the input network is unchanged.

    Raises
    ------
    networkx.NodeNotFound
        If a person is not in the network.
    ValueError
        If both or neither of ``to`` and ``by`` are given, or ``to`` is
        outside [0, 1].

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.2)
    >>> boost_activity(net, [1], to=0.9).activity.tolist()
    [0.2, 0.9, 0.2]
    """
    if (to is None) == (by is None):
        raise ValueError(
            "boost_activity needs exactly one of 'to' and 'by'. "
            f"Got to={to!r}, by={by!r}."
        )
    ids = network.ids(people, parameter="people")
    activity = network.activity.copy()
    if to is not None:
        to = float(to)
        activity[ids] = np.maximum(activity[ids], to)
    else:
        by = float(by)
        activity[ids] = activity[ids] + by
        activity = _clip_activity(activity, "boost_activity")
    return network.replace(activity=activity)


@validate_params({"network": ["network"], "uplift": [Interval(float, None, None)]})
def referral_bonus(network: ReferralNetwork, uplift: float) -> ReferralNetwork:
    """A referral bonus: everyone's activity rises by ``uplift``.

    Results above 1 are clipped with a warning.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    uplift : float
        Added to everyone's activity.

    Returns
    -------
    ReferralNetwork
        A changed copy; the input network is unchanged.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(2), strength=1.0, activity=0.2)
    >>> referral_bonus(net, 0.1).activity.tolist()
    [0.30000000000000004, 0.30000000000000004]
    """
    uplift = float(uplift)
    activity = _clip_activity(network.activity + uplift, "referral_bonus")
    return network.replace(activity=activity)


@validate_params(
    {
        "network": ["network"],
        "multiplier": [Interval(float, 0, None)],
        "warn": ["boolean"],
    }
)
def scale_activity(
    network: ReferralNetwork, multiplier: float, *, warn: bool = True
) -> ReferralNetwork:
    """Multiply everyone's activity by ``multiplier`` (clipped to 1).

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    multiplier : float >= 0
        The factor on everyone's activity.
    warn : bool, default True
        Warn when activities are clipped to 1.

    Returns
    -------
    ReferralNetwork
        A changed copy; the input network is unchanged.

    Raises
    ------
    ValueError
        If ``multiplier`` is negative or not finite.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(2), strength=1.0, activity=0.4)
    >>> scale_activity(net, 2.0).activity.tolist()
    [0.8, 0.8]
    """
    activity = _clip_activity(
        network.activity * float(multiplier), "scale_activity", warn=warn
    )
    return network.replace(activity=activity)


def _rebuild(
    network,
    src,
    dst,
    *,
    strength,
    transmission,
    weak,
    activity=None,
    recruiters=None,
    candidates=None,
):
    """``network`` with a new tie list; people and their values unchanged
    unless given."""
    return from_arrays(
        network.labels,
        src,
        dst,
        strength=strength,
        transmission=transmission,
        weak=weak,
        activity=network.activity if activity is None else activity,
        recruiters=network.recruiters if recruiters is None else recruiters,
        candidates=network.candidates if candidates is None else candidates,
        directed=network.directed,
        weak_threshold=network.weak_threshold,
        attributes=dict(network.attributes),
    )


def _with_new_ties(network, src, dst, strength, weak):
    """A network with new ties added; pairs that already exist are skipped."""
    table = network.tie_table()
    old_src = table["source_id"].to_numpy(np.int64)
    old_dst = table["target_id"].to_numpy(np.int64)
    n = network.n_people
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if not network.directed:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    key = src * n + dst
    keep = (src != dst) & ~np.isin(key, old_src * n + old_dst)
    _, first = np.unique(key[keep], return_index=True)
    chosen = np.flatnonzero(keep)[np.sort(first)]
    src, dst = src[chosen], dst[chosen]
    strength = np.broadcast_to(np.asarray(strength, float), key.shape)[chosen]
    weak = np.broadcast_to(np.asarray(weak, bool), key.shape)[chosen]
    rebuilt = _rebuild(
        network,
        np.concatenate([old_src, src]),
        np.concatenate([old_dst, dst]),
        strength=np.concatenate([table["strength"].to_numpy(), strength]),
        transmission=np.concatenate(
            [table["transmission"].to_numpy(), default_transmission(strength)]
        ),
        weak=np.concatenate([table["weak"].to_numpy(), weak]),
    )
    return rebuilt, len(src)


@validate_params(
    {
        "network": ["network"],
        "k": [Interval(int, 0, None)],
        "strategy": [Options(("random", "bridges"))],
        "strength": [Interval(float, 0, 1, closed="right")],
        "seed": ["seed"],
    }
)
def add_weak_ties(
    network: ReferralNetwork,
    k: int,
    *,
    strategy: str = "random",
    strength: float = 0.25,
    seed=None,
) -> ReferralNetwork:
    """Add ``k`` new weak ties (acquaintances).

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    k : int
        Number of new ties to draw. Draws that hit an existing tie or repeat
        are skipped, so slightly fewer may be added on dense networks.
    strategy : {"random", "bridges"}
        ``"random"``: between people chosen uniformly at random.
        ``"bridges"``: between people in different communities (needs the
        ``community`` attribute): Granovetter's bridges.
    strength : float in (0, 1], default 0.25
        Strength of the new ties; they are marked weak whatever the value.
        Their transmission is :func:`referral.default_transmission`.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.

    Returns
    -------
    ReferralNetwork
        A changed copy; the input network is unchanged.

    Examples
    --------
    >>> from referral.network._populations import community_population
    >>> net = community_population(500, n_communities=5, seed=1)
    >>> more = add_weak_ties(net, 100, strategy="bridges", seed=2)
    >>> more.n_ties - net.n_ties
    100
    """
    fn = "add_weak_ties"
    k, strength = int(k), float(strength)
    rng = default_rng_from(resolve_entropy(seed, function=fn))
    n = network.n_people
    community = network.community
    if strategy == "bridges":
        if community is None:
            raise ValueError(
                f"{fn}(strategy='bridges') needs the 'community' attribute, and "
                f"this network has none; use strategy='random'."
            )
        if len(np.unique(community)) < 2:
            raise ValueError(f"{fn}(strategy='bridges') needs two or more communities.")
    src = np.empty(0, np.int64)
    dst = np.empty(0, np.int64)
    new_src, new_dst = src, dst
    for _ in range(50):  # redraw the few that hit existing ties or repeat
        if len(new_src) >= k:
            break
        a = rng.integers(0, n, size=2 * k + 10)
        b = rng.integers(0, n, size=2 * k + 10)
        ok = a != b
        if strategy == "bridges":
            ok &= community[a] != community[b]
        src, dst = np.concatenate([src, a[ok]]), np.concatenate([dst, b[ok]])
        new_src, new_dst = _first_new(network, src, dst, k)
    return _with_new_ties(network, new_src, new_dst, strength, True)[0]


def _first_new(network, src, dst, k):
    n = network.n_people
    table = network.tie_table()
    existing = table["source_id"].to_numpy(np.int64) * n + table["target_id"].to_numpy(
        np.int64
    )
    lo = np.minimum(src, dst) if not network.directed else src
    hi = np.maximum(src, dst) if not network.directed else dst
    key = lo * n + hi
    fresh = ~np.isin(key, existing)
    _, first = np.unique(key[fresh], return_index=True)
    chosen = np.flatnonzero(fresh)[np.sort(first)][:k]
    return src[chosen], dst[chosen]


@validate_params(
    {
        "network": ["network"],
        "contacts": [Interval(int, 1, None), None],
        "weak_strength": [Interval(float, 0, 1, closed="right")],
        "strong_probability": [Interval(float, 0, 1)],
        "strong_strength": [Interval(float, 0, 1, closed="right")],
        "seed": ["seed"],
    }
)
def add_channel(
    network: ReferralNetwork,
    members,
    *,
    contacts: int | None = None,
    weak_strength: float = 0.2,
    strong_probability: float = 0.05,
    strong_strength: float = 0.8,
    seed=None,
) -> ReferralNetwork:
    """Add a channel (a blog, a meetup, a coffee shop) for members to meet.

    Members gain weak ties to one another; each new tie is instead strong with
    probability ``strong_probability`` (a few acquaintances become friends).
    Ties that already exist are left as they are.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    members : iterable of labels
        The people who join the channel.
    contacts : int, optional
        How many other members each member meets (at random). Default: every
        member meets every other (k(k-1)/2 ties for k members).
    weak_strength : float in (0, 1]
        Strength of a new weak tie.
    strong_probability : float in [0, 1]
        The chance that a new tie is strong instead.
    strong_strength : float in (0, 1]
        Strength of a new strong tie.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.

    Returns
    -------
    ReferralNetwork
        A changed copy; the input network is unchanged.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.empty_graph(4), strength=1.0, activity=0.3)
    >>> add_channel(net, [0, 1, 2], strong_probability=0.0, seed=1).n_ties
    3
    """
    fn = "add_channel"
    ids = np.unique(network.ids(members, parameter="members")).astype(np.int64)
    strong_probability = float(strong_probability)
    rng = default_rng_from(resolve_entropy(seed, function=fn))
    size = len(ids)
    if size < 2:
        return network
    if contacts is None:
        a, b = np.triu_indices(size, k=1)
    else:
        contacts = int(contacts)
        a = np.repeat(np.arange(size), contacts)
        b = (a + rng.integers(1, size, size=len(a))) % size  # never oneself
    src, dst = ids[a], ids[b]
    strong = rng.random(len(src)) < strong_probability
    strength = np.where(strong, strong_strength, weak_strength)
    new_net, _ = _with_new_ties(network, src, dst, strength, ~strong)
    if network.directed:  # a channel tie goes both ways
        new_net, _ = _with_new_ties(new_net, dst, src, strength, ~strong)
    return new_net


@validate_params({"network": ["network"]})
def remove_people(network: ReferralNetwork, people) -> ReferralNetwork:
    """Take people out of the network: they leave, or stop passing anything on.

    Their ties are removed, their activity set to 0 and their roles cleared.
    They stay as isolated placeholders so the people index is unchanged and
    scenarios remain comparable person by person; use
    ``network.to_networkx().subgraph(...)`` to delete them outright.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    people : iterable of labels
        The people who leave.

    Returns
    -------
    ReferralNetwork
        A changed copy; the input network is unchanged.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.3)
    >>> gone = remove_people(net, [1])
    >>> gone.n_people, gone.n_ties
    (3, 0)
    """
    ids = network.ids(people, parameter="people")
    out = np.zeros(network.n_people, dtype=bool)
    out[ids] = True
    table = network.tie_table()
    keep = ~(out[table["source_id"].to_numpy()] | out[table["target_id"].to_numpy()])
    activity = network.activity.copy()
    activity[out] = 0.0
    return _rebuild(
        network,
        table["source_id"].to_numpy()[keep],
        table["target_id"].to_numpy()[keep],
        strength=table["strength"].to_numpy()[keep],
        transmission=table["transmission"].to_numpy()[keep],
        weak=table["weak"].to_numpy()[keep],
        activity=activity,
        recruiters=np.flatnonzero(network.is_recruiter & ~out),
        candidates=np.flatnonzero(network.is_candidate & ~out),
    )
