"""The hiring funnel: from reached to applied to hired, and the money paid.

:func:`funnel` runs the spread of :func:`referral.spread` (the same random
numbers: a funnel trial's cascade is the spread's trial for the same seed)
and follows every reached candidate: do they apply, are they hired, is the
opening filled, and what does a referral bonus scheme pay along the chains
that led to the hires. It returns a :class:`FunnelResult`.
"""

from __future__ import annotations

import math
import numbers
import queue
from dataclasses import dataclass

import numpy as np
import pandas as pd

from referral._core.parallel import (
    block_count,
    new_cancel_flag,
    resolve_n_jobs,
    run_blocks,
    trial_blocks,
)
from referral._core.params import Interval, InvalidParameterError, validate_params
from referral._core.rng import base_key, resolve_entropy
from referral._core.stats import (
    normal_interval,
    proportion_interval,
    ratio_se,
    summary_frame,
    z_for,
)
from referral._core.validation import check_memory
from referral._engine.funnel_kernel import FunnelRun
from referral._engine.spread_kernel import (
    N_TRIAL,
    NO_HALT,
    TRIAL_COLUMNS,
    CascadeNetwork,
    CascadeRun,
    Tallies,
    TieSampler,
    spread_block,
)
from referral.interventions._incentives import is_scheme, responded_activity
from referral.network._referral_network import ReferralNetwork
from referral.simulate._spread import _row_tables, source_ids_of
from referral.simulate.delays import as_days, check_delay

__all__ = ["funnel", "FunnelResult"]

#: the columns of ``FunnelResult.counts``
COUNT_COLUMNS = (
    "people_reached",
    "candidates_reached",
    "applications",
    "hires",
    "depth",
    "fill_hop",
)
F_REACHED, F_CANDIDATES, F_APPLIED, F_HIRED, F_DEPTH, F_FILL_HOP = range(6)


def per_person(value, name: str, network: ReferralNetwork, function: str):
    """A probability per person from a number, an attribute name or a callable.

    Raises :class:`referral.InvalidParameterError` naming ``name`` and the
    first bad value (and the person) when one is outside [0, 1].
    """
    n = network.n_people
    if isinstance(value, str):
        if value not in network.attributes:
            raise InvalidParameterError(
                f"The '{name}' parameter of {function} names the person "
                f"attribute {value!r}, which the network does not have "
                f"(it has {sorted(network.attributes)!r})."
            )
        source = f"attribute {value!r}"
        values = network.attributes[value]
    elif callable(value):
        source = f"the callable {getattr(value, '__name__', repr(value))}"
        values = value(network)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        source = None
        values = np.full(n, float(value))
    else:
        raise InvalidParameterError(
            f"The '{name}' parameter of {function} must be a probability in "
            f"[0, 1], a person attribute name or a callable f(network). Got "
            f"{value!r} instead."
        )
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidParameterError(
            f"The '{name}' parameter of {function} must give a number per "
            f"person; {source} gave values that are not numbers ({error})."
        ) from error
    if values.shape != (n,):
        raise InvalidParameterError(
            f"The '{name}' parameter of {function} must give one probability "
            f"per person ({n}); {source} gave shape {values.shape}."
        )
    bad = ~((values >= 0.0) & (values <= 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        if source is None:
            raise InvalidParameterError(
                f"The '{name}' parameter of {function} must be a probability in "
                f"[0, 1]. Got {value!r} instead."
            )
        raise InvalidParameterError(
            f"The '{name}' parameter of {function} must give probabilities in "
            f"[0, 1]; {source} gives {float(values[i])!r} for person "
            f"{_plain(network.labels[i])!r}."
        )
    return np.ascontiguousarray(values)


def _plain(label):
    """A numpy scalar label as the Python value a user wrote."""
    return label.item() if isinstance(label, np.generic) else label


@dataclass(frozen=True, eq=False)
class FunnelResult:
    """What :func:`funnel` returns: per-trial applications, hires and money.

    Read it through :meth:`trials`, :meth:`by_hop` and :meth:`summary`
    (tidy tables); the arrays are the raw per-trial records.

    Attributes
    ----------
    network : ReferralNetwork
        The network as given (before any scheme's change of activity).
    sources : numpy.ndarray
        Source ids (hop 0).
    n_trials : int
        Trials run.
    positions : int or None
        Openings to fill (``None``: no limit).
    applicants_stop : bool
        Whether applicants stopped passing the opening on.
    scheme : object
        The bonus scheme (``None``: no bonus).
    activity : numpy.ndarray
        Everyone's activity during the run (after the scheme's response).
    seed_entropy : int
        The resolved seed; pass it as ``seed`` to replay the run.
    counts : numpy.ndarray
        int64 (n_trials, 6): reached, candidates reached, applications,
        hires, depth and the hop the last opening was filled at (-1 if not).
    paid : numpy.ndarray
        float64 (n_trials,): money paid per trial.
    trial_hop : numpy.ndarray
        int32 (n_trials, hops): people reached per trial and hop (within the
        search: none after the hop that filled the last position).
    hop_sums : numpy.ndarray
        int64 (hops, 4): per hop, the sums over trials of the applications,
        their squares, the hires and their squares.
    fill_time : numpy.ndarray or None
        float64 (n_trials,): with a ``delay``, the day the last opening was
        filled (the first hire without ``positions``), NaN when it was not;
        ``None`` without a delay.
    delay : Delay or None
        The delay model of the run.
    deadline : float or None
        The deadline in days.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.simulate import funnel
    >>> net = from_networkx(nx.balanced_tree(2, 2), strength=1.0,
    ...                     transmission=1.0, activity=1.0, recruiters=[0],
    ...                     candidates=range(1, 7))
    >>> result = funnel(net, apply=1.0, hire=1.0, positions=1, trials=10, seed=1)
    >>> result.trials()[["people_reached", "hires", "fill_hop"]].iloc[0].tolist()
    [3, 1, 1]
    """

    network: ReferralNetwork
    sources: np.ndarray
    n_trials: int
    positions: int | None
    applicants_stop: bool
    scheme: object
    activity: np.ndarray
    seed_entropy: int
    counts: np.ndarray
    paid: np.ndarray
    trial_hop: np.ndarray
    hop_sums: np.ndarray
    fill_time: np.ndarray | None = None
    delay: object = None
    deadline: float | None = None

    def filled(self) -> np.ndarray:
        """Per trial, whether every opening was filled.

        Returns
        -------
        numpy.ndarray of bool
            ``hires >= positions`` (at least one hire when ``positions`` is
            ``None``).
        """
        need = 1 if self.positions is None else self.positions
        return self.counts[:, F_HIRED] >= need

    def trials(self) -> pd.DataFrame:
        """One row per trial.

        Returns
        -------
        pandas.DataFrame
            - ``trial`` (int64)
            - ``people_reached`` (int64): people told before the search
              stopped, the sources included.
            - ``candidates_reached`` (int64)
            - ``applications`` (int64), ``hires`` (int64)
            - ``filled`` (bool): every opening filled.
            - ``fill_hop`` (int64): the hop the last opening was filled at,
              -1 when not filled (and always without ``positions``).
            - ``depth`` (int64): the deepest hop reached.
            - ``paid`` (float64): money paid along the chains.
            - ``days_to_fill`` (float64, only with a ``delay``): the day the
              last opening was filled, NaN when it was not.
        """
        c = self.counts
        extra = {} if self.fill_time is None else {"days_to_fill": self.fill_time}
        return pd.DataFrame(
            {
                "trial": np.arange(self.n_trials, dtype=np.int64),
                "people_reached": c[:, F_REACHED],
                "candidates_reached": c[:, F_CANDIDATES],
                "applications": c[:, F_APPLIED],
                "hires": c[:, F_HIRED],
                "filled": self.filled(),
                "fill_hop": c[:, F_FILL_HOP],
                "depth": c[:, F_DEPTH],
                "paid": self.paid,
                **extra,
            }
        )

    def _days(self, function: str) -> np.ndarray:
        if self.fill_time is None:
            raise ValueError(
                f"{function} needs a funnel run with a 'delay': this one ran in "
                f"hops, without a clock. Run funnel(..., delay=...) (e.g. "
                f"referral.delays.constant(1) to count each hop as a day)."
            )
        return self.fill_time

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def time_to_fill(self, level: float = 0.95) -> pd.DataFrame:
        """How long filling the opening takes, in days (runs with a ``delay``).

        Openings that were never filled (or not before the ``deadline``) have
        no time to fill; they are not dropped but counted as "not filled" (see
        ``median_days`` below).

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Columns ``measure, estimate, se, ci_low, ci_high, n, level`` and
            three rows:

            - ``filled_share``: the share of openings filled (Wilson
              interval);
            - ``median_days``: the median time to fill over *all* openings,
              the unfilled ones counted as never filled. NaN when half of
              them or more were not filled. Its interval is the
              distribution-free one from the order statistics (binomial
              ranks, normal approximation); ``ci_high`` is NaN when the
              upper rank falls among the unfilled openings, and ``se`` is
              NaN;
            - ``mean_days_if_filled``: the mean time to fill of the openings
              that were filled (``n`` of them; normal interval). It says
              nothing about the ones that were not.

        Raises
        ------
        ValueError
            If the funnel ran without a ``delay``.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral import from_networkx
        >>> from referral.simulate import delays, funnel
        >>> net = from_networkx(nx.star_graph(4), strength=1.0, transmission=1.0,
        ...                     activity=1.0, recruiters=[0],
        ...                     candidates=range(1, 5))
        >>> result = funnel(net, hire=0.5, positions=1, delay=delays.constant(3),
        ...                 trials=200, seed=1)
        >>> result.time_to_fill().round(2)[["measure", "estimate", "n"]]
                       measure  estimate    n
        0         filled_share      0.93  200
        1          median_days      3.00  200
        2  mean_days_if_filled      3.00  186
        """
        days = self._days("FunnelResult.time_to_fill")
        z = z_for(level, function="FunnelResult.time_to_fill")
        n = len(days)
        done = ~np.isnan(days)
        rows = [("filled_share", *proportion_interval(done.sum(), n, z), n)]
        ordered = np.sort(np.where(done, days, np.inf))
        median = float(np.median(ordered)) if n else math.nan
        half = z * math.sqrt(n) / 2.0
        lo_rank = max(int(math.floor(n / 2.0 - half)), 0)
        hi_rank = min(int(math.ceil(n / 2.0 + half)), n - 1)

        def finite(x):
            return float(x) if np.isfinite(x) else math.nan

        rows.append(
            (
                "median_days",
                finite(median),
                math.nan,
                finite(ordered[lo_rank]) if n else math.nan,
                finite(ordered[hi_rank]) if n else math.nan,
                n,
            )
        )
        filled_days = days[done]
        k = len(filled_days)
        mean = float(filled_days.mean()) if k else math.nan
        se = float(filled_days.std(ddof=1) / math.sqrt(k)) if k > 1 else math.nan
        rows.append(("mean_days_if_filled", mean, se, *normal_interval(mean, se, z), k))
        return summary_frame(rows, level)

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def filled_by(self, days, level: float = 0.95) -> pd.DataFrame:
        """The share of openings filled by each of the given days.

        The survival view of the time to fill: openings never filled count
        as not filled on every day.

        Parameters
        ----------
        days : float or sequence of float
            Days after posting (non-negative, finite).
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per day: ``day`` (float64), ``estimate`` (the share
            filled by then), ``se``, ``ci_low``, ``ci_high`` (Wilson),
            ``n`` (trials) and ``level``.

        Raises
        ------
        ValueError
            If the funnel ran without a ``delay``.
        referral.InvalidParameterError
            If a day is negative, not finite or not a number.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral import from_networkx
        >>> from referral.simulate import delays, funnel
        >>> net = from_networkx(nx.path_graph(3), strength=1.0, transmission=1.0,
        ...                     activity=1.0, recruiters=[0], candidates=[1, 2])
        >>> result = funnel(net, hire=0.5, positions=1, delay=delays.constant(2),
        ...                 trials=400, seed=1)
        >>> result.filled_by([1, 2, 4]).round(2)[["day", "estimate"]]
           day  estimate
        0  1.0      0.00
        1  2.0      0.52
        2  4.0      0.75
        """
        fill = self._days("FunnelResult.filled_by")
        z = z_for(level, function="FunnelResult.filled_by")
        try:
            grid = np.atleast_1d(np.asarray(days, dtype=np.float64))
        except (TypeError, ValueError) as error:
            raise InvalidParameterError(
                f"The 'days' parameter of FunnelResult.filled_by must be "
                f"numbers of days. Got {days!r} instead."
            ) from error
        bad = ~(np.isfinite(grid) & (grid >= 0))
        if grid.ndim != 1 or bad.any():
            raise InvalidParameterError(
                f"The 'days' parameter of FunnelResult.filled_by must be "
                f"finite, non-negative numbers of days. Got {days!r} instead."
            )
        n = len(fill)
        done = np.where(np.isnan(fill), np.inf, fill)
        rows = [proportion_interval((done <= d).sum(), n, z) for d in grid]
        table = pd.DataFrame(rows, columns=["estimate", "se", "ci_low", "ci_high"])
        table.insert(0, "day", grid)
        table["n"] = np.int64(n)
        table["level"] = float(level)
        return table

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Summarise the funnel: means per opening with intervals.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Columns ``measure, estimate, se, ci_low, ci_high, n, level`` and
            the rows ``people_reached``, ``candidates_reached``,
            ``applications``, ``hires`` and ``paid`` (means per opening,
            normal intervals), ``fill_probability`` (the share of openings
            filled, Wilson interval; so are the hires with ``positions=1``)
            and ``cost_per_hire`` (money paid over
            hires, summed over trials, delta-method interval; NaN without
            hires).
        """
        z = z_for(level, function="FunnelResult.summary")
        rows = []
        for name, values in per_trial_measures(self).items():
            rows.append(measure_row(name, values, z, self.positions))
        return summary_frame(rows, level)

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def by_hop(self, level: float = 0.95) -> pd.DataFrame:
        """People reached, applications and hires per hop, with intervals.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per hop and measure (``people_reached``,
            ``applications``, ``hires``): ``hop`` (int64), ``measure``, the
            mean per opening ``estimate`` with ``se``, ``ci_low``,
            ``ci_high``, ``n`` (trials) and ``level``.
        """
        z = z_for(level, function="FunnelResult.by_hop")
        n = self.n_trials
        reached = self.trial_hop.astype(np.float64)
        sums = self.hop_sums.astype(np.float64)
        means = {
            "people_reached": reached.mean(axis=0),
            "applications": sums[:, 0] / n,
            "hires": sums[:, 2] / n,
        }
        if n > 1:
            squares = {
                "people_reached": (reached**2).sum(axis=0),
                "applications": sums[:, 1],
                "hires": sums[:, 3],
            }
        frames = []
        for name, mean in means.items():
            if n > 1:  # sample variance from the sums, ddof=1
                variance = (squares[name] - n * mean**2) / (n - 1)
                se = np.sqrt(np.maximum(variance, 0.0) / n)
            else:
                se = np.zeros_like(mean)
            low, high = normal_interval(mean, se, z)
            frames.append(
                pd.DataFrame(
                    {
                        "hop": np.arange(len(mean), dtype=np.int64),
                        "measure": name,
                        "estimate": mean,
                        "se": se,
                        "ci_low": low,
                        "ci_high": high,
                        "n": np.int64(n),
                        "level": float(level),
                    }
                )
            )
        return (
            pd.concat(frames, ignore_index=True)
            .sort_values(["hop", "measure"], kind="stable")
            .reset_index(drop=True)
        )


def per_trial_measures(result: FunnelResult) -> dict:
    """The per-trial values behind every summary row, by measure name.

    ``cost_per_hire`` is a pair (money paid, hires): a ratio of sums.
    """
    c = result.counts.astype(np.float64)
    return {
        "people_reached": c[:, F_REACHED],
        "candidates_reached": c[:, F_CANDIDATES],
        "applications": c[:, F_APPLIED],
        "hires": c[:, F_HIRED],
        "fill_probability": result.filled().astype(np.float64),
        "paid": result.paid,
        "cost_per_hire": (result.paid, c[:, F_HIRED]),
    }


def measure_row(name: str, values, z: float, positions=None) -> tuple:
    """``(measure, estimate, se, ci_low, ci_high, n)`` for one measure.

    The share of openings filled, and the hires when there is one position
    (each trial 0 or 1), get the Wilson interval, which stays honest when
    nearly every trial, or none, fills the opening.
    """
    if name == "cost_per_hire":
        paid, hires = values
        estimate, se = ratio_se(paid, hires)
        return (name, estimate, se, *normal_interval(estimate, se, z), len(hires))
    n = len(values)
    if name == "fill_probability" or (name == "hires" and positions == 1):
        p, se, low, high = proportion_interval(values.sum(), n, z)
        return (name, p, se, low, high, n)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    return (name, mean, se, *normal_interval(mean, se, z), n)


@validate_params(
    {
        "network": ["network"],
        "positions": [Interval(int, 1, None), None],
        "applicants_stop": ["boolean"],
        "response": [callable, None],
        "trials": [Interval(int, 1, None)],
        "max_hops": [Interval(int, 0, None), None],
        "fanout": [Interval(int, 1, None), None],
        "source_activity": [Interval(float, 0, 1)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
    }
)
def funnel(
    network: ReferralNetwork,
    sources=None,
    *,
    apply=1.0,
    hire=1.0,
    positions: int | None = None,
    applicants_stop: bool = False,
    scheme=None,
    response=None,
    trials: int = 1000,
    max_hops: int | None = None,
    fanout: int | None = None,
    source_activity: float = 1.0,
    delay=None,
    deadline=None,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> FunnelResult:
    """Follow an opening from reached to applied to hired, and what it pays.

    Each trial is the cascade of :func:`referral.spread` (same model, same
    random numbers for the same ``seed``). Every candidate it reaches after
    hop 0 applies with probability ``apply``, and every applicant is hired
    with probability ``hire``. With ``positions``, the search stops at the
    end of the hop in which the last opening is filled (people told later
    are not reached); if one hop brings more hires than openings left, the
    hired are picked at random among them. A bonus ``scheme`` pays, for each
    hire, the people on the chain that led to it (never the sources), and
    changes everyone's activity through ``response``.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    sources : person label or iterable of labels, optional
        Who posts the opening (hop 0). Default: the network's recruiters.
    apply : float, str or callable, default 1.0
        The probability that a reached candidate applies: one number, the
        name of a person attribute, or ``f(network)`` returning one value
        per person. Only candidates apply.
    hire : float, str or callable, default 1.0
        The probability that an applicant is hired (same forms).
    positions : int, optional
        Openings to fill (at least 1): the search stops once they are.
        Default: no limit, every qualified applicant is hired.
    applicants_stop : bool, default False
        The halting cascade: a candidate who applies does not pass the
        opening on (whatever their activity).
    scheme : Flat, Recursive or Capped, optional
        A referral bonus (:mod:`referral.interventions`). Default: none.
    response : callable, optional
        How money changes activity: :class:`~referral.interventions.Saturating`,
        :class:`~referral.interventions.Linear` or ``f(activity, stake)``
        returning everyone's activity (in [0, 1]) when the scheme offers
        them ``stake`` (``scheme.stake()``). Default:
        money does not change activity (the scheme only pays).
    trials : int, default 1000
        Number of Monte Carlo trials.
    max_hops : int, optional
        As in :func:`referral.spread`: people reached at this hop do not pass
        the opening on. Default: no limit.
    fanout : int, optional
        As in :func:`referral.spread`: an acting person tells at most this
        many contacts. Default: no limit.
    source_activity : float, default 1.0
        Probability that a source posts the opening.
    delay : referral.simulate.delays.Delay, float or str, optional
        How long people take to pass the opening on, as in
        :func:`referral.spread`. With a delay the funnel runs in days: the
        search stops at the moment the last position is filled, and
        :meth:`~referral.simulate.FunnelResult.time_to_fill` and
        :meth:`~referral.simulate.FunnelResult.filled_by` say when.
        Default ``None``: hops, no clock.
    deadline : float or str, optional
        Days after posting when the search ends (needs ``delay``): people
        whose message would arrive later are not reached.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.
        Runs with the same seed share their random numbers (kept in
        ``FunnelResult.seed_entropy``): two schemes compared with one seed
        differ only where their activities differ.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the
        same for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number.

    Returns
    -------
    FunnelResult
        Per-trial reach, applications, hires and money paid; read it with
        :meth:`~referral.simulate.FunnelResult.summary`,
        :meth:`~referral.simulate.FunnelResult.by_hop` and
        :meth:`~referral.simulate.FunnelResult.trials`.

    Raises
    ------
    referral.InvalidParameterError
        For ``apply`` or ``hire`` outside [0, 1] (or an attribute or
        callable giving such values), ``positions < 1``, a ``scheme`` that
        is not a scheme, a ``response`` that returns activities outside
        [0, 1], ``applicants_stop`` together with ``delay``, and the rules
        of :func:`referral.spread`'s parameters.
    networkx.NodeNotFound
        If ``sources`` names people not in the network.
    ValueError
        If there are no sources and the network has no recruiters, or for a
        ``deadline`` without ``delay``.
    TypeError
        For a ``delay`` that is not a delay, a number of days or a duration.

    Notes
    -----
    The applications and hires are drawn from streams of their own, per
    trial and person (see ``referral._engine.funnel_kernel``), so they do
    not disturb the spread's draws: without ``applicants_stop`` and
    ``positions``, each trial reaches exactly the people ``spread`` reaches
    with the same seed, and with ``applicants_stop`` and ``apply=0`` too.
    With ``applicants_stop`` an applicant's own draw to apply is the one
    that stops them.

    The funnel runs inside the spread's compiled kernel, hop by hop, on the
    kernel's own records of who was reached and who told them; with
    ``positions`` the trial stops at the hop that fills the last position.
    Per trial it costs 1.1-1.25 times ``spread(record="reach")`` on the
    100,000-person population (a bonus scheme draws every teller, for the
    chains it pays along), less than the default ``spread(record="full")``
    (``benchmarks/results/funnel.md``).

    With ``delay`` the trials are the timed spread's
    (``referral._engine.timed_kernel``, chains kept for every trial) and
    the applications and hires use the same streams, walked in order of
    arrival (``referral._engine.funnel_timed``), block by block (at most 64
    trials at a time); with ``constant(1)`` the result equals the hop
    funnel's, number for number.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.interventions import Flat
    >>> G = nx.balanced_tree(2, 3)
    >>> net = from_networkx(G, strength=1.0, transmission=0.5, activity=0.8,
    ...                     recruiters=[0], candidates=range(1, 15))
    >>> result = funnel(net, apply=0.5, hire=0.4, scheme=Flat(100),
    ...                 trials=2000, seed=1)
    >>> result.summary().round(2)[["measure", "estimate", "ci_low", "ci_high"]]
                  measure  estimate  ci_low  ci_high
    0      people_reached      3.39    3.29     3.49
    1  candidates_reached      2.39    2.29     2.49
    2        applications      1.20    1.13     1.26
    3                hires      0.48    0.45     0.52
    4    fill_probability      0.33    0.31     0.36
    5                paid     28.80   26.10    31.50
    6       cost_per_hire     59.81   56.81    62.82

    The closed forms here: ``1 + 1 + 0.8 + 0.64 = 3.44`` people reached
    (``2^d 0.5^d 0.8^(d - 1)`` at hop ``d``) and ``100 * 0.2 * (0.8 + 0.64)
    = 28.8`` paid (hires at hops 2 and 3 pay their teller).
    """
    fn = "funnel"
    trials = int(trials)
    positions = None if positions is None else int(positions)
    max_hops = None if max_hops is None else int(max_hops)
    fanout = None if fanout is None else int(fanout)
    if scheme is not None and not is_scheme(scheme):
        raise InvalidParameterError(
            f"The 'scheme' parameter of {fn} must be a Flat, Recursive or "
            f"Capped scheme from referral.interventions, or None. Got {scheme!r} "
            f"instead."
        )
    apply_p = per_person(apply, "apply", network, fn)
    apply_p = np.where(network.is_candidate, apply_p, 0.0)
    hire_p = per_person(hire, "hire", network, fn)
    entropy = resolve_entropy(seed, function=fn)
    workers = resolve_n_jobs(n_jobs, function=fn)
    hops = 16 if max_hops is None else max_hops + 1
    check_memory(
        # trial_stats, the funnel's counts and money, trial_hop (twice)
        trials * (8 * N_TRIAL + 8 * 3 + 8 + 8 * hops),
        function=fn,
        what=f"the per-trial records of {trials:,} trials",
        advice="Pass fewer trials: the standard error of a mean falls as "
        "1/sqrt(trials); run several seeds and combine them for more.",
    )
    source_ids = source_ids_of(network, sources, fn)
    delay, deadline = _check_timing(delay, deadline, applicants_stop, fn)

    activity = network.activity
    if scheme is not None and response is not None:
        activity = responded_activity(
            network.activity, scheme.stake(), response, function=fn
        )
    n = network.n_people
    pay = np.zeros(0, np.float64)
    if scheme is not None:
        pay = np.trim_zeros(
            scheme.payments(max(n - 1, 1) if max_hops is None else max_hops), "b"
        )
    pay = np.ascontiguousarray(pay, dtype=np.float64)

    key = base_key(entropy)
    net = CascadeNetwork(
        network.indptr,
        network.indices,
        network.transmission,
        network.weak,
        np.ascontiguousarray(activity, dtype=np.float64),
        network.is_candidate,
        np.zeros(0, dtype=np.int32),
    )
    sampler = TieSampler(*_row_tables(network))
    run = CascadeRun(
        source_ids,
        float(source_activity),
        key,
        -1 if max_hops is None else max_hops,
        -1 if fanout is None else fanout,
        0,  # no kept chains: the funnel reads the kernel's own records
        False,
        False,
        apply_p if applicants_stop else NO_HALT,
        len(pay) > 0,  # payments walk up the chains: draw every parent
    )
    if delay is not None:
        from referral.simulate._timed_funnel import run_timed_funnel

        table, paid, fill_time, trial_hop, hop_sums = run_timed_funnel(
            network=network,
            net=net,
            sampler=sampler,
            run=run,
            delay=delay,
            deadline=deadline,
            trials=trials,
            workers=workers,
            progress=progress,
            apply=apply_p,
            hire=hire_p,
            pay=pay,
            positions=positions,
        )
        return FunnelResult(
            network=network,
            sources=source_ids,
            n_trials=trials,
            positions=positions,
            applicants_stop=False,
            scheme=scheme,
            activity=np.asarray(activity),
            seed_entropy=entropy,
            counts=table,
            paid=paid,
            trial_hop=trial_hop,
            hop_sums=hop_sums,
            fill_time=fill_time,
            delay=delay,
            deadline=deadline,
        )
    n_blocks = block_count(workers, progress)
    blocks = trial_blocks(trials, n_blocks)
    trial_stats = np.zeros((trials, N_TRIAL), dtype=np.int64)
    tallies = Tallies(np.zeros((0, 4), np.int64), np.zeros(0, np.int64), trial_stats)
    counts = np.zeros((trials, 3), dtype=np.int64)
    paid = np.zeros(trials, dtype=np.float64)
    # per hop sums: wide enough for the deepest hop a trial can reach
    width = (n if max_hops is None else min(n, max_hops + 1)) + 1
    pool: queue.SimpleQueue = queue.SimpleQueue()
    per_worker = []
    for _ in range(min(workers, len(blocks))):
        state = FunnelRun(
            apply_p,
            hire_p,
            pay,
            -1 if positions is None else positions,
            counts,
            paid,
            np.zeros((width, 4), np.int64),
            np.empty(n, np.int64),
            np.empty(n, np.float64),
        )
        per_worker.append(state)
        pool.put(state)
    cancel = new_cancel_flag()

    def work(start, stop):
        state = pool.get()
        try:
            return spread_block(net, sampler, run, tallies, start, stop, cancel, state)
        finally:
            pool.put(state)

    outputs = run_blocks(
        work, blocks, workers, cancel=cancel, progress=progress, description=fn
    )
    depth = trial_stats[:, TRIAL_COLUMNS.index("depth")]
    n_hops = int(depth.max()) + 1
    trial_hop = np.zeros((trials, n_hops), np.int32)
    for (start, stop), out in zip(blocks, outputs, strict=True):
        cols = min(n_hops, out[1].shape[1])
        trial_hop[start:stop, :cols] = out[1][:, :cols]
    hop_sums = sum(state.hop_acc[:n_hops] for state in per_worker)
    table = np.column_stack(
        [
            trial_stats[:, TRIAL_COLUMNS.index("reached")],
            trial_stats[:, TRIAL_COLUMNS.index("candidates_reached")],
            counts[:, 0],
            counts[:, 1],
            depth,
            counts[:, 2],
        ]
    ).astype(np.int64)
    return FunnelResult(
        network=network,
        sources=source_ids,
        n_trials=trials,
        positions=positions,
        applicants_stop=bool(applicants_stop),
        scheme=scheme,
        activity=np.asarray(activity),
        seed_entropy=entropy,
        counts=table,
        paid=paid,
        trial_hop=trial_hop,
        hop_sums=np.ascontiguousarray(hop_sums),
    )


def _check_timing(delay, deadline, applicants_stop, fn):
    """``delay`` as a Delay and ``deadline`` in days, or a clear error."""
    delay = check_delay(delay, function=fn)
    if deadline is not None:
        deadline = as_days(deadline, parameter="deadline", function=fn, positive=True)
        if delay is None:
            raise ValueError(
                f"The 'deadline' parameter of {fn} needs a 'delay': without one "
                f"the opening has no clock. Pass delay=referral.delays.constant(1) "
                f"to count each hop as a day. Got deadline={deadline!r} and "
                f"delay=None instead."
            )
    if delay is not None and applicants_stop:
        raise InvalidParameterError(
            f"The 'applicants_stop' parameter of {fn} cannot be True with a "
            f"'delay': the timed spread has no halting cascade. Got "
            f"applicants_stop=True and delay={delay!r}."
        )
    return delay, deadline
