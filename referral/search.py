"""Search: candidates working their way to a recruiter through their contacts.

A candidate (the *start*) asks a contact, who asks another, until someone on
the chain is a recruiter (a *target*), as in Milgram's letters (Travers &
Milgram 1969) and the e-mail chains of Dodds, Muhamad & Watts (2003). At
every step the holder either acts and forwards to one contact not yet on the
chain, chosen by a *policy*, or does not, and the chain is lost (attrition).
Completed chains look short because long chains die on the way; the result
reports raw lengths and the attrition-corrected distribution.

The simulation runs in a compiled kernel on the network's arrays, chains in
parallel threads, with counter-based random numbers: the results are
identical for any ``n_jobs``, and two networks that differ only in activity
share their random numbers (common random numbers).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from referral._engine import search_kernel as _k
from referral._parallel import (
    new_cancel_flag,
    resolve_n_jobs,
    run_blocks,
    trial_blocks,
)
from referral._params import Interval, Options, validate_params
from referral._random import base_key, resolve_entropy
from referral._stats import (
    SUMMARY_COLUMNS,
    median_interval,
    normal_interval,
    proportion_interval,
    standard_error,
    z_for,
)
from referral._validation import check_memory, check_probability
from referral.network import ReferralNetwork

__all__ = [
    "search",
    "SearchResult",
    "PerPerson",
    "PerStep",
    "PerChain",
    "POLICIES",
    "OUTCOMES",
]

POLICIES = ("random", "greedy", "strongest", "weak-first")
"""The built-in search policies (a callable is also accepted)."""

OUTCOMES = ("completed", "dropped", "dead_end", "step_limit")
"""How a chain can end, in the order of the ``outcome`` categories."""

_POLICY_CODES = {
    "random": _k.POLICY_RANDOM,
    "greedy": _k.POLICY_GREEDY,
    "strongest": _k.POLICY_STRONGEST,
    "weak-first": _k.POLICY_WEAK_FIRST,
}
_FN = "search"


# ------------------------------------------------------------------ attrition
@dataclass(frozen=True)
class PerPerson:
    """Per-person attrition: each holder forwards with its own ``activity``.

    This is the default (``attrition="person"``). A person's decision is the
    same uniform in every scenario run with the same seed, so networks that
    differ only in activity share their random numbers.

    Examples
    --------
    >>> PerPerson().describe()
    'per person (activity)'
    """

    def describe(self) -> str:
        """A short description, used in results.

        Returns
        -------
        str
            The description, e.g. ``"per step (rate 0.3)"``.
        """
        return "per person (activity)"


@dataclass(frozen=True)
class PerStep:
    """Constant per-step attrition: every holder drops the chain with ``rate``.

    ``attrition=0.65`` is shorthand for ``PerStep(0.65)``: every holder
    forwards with probability ``1 - rate``, whoever they are.

    Parameters
    ----------
    rate : float in [0, 1]
        The probability that a holder does not forward.

    Examples
    --------
    >>> PerStep(0.65).describe()
    'per step (rate 0.65)'
    """

    rate: float

    def __post_init__(self):
        object.__setattr__(
            self, "rate", check_probability(self.rate, "rate", function="PerStep")
        )

    def describe(self) -> str:
        """A short description, used in results.

        Returns
        -------
        str
            The description, e.g. ``"per step (rate 0.3)"``.
        """
        return f"per step (rate {self.rate:g})"


@dataclass(frozen=True)
class PerChain:
    """Per-chain attrition: one rate drawn per chain, shared by all its holders.

    Some chains are carried by motivated people and some by indifferent
    ones (Goel, Muhamad & Watts 2009). Give either a discrete distribution of
    rates (``rates`` with optional ``weights``) or a Beta distribution
    (``beta=(a, b)``) of the rate. Every holder on a chain with rate ``r``
    forwards with probability ``1 - r``.

    Parameters
    ----------
    rates : sequence of float in [0, 1], optional
        Attrition rates a chain can have.
    weights : sequence of float >= 0, optional
        Their relative probabilities (default: equally likely).
    beta : (float, float), optional
        Shape parameters ``(a, b)`` of a Beta distribution of the rate
        (mean ``a / (a + b)``); an alternative to ``rates``.

    Notes
    -----
    The chain's rate is the inverse CDF of its chain-level uniform
    (``STREAM_CHAIN``), so it is reproducible and independent of ``n_jobs``.

    Examples
    --------
    >>> spec = PerChain(rates=[0.4, 0.9])
    >>> spec.mean_rate
    0.65
    >>> PerChain(beta=(13, 7)).mean_rate
    0.65
    """

    rates: tuple | None = None
    weights: tuple | None = None
    beta: tuple | None = None

    def __post_init__(self):
        if (self.rates is None) == (self.beta is None):
            raise ValueError(
                "PerChain needs exactly one of 'rates' (with optional 'weights') "
                f"or 'beta'. Got rates={self.rates!r}, beta={self.beta!r}."
            )
        if self.rates is not None:
            rates = np.atleast_1d(np.asarray(self.rates, dtype=np.float64))
            if (
                rates.ndim != 1
                or len(rates) == 0
                or not np.all((rates >= 0) & (rates <= 1))
            ):
                raise ValueError(
                    "The 'rates' parameter of PerChain must be a non-empty "
                    f"sequence of floats in [0, 1]. Got {self.rates!r} instead."
                )
            if self.weights is None:
                weights = np.ones(len(rates))
            else:
                weights = np.atleast_1d(np.asarray(self.weights, dtype=np.float64))
            if (
                weights.shape != rates.shape
                or not np.all(np.isfinite(weights) & (weights >= 0))
                or weights.sum() <= 0
            ):
                raise ValueError(
                    "The 'weights' parameter of PerChain must hold one "
                    "non-negative float per rate, not all zero. Got "
                    f"{self.weights!r} instead."
                )
            object.__setattr__(self, "rates", tuple(rates.tolist()))
            object.__setattr__(self, "weights", tuple(weights.tolist()))
        else:
            if self.weights is not None:
                raise ValueError("PerChain takes 'weights' only with 'rates'.")
            try:
                a, b = (float(x) for x in self.beta)
            except (TypeError, ValueError):
                a = b = float("nan")
            if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
                raise ValueError(
                    "The 'beta' parameter of PerChain must be a pair of positive "
                    f"floats (a, b). Got {self.beta!r} instead."
                )
            object.__setattr__(self, "beta", (a, b))

    @property
    def mean_rate(self) -> float:
        """The mean attrition rate over chains."""
        if self.rates is not None:
            w = np.asarray(self.weights)
            return round(float(np.dot(self.rates, w / w.sum())), 12)
        a, b = self.beta
        return round(a / (a + b), 12)

    def rates_from_uniforms(self, u: np.ndarray) -> np.ndarray:
        """Each chain's rate from its chain-level uniform (inverse CDF).

        Parameters
        ----------
        u : numpy.ndarray of float64
            One uniform number in [0, 1) per chain.

        Returns
        -------
        numpy.ndarray of float64
            One attrition rate per chain.
        """
        if self.rates is not None:
            cumulative = np.cumsum(self.weights)
            k = np.searchsorted(cumulative, u * cumulative[-1], side="right")
            return np.asarray(self.rates)[np.minimum(k, len(self.rates) - 1)]
        from scipy.stats import beta

        return beta.ppf(u, *self.beta)

    def describe(self) -> str:
        """A short description, used in results.

        Returns
        -------
        str
            The description, e.g. ``"per step (rate 0.3)"``.
        """
        if self.rates is not None:
            return f"per chain (rates {list(self.rates)}, weights {list(self.weights)})"
        return f"per chain (rate ~ Beta{self.beta})"


def _resolve_attrition(attrition):
    if isinstance(attrition, PerPerson | PerStep | PerChain):
        return attrition
    if isinstance(attrition, str):
        if attrition == "person":
            return PerPerson()
        raise ValueError(
            f"The 'attrition' parameter of {_FN} must be 'person', a float rate "
            f"in [0, 1] (constant per step), PerPerson(), PerStep(rate) or "
            f"PerChain(...). Got {attrition!r} instead."
        )
    if isinstance(attrition, numbers.Real) and not isinstance(attrition, bool):
        value = float(attrition)
        if not 0.0 <= value <= 1.0:
            raise ValueError(
                f"The 'attrition' parameter of {_FN}, as a constant per-step "
                f"rate, must be a float in the range [0, 1]. Got {attrition!r} "
                "instead."
            )
        return PerStep(value)
    raise TypeError(
        f"The 'attrition' parameter of {_FN} must be 'person', a float rate in "
        f"[0, 1], PerPerson(), PerStep(rate) or PerChain(...). Got {attrition!r} "
        "instead."
    )


# ------------------------------------------------------------------- distance
def _missing_labels(network, bad) -> str:
    labels = network.labels[np.flatnonzero(bad)].tolist()
    shown = ", ".join(repr(x) for x in labels[:5])
    if len(labels) > 5:
        shown += f", ... ({len(labels)} in all)"
    return shown


def _attribute(network, name):
    if name not in network.attributes:
        raise ValueError(
            f"The 'distance' parameter of {_FN} names the attribute {name!r}, "
            f"which the network does not have; it has "
            f"{sorted(network.attributes)}."
        )
    values = network.attributes[name]
    missing = pd.isna(pd.Series(values)).to_numpy()
    if missing.any():
        raise ValueError(
            f"The distance attribute {name!r} is missing (None or NaN) for "
            f"{int(missing.sum())} people: {_missing_labels(network, missing)}."
        )
    return values


def _graph_distance(network, target_ids):
    if network.directed:
        # distance *to* a target: BFS on reversed ties
        order = np.argsort(network.indices, kind="stable")
        rev_indices = network.tie_sources[order]
        rev_indptr = np.zeros(network.n_people + 1, dtype=np.int64)
        np.cumsum(
            np.bincount(network.indices, minlength=network.n_people),
            out=rev_indptr[1:],
        )
        return _k.multi_source_bfs(rev_indptr, rev_indices, target_ids)
    return _k.multi_source_bfs(network.indptr, network.indices, target_ids)


def _resolve_distance(network, distance, target_ids):
    """Distance (float64 per person) to the nearest target, or None."""
    n = network.n_people
    if distance is None:
        return None
    if isinstance(distance, str):
        if distance == "graph":
            return _graph_distance(network, target_ids)
        values = _attribute(network, distance)
        codes, _ = pd.factorize(pd.Series(values))
        target_codes = np.unique(codes[target_ids])
        return np.where(np.isin(codes, target_codes), 0.0, 1.0)
    if isinstance(distance, tuple | list) and all(isinstance(x, str) for x in distance):
        if len(distance) == 0:
            raise ValueError(
                f"The 'distance' parameter of {_FN} must name at least one "
                "coordinate attribute."
            )
        columns = []
        for name in distance:
            values = _attribute(network, name)
            try:
                columns.append(np.asarray(values, dtype=np.float64))
            except (TypeError, ValueError):
                raise ValueError(
                    f"The coordinate attribute {name!r} must be numeric."
                ) from None
        coords = np.column_stack(columns)
        from scipy.spatial import cKDTree

        tree = cKDTree(coords[target_ids])
        dist, _ = tree.query(coords, k=1, p=1)
        return np.asarray(dist, dtype=np.float64)
    if isinstance(distance, Callable):
        raise TypeError(
            f"The 'distance' parameter of {_FN} does not take a callable; pass "
            "a precomputed array of distances to the nearest target."
        )
    try:
        array = np.asarray(distance, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.shape != (n,):
        raise ValueError(
            f"The 'distance' parameter of {_FN} must be 'graph', None, an "
            f"attribute name (str), a tuple of coordinate attribute names, or an "
            f"array of {n} distances (one per person). Got {distance!r} instead."
        )
    bad = np.isnan(array) | (array < 0)
    if bad.any():
        raise ValueError(
            f"The 'distance' array of {_FN} must be non-negative (inf for "
            f"unreachable), without NaN; {int(bad.sum())} people have bad "
            f"values: {_missing_labels(network, bad)}."
        )
    return array


def _describe_distance(distance) -> str:
    if distance is None:
        return "none"
    if isinstance(distance, str):
        return distance
    if isinstance(distance, tuple | list):
        return "L1(" + ", ".join(distance) + ")"
    return "array"


# --------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class SearchResult:
    """The chains of one :func:`search` run, with tidy views.

    Build one with :func:`search`. Chain ``c`` started at
    ``chain_start[c]``; chains are grouped by start (``trials`` consecutive
    chains per entry of ``starts``).

    Attributes
    ----------
    network : ReferralNetwork
    policy, attrition, distance : str
        Descriptions of the run's settings.
    max_steps : int
    n_trials : int
        Chains per start (the ``trials`` argument of :func:`search`); the
        old name ``trials`` still works and warns.
    seed_entropy : int
        Pass it as ``seed`` to replay the run.
    target_ids : numpy.ndarray of int32
    chain_start, chain_length, chain_outcome, chain_end : numpy.ndarray
        Per chain: start id, number of forwards, outcome code (index into
        :data:`OUTCOMES`) and last holder's id.
    chain_weak_ties, chain_crossings : numpy.ndarray of int32
        Per chain: weak ties traversed and community boundaries crossed.
    start_distance : numpy.ndarray of float64
        Per chain: the routing distance from the start to the nearest target
        (NaN when ``distance=None``).
    path_ids, path_weak : numpy.ndarray
        Holders by step of the first ``keep_paths`` chains (-1 past the end)
        and whether each was reached by a weak tie.
    on_completed, as_intermediary : numpy.ndarray of int64
        Per person: completed chains they were on (start and target
        included), and were on strictly between start and target.
    has_community : bool
        Whether crossings were counted (the network has ``community``).

    Examples
    --------
    >>> import networkx as nx, referral
    >>> net = referral.from_networkx(nx.path_graph(3), strength=1.0,
    ...                              activity=1.0)
    >>> result = search(net, starts=[0], targets=[2], trials=4, seed=1)
    >>> result.n_chains, result.n_completed
    (4, 4)
    """

    network: ReferralNetwork = field(repr=False)
    policy: str
    attrition: str
    distance: str
    max_steps: int
    n_trials: int
    seed_entropy: int
    target_ids: np.ndarray = field(repr=False)
    chain_start: np.ndarray = field(repr=False)
    chain_length: np.ndarray = field(repr=False)
    chain_outcome: np.ndarray = field(repr=False)
    chain_end: np.ndarray = field(repr=False)
    chain_weak_ties: np.ndarray = field(repr=False)
    chain_crossings: np.ndarray = field(repr=False)
    start_distance: np.ndarray = field(repr=False)
    path_ids: np.ndarray = field(repr=False)
    path_weak: np.ndarray = field(repr=False)
    on_completed: np.ndarray = field(repr=False)
    as_intermediary: np.ndarray = field(repr=False)
    has_community: bool = False

    @property
    def trials(self) -> int:
        """Chains per start; deprecated, use ``n_trials``.

        Returns
        -------
        int
            ``n_trials``, with a :class:`FutureWarning`.
        """
        warnings.warn(
            "SearchResult.trials is deprecated and will be removed; use "
            "SearchResult.n_trials (the same number, named as in SpreadResult).",
            FutureWarning,
            stacklevel=2,
        )
        return self.n_trials

    def _repr_html_(self) -> str:
        from referral._html import search_html

        return search_html(self)

    # ------------------------------------------------------------- helpers
    @property
    def n_chains(self) -> int:
        """Number of chains."""
        return len(self.chain_start)

    @property
    def n_completed(self) -> int:
        """Number of completed chains."""
        return int(np.count_nonzero(self.chain_outcome == _k.COMPLETED))

    def _attempts(self) -> np.ndarray:
        """Forward decisions each chain's holders made (int64)."""
        length = self.chain_length.astype(np.int64)
        extra = np.isin(self.chain_outcome, [_k.DROPPED, _k.DEAD_END])
        return length + extra

    def attrition_rate(self) -> float:
        """Per-step attrition estimated from the data: drops / forward decisions.

        Every holder who is not a target decides once whether to forward; a
        chain of length ``L`` made ``L`` decisions if it completed or hit the
        step limit, and ``L + 1`` if it was dropped or dead-ended (the holder
        acted but had nobody left to ask). This is the maximum-likelihood
        estimate for a constant per-step rate.

        Returns
        -------
        float
            Drops over forward decisions (NaN if there were none).
        """
        attempts = int(self._attempts().sum())
        drops = int(np.count_nonzero(self.chain_outcome == _k.DROPPED))
        return drops / attempts if attempts else float("nan")

    # --------------------------------------------------------------- views
    def chains(self) -> pd.DataFrame:
        """One row per chain.

        Returns
        -------
        pandas.DataFrame
            - ``chain`` (int64): chain index, grouped by start.
            - ``start`` (label) and ``start_id`` (int32): who started it.
            - ``target`` (label or None): the target reached, None unless
              completed; ``target_id`` (int32): its id, -1 if none.
            - ``length`` (int32): forwards made (ties traversed). A start
              that is itself a target completes with length 0. Milgram's
              number of intermediaries is ``length - 1``.
            - ``outcome`` (categorical): ``completed``, ``dropped`` (a holder
              did not forward), ``dead_end`` (a holder had no contact left
              who was not on the chain) or ``step_limit`` (``max_steps``
              forwards without reaching a target).
            - ``weak_ties`` (int32): weak ties traversed.
            - ``crossed_communities`` (Int64): forwards between different
              communities; <NA> if the network has no ``community``.
            - ``start_distance`` (float64): routing distance from the start
              to the nearest target (hops for ``distance="graph"``, ``inf``
              if unreachable); NaN when ``distance=None``.

        Examples
        --------
        >>> import networkx as nx, referral
        >>> net = referral.from_networkx(nx.path_graph(4), strength=1.0,
        ...                              activity=1.0)
        >>> res = search(net, starts=[0], targets=[3], seed=1)
        >>> res.chains()[["start", "target", "length", "outcome"]]
           start  target  length    outcome
        0      0       3       3  completed
        """
        completed = self.chain_outcome == _k.COMPLETED
        labels = self.network.labels
        target = np.empty(self.n_chains, dtype=object)
        target[:] = None
        target[completed] = labels[self.chain_end[completed]]
        target_id = np.where(completed, self.chain_end, -1).astype(np.int32)
        crossed = pd.array(self.chain_crossings.astype(np.int64), dtype="Int64")
        if not self.has_community:
            crossed = pd.array([pd.NA] * self.n_chains, dtype="Int64")
        return pd.DataFrame(
            {
                "chain": np.arange(self.n_chains, dtype=np.int64),
                "start": labels[self.chain_start],
                "start_id": self.chain_start.astype(np.int32),
                "target": target,
                "target_id": target_id,
                "length": self.chain_length.astype(np.int32),
                "outcome": pd.Categorical.from_codes(
                    self.chain_outcome.astype(np.int8), categories=list(OUTCOMES)
                ),
                "weak_ties": self.chain_weak_ties.astype(np.int32),
                "crossed_communities": crossed,
                "start_distance": self.start_distance,
            }
        )

    def by_step(self) -> pd.DataFrame:
        """The attrition curve: what happened to the chains at each step.

        Returns
        -------
        pandas.DataFrame
            One row per step ``s`` from 0 to the longest chain:

            - ``step`` (int64): forwards made so far.
            - ``alive`` (int64): chains that made ``s`` forwards and had not
              ended before (their holder at step ``s`` exists).
            - ``completed`` (int64): chains whose step-``s`` holder is a
              target (they end completed with length ``s``).
            - ``dropped``, ``dead_end``, ``step_limit`` (int64): chains that
              ended at step ``s`` that way.
            - ``attempts`` (int64): holders asked to forward at step ``s``
              (``alive - completed - step_limit``).
            - ``attrition`` (float64): ``dropped / attempts``, the per-step
              attrition rate (NaN with no attempts).

            ``alive`` at step ``s + 1`` is ``alive - completed - dropped -
            dead_end - step_limit`` at step ``s``.

        Examples
        --------
        >>> import networkx as nx, referral
        >>> net = referral.from_networkx(nx.path_graph(3), strength=1.0,
        ...                              activity=1.0)
        >>> search(net, starts=[0], targets=[2], seed=1).by_step()[
        ...     ["step", "alive", "completed"]]
           step  alive  completed
        0     0      1          0
        1     1      1          0
        2     2      1          1
        """
        steps = int(self.chain_length.max()) + 1 if self.n_chains else 1
        counts = {}
        for code, name in enumerate(OUTCOMES):
            mask = self.chain_outcome == code
            counts[name] = np.bincount(
                self.chain_length[mask].astype(np.int64), minlength=steps
            )[:steps].astype(np.int64)
        ended = sum(counts.values())
        alive = self.n_chains - np.concatenate([[0], np.cumsum(ended)[:-1]])
        attempts = alive - counts["completed"] - counts["step_limit"]
        with np.errstate(divide="ignore", invalid="ignore"):
            attrition = np.where(
                attempts > 0, counts["dropped"] / np.maximum(attempts, 1), np.nan
            )
        return pd.DataFrame(
            {
                "step": np.arange(steps, dtype=np.int64),
                "alive": alive.astype(np.int64),
                **counts,
                "attempts": attempts.astype(np.int64),
                "attrition": attrition,
            }
        )

    def paths(self) -> pd.DataFrame:
        """The holders of the first ``keep_paths`` chains, step by step.

        Returns
        -------
        pandas.DataFrame
            One row per holder of a kept chain:

            - ``chain`` (int64): chain index (as in :meth:`chains`).
            - ``step`` (int64): forwards made before this person held it.
            - ``person`` (label) and ``id`` (int32).
            - ``via_weak_tie`` (bool): reached through a weak tie (False for
              the start).

        Examples
        --------
        >>> import networkx as nx, referral
        >>> net = referral.from_networkx(nx.path_graph(3), strength=1.0,
        ...                              activity=1.0)
        >>> search(net, starts=[0], targets=[2], seed=1).paths()["person"].tolist()
        [0, 1, 2]
        """
        ids = self.path_ids
        chain, step = np.nonzero(ids >= 0)
        person = ids[chain, step]
        return pd.DataFrame(
            {
                "chain": chain.astype(np.int64),
                "step": step.astype(np.int64),
                "person": self.network.labels[person],
                "id": person.astype(np.int32),
                "via_weak_tie": self.path_weak[chain, step].astype(bool),
            }
        )

    def people(self) -> pd.DataFrame:
        """Per-person chain credit, for gatekeeper analysis.

        Returns
        -------
        pandas.DataFrame
            One row per person, by id:

            - ``person`` (label) and ``id`` (int32).
            - ``times_on_completed_chain`` (int64): completed chains the person
              was on, start and target included.
            - ``times_as_intermediary`` (int64): completed chains the person
              was on strictly between the start and the target.
            - ``share_of_completed`` (float64):
              ``times_on_completed_chain / completed chains`` (NaN if none
              completed).

        Examples
        --------
        >>> import networkx as nx, referral
        >>> net = referral.from_networkx(nx.path_graph(3), strength=1.0,
        ...                              activity=1.0)
        >>> search(net, starts=[0], targets=[2], seed=1).people()[
        ...     "times_as_intermediary"].tolist()
        [0, 1, 0]
        """
        completed = self.n_completed
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (
                self.on_completed / completed
                if completed
                else np.full(self.network.n_people, np.nan)
            )
        return pd.DataFrame(
            {
                "person": self.network.labels,
                "id": np.arange(self.network.n_people, dtype=np.int32),
                "times_on_completed_chain": self.on_completed.astype(np.int64),
                "times_as_intermediary": self.as_intermediary.astype(np.int64),
                "share_of_completed": np.asarray(share, dtype=np.float64),
            }
        )

    @validate_params(
        {
            "rate": [Interval(float, 0, 1, closed="left"), None],
            "tail": [Interval(float, 0, 1)],
        }
    )
    def corrected_lengths(self, rate: float | None = None, *, tail: float = 0.05):
        """The attrition-corrected length distribution of completed chains.

        A chain of length ``L`` survives ``L`` forward decisions, each with
        probability ``1 - r``, so completed chains under-represent long
        chains by ``(1 - r)^L``. Following Dodds, Muhamad & Watts (2003),
        each completed chain of length ``L`` is reweighted by
        ``(1 - r)^-L``.

        Parameters
        ----------
        rate : float in [0, 1), optional
            The per-step attrition rate ``r``; default
            :meth:`attrition_rate`, estimated from the data.
        tail : float, default 0.05
            The corrected mean is reported only if the longest observed
            length carries less than this corrected share (see Notes).

        Returns
        -------
        pandas.DataFrame
            One row per observed completed length:

            - ``length`` (int64).
            - ``completed`` (int64): completed chains of that length.
            - ``raw_share`` (float64): their share of completed chains.
            - ``weight`` (float64): ``(1 - r)^-length``.
            - ``corrected_share`` (float64): reweighted share.
            - ``corrected_cumulative`` (float64): its running sum.

            - ``attrition_rate`` (float64): the ``r`` used.
            - ``corrected_median`` (float64): the smallest length with
              corrected cumulative share >= 1/2 (NaN when the weights are
              infinite).
            - ``corrected_mean`` (float64): the reweighted mean length (NaN
              when it cannot be estimated, see Notes).
            - ``note`` (object): why the corrected mean is NaN (empty when
              it is estimated).

            The last four are the same on every row, so the table read back
            from CSV carries them; a table with no completed chain has no
            rows.

        Notes
        -----
        The corrected median is robust; the corrected mean is not. It cannot
        be estimated when chains were cut by ``max_steps`` (lengths beyond it
        are never observed), or when the weights grow faster than the
        observed tail decays, so that the few longest chains seen dominate
        the reweighted distribution: the longest observed length has
        corrected share ``>= tail`` while so few chains completed at it
        (``completed * (1 - r) < 3``) that not seeing longer chains says
        little about whether they exist. The correction assumes one attrition rate for
        all steps and chains; with per-chain heterogeneity the completed
        chains are the ones with low attrition and the correction overshoots
        less than it should.

        Examples
        --------
        >>> import networkx as nx, referral
        >>> net = referral.from_networkx(nx.path_graph(6), strength=1.0,
        ...                              activity=1.0)
        >>> res = search(net, starts=[0, 3], targets=[5], attrition=0.5,
        ...              trials=200, seed=2)
        >>> table = res.corrected_lengths()
        >>> table["length"].tolist()
        [2, 5]
        >>> float(table["corrected_median"].iloc[0])
        5.0
        """
        rate = self.attrition_rate() if rate is None else float(rate)
        done = self.chain_outcome == _k.COMPLETED
        counts = np.bincount(self.chain_length[done].astype(np.int64))
        lengths = np.flatnonzero(counts)
        completed = counts[lengths].astype(np.int64)
        total = completed.sum()
        raw = completed / total if total else completed.astype(np.float64)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            if np.isnan(rate):
                weight = np.full(len(lengths), np.nan)
            else:
                weight = np.power(1.0 - rate, -lengths.astype(np.float64))
            mass = completed * weight
            corrected = mass / mass.sum() if total else mass
        cumulative = np.cumsum(corrected)
        table = pd.DataFrame(
            {
                "length": lengths.astype(np.int64),
                "completed": completed,
                "raw_share": raw,
                "weight": weight,
                "corrected_share": corrected,
                "corrected_cumulative": cumulative,
            }
        )
        note = ""
        ok = bool(total) and bool(np.all(np.isfinite(corrected)))
        if not total:
            note = "no chain completed"
        elif not ok:
            note = "the attrition rate is 1 or undefined: weights are infinite"
        median = int(lengths[np.searchsorted(cumulative, 0.5 - 1e-12)]) if ok else None
        mean_ok = ok
        if ok and np.any(self.chain_outcome == _k.STEP_LIMIT):
            mean_ok = False
            note = (
                "chains were cut at max_steps, so lengths beyond it are "
                "unobserved: the corrected mean cannot be estimated"
            )
        elif ok and corrected[-1] >= tail and completed[-1] * (1 - rate) < 3:
            mean_ok = False
            note = (
                f"the weights grow faster than the observed tail decays (the "
                f"longest length, {int(lengths[-1])}, carries corrected share "
                f"{corrected[-1]:.2f}): the corrected mean cannot be estimated"
            )
        table["attrition_rate"] = float(rate)
        table["corrected_median"] = np.nan if median is None else float(median)
        table["corrected_mean"] = (
            float(np.dot(lengths, corrected)) if mean_ok else np.nan
        )
        table["note"] = note
        return table.astype(
            {"attrition_rate": np.float64, "corrected_median": np.float64}
        )

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Headline figures with standard errors and confidence intervals.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the intervals.

        Returns
        -------
        pandas.DataFrame
            One row per measure, columns ``measure`` (str), ``estimate``,
            ``se``, ``ci_low``, ``ci_high`` (float64) and ``n`` (int64, the
            number of chains or decisions it rests on). Measures:

            - ``completion_rate``, ``dropped_rate``, ``dead_end_rate``,
              ``step_limit_rate``: shares of chains by outcome (Wilson
              intervals).
            - ``mean_length``: mean length of completed chains (normal
              interval); ``mean_intermediaries`` is ``mean_length - 1``.
            - ``median_length``: median length of completed chains
              (distribution-free order-statistic interval, se NaN).
            - ``attrition_rate``: per-step attrition, drops / forward
              decisions (Wilson interval), see :meth:`attrition_rate`.
            - ``corrected_median``, ``corrected_mean``: from
              :meth:`corrected_lengths` (no intervals; the mean is NaN when
              it cannot be estimated).

        Examples
        --------
        >>> import networkx as nx, referral
        >>> net = referral.from_networkx(nx.path_graph(3), strength=1.0,
        ...                              activity=1.0)
        >>> s = search(net, starts=[0], targets=[2], trials=10, seed=1).summary()
        >>> float(s.set_index("measure").loc["completion_rate", "estimate"])
        1.0
        """
        level = float(level)
        z = z_for(level, function="SearchResult.summary")
        n = self.n_chains
        rows = []
        for code, name in enumerate(OUTCOMES):
            k = int(np.count_nonzero(self.chain_outcome == code))
            rate_name = "completion_rate" if name == "completed" else f"{name}_rate"
            rows.append((rate_name, *proportion_interval(k, n, z), n))
        lengths = np.sort(
            self.chain_length[self.chain_outcome == _k.COMPLETED].astype(np.float64)
        )
        m = len(lengths)
        if m:
            mean = float(lengths.mean())
            se = standard_error(lengths)
            rows.append(("mean_length", mean, se, *normal_interval(mean, se, z), m))
            rows.append(
                (
                    "mean_intermediaries",
                    mean - 1,
                    se,
                    *normal_interval(mean - 1, se, z),
                    m,
                )
            )
            rows.append(
                (
                    "median_length",
                    float(np.median(lengths)),
                    np.nan,
                    *median_interval(lengths, level),
                    m,
                )
            )
        else:
            for name in ["mean_length", "mean_intermediaries", "median_length"]:
                rows.append((name, np.nan, np.nan, np.nan, np.nan, 0))
        attempts = int(self._attempts().sum())
        drops = int(np.count_nonzero(self.chain_outcome == _k.DROPPED))
        rows.append(
            ("attrition_rate", *proportion_interval(drops, attempts, z), attempts)
        )
        table = self.corrected_lengths()
        for name in ["corrected_median", "corrected_mean"]:
            value = float(table[name].iloc[0]) if len(table) else np.nan
            rows.append((name, value, np.nan, np.nan, np.nan, m))
        frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
        return frame.astype(
            {
                "estimate": np.float64,
                "se": np.float64,
                "ci_low": np.float64,
                "ci_high": np.float64,
                "n": np.int64,
            }
        )


# --------------------------------------------------------------------- search
def _resolve_policy(policy):
    if callable(policy) and not isinstance(policy, str):
        return -1, policy, getattr(policy, "__name__", "callable")
    if isinstance(policy, str) and policy in _POLICY_CODES:
        return _POLICY_CODES[policy], None, policy
    raise ValueError(
        f"The 'policy' parameter of {_FN} must be one of {list(POLICIES)} or a "
        f"callable f(holder, contacts, network) -> contact. Got {policy!r} "
        "instead."
    )


def _people_ids(network, people, name, default):
    if people is None:
        ids = default
    else:
        # the network's one exact, vectorised label path (no dtype coercion)
        ids = network.ids(people, parameter=name)
    if len(ids) == 0:
        what = "recruiters" if name == "targets" else "candidates"
        hint = (
            f" (the default, the network's {what}, is empty)" if people is None else ""
        )
        raise ValueError(
            f"The {name!r} parameter of {_FN} must name at least one person{hint}."
        )
    return np.asarray(ids, dtype=np.int32)


@validate_params(
    {
        "network": ["network"],
        "policy": [Options(POLICIES), callable],
        "max_steps": [Interval(int, 1, None)],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "keep_paths": [Interval(int, 0, None)],
        "progress": ["boolean"],
    }
)
def search(
    network: ReferralNetwork,
    starts: Iterable | None = None,
    targets: Iterable | None = None,
    *,
    policy: str | Callable = "greedy",
    distance="graph",
    attrition="person",
    max_steps: int = 100,
    trials: int = 1,
    seed=None,
    n_jobs: int | None = None,
    keep_paths: int = 100,
    progress: bool = False,
) -> SearchResult:
    """Simulate candidates searching for a recruiter through chains of contacts.

    Each chain starts with one holder. At each step, unless the holder is a
    target (the chain is then *completed*), the holder forwards with
    probability ``p`` (set by ``attrition``), or the chain is *dropped*. A
    holder who forwards passes the chain to one contact not yet on it,
    chosen by ``policy``; with no such contact the chain is a *dead end*.
    After ``max_steps`` forwards without reaching a target it ends at the
    *step limit*.

    Parameters
    ----------
    network : ReferralNetwork
    starts : iterable of people, optional
        Who starts chains (default: the candidates). Repeats are allowed and
        run repeated chains.
    targets : iterable of people, optional
        Who ends a chain when reached (default: the recruiters).
    policy : {"greedy", "random", "strongest", "weak-first"} or callable
        How a holder picks the next holder among contacts not yet on the
        chain; ties are broken uniformly at random.

        - ``"random"``: any of them.
        - ``"greedy"``: the contact with the smallest ``distance`` to the
          nearest target.
        - ``"strongest"``: the contact through the strongest tie.
        - ``"weak-first"``: a contact through a weak tie if there is any,
          otherwise any contact; within that set the smallest ``distance``
          (uniformly at random if ``distance=None``).
        - a callable ``f(holder, contacts, network) -> contact``: ``holder``
          is a label, ``contacts`` the list of labels not yet on the chain
          (never empty), and it must return one of them. It runs in Python,
          one chain after another (``n_jobs`` is ignored): the slow path.
    distance : "graph", str, tuple of str, array_like or None, default "graph"
        The distance to the nearest target that greedy routing minimises:

        - ``"graph"``: the true hop distance, from one multi-source
          breadth-first search from the targets (on reversed ties if the
          network is directed). Real senders do not know it: it is the
          optimistic bound.
        - an attribute name, e.g. ``"community"``: a social distance, 0 for
          people who share a value with some target, 1 otherwise (the name
          ``"graph"`` is reserved for the hop distance).
        - a tuple of attribute names, e.g. ``("x", "y")``: the L1 distance
          in those coordinates to the nearest target (Kleinberg's lattice).
        - an array with one non-negative value per person (by id).
        - ``None``: no distance (not allowed with ``"greedy"``).
    attrition : "person", float, PerPerson, PerStep or PerChain
        Who drops chains:

        - ``"person"`` / :class:`PerPerson` (default): each holder forwards
          with its own ``activity``.
        - a float ``r`` / :class:`PerStep`: every holder forwards with
          probability ``1 - r``.
        - :class:`PerChain`: one rate drawn per chain, shared along it.
    max_steps : int >= 1, default 100
        Forwards after which an incomplete chain ends at the step limit.
    trials : int >= 1, default 1
        Chains per start: ``len(starts) * trials`` chains in all, chain
        ``c`` starting at ``starts[c // trials]``.
    seed : None, int, SeedSequence or Generator
        Recorded as ``result.seed_entropy``.
    n_jobs : int, optional
        Threads for the compiled kernel (joblib convention; ``None`` is 1).
        Results do not depend on it.
    keep_paths : int >= 0, default 100
        How many chains (the first ones) keep their full path for
        :meth:`SearchResult.paths`.
    progress : bool, default False
        Show a progress bar (tqdm).

    Returns
    -------
    SearchResult

    Raises
    ------
    networkx.NodeNotFound
        If ``starts`` or ``targets`` name people not in the network.
    ValueError
        For an empty set of starts or targets, an unknown policy (the message
        lists the valid ones), a distance attribute missing on some people
        (named), bad attrition values, ``max_steps < 1`` or ``trials < 1``.

    Notes
    -----
    A start that is itself a target completes with length 0. ``length`` is
    the number of forwards (ties traversed); Milgram's count of
    intermediaries is ``length - 1``.

    Random numbers are counter-based: chain ``c`` uses the key
    ``trial_key(base_key(entropy), c)``; holder ``h`` forwards at step ``s``
    iff ``uniform(key_c, STREAM_ACT, h, s) < p``; policy tie-breaks use
    ``STREAM_CHOICE`` and per-chain rates ``STREAM_CHAIN``. Results are
    identical for any ``n_jobs``, and runs with the same seed on networks
    that differ only in activity use common random numbers.

    References
    ----------
    Travers & Milgram (1969), Sociometry 32(4). Dodds, Muhamad & Watts
    (2003), Science 301. Kleinberg (2000), Nature 406. Goel, Muhamad & Watts
    (2009), EC '09.

    Examples
    --------
    >>> import networkx as nx, referral
    >>> net = referral.from_networkx(nx.path_graph(5), strength=1.0,
    ...                              activity=0.5)
    >>> res = search(net, starts=[0], targets=[4], trials=1000, seed=1)
    >>> int((res.chains()["outcome"] == "completed").sum())  # about 1000 / 2**4
    65
    """
    code, user_policy, policy_name = _resolve_policy(policy)
    max_steps, trials, keep_paths = int(max_steps), int(trials), int(keep_paths)
    spec = _resolve_attrition(attrition)
    start_ids = _people_ids(network, starts, "starts", network.candidates)
    target_ids = _people_ids(network, targets, "targets", network.recruiters)
    check_memory(
        len(start_ids) * trials * 32
        + min(keep_paths, len(start_ids) * trials) * (max_steps + 1) * 5,
        function=_FN,
        what=f"the records of {len(start_ids) * trials:,} chains "
        f"({len(start_ids):,} starts x {trials:,} trials) and "
        f"{keep_paths:,} kept paths of up to {max_steps:,} steps",
        advice="Pass fewer trials or starts (or a smaller keep_paths or "
        "max_steps); run several seeds and combine them for more.",
    )
    if code == _k.POLICY_GREEDY and distance is None:
        raise ValueError(
            f"The 'greedy' policy of {_FN} needs a distance; got distance=None."
        )
    dist = _resolve_distance(network, distance, target_ids)
    jobs = resolve_n_jobs(n_jobs, function=_FN)
    entropy = resolve_entropy(seed, function=_FN)
    key = base_key(entropy)

    n = network.n_people
    n_chains = len(start_ids) * trials
    chain_start = np.repeat(start_ids, trials).astype(np.int32)
    is_target = np.zeros(n, dtype=np.bool_)
    is_target[target_ids] = True
    use_dist = dist is not None
    dist_array = dist if use_dist else np.zeros(1)
    community = network.community
    use_community = community is not None
    if use_community:
        community_codes, _ = pd.factorize(pd.Series(community))
        community_codes = community_codes.astype(np.int64)
    else:
        community_codes = np.zeros(1, dtype=np.int64)

    mode = _k.MODE_PERSON
    step_p = 1.0
    chain_p = np.zeros(1)
    if isinstance(spec, PerStep):
        mode, step_p = _k.MODE_STEP, 1.0 - spec.rate
    elif isinstance(spec, PerChain):
        mode = _k.MODE_CHAIN
        chain_p = 1.0 - spec.rates_from_uniforms(_k.chain_uniforms(key, n_chains))

    keep = min(keep_paths, n_chains)
    paths = np.full((keep, max_steps + 1), -1, dtype=np.int32)
    path_weak = np.zeros((keep, max_steps + 1), dtype=np.bool_)
    length = np.zeros(n_chains, dtype=np.int32)
    outcome = np.zeros(n_chains, dtype=np.int8)
    end = np.zeros(n_chains, dtype=np.int32)
    weak_count = np.zeros(n_chains, dtype=np.int32)
    cross_count = np.zeros(n_chains, dtype=np.int32)
    activity = np.asarray(network.activity, dtype=np.float64)
    strength = np.asarray(network.strength, dtype=np.float64)
    weak = np.asarray(network.weak, dtype=np.bool_)

    arrays = _k.SearchInputs(
        chain_start,
        network.indptr,
        network.indices,
        strength,
        weak,
        is_target,
        dist_array,
        use_dist,
        community_codes,
        use_community,
        mode,
        activity,
        step_p,
        chain_p,
    )
    outputs = _k.SearchOutputs(
        paths, path_weak, length, outcome, end, weak_count, cross_count
    )

    if user_policy is None:
        cancel = new_cancel_flag()

        def work(c0, c1):
            return _k.search_chains(
                arrays, code, max_steps, key, outputs, c0, c1, cancel
            )

        n_blocks = jobs * (8 if progress else 1)
        if n_chains >= 4096:
            n_blocks = max(n_blocks, 2 * jobs)
        blocks = trial_blocks(n_chains, n_blocks)
        results = run_blocks(
            work,
            blocks,
            jobs,
            cancel=cancel,
            progress=progress,
            description="chains",
        )
        on_completed = np.sum([r[0] for r in results], axis=0)
        as_intermediary = np.sum([r[1] for r in results], axis=0)
    else:
        on_completed, as_intermediary = _python_chains(
            network, user_policy, arrays, max_steps, key, outputs
        )

    start_distance = dist[chain_start] if use_dist else np.full(n_chains, np.nan)
    return SearchResult(
        network=network,
        policy=policy_name,
        attrition=spec.describe(),
        distance=_describe_distance(distance),
        max_steps=max_steps,
        n_trials=trials,
        seed_entropy=entropy,
        target_ids=target_ids,
        chain_start=chain_start,
        chain_length=length,
        chain_outcome=outcome,
        chain_end=end,
        chain_weak_ties=weak_count,
        chain_crossings=cross_count,
        start_distance=np.asarray(start_distance, dtype=np.float64),
        path_ids=paths,
        path_weak=path_weak,
        on_completed=np.asarray(on_completed, dtype=np.int64),
        as_intermediary=np.asarray(as_intermediary, dtype=np.int64),
        has_community=use_community,
    )


def _python_chains(network, user_policy, arrays, max_steps, key, outputs):
    """The same chains as the kernel, with a Python policy (slow path)."""
    (
        chain_start,
        indptr,
        indices,
        _strength,
        weak,
        is_target,
        _dist,
        _use_dist,
        community,
        use_community,
        mode,
        activity,
        step_p,
        chain_p,
    ) = arrays
    paths, path_weak, length, outcome, end, weak_count, cross_count = outputs
    labels = network.labels
    n = network.n_people
    keep = paths.shape[0]
    on_completed = np.zeros(n, dtype=np.int64)
    as_intermediary = np.zeros(n, dtype=np.int64)
    key = np.uint64(key)
    for c in range(len(chain_start)):
        h = int(chain_start[c])
        chain = [h]
        on_chain = {h}
        weak_used = crossed = 0
        while True:
            if is_target[h]:
                result = _k.COMPLETED
                break
            steps = len(chain) - 1
            if steps >= max_steps:
                result = _k.STEP_LIMIT
                break
            if mode == _k.MODE_PERSON:
                p = activity[h]
            elif mode == _k.MODE_STEP:
                p = step_p
            else:
                p = chain_p[c]
            if not _k.act_uniform(key, c, h, steps) < p:
                result = _k.DROPPED
                break
            entries = [
                e
                for e in range(indptr[h], indptr[h + 1])
                if int(indices[e]) not in on_chain
            ]
            if not entries:
                result = _k.DEAD_END
                break
            contacts = [labels[indices[e]] for e in entries]
            chosen = user_policy(labels[h], list(contacts), network)
            matches = [k for k, x in enumerate(contacts) if x == chosen]
            if not matches:
                raise ValueError(
                    f"The search policy {user_policy!r} returned {chosen!r}, "
                    f"which is not one of the contacts it was offered: "
                    f"{contacts[:10]!r}."
                )
            e = entries[matches[0]]
            v = int(indices[e])
            if weak[e]:
                weak_used += 1
            if (
                use_community
                and community[h] >= 0
                and community[v] >= 0
                and (community[h] != community[v])
            ):
                crossed += 1
            h = v
            chain.append(h)
            on_chain.add(h)
            if c < keep:
                paths[c, len(chain) - 1] = h
                path_weak[c, len(chain) - 1] = weak[e]
        if c < keep:
            paths[c, 0] = chain[0]
        length[c] = len(chain) - 1
        outcome[c] = result
        end[c] = h
        weak_count[c] = weak_used
        cross_count[c] = crossed
        if result == _k.COMPLETED:
            on_completed[chain] += 1
            if len(chain) > 2:
                as_intermediary[chain[1:-1]] += 1
    return on_completed, as_intermediary
