"""Kleinberg's navigable small world: a lattice with long-range contacts.

Kleinberg (2000) put people on an ``n`` x ``n`` grid, each tied to the
lattice neighbours within distance ``p`` and holding ``q`` long-range
contacts, each drawn with probability proportional to ``d^-r`` (``d`` the
lattice distance). Greedy routing by lattice distance (forward to the contact
closest to the target) delivers in ``O(log^2 n)`` steps when ``r = 2`` and in
polynomially many steps for any other ``r``: short chains exist for every
``r < 2``, but only at ``r = 2`` can people *find* them with local
information. It is a teaching and testing ground for :func:`referral.search`.

The optimum ``r = 2`` is asymptotic: on finite grids the fastest delivery
comes at a somewhat smaller ``r`` (about 1.5 on a 100 x 100 grid, where
``r = 0`` and ``r = 2`` are about equal), creeping toward 2 as ``n`` grows;
on a 400 x 400 grid ``r = 2`` already beats ``r = 0`` and ``r = 4`` clearly.
"""

from __future__ import annotations

import numpy as np

from referral._core.params import Interval, validate_params
from referral._core.rng import default_rng_from, resolve_entropy
from referral.network._builders import from_arrays
from referral.network._referral_network import ReferralNetwork

__all__ = ["kleinberg_lattice", "lattice_distance"]

_FN = "kleinberg_lattice"


def _diamond_offsets(d, k):
    """The ``k``-th of the ``4 d`` lattice offsets at L1 distance ``d``."""
    side, t = np.divmod(k, d)
    dx = np.select([side == 0, side == 1, side == 2], [d - t, -t, -(d - t)], t)
    dy = np.select([side == 0, side == 1, side == 2], [t, d - t, -t], -(d - t))
    return dx, dy


@validate_params(
    {
        "n": [Interval(int, 2, None)],
        "r": [Interval(float, 0, None)],
        "q": [Interval(int, 0, None)],
        "p": [Interval(int, 1, None)],
        "periodic": ["boolean"],
        "local_strength": [Interval(float, 0, 1, closed="right")],
        "long_range_strength": [Interval(float, 0, 1, closed="right")],
        "seed": ["seed"],
    }
)
def kleinberg_lattice(
    n: int,
    r: float,
    *,
    q: int = 1,
    p: int = 1,
    periodic: bool = False,
    activity=1.0,
    local_strength: float = 1.0,
    long_range_strength: float = 0.2,
    seed=None,
) -> ReferralNetwork:
    """Build Kleinberg's ``n`` x ``n`` lattice with ``q`` long-range contacts each.

    Parameters
    ----------
    n : int >= 2
        Side of the grid: ``n * n`` people. The person at ``(x, y)`` has id
        and label ``x * n + y``.
    r : float >= 0
        Clustering exponent: a long-range contact at lattice distance ``d``
        is drawn with probability proportional to ``d^-r`` (``r = 0``:
        uniformly at random; ``r = 2``: Kleinberg's navigable case).
    q : int >= 0, default 1
        Long-range contacts drawn per person (with replacement; repeats
        merge into one tie).
    p : int >= 1, default 1
        Local ties join every pair at lattice distance at most ``p``.
    periodic : bool, default False
        Wrap the grid into a torus (distances are then torus distances; use
        :func:`lattice_distance` for greedy routing).
    activity : float or array_like, default 1.0
        Everybody forwards by default, so that search measures routing
        alone.
    local_strength, long_range_strength : float in (0, 1]
        Tie strengths. The default long-range ties (0.2) are weak, the local
        ones (1.0) strong.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.

    Returns
    -------
    ReferralNetwork
        Directed: local ties in both directions, long-range ties from the
        person who holds the contact. Attributes ``x`` and ``y`` (int64)
        are the lattice coordinates, so ``search(net, ...,
        distance=("x", "y"))`` routes greedily by lattice (L1) distance.

    Notes
    -----
    Sampling is vectorised and exact: a distance ``d`` is drawn with
    probability proportional to ``4 d * d^-r`` (there are ``4 d`` lattice
    points at distance ``d`` in the plane), then one of those points
    uniformly; draws that fall off the grid are redrawn. Conditional on
    falling on the grid a point at distance ``d`` is therefore chosen with
    probability proportional to ``d^-r``. On the torus the offsets are drawn
    directly. A long-range draw within distance ``p`` coincides with a local
    tie and adds nothing.

    References
    ----------
    Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.

    Examples
    --------
    >>> net = kleinberg_lattice(10, 2.0, seed=1)
    >>> net.n_people, net.directed
    (100, True)
    >>> int(net.attributes["x"][37]), int(net.attributes["y"][37])
    (3, 7)
    """
    n, q, p, r = int(n), int(q), int(p), float(r)
    rng = default_rng_from(resolve_entropy(seed, function=_FN))

    people = n * n
    ids = np.arange(people, dtype=np.int64)
    x, y = np.divmod(ids, n)

    # local ties: every offset with 1 <= |dx| + |dy| <= p
    src, dst = [], []
    for dx in range(-p, p + 1):
        for dy in range(-(p - abs(dx)), p - abs(dx) + 1):
            if dx == 0 and dy == 0:
                continue
            tx, ty = x + dx, y + dy
            if periodic:
                tx, ty = tx % n, ty % n
                keep = np.ones(people, dtype=bool)
            else:
                keep = (tx >= 0) & (tx < n) & (ty >= 0) & (ty < n)
            src.append(ids[keep])
            dst.append((tx * n + ty)[keep])
    local_src = np.concatenate(src)
    local_dst = np.concatenate(dst)
    if periodic:  # on a small torus two offsets can reach the same person
        pairs = np.unique(local_src * people + local_dst)
        pairs = pairs[pairs // people != pairs % people]
        local_src, local_dst = np.divmod(pairs, people)

    # long-range contacts
    holders = np.repeat(ids, q)
    if periodic:
        off = np.arange(people)
        ox, oy = np.divmod(off, n)
        dist = np.minimum(ox, n - ox) + np.minimum(oy, n - oy)
        weight = np.zeros(people)
        weight[1:] = dist[1:].astype(np.float64) ** -r
        cumulative = np.cumsum(weight)
        pick = np.searchsorted(
            cumulative, rng.random(len(holders)) * cumulative[-1], side="right"
        )
        pick = np.clip(pick, 1, people - 1)
        tx = (x[holders] + ox[pick]) % n
        ty = (y[holders] + oy[pick]) % n
        far = dist[pick] > p
    else:
        d_all = np.arange(1, 2 * (n - 1) + 1, dtype=np.float64)
        cumulative = np.cumsum(4 * d_all * d_all**-r)
        tx = np.empty(len(holders), dtype=np.int64)
        ty = np.empty(len(holders), dtype=np.int64)
        todo = np.arange(len(holders))
        while len(todo):
            u = rng.random(len(todo)) * cumulative[-1]
            d = (
                np.minimum(np.searchsorted(cumulative, u, side="right"), len(d_all) - 1)
                + 1
            )
            k = rng.integers(0, 4 * d)
            dx, dy = _diamond_offsets(d, k)
            cx, cy = x[holders[todo]] + dx, y[holders[todo]] + dy
            inside = (cx >= 0) & (cx < n) & (cy >= 0) & (cy < n)
            tx[todo[inside]] = cx[inside]
            ty[todo[inside]] = cy[inside]
            todo = todo[~inside]
        far = np.abs(tx - x[holders]) + np.abs(ty - y[holders]) > p
    long_src = holders[far]
    long_dst = (tx * n + ty)[far]

    sources = np.concatenate([local_src, long_src])
    targets = np.concatenate([local_dst, long_dst])
    strength = np.concatenate(
        [
            np.full(len(local_src), float(local_strength)),
            np.full(len(long_src), float(long_range_strength)),
        ]
    )
    return from_arrays(
        people,
        sources,
        targets,
        strength=strength,
        activity=activity,
        directed=True,
        attributes={"x": x, "y": y},
    )


@validate_params({"network": ["network"], "periodic": ["boolean"]})
def lattice_distance(network: ReferralNetwork, targets, *, periodic: bool = False):
    """Lattice (L1) distance from every person to the nearest target.

    For the torus (``periodic=True``) the distance wraps around; pass the
    result as ``distance=`` to :func:`referral.search`. On a plain grid it
    equals ``distance=("x", "y")``.

    Parameters
    ----------
    network : ReferralNetwork
        A network with integer attributes ``x`` and ``y`` in ``0 .. n-1``,
        such as :func:`kleinberg_lattice` makes.
    targets : iterable of people
        The people distances are measured to.
    periodic : bool, default False
        Measure on the torus (wrapping around the edges).

    Returns
    -------
    numpy.ndarray of float64
        One distance per person (by id).

    Examples
    --------
    >>> net = kleinberg_lattice(4, 2.0, q=0, periodic=True, seed=1)
    >>> lattice_distance(net, [0], periodic=True).reshape(4, 4)[3].tolist()
    [1.0, 2.0, 3.0, 2.0]
    """
    for name in ("x", "y"):
        if name not in network.attributes:
            raise ValueError(
                f"lattice_distance needs the attributes 'x' and 'y'; the network "
                f"has {sorted(network.attributes)}."
            )
    x = np.asarray(network.attributes["x"], dtype=np.int64)
    y = np.asarray(network.attributes["y"], dtype=np.int64)
    target_ids = network.ids(targets, parameter="targets")
    if len(target_ids) == 0:
        raise ValueError("lattice_distance needs at least one target.")
    side = int(max(x.max(), y.max())) + 1
    best = np.full(network.n_people, np.inf)
    for t in target_ids:  # few targets in practice
        dx = np.abs(x - x[t])
        dy = np.abs(y - y[t])
        if periodic:
            dx = np.minimum(dx, side - dx)
            dy = np.minimum(dy, side - dy)
        np.minimum(best, (dx + dy).astype(np.float64), out=best)
    return best
