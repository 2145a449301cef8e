"""The result of :func:`referral.search`: :class:`SearchResult` and its tidy views.

:data:`OUTCOMES` names how a chain can end, in the order of the ``outcome``
categories.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.stats import (
    median_interval,
    normal_interval,
    proportion_interval,
    standard_error,
    summary_frame,
    z_for,
)
from referral._core.validation import user_stacklevel
from referral._engine import search_kernel as _k
from referral.network._referral_network import ReferralNetwork

__all__ = ["SearchResult", "OUTCOMES"]


OUTCOMES = ("completed", "dropped", "dead_end", "step_limit")
"""How a chain can end, in the order of the ``outcome`` categories."""


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
    chain_duration : numpy.ndarray of float64 or None
        Per chain, with ``delay``: days from the start to the last holder
        hearing of it (the sum of the forwarding holders' delays); else
        None.
    delay : referral.simulate.delays.Delay or None
        The ``delay`` of the run.

    Examples
    --------
    >>> import networkx as nx, referral
    >>> net = referral.from_networkx(nx.path_graph(3), strength=1.0,
    ...                              activity=1.0)
    >>> from referral import search
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
    chain_duration: np.ndarray | None = field(default=None, repr=False)
    delay: object = None

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
            stacklevel=user_stacklevel(),
        )
        return self.n_trials

    def _repr_html_(self) -> str:
        from referral._core.html import search_html

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
              number of intermediaries is ``max(length - 1, 0)``.
            - ``duration`` (float64), only for a run with ``delay``: days
              from the start to the chain's last holder hearing of it (for
              a completed chain, the target), the sum of the delays of the
              ``length`` holders who forwarded.
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
        >>> from referral import search
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
        timed = {}
        if self.chain_duration is not None:
            timed["duration"] = np.asarray(self.chain_duration, dtype=np.float64)
        return pd.DataFrame(
            {
                "chain": np.arange(self.n_chains, dtype=np.int64),
                "start": labels[self.chain_start],
                "start_id": self.chain_start.astype(np.int32),
                "target": target,
                "target_id": target_id,
                "length": self.chain_length.astype(np.int32),
                **timed,
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
        >>> from referral import search
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
        >>> from referral import search
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
        >>> from referral import search
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
        >>> from referral import search
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
                f"too few long chains were seen: the longest, of length "
                f"{int(lengths[-1])}, alone would carry {corrected[-1]:.0%} of "
                f"the corrected lengths, so the corrected mean cannot be "
                f"estimated"
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

    def _duration_rows(self, z, level):
        """``mean_duration`` and ``median_duration`` rows of completed chains."""
        done = self.chain_outcome == _k.COMPLETED
        times = np.sort(np.asarray(self.chain_duration, dtype=np.float64)[done])
        m = len(times)
        if not m:
            return [
                (name, np.nan, np.nan, np.nan, np.nan, 0)
                for name in ("mean_duration", "median_duration")
            ]
        mean = float(times.mean())
        se = standard_error(times)
        return [
            ("mean_duration", mean, se, *normal_interval(mean, se, z), m),
            (
                "median_duration",
                float(np.median(times)),
                np.nan,
                *median_interval(times, level),
                m,
            ),
        ]

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
            ``se``, ``ci_low``, ``ci_high`` (float64), ``n`` (int64, the
            number of chains or decisions it rests on) and ``level``
            (float64, the confidence level of the intervals). Measures:

            - ``completion_rate``, ``dropped_rate``, ``dead_end_rate``,
              ``step_limit_rate``: shares of chains by outcome (Wilson
              intervals).
            - ``mean_length``: mean length of completed chains (normal
              interval); ``mean_intermediaries``: the mean number of people
              between start and target, ``max(length - 1, 0)`` per chain (a
              start that is a target has none), its interval clipped at 0.
            - ``median_length``: median length of completed chains
              (distribution-free order-statistic interval, se NaN).
            - ``mean_duration``, ``median_duration`` (only for a run with
              ``delay``): the mean (normal interval) and median
              (order-statistic interval, se NaN) of the completed chains'
              ``duration``, in days.
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
        >>> from referral import search
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
            # a chain of length 0 (a start that is a target) or 1 has no one
            # in between: never a negative number of intermediaries
            between = np.maximum(lengths - 1.0, 0.0)
            mean_between = float(between.mean())
            se_between = standard_error(between)
            low, high = normal_interval(mean_between, se_between, z)
            rows.append(
                (
                    "mean_intermediaries",
                    mean_between,
                    se_between,
                    max(float(low), 0.0),
                    high,
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
        if self.chain_duration is not None:
            rows.extend(self._duration_rows(z, level))
        attempts = int(self._attempts().sum())
        drops = int(np.count_nonzero(self.chain_outcome == _k.DROPPED))
        rows.append(
            ("attrition_rate", *proportion_interval(drops, attempts, z), attempts)
        )
        table = self.corrected_lengths()
        for name in ["corrected_median", "corrected_mean"]:
            value = float(table[name].iloc[0]) if len(table) else np.nan
            rows.append((name, value, np.nan, np.nan, np.nan, m))
        return summary_frame(rows, level)
