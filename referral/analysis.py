"""The "other people" bottleneck: drop-off, its cost, gatekeepers, weak ties,
and side-by-side scenarios.

* :func:`dropoff`: per hop (spread) or step (search), who held the opening or
  chain, who acted, and what was lost to each cause.
* :func:`other_people_cost`: reach as it is, if every intermediary acted, and
  as a function of a multiplier on everyone's activity, with the critical
  activity computed analytically (non-backtracking radius) and by
  simulation.
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
from referral._stats import Z95 as _Z95
from referral._stats import binomial_se, mean_se, paired_difference_se
from referral._stats import ratio_se as _ratio_se
from referral._validation import check_int
from referral.interventions import scale_activity
from referral.network import ReferralNetwork
from referral.search import SearchResult
from referral.spread import SpreadResult, spread
from referral.threshold import nonbacktracking_radius

__all__ = [
    "dropoff",
    "other_people_cost",
    "OtherPeopleCost",
    "gatekeepers",
    "weak_tie_share",
    "compare",
]

_SPREAD_LOSSES = [
    "lost_did_not_act",
    "lost_not_carried",
    "lost_already_reached",
    "lost_hop_limit",
    "lost_fanout",
]


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    # one trial: se 0, as this module has always reported
    return mean_se(values, single=0.0)


# -------------------------------------------------------------------- dropoff
def dropoff(result: SpreadResult | SearchResult) -> pd.DataFrame:
    """Where openings (spread) or chains (search) are lost, hop by hop.

    Parameters
    ----------
    result : SpreadResult or SearchResult
        A spread run with ``record="full"``, or any search run.

    Returns
    -------
    pandas.DataFrame
        For a spread, one row per hop, means per trial:

        - ``hop`` (int64).
        - ``held`` (float64): people who got the opening at this hop.
        - ``acted`` (float64): of them, people who passed it on.
        - ``offered`` (float64): ties of the holders (each a chance to pass
          it on).
        - ``arrived`` (float64): offers that reached someone new.
        - ``lost_did_not_act``, ``lost_not_carried``,
          ``lost_already_reached``, ``lost_hop_limit``, ``lost_fanout``
          (float64): offers lost to each cause; ``offered = arrived + the
          five losses``.
        - ``lost_total`` (float64): their sum.
        - ``did_not_act_share`` (float64): ``lost_did_not_act / lost_total``.

        For a search, one row per step, counts of chains:

        - ``step`` (int64): forwards made so far.
        - ``held`` (int64): chains alive at this step.
        - ``acted`` (int64): holders who forwarded (or tried to: a dead end
          acted but found nobody left).
        - ``completed`` (int64): chains whose holder is a target.
        - ``lost_did_not_act`` (int64): chains dropped by their holder.
        - ``lost_dead_end``, ``lost_step_limit`` (int64).
        - ``lost_total`` (int64) and ``did_not_act_share`` (float64).

        ``attrs["did_not_act_share"]`` holds the share of all losses that are
        "did not act", and ``attrs["kind"]`` is ``"spread"`` or ``"search"``.

    Raises
    ------
    ValueError
        For a spread run with ``record="reach"`` (no loss bookkeeping).
    TypeError
        For anything else.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5,
    ...                     recruiters=[0])
    >>> table = dropoff(spread(net, trials=4000, seed=1))
    >>> table[["hop", "held", "offered", "arrived"]].round(1)
       hop  held  offered  arrived
    0    0   1.0      1.0      1.0
    1    1   1.0      2.0      0.5
    2    2   0.5      0.5      0.0
    >>> round(table.attrs["did_not_act_share"], 1)  # exactly 5/8 in expectation
    0.6
    """
    if isinstance(result, SpreadResult):
        result._need_full("dropoff")
        hops = result.by_hop()
        table = pd.DataFrame({"hop": hops["hop"]})
        for column in ["held", "acted", "offered", "arrived", *_SPREAD_LOSSES]:
            table[column] = hops[f"{column}_mean"]
        losses = _SPREAD_LOSSES
        kind = "spread"
    elif isinstance(result, SearchResult):
        steps = result.by_step()
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
        kind = "search"
    else:
        raise TypeError(
            f"dropoff expects a SpreadResult or a SearchResult. Got "
            f"{type(result).__name__}."
        )
    table["lost_total"] = table[losses].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["did_not_act_share"] = np.where(
            table["lost_total"] > 0,
            table["lost_did_not_act"]
            / table["lost_total"].where(table["lost_total"] > 0, 1),
            np.nan,
        )
    total = float(table["lost_total"].sum())
    table.attrs["did_not_act_share"] = (
        float(table["lost_did_not_act"].sum()) / total if total else np.nan
    )
    table.attrs["kind"] = kind
    return table


# ---------------------------------------------------------- other people cost
@dataclass(frozen=True)
class OtherPeopleCost:
    """Reach as it is, if everyone acted, and along an activity multiplier.

    Attributes
    ----------
    curve : pandas.DataFrame
        One row per multiplier ``m`` (everyone's activity times ``m``, capped
        at 1); columns: ``multiplier``, ``mean_activity``,
        ``people_reached_mean``, ``people_reached_se``,
        ``people_reached_ci_low``, ``people_reached_ci_high``,
        ``candidates_reached_mean``, ``candidates_reached_se``,
        ``reach_share`` (people reached over people in the network) and
        ``branching`` (the simulated onward reaches per reached person,
        measured between hops 1 and 3).
    as_is, everyone_acts : pandas.Series
        The same columns for today's network and for every intermediary
        acting (activity 1).
    critical_multiplier_analytic : float
        ``1 / rho`` with ``rho`` the non-backtracking radius.
    critical_multiplier_simulated : float
        Where the simulated branching crosses 1 (interpolated on the curve;
        NaN if it does not cross within the curve).
    mean_activity : float
        Today's mean activity.
    today : float
        1.0, the multiplier of today's network.
    """

    curve: pd.DataFrame
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
            Rows ``as_is``, ``everyone_acts``, ``critical_analytic``,
            ``critical_simulated``; columns ``multiplier``, ``mean_activity``,
            ``people_reached_mean``, ``people_reached_ci_low``,
            ``people_reached_ci_high``, ``candidates_reached_mean``.
        """
        columns = [
            "multiplier",
            "mean_activity",
            "people_reached_mean",
            "people_reached_ci_low",
            "people_reached_ci_high",
            "candidates_reached_mean",
        ]
        rows = {
            "as_is": self.as_is[columns],
            "everyone_acts": self.everyone_acts[columns],
        }
        for name, m in [
            ("critical_analytic", self.critical_multiplier_analytic),
            ("critical_simulated", self.critical_multiplier_simulated),
        ]:
            row = pd.Series(np.nan, index=columns)
            row["multiplier"] = m
            row["mean_activity"] = m * self.mean_activity
            rows[name] = row
        return pd.DataFrame(rows).T.rename_axis("scenario").reset_index()

    def sentence(self) -> str:
        """Where today's network sits relative to its threshold, in plain words.

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
        m_c = self.critical_multiplier_analytic
        a = self.mean_activity
        gain = self.everyone_acts["people_reached_mean"]
        now = self.as_is["people_reached_mean"]
        cost = (
            f" If every intermediary passed it on, an opening would reach "
            f"{gain:,.0f} people instead of {now:,.0f}."
        )
        if not np.isfinite(m_c):
            return "Openings cannot travel: the network has no ties." + cost
        if m_c < 1:
            return (
                f"Openings take off: people pass referrals on {1 / m_c:.1f} times "
                f"as often as this network needs (critical mean activity "
                f"{m_c * a:.2f}, today {a:.2f}); if everyone acted "
                f"{100 * (1 - m_c):.0f}% less often, openings would die out near "
                f"their source." + cost
            )
        return (
            f"Openings die out near their source: people would have to pass "
            f"referrals on {m_c:.1f} times as often (mean activity {m_c * a:.2f} "
            f"instead of {a:.2f}) for an opening to take off." + cost
        )


def _branching(result: SpreadResult) -> float:
    """Onward reaches per reached person between hops 1 and 3 (means)."""
    held = result.trial_hop.astype(np.float64).mean(axis=0)
    held = np.concatenate([held, np.zeros(4)])
    parents = held[1] + held[2]
    return float((held[2] + held[3]) / parents) if parents > 0 else 0.0


def _curve_row(network, result, multiplier):
    trials = result.trials()
    people_mean, people_se = _mean_se(trials["reached"].to_numpy())
    cand_mean, cand_se = _mean_se(trials["candidates_reached"].to_numpy())
    return {
        "multiplier": float(multiplier),
        "mean_activity": float(network.activity.mean()),
        "people_reached_mean": people_mean,
        "people_reached_se": people_se,
        "people_reached_ci_low": people_mean - _Z95 * people_se,
        "people_reached_ci_high": people_mean + _Z95 * people_se,
        "candidates_reached_mean": cand_mean,
        "candidates_reached_se": cand_se,
        "reach_share": people_mean / network.n_people,
        "branching": _branching(result),
    }


def _crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First x where y crosses ``level`` upward (linear interpolation)."""
    above = np.flatnonzero(y >= level)
    if len(above) == 0 or above[0] == 0:
        return np.nan
    k = above[0]
    x0, x1, y0, y1 = x[k - 1], x[k], y[k - 1], y[k]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0)) if y1 != y0 else float(x1)


def other_people_cost(
    network: ReferralNetwork,
    sources=None,
    *,
    multipliers=None,
    trials: int = 200,
    max_hops: int | None = None,
    seed=None,
    n_jobs: int | None = None,
) -> OtherPeopleCost:
    """How much reach the people in between cost, and how close the threshold is.

    Parameters
    ----------
    network : ReferralNetwork
    sources : label or iterable of labels, optional
        Who posts the opening; default the recruiters.
    multipliers : array_like of float >= 0, optional
        Factors on everyone's activity (capped at 1). Default: 10 points from
        a quarter to two and a half times the analytic critical multiplier,
        plus 1 (today).
    trials : int, default 200
        Trials per point; all points share the seed (common random numbers).
    max_hops : int, optional
    seed : None, int, SeedSequence or Generator
    n_jobs : int, optional

    Returns
    -------
    OtherPeopleCost

    Raises
    ------
    ValueError
        If a multiplier is negative or not finite.

    Notes
    -----
    The analytic critical multiplier is ``1 / rho`` where ``rho`` is the
    spectral radius of the activity-and-transmission-weighted
    non-backtracking matrix (:func:`referral.threshold.nonbacktracking_radius`;
    Karrer, Newman & Zdeborová 2014). The simulated one is where the measured
    onward reaches per reached person (between hops 1 and 3) cross 1. They
    agree on locally tree-like networks; short loops and activity capped at 1
    move the simulated value.

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
    entropy = resolve_entropy(seed, function="other_people_cost")
    trials = check_int(trials, "trials", function="other_people_cost", minimum=1)
    rho = nonbacktracking_radius(network)
    m_c = np.inf if rho == 0 else 1.0 / rho
    if multipliers is None:
        base = m_c if np.isfinite(m_c) else 1.0
        multipliers = np.unique(
            np.round(np.concatenate([base * np.linspace(0.25, 2.5, 9), [1.0]]), 6)
        )
    try:
        multipliers = np.asarray(multipliers, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(
            f"The 'multipliers' parameter of other_people_cost must be a sequence "
            f"of floats >= 0. Got {multipliers!r} instead."
        ) from None
    if len(multipliers) == 0:
        raise ValueError(
            "The 'multipliers' parameter of other_people_cost must hold at least "
            "one value. Got an empty sequence."
        )
    bad = ~np.isfinite(multipliers) | (multipliers < 0)
    if bad.any():
        raise ValueError(
            f"The 'multipliers' parameter of other_people_cost must hold floats "
            f">= 0. Got {float(multipliers[bad][0])!r}."
        )

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
    for m in np.sort(multipliers):
        scaled = scale_activity(network, m, warn=False)
        rows.append(_curve_row(scaled, run(scaled), m))
        if m == 1.0:
            as_is = pd.Series(rows[-1])
    curve = pd.DataFrame(rows)
    if as_is is None:
        as_is = pd.Series(_curve_row(network, run(network), 1.0))
    everyone = network.replace(activity=np.ones(network.n_people))
    everyone_row = pd.Series(_curve_row(everyone, run(everyone), np.nan))
    simulated = _crossing(
        curve["multiplier"].to_numpy(), curve["branching"].to_numpy(), 1.0
    )
    return OtherPeopleCost(
        curve=curve,
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
        - ``share_se`` (float64): its standard error. Spread: the delta
          method over trials (a ratio of per-trial sums); for ``by hop``
          rows its variance comes from the trials whose chains were kept
          (``keep_chains``; binomial if fewer than two of them reached a
          candidate at that hop). Search: binomial over chains.

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
                spread_ = np.std(x - share * y, ddof=1)
                se = spread_ / np.sqrt(result.n_trials) / chains
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
    return pd.DataFrame(
        rows, columns=["scope", "hop", "chains", "via_weak", "share", "share_se"]
    ).astype({"hop": "int64", "chains": "float64", "via_weak": "float64"})


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
            diff, diff_se = paired_difference_se(
                values, reference[measure], single=0.0
            )
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
