"""The cost of the people in between: reach as it is, if all acted, and by activity.

:func:`other_people_cost` gives reach as it is, if every intermediary acted,
and as a function of a multiplier on everyone's activity: the simulated reach
distribution (median, share of openings reaching a sizeable part of the
network), the simulated critical activity with its interval, and the
analytic estimate (non-backtracking radius). :class:`OtherPeopleCost` holds
the result.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.renamed import upgrade_columns, with_old_names
from referral._core.rng import resolve_entropy
from referral._core.stats import (
    normal_interval,
    proportion_interval,
    z_for,
)
from referral._core.stats import ratio_se as _ratio_se
from referral._core.validation import require_columns
from referral.analysis._common import (
    COST_COLUMNS,
    CURVE_COLUMNS,
    trial_mean_se,
)
from referral.analysis._threshold import nonbacktracking_radius
from referral.interventions._changes import scale_activity
from referral.network._referral_network import ReferralNetwork
from referral.simulate._spread import SpreadResult, spread

__all__ = ["other_people_cost", "OtherPeopleCost"]


@dataclass(frozen=True)
class OtherPeopleCost:
    """Reach as it is, if everyone acted, and along an activity multiplier.

    Build one with :func:`other_people_cost`, or from saved tables with
    :meth:`from_tables`. Every number in :meth:`sentence` is in
    :meth:`table` or ``curve``.

    Attributes
    ----------
    curve : pandas.DataFrame
        One row per multiplier ``m`` (everyone's activity times ``m``, capped
        at 1); columns:

        - ``multiplier``, ``mean_activity_estimate`` (float64): ``m`` and the
          mean activity it gives (capped activities, so at most 1; exact,
          named as in :meth:`table`, where it is estimated at the simulated
          critical point).
        - ``people_reached_estimate``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): people reached per opening, the recruiter included (a
          mean over trials).
        - ``people_reached_median``, ``people_reached_q10``,
          ``people_reached_q90`` (float64): the distribution of reach over
          openings (trials).
        - ``sizeable_share_estimate``, ``_ci_low``, ``_ci_high`` (float64):
          the share of openings that reach at least ``sizeable_people``
          people (a sizeable part of the network), with its Wilson interval.
        - ``candidates_reached_estimate``, ``candidates_reached_se`` (float64).
        - ``reach_share`` (float64): mean people reached over people in the
          network.
        - ``branching_estimate``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): the simulated onward reaches per reached person, people
          reached at hops 2-3 over people at hops 1-2, with its delta-method
          interval.
        - ``n_people``, ``sizeable_people`` (int64), ``trials`` (int64).
        - ``level`` (float64): the confidence level of every interval.

        The old names ``people_reached_mean``, ``candidates_reached_mean``,
        ``branching``, ``sizeable_share`` and ``mean_activity`` still read
        the ``_estimate`` columns, in ``curve`` and :meth:`table`, for one
        release with a :class:`FutureWarning`.
    scenarios : pandas.DataFrame
        :meth:`table`.
    as_is, everyone_acts : pandas.Series
        The curve's columns for today's network and for every intermediary
        acting (activity 1).
    critical_multiplier_analytic : float
        The multiplier at which the non-backtracking radius of the capped
        activities ``min(1, m * activity)`` reaches 1 (``1 / rho`` while no
        activity is capped); ``inf`` if even everyone acting stays below.
    critical_multiplier_simulated : float
        Where the simulated branching crosses 1 (interpolated on the curve;
        NaN if it does not cross within the curve).
    mean_activity : float
        Today's mean activity.
    today : float
        1.0, the multiplier of today's network.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.random_regular_graph(3, 200, seed=1)
    >>> net = from_networkx(G, strength=1.0, activity=0.25, recruiters=[0])
    >>> cost = other_people_cost(net, trials=20, seed=1)
    >>> list(cost.table()["scenario"])
    ['as_is', 'everyone_acts', 'critical_analytic', 'critical_simulated']
    """

    curve: pd.DataFrame
    scenarios: pd.DataFrame
    as_is: pd.Series
    everyone_acts: pd.Series
    critical_multiplier_analytic: float
    critical_multiplier_simulated: float
    mean_activity: float
    today: float = 1.0

    def __post_init__(self):
        # the tables answer to their old column names for one release
        for name in ("curve", "scenarios"):
            value = getattr(self, name)
            if isinstance(value, pd.DataFrame):
                object.__setattr__(self, name, with_old_names(value, "other_people"))

    def _repr_html_(self) -> str:
        from referral._core.html import cost_html

        return cost_html(self)

    def table(self) -> pd.DataFrame:
        """Today, everyone acting, and the two critical points side by side.

        Returns
        -------
        pandas.DataFrame
            Rows (``scenario``) ``as_is``, ``everyone_acts``,
            ``critical_analytic`` and ``critical_simulated``. Columns:

            - ``scenario`` (object), ``method`` (object): ``"simulation"``,
              or ``"analytic estimate"`` for the non-backtracking row.
            - ``multiplier`` (float64): the factor on everyone's activity
              (NaN for everyone acting); ``multiplier_ci_low``,
              ``multiplier_ci_high``: the simulated critical point's
              interval (NaN elsewhere).
            - ``mean_activity_estimate`` and its ``_ci_low``, ``_ci_high``
              (float64): the mean (capped) activity at that multiplier.
            - ``people_reached_estimate``, ``_ci_low``, ``_ci_high``,
              ``people_reached_median``, ``sizeable_share_estimate``, ``_ci_low``,
              ``_ci_high``, ``candidates_reached_estimate`` (float64): as in
              ``curve``, for the two simulated scenarios.
            - ``n_people``, ``sizeable_people``, ``sources``, ``trials``
              (int64), ``sizeable_fraction`` (float64) and ``acyclic``
              (bool: the ties form no cycle an opening could go round, even
              if everyone acted, so there is no tipping point), repeated on
              every row.
            - ``direct_reach`` (int64): the sources and the people they can
              tell directly (their contacts), repeated on every row. An
              opening "travels far" only beyond them, so
              ``sizeable_people`` is at least ``direct_reach + 1``.
            - ``branching_estimate``, ``_ci_low``, ``_ci_high`` (float64): the
              simulated onward reaches per reached person (as in ``curve``)
              for the two simulated scenarios.
            - ``level`` (float64): the confidence level of every interval,
              repeated on every row.
        """
        return self.scenarios.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        """The two tables everything else is built from.

        Returns
        -------
        dict of str to pandas.DataFrame
            ``{"cost": self.table(), "cost_curve": self.curve}``, the names
            of the files in a report folder.
        """
        return {"cost": self.table(), "cost_curve": self.curve.copy()}

    @classmethod
    def from_tables(cls, tables) -> OtherPeopleCost:
        """Rebuild from :meth:`tables` (for example read back from CSV).

        Parameters
        ----------
        tables : dict of str to pandas.DataFrame
            With ``cost`` and ``cost_curve``.

        Returns
        -------
        OtherPeopleCost

        Raises
        ------
        ValueError
            If a table or one of its columns or rows is missing.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral import from_networkx
        >>> net = from_networkx(nx.cycle_graph(30), strength=1.0,
        ...                     activity=0.5, recruiters=[0])
        >>> cost = other_people_cost(net, trials=50, seed=1)
        >>> OtherPeopleCost.from_tables(cost.tables()).sentence() == (
        ...     cost.sentence())
        True
        """
        tables = dict(tables)
        for name, columns in [
            ("cost", [c for c in COST_COLUMNS if c not in _LATER_COLUMNS]),
            ("cost_curve", CURVE_COLUMNS),
        ]:
            if name not in tables:
                raise ValueError(f"OtherPeopleCost.from_tables needs a {name!r} table.")
            # tables saved by an earlier release: old column names
            tables[name] = upgrade_columns(
                tables[name], "other_people", where=f"the {name!r} table"
            )
            require_columns(
                tables[name],
                columns,
                f"OtherPeopleCost.from_tables: the {name!r} table",
            )
        from referral._core.csv import flag_values

        cost = tables["cost"].copy()
        for column in _LATER_COLUMNS:  # tables saved before these existed
            if column not in cost.columns:
                cost[column] = np.nan
        cost["acyclic"] = flag_values(cost["acyclic"], "acyclic", "The cost table")
        # a curve sorted or shuffled in a spreadsheet reads the same
        curve = (
            tables["cost_curve"]
            .sort_values("multiplier", kind="stable")
            .reset_index(drop=True)
        )
        for table in (cost, curve):  # saved before the column: 95% intervals
            if "level" not in table.columns:
                table["level"] = 0.95
        rows = {}
        for scenario in [
            "as_is",
            "everyone_acts",
            "critical_analytic",
            "critical_simulated",
        ]:
            found = cost.loc[cost["scenario"] == scenario]
            if len(found) != 1:
                raise ValueError(
                    f"OtherPeopleCost's 'cost' table needs one row with scenario "
                    f"{scenario!r}; got {len(found)}."
                )
            rows[scenario] = found.iloc[0]
        return cls(
            curve=curve,
            scenarios=cost,
            as_is=rows["as_is"],
            everyone_acts=rows["everyone_acts"],
            critical_multiplier_analytic=float(rows["critical_analytic"]["multiplier"]),
            critical_multiplier_simulated=float(
                rows["critical_simulated"]["multiplier"]
            ),
            mean_activity=float(rows["as_is"]["mean_activity_estimate"]),
        )

    def sentence(self) -> str:
        """Where today's network sits relative to its threshold, in plain words.

        Built by :func:`referral.wording.threshold_sentence` from
        :meth:`table` and ``curve`` alone: the typical (median) reach and
        the share of openings that reach a sizeable part of the network
        first, then the simulated tipping point with its interval, then the
        analytic estimate, labelled as one.

        Returns
        -------
        str
            The verdict, built from :meth:`table` and ``curve`` only.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral import from_networkx
        >>> G = nx.random_regular_graph(3, 500, seed=1)
        >>> net = from_networkx(G, strength=1.0, activity=0.25, recruiters=[0])
        >>> cost = other_people_cost(net, trials=50, seed=1)
        >>> cost.sentence().startswith("Openings die out")
        True
        """
        from referral.wording._sentences import threshold_sentence

        return threshold_sentence(self.table(), self.curve)


#: cost columns added later; tables saved before them read back as NaN
_LATER_COLUMNS = (
    "direct_reach",
    "branching_estimate",
    "branching_ci_low",
    "branching_ci_high",
)

#: extra multipliers the default curve adds where reach changes fastest
_REFINE_POINTS = 10
#: the curve is refined until no step between neighbouring multipliers
#: changes the mean reach (as a share of the network) or the share of
#: openings that travel far by more than this
_REFINE_STEP = 0.05


def _direct_reach(network: ReferralNetwork, sources: np.ndarray) -> int:
    """The sources and the people they can tell directly."""
    people = [np.asarray(sources, dtype=np.int64)]
    for s in sources:
        people.append(network.indices[network.indptr[s] : network.indptr[s + 1]])
    return int(len(np.unique(np.concatenate(people))))


def _step_sizes(curve: pd.DataFrame, n_people: int) -> np.ndarray:
    """How much reach changes between neighbouring multipliers of ``curve``
    (sorted by multiplier): the larger of the change in mean reach as a share
    of the network and the change in the share of openings that travel far;
    a step where the branching crosses 1 counts as at least the refinement
    step, so the simulated tipping point is bracketed closely too."""
    reach = curve["people_reached_estimate"].to_numpy(np.float64) / max(n_people, 1)
    far = curve["sizeable_share_estimate"].to_numpy(np.float64)
    size = np.maximum(np.abs(np.diff(reach)), np.abs(np.diff(far)))
    branching = curve["branching_estimate"].to_numpy(np.float64) - 1.0
    crosses = np.sign(branching[:-1]) != np.sign(branching[1:])
    x = curve["multiplier"].to_numpy(np.float64)
    wide = np.diff(x) > 0.02 * np.maximum(x[1:], 1e-12)
    return np.where(crosses & wide, np.maximum(size, 2 * _REFINE_STEP), size)


def _branching_terms(result: SpreadResult) -> tuple[np.ndarray, np.ndarray]:
    """Per trial: people at hops 2-3 and at hops 1-2."""
    held = result.trial_hop.astype(np.float64)
    held = np.concatenate([held, np.zeros((held.shape[0], 4))], axis=1)
    return held[:, 2] + held[:, 3], held[:, 1] + held[:, 2]


def _curve_row(network, result, multiplier, sizeable, z):

    trials = result.trials()
    reached = trials["reached"].to_numpy(np.float64)
    people_mean, people_se = trial_mean_se(reached)
    cand_mean, cand_se = trial_mean_se(trials["candidates_reached"].to_numpy())
    far = int(np.count_nonzero(reached >= sizeable))
    share, _, share_low, share_high = proportion_interval(far, len(reached), z)
    onward, parents = _branching_terms(result)
    branching, branching_se = _ratio_se(onward, parents)
    if parents.sum() == 0:
        branching = 0.0
    q10, q50, q90 = np.quantile(reached, [0.1, 0.5, 0.9])
    people_low, people_high = normal_interval(people_mean, people_se, z)
    branching_low, branching_high = normal_interval(branching, branching_se, z)
    return {
        "multiplier": float(multiplier),
        "mean_activity_estimate": float(network.activity.mean()),
        "people_reached_estimate": people_mean,
        "people_reached_se": people_se,
        "people_reached_ci_low": people_low,
        "people_reached_ci_high": people_high,
        "people_reached_median": float(q50),
        "people_reached_q10": float(q10),
        "people_reached_q90": float(q90),
        "sizeable_share_estimate": float(share),
        "sizeable_share_ci_low": float(share_low),
        "sizeable_share_ci_high": float(share_high),
        "candidates_reached_estimate": cand_mean,
        "candidates_reached_se": cand_se,
        "reach_share": people_mean / network.n_people,
        "branching_estimate": branching,
        "branching_se": branching_se,
        "branching_ci_low": branching_low,
        "branching_ci_high": branching_high,
    }


def _crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First x where y crosses ``level`` upward (linear interpolation)."""
    y = np.nan_to_num(np.asarray(y, dtype=np.float64), nan=-np.inf)
    above = np.flatnonzero(y >= level)
    if len(above) == 0 or above[0] == 0:
        return np.nan
    k = above[0]
    x0, x1, y0, y1 = x[k - 1], x[k], y[k - 1], y[k]
    if not np.isfinite(y0):
        return np.nan
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0)) if y1 != y0 else float(x1)


def _analytic_critical(network: ReferralNetwork, rho: float) -> float:
    """The multiplier m with radius(min(1, m * activity)) = 1 (inf if none)."""
    if rho == 0:
        return np.inf
    m = 1.0 / rho
    activity = network.activity
    if m * activity.max() <= 1.0:
        return m
    if nonbacktracking_radius(network, activity=np.ones(network.n_people)) < 1.0:
        return np.inf
    low, high = m, 1.0 / activity[activity > 0].min()
    for _ in range(40):
        mid = 0.5 * (low + high)
        capped = np.minimum(1.0, mid * activity)
        if nonbacktracking_radius(network, activity=capped) < 1.0:
            low = mid
        else:
            high = mid
        if high - low < 1e-4 * high:
            break
    return 0.5 * (low + high)


@validate_params(
    {
        "network": ["network"],
        "trials": [Interval(int, 1, None)],
        "max_hops": [Interval(int, 0, None), None],
        "sizeable_fraction": [Interval(float, 0, 1, closed="right")],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "level": [Interval(float, 0, 1, closed="neither")],
        "progress": ["boolean"],
    }
)
def other_people_cost(
    network: ReferralNetwork,
    sources=None,
    *,
    multipliers=None,
    trials: int = 200,
    max_hops: int | None = None,
    sizeable_fraction: float = 0.1,
    seed=None,
    n_jobs: int | None = None,
    level: float = 0.95,
    progress: bool = False,
) -> OtherPeopleCost:
    """How much reach the people in between cost, and how close the threshold is.

    Parameters
    ----------
    network : ReferralNetwork
        The network.
    sources : label or iterable of labels, optional
        Who posts the opening; default the recruiters.
    multipliers : array_like of float >= 0, optional
        Factors on everyone's activity (capped at 1). Default: 9 points from
        a quarter to two and a half times the analytic critical multiplier,
        plus 1 (today; and 1.5 and 2 when the nine are all below 1), then
        up to 10 more, each halving the step between neighbouring points
        where reach changes fastest (or where the branching crosses 1),
        until no step changes the mean reach or the share of openings that
        travel far by more than 5% of the network.
    trials : int, default 200
        Trials per point; all points share the seed (common random numbers).
    max_hops : int, optional
        Hop limit of every spread.
    sizeable_fraction : float in (0, 1], default 0.1
        An opening "travels far" when it reaches at least this share of the
        people (rounded up to whole people), and more people than the
        sources and their direct contacts (``direct_reach``); the
        ``sizeable_share_estimate`` columns.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. One
        seed for every point, so they share their random numbers.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``. They run every spread.
    level : float, default 0.95
        Confidence level of every interval in the tables (and so of the
        simulated critical point's), strictly between 0 and 1.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. One bar per spread
        run.

    Returns
    -------
    OtherPeopleCost
        Its :meth:`~OtherPeopleCost.table` and
        ``curve`` hold every number of its sentence.

    Raises
    ------
    ValueError
        If a multiplier is negative or not finite, or ``sizeable_fraction``
        is outside (0, 1].

    Notes
    -----
    The analytic critical multiplier comes from the spectral radius of the
    activity-and-transmission-weighted non-backtracking matrix
    (:func:`referral.analysis._threshold.nonbacktracking_radius`; Karrer, Newman &
    Zdeborová 2014), solved with capped activities. It assumes a large,
    locally tree-like network: it is infinite (no tipping point) on trees
    and too optimistic on clustered networks. The simulated critical point
    is where the measured onward reaches per reached person (hops 2-3 over
    hops 1-2) cross 1, with the interval where its band (at ``level``)
    crosses 1.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.random_regular_graph(3, 500, seed=1)
    >>> net = from_networkx(G, strength=1.0, activity=0.25, recruiters=[0])
    >>> cost = other_people_cost(net, trials=50, seed=1)
    >>> round(cost.critical_multiplier_analytic, 2)   # 2 * 0.25 * m = 1
    2.0
    """
    fn = "other_people_cost"
    z = z_for(level, function=fn)
    entropy = resolve_entropy(seed, function=fn)
    trials = int(trials)
    rho = nonbacktracking_radius(network)
    m_c = _analytic_critical(network, rho)
    adaptive = multipliers is None
    if multipliers is None:
        multipliers = _default_multipliers(rho)
    multipliers = _checked_multipliers(multipliers)
    sizeable, direct = _sizeable_people(network, sources, sizeable_fraction)

    def run(net):
        return spread(
            net,
            sources,
            trials=trials,
            max_hops=max_hops,
            keep_chains=0,
            record="reach",
            seed=entropy,
            n_jobs=n_jobs,
            progress=progress,
        )

    curve, as_is, n_sources = _cost_curve(
        network, run, multipliers, adaptive, sizeable, z
    )
    if as_is is None:
        as_is = pd.Series(_curve_row(network, run(network), 1.0, sizeable, z))
    everyone = network.replace(activity=np.ones(network.n_people))
    everyone_row = pd.Series(_curve_row(everyone, run(everyone), np.nan, sizeable, z))
    curve["n_people"] = np.int64(network.n_people)
    curve["sizeable_people"] = np.int64(sizeable)
    curve["trials"] = np.int64(trials)
    curve["level"] = float(level)
    simulated, sim_low, sim_high = _simulated_critical(curve)
    scenarios = _scenarios(
        network,
        curve,
        as_is,
        everyone_row,
        m_c,
        (simulated, sim_low, sim_high),
        (sizeable_fraction, sizeable, direct),
        n_sources,
        trials,
    )
    scenarios["level"] = float(level)
    return OtherPeopleCost(
        curve=curve,
        scenarios=scenarios,
        as_is=as_is,
        everyone_acts=everyone_row,
        critical_multiplier_analytic=float(m_c),
        critical_multiplier_simulated=simulated,
        mean_activity=float(network.activity.mean()),
    )


def _default_multipliers(rho):
    """Nine multipliers around the analytic threshold, and today's."""
    base = 1.0 / rho if rho > 0 else 1.0
    # today (1) and, where the default points all lie below today, twice
    # today's activity, so the curve also shows what more activity buys
    extra = [1.0] if base * 2.5 > 1.0 else [1.0, 1.5, 2.0]
    multipliers = np.unique(
        np.round(np.concatenate([base * np.linspace(0.25, 2.5, 9), extra]), 6)
    )
    return multipliers


def _checked_multipliers(multipliers):
    """``multipliers`` as a flat float array, with a clear error unless it
    holds at least one finite value >= 0."""
    fn = "other_people_cost"
    try:
        multipliers = np.asarray(multipliers, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(
            f"The 'multipliers' parameter of {fn} must be a sequence "
            f"of floats >= 0. Got {multipliers!r} instead."
        ) from None
    if len(multipliers) == 0:
        raise ValueError(
            f"The 'multipliers' parameter of {fn} must hold at least "
            "one value. Got an empty sequence."
        )
    bad = ~np.isfinite(multipliers) | (multipliers < 0)
    if bad.any():
        raise ValueError(
            f"The 'multipliers' parameter of {fn} must hold floats "
            f">= 0. Got {float(multipliers[bad][0])!r}."
        )
    return multipliers


def _sizeable_people(network, sources, sizeable_fraction):
    """How many people an opening must reach to travel far, and how many the
    sources reach by telling their contacts themselves."""
    fraction_people = max(1, int(np.ceil(sizeable_fraction * network.n_people - 1e-9)))
    # an opening "travels far" only beyond what the sources tell themselves
    source_ids = (
        network.recruiters
        if sources is None
        else network.ids(sources, parameter="sources")
    )
    source_ids = np.unique(np.atleast_1d(np.asarray(source_ids, dtype=np.int64)))
    direct = _direct_reach(network, source_ids)
    sizeable = max(fraction_people, direct + 1)
    return sizeable, direct


def _cost_curve(network, run, multipliers, adaptive, sizeable, z):
    """Reach at each multiplier, refined where reach changes fastest; today's
    row (if run) and the number of sources."""
    rows = []
    as_is = None
    n_sources = None

    def add(m):
        nonlocal as_is, n_sources
        scaled = scale_activity(network, m, warn=False)
        result = run(scaled)
        n_sources = len(result.sources)
        rows.append(_curve_row(scaled, result, m, sizeable, z))
        if m == 1.0:
            as_is = pd.Series(rows[-1])

    for m in np.unique(multipliers):
        add(m)
    if adaptive and network.activity.max() > 0:
        # sample densely where reach changes fastest, so that neither the
        # chart nor the simulated tipping point rests on a wide gap
        for _ in range(_REFINE_POINTS):
            frame = pd.DataFrame(rows).sort_values("multiplier")
            steps = _step_sizes(frame, network.n_people)
            if len(steps) == 0 or steps.max() <= _REFINE_STEP:
                break
            at = int(np.argmax(steps))
            x = frame["multiplier"].to_numpy()
            add(round(0.5 * (x[at] + x[at + 1]), 6))
    curve = pd.DataFrame(rows).sort_values("multiplier", ignore_index=True)
    return curve, as_is, n_sources


def _simulated_critical(curve):
    """Where the simulated branching crosses 1, and where its interval's
    bounds do."""
    x = curve["multiplier"].to_numpy()
    simulated = _crossing(x, curve["branching_estimate"].to_numpy(), 1.0)
    sim_low = _crossing(x, curve["branching_ci_high"].to_numpy(), 1.0)
    sim_high = _crossing(x, curve["branching_ci_low"].to_numpy(), 1.0)
    return simulated, sim_low, sim_high


def _scenarios(
    network, curve, as_is, everyone_row, m_c, crossing, size, n_sources, trials
):
    """The scenarios table: as is, everyone acts, and the two thresholds."""
    x = curve["multiplier"].to_numpy()
    simulated, sim_low, sim_high = crossing
    sizeable_fraction, sizeable, direct = size
    activity_at = curve["mean_activity_estimate"].to_numpy()

    def capped_mean(m):
        if not np.isfinite(m):
            return np.nan
        return float(np.minimum(1.0, m * network.activity).mean())

    # no cycle an opening could go round even if everyone acted (a zero
    # radius from zero activity is not a tree)
    acyclic = bool(
        nonbacktracking_radius(network, activity=np.ones(network.n_people)) == 0
    )
    nan = np.nan
    records = []
    for name, row, m, low, high, method in [
        ("as_is", as_is, 1.0, nan, nan, "simulation"),
        ("everyone_acts", everyone_row, nan, nan, nan, "simulation"),
        ("critical_analytic", None, m_c, nan, nan, "analytic estimate"),
        ("critical_simulated", None, simulated, sim_low, sim_high, "simulation"),
    ]:
        record = dict.fromkeys(COST_COLUMNS, nan)
        record.update(
            scenario=name,
            method=method,
            multiplier=m,
            multiplier_ci_low=low,
            multiplier_ci_high=high,
        )
        if row is not None:
            for column in COST_COLUMNS:
                if column in row.index:
                    record[column] = row[column]
            record["multiplier"] = m
        elif name == "critical_analytic":
            record["mean_activity_estimate"] = capped_mean(m)
        else:
            for key, value in [
                ("mean_activity_estimate", m),
                ("mean_activity_ci_low", low),
                ("mean_activity_ci_high", high),
            ]:
                record[key] = (
                    float(np.interp(value, x, activity_at))
                    if np.isfinite(value)
                    else nan
                )
        record.update(
            n_people=network.n_people,
            sizeable_fraction=float(sizeable_fraction),
            sizeable_people=sizeable,
            sources=n_sources,
            trials=trials,
            acyclic=acyclic,
            direct_reach=direct,
        )
        records.append(record)
    scenarios = pd.DataFrame(records, columns=COST_COLUMNS).astype(
        {
            "n_people": "int64",
            "sizeable_people": "int64",
            "sources": "int64",
            "trials": "int64",
            "acyclic": bool,
            "direct_reach": "int64",
        }
    )
    return scenarios
