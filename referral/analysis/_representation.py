"""Who gets reached: groups of people in a spread's reach against a pool.

:func:`representation` breaks the people a spread reached down by any person
attribute (a department, a community, a gender, ...) and sets each group's
share of them against its share of a pool: the whole network, the
candidates, or a given list of people. :func:`homophily` says how much the
network's ties stay within those groups, which is usually why a group is
missed.

How the numbers are made
------------------------
The posters (the sources) are left out of both the reach and the pool: they
are not reached, they post. A group's **share reached** is a ratio of means
over trials, ``mean(group's pool members reached) / mean(pool members
reached)``; its **ratio** is the share reached divided by the group's pool
share (1 is a fair share), and its **gap** is the difference (share reached
minus pool share). Their intervals are normal intervals from the delta
method: each trial contributes ``(X_t - share * T_t) / mean(T)`` (``X_t``
the group's people reached in trial ``t``, ``T_t`` everyone's), and the
standard error is the spread of those contributions over the square root of
the number of trials the means are over.

The means over all hops use every trial when the run kept the per-person
tallies (``record="full"``); the trial-to-trial spread, and every per-hop
figure, come from the trials whose chains were kept (``keep_chains``, the
first trials of the run). The ``n`` column says how many trials each mean is
over.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.stats import z_for
from referral.network._referral_network import ReferralNetwork

__all__ = [
    "representation",
    "homophily",
    "group_codes",
    "representation_parts",
    "UNKNOWN_GROUP",
    "REPRESENTATION_COLUMNS",
]

#: The name of the group of people whose attribute value is missing.
UNKNOWN_GROUP = "unknown"

#: The columns of :func:`representation`'s table, in order.
REPRESENTATION_COLUMNS = [
    "by",
    "pool",
    "among",
    "hop",
    "group",
    "pool_size",
    "pool_share",
    "reached_mean",
    "measure",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "level",
    "n",
    "trials_with_reach",
]

_MEASURES = ("share_reached", "ratio", "gap")


# ------------------------------------------------------------------ groups
def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return False


def group_codes(network: ReferralNetwork, by: str, *, function: str = "representation"):
    """Each person's group under attribute ``by``, as codes and group names.

    Missing values (``None``, NaN) form the group :data:`UNKNOWN_GROUP`,
    listed last; the other groups are in sorted order of their values.

    Parameters
    ----------
    network : ReferralNetwork
        The people.
    by : str
        The name of a person attribute of ``network``.
    function : str, default "representation"
        The public function the error messages name.

    Returns
    -------
    codes : numpy.ndarray of int64
        One code per person, an index into ``groups``.
    groups : list
        The group names: the attribute's values, then ``"unknown"`` if any
        value is missing.

    Raises
    ------
    KeyError
        If the network has no attribute ``by``; the message lists the ones
        it has.
    ValueError
        If a present value is the string ``"unknown"`` while other values are
        missing (the two groups would merge).

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.path_graph(3)
    >>> G.nodes[0]["team"] = "a"
    >>> G.nodes[1]["team"] = "b"
    >>> net = from_networkx(G, strength=1.0, activity=0.5)
    >>> codes, groups = group_codes(net, "team")
    >>> codes.tolist(), groups
    ([0, 1, 2], ['a', 'b', 'unknown'])
    """
    if not isinstance(by, str):
        raise TypeError(
            f"The 'by' parameter of {function} must be the name of a person "
            f"attribute (a str). Got {by!r} instead."
        )
    if by not in network.attributes:
        have = sorted(network.attributes)
        raise KeyError(
            f"{function}: the network has no person attribute {by!r} (the 'by' "
            f"parameter); it has {have if have else 'no attributes'}."
        )
    values = np.asarray(network.attributes[by], dtype=object)
    missing = np.fromiter(
        (_is_missing(v) for v in values), dtype=bool, count=len(values)
    )
    present = values[~missing]
    try:
        names = sorted(set(present.tolist()))
    except TypeError:  # mixed types: order by their text
        names = sorted(set(present.tolist()), key=lambda v: (type(v).__name__, str(v)))
    if missing.any():
        if UNKNOWN_GROUP in names:
            raise ValueError(
                f"{function}: attribute {by!r} has missing values, which form the "
                f"group {UNKNOWN_GROUP!r}, but {UNKNOWN_GROUP!r} is also one of its "
                f"values; rename that value."
            )
        names.append(UNKNOWN_GROUP)
    index = {name: i for i, name in enumerate(names)}
    codes = np.empty(len(values), dtype=np.int64)
    codes[missing] = len(names) - 1
    codes[~missing] = [index[v] for v in present.tolist()]
    return codes, names


def _pool_mask(network, pool, sources, function):
    n = network.n_people
    if pool is None:
        mask = np.ones(n, dtype=bool)
        what = "the whole network"
        kind = "network"
    elif isinstance(pool, str) and pool == "candidates":
        mask = network.is_candidate.copy()
        what = "the candidates"
        kind = "candidates"
    else:
        if isinstance(pool, str | numbers.Number) or not isinstance(pool, Iterable):
            pool = [pool]
        ids = network.ids(list(pool), parameter="pool")
        mask = np.zeros(n, dtype=bool)
        mask[ids] = True
        what = "the pool"
        kind = "given"
    mask[sources] = False
    if not mask.any():
        raise ValueError(
            f"{function}: the pool ({what}, without the {len(sources)} poster(s)) "
            f"is empty; pass pool=None (everyone), 'candidates' or a list of people."
        )
    return mask, what, kind


# ---------------------------------------------------------- the estimates
def _ratio_parts(counts, total_mean_counts, n_mean):
    """Share, its per-trial contributions and standard error.

    ``counts``: (trials, groups) kept per-trial counts; ``total_mean_counts``:
    (groups,) means over the ``n_mean`` trials the estimate is over.
    """
    mean_total = float(total_mean_counts.sum())
    totals = counts.sum(axis=1)
    if mean_total <= 0:
        share = np.full(counts.shape[1], np.nan)
        psi = np.full(counts.shape, np.nan)
        return share, psi, np.full(counts.shape[1], np.nan)
    share = total_mean_counts / mean_total
    psi = (counts - share[None, :] * totals[:, None]) / mean_total
    if counts.shape[0] >= 2:
        se = psi.std(axis=0, ddof=1) / np.sqrt(n_mean)
    else:
        se = np.full(counts.shape[1], np.nan)
    return share, psi, se


def representation_parts(
    result, by, pool=None, groups_wanted=None, *, function="representation"
):
    """The pieces :func:`representation` and ``compare(by=...)`` share.

    Parameters
    ----------
    result : SpreadResult
        A spread.
    by : str
        The attribute.
    pool : None, "candidates" or iterable of labels
        The pool.
    groups_wanted : None or iterable
        The groups to report (default: every group with members in the pool).
    function : str
        The public function the error messages name.

    Returns
    -------
    list of dict
        One dict per (among, hop) block with keys ``pool`` (its kind),
        ``among``, ``hop`` (None for
        all hops), ``groups``, ``pool_size``, ``pool_share``,
        ``reached_mean``, ``share``, ``psi`` (kept trials x groups: each
        trial's contribution to the share) and ``n``.

    Raises
    ------
    ValueError, KeyError, TypeError
        See :func:`representation`.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx, spread
    >>> G = nx.star_graph(3)
    >>> nx.set_node_attributes(G, dict(enumerate("xaab")), "team")
    >>> net = from_networkx(G, strength=1.0, activity=1.0, recruiters=[0])
    >>> parts = representation_parts(spread(net, trials=3, seed=1), "team")
    >>> parts[0]["groups"], parts[0]["share"].tolist()
    (['a', 'b'], [0.6666666666666666, 0.3333333333333333])
    """
    from referral.simulate._spread_result import SpreadResult

    if not isinstance(result, SpreadResult):
        raise TypeError(
            f"{function} needs a SpreadResult (from referral.spread). Got "
            f"{type(result).__name__} instead."
        )
    network = result.network
    codes, groups = group_codes(network, by, function=function)
    sources = np.asarray(result.sources, dtype=np.int64)
    mask, what, kind = _pool_mask(network, pool, sources, function)
    n_groups = len(groups)
    pool_size = np.bincount(codes[mask], minlength=n_groups)
    if groups_wanted is None:
        chosen = np.flatnonzero(pool_size > 0)
    else:
        wanted = [groups_wanted] if isinstance(groups_wanted, str) else groups_wanted
        wanted = list(wanted)
        if not wanted:
            raise ValueError(f"{function}: the 'groups' parameter is empty.")
        index = {name: i for i, name in enumerate(groups)}
        unknown = [w for w in wanted if w not in index]
        if unknown:
            raise ValueError(
                f"{function}: group(s) {unknown!r} are not values of attribute "
                f"{by!r} (the 'groups' parameter); its groups are {groups!r}."
            )
        chosen = np.array([index[w] for w in wanted], dtype=np.int64)
        empty = [groups[g] for g in chosen if pool_size[g] == 0]
        if empty:
            raise ValueError(
                f"{function}: group(s) {empty!r} of attribute {by!r} have no members "
                f"in the pool ({what}, without the posters), so their share of the "
                f"pool is 0 and their ratio has no meaning; pass a pool that "
                f"includes them."
            )
    # people outside the chosen groups stay in the totals as one "other" column
    remap = np.full(n_groups, len(chosen), dtype=np.int64)
    remap[chosen] = np.arange(len(chosen))
    codes = remap[codes]
    groups = [groups[g] for g in chosen]
    n_groups = len(groups) + 1
    kept = min(result.keep_chains, result.n_trials)
    if kept < 2:
        raise ValueError(
            f"{function} needs the chains of at least 2 trials for its intervals, "
            f"but this run kept {kept} (keep_chains={result.keep_chains}); run "
            f"spread(..., keep_chains=100) or more."
        )
    full = result.record == "full"
    in_kept = result.chain_trial < kept
    person = result.chain_person[in_kept].astype(np.int64)
    trial = result.chain_trial[in_kept].astype(np.int64)
    hop = result.chain_hop[in_kept].astype(np.int64)
    n_hops = int(max(result.trial_hop.shape[1], hop.max(initial=0) + 1))

    blocks = []
    candidate = network.is_candidate
    for among, member in (("people", mask), ("candidates", mask & candidate)):
        if among == "candidates" and not member.any():
            continue
        size = np.bincount(codes[member], minlength=n_groups)
        pool_share = size / size.sum()
        named = slice(0, n_groups - 1)
        take = member[person]
        g, t, h = codes[person[take]], trial[take], hop[take]
        per_hop = np.zeros((kept, n_hops, n_groups))
        np.add.at(per_hop, (t, h, g), 1.0)
        overall = per_hop.sum(axis=1)
        if full:
            mean_counts = np.bincount(
                codes[member],
                weights=result.person_reached[member].astype(np.float64),
                minlength=n_groups,
            ) / float(result.n_trials)
            n_mean = result.n_trials
        else:
            mean_counts = overall.mean(axis=0)
            n_mean = kept
        share, psi, _ = _ratio_parts(overall, mean_counts, n_mean)
        blocks.append(
            {
                "pool": kind,
                "among": among,
                "hop": None,
                "groups": groups,
                "pool_size": size[named],
                "pool_share": pool_share[named],
                "reached_mean": mean_counts[named],
                "share": share[named],
                "psi": psi[:, named],
                "n": n_mean,
                "trials_with_reach": int((overall.sum(axis=1) > 0).sum()),
            }
        )
        for h_ in range(1, n_hops):
            counts = per_hop[:, h_, :]
            mean_counts = counts.mean(axis=0)
            share, psi, _ = _ratio_parts(counts, mean_counts, kept)
            blocks.append(
                {
                    "pool": kind,
                    "among": among,
                    "hop": h_,
                    "groups": groups,
                    "pool_size": size[named],
                    "pool_share": pool_share[named],
                    "reached_mean": mean_counts[named],
                    "share": share[named],
                    "psi": psi[:, named],
                    "n": kept,
                    "trials_with_reach": int((counts.sum(axis=1) > 0).sum()),
                }
            )
    return blocks


def _se_of(psi, n):
    if psi.shape[0] < 2:
        return np.full(psi.shape[1], np.nan)
    return psi.std(axis=0, ddof=1) / np.sqrt(n)


@validate_params(
    {
        "by": [str],
        "level": [Interval(float, 0, 1, closed="neither")],
    }
)
def representation(
    result, by: str = "community", *, pool=None, groups=None, level: float = 0.95
):
    """Who the opening reaches, group by group, against their share of a pool.

    For each group of an attribute (a department, a community, ...): its
    share of the people reached against its share of the pool, the ratio of
    the two (1 is a fair share, below 1 the group is under-reached), and the
    gap, each with an interval from the trials; over all hops and hop by hop,
    so you see where a group falls out. The same for the candidates reached
    (against the group's share of the candidates in the pool) when the pool
    holds candidates. The posters are left out of both the reach and the
    pool.

    Parameters
    ----------
    result : SpreadResult
        A spread (:func:`referral.spread`) that kept the chains of at least
        two trials (``keep_chains >= 2``, default 100).
    by : str, default "community"
        The person attribute that defines the groups. People whose value is
        missing (``None`` or NaN) form the group ``"unknown"``; they are
        never dropped.
    pool : None, "candidates" or iterable of labels, default None
        Whom the reach is measured against: the whole network (``None``),
        the candidates (``"candidates"``) or the given people. Only reached
        people in the pool count.
    groups : iterable, optional
        The groups to report. Default: every group with members in the pool
        (a group with no one in the pool, such as a team made only of the
        posters, has no share of it to be measured against, and is left out).
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Three rows (one per ``measure``) for each ``among``, ``hop`` and
        ``group``. Columns:

        - ``by`` (object): the attribute.
        - ``pool`` (object): ``"network"`` (the whole network),
          ``"candidates"`` or ``"given"`` (the people passed as ``pool``).
        - ``among`` (object): ``"people"`` (the pool's people reached) or
          ``"candidates"`` (the pool's candidates reached; absent when the
          pool holds no candidates).
        - ``hop`` (Int64): ``<NA>`` for all hops together, else the hop
          (1 = told by a poster).
        - ``group`` (object): the group's value, or ``"unknown"``.
        - ``pool_size`` (int64): the group's members in the pool (its
          candidates for ``among="candidates"``).
        - ``pool_share`` (float64): the group's share of the pool.
        - ``reached_mean`` (float64): mean per trial of the group's pool
          members reached (at that hop).
        - ``measure`` (object): ``"share_reached"`` (the group's share of the
          pool members reached), ``"ratio"`` (share reached / pool share) or
          ``"gap"`` (share reached - pool share).
        - ``estimate``, ``se``, ``ci_low``, ``ci_high`` (float64): the
          measure and its normal interval (delta method on a ratio of
          means). NaN when nobody in the pool was reached.
        - ``level`` (float64): the confidence level.
        - ``n`` (int64): trials the means are over: every trial for all
          hops of a ``record="full"`` run, else the kept trials.
        - ``trials_with_reach`` (int64): of the kept trials (``keep_chains``),
          those in which someone in the pool was reached (at that hop). The
          intervals lean on these trials; with few of them (say under 10), as
          at the deepest hops, read the figures as rough: the sentences and
          the by-hop chart leave such hops out.

    Raises
    ------
    KeyError
        If the network has no attribute ``by``.
    ValueError
        If the pool is empty, a group in ``groups`` is not a value of the
        attribute or has no members in the pool, fewer than two trials'
        chains were kept, or ``level`` is not in (0, 1).
    networkx.NodeNotFound
        If ``pool`` names people not in the network.
    TypeError
        If ``result`` is not a SpreadResult.

    See Also
    --------
    homophily : How much ties stay within the groups.
    representation_sentences : The table in words.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx, spread
    >>> G = nx.star_graph(4)
    >>> teams = ["lead", "a", "a", "a", "b"]
    >>> nx.set_node_attributes(G, dict(enumerate(teams)), "team")
    >>> net = from_networkx(G, strength=1.0, activity=1.0, recruiters=[0])
    >>> table = representation(spread(net, trials=20, seed=1), by="team")
    >>> table.query("hop.isna() and measure == 'ratio'")[
    ...     ["group", "pool_share", "estimate"]]
      group  pool_share  estimate
    1     a        0.75       1.0
    4     b        0.25       1.0
    """
    z = z_for(level, function="representation")
    blocks = representation_parts(result, by, pool, groups, function="representation")
    rows = []
    for block in blocks:
        se_share = _se_of(block["psi"], block["n"])
        for g, group in enumerate(block["groups"]):
            p = block["pool_share"][g]
            s, se = block["share"][g], se_share[g]
            values = {
                "share_reached": (s, se),
                "ratio": (s / p if p > 0 else np.nan, se / p if p > 0 else np.nan),
                "gap": (s - p, se),
            }
            for measure in _MEASURES:
                est, err = values[measure]
                rows.append(
                    (
                        by,
                        block["pool"],
                        block["among"],
                        block["hop"],
                        group,
                        int(block["pool_size"][g]),
                        float(p),
                        float(block["reached_mean"][g]),
                        measure,
                        float(est),
                        float(err),
                        float(est - z * err),
                        float(est + z * err),
                        float(level),
                        int(block["n"]),
                        int(block["trials_with_reach"]),
                    )
                )
    table = pd.DataFrame(rows, columns=REPRESENTATION_COLUMNS)
    table["hop"] = pd.array(table["hop"].tolist(), dtype="Int64")
    table["group"] = table["group"].astype(object)
    return table


# ---------------------------------------------------------------- homophily
@validate_params({"network": ["network"], "by": [str]})
def homophily(network: ReferralNetwork, by: str = "community") -> pd.DataFrame:
    """How much ties stay within groups, against random mixing.

    For each group, the share of its members' ties that go to the same
    group, against the share random mixing would give (the group's share of
    all tie ends, so busy people count more); and the attribute
    assortativity of the whole network (Newman 2003): 0 for random mixing,
    1 when every tie stays within a group.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    by : str, default "community"
        The person attribute that defines the groups; missing values form
        the group ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        One row per group, then one row with ``group="all"`` for the whole
        network. Columns:

        - ``by`` (object): the attribute.
        - ``group`` (object): the group's value, ``"unknown"`` or ``"all"``.
        - ``people`` (int64): members.
        - ``ties`` (int64): ties from members (each direction of an
          undirected tie counts once for each end).
        - ``within`` (int64): of those, ties to a member of the same group.
        - ``within_share`` (float64): ``within / ties`` (NaN without ties).
        - ``random_share`` (float64): the share random mixing gives: the
          group's share of all tie ends (for ``"all"``: the sum of their
          squares).
        - ``times_random`` (float64): ``within_share / random_share``.
        - ``assortativity`` (float64): the network's attribute
          assortativity, the same on every row (equal to
          :func:`networkx.attribute_assortativity_coefficient`).

    Raises
    ------
    KeyError
        If the network has no attribute ``by``.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.Graph([(0, 1), (2, 3), (1, 2)])
    >>> nx.set_node_attributes(G, dict(enumerate("aabb")), "team")
    >>> net = from_networkx(G, strength=1.0, activity=0.5)
    >>> homophily(net, "team")[["group", "within_share", "random_share"]]
      group  within_share  random_share
    0     a      0.666667           0.5
    1     b      0.666667           0.5
    2   all      0.666667           0.5
    """
    codes, groups = group_codes(network, by, function="homophily")
    n_groups = len(groups)
    src = codes[network.tie_sources.astype(np.int64)]
    dst = codes[network.indices.astype(np.int64)]
    mixing = np.zeros((n_groups, n_groups))
    np.add.at(mixing, (src, dst), 1.0)
    total = mixing.sum()
    people = np.bincount(codes, minlength=n_groups)
    ties = mixing.sum(axis=1)
    within = np.diag(mixing)
    ends = mixing.sum(axis=0) / total if total else np.full(n_groups, np.nan)
    if total:
        e = mixing / total
        a, b = e.sum(axis=1), e.sum(axis=0)
        expected = float(a @ b)
        r = (float(np.trace(e)) - expected) / (1.0 - expected) if expected < 1 else 1.0
    else:
        expected, r = np.nan, np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        share = within / ties
        rows = [
            (
                by,
                groups[g],
                int(people[g]),
                int(ties[g]),
                int(within[g]),
                share[g],
                ends[g],
                share[g] / ends[g],
                r,
            )
            for g in range(n_groups)
        ]
        overall = within.sum() / total if total else np.nan
        rows.append(
            (
                by,
                "all",
                int(people.sum()),
                int(total),
                int(within.sum()),
                overall,
                expected,
                overall / expected,
                r,
            )
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "by",
            "group",
            "people",
            "ties",
            "within",
            "within_share",
            "random_share",
            "times_random",
            "assortativity",
        ],
    )
    table["group"] = table["group"].astype(object)
    return table
