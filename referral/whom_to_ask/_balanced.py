"""Balanced ambassadors: greedy coverage that keeps each group's reach fair.

Used by :func:`referral.ambassadors` when ``balance=`` and ``by=`` are given.
On the same reverse-reachable (RR) samples as the plain choice, a sample's
group is its root's group (the target it was drawn for), so the samples a
set of posters ``S`` covers, by group, estimate without bias the targets of
each group ``S`` reaches. ``S`` is *balanced* at ratio ``b`` when every
group's share of the targets reached is at least ``b`` times its share of
the targets:

    covered_g(S) >= b * q_g * covered(S)      for every group g.

The greedy here puts the constraint first: at each pick it takes, among the
people who leave the choice balanced, the one who adds most coverage; if
nobody does, the one who leaves the worst-off group least short of its
quota (the largest ``b * q_g - covered_g / covered`` over groups, smallest
first), ties to more coverage, then to the lowest id. A greedy step cannot
look ahead (a first pick that reaches both groups a little can shut out a
better pair), so swaps then improve the choice: a pick is exchanged for one
of the people with the most coverage when that keeps the choice balanced and
covers more samples (or, while it is not balanced, leaves it less short),
until no swap helps.

What survives. IMM's ``1 - 1/e - epsilon`` guarantee does not: a ratio
constraint is neither a cardinality nor a matroid constraint, and the best
balanced set can be far from any greedy path. What holds is: (1) when the
run says the choice is balanced, it is balanced on the selection samples
exactly; (2) its reach by group is measured again, without the selection's
optimism, on fresh samples with intervals; (3) on small networks, the tests
compare it with the best balanced set found by enumeration.
"""

from __future__ import annotations

import numba
import numpy as np

from referral._engine.hashing import STREAM_RR_ROOT, trial_key, uniform

__all__ = [
    "rr_roots",
    "balanced_cover",
    "improve_by_swaps",
    "balance_score",
    "shortfall",
    "check_balance",
]


@numba.njit(cache=True)
def rr_roots(key, start, stop, n_targets):
    """The index into the targets of the root of RR samples ``start..stop-1``.

    The same draw as ``referral._engine.rr_kernel`` makes (no kernel change).
    """
    out = np.empty(stop - start, dtype=np.int64)
    for t in range(start, stop):
        pick = int(uniform(trial_key(key, t), STREAM_RR_ROOT, 0, 0) * n_targets)
        if pick >= n_targets:
            pick = n_targets - 1
        out[t - start] = pick
    return out


def check_balance(balance, by, function="ambassadors"):
    """The ``balance`` ratio as a float in (0, 1], with ``by`` given."""
    if balance is None:
        if by is not None:
            raise ValueError(
                f"{function}: by={by!r} is given without balance=; pass a ratio "
                f"in (0, 1], e.g. balance=0.8."
            )
        return None
    if isinstance(balance, bool) or not isinstance(balance, int | float | np.number):
        raise TypeError(
            f"The 'balance' parameter of {function} must be a float in the range "
            f"(0, 1]. Got {balance!r} instead."
        )
    balance = float(balance)
    if not 0 < balance <= 1:
        raise ValueError(
            f"The 'balance' parameter of {function} must be a float in the range "
            f"(0, 1]. Got {balance!r} instead."
        )
    if by is None:
        raise ValueError(
            f"{function}: balance={balance!r} needs by=, the person attribute "
            f"whose groups are kept in balance."
        )
    return balance


def shortfall(covered_by_group, quota):
    """Sum over groups of ``quota_g * covered - covered_g`` where positive."""
    covered_by_group = np.asarray(covered_by_group, dtype=np.float64)
    total = covered_by_group.sum(axis=-1, keepdims=True)
    return np.maximum(quota * total - covered_by_group, 0.0).sum(axis=-1)


def balanced_cover(person_ptr, person_sets, set_group, quota, eligible, k):
    """Greedy coverage under the balance constraint (see the module notes).

    Each step counts every person's new coverage by group, in time linear in
    the samples' size (slower than the plain lazy greedy, fine for ``k`` in
    the tens).

    Parameters
    ----------
    person_ptr, person_sets : numpy.ndarray
        The inverted index of the samples (each person's samples).
    set_group : numpy.ndarray of int64
        Each sample's group (its root's group).
    quota : numpy.ndarray of float64
        ``balance * q_g`` per group.
    eligible : numpy.ndarray of bool
        Who may be picked.
    k : int
        How many to pick.

    Returns
    -------
    picks : numpy.ndarray of int32
        The people picked, in order.
    covered_by_group : numpy.ndarray of int64
        Samples covered by all the picks, by group.
    """
    n = len(person_ptr) - 1
    n_groups = len(quota)
    length = np.diff(person_ptr)
    owner = np.repeat(np.arange(n, dtype=np.int64), length)
    entry_group = set_group[person_sets]
    covered = np.zeros(len(set_group), dtype=bool)
    have = np.zeros(n_groups, dtype=np.int64)
    open_ = eligible.copy()
    picks = np.empty(k, dtype=np.int32)
    for r in range(k):
        live = ~covered[person_sets]
        gains = np.bincount(
            owner[live] * n_groups + entry_group[live], minlength=n * n_groups
        ).reshape(n, n_groups)
        after = have[None, :] + gains
        total = gains.sum(axis=1)
        covered_after = after.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(covered_after > 0, after / covered_after, 0.0)
        short = np.maximum(quota[None, :] - share, 0.0).max(axis=1)
        # order: least short of the quota, then most coverage, then lowest id
        short = np.where(open_, short, np.inf)
        best_short = short.min()
        tied = np.flatnonzero(np.isclose(short, best_short, rtol=0, atol=1e-9))
        u = tied[np.argmax(total[tied])]  # argmax: first, so the lowest id
        picks[r] = u
        open_[u] = False
        have += gains[u]
        covered[person_sets[person_ptr[u] : person_ptr[u + 1]]] = True
    return picks, have


def _worst_gap(by_group, quota):
    total = by_group.sum()
    if total <= 0:
        return float(quota.max())
    return float(np.maximum(quota - by_group / total, 0.0).max())


def _score(by_group, quota):
    """Balanced first, then less short, then more coverage (larger is better)."""
    gap = _worst_gap(by_group, quota)
    return (gap <= 1e-12, -gap if gap > 1e-12 else 0.0, int(by_group.sum()))


def balance_score(person_ptr, person_sets, set_group, quota, picks):
    """The order :func:`improve_by_swaps` improves, for a whole choice."""
    covered = np.zeros(len(set_group), dtype=bool)
    for u in picks:
        covered[person_sets[person_ptr[u] : person_ptr[u + 1]]] = True
    by_group = np.bincount(set_group[covered], minlength=len(quota))
    return _score(by_group, quota)


def improve_by_swaps(
    person_ptr, person_sets, set_group, quota, eligible, picks, *, pool=100
):
    """Exchange picks for better people while that helps (see the notes).

    Candidates are the ``pool`` eligible people in most samples. A swap is
    taken when it keeps the choice balanced and covers more samples, or,
    while the choice is not balanced, when it leaves the worst-off group
    less short of its quota; the best such swap first, until none helps.

    Returns
    -------
    numpy.ndarray of int32
        The picks, each swap made in place of the pick it replaces.
    """
    n_groups = len(quota)
    picks = np.array(picks, dtype=np.int32)
    length = np.diff(person_ptr)
    order = np.lexsort((np.arange(len(length)), -length))
    candidates = order[eligible[order]][:pool]
    count = np.zeros(len(set_group), dtype=np.int64)
    for u in picks:
        count[person_sets[person_ptr[u] : person_ptr[u + 1]]] += 1
    have = np.bincount(set_group[count > 0], minlength=n_groups).astype(np.int64)

    def score(by_group):
        return _score(by_group, quota)

    for _ in range(20 * len(picks) + 20):
        current = score(have)
        best, best_move = current, None
        chosen = set(picks.tolist())
        for i, out in enumerate(picks):
            out_sets = person_sets[person_ptr[out] : person_ptr[out + 1]]
            lost = out_sets[count[out_sets] == 1]
            minus = have - np.bincount(set_group[lost], minlength=n_groups)
            for u in candidates:
                if u in chosen:
                    continue
                in_sets = person_sets[person_ptr[u] : person_ptr[u + 1]]
                after = count[in_sets] - np.isin(in_sets, out_sets)
                gained = in_sets[after == 0]
                plus = minus + np.bincount(set_group[gained], minlength=n_groups)
                candidate = score(plus)
                if candidate > best:
                    best, best_move = candidate, (i, u, plus)
        if best_move is None:
            break
        i, u, plus = best_move
        out = picks[i]
        count[person_sets[person_ptr[out] : person_ptr[out + 1]]] -= 1
        count[person_sets[person_ptr[u] : person_ptr[u + 1]]] += 1
        picks[i] = u
        have = plus
    return picks
