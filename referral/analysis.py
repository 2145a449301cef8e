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
  loss (reach lost when they do not act), with common random numbers.
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

from referral._random import resolve_entropy
from referral._validation import check_int
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
    "weak_tie_share",
    "compare",
]

_Z95 = 1.959963984540054
_SPREAD_LOSSES = [
    "lost_did_not_act",
    "lost_not_carried",
    "lost_already_reached",
    "lost_hop_limit",
    "lost_fanout",
]


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 2:
        return float(values.mean()) if len(values) else np.nan, 0.0
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))


def _ratio_se(numerator: np.ndarray, denominator: np.ndarray) -> tuple[float, float]:
    """Ratio of sums with a delta-method standard error over trials."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    total = denominator.sum()
    if total == 0:
        return np.nan, np.nan
    ratio = numerator.sum() / total
    n = len(denominator)
    if n < 2:
        return float(ratio), np.nan
    residual = numerator - ratio * denominator
    se = np.sqrt(residual.var(ddof=1) / n) / denominator.mean()
    return float(ratio), float(se)


# -------------------------------------------------------------------- dropoff
_BY_HOP_PEOPLE = ["hop", "held_mean", "acted_mean", "arrived_mean"]
_BY_STEP = ["step", "alive", "attempts", "dropped", "completed", "dead_end",
            "step_limit"]


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
    table.attrs["kind"] = "spread"
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
    losses = ["lost_did_not_act", "lost_dead_end", "lost_step_limit"]
    table["lost_total"] = table[losses].sum(axis=1)
    total = table["lost_total"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["did_not_act_share"] = np.where(
            total > 0, table["lost_did_not_act"] / np.where(total > 0, total, 1),
            np.nan,
        )
    lost = float(total.sum())
    table.attrs["did_not_act_share"] = (
        float(table["lost_did_not_act"].sum()) / lost if lost else np.nan
    )
    table.attrs["kind"] = "search"
    return table


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
        n = diff.shape[0]
        se = diff.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(hops)
        columns[name] = mean
        columns[f"{name}_se"] = se
        columns[f"{name}_ci_low"] = mean - _Z95 * se
        columns[f"{name}_ci_high"] = mean + _Z95 * se
    return columns


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

        ``attrs["kind"]`` is ``"spread"`` or ``"search"``. The tie-by-tie
        accounting of a spread is :func:`tie_offers`.

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
                table.attrs["kind"] = "spread"
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
          reached included). ``attrs["non_actor_share"]`` is the same over
          all hops.

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
    names = ["held", "acted", "offered", "arrived", *_SPREAD_LOSSES]
    _missing(hops, ["hop", *[f"{n}_mean" for n in names]], "tie_offers")
    if hops["acted_mean"].isna().all():
        raise ValueError(
            "tie_offers needs the loss bookkeeping of a run with record='full'."
        )
    table = pd.DataFrame({"hop": hops["hop"].to_numpy(np.int64)})
    for column in names:
        table[column] = hops[f"{column}_mean"].to_numpy(np.float64)
    table["lost_total"] = table[_SPREAD_LOSSES].sum(axis=1)
    total = table["lost_total"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["non_actor_share"] = np.where(
            total > 0, table["lost_did_not_act"] / np.where(total > 0, total, 1),
            np.nan,
        )
    lost = float(total.sum())
    table.attrs["non_actor_share"] = (
        float(table["lost_did_not_act"].sum()) / lost if lost else np.nan
    )
    table.attrs["kind"] = "offers"
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
    :meth:`table` or :attr:`curve`.

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
    """

    curve: pd.DataFrame
    scenarios: pd.DataFrame
    as_is: pd.Series
    everyone_acts: pd.Series
    critical_multiplier_analytic: float
    critical_multiplier_simulated: float
    mean_activity: float
    today: float = 1.0

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
              :attr:`curve`, for the two simulated scenarios.
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
        for scenario in ["as_is", "everyone_acts", "critical_analytic",
                         "critical_simulated"]:
            found = cost.loc[cost["scenario"] == scenario]
            if len(found) != 1:
                raise ValueError(
                    f"OtherPeopleCost's 'cost' table needs one row with scenario "
                    f"{scenario!r}; got {len(found)}."
                )
            rows[scenario] = found.iloc[0]
        cost["acyclic"] = cost["acyclic"].map(
            lambda v: v if isinstance(v, bool | np.bool_) else str(v) == "True"
        ).astype(bool)
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
        :meth:`table` and :attr:`curve` alone: the typical (median) reach and
        the share of openings that reach a sizeable part of the network
        first, then the simulated tipping point with its interval, then the
        analytic estimate, labelled as one.

        Returns
        -------
        str

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
    from referral.search import _wilson

    trials = result.trials()
    reached = trials["reached"].to_numpy(np.float64)
    people_mean, people_se = _mean_se(reached)
    cand_mean, cand_se = _mean_se(trials["candidates_reached"].to_numpy())
    far = int(np.count_nonzero(reached >= sizeable))
    share, _, share_low, share_high = _wilson(far, len(reached), _Z95)
    onward, parents = _branching_terms(result)
    branching, branching_se = _ratio_se(onward, parents)
    if parents.sum() == 0:
        branching = 0.0
    q10, q50, q90 = np.quantile(reached, [0.1, 0.5, 0.9])
    return {
        "multiplier": float(multiplier),
        "mean_activity": float(network.activity.mean()),
        "people_reached_mean": people_mean,
        "people_reached_se": people_se,
        "people_reached_ci_low": people_mean - _Z95 * people_se,
        "people_reached_ci_high": people_mean + _Z95 * people_se,
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
        "branching_ci_low": branching - _Z95 * branching_se,
        "branching_ci_high": branching + _Z95 * branching_se,
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
        :attr:`~OtherPeopleCost.curve` hold every number of its sentence.

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
    trials = check_int(trials, "trials", function=fn, minimum=1)
    if not (
        isinstance(sizeable_fraction, int | float)
        and not isinstance(sizeable_fraction, bool)
        and 0 < sizeable_fraction <= 1
    ):
        raise ValueError(
            f"The 'sizeable_fraction' parameter of {fn} must be a float in the "
            f"range (0, 1]. Got {sizeable_fraction!r} instead."
        )
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
        record.update(scenario=name, method=method, multiplier=m,
                      multiplier_ci_low=low, multiplier_ci_high=high)
        if row is not None:
            for column in _COST_COLUMNS:
                if column in row.index:
                    record[column] = row[column]
            record["multiplier"] = m
        elif name == "critical_analytic":
            record["mean_activity"] = capped_mean(m)
        else:
            for key, value in [("mean_activity", m), ("mean_activity_ci_low", low),
                               ("mean_activity_ci_high", high)]:
                record[key] = (
                    float(np.interp(value, x, activity_at)) if np.isfinite(value)
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
        {"n_people": "int64", "sizeable_people": "int64", "sources": "int64",
         "trials": "int64", "acyclic": bool}
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
def gatekeepers(
    network: ReferralNetwork,
    result: SpreadResult | None = None,
    *,
    sources=None,
    top: int = 20,
    shortlist: int | None = None,
    measure: str | None = None,
    trials: int = 200,
    seed=None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """The people whose inaction costs the most reach.

    Two measures: **chain credit** (the share of successful chains, those
    that reached a candidate, that passed through the person) and
    **counterfactual loss** (the drop in mean reach when that person does
    not act), estimated by re-running the spread with the person's activity
    set to 0 and the same seed, so every other random draw is shared (common
    random numbers) and the difference is signal.

    Parameters
    ----------
    network : ReferralNetwork
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
        ``top + 10``. Sources are never candidates for removal.
    measure : {"candidates_reached", "people_reached"}, optional
        The reach that is lost; default candidates reached if the network has
        candidates, else people reached. Stored in ``attrs["measure"]``.
    trials, seed, n_jobs
        For the new spread when ``result`` is None.

    Returns
    -------
    pandas.DataFrame
        ``top`` rows, by counterfactual loss (largest first):

        - ``rank`` (int64): 1 for the largest loss.
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
        - ``loss_share`` (float64): the loss over today's mean reach.

    Raises
    ------
    TypeError
        If ``result`` is not a SpreadResult.
    ValueError
        If ``result`` used ``record="reach"`` or another network, or
        ``measure`` is unknown.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.barbell_graph(5, 0)   # cliques 0-4 and 5-9 joined by 4-5
    >>> net = from_networkx(G, strength=1.0, activity=0.8, recruiters=[4],
    ...                     candidates=range(6, 10))
    >>> int(gatekeepers(net, top=3, trials=200, seed=1)["person"].iloc[0])
    5
    """
    fn = "gatekeepers"
    top = check_int(top, "top", function=fn, minimum=1)
    if result is None:
        result = spread(network, sources, trials=trials, seed=seed, n_jobs=n_jobs)
    elif not isinstance(result, SpreadResult):
        raise TypeError(
            f"The 'result' parameter of {fn} must be a SpreadResult or None. Got "
            f"{type(result).__name__}."
        )
    if result.network is not network and not result.network.equals(network):
        raise ValueError(f"The 'result' passed to {fn} was run on another network.")
    result._need_full(fn)
    if measure is None:
        measure = (
            "candidates_reached" if network.is_candidate.any() else "people_reached"
        )
    measures = {"candidates_reached": "candidates_reached", "people_reached": "reached"}
    if measure not in measures:
        raise ValueError(
            f"The 'measure' parameter of {fn} must be one of {sorted(measures)}. "
            f"Got {measure!r} instead."
        )
    column = measures[measure]
    shortlist = top + 10 if shortlist is None else shortlist
    shortlist = check_int(shortlist, "shortlist", function=fn, minimum=1)

    people = result.people()
    people["chain_rank"] = (
        people["chain_credit"].rank(ascending=False, method="first").astype("int64")
    )
    eligible = people[~np.isin(people["id"], result.sources)]
    chosen = eligible.nlargest(min(shortlist, len(eligible)), "chain_credit")

    def run(net):
        return spread(
            net,
            result.network.labels[result.sources],
            trials=result.n_trials,
            max_hops=result.max_hops,
            fanout=result.fanout,
            source_activity=result.source_activity,
            keep_chains=0,
            record="reach",
            seed=result.seed_entropy,
            n_jobs=n_jobs,
        )

    # record="reach" draws exactly as record="full", so the result's own
    # trials are the baseline of the paired counterfactuals
    baseline = result.trials()[column].to_numpy(np.float64)
    base_mean = baseline.mean()
    rows = []
    for person_id in chosen["id"].to_numpy():
        activity = network.activity.copy()
        activity[person_id] = 0.0
        without = run(network.replace(activity=activity))
        difference = baseline - without.trials()[column].to_numpy(np.float64)
        loss, se = _mean_se(difference)
        rows.append((int(person_id), loss, se))
    losses = pd.DataFrame(rows, columns=["id", "counterfactual_loss", "loss_se"])
    table = chosen.merge(losses, on="id")
    table["activity"] = network.activity[table["id"].to_numpy()]
    table["loss_ci_low"] = table["counterfactual_loss"] - _Z95 * table["loss_se"]
    table["loss_ci_high"] = table["counterfactual_loss"] + _Z95 * table["loss_se"]
    table["loss_share"] = (
        table["counterfactual_loss"] / base_mean if base_mean else np.nan
    )
    table = table.sort_values(
        ["counterfactual_loss", "chain_credit"], ascending=False, kind="stable"
    ).head(top)
    table.insert(0, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
    table = table[
        [
            "rank",
            "person",
            "id",
            "chain_credit",
            "chain_share",
            "chain_rank",
            "activity",
            "counterfactual_loss",
            "loss_se",
            "loss_ci_low",
            "loss_ci_high",
            "loss_share",
        ]
    ].reset_index(drop=True)
    table.attrs["measure"] = measure
    table.attrs["baseline_mean"] = float(base_mean)
    return table


# ------------------------------------------------------------------ weak ties
def weak_tie_share(result: SpreadResult | SearchResult) -> pd.DataFrame:
    """How much of the success runs over weak ties.

    For a spread, a successful chain is the chain (parent path) to a
    candidate reached; for a search, a completed chain.

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
        - ``share_se`` (float64): its standard error (delta method over
          trials for a spread's overall and cross-community rows; binomial
          otherwise).

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
        se = np.sqrt(share * (1 - share) / count) if count else np.nan
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
        for hop, chains, via in zip(
            hops["hop"],
            hops["new_candidates_mean"],
            hops["weak_chain_candidates_mean"],
            strict=True,
        ):
            if chains > 0:
                binomial(
                    "by hop", int(hop), float(chains), float(via), per=result.n_trials
                )
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
    return pd.DataFrame(
        rows, columns=["scope", "hop", "chains", "via_weak", "share", "share_se"]
    ).astype({"hop": "int64", "chains": "float64", "via_weak": "float64"})


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
    seed : None, int, SeedSequence or Generator
        One seed for every scenario.
    n_jobs : int, optional
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
            diff, diff_se = _mean_se(values - reference[measure])
            rows.append(
                (
                    name,
                    measure,
                    mean,
                    se,
                    mean - _Z95 * se,
                    mean + _Z95 * se,
                    diff,
                    diff_se,
                    diff - _Z95 * diff_se,
                    diff + _Z95 * diff_se,
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
