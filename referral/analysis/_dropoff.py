"""Drop-off: where a spread or a search loses people, hop by hop or step by step.

* :func:`dropoff`: per hop (spread), in people: who held the opening, who
  passed it on, whom they newly reached, and the people the non-acting
  intermediaries cost (a paired everyone-acts run); per step (search), the
  chains and what ended them.
* :func:`tie_offers`: the detailed tie-by-tie accounting of a spread.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.stats import (
    normal_interval,
    standard_error,
    z_for,
)
from referral._core.validation import require_columns
from referral.analysis._common import (
    BY_HOP_PEOPLE,
    BY_STEP,
)
from referral.simulate._search import SearchResult
from referral.simulate._spread import SpreadResult, spread
from referral.simulate._spread_result import require_full

__all__ = ["dropoff", "tie_offers", "SPREAD_LOSS_COLUMNS", "SEARCH_LOSS_COLUMNS"]

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


def _spread_funnel(by_hop: pd.DataFrame) -> pd.DataFrame:
    require_columns(by_hop, BY_HOP_PEOPLE, "dropoff needs a by_hop table; it")
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
    require_columns(steps, BY_STEP, "dropoff needs a by_step table; it")
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


def _paired_columns(today: np.ndarray, everyone: np.ndarray, z: float) -> dict:
    """Per hop and cumulative paired differences, means and intervals."""
    hops = max(today.shape[1], everyone.shape[1])

    def pad(a):
        out = np.zeros((a.shape[0], hops))
        out[:, : a.shape[1]] = a
        return out

    today, everyone = pad(today.astype(np.float64)), pad(everyone.astype(np.float64))
    columns = {"everyone_acts_held": everyone.mean(axis=0)}
    # the per-hop cost split into two parts that are never negative: more
    # people at this hop, and fewer because they were reached earlier
    columns["cost_more_at_hop"] = np.maximum(everyone - today, 0.0).mean(axis=0)
    columns["cost_reached_earlier"] = np.maximum(today - everyone, 0.0).mean(axis=0)
    for name, diff in [
        ("cost", everyone - today),
        ("cost_cumulative", np.cumsum(everyone - today, axis=1)),
    ]:
        mean = diff.mean(axis=0)
        se = standard_error(diff, axis=0, single=0.0)
        columns[name] = mean
        columns[f"{name}_se"] = se
        low, high = normal_interval(mean, se, z)
        columns[f"{name}_ci_low"] = low
        columns[f"{name}_ci_high"] = high
    return columns


@validate_params(
    {
        "counterfactual": ["boolean"],
        "n_jobs": ["n_jobs"],
        "level": [Interval(float, 0, 1, closed="neither")],
    }
)
def dropoff(
    result: SpreadResult | SearchResult | pd.DataFrame,
    *,
    counterfactual: bool = True,
    n_jobs: int | None = None,
    level: float = 0.95,
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
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``. They run the counterfactual spread.
    level : float, default 0.95
        Confidence level of the counterfactual's intervals, strictly between
        0 and 1.

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
          error and interval at ``level``. It can be negative at a deep hop: had
          everyone passed it on, some of the people today's openings reach
          at that hop would have been reached at an earlier hop instead.
        - ``cost_more_at_hop``, ``cost_reached_earlier`` (float64): the
          per-hop cost split into two parts that are never negative, ``cost
          = cost_more_at_hop - cost_reached_earlier``: per opening, how many
          more people would hold it at this hop (over the trials where
          everyone passing it on puts more people there), and how many fewer
          because everyone passing it on reaches them at an earlier hop
          (the trials where it puts fewer there).
        - ``cost_cumulative`` and its ``_se``, ``_ci_low``, ``_ci_high``
          (float64): the same summed over hops ``<= hop``: people not yet
          reached by this hop who would have been had everyone passed it
          on; the last row is the total cost per opening. In the default
          model (no ``fanout``) it is never negative, trial by trial: the
          people who act today are a subset of everyone, with the same
          coins.
        - ``level`` (float64): the confidence level of the intervals.

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
    z = z_for(level, function="dropoff")
    if isinstance(result, SpreadResult):
        require_full(result, "dropoff")
        table = _spread_funnel(result.by_hop())
        if counterfactual:
            columns = _paired_columns(
                result.trial_hop, _everyone_acts_run(result, n_jobs).trial_hop, z
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
            table["level"] = float(level)
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
        require_full(result, "tie_offers")
        hops = result.by_hop()
    elif isinstance(result, pd.DataFrame):
        hops = result
    else:
        raise TypeError(
            f"tie_offers expects a SpreadResult or a by_hop table. Got "
            f"{type(result).__name__}."
        )
    names = ["held", "acted", "offered", "arrived", *SPREAD_LOSS_COLUMNS]
    require_columns(
        hops,
        ["hop", *[f"{n}_mean" for n in names]],
        "tie_offers needs a by_hop table; it",
    )
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
