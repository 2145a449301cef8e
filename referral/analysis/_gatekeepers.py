"""Gatekeepers: the people whose inaction costs the most reach.

:func:`gatekeepers` ranks people by chain credit and by counterfactual loss
(reach lost when they do not act), with common random numbers, a top group
of the people the data cannot order, and optional racing.
:func:`referral.wording._gatekeepers.gatekeeper_sentence` says it in words.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from referral._core.names import display_names
from referral._core.params import Interval, Options, validate_params
from referral._core.renamed import with_old_names
from referral._core.stats import (
    normal_interval,
    paired_difference_se,
    z_for,
)
from referral._core.validation import user_stacklevel
from referral.analysis._common import (
    trial_mean_se,
)
from referral.network._referral_network import ReferralNetwork
from referral.simulate._spread import SpreadResult, spread
from referral.simulate._spread_result import require_full

__all__ = ["gatekeepers"]

# ----------------------------------------------------------------- gatekeepers
_GATEKEEPER_COLUMNS = {
    "rank": "int64",
    "person": "object",
    "id": "int32",
    "chain_credit": "float64",
    "chain_share": "float64",
    "chain_rank": "int64",
    "activity": "float64",
    "estimate": "float64",
    "se": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
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
    "level": "float64",
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
        "level": [Interval(float, 0, 1, closed="neither")],
        "alpha": [Interval(float, 0, 1, closed="neither"), None],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
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
    level: float = 0.95,
    alpha: float | None = None,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
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
        How many people to return; more when the top group is larger (the
        whole top group is always returned).
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
    level : float, default 0.95
        Confidence level, strictly between 0 and 1: of the loss intervals
        (``ci_low``, ``ci_high``) and of the top group, which
        leaves out a person whose true loss is the largest on the shortlist
        with probability at most ``1 - level`` (racing included).
    alpha : float, optional
        Deprecated: the top group's error rate, ``1 - level``. It still
        works for one release with a :class:`FutureWarning`; use ``level``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. It
        seeds the new spread when ``result`` is None; otherwise the result's
        ``seed_entropy`` is used, so every re-run shares its random numbers.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``. They run every spread.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. One bar per spread
        run.

    Returns
    -------
    pandas.DataFrame
        Up to ``top`` rows, or the whole top group when it is larger, by
        counterfactual loss (largest first):

        - ``rank`` (int64): 1 for the largest loss. Within a tier, ranks are
          an order of the estimates only.
        - ``person`` (label) and ``id`` (int32).
        - ``name`` (object), only when the network has a ``display_name``
          or ``name`` attribute: the display name the sentence uses.
        - ``chain_credit`` (float64): successful chains through the person,
          per trial.
        - ``chain_share`` (float64): the share of successful chains through
          the person.
        - ``chain_rank`` (int64): rank by chain credit.
        - ``activity`` (float64): the person's activity.
        - ``estimate`` (float64): the counterfactual loss, the mean drop
          in reach per trial when the person does not act.
        - ``se``, ``ci_low``, ``ci_high`` (float64): its standard error and
          interval at ``level`` (paired over trials). The old names
          ``counterfactual_loss``, ``loss_se``, ``loss_ci_low`` and
          ``loss_ci_high`` still read these columns for one release, with a
          :class:`FutureWarning`.
        - ``loss_share`` (float64): the loss over today's mean reach over
          the same trials (NaN when nothing is reached).
        - ``trials`` (int64): trials behind the person's loss (more than the
          spread's for contenders when racing).
        - ``tier`` (int64): 1 for the top group, 2 for the top group of
          the rest, and so on.
        - ``in_top_group`` (bool): ``tier == 1``.
        - ``top_group_size`` (int64): people in the top group, over the
          whole shortlist (all of them are rows of the table).
        - ``diff_from_leader`` (float64): rank 1's loss minus this person's,
          paired over the trials both have; 0 for rank 1.
        - ``diff_se`` (float64): its standard error.
        - ``diff_ci_low``, ``diff_ci_high`` (float64): its simultaneous
          interval, ``diff_from_leader -+ c * diff_se`` with the critical
          value ``c`` of the top group test (see Notes): a person whose
          ``diff_ci_low`` is above 0 is out of the top group. Its level:
          the lower bounds of all the people compared hold together with
          probability at least ``1 - alpha`` (one-sided, Bonferroni over the
          ``compared - 1`` differences and the racing rounds); each interval
          on its own covers with probability at least ``1 - 2 * alpha /
          ((compared - 1) * rounds)`` (90% for two people and ``alpha =
          0.05``, more for longer shortlists).
        - ``p_value`` (float64): adjusted p-value of "this person's loss is
          the largest on the shortlist"; ``in_top_group`` is
          ``p_value > alpha`` (rank 1 is always in the top group).
        - ``compared`` (int64): people on the shortlist (all compared).
        - ``alpha`` (float64): the error rate used, ``1 - level``.
        - ``level`` (float64): the confidence level of the loss intervals
          and of the top group.
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
        or ``level`` (or ``alpha``) is not in (0, 1), or ``alpha`` and
        ``level`` disagree.

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
    top = int(top)
    level, alpha = _level_and_alpha(level, alpha)
    z_loss = z_for(level, function=fn)
    result = _spread_to_rank(network, result, sources, trials, seed, n_jobs, progress)
    if measure is None:
        measure = (
            "candidates_reached" if network.is_candidate.any() else "people_reached"
        )
    measures = {"candidates_reached": "candidates_reached", "people_reached": "reached"}
    column = measures[measure]
    shortlist = top + 10 if shortlist is None else int(shortlist)
    start, budget = _trial_budget(result, max_trials)
    chosen = _shortlisted(result, shortlist)
    if chosen is None:
        return with_old_names(_empty_gatekeepers(network, measure), "gatekeepers")
    ids = chosen["id"].to_numpy()
    raced = _race(network, result, ids, column, start, budget, alpha, n_jobs, progress)
    frame, base_means, critical = _loss_frame(ids, alpha, *raced)
    return _gatekeeper_table(
        network,
        chosen,
        frame,
        base_means,
        critical,
        z_loss,
        ids,
        top,
        alpha,
        level,
        measure,
    )


def _spread_to_rank(network, result, sources, trials, seed, n_jobs, progress):
    """The spread whose trials are the baseline: ``result``, checked to be a
    full run on ``network``, or a new one from ``sources``."""
    fn = "gatekeepers"
    if result is None:
        result = spread(
            network,
            sources,
            trials=trials,
            seed=seed,
            n_jobs=n_jobs,
            progress=progress,
        )
    if result.network is not network and not result.network.equals(network):
        raise ValueError(f"The 'result' passed to {fn} was run on another network.")
    require_full(result, fn)
    return result


def _trial_budget(result, max_trials):
    """The trials run first and the most racing may run, checked."""
    fn = "gatekeepers"
    start = result.n_trials
    budget = None if max_trials is None else int(max_trials)
    if budget is None:
        budget = start
    elif budget < start:
        raise ValueError(
            f"The 'max_trials' parameter of {fn} must be an int >= the {start} "
            f"trials of the spread, or None. Got {budget!r} instead."
        )
    return start, budget


def _shortlisted(result, shortlist):
    """The ``shortlist`` non-sources with most chain credit, with their chain
    rank; ``None`` when everyone is a source."""
    people = result.people()
    people["chain_rank"] = (
        people["chain_credit"].rank(ascending=False, method="first").astype("int64")
    )
    eligible = people[~np.isin(people["id"], result.sources)]
    if len(eligible) == 0:
        return None
    return eligible.nlargest(min(shortlist, len(eligible)), "chain_credit")


def _race(network, result, ids, column, start, budget, alpha, n_jobs, progress):
    """Each shortlisted person's paired losses, with trials doubled for the
    top group until it is one person or the budget is spent."""

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
            progress=progress,
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
    return per_person, means, diff, diff_se, tier, p_value, looks, base_means


def _loss_frame(
    ids, alpha, per_person, means, diff, diff_se, tier, p_value, looks, base_means
):
    """Each shortlisted person's loss, tier and difference from the leader,
    today's mean reach by trials run, and the racing-adjusted critical value."""
    stats = [trial_mean_se(values) for values in per_person]
    leader = int(np.argmax(means))
    critical = _normal_quantile(1 - alpha / (max(len(ids) - 1, 1) * looks))
    frame = pd.DataFrame(
        {
            "id": ids,
            "estimate": [s[0] for s in stats],
            "se": [s[1] for s in stats],
            "trials": np.array([len(v) for v in per_person], dtype=np.int64),
            "tier": tier,
            "in_top_group": tier == 1,
            "top_group_size": np.int64((tier == 1).sum()),
            "diff_from_leader": -diff[leader] + 0.0,
            "diff_se": diff_se[leader],
            "p_value": p_value,
        }
    )
    return frame, base_means, critical


def _gatekeeper_table(
    network,
    chosen,
    frame,
    base_means,
    critical,
    z_loss,
    ids,
    top,
    alpha,
    level,
    measure,
):
    """The table :func:`gatekeepers` returns: the first ``top`` rows by loss
    and the whole top group."""
    table = chosen.merge(frame, on="id")
    table["activity"] = network.activity[table["id"].to_numpy()]
    table["ci_low"], table["ci_high"] = normal_interval(
        table["estimate"], table["se"], z_loss
    )
    today = np.array([base_means[n] for n in table["trials"]])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["loss_share"] = np.where(today > 0, table["estimate"] / today, np.nan)
    table["diff_ci_low"] = table["diff_from_leader"] - critical * table["diff_se"]
    table["diff_ci_high"] = table["diff_from_leader"] + critical * table["diff_se"]
    table["compared"] = np.int64(len(ids))
    table["alpha"] = alpha
    table["level"] = level
    table["measure"] = measure
    table = table.sort_values(
        ["estimate", "chain_credit"], ascending=False, kind="stable"
    )
    # the first ``top`` rows, and the whole top group even beyond them, so
    # that a sentence about the group is about rows the table holds
    table = table[(np.arange(len(table)) < top) | table["in_top_group"].to_numpy()]
    table.insert(0, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
    table = table[list(_GATEKEEPER_COLUMNS)].reset_index(drop=True)
    table = table.astype(
        {k: v for k, v in _GATEKEEPER_COLUMNS.items() if k != "person"}
    )
    shown = display_names(network, table["id"].to_numpy())
    if shown is not None:  # the user's display names, for the sentence
        table.insert(2, "name", shown)
    return with_old_names(table, "gatekeepers")


def _level_and_alpha(level, alpha) -> tuple[float, float]:
    """``level`` and the error rate ``1 - level``; ``alpha`` is deprecated.

    The error rate is rounded to 12 decimals so that ``level=0.95`` gives
    ``alpha`` 0.05 exactly, as the deprecated default did.
    """
    level = float(level)
    if alpha is None:
        return level, round(1.0 - level, 12)
    alpha = float(alpha)
    warnings.warn(
        "The 'alpha' parameter of gatekeepers is deprecated and will be "
        f"removed; use level={1.0 - alpha:.12g} (level = 1 - alpha) instead.",
        FutureWarning,
        stacklevel=user_stacklevel(),
    )
    if level != 0.95 and abs(level - (1.0 - alpha)) > 1e-12:
        raise ValueError(
            f"gatekeepers got alpha={alpha!r} and level={level!r}, which disagree "
            f"(level = 1 - alpha); give level only."
        )
    return 1.0 - alpha, alpha


def _normal_quantile(q: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(q))
