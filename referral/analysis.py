"""The "other people" bottleneck: drop-off, its cost, gatekeepers, weak ties,
and side-by-side scenarios.

* :func:`dropoff`: per hop (spread), in people: who held the opening, who
  passed it on, whom they newly reached, and the people the non-acting
  intermediaries cost (a paired everyone-acts run); per step (search), the
  chains and what ended them.
* :func:`tie_offers`: the detailed tie-by-tie accounting of a spread.
* :func:`other_people_cost`: reach as it is, if every intermediary acted, and
  as a function of a multiplier on everyone's activity: the simulated reach
  distribution (median, share of openings reaching a sizeable part of the
  network), the simulated critical activity with its interval, and the
  analytic estimate (non-backtracking radius).
* :func:`gatekeepers`: people ranked by chain credit and by counterfactual
  loss (reach lost when they do not act), with common random numbers, a top
  group of the people the data cannot order, and optional racing;
  :func:`gatekeeper_sentence` says it in words.
* :func:`weak_tie_share`: how much of the success runs over weak ties.
* :func:`compare`: scenarios side by side with paired differences.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from referral._params import Interval, Options, validate_params
from referral._random import resolve_entropy
from referral._stats import Z95 as _Z95
from referral._stats import (
    binomial_se,
    mean_se,
    normal_interval,
    paired_difference_se,
    proportion_interval,
    standard_error,
    subsample_se,
)
from referral._stats import ratio_se as _ratio_se
from referral.interventions import scale_activity
from referral.network import ReferralNetwork
from referral.search import SearchResult
from referral.spread import SpreadResult, spread
from referral.threshold import nonbacktracking_radius

__all__ = [
    "dropoff",
    "tie_offers",
    "other_people_cost",
    "OtherPeopleCost",
    "gatekeepers",
    "gatekeeper_sentence",
    "weak_tie_share",
    "compare",
    "SPREAD_LOSS_COLUMNS",
    "SEARCH_LOSS_COLUMNS",
]

#: The loss columns of a spread's :func:`tie_offers` table, in drawing order:
#: every tie-offer of a holder that did not reach someone new, by cause.
SPREAD_LOSS_COLUMNS = (
    "lost_did_not_act",
    "lost_not_carried",
    "lost_already_reached",
    "lost_hop_limit",
    "lost_fanout",
)
#: The loss columns of a search's :func:`dropoff` table, in drawing order:
#: chains that ended without reaching a target, by cause.
SEARCH_LOSS_COLUMNS = ("lost_did_not_act", "lost_dead_end", "lost_step_limit")


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    # one trial: se 0, as this module has always reported
    return mean_se(values, single=0.0)


# -------------------------------------------------------------------- dropoff
_BY_HOP_PEOPLE = ["hop", "held_mean", "acted_mean", "arrived_mean"]
_BY_STEP = [
    "step",
    "alive",
    "attempts",
    "dropped",
    "completed",
    "dead_end",
    "step_limit",
]


def _missing(frame: pd.DataFrame, columns, what: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ValueError(
            f"{what} needs a table with the column {absent[0]!r}; got columns "
            f"{list(frame.columns)}."
        )


def _spread_funnel(by_hop: pd.DataFrame) -> pd.DataFrame:
    _missing(by_hop, _BY_HOP_PEOPLE, "dropoff")
    if by_hop["acted_mean"].isna().all():
        raise ValueError(
            "dropoff needs the per-person and loss bookkeeping, but this by_hop "
            "table comes from a run with record='reach' (its acted_mean column "
            "is empty). Run spread(..., record='full')."
        )
    held = by_hop["held_mean"].to_numpy(np.float64)
    acted = by_hop["acted_mean"].to_numpy(np.float64)
    table = pd.DataFrame(
        {
            "hop": by_hop["hop"].to_numpy(np.int64),
            "held": held,
            "passed_on": acted,
            "did_not_pass_on": held - acted,
            "newly_reached": by_hop["arrived_mean"].to_numpy(np.float64),
            "reached_so_far": np.cumsum(held),
        }
    )
    return table


def _search_funnel(steps: pd.DataFrame) -> pd.DataFrame:
    _missing(steps, _BY_STEP, "dropoff")
    table = pd.DataFrame(
        {
            "step": steps["step"],
            "held": steps["alive"],
            "acted": steps["attempts"] - steps["dropped"],
            "completed": steps["completed"],
            "lost_did_not_act": steps["dropped"],
            "lost_dead_end": steps["dead_end"],
            "lost_step_limit": steps["step_limit"],
        }
    )
    table["lost_total"] = table[list(SEARCH_LOSS_COLUMNS)].sum(axis=1)
    _add_non_actor_share(table, "did_not_act_share")
    return table


def _add_non_actor_share(table: pd.DataFrame, column: str) -> None:
    """Add ``column`` = ``lost_did_not_act / lost_total`` per row (NaN where
    nothing was lost); over all rows it is the ratio of the two columns' sums."""
    total = table["lost_total"].to_numpy(np.float64)
    lost_to_non_actors = table["lost_did_not_act"].to_numpy(np.float64)
    share = np.full(len(table), np.nan)
    np.divide(lost_to_non_actors, total, out=share, where=total > 0)
    table[column] = share


def _everyone_acts_run(result: SpreadResult, n_jobs=None) -> SpreadResult:
    """The same spread with every activity 1, paired draw for draw."""
    network = result.network
    everyone = network.replace(activity=np.ones(network.n_people))
    return spread(
        everyone,
        network.labels[result.sources],
        trials=result.n_trials,
        max_hops=result.max_hops,
        fanout=result.fanout,
        source_activity=result.source_activity,
        keep_chains=0,
        record="reach",
        seed=result.seed_entropy,
        n_jobs=n_jobs,
    )


def _paired_columns(today: np.ndarray, everyone: np.ndarray) -> dict:
    """Per hop and cumulative paired differences, means and 95% intervals."""
    hops = max(today.shape[1], everyone.shape[1])

    def pad(a):
        out = np.zeros((a.shape[0], hops))
        out[:, : a.shape[1]] = a
        return out

    today, everyone = pad(today.astype(np.float64)), pad(everyone.astype(np.float64))
    columns = {"everyone_acts_held": everyone.mean(axis=0)}
    for name, diff in [
        ("cost", everyone - today),
        ("cost_cumulative", np.cumsum(everyone - today, axis=1)),
    ]:
        mean = diff.mean(axis=0)
        se = standard_error(diff, axis=0, single=0.0)
        columns[name] = mean
        columns[f"{name}_se"] = se
        low, high = normal_interval(mean, se, _Z95)
        columns[f"{name}_ci_low"] = low
        columns[f"{name}_ci_high"] = high
    return columns


@validate_params({"counterfactual": ["boolean"], "n_jobs": ["n_jobs"]})
def dropoff(
    result: SpreadResult | SearchResult | pd.DataFrame,
    *,
    counterfactual: bool = True,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Where openings (spread) or chains (search) stop, in people, hop by hop.

    Parameters
    ----------
    result : SpreadResult, SearchResult or pandas.DataFrame
        A spread run with ``record="full"``, any search run, or their saved
        tables: :meth:`SpreadResult.by_hop` (``by_hop.csv`` of ``referral
        spread``) or :meth:`SearchResult.by_step` (``by_step.csv``).
    counterfactual : bool, default True
        For a SpreadResult, also rerun the spread with everyone's activity
        set to 1 and the same seed (common random numbers: every tie draws
        the same coin, so the difference is trial by trial) and add the
        people the non-acting intermediaries cost. A saved ``by_hop`` table
        cannot be paired, so it never gets these columns.
    n_jobs : int, optional
        For the counterfactual run.

    Returns
    -------
    pandas.DataFrame
        For a spread, one row per hop, means per opening (trial), counting
        people; hop 0 is the recruiter(s):

        - ``hop`` (int64).
        - ``held`` (float64): people who got the opening at this hop.
        - ``passed_on`` (float64): of them, people who acted: passed it on
          to their contacts, whether or not it reached anyone new (a holder
          whose contacts all have it already still counts).
        - ``did_not_pass_on`` (float64): ``held - passed_on``.
        - ``newly_reached`` (float64): new people they reached (who hold it
          at the next hop).
        - ``reached_so_far`` (float64): people reached at hops ``<= hop``,
          the recruiter included.

        With the counterfactual (hops the counterfactual reaches beyond
        today's deepest get rows of zeros for today's columns):

        - ``everyone_acts_held`` (float64): people who would hold it at this
          hop if everyone who held it passed it on.
        - ``cost``, ``cost_se``, ``cost_ci_low``, ``cost_ci_high``
          (float64): ``everyone_acts_held - held``, the people at this hop
          that the non-acting intermediaries cost, with its paired standard
          error and 95% interval.
        - ``cost_cumulative`` and its ``_se``, ``_ci_low``, ``_ci_high``
          (float64): the same summed over hops ``<= hop``; the last row is
          the total cost per opening.

        For a search, one row per step, counts of chains (each chain is one
        person holding it):

        - ``step`` (int64): forwards made so far.
        - ``held`` (int64): chains alive at this step.
        - ``acted`` (int64): holders who forwarded (or tried to: a dead end
          acted but found nobody left).
        - ``completed`` (int64): chains whose holder is a target.
        - ``lost_did_not_act`` (int64): chains dropped by their holder.
        - ``lost_dead_end``, ``lost_step_limit`` (int64).
        - ``lost_total`` (int64) and ``did_not_act_share`` (float64).

        The columns tell the two apart (``hop`` and ``passed_on`` for a
        spread, ``step`` for a search), so the table read back from CSV
        plots the same. The tie-by-tie accounting of a spread is
        :func:`tie_offers`.

    Raises
    ------
    ValueError
        For a spread run with ``record="reach"`` (no bookkeeping), or a
        table without the columns named above.
    TypeError
        For anything else.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5,
    ...                     recruiters=[0])
    >>> table = dropoff(spread(net, trials=4000, seed=1))
    >>> table[["hop", "held", "passed_on", "newly_reached", "cost"]].round(1)
       hop  held  passed_on  newly_reached  cost
    0    0   1.0        1.0            1.0   0.0
    1    1   1.0        0.5            0.5   0.0
    2    2   0.5        0.2            0.0   0.5
    """
    if isinstance(result, SpreadResult):
        result._need_full("dropoff")
        table = _spread_funnel(result.by_hop())
        if counterfactual:
            columns = _paired_columns(
                result.trial_hop, _everyone_acts_run(result, n_jobs).trial_hop
            )
            hops = len(columns["cost"])
            if hops > len(table):
                extra = pd.DataFrame(
                    {"hop": np.arange(len(table), hops, dtype=np.int64)}
                )
                table = pd.concat([table, extra], ignore_index=True).fillna(0.0)
                table["reached_so_far"] = np.cumsum(table["held"])
            for name, values in columns.items():
                table[name] = values
        return table
    if isinstance(result, SearchResult):
        return _search_funnel(result.by_step())
    if isinstance(result, pd.DataFrame):
        if "held_mean" in result.columns:
            return _spread_funnel(result)
        if "alive" in result.columns:
            return _search_funnel(result)
        raise ValueError(
            f"dropoff needs a by_hop table (with 'held_mean') or a by_step table "
            f"(with 'alive'). Got columns {list(result.columns)}."
        )
    raise TypeError(
        f"dropoff expects a SpreadResult, a SearchResult or a by_hop/by_step "
        f"table. Got {type(result).__name__}."
    )


def tie_offers(result: SpreadResult | pd.DataFrame) -> pd.DataFrame:
    """Every tie of every holder, by what became of it (a detailed table).

    Each tie of a person holding the opening is one *offer*. An offer
    reaches someone new, or is lost: the holder did not act, the tie did not
    carry, the contact already had it, the hop limit, or the fan-out. This
    counts ties, not people: a holder who does not act loses *all* their
    ties, including ties to people who already had the opening, so the
    ``lost_did_not_act`` count is not the number of people that inaction
    cost (see :func:`dropoff`).

    Parameters
    ----------
    result : SpreadResult or pandas.DataFrame
        A spread with ``record="full"``, or its :meth:`SpreadResult.by_hop`
        table.

    Returns
    -------
    pandas.DataFrame
        One row per hop, means per trial:

        - ``hop`` (int64), ``held``, ``acted`` (float64): people.
        - ``offered`` (float64): ties of the holders.
        - ``arrived`` (float64): offers that reached someone new.
        - ``lost_did_not_act``, ``lost_not_carried``,
          ``lost_already_reached``, ``lost_hop_limit``, ``lost_fanout``
          (float64): offers lost to each cause; ``offered = arrived + the
          five losses``.
        - ``lost_total`` (float64): their sum.
        - ``non_actor_share`` (float64): ``lost_did_not_act / lost_total``,
          the share of lost offers that were ties of holders who did not
          act, counting every tie of such a holder (ties to people already
          reached included). Over all hops it is
          ``lost_did_not_act.sum() / lost_total.sum()``.

    Raises
    ------
    ValueError
        For a run with ``record="reach"`` or a table without these columns.
    TypeError
        For anything else.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5,
    ...                     recruiters=[0])
    >>> table = tie_offers(spread(net, trials=4000, seed=1))
    >>> table[["hop", "held", "offered", "arrived"]].round(1)
       hop  held  offered  arrived
    0    0   1.0      1.0      1.0
    1    1   1.0      2.0      0.5
    2    2   0.5      0.5      0.0
    """
    if isinstance(result, SpreadResult):
        result._need_full("tie_offers")
        hops = result.by_hop()
    elif isinstance(result, pd.DataFrame):
        hops = result
    else:
        raise TypeError(
            f"tie_offers expects a SpreadResult or a by_hop table. Got "
            f"{type(result).__name__}."
        )
    names = ["held", "acted", "offered", "arrived", *SPREAD_LOSS_COLUMNS]
    _missing(hops, ["hop", *[f"{n}_mean" for n in names]], "tie_offers")
    if hops["acted_mean"].isna().all():
        raise ValueError(
            "tie_offers needs the loss bookkeeping of a run with record='full'."
        )
    table = pd.DataFrame({"hop": hops["hop"].to_numpy(np.int64)})
    for column in names:
        table[column] = hops[f"{column}_mean"].to_numpy(np.float64)
    table["lost_total"] = table[list(SPREAD_LOSS_COLUMNS)].sum(axis=1)
    _add_non_actor_share(table, "non_actor_share")
    return table


# ---------------------------------------------------------- other people cost
_COST_COLUMNS = [
    "scenario",
    "method",
    "multiplier",
    "multiplier_ci_low",
    "multiplier_ci_high",
    "mean_activity",
    "mean_activity_ci_low",
    "mean_activity_ci_high",
    "people_reached_mean",
    "people_reached_ci_low",
    "people_reached_ci_high",
    "people_reached_median",
    "sizeable_share",
    "sizeable_share_ci_low",
    "sizeable_share_ci_high",
    "candidates_reached_mean",
    "n_people",
    "sizeable_fraction",
    "sizeable_people",
    "sources",
    "trials",
    "acyclic",
]
_CURVE_COLUMNS = [
    "multiplier",
    "mean_activity",
    "people_reached_mean",
    "people_reached_se",
    "people_reached_ci_low",
    "people_reached_ci_high",
    "people_reached_median",
    "people_reached_q10",
    "people_reached_q90",
    "sizeable_share",
    "sizeable_share_ci_low",
    "sizeable_share_ci_high",
    "candidates_reached_mean",
    "candidates_reached_se",
    "reach_share",
    "branching",
    "branching_se",
    "branching_ci_low",
    "branching_ci_high",
]


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

        - ``multiplier``, ``mean_activity`` (float64): ``m`` and the mean
          activity it gives (capped activities, so at most 1).
        - ``people_reached_mean``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): people reached per opening, the recruiter included.
        - ``people_reached_median``, ``people_reached_q10``,
          ``people_reached_q90`` (float64): the distribution of reach over
          openings (trials).
        - ``sizeable_share``, ``_ci_low``, ``_ci_high`` (float64): the share
          of openings that reach at least ``sizeable_people`` people (a
          sizeable part of the network), with its Wilson 95% interval.
        - ``candidates_reached_mean``, ``candidates_reached_se`` (float64).
        - ``reach_share`` (float64): mean people reached over people in the
          network.
        - ``branching``, ``_se``, ``_ci_low``, ``_ci_high`` (float64): the
          simulated onward reaches per reached person, people reached at
          hops 2-3 over people at hops 1-2, with its delta-method interval.
        - ``n_people``, ``sizeable_people`` (int64), ``trials`` (int64).
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

    def _repr_html_(self) -> str:
        from referral._html import cost_html

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
              ``multiplier_ci_high``: the simulated critical point's 95%
              interval (NaN elsewhere).
            - ``mean_activity`` and its ``_ci_low``, ``_ci_high`` (float64):
              the mean (capped) activity at that multiplier.
            - ``people_reached_mean``, ``_ci_low``, ``_ci_high``,
              ``people_reached_median``, ``sizeable_share``, ``_ci_low``,
              ``_ci_high``, ``candidates_reached_mean`` (float64): as in
              ``curve``, for the two simulated scenarios.
            - ``n_people``, ``sizeable_people``, ``sources``, ``trials``
              (int64), ``sizeable_fraction`` (float64) and ``acyclic``
              (bool: the network has no cycles, so no tipping point),
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
        for name, columns in [("cost", _COST_COLUMNS), ("cost_curve", _CURVE_COLUMNS)]:
            if name not in tables:
                raise ValueError(f"OtherPeopleCost.from_tables needs a {name!r} table.")
            _missing(tables[name], columns, f"OtherPeopleCost's {name!r} table")
        cost = tables["cost"].copy()
        curve = tables["cost_curve"].copy()
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
        cost["acyclic"] = (
            cost["acyclic"]
            .map(lambda v: v if isinstance(v, bool | np.bool_) else str(v) == "True")
            .astype(bool)
        )
        return cls(
            curve=curve,
            scenarios=cost,
            as_is=rows["as_is"],
            everyone_acts=rows["everyone_acts"],
            critical_multiplier_analytic=float(rows["critical_analytic"]["multiplier"]),
            critical_multiplier_simulated=float(
                rows["critical_simulated"]["multiplier"]
            ),
            mean_activity=float(rows["as_is"]["mean_activity"]),
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
        from referral.wording import threshold_sentence

        return threshold_sentence(self.table(), self.curve)


def _branching_terms(result: SpreadResult) -> tuple[np.ndarray, np.ndarray]:
    """Per trial: people at hops 2-3 and at hops 1-2."""
    held = result.trial_hop.astype(np.float64)
    held = np.concatenate([held, np.zeros((held.shape[0], 4))], axis=1)
    return held[:, 2] + held[:, 3], held[:, 1] + held[:, 2]


def _curve_row(network, result, multiplier, sizeable):

    trials = result.trials()
    reached = trials["reached"].to_numpy(np.float64)
    people_mean, people_se = _mean_se(reached)
    cand_mean, cand_se = _mean_se(trials["candidates_reached"].to_numpy())
    far = int(np.count_nonzero(reached >= sizeable))
    share, _, share_low, share_high = proportion_interval(far, len(reached), _Z95)
    onward, parents = _branching_terms(result)
    branching, branching_se = _ratio_se(onward, parents)
    if parents.sum() == 0:
        branching = 0.0
    q10, q50, q90 = np.quantile(reached, [0.1, 0.5, 0.9])
    people_low, people_high = normal_interval(people_mean, people_se, _Z95)
    branching_low, branching_high = normal_interval(branching, branching_se, _Z95)
    return {
        "multiplier": float(multiplier),
        "mean_activity": float(network.activity.mean()),
        "people_reached_mean": people_mean,
        "people_reached_se": people_se,
        "people_reached_ci_low": people_low,
        "people_reached_ci_high": people_high,
        "people_reached_median": float(q50),
        "people_reached_q10": float(q10),
        "people_reached_q90": float(q90),
        "sizeable_share": float(share),
        "sizeable_share_ci_low": float(share_low),
        "sizeable_share_ci_high": float(share_high),
        "candidates_reached_mean": cand_mean,
        "candidates_reached_se": cand_se,
        "reach_share": people_mean / network.n_people,
        "branching": branching,
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
) -> OtherPeopleCost:
    """How much reach the people in between cost, and how close the threshold is.

    Parameters
    ----------
    network : ReferralNetwork
        The network.
    sources : label or iterable of labels, optional
        Who posts the opening; default the recruiters.
    multipliers : array_like of float >= 0, optional
        Factors on everyone's activity (capped at 1). Default: 10 points from
        a quarter to two and a half times the analytic critical multiplier,
        plus 1 (today).
    trials : int, default 200
        Trials per point; all points share the seed (common random numbers).
    max_hops : int, optional
        Hop limit of every spread.
    sizeable_fraction : float in (0, 1], default 0.1
        An opening "travels far" when it reaches at least this share of the
        people (rounded up to whole people); the ``sizeable_share`` columns.
    seed : None, int, SeedSequence or Generator
        One seed for every point.
    n_jobs : int, optional
        Parallel workers per spread.

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
    (:func:`referral.threshold.nonbacktracking_radius`; Karrer, Newman &
    Zdeborová 2014), solved with capped activities. It assumes a large,
    locally tree-like network: it is infinite (no tipping point) on trees
    and too optimistic on clustered networks. The simulated critical point
    is where the measured onward reaches per reached person (hops 2-3 over
    hops 1-2) cross 1, with the interval where its 95% band crosses 1.

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
    entropy = resolve_entropy(seed, function=fn)
    trials = int(trials)
    rho = nonbacktracking_radius(network)
    m_c = _analytic_critical(network, rho)
    if multipliers is None:
        base = 1.0 / rho if rho > 0 else 1.0
        multipliers = np.unique(
            np.round(np.concatenate([base * np.linspace(0.25, 2.5, 9), [1.0]]), 6)
        )
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
    sizeable = max(1, int(np.ceil(sizeable_fraction * network.n_people - 1e-9)))

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
        )

    rows = []
    as_is = None
    n_sources = None
    for m in np.unique(multipliers):
        scaled = scale_activity(network, m, warn=False)
        result = run(scaled)
        n_sources = len(result.sources)
        rows.append(_curve_row(scaled, result, m, sizeable))
        if m == 1.0:
            as_is = pd.Series(rows[-1])
    curve = pd.DataFrame(rows)
    if as_is is None:
        as_is = pd.Series(_curve_row(network, run(network), 1.0, sizeable))
    everyone = network.replace(activity=np.ones(network.n_people))
    everyone_row = pd.Series(_curve_row(everyone, run(everyone), np.nan, sizeable))
    curve["n_people"] = np.int64(network.n_people)
    curve["sizeable_people"] = np.int64(sizeable)
    curve["trials"] = np.int64(trials)
    x = curve["multiplier"].to_numpy()
    simulated = _crossing(x, curve["branching"].to_numpy(), 1.0)
    sim_low = _crossing(x, curve["branching_ci_high"].to_numpy(), 1.0)
    sim_high = _crossing(x, curve["branching_ci_low"].to_numpy(), 1.0)
    activity_at = curve["mean_activity"].to_numpy()

    def capped_mean(m):
        if not np.isfinite(m):
            return np.nan
        return float(np.minimum(1.0, m * network.activity).mean())

    nan = np.nan
    records = []
    for name, row, m, low, high, method in [
        ("as_is", as_is, 1.0, nan, nan, "simulation"),
        ("everyone_acts", everyone_row, nan, nan, nan, "simulation"),
        ("critical_analytic", None, m_c, nan, nan, "analytic estimate"),
        ("critical_simulated", None, simulated, sim_low, sim_high, "simulation"),
    ]:
        record = dict.fromkeys(_COST_COLUMNS, nan)
        record.update(
            scenario=name,
            method=method,
            multiplier=m,
            multiplier_ci_low=low,
            multiplier_ci_high=high,
        )
        if row is not None:
            for column in _COST_COLUMNS:
                if column in row.index:
                    record[column] = row[column]
            record["multiplier"] = m
        elif name == "critical_analytic":
            record["mean_activity"] = capped_mean(m)
        else:
            for key, value in [
                ("mean_activity", m),
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
            acyclic=bool(rho == 0),
        )
        records.append(record)
    scenarios = pd.DataFrame(records, columns=_COST_COLUMNS).astype(
        {
            "n_people": "int64",
            "sizeable_people": "int64",
            "sources": "int64",
            "trials": "int64",
            "acyclic": bool,
        }
    )
    return OtherPeopleCost(
        curve=curve,
        scenarios=scenarios,
        as_is=as_is,
        everyone_acts=everyone_row,
        critical_multiplier_analytic=float(m_c),
        critical_multiplier_simulated=simulated,
        mean_activity=float(network.activity.mean()),
    )


# ----------------------------------------------------------------- gatekeepers
_GATEKEEPER_COLUMNS = {
    "rank": "int64",
    "person": "object",
    "id": "int32",
    "chain_credit": "float64",
    "chain_share": "float64",
    "chain_rank": "int64",
    "activity": "float64",
    "counterfactual_loss": "float64",
    "loss_se": "float64",
    "loss_ci_low": "float64",
    "loss_ci_high": "float64",
    "loss_share": "float64",
    "trials": "int64",
    "tier": "int64",
    "in_top_group": "bool",
    "top_group_size": "int64",
    "diff_from_leader": "float64",
    "diff_se": "float64",
    "diff_ci_low": "float64",
    "diff_ci_high": "float64",
    "p_value": "float64",
    "compared": "int64",
    "alpha": "float64",
    "measure": "object",
}


def _paired_z(losses: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paired comparisons of per-trial losses with common random numbers.

    ``losses[i]`` holds person ``i``'s loss in trials ``0 .. T_i - 1`` (the
    same trials for everyone, so the losses of two people are paired trial by
    trial); two people are compared over the trials both have,
    ``min(T_i, T_j)``.

    Returns ``(diff, se, z)``, each of shape ``(m, m)``: ``diff[i, j]`` is the
    mean of ``loss_j - loss_i``, ``se[i, j]`` its standard error and
    ``z[i, j] = diff / se``: how far ``j`` is above ``i`` in standard errors.
    A zero difference is ``z = 0``; a non-zero one with zero spread is
    ``+-inf`` (every paired trial agrees); fewer than two common trials give
    ``z = 0`` (no evidence either way).
    """
    m = len(losses)
    diff = np.zeros((m, m))
    se = np.zeros((m, m))
    z = np.zeros((m, m))
    for i in range(m):
        for j in range(i + 1, m):
            n = min(len(losses[i]), len(losses[j]))
            if n < 2:
                continue
            mean, s = paired_difference_se(losses[j][:n], losses[i][:n])
            if s > 0:
                zz = mean / s
            else:
                zz = 0.0 if mean == 0 else float(np.copysign(np.inf, mean))
            diff[i, j], diff[j, i] = mean, -mean
            se[i, j] = se[j, i] = s
            z[i, j], z[j, i] = zz, -zz
    return diff, se, z


def _best_subset(
    z: np.ndarray, means: np.ndarray, members: np.ndarray, alpha: float, looks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gupta-style subset selection of the best, with Bonferroni control.

    Among ``members`` (indices into ``z``), person ``i`` is left out of the
    top group when some other member ``j`` is above ``i`` by more than
    ``c`` standard errors of their paired difference, where
    ``c = Phi^-1(1 - alpha / ((k - 1) * looks))``, ``k = len(members)``
    and ``looks`` the number of times the data may be looked at (racing).
    By the union bound, a person whose true loss is the largest among the
    members is left out with probability at most ``alpha`` (normal
    approximation), however many rivals there are and whatever their
    losses. The member with the largest mean is always kept.

    Returns ``(in_top, p)`` over ``members``: ``p[i] = min(1, (k - 1) *
    looks * (1 - Phi(max_j z[i, j])))`` is the adjusted p-value of "i's
    loss is the largest", and ``in_top`` is ``p > alpha`` (or the leader).
    """
    from scipy.special import ndtr

    k = len(members)
    if k == 1:
        return np.ones(1, dtype=bool), np.ones(1)
    sub = z[np.ix_(members, members)]
    worst = sub.max(axis=1)  # the diagonal is 0
    p = np.minimum(1.0, (k - 1) * looks * ndtr(-worst))
    in_top = p > alpha
    in_top[int(np.argmax(means[members]))] = True
    return in_top, p


def _tiers(
    z: np.ndarray, means: np.ndarray, alpha: float, looks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Tier 1 is the top group of everyone; tier 2 the top group of the rest;
    and so on. Returns ``(tier, p)`` with ``p`` from tier 1's selection."""
    m = len(means)
    tier = np.zeros(m, dtype=np.int64)
    p_top = np.ones(m)
    remaining = np.arange(m)
    level = 1
    while len(remaining):
        in_top, p = _best_subset(z, means, remaining, alpha, looks)
        if level == 1:
            p_top[remaining] = p
        tier[remaining[in_top]] = level
        remaining = remaining[~in_top]
        level += 1
    return tier, p_top


def _racing_looks(start: int, budget: int) -> int:
    """How many times racing may test: once at ``start`` trials, then after
    each doubling up to ``budget``."""
    looks, n = 1, start
    while n < budget:
        n = min(2 * n, budget)
        looks += 1
    return looks


def _empty_gatekeepers(network: ReferralNetwork, measure: str) -> pd.DataFrame:
    """The table when no one but the sources could be compared."""
    dtypes = {**_GATEKEEPER_COLUMNS, "person": network.labels.dtype}
    table = pd.DataFrame(
        {name: pd.Series([], dtype=dtype) for name, dtype in dtypes.items()}
    )
    return table


@validate_params(
    {
        "network": ["network"],
        "result": [SpreadResult, None],
        "top": [Interval(int, 1, None)],
        "shortlist": [Interval(int, 1, None), None],
        "measure": [Options(("candidates_reached", "people_reached")), None],
        "trials": [Interval(int, 1, None)],
        "max_trials": [Interval(int, 1, None), None],
        "alpha": [Interval(float, 0, 1, closed="neither")],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
    }
)
def gatekeepers(
    network: ReferralNetwork,
    result: SpreadResult | None = None,
    *,
    sources=None,
    top: int = 20,
    shortlist: int | None = None,
    measure: str | None = None,
    trials: int = 200,
    max_trials: int | None = None,
    alpha: float = 0.05,
    seed=None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """The people whose inaction costs the most reach, with a top group.

    Two measures: **chain credit** (the share of successful chains, those
    that reached a candidate, that passed through the person) and
    **counterfactual loss** (the drop in mean reach when that person does
    not act), estimated by re-running the spread with the person's activity
    set to 0 and the same seed, so every other random draw is shared (common
    random numbers) and the difference is signal.

    The losses of two people are compared trial by trial (paired), and the
    people whose loss the data cannot tell apart from the largest form the
    **top group** (``tier`` 1); see Notes. Where the top group holds more
    than one person, their order within it is not supported by the data.

    Parameters
    ----------
    network : ReferralNetwork
        The network whose people are compared.
    result : SpreadResult, optional
        A spread on ``network`` with ``record="full"``; its sources, trials,
        hop limit and seed are reused. Default: a new spread with ``sources``,
        ``trials`` and ``seed``.
    sources : label or iterable, optional
        Used only when ``result`` is None.
    top : int, default 20
        How many people to return.
    shortlist : int, optional
        How many people, by chain credit, get a counterfactual run; default
        ``top + 10``. Sources are never candidates for removal. Tiers are
        computed over the whole shortlist.
    measure : {"candidates_reached", "people_reached"}, optional
        The reach that is lost; default candidates reached if the network has
        candidates, else people reached.
    trials : int, default 200
        Trials of the new spread when ``result`` is None; otherwise the
        result's trials are used.
    max_trials : int, optional
        Racing budget. When larger than the spread's trials, the people
        still in the top group (the contenders) are re-run on twice as
        many trials (the same first trials, extended: trial ``t`` is the
        same in every run of a seed), again and again until the top group
        is one person or every contender has ``max_trials`` trials. People
        already separated keep their trials. Each round re-runs the
        contenders and the baseline from trial 0, so racing costs at most
        twice its last round. Default: no racing.
    alpha : float, default 0.05
        Error rate of the top group: a person whose true loss is the largest
        on the shortlist is left out of it with probability at most
        ``alpha``, racing included.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the new spread when ``result`` is None; otherwise the
        result's ``seed_entropy`` is used, so every re-run shares its
        random numbers.
    n_jobs : int, optional
        Worker threads for every spread; the table is the same for any
        ``n_jobs``.

    Returns
    -------
    pandas.DataFrame
        Up to ``top`` rows, by counterfactual loss (largest first):

        - ``rank`` (int64): 1 for the largest loss. Within a tier, ranks are
          an order of the estimates only.
        - ``person`` (label) and ``id`` (int32).
        - ``chain_credit`` (float64): successful chains through the person,
          per trial.
        - ``chain_share`` (float64): the share of successful chains through
          the person.
        - ``chain_rank`` (int64): rank by chain credit.
        - ``activity`` (float64): the person's activity.
        - ``counterfactual_loss`` (float64): mean drop in reach per trial
          when the person does not act.
        - ``loss_se``, ``loss_ci_low``, ``loss_ci_high`` (float64): its
          standard error and 95% interval (paired over trials).
        - ``loss_share`` (float64): the loss over today's mean reach over
          the same trials (NaN when nothing is reached).
        - ``trials`` (int64): trials behind the person's loss (more than the
          spread's for contenders when racing).
        - ``tier`` (int64): 1 for the top group, 2 for the top group of
          the rest, and so on.
        - ``in_top_group`` (bool): ``tier == 1``.
        - ``top_group_size`` (int64): people in the top group, over the
          whole shortlist (some may be below the ``top`` rows shown).
        - ``diff_from_leader`` (float64): rank 1's loss minus this person's,
          paired over the trials both have; 0 for rank 1.
        - ``diff_se`` (float64): its standard error.
        - ``diff_ci_low``, ``diff_ci_high`` (float64): its simultaneous
          interval, ``diff_from_leader -+ c * diff_se`` with the critical
          value ``c`` of the top group test (see Notes): a person whose
          ``diff_ci_low`` is above 0 is out of the top group.
        - ``p_value`` (float64): adjusted p-value of "this person's loss is
          the largest on the shortlist"; ``in_top_group`` is
          ``p_value > alpha`` (rank 1 is always in the top group).
        - ``compared`` (int64): people on the shortlist (all compared).
        - ``alpha`` (float64): the ``alpha`` used.
        - ``measure`` (object): ``"candidates_reached"`` or
          ``"people_reached"``.

        When no one but the sources is in the network, the table has no
        rows.

    Raises
    ------
    TypeError
        If ``result`` is not a SpreadResult, or a parameter has the wrong
        type.
    ValueError
        If ``result`` used ``record="reach"`` or another network,
        ``measure`` is unknown, ``max_trials`` is below the spread's trials
        or ``alpha`` is not in (0, 1).

    See Also
    --------
    gatekeeper_sentence : The finding in words.

    Notes
    -----
    **Top group.** With ``m`` people on the shortlist, person ``i`` is out of
    the top group when some ``j`` beats ``i`` by more than ``c`` standard
    errors of their paired difference, ``c = Phi^-1(1 - alpha / ((m - 1) *
    L))``, where ``L`` is the number of looks racing may take (1 without
    racing; each look is one doubling of the trials). This is Gupta's
    subset selection with a Bonferroni bound over the ``m - 1`` rivals and
    the ``L`` looks: by the union bound the person with the largest true
    loss is left out with probability at most ``alpha``, so "clearly top"
    (a top group of one) is not overconfident. The p-values use the normal
    approximation; use a few dozen trials at least. The shortlist itself is
    chosen by chain credit, so the statement is about the people compared.
    Tier ``k + 1`` is the top group, by the same rule, of the people below
    tier ``k``; tiers beyond 1 are descriptive.

    **Pairing.** The engine's random numbers depend only on (seed, trial,
    person, tie), so the run without person ``i`` and the run without
    person ``j`` share every draw except those of ``i`` and ``j``; the
    paired difference of their losses, trial by trial, has a much smaller
    standard error than the difference of two independent estimates.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.barbell_graph(5, 0)   # cliques 0-4 and 5-9 joined by 4-5
    >>> net = from_networkx(G, strength=1.0, activity=0.8, recruiters=[4],
    ...                     candidates=range(6, 10))
    >>> table = gatekeepers(net, top=3, trials=200, seed=1)
    >>> int(table["person"].iloc[0]), table["in_top_group"].tolist()
    (5, [True, False, False])
    """
    fn = "gatekeepers"
    top, alpha = int(top), float(alpha)
    if result is None:
        result = spread(network, sources, trials=trials, seed=seed, n_jobs=n_jobs)
    if result.network is not network and not result.network.equals(network):
        raise ValueError(f"The 'result' passed to {fn} was run on another network.")
    result._need_full(fn)
    if measure is None:
        measure = (
            "candidates_reached" if network.is_candidate.any() else "people_reached"
        )
    measures = {"candidates_reached": "candidates_reached", "people_reached": "reached"}
    column = measures[measure]
    shortlist = top + 10 if shortlist is None else int(shortlist)
    start = result.n_trials
    budget = None if max_trials is None else int(max_trials)
    if budget is None:
        budget = start
    elif budget < start:
        raise ValueError(
            f"The 'max_trials' parameter of {fn} must be an int >= the {start} "
            f"trials of the spread, or None. Got {budget!r} instead."
        )

    people = result.people()
    people["chain_rank"] = (
        people["chain_credit"].rank(ascending=False, method="first").astype("int64")
    )
    eligible = people[~np.isin(people["id"], result.sources)]
    if len(eligible) == 0:
        return _empty_gatekeepers(network, measure)
    chosen = eligible.nlargest(min(shortlist, len(eligible)), "chain_credit")
    ids = chosen["id"].to_numpy()

    def run(net, n_trials):
        return spread(
            net,
            result.network.labels[result.sources],
            trials=n_trials,
            max_hops=result.max_hops,
            fanout=result.fanout,
            source_activity=result.source_activity,
            keep_chains=0,
            record="reach",
            seed=result.seed_entropy,
            n_jobs=n_jobs,
        )

    def losses_of(person_ids, baseline, n_trials):
        out = {}
        for person_id in person_ids:
            activity = network.activity.copy()
            activity[person_id] = 0.0
            without = run(network.replace(activity=activity), n_trials)
            out[int(person_id)] = baseline - without.trials()[column].to_numpy(
                np.float64
            )
        return out

    # record="reach" draws exactly as record="full", so the result's own
    # trials are the baseline of the paired counterfactuals; trial t of a
    # longer run is trial t of a shorter one, so racing extends the trials
    baseline = result.trials()[column].to_numpy(np.float64)
    base_mean = float(baseline.mean())
    base_means = {start: base_mean}  # today's mean reach, by trials run
    losses = losses_of(ids, baseline, start)
    looks = _racing_looks(start, budget)
    n_trials = start
    while True:
        per_person = [losses[int(i)] for i in ids]
        means = np.array([values.mean() for values in per_person])
        diff, diff_se, z = _paired_z(per_person)
        tier, p_value = _tiers(z, means, alpha, looks)
        contenders = ids[tier == 1]
        if len(contenders) < 2 or n_trials >= budget:
            break
        n_trials = min(2 * n_trials, budget)
        longer = run(network, n_trials).trials()[column].to_numpy(np.float64)
        base_means[n_trials] = float(longer.mean())
        losses.update(losses_of(contenders, longer, n_trials))

    stats = [_mean_se(values) for values in per_person]
    leader = int(np.argmax(means))
    critical = _normal_quantile(1 - alpha / (max(len(ids) - 1, 1) * looks))
    frame = pd.DataFrame(
        {
            "id": ids,
            "counterfactual_loss": [s[0] for s in stats],
            "loss_se": [s[1] for s in stats],
            "trials": np.array([len(v) for v in per_person], dtype=np.int64),
            "tier": tier,
            "in_top_group": tier == 1,
            "top_group_size": np.int64((tier == 1).sum()),
            "diff_from_leader": -diff[leader] + 0.0,
            "diff_se": diff_se[leader],
            "p_value": p_value,
        }
    )
    table = chosen.merge(frame, on="id")
    table["activity"] = network.activity[table["id"].to_numpy()]
    table["loss_ci_low"], table["loss_ci_high"] = normal_interval(
        table["counterfactual_loss"], table["loss_se"], _Z95
    )
    today = np.array([base_means[n] for n in table["trials"]])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["loss_share"] = np.where(
            today > 0, table["counterfactual_loss"] / today, np.nan
        )
    table["diff_ci_low"] = table["diff_from_leader"] - critical * table["diff_se"]
    table["diff_ci_high"] = table["diff_from_leader"] + critical * table["diff_se"]
    table["compared"] = np.int64(len(ids))
    table["alpha"] = alpha
    table["measure"] = measure
    table = table.sort_values(
        ["counterfactual_loss", "chain_credit"], ascending=False, kind="stable"
    ).head(top)
    table.insert(0, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
    table = table[list(_GATEKEEPER_COLUMNS)].reset_index(drop=True)
    table = table.astype(
        {k: v for k, v in _GATEKEEPER_COLUMNS.items() if k != "person"}
    )
    return table


def _normal_quantile(q: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(q))


_SENTENCE_COLUMNS = (
    "person",
    "counterfactual_loss",
    "loss_se",
    "loss_ci_low",
    "loss_ci_high",
    "in_top_group",
    "top_group_size",
    "compared",
    "measure",
)
_UNITS = {
    "candidates_reached": ("candidate", "candidates"),
    "people_reached": ("person", "people"),
}


def _approx(value: float, se: float) -> str:
    """``value`` rounded to the first significant digit of its standard
    error (no invented precision); exact values keep up to two decimals."""
    if not np.isfinite(value):
        return "an unknown number of"
    if np.isfinite(se) and se > 0:
        decimals = int(np.clip(-np.floor(np.log10(se)), -6, 3))
    else:
        decimals = 2
    rounded = round(float(value), decimals)
    text = f"{rounded:,.{max(decimals, 0)}f}"
    if se == 0 and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # "-0.0" is "0.0"
    return text


def _names(labels, more: int = 0, limit: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``, or the first ``limit`` and a count."""
    names = [str(label) for label in labels]
    if len(names) > limit:
        more += len(names) - limit
        names = names[:limit]
    if more:
        return ", ".join(names) + f" and {more} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n:,} {singular if n == 1 else plural}"


def gatekeeper_sentence(table: pd.DataFrame) -> str:
    """The gatekeeper finding in one or two sentences, from the table.

    Names a top group when the data cannot separate its members, instead of
    a false order; names a single person only when the trials set them
    apart from everyone else compared; says so when no loss can be told
    apart from none. Numbers are rounded to the first significant digit of
    their standard error.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`gatekeepers` (its ``person``, ``counterfactual_loss``,
        ``loss_se``, ``loss_ci_low``, ``loss_ci_high``, ``in_top_group``,
        ``top_group_size``, ``compared`` and ``measure`` columns; optionally
        ``loss_share`` and ``rank``).

    Returns
    -------
    str
        The sentence, built from the table's numbers only.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If a column is missing.

    See Also
    --------
    gatekeepers : The table.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.barbell_graph(5, 0)   # cliques 0-4 and 5-9 joined by 4-5
    >>> net = from_networkx(G, strength=1.0, activity=0.8, recruiters=[4],
    ...                     candidates=range(6, 10))
    >>> import textwrap
    >>> table = gatekeepers(net, top=3, trials=200, seed=1)
    >>> print(textwrap.fill(gatekeeper_sentence(table), 72))
    The clear top gatekeeper is 5: if they did not pass openings on, an
    opening would reach about 3.2 fewer candidates on average (95% CI 3.0 to
    3.5; 100% of today's reach), and the trials set them apart from the
    other 8 people compared.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'table' parameter of gatekeeper_sentence must be a DataFrame "
            f"from referral.analysis.gatekeepers. Got {type(table).__name__} "
            f"instead."
        )
    missing = [name for name in _SENTENCE_COLUMNS if name not in table.columns]
    if missing:
        raise ValueError(
            f"gatekeeper_sentence needs a table from referral.analysis."
            f"gatekeepers; it lacks the column(s) {missing}. Got columns "
            f"{list(table.columns)}."
        )
    if len(table) == 0:
        return "No gatekeepers to name: no one besides the sources was compared."
    if "rank" in table.columns:
        table = table.sort_values("rank", kind="stable")
    first = table.iloc[0]
    singular, plural = _UNITS.get(str(first["measure"]), ("unit of reach", "units"))
    compared = int(first["compared"])
    leader = str(first["person"])
    loss, se = float(first["counterfactual_loss"]), float(first["loss_se"])

    def fewer(value, error, *, low=None):
        text = _approx(value, error)
        if low is not None:  # a range is plural: "0.5 to 1 fewer candidates"
            return f"{_approx(low, error)} to {text} fewer {plural}"
        return f"{text} fewer {singular if text == '1' else plural}"

    interval = (
        f"95% CI {_approx(first['loss_ci_low'], se)} to "
        f"{_approx(first['loss_ci_high'], se)}"
    )
    if loss <= 0 and se == 0:
        return (
            f"No one compared is a gatekeeper: if any one of the "
            f"{_count(compared, 'person', 'people')} compared did not pass "
            f"openings on, the openings would reach no fewer {plural} on average."
        )
    if loss <= 0:
        return (
            f"No clear gatekeeper: none of the "
            f"{_count(compared, 'person', 'people')} compared has an estimated "
            f"loss above zero (the largest is {leader}'s, about "
            f"{_approx(loss, se)} {plural} per opening; {interval})."
        )
    if not first["loss_ci_low"] > 0:
        return (
            f"No clear gatekeeper: the largest estimated loss, about "
            f"{fewer(loss, se)} per opening if {leader} did not pass openings on "
            f"({interval}), cannot be told apart from no loss among the "
            f"{_count(compared, 'person', 'people')} compared."
        )
    share = ""
    if "loss_share" in table.columns and np.isfinite(first["loss_share"]) and loss:
        share_se = se * float(first["loss_share"]) / loss
        percent = _approx(100 * first["loss_share"], 100 * share_se)
        share = f"; {percent}% of today's reach"
    if compared == 1:
        return (
            f"{leader} is the only person compared: if they did not pass openings "
            f"on, an opening would reach about {fewer(loss, se)} on average "
            f"({interval}{share})."
        )
    size = int(first["top_group_size"])
    others = compared - size
    rest = "person" if others == 1 else f"{others:,} people"
    apart = f"the trials set {{}} apart from the other {rest} compared"
    if size == 1:
        return (
            f"The clear top gatekeeper is {leader}: if they did not pass openings "
            f"on, an opening would reach about {fewer(loss, se)} on average "
            f"({interval}{share}), and " + apart.format("them") + "."
        )
    group = table[table["in_top_group"].astype(bool)]
    shown = len(group)
    names = _names(group["person"], more=size - shown)
    coarse = float(group["loss_se"].max())
    high = float(group["counterfactual_loss"].max())
    low = float(group["counterfactual_loss"].min())
    if _approx(low, coarse) == _approx(high, coarse):
        cost = f"about {fewer(high, coarse)}"
    else:
        cost = f"about {fewer(high, coarse, low=low)}"
    who = "any one of them" if shown == size else f"any one of the {shown} shown"
    if others == 0:
        opening = (
            f"The data cannot separate any of the "
            f"{_count(compared, 'person', 'people')} compared ({names})"
        )
        closing = "."
    else:
        opening = f"The data cannot separate {names}"
        closing = "; " + apart.format("them") + "."
    return (
        f"{opening}: if {who} did not pass openings on, an opening would reach "
        f"{cost} on average{closing}"
    )


# ------------------------------------------------------------------ weak ties
def weak_tie_share(result: SpreadResult | SearchResult) -> pd.DataFrame:
    """How much of the success runs over weak ties.

    For a spread, a successful chain is the chain (parent path) to a
    candidate reached; for a search, a completed chain.

    Parameters
    ----------
    result : SpreadResult or SearchResult
        A spread run with ``record="full"``, or a search.

    Returns
    -------
    pandas.DataFrame
        Rows for the scopes ``overall``, ``by hop`` (spread: hop at which
        the candidate was reached; search: chain length) and
        ``cross-community`` (chains with a parent and child, or a forward,
        in different communities; NaN share without a ``community``
        attribute). Columns:

        - ``scope`` (object).
        - ``hop`` (int64): the hop or length for ``by hop`` rows, -1
          otherwise.
        - ``chains`` (float64): successful chains (spread: per trial;
          search: count).
        - ``via_weak`` (float64): of them, chains with at least one weak tie.
        - ``share`` (float64): ``via_weak / chains``.
        - ``share_se`` (float64): its standard error. Spread: the delta
          method over trials (a ratio of per-trial sums); for ``by hop``
          rows its variance comes from the trials whose chains were kept
          (``keep_chains``; binomial if fewer than two of them reached a
          candidate at that hop). Search: binomial over chains.
        - ``kind`` (object): ``"spread"`` or ``"search"``, the run the
          table comes from (so a table read back from CSV plots the same).

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=0.2, transmission=1.0,
    ...                     activity=1.0, recruiters=[0], candidates=[2])
    >>> float(weak_tie_share(spread(net, trials=10, seed=1))["share"].iloc[0])
    1.0
    """
    rows = []

    def binomial(scope, hop, chains, via, per=1.0):
        share = via / chains if chains else np.nan
        count = chains * per
        se = float(binomial_se(share, count)) if count else np.nan
        rows.append((scope, hop, chains, via, share, se))

    if isinstance(result, SpreadResult):
        result._need_full("weak_tie_share")
        trials = result.trials()

        def ratio_row(scope, total_col, weak_col):
            total = trials[total_col].to_numpy(np.float64)
            weak = trials[weak_col].to_numpy(np.float64)
            share, se = _ratio_se(weak, total)
            rows.append((scope, -1, total.mean(), weak.mean(), share, se))

        ratio_row("overall", "candidates_reached", "weak_chain_candidates")
        hops = result.by_hop()
        kept = _kept_by_hop(result, len(hops))
        for hop, chains, via in zip(
            hops["hop"],
            hops["new_candidates_mean"],
            hops["weak_chain_candidates_mean"],
            strict=True,
        ):
            if chains > 0 and (kept is None or (kept[0][:, hop] > 0).sum() < 2):
                # fewer than two kept trials reached a candidate at this hop:
                # no spread to measure, so binomial over the candidates
                binomial(
                    "by hop", int(hop), float(chains), float(via), per=result.n_trials
                )
            elif chains > 0:
                # candidates of one trial share their chains, so they are not
                # independent draws: delta method over trials, its variance
                # from the kept trials, scaled to all trials
                share = via / chains
                y, x = kept[0][:, hop], kept[1][:, hop]
                se = subsample_se(x - share * y, result.n_trials) / chains
                rows.append(("by hop", int(hop), float(chains), float(via), share, se))
        if result.network.community is None:
            rows.append(("cross-community", -1, np.nan, np.nan, np.nan, np.nan))
        else:
            ratio_row(
                "cross-community",
                "cross_community_candidates",
                "cross_community_weak_candidates",
            )
    elif isinstance(result, SearchResult):
        chains = result.chains()
        done = chains[chains["outcome"] == "completed"]
        weak = done["weak_ties"].to_numpy() > 0
        binomial("overall", -1, float(len(done)), float(weak.sum()))
        for length, group in done.groupby("length", sort=True):
            binomial(
                "by hop",
                int(length),
                float(len(group)),
                float((group["weak_ties"] > 0).sum()),
            )
        if result.has_community:
            crossed = done["crossed_communities"].to_numpy(dtype=np.int64) > 0
            binomial(
                "cross-community",
                -1,
                float(crossed.sum()),
                float((crossed & weak).sum()),
            )
        else:
            rows.append(("cross-community", -1, np.nan, np.nan, np.nan, np.nan))
    else:
        raise TypeError(
            f"weak_tie_share expects a SpreadResult or a SearchResult. Got "
            f"{type(result).__name__}."
        )
    table = pd.DataFrame(
        rows, columns=["scope", "hop", "chains", "via_weak", "share", "share_se"]
    ).astype({"hop": "int64", "chains": "float64", "via_weak": "float64"})
    table["kind"] = "spread" if isinstance(result, SpreadResult) else "search"
    return table


def _kept_by_hop(result: SpreadResult, n_hops: int):
    """Per kept trial and hop: candidates reached and those via a weak tie.

    ``None`` with fewer than two kept trials.
    """
    kept = min(result.keep_chains, result.n_trials)
    if kept < 2:
        return None
    chains = result.chains()
    chains = chains[chains["candidate"].to_numpy(bool)]
    trial = chains["trial"].to_numpy(np.int64)
    hop = chains["hop"].to_numpy(np.int64)
    total = np.zeros((kept, n_hops))
    weak = np.zeros((kept, n_hops))
    np.add.at(total, (trial, hop), 1.0)
    np.add.at(weak, (trial, hop), chains["via_weak_tie"].to_numpy(np.float64))
    return total, weak


# -------------------------------------------------------------------- compare
def _per_trial_measures(result) -> dict[str, np.ndarray]:
    if isinstance(result, SpreadResult):
        trials = result.trials()
        return {
            "people_reached": trials["reached"].to_numpy(np.float64),
            "candidates_reached": trials["candidates_reached"].to_numpy(np.float64),
            "depth": trials["depth"].to_numpy(np.float64),
        }
    if isinstance(result, SearchResult):
        chains = result.chains()
        completed = (chains["outcome"] == "completed").to_numpy(np.float64)
        weak = (chains["weak_ties"] > 0).to_numpy(np.float64) * completed
        return {"completion_rate": completed, "completed_via_weak_tie": weak}
    raise TypeError(
        f"compare's simulate must return a SpreadResult or a SearchResult. Got "
        f"{type(result).__name__}."
    )


def _check_same_people(scenarios: Mapping[str, ReferralNetwork]) -> None:
    names = list(scenarios)
    first = scenarios[names[0]]
    for name in names[1:]:
        other = scenarios[name]
        if not isinstance(other, ReferralNetwork):
            raise TypeError(
                f"Scenario {name!r} is not a ReferralNetwork: {type(other).__name__}."
            )
        if other.n_people != first.n_people or not np.array_equal(
            other.labels, first.labels
        ):
            raise ValueError(
                f"compare needs scenarios with the same people in the same order "
                f"(as the interventions return); scenario {name!r} has "
                f"{other.n_people} people against {first.n_people} in "
                f"{names[0]!r}, or other labels."
            )
        if other.directed != first.directed:
            raise ValueError(
                f"Scenario {name!r} is {'directed' if other.directed else 'undirected'}"
                f" but {names[0]!r} is not."
            )


@validate_params(
    {
        "scenarios": [Mapping],
        "simulate": [callable],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
    }
)
def compare(
    scenarios: Mapping[str, ReferralNetwork],
    simulate: Callable = spread,
    *,
    trials: int = 500,
    seed=None,
    n_jobs: int | None = None,
    **kwargs,
) -> pd.DataFrame:
    """Run scenarios side by side with common random numbers.

    Parameters
    ----------
    scenarios : dict of str to ReferralNetwork
        The first is the reference. All must have the same people in the
        same order, as the functions in :mod:`referral.interventions` return.
    simulate : callable, default :func:`referral.spread`
        :func:`referral.spread`, :func:`referral.search` or any function
        ``f(network, *, trials, seed, n_jobs, **kwargs)`` returning one of
        their results. For ``search``, ``trials`` is chains per start.
    trials : int, default 500
        Number of simulated trials.
    seed : None, int, SeedSequence or Generator
        One seed for every scenario.
    n_jobs : int, optional
        Worker threads (None is 1, -1 all cores); results do not depend on it.
    **kwargs
        Passed to ``simulate`` (for example ``sources=``, ``max_hops=``).

    Returns
    -------
    pandas.DataFrame
        One row per scenario and measure (spread: ``people_reached``,
        ``candidates_reached``, ``depth`` per trial; search:
        ``completion_rate`` and ``completed_via_weak_tie`` per chain):

        - ``scenario`` (object), ``measure`` (object).
        - ``mean``, ``se``, ``ci_low``, ``ci_high`` (float64): the measure
          with its 95% interval.
        - ``diff``, ``diff_se``, ``diff_ci_low``, ``diff_ci_high`` (float64):
          the paired difference from the first scenario (trial by trial, or
          chain by chain) with its interval; exactly 0 for the first.

        ``attrs["seed_entropy"]`` holds the shared seed.

    Raises
    ------
    ValueError
        If there are no scenarios, or their people differ.
    TypeError
        If a scenario is not a network.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.interventions import referral_bonus
    >>> net = from_networkx(nx.karate_club_graph(), strength=0.5, activity=0.3,
    ...                     recruiters=[0], candidates=[33])
    >>> table = compare({"today": net, "bonus": referral_bonus(net, 0.3)},
    ...                 trials=200, seed=1)
    >>> row = table.query("scenario == 'bonus' and measure == 'people_reached'")
    >>> bool(row["diff_ci_low"].iloc[0] > 0)
    True
    """
    if not isinstance(scenarios, Mapping) or len(scenarios) == 0:
        raise ValueError("compare needs a non-empty dict of {name: network}.")
    first = next(iter(scenarios.values()))
    if not isinstance(first, ReferralNetwork):
        raise TypeError(
            f"Scenario {next(iter(scenarios))!r} is not a ReferralNetwork: "
            f"{type(first).__name__}."
        )
    _check_same_people(scenarios)
    entropy = resolve_entropy(seed, function="compare")
    per_scenario = {}
    for name, network in scenarios.items():
        result = simulate(network, trials=trials, seed=entropy, n_jobs=n_jobs, **kwargs)
        per_scenario[name] = _per_trial_measures(result)
    reference = per_scenario[next(iter(scenarios))]
    rows = []
    for name, measures in per_scenario.items():
        for measure, values in measures.items():
            mean, se = _mean_se(values)
            diff, diff_se = paired_difference_se(values, reference[measure], single=0.0)
            rows.append(
                (
                    name,
                    measure,
                    mean,
                    se,
                    *normal_interval(mean, se, _Z95),
                    diff,
                    diff_se,
                    *normal_interval(diff, diff_se, _Z95),
                )
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "scenario",
            "measure",
            "mean",
            "se",
            "ci_low",
            "ci_high",
            "diff",
            "diff_se",
            "diff_ci_low",
            "diff_ci_high",
        ],
    )
    table.attrs["seed_entropy"] = entropy
    return table
