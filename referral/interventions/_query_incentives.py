"""Query incentive networks: the reward a strategic chain needs (Kleinberg and
Raghavan, FOCS 2005).

The funnel's people respond to the money on offer; they do not bargain. In
Kleinberg and Raghavan's model they do: the recruiter offers ``r`` (a whole
number of units) to the people it knows; a person offered ``r`` who is the
hire takes all of it, and anyone else offers some ``s < r`` to their own
contacts and keeps ``r - s`` if a hire comes back through them. Each person
picks ``s`` to maximise what they expect to keep, knowing everyone below
does the same. The tree is a Galton-Watson tree with mean branching ``b``
(here each person has ``floor(b)`` or ``floor(b) + 1`` contacts, so the
tree never dies out), and each person is the hire independently with
probability ``1 / n`` (the rarity ``n``).

In equilibrium every person offered ``r`` behaves alike, so with
``G`` the offspring generating function and ``p = 1 / n``:

* ``q(0) = 0`` (nothing offered, nothing passed on), ``q(1) = p``;
* a person offered ``r >= 2`` who is not the hire passes on
  ``s*(r) = argmax_{0 <= s < r} (r - s) h(s)`` with
  ``h(s) = 1 - G(1 - q(s))``, the chance that at least one contact
  offered ``s`` brings a hire back (the largest maximiser on ties);
* ``q(r) = p + (1 - p) h(s*(r))``, the chance that a person offered ``r``
  finds the hire in their subtree.

The reward the recruiter needs for success probability ``sigma`` is the
smallest ``r`` with ``q(r) >= sigma``. Their theorem: with ``n = b^d`` (so
the hire sits ``d`` levels down, typically) this grows like ``d`` when
``b > 2`` and like ``c^d`` for some ``c > 1`` when ``1 < b < 2``: middlemen
who each keep a cut starve a thin tree (``tests/test_query_incentives.py``
fits the slopes).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from referral._core.params import Interval, InvalidParameterError, validate_params

__all__ = ["query_equilibrium", "query_reward"]


def _offspring(branching: float):
    """``G(x)``: floor(b) contacts, or one more with probability frac(b)."""
    k = math.floor(branching)
    extra = branching - k
    return lambda x: (1.0 - extra) * x**k + extra * x ** (k + 1)


def _solve(branching, rarity, success, max_reward, function):
    """``(q, passed)`` arrays up to the first reward reaching ``success``
    (or up to ``max_reward`` when ``success`` is None)."""
    G = _offspring(branching)
    p = 1.0 / rarity
    size = 1024
    q = np.zeros(size)
    h = np.zeros(size)
    passed = np.zeros(size, np.int64)
    q[1], h[1] = p, 1.0 - G(1.0 - p)
    r = 1
    while (success is None and r < max_reward) or (
        success is not None and q[r] < success
    ):
        r += 1
        if r > max_reward:
            raise InvalidParameterError(
                f"The 'max_reward' parameter of {function} is {max_reward}: no "
                f"reward up to it finds the hire with probability {success} "
                f"(branching={branching}, rarity={rarity}; the best, at "
                f"{max_reward}, is {q[max_reward]:.4g}). Pass a larger "
                f"max_reward."
            )
        if r >= size:
            size *= 2
            q, h, passed = (np.resize(a, size) for a in (q, h, passed))
        value = (r - np.arange(r)) * h[:r]
        s = int(np.flatnonzero(value == value.max())[-1])
        passed[r] = s
        q[r] = p + (1.0 - p) * h[s]
        h[r] = 1.0 - G(1.0 - q[r])
    return q[: r + 1], passed[: r + 1]


@validate_params(
    {
        "branching": [Interval(float, 1, None, closed="neither")],
        "rarity": [Interval(float, 1, None, closed="left")],
        "max_reward": [Interval(int, 1, None)],
    }
)
def query_equilibrium(
    branching: float, rarity: float, *, max_reward: int = 100
) -> pd.DataFrame:
    """The Kleinberg-Raghavan equilibrium for every reward up to ``max_reward``.

    Parameters
    ----------
    branching : float
        Mean number of contacts each person asks, ``b > 1`` (each asks
        ``floor(b)`` or ``floor(b) + 1``).
    rarity : float
        One person in ``rarity`` is the hire (``>= 1``).
    max_reward : int, default 100
        The largest reward in the table (whole units).

    Returns
    -------
    pandas.DataFrame
        One row per reward ``r = 0 .. max_reward``: ``reward`` (int64),
        ``passed_on`` (int64, what a person offered ``r`` who is not the
        hire offers their contacts), ``kept`` (int64, ``r - passed_on``;
        0 for ``r <= 1``) and ``success`` (float64, the chance that a person
        offered ``r`` finds the hire in their part of the tree).

    Examples
    --------
    >>> from referral.interventions import query_equilibrium
    >>> table = query_equilibrium(3.0, 27.0, max_reward=6)
    >>> print(table.round(3).to_string(index=False))
     reward  passed_on  kept  success
          0          0     0    0.000
          1          0     0    0.037
          2          1     1    0.140
          3          2     1    0.388
          4          3     1    0.779
          5          3     2    0.779
          6          3     3    0.779

    Past 4 units, more money only buys a bigger cut for the first person:
    they pass on 3 whatever they are offered.
    """
    q, passed = _solve(
        float(branching), float(rarity), None, int(max_reward), "query_equilibrium"
    )
    reward = np.arange(len(q), dtype=np.int64)
    kept = np.where(reward >= 2, reward - passed, 0)
    return pd.DataFrame(
        {"reward": reward, "passed_on": passed, "kept": kept, "success": q}
    )


@validate_params(
    {
        "branching": [Interval(float, 1, None, closed="neither")],
        "depth": [Interval(int, 1, None)],
        "success": [Interval(float, 0, 1, closed="neither")],
        "max_reward": [Interval(int, 1, None)],
    }
)
def query_reward(
    branching: float,
    depth: int,
    *,
    success: float = 0.5,
    max_reward: int = 1_000_000,
) -> int:
    """The smallest reward that finds a hire ``depth`` levels down, in equilibrium.

    The rarity is ``branching ** depth`` (one person in that many is the
    hire, so the nearest is typically ``depth`` levels below the
    recruiter), and the reward is the smallest whole ``r`` whose
    equilibrium success (:func:`query_equilibrium`) is at least
    ``success``.

    Parameters
    ----------
    branching : float
        Mean number of contacts each person asks, ``b > 1``.
    depth : int
        Levels down to the hire (``>= 1``).
    success : float, default 0.5
        The chance of finding the hire the recruiter wants, in (0, 1).
    max_reward : int, default 1,000,000
        Give up above this reward.

    Returns
    -------
    int
        The reward, in whole units.

    Raises
    ------
    referral.InvalidParameterError
        For ``branching <= 1``, ``depth < 1``, ``success`` outside (0, 1),
        or when no reward up to ``max_reward`` is enough.

    Examples
    --------
    >>> from referral.interventions import query_reward
    >>> [query_reward(3.0, d) for d in (4, 8, 12)]
    [5, 10, 14]
    >>> [query_reward(1.5, d) for d in (8, 10, 12)]
    [20, 98, 416]
    """
    b = float(branching)
    q, _ = _solve(b, b ** int(depth), float(success), int(max_reward), "query_reward")
    return len(q) - 1
