"""The analytic spread threshold: when do openings die out.

A person reached through tie ``i -> j`` passes the opening on along each of
their other ties ``j -> k`` with probability ``activity[j] * transmission[j->k]``.
The expected number of onward reaches is the spectral radius ``rho`` of the
weighted **non-backtracking** (Hashimoto) matrix

    B[(i->j), (j->k)] = activity[j] * transmission[j->k]   if k != i,

(Karrer, Newman & Zdeborová 2014, PRL 113:208702). Openings die out when
``rho < 1`` and can reach a finite share of the network when ``rho > 1``.
Scaling everyone's activity by ``m`` scales ``rho`` by ``m``, so the critical
multiplier is ``1 / rho``.

``rho`` is computed matrix-free: ``B x`` is one pass over the ties, O(ties),
wrapped in a :class:`scipy.sparse.linalg.LinearOperator` for ARPACK's
:func:`~scipy.sparse.linalg.eigs`.

The plain (weighted) adjacency spectral radius is a cruder mean-field bound:
it counts walks that go straight back to the teller. On a random 3-regular
graph with uniform transmission T and activity 1 the non-backtracking radius
is 2T (threshold T = 1/2, the exact bond-percolation value), the adjacency
radius 3T (threshold 1/3, too early). On configuration-model graphs the
non-backtracking threshold reduces to ``<k> / (<k^2> - <k>)``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigs

from referral._core.params import Interval, validate_params
from referral.network._referral_network import ReferralNetwork

__all__ = [
    "nonbacktracking_radius",
    "adjacency_radius",
    "critical_multiplier",
    "configuration_model_threshold",
]


def _reverse_entries(network: ReferralNetwork) -> np.ndarray:
    """For each CSR entry u->v, the entry v->u, or -1 if there is none."""
    n = np.int64(network.n_people)
    src = network.tie_sources.astype(np.int64)
    dst = network.indices.astype(np.int64)
    key = src * n + dst  # sorted, since CSR rows and columns are sorted
    wanted = dst * n + src
    position = np.searchsorted(key, wanted)
    position = np.minimum(position, len(key) - 1)
    found = key[position] == wanted
    return np.where(found, position, -1)


def _tie_weights(network, activity):
    if activity is None:
        activity = network.activity
    else:
        activity = np.asarray(activity, dtype=np.float64)
        if activity.shape != (network.n_people,):
            raise ValueError(
                f"The 'activity' parameter must hold one value per person "
                f"({network.n_people}). Got shape {activity.shape} instead."
            )
    # weight of entry j->k is activity[j] * transmission[j->k]
    return activity[network.tie_sources] * network.transmission


_DENSE_UP_TO = 400
_MAX_WORK = 2e8  # element operations spent looking for a nilpotent operator


def _spectral_radius(matvec, size: int, tol: float) -> float:
    """Spectral radius of a nonnegative operator given by ``matvec``.

    1. A nilpotent operator (a tree, an acyclic network: no walk can go on
       forever) sends a positive vector to exactly zero; that is checked
       first, while the support keeps shrinking, and gives 0.
    2. Small operators are solved densely.
    3. Otherwise ARPACK; if it fails, power iteration.
    """
    if size == 0:
        return 0.0
    x = np.ones(size)
    support, stalled, steps = size, 0, 0
    while steps * size < _MAX_WORK and stalled < 20:
        x = matvec(x)
        steps += 1
        nonzero = np.count_nonzero(x)
        if nonzero == 0:
            return 0.0
        stalled = stalled + 1 if nonzero >= support else 0
        support = min(support, nonzero)
        x = x / np.abs(x).max()
    if size <= _DENSE_UP_TO:
        dense = np.column_stack([matvec(e) for e in np.eye(size)])
        return float(np.max(np.abs(np.linalg.eigvals(dense))))
    operator = LinearOperator((size, size), matvec=matvec, dtype=np.float64)
    try:
        values = eigs(
            operator,
            k=1,
            which="LM",
            v0=np.ones(size),
            tol=tol,
            return_eigenvectors=False,
            maxiter=max(1000, size * 10),
        )
        return float(np.max(np.abs(values)))
    except (ArpackError, ArpackNoConvergence):
        # power iteration on a positive start; two steps at a time so that a
        # period-2 (bipartite) structure does not make it oscillate
        x = np.ones(size) / size
        estimate = 0.0
        for _ in range(500):
            y = matvec(matvec(x))
            norm = np.abs(y).sum()
            if norm == 0:
                return 0.0
            estimate = np.sqrt(norm / np.abs(x).sum())
            x = y / norm
        return float(estimate)


@validate_params(
    {
        "network": ["network"],
        "activity": ["probabilities", None],
        "tol": [Interval(float, 0, None, closed="neither")],
    }
)
def nonbacktracking_radius(
    network: ReferralNetwork, *, activity=None, tol: float = 1e-8
) -> float:
    """Spectral radius of the weighted non-backtracking matrix.

    The matrix is weighted by activity and transmission (see the module
    docstring).

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    activity : array_like, optional
        Per-person activity to use instead of ``network.activity``.
    tol : float
        ARPACK tolerance.

    Returns
    -------
    float
        ``rho``: the mean number of onward reaches per reached person deep in
        a cascade. ``rho < 1``: openings die out.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.random_regular_graph(3, 2000, seed=1)
    >>> net = from_networkx(G, strength=1.0, transmission=0.5, activity=1.0)
    >>> round(nonbacktracking_radius(net), 3)
    1.0
    """
    entries = len(network.indices)
    if entries == 0:
        return 0.0
    weights = _tie_weights(network, activity)
    reverse = _reverse_entries(network)
    has_reverse = reverse >= 0
    dst = network.indices.astype(np.int64)
    sources = network.tie_sources.astype(np.int64)
    n = network.n_people

    def matvec(x):
        x = np.asarray(x).ravel()
        weighted = weights * x
        # out-sum at each person: S[v] = sum over v->k of w(v->k) x(v->k)
        out_sum = np.bincount(sources, weights=weighted.real, minlength=n)
        if np.iscomplexobj(weighted):
            out_sum = out_sum + 1j * np.bincount(
                sources, weights=weighted.imag, minlength=n
            )
        y = out_sum[dst]
        y[has_reverse] -= weighted[reverse[has_reverse]]
        return y

    return _spectral_radius(matvec, entries, tol)


@validate_params({"network": ["network"], "activity": ["probabilities", None]})
def adjacency_radius(network: ReferralNetwork, *, activity=None) -> float:
    """Spectral radius of the weighted adjacency matrix (a mean-field bound).

    ``A[j, k] = activity[j] * transmission[j->k]``. It is at least the
    non-backtracking radius, so it predicts take-off too early.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    activity : array_like, optional
        Per-person activity to use instead of ``network.activity``.

    Returns
    -------
    float
        The spectral radius.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.random_regular_graph(3, 2000, seed=1)
    >>> net = from_networkx(G, strength=1.0, transmission=0.5, activity=1.0)
    >>> round(adjacency_radius(net), 3)
    1.5
    """
    n = network.n_people
    weights = _tie_weights(network, activity)
    matrix = sp.csr_matrix((weights, network.indices, network.indptr), shape=(n, n))
    return _spectral_radius(matrix.dot, n, 1e-8)


@validate_params({"network": ["network"]})
def critical_multiplier(network: ReferralNetwork) -> float:
    """The factor on everyone's activity at which openings start to take off.

    ``1 / nonbacktracking_radius(network)`` (``inf`` for a network with no
    ties). Below 1, today's network is already above its threshold.
    Activities are capped at 1 in simulation, so the factor is exact only
    while ``factor * activity`` stays at most 1.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.

    Returns
    -------
    float
        ``1 / rho``, or ``inf`` if the radius is 0.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.random_regular_graph(3, 2000, seed=1)
    >>> net = from_networkx(G, strength=1.0, transmission=0.5, activity=1.0)
    >>> round(critical_multiplier(net), 3)
    1.0
    """
    rho = nonbacktracking_radius(network)
    return np.inf if rho == 0 else 1.0 / rho


@validate_params({"degrees": ["array-like"]})
def configuration_model_threshold(degrees) -> float:
    """Critical transmissibility of a configuration model with these degrees.

    It is ``<k> / (<k^2> - <k>)``.

    Parameters
    ----------
    degrees : array_like of int
        The degree sequence.

    Returns
    -------
    float
        The critical transmissibility (``inf`` if ``<k^2> <= <k>``).

    Examples
    --------
    >>> configuration_model_threshold([3] * 10)
    0.5
    """
    try:
        k = np.asarray(degrees, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        k = np.array([np.nan])
    if len(k) == 0 or not np.all(np.isfinite(k) & (k >= 0)):
        raise ValueError(
            "The 'degrees' parameter of configuration_model_threshold must hold "
            f"at least one number >= 0, and only such numbers. Got {degrees!r} "
            "instead."
        )
    mean, second = k.mean(), (k**2).mean()
    return float(mean / (second - mean)) if second > mean else np.inf
