"""Whom to ask: the reach of every possible poster, and the best k to ask.

:func:`reach_of_everyone` estimates, for every person at once, how many
targets (candidates, or a pool) an opening would reach if that person posted
it alone. :func:`ambassadors` picks the ``k`` people to ask by IMM (Tang, Shi
& Xiao 2015) and checks the choice by a forward :func:`referral.spread`.

Both rest on reverse-reachable (RR) samples (Borgs et al. 2014) of the
spread model: one sample draws every person's act coin and every tie's carry
coin (a *world*) and a target uniformly at random (the *root*); its set is
everyone who, posting alone, would reach the root in that world. A poster
acts surely, so only the intermediaries need to act. Then, for any group
``S`` of posters,

    expected targets reached by ``S`` = n_targets * P(S meets the RR set),

exactly, and the share of samples met by ``S`` estimates it without bias.
See ``referral._engine.rr_kernel`` for the draws.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from referral._core.names import display_names
from referral._core.parallel import (
    new_cancel_flag,
    resolve_n_jobs,
    run_blocks,
)
from referral._core.params import Interval, validate_params
from referral._core.renamed import with_old_names
from referral._core.rng import base_key, resolve_entropy
from referral._core.stats import ambassadors_intervals
from referral._engine.rr_kernel import (
    greedy_cover,
    rr_count_block,
    rr_rank_block,
)
from referral._engine.rr_timed import timed_count_block, timed_rank_block
from referral._engine.rr_world import hub_order, world_count_block
from referral.analysis._representation import group_codes
from referral.network._referral_network import ReferralNetwork
from referral.simulate.delays import as_days, check_delay
from referral.whom_to_ask._balanced import (
    balance_score,
    balanced_cover,
    check_balance,
    improve_by_swaps,
    rr_roots,
    shortfall,
)
from referral.whom_to_ask._imm import imm_sample_sizes, measure_prefixes, spread_check
from referral.whom_to_ask._rr_samples import SetStore, blocks, draw_sets, engine_args
from referral.whom_to_ask._targets import eligible_mask, target_mask
from referral.wording._who_to_ask import guarantee_sentence, who_to_ask_sentences

__all__ = [
    "reach_of_everyone",
    "ambassadors",
    "guarantee_sentence",
    "who_to_ask_sentences",
]

# spawn keys of the independent sample streams of one run
_PHASE_EVERYONE = 0
_PHASE_SAMPLING = 1
_PHASE_SELECTION = 2
_PHASE_EVALUATION = 3
_PHASE_SPREAD = 4

_NO_RANK = np.iinfo(np.int32).max

#: samples drawn first to measure their size, so that the memory cap
#: (``max_members``) holds from the first round on
_PILOT = 200


def _timing(delay, deadline, network, fn, per_world=1):
    """The timed samples' :class:`~referral._engine.timed_kernel.DelayRun`,
    or ``None`` without a deadline (who is reached does not depend on the
    delays then); a clear error for a deadline without a delay, a delay per
    tie, or ``per_world > 1``."""
    delay = check_delay(delay, function=fn)
    if deadline is None:
        return delay, None, None
    deadline = as_days(deadline, parameter="deadline", function=fn, positive=True)
    if delay is None:
        raise ValueError(
            f"The 'deadline' parameter of {fn} needs a 'delay': without one "
            f"the opening has no clock. Pass delay=referral.delays.constant(1) "
            f"to count each hop as a day. Got deadline={deadline!r} and "
            f"delay=None instead."
        )
    if delay.per != "person":
        raise ValueError(
            f"The 'delay' parameter of {fn} with a deadline must draw one "
            f"delay per person (per='person'); got {delay!r} instead."
        )
    if per_world != 1:
        raise ValueError(
            f"The 'per_world' parameter of {fn} must be 1 with a deadline "
            f"(shared worlds are not drawn with delays); got "
            f"per_world={per_world!r} and deadline={deadline!r} instead."
        )
    from referral.simulate._timed_spread import delay_run

    return delay, deadline, delay_run(delay, deadline, network, function=fn)


# ------------------------------------------------------------ reach_of_everyone
@validate_params(
    {
        "network": ["network"],
        "samples": [Interval(int, 1, None)],
        "per_world": [Interval(int, 1, None)],
        "level": [Interval(float, 0, 1, closed="neither")],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
    }
)
def reach_of_everyone(
    network: ReferralNetwork,
    *,
    targets=None,
    samples: int = 100_000,
    per_world: int = 1,
    level: float = 0.95,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
    delay=None,
    deadline=None,
) -> pd.DataFrame:
    """Estimate how many targets every person would reach by posting alone.

    One run of reverse-reachable samples answers for every person at once:
    each sample picks a target at random and a random world of the spread
    model (who acts, which ties carry), and collects everyone who, posting
    alone, would reach that target in that world. A person's reach is the
    number of targets times the share of samples that collect them.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    targets : None, mapping, bool mask or iterable of labels, optional
        Whom the opening is for. ``None`` (default): the network's
        candidates. A mapping ``{attribute: value}`` selects the people whose
        attribute equals ``value`` (or is in it, if ``value`` is a list), e.g.
        ``{"community": 3}``; several keys must all hold. A boolean sequence
        of length ``n_people`` is a mask over ids. Anything else is an
        iterable of person labels (or one label).
    samples : int, default 100000
        Number of reverse-reachable samples (rounded up to a whole number of
        worlds).
    per_world : int, default 1
        Samples (random targets) drawn in each random world. ``1`` gives
        independent samples. Larger values share one world, and its giant
        part, between many targets: far cheaper per sample where an opening
        can spread widely, at the price of correlated samples (see Notes).
    level : float, default 0.95
        Level of the ``reach_ci_low``/``reach_ci_high`` interval.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. Draws
        are counter-based (a pure function of the seed, the sample, and the
        person or tie), so two runs with the same seed on networks that differ
        in a few people share the draws of everyone else (common random
        numbers).
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number.
    delay : referral.simulate.delays.Delay, float or str, optional
        How long each person takes to pass the opening on, as in
        :func:`referral.spread` (one delay per person). Only used with
        ``deadline``: without one, delays change when targets hear, not
        whether.
    deadline : float or str, optional
        Count only the targets reached by this many days (or a string with
        a unit, ``"2 weeks"``) after posting. Needs ``delay`` and
        ``per_world=1``. Default ``None``: no deadline.

    Returns
    -------
    pandas.DataFrame
        One row per person, in id order. Columns:

        - ``person`` (label dtype): the person's label.
        - ``id`` (int32): the person's id.
        - ``degree`` (int64): contacts the person can tell.
        - ``activity`` (float64): the person's activity (it does not enter
          their own reach as a poster; it enters everyone else's).
        - ``target`` (bool): whether the person is a target (a target who
          posts counts as reached).
        - ``reach_estimate`` (float64): expected number of targets reached if the
          person posted alone (acting surely).
        - ``reach_se`` (float64): its standard error; 0 only where the
          reach is exact (a person who is no target and has no one to
          tell: 0; the only target: 1); where the samples show no spread
          otherwise (no world, or every world, holds the person) it is the
          half-width of the interval over ``z``, not 0.
        - ``reach_ci_low``, ``reach_ci_high`` (float64): the interval at
          ``level`` (see Notes).
        - ``level`` (float64): its level.
        - ``reach_share`` (float64): ``reach_estimate / n_targets``, the
          share of the targets (its interval is ``reach_ci_low`` and
          ``reach_ci_high`` over ``n_targets``).
        - ``n_targets`` (int64): number of targets.
        - ``samples`` (int64): number of reverse-reachable samples.
        - ``worlds`` (int64): number of independent worlds they came from.
        - ``holding_worlds`` (int64): worlds in which at least one sample
          holds the person (with ``per_world=1``, the samples that do).

        The old name ``reach`` still reads ``reach_estimate`` for one
        release, with a :class:`FutureWarning`.

    Raises
    ------
    networkx.NodeNotFound
        If ``targets`` names people not in the network.
    ValueError
        If ``targets`` selects nobody (or is ``None`` and the network has no
        candidates), names an unknown attribute, or for ``samples < 1`` or
        ``per_world < 1``; for a ``deadline`` that is not a positive
        duration, or is given without ``delay``, with a delay per tie or
        with ``per_world > 1``.
    TypeError
        For arguments of the wrong type.

    See Also
    --------
    ambassadors : The best ``k`` people to ask together.
    referral.spread : The forward simulation of one choice of posters.

    Notes
    -----
    With ``T`` targets, ``W`` worlds and ``B = per_world`` samples in each
    (``N = W B``), if person ``u`` is in ``c_w`` of world ``w``'s samples,
    ``reach = T * sum(c_w) / N``. It is unbiased because for a target ``v``
    drawn uniformly and one world, ``u`` is in the sample exactly when ``u``
    posting alone reaches ``v``, so ``T * P(u in sample)`` is the expected
    number of targets ``u`` reaches (Borgs et al. 2014); sharing a world
    between samples does not change that probability. Worlds are
    independent, so ``reach_se = T / B * sqrt(s2 / W)`` with ``s2`` the
    sample variance of ``c_w`` over worlds (for ``B = 1`` this is the
    binomial standard error times ``sqrt(W / (W - 1))``). It is 0 for a
    person in no sample. With ``B > 1`` the standard error rests on ``W``
    worlds, so keep ``W`` in the hundreds at least: a person who reaches
    the widely-spreading part of the network only in rare worlds has a
    standard error that is itself uncertain. Such a person gets an exact
    interval instead of the normal one: with ``m`` of the ``W`` worlds
    holding them (``m < 10``), the share ``q`` of worlds that hold them has
    the Clopper-Pearson interval ``[q_lo, q_hi]``, and since a world that
    holds them holds them in at least one of its ``B`` samples and at most
    all, ``reach / T`` lies in ``[q_lo / B, q_hi]``. With ``m = 0`` this is
    the rule of three: up to about ``3 T / W``, never a certain 0. The same
    bound applies at the top when every world holds the person in every
    sample. Otherwise the interval is ``reach +/- z reach_se``, clipped to
    ``[0, T]``.

    The cost of independent samples is their total size, about ``N`` times
    the mean number of people who could reach a random target. Where
    openings can spread widely, many samples share one giant part; with
    ``B > 1`` each world finds the part once (everyone who reaches a
    well-connected acting hub, and everyone the hub reaches) and each sample
    adds only the few people outside it, so a world costs about one pass
    over the ties plus ``B`` small searches. Samples of one world are
    positively correlated, so per sample they carry less information; they
    pay where the giant part dominates (well-connected people gain most).
    See ``referral._engine.rr_world``.

    With ``deadline``, each sample's world also draws every person's delay
    (the draws :func:`referral.spread` makes with the same ``delay``) and
    the sample keeps only the people who would reach its target by the
    deadline, a poster passing the opening on after their own delay like
    everyone else. ``reach_estimate`` is then the expected number of targets reached
    by the deadline.

    References
    ----------
    .. [1] C. Borgs, M. Brautbar, J. Chayes and B. Lucier, "Maximizing social
       influence in nearly optimal time", SODA 2014.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.network import from_networkx
    >>> net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0,
    ...                     candidates=[3])
    >>> reach_of_everyone(net, samples=100, seed=1)[["person", "reach_estimate"]]
       person  reach_estimate
    0       0             1.0
    1       1             1.0
    2       2             1.0
    3       3             1.0
    """
    fn = "reach_of_everyone"
    samples, per_world = int(samples), int(per_world)
    _, deadline, timing = _timing(delay, deadline, network, fn, per_world)
    mask = target_mask(network, targets, fn)
    entropy = resolve_entropy(seed, function=fn)
    workers = resolve_n_jobs(n_jobs, function=fn)
    target_ids = np.flatnonzero(mask).astype(np.int32)
    worlds = -(-samples // per_world)
    sum_c, sum_c2, holding = _count_everyone(
        network, target_ids, entropy, worlds, per_world, timing, workers, progress
    )
    n_targets = len(target_ids)
    p, se = _share_and_se(sum_c, sum_c2, worlds, per_world, n_targets)
    # exact reaches, estimated exactly: no one to tell and no target (0, in
    # no sample); the only target (1: the root of every sample)
    exact = ((network.degree == 0) & ~mask) | (mask & (n_targets == 1))
    exact_value = mask.astype(np.float64)
    low, high, se = _reach_interval(
        p, se, holding, sum_c, worlds, per_world, n_targets, exact, exact_value, level
    )
    return _everyone_table(
        network, mask, p, se, low, high, level, n_targets, worlds, per_world, holding
    )


def _count_everyone(
    network, target_ids, entropy, worlds, per_world, timing, workers, progress
):
    """Per person, the samples holding them, its square summed per world, and
    the worlds holding them, counted over ``worlds`` worlds."""
    fn = "reach_of_everyone"
    n = network.n_people
    key = base_key(entropy, _PHASE_EVERYONE)
    args = engine_args(network, target_ids)
    hubs = hub_order(args.t_indptr) if per_world > 1 else np.zeros(0, dtype=np.int32)
    cancel = new_cancel_flag()

    def work(start, stop):
        sum_c = np.zeros(n, dtype=np.int64)
        if timing is not None:
            timed_count_block(args, timing, key, start, stop, sum_c, cancel)
            return sum_c, sum_c, sum_c
        if per_world == 1:  # independent samples: no world is drawn whole
            rr_count_block(args, key, start, stop, sum_c, cancel)
            return sum_c, sum_c, sum_c
        sum_c2 = np.zeros(n, dtype=np.int64)
        holding = np.zeros(n, dtype=np.int64)
        world_count_block(
            args, hubs, per_world, key, start, stop, sum_c, sum_c2, holding, cancel
        )
        return sum_c, sum_c2, holding

    outputs = run_blocks(
        work,
        blocks(worlds, workers, progress),
        workers,
        cancel=cancel,
        progress=progress,
        description=fn,
    )
    sum_c = np.sum([out[0] for out in outputs], axis=0, dtype=np.float64)
    sum_c2 = np.sum([out[1] for out in outputs], axis=0, dtype=np.float64)
    holding = np.sum([out[2] for out in outputs], axis=0, dtype=np.int64)
    return sum_c, sum_c2, holding


def _share_and_se(sum_c, sum_c2, worlds, per_world, n_targets):
    """Each person's share of samples held and the standard error of their
    reach, across worlds (``nan`` with one world)."""
    n = len(sum_c)
    total = worlds * per_world
    p = sum_c / total
    if worlds > 1:
        s2 = np.maximum(sum_c2 - sum_c**2 / worlds, 0.0) / (worlds - 1)
        se = n_targets / per_world * np.sqrt(s2 / worlds)
    else:
        se = np.full(n, np.nan)
    return p, se


def _everyone_table(
    network, mask, p, se, low, high, level, n_targets, worlds, per_world, holding
):
    """The table :func:`reach_of_everyone` returns, one row per person."""
    n = network.n_people
    total = worlds * per_world
    table = pd.DataFrame(
        {
            "person": network.labels,
            "id": np.arange(n, dtype=np.int32),
            "degree": network.degree.astype(np.int64),
            "activity": network.activity,
            "target": mask,
            "reach_estimate": n_targets * p,
            "reach_se": se,
            "reach_ci_low": low,
            "reach_ci_high": high,
            "level": np.full(n, level),
            "reach_share": p,
            "n_targets": np.full(n, n_targets, dtype=np.int64),
            "samples": np.full(n, total, dtype=np.int64),
            "worlds": np.full(n, worlds, dtype=np.int64),
            "holding_worlds": holding,
        }
    )
    return with_old_names(table, "reach_of_everyone")


#: fewer worlds than this holding a person: their interval is exact, not normal
_RARE_WORLDS = 10


def _reach_interval(
    p, se, holding, sum_c, worlds, per_world, n_targets, exact, exact_value, level
):
    """Each person's interval of reach (see :func:`reach_of_everyone`'s
    Notes), and a standard error that is 0 only for an exact reach."""
    from scipy.stats import beta

    from referral._core.stats import z_for

    z = z_for(level, function="reach_of_everyone")
    alpha = 1.0 - level
    T, W, B = float(n_targets), worlds, per_world
    low = np.clip(T * p - z * np.nan_to_num(se), 0.0, T)
    high = np.clip(T * p + z * np.nan_to_num(se), 0.0, T)
    m = holding.astype(np.float64)
    with np.errstate(invalid="ignore"):
        q_lo = np.where(m > 0, beta.ppf(alpha / 2, m, W - m + 1), 0.0)
        q_hi = np.where(m < W, beta.ppf(1 - alpha / 2, m + 1, W - m), 1.0)
    rare = m < _RARE_WORLDS
    low = np.where(rare, T * q_lo / B, low)
    high = np.where(rare, T * q_hi, high)
    # every sample of every world holds the person: nothing seen below T
    full = sum_c >= W * B
    if W > 1 or B == 1:
        bound = T * (1.0 - (alpha / 2) ** (1.0 / W))
        low = np.where(full, T - bound, low)
        high = np.where(full, T, high)
    low = np.where(exact, exact_value, low)
    high = np.where(exact, exact_value, high)
    flat = ~exact & ~(np.nan_to_num(se) > 0)
    se = np.where(flat, (high - low) / (2 * z), se)
    se = np.where(exact, 0.0, se)
    return low, high, se


# ------------------------------------------------------------------ ambassadors
@validate_params(
    {
        "network": ["network"],
        "candidates_only": ["boolean"],
        "ask_recruiters": ["boolean"],
        "in_addition": ["boolean"],
        "epsilon": [Interval(float, 0, 1, closed="neither")],
        "delta": [Interval(float, 0, 1, closed="neither"), None],
        "check_trials": [Interval(int, 0, None)],
        "check_samples": [Interval(int, 1, None), None],
        "max_samples": [Interval(int, 1, None)],
        "max_members": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
        "level": [Interval(float, 0, 1, closed="neither")],
    }
)
def ambassadors(
    network: ReferralNetwork,
    k: int,
    *,
    targets=None,
    exclude=None,
    candidates_only: bool = False,
    ask_recruiters: bool = False,
    in_addition: bool = False,
    epsilon: float = 0.1,
    delta: float | None = None,
    check_trials: int = 1000,
    check_samples: int | None = None,
    max_samples: int = 20_000_000,
    max_members: int = 500_000_000,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
    by: str | None = None,
    balance: float | None = None,
    level: float = 0.95,
    delay=None,
    deadline=None,
) -> pd.DataFrame:
    """Choose the ``k`` people to ask to share an opening, to reach most targets.

    The choice is IMM's (Tang, Shi & Xiao 2015): reverse-reachable samples in
    a number set by martingale bounds, and greedy maximum coverage over them.
    With probability at least ``1 - delta`` the ``k`` people chosen reach, in
    expectation, at least ``1 - 1/e - epsilon`` (about 53% for ``epsilon =
    0.1``) of what the best ``k`` people could. In practice the greedy choice
    is usually at or near the best.

    The table then measures the choice without the selection's optimism, on
    fresh samples, against the same number of highest-degree people, and by a
    forward :func:`referral.spread` with common random numbers.

    Parameters
    ----------
    network : ReferralNetwork
    k : int
        How many people to ask, from 1 to the number of eligible people.
    targets : None, mapping, boolean mask or iterable of labels, optional
        Whom the opening is for, as in :func:`reach_of_everyone` (default: the
        candidates).
    exclude : label or iterable of labels, optional
        People who must not be asked (the recruiters are left out already,
        see ``ask_recruiters``). They still pass the opening on if reached.
    candidates_only : bool, default False
        Ask candidates only.
    ask_recruiters : bool, default False
        Whether the network's recruiters may be asked. By default they are
        not: they post the opening already, so recommending them adds
        nothing. They still pass the opening on if reached.
    in_addition : bool, default False
        Choose and measure the people who add most **in addition to what
        is already posted**: the recruiters post the opening too, and
        ``reach_estimate``, ``gain_estimate``, ``degree_reach_estimate``,
        ``difference_estimate`` and the forward check count only the targets
        reached beyond the recruiters' own reach (``posted_reach_estimate``).
        The recruiters are then never asked.
    epsilon : float, default 0.1
        The approximation slack, in (0, 1).
    delta : float, optional
        The failure probability of the guarantee, in (0, 1). Default:
        ``1 / n_people``.
    check_trials : int, default 1000
        Trials of each forward :func:`referral.spread` check (one per prefix of
        the pick order and per prefix of the highest-degree list). ``0`` skips
        the check (its columns are then NaN).
    check_samples : int, optional
        Fresh reverse-reachable samples that measure the chosen people and
        the highest-degree people (``reach_estimate``, ``gain_estimate``,
        ``degree_reach_estimate``, ``difference_estimate`` and their standard
        errors and intervals). Default: as many as the
        selection used, at most 200,000.
    max_samples : int, default 20000000
        A cap on reverse-reachable samples per phase. If IMM asks for more,
        the cap is used and ``guarantee_ratio`` is NaN (no guarantee).
    max_members : int, default 500000000
        A cap on the people held in one phase's samples, which bounds memory:
        about ``8 * max_members`` bytes (4 GB by default) at the peak, the
        samples and their inverted index. Phase 1 first draws 200 samples
        to measure their mean size (these alone may exceed a very small
        cap) and then draws no more than ``max_members`` divided by it;
        phase 2's sample count is cut the same way. If that binds,
        ``guarantee_ratio`` is NaN. Where openings spread to most of a large
        network, one sample can hold most of it, so the cap binds early. If
        memory runs out all the same, the ``MemoryError`` says how far the
        run got.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. One bar per phase.
    by : str, optional
        With ``balance``: the person attribute whose groups are kept in
        balance (missing values form the group ``"unknown"``).
    balance : float in (0, 1], optional
        Keep every group's share of the targets reached at least
        ``balance`` times its share of the targets (1: every group reached
        in proportion). The pick is then a greedy that puts this first on
        the same samples (see Notes); the ``1 - 1/e - epsilon`` guarantee
        does not survive it (``guarantee_ratio`` is NaN and
        ``no_guarantee_because`` says ``"balance"``).
    level : float, default 0.95
        Confidence level of the table's intervals (the ``_ci_low`` and
        ``_ci_high`` columns, which :func:`who_to_ask_sentences` and
        :func:`referral.plot.plot_ambassadors` print), strictly between 0
        and 1. It changes no estimate or standard error; the ``level``
        column records it.
    delay : referral.simulate.delays.Delay, float or str, optional
        How long each person takes to pass the opening on, as in
        :func:`referral.spread` (one delay per person). Only used with
        ``deadline``: without one, delays change when targets hear, not
        whether, so the choice is the same.
    deadline : float or str, optional
        Choose the people who reach most targets **by this many days** after
        posting (or a string with a unit, ``"2 weeks"``): time-critical
        influence maximisation (Chen, Lu & Zhang 2012). Needs ``delay``. The
        guarantee holds as without a deadline (see Notes), and every figure
        of the table, the forward check included (``spread(...,
        delay=delay, deadline=deadline)``), counts targets reached by the
        deadline. Default ``None``: no deadline.

    Returns
    -------
    pandas.DataFrame
        One row per person asked, in pick order. Columns:

        - ``rank`` (int64): pick order, from 1.
        - ``person`` (label dtype), ``id`` (int32): who.
        - ``name`` (object), only when the network has a ``display_name``
          or ``name`` attribute: the person's display name, used by the
          sentences instead of the label (and ``degree_person_name`` for
          ``degree_person``).
        - ``degree`` (int64): contacts the person can tell.
        - ``activity`` (float64): the person's activity.
        - ``target`` (bool): the person is a target (a target who posts
          counts as reached).
        - ``gain_estimate`` (float64): expected targets this person adds to
          the people ranked before them (on fresh samples).
        - ``gain_se`` (float64): its standard error; ``gain_ci_low``,
          ``gain_ci_high`` (float64): its interval at ``level`` (normal,
          clipped to ``[0, n_targets]``).
        - ``reach_estimate`` (float64): expected targets reached when the
          people of rank ``<= rank`` all post (on fresh samples).
        - ``reach_se``, ``reach_ci_low``, ``reach_ci_high`` (float64): its
          standard error and interval (normal, clipped to ``[0,
          n_targets]``; where the samples show no spread at 0 or at
          ``n_targets``, the rule of three's bound on what ``check_samples``
          samples could miss, see Notes).
        - ``degree_person`` (label dtype): the eligible person of the same
          rank by degree (most contacts first, ties to the lowest id).
        - ``degree_person_degree`` (int64): that person's degree.
        - ``degree_tied`` (int64): eligible people with that same degree
          (when it exceeds the number of them in the top ``rank``, the
          lowest ids among equals made the cut).
        - ``degree_reach_estimate``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): expected targets reached by the ``rank`` highest-degree
          eligible people (same fresh samples), with the interval of
          ``reach_estimate``.
        - ``difference_estimate``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): ``reach_estimate - degree_reach_estimate``, its paired
          standard error and interval (normal; where no sample tells the
          two groups apart, the rule of three's bound).
        - ``spread_reach_estimate``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): the forward check: targets reached per trial by
          :func:`referral.spread` from the people of rank ``<= rank``, mean,
          standard error and interval (normal, clipped to ``[0,
          n_targets]``; where every trial reached the same number, the rule
          of three's bound over ``check_trials`` trials); NaN without
          trials.
        - ``degree_spread_reach_estimate``, ``_se``, ``_ci_low``,
          ``_ci_high`` (float64): the same for the highest-degree people,
          with the same trials (common random numbers).
        - ``n_targets`` (int64): number of targets.
        - ``n_eligible`` (int64): number of people who could be asked.
        - ``recruiters_left_out`` (int64): recruiters not asked because they
          post already (0 with ``ask_recruiters=True``).
        - ``in_addition`` (bool): whether the figures are in addition to
          the recruiters' own posting.
        - ``posted_reach_estimate``, ``_se``, ``_ci_low``, ``_ci_high``
          (float64): with ``in_addition``, the targets the recruiters reach
          by posting alone (on the measurement samples), with its normal
          interval clipped to ``[0, n_targets]``; NaN otherwise.
        - ``n_people`` (int64): number of people in the network.
        - ``samples`` (int64): reverse-reachable samples of the selection.
        - ``check_samples`` (int64): fresh samples of the measurement.
        - ``check_trials`` (int64): trials of each forward check (0: none).
        - ``epsilon``, ``delta`` (float64): the parameters.
        - ``guarantee_ratio`` (float64): ``1 - 1/e - epsilon``: the share of
          the best possible reach of ``k`` people that the chosen ``k`` are
          guaranteed to reach (NaN if ``max_samples`` or ``max_members``
          cut the run short).
        - ``guarantee_probability`` (float64): ``1 - delta``, the probability
          with which the guarantee holds.
        - ``level`` (float64): the confidence level of the intervals.
        - ``no_guarantee_because`` (object): empty when the guarantee holds;
          otherwise what stopped it: ``"max_samples"`` or ``"max_members"``
          (a cap cut the run short), or ``"no lower bound"`` (no eligible
          person is a target and the samples found no lower bound on the
          best reach).

        With ``deadline``, one more column: ``deadline`` (float64), in days.

        With ``balance``, two more columns: ``balance`` (float64), the
        ratio asked for, and ``balanced`` (bool), whether the people of rank
        ``<= rank`` meet it on the selection samples (the last row speaks
        for the whole choice).

        :func:`referral.wording.guarantee_sentence` says the last two in words.

        Every interval is computed by one function (the library's private
        ``_core.stats.ambassadors_intervals``), the one the sentences and the
        plot read them from. The old names of the
        estimates (``gain``, ``reach``, ``degree_reach``, ``difference``,
        ``spread_reach``, ``degree_spread_reach``, ``posted_reach``) and of
        two standard errors (``spread_se``, ``degree_spread_se``) still read
        these columns for one release, with a :class:`FutureWarning`.

    Raises
    ------
    networkx.NodeNotFound
        If ``targets`` or ``exclude`` name people not in the network.
    MemoryError
        If memory runs out drawing samples despite ``max_members``; the
        message says how far the run got.
    KeyError
        If ``by`` is not a person attribute.
    ValueError
        For ``balance`` outside (0, 1] or without ``by`` (or ``by`` without
        ``balance``), ``k`` outside [1, number of eligible people], an empty
        target set, ``epsilon`` or ``delta`` outside (0, 1), ``check_trials < 0``,
        ``check_samples < 1`` or
        ``max_samples < 1`` or ``max_members < 1``; for a ``deadline`` that
        is not a positive duration, or is given without ``delay`` or with a
        delay per tie.
    TypeError
        For arguments of the wrong type.

    See Also
    --------
    reach_of_everyone : Every person's reach when posting alone.
    referral.gatekeepers : The opposite question, who blocks.

    Notes
    -----
    A group ``S`` reaches ``n_targets * P(S meets an RR set)`` targets in
    expectation, so choosing ``S`` is a maximum coverage problem over
    samples. IMM first finds a lower bound ``LB`` on the best reach by
    doubling the number of samples until greedy coverage clears a threshold,
    then draws ``ceil(lambda_star / LB)`` fresh samples and picks greedily
    (fresh samples for the final pick, as Chen (2018) showed is needed for
    the martingale argument). ``delta`` is split evenly between the two
    phases. The reach of the chosen people is then measured on a third,
    independent set of ``check_samples`` samples, because the coverage of
    the samples the choice was made on is optimistic.

    ``reach_estimate`` counts targets as :func:`referral.spread` counts candidates:
    a poster who is a target counts as reached.

    With ``deadline``, each sample's world also draws every person's delay
    (the draws :func:`referral.spread` makes with the same ``delay``) and
    its set keeps only the people who would reach its target by the
    deadline: a poster passes the opening on after their own delay, as
    every person told does, and a target is reached when the first message
    arrives no later than the deadline. A group still reaches ``n_targets *
    P(S meets the set)`` targets by the deadline, a coverage function, so
    the objective stays monotone and submodular and IMM's ``1 - 1/e -
    epsilon`` guarantee carries over unchanged (Chen, Lu & Zhang 2012).

    With ``balance``, each sample belongs to its root's group and the pick
    at each step is, among the people who keep every group's share of the
    covered samples at least ``balance`` times its share of the targets, the
    one who covers most new samples; if nobody does, the one who leaves the
    worst-off group least short; then picks are swapped for better people
    while that keeps the balance and covers more (from this start and from
    the plain greedy's, keeping the better). What survives of the guarantee:
    a choice marked
    ``balanced`` meets the ratio on the selection samples exactly, and its
    reach is measured on fresh samples as usual; no approximation ratio
    against the best balanced choice is claimed. Check the groups'
    reach forward with :func:`referral.analysis.representation` on
    ``spread(network, sources=table["person"])`` (which leaves the posters
    out).

    References
    ----------
    .. [1] Y. Tang, Y. Shi and X. Xiao, "Influence maximization in
       near-linear time: a martingale approach", SIGMOD 2015.
    .. [2] W. Chen, "An issue in the martingale analysis of the influence
       maximization algorithm IMM", CSoNet 2018.
    .. [3] W. Chen, W. Lu and N. Zhang, "Time-critical influence
       maximization in social networks with time-delayed diffusion
       process", AAAI 2012.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.network import from_networkx
    >>> G = nx.star_graph(5)  # 0 is the hub
    >>> net = from_networkx(G, strength=1.0, activity=1.0,
    ...                     candidates=range(1, 6))
    >>> table = ambassadors(net, 1, check_trials=10, seed=1)
    >>> table[["rank", "person", "reach_estimate", "spread_reach_estimate"]]
       rank  person  reach_estimate  spread_reach_estimate
    0     1       0             5.0                    5.0
    """
    fn = "ambassadors"
    delay, deadline, timing = _timing(delay, deadline, network, fn)
    balance = check_balance(balance, by, fn)
    mask = target_mask(network, targets, fn)
    group_code = None
    if balance is not None:
        group_code, _ = group_codes(network, by, function=fn)
    eligible, posters, left_out, k = _who_can_be_asked(
        network, k, exclude, candidates_only, ask_recruiters, in_addition, fn
    )
    run = _Run(network, mask, eligible, posters, k, fn)
    run.epsilon = float(epsilon)
    if delta is None:
        run.delta = 1.0 / network.n_people if network.n_people > 1 else 0.5
    else:
        run.delta = float(delta)
    run.check_trials, run.max_samples = int(check_trials), int(max_samples)
    run.max_members = int(max_members)
    run.check_samples = None if check_samples is None else int(check_samples)
    run.entropy = resolve_entropy(seed, function=fn)
    run.workers = resolve_n_jobs(n_jobs, function=fn)
    run.progress, run.timing, run.in_addition = progress, timing, in_addition
    run.left_out, run.level, run.deadline = left_out, level, deadline
    run.balance = balance
    eps1, lambda1, lambda2 = imm_sample_sizes(
        run.n_targets, run.n_eligible, k, run.epsilon, run.delta
    )
    lower, mean_size = _lower_bound(run, eps1, lambda1)
    theta, picks, balanced = _select(
        run, lambda2, lower, mean_size, group_code, balance
    )
    by_degree = _highest_degree(network, eligible, k)
    measured, table, posted = _measure(run, picks, by_degree, theta)
    spread_columns = _forward_check(run, picks, by_degree, delay, deadline)
    return _ambassadors_table(
        run, picks, by_degree, theta, measured, table, posted, spread_columns, balanced
    )


def _who_can_be_asked(
    network, k, exclude, candidates_only, ask_recruiters, in_addition, fn
):
    """The people who may be asked, the recruiters posting anyway, how many
    recruiters were left out, and ``k`` checked against who may be asked."""
    eligible = eligible_mask(network, exclude, candidates_only)
    recruiters = np.asarray(network.is_recruiter, dtype=bool)
    if in_addition and not recruiters.any():
        raise ValueError(
            f"{fn} with in_addition=True needs recruiters (the people already "
            f"posting); the network has none."
        )
    ask_recruiters = ask_recruiters and not in_addition
    left_out = 0 if ask_recruiters else int((eligible & recruiters).sum())
    if not ask_recruiters:
        eligible &= ~recruiters
    posters = np.flatnonzero(recruiters) if in_addition else np.empty(0, np.int64)
    n_eligible = int(eligible.sum())
    if n_eligible == 0:
        why = "every person is excluded" if exclude is not None else ""
        if left_out:
            why = (
                "everyone who could be asked is a recruiter, and recruiters "
                "are not asked by default (pass ask_recruiters=True)"
            )
        if candidates_only and not np.asarray(network.is_candidate).any():
            why = "candidates_only=True and the network has no candidates"
        elif candidates_only:
            why = "candidates_only=True and every candidate is excluded"
        raise ValueError(f"{fn} has nobody to ask: {why}.")
    rule = (
        f"The 'k' parameter of {fn} must be an int in the range [1, "
        f"{n_eligible}] ({n_eligible} people can be asked). Got {k!r} instead."
    )
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(rule)
    k = int(k)
    if not 1 <= k <= n_eligible:
        raise ValueError(rule)
    return eligible, posters, left_out, k


class _Run:
    """One ambassadors run: its inputs (settings are set by :func:`ambassadors`),
    its sample drawing and indexing, and the reasons its guarantee lapsed."""

    def __init__(self, network, mask, eligible, posters, k, fn):
        self.network, self.mask, self.eligible = network, mask, eligible
        self.posters, self.k, self.fn = posters, k, fn
        self.n_eligible = int(eligible.sum())
        self.target_ids = np.flatnonzero(mask).astype(np.int32)
        self.n_targets = len(self.target_ids)
        self.cancel = new_cancel_flag()
        self.eligible_u8 = eligible.astype(np.bool_)
        # the samples keep the people who could be asked and, with in_addition,
        # the posters, so the samples they cover can be set aside
        self.stored_u8 = self.eligible_u8.copy()
        self.stored_u8[posters] = True
        self.why_no_guarantee = []  # "max_samples", "max_members", "no lower bound"

    def cap(self, reason):
        """Record why no guarantee is claimed; ``True``, the run is capped."""
        if reason not in self.why_no_guarantee:
            self.why_no_guarantee.append(reason)
        return True

    @property
    def capped(self):
        """Whether any cap lapsed the guarantee."""
        return bool(self.why_no_guarantee)

    def draw(self, store, key, stop, what):
        """Samples ``store.count .. stop - 1`` into ``store``; running out of
        memory is said in the run's terms."""
        fn, max_members, epsilon = self.fn, self.max_members, self.epsilon
        try:
            store.extend(
                draw_sets(
                    self.network,
                    self.target_ids,
                    self.stored_u8,
                    key,
                    store.count,
                    stop,
                    self.workers,
                    self.progress,
                    f"{fn} ({what})",
                    self.cancel,
                    self.timing,
                )
            )
        except MemoryError:
            raise MemoryError(
                f"{fn} ran out of memory drawing {stop:,} reverse-reachable "
                f"samples ({what}); {store.count:,} samples holding "
                f"{store.members:,} people were drawn before. Lower "
                f"max_members (now {max_members:,}) or raise epsilon (now "
                f"{epsilon})."
            ) from None

    def invert(self, store, what):
        """The person-to-samples index, where memory peaks."""
        fn, max_members, epsilon = self.fn, self.max_members, self.epsilon
        try:
            return store.invert(self.network.n_people)
        except MemoryError:
            raise MemoryError(
                f"{fn} ran out of memory indexing {store.count:,} "
                f"reverse-reachable samples holding {store.members:,} people "
                f"({what}). Lower max_members (now {max_members:,}) or raise "
                f"epsilon (now {epsilon})."
            ) from None


def _lower_bound(run, eps1, lambda1):
    """Phase 1: a lower bound on the best reach, and the samples' mean size."""
    entropy, max_samples, mask, in_addition = (
        run.entropy,
        run.max_samples,
        run.mask,
        run.in_addition,
    )
    n_targets, k, posters = run.n_targets, run.k, run.posters
    eligible, eligible_u8, max_members = run.eligible, run.eligible_u8, run.max_members
    draw, invert, cap = run.draw, run.invert, run.cap
    capped = False
    store = SetStore()
    key1 = base_key(entropy, _PHASE_SAMPLING)
    lower = None
    estimate = 0.0
    rounds = max(1, math.ceil(math.log2(n_targets)) - 1) if n_targets > 1 else 1
    for i in range(1, rounds + 1):
        x = n_targets / 2.0**i
        wanted = math.ceil(lambda1 / x)
        if wanted > max_samples:
            wanted, capped = max_samples, cap("max_samples")
        if store.count == 0 and wanted > _PILOT:
            # a pilot measures the samples' size before the memory cap is
            # applied (the same draws as the first samples of the round)
            draw(store, key1, _PILOT, f"bound {i}")
        if store.members > 0 and wanted > store.count:
            room = math.floor(store.count * max_members / store.members)
            if wanted > room:
                wanted, capped = max(room, store.count), cap("max_members")
        if wanted > store.count:
            draw(store, key1, wanted, f"bound {i}")
        person_ptr, person_sets = _beyond(invert(store, f"bound {i}"), posters)
        _, gains = greedy_cover(person_ptr, person_sets, store.count, eligible_u8, k)
        del person_ptr, person_sets
        estimate = n_targets * gains.sum() / store.count
        if estimate >= (1.0 + eps1) * x:
            lower = estimate / (1.0 + eps1)
            break
        if capped:
            break
    if lower is None:
        if (mask & eligible).any() and not in_addition:
            lower = 1.0  # an eligible target posting alone reaches itself
        else:
            lower = max(estimate / (1.0 + eps1), 1.0 / n_targets)
            cap("no lower bound")  # no guarantee claimed
    mean_size = store.members / store.count
    del store
    return lower, mean_size


def _select(run, lambda2, lower, mean_size, group_code, balance):
    """Phase 2: fresh samples, greedy pick; the sample count, the picks and,
    with ``balance``, whether each prefix of them is balanced."""
    k, posters, eligible_u8, target_ids = (
        run.k,
        run.posters,
        run.eligible_u8,
        run.target_ids,
    )
    max_members, draw, invert, cap = run.max_members, run.draw, run.invert, run.cap
    entropy, max_samples = run.entropy, run.max_samples
    balanced = None
    theta = math.ceil(lambda2 / lower)
    if theta > max_samples:
        theta, _ = max_samples, cap("max_samples")
    if mean_size > 0 and theta > max_members / mean_size:
        theta, _ = (
            max(1, math.floor(max_members / mean_size)),
            cap("max_members"),
        )
    key2 = base_key(entropy, _PHASE_SELECTION)
    store = SetStore()
    draw(store, key2, theta, "selection")
    person_ptr, person_sets = _beyond(invert(store, "selection"), posters)
    del store  # the inverted index is all the greedy needs
    if balance is None:
        picks, _ = greedy_cover(person_ptr, person_sets, theta, eligible_u8, k)
    else:
        picks, balanced = _balanced_picks(
            person_ptr,
            person_sets,
            group_code,
            target_ids,
            key2,
            theta,
            eligible_u8,
            k,
            balance,
        )
        cap("balance")
    del person_ptr, person_sets
    return theta, picks, balanced


def _highest_degree(network, eligible, k):
    """The same number of highest-degree eligible people, for contrast."""
    order = np.lexsort((np.arange(network.n_people), -network.degree))
    return order[eligible[order]][:k].astype(np.int32)


def _measure(run, picks, by_degree, theta):
    """Phase 3: fresh samples measure both lists without selection bias; the
    number of samples, the prefix table and the recruiters' own reach."""
    network, k, posters, n_targets = run.network, run.k, run.posters, run.n_targets
    timing, cancel, workers, progress = (
        run.timing,
        run.cancel,
        run.workers,
        run.progress,
    )
    fn, entropy, check_samples, in_addition = (
        run.fn,
        run.entropy,
        run.check_samples,
        run.in_addition,
    )
    rank_a = np.full(network.n_people, _NO_RANK, dtype=np.int32)
    rank_a[picks] = np.arange(1, k + 1, dtype=np.int32)
    rank_b = np.full(network.n_people, _NO_RANK, dtype=np.int32)
    rank_b[by_degree] = np.arange(1, k + 1, dtype=np.int32)
    # with in_addition, a sample the recruiters cover counts for neither list
    rank_a[posters] = 0
    rank_b[posters] = 0
    key3 = base_key(entropy, _PHASE_EVALUATION)
    measured = check_samples if check_samples is not None else min(theta, 200_000)
    first_a = np.empty(measured, dtype=np.int32)
    first_b = np.empty(measured, dtype=np.int32)
    args = engine_args(network, run.target_ids)

    def work(start, stop):
        if timing is not None:
            return timed_rank_block(
                args,
                timing,
                rank_a,
                rank_b,
                key3,
                start,
                stop,
                first_a,
                first_b,
                cancel,
            )
        return rr_rank_block(
            args, rank_a, rank_b, key3, start, stop, first_a, first_b, cancel
        )

    run_blocks(
        work,
        blocks(measured, workers, progress),
        workers,
        cancel=cancel,
        progress=progress,
        description=f"{fn} (measure)",
    )
    table = measure_prefixes(first_a, first_b, k, n_targets)
    posted_reach = posted_se = np.nan
    if in_addition:
        share = float(np.count_nonzero(first_a == 0)) / measured
        posted_reach = n_targets * share
        posted_se = n_targets * math.sqrt(share * (1.0 - share) / measured)
    return measured, table, (posted_reach, posted_se)


def _forward_check(run, picks, by_degree, delay, deadline):
    """The forward :func:`referral.spread` check of both lists' columns."""
    entropy, mask, check_trials, in_addition = (
        run.entropy,
        run.mask,
        run.check_trials,
        run.in_addition,
    )
    network, posters, workers, timing = (
        run.network,
        run.posters,
        run.workers,
        run.timing,
    )
    spread_seed = np.random.SeedSequence(entropy, spawn_key=(_PHASE_SPREAD,))
    timed = {} if timing is None else {"delay": delay, "deadline": deadline}
    if in_addition:
        spread_columns = _spread_beyond(
            network,
            mask,
            posters,
            picks,
            by_degree,
            check_trials,
            spread_seed,
            workers,
            **timed,
        )
    else:
        spread_columns = spread_check(
            network, mask, picks, by_degree, check_trials, spread_seed, workers, **timed
        )
    return spread_columns


def _measure_columns(columns, measure):
    """A measure's estimate and standard error, and placeholders for its
    interval (filled by ``_core.stats.ambassadors_intervals``),
    in table order."""
    estimate, se = columns[f"{measure}_estimate"], columns[f"{measure}_se"]
    return {
        f"{measure}_estimate": estimate,
        f"{measure}_se": se,
        f"{measure}_ci_low": np.full(len(estimate), np.nan),
        f"{measure}_ci_high": np.full(len(estimate), np.nan),
    }


def _ambassadors_table(
    run, picks, by_degree, theta, measured, table, posted, spread_columns, balanced
):
    """The table :func:`ambassadors` returns, one row per pick."""
    network, eligible, k, n_targets = run.network, run.eligible, run.k, run.n_targets
    n_eligible, epsilon, timing = run.n_eligible, run.epsilon, run.timing
    capped, why_no_guarantee = run.capped, run.why_no_guarantee
    mask, left_out, in_addition, check_trials = (
        run.mask,
        run.left_out,
        run.in_addition,
        run.check_trials,
    )
    delta, level, deadline, balance = run.delta, run.level, run.deadline, run.balance
    posted_reach, posted_se = posted
    labels = network.labels
    degree = network.degree.astype(np.int64)
    eligible_degrees = degree[eligible]
    group_degree = degree[by_degree]
    data = {
        "rank": np.arange(1, k + 1, dtype=np.int64),
        "person": labels[picks],
        "id": picks,
        "degree": degree[picks],
        "activity": network.activity[picks],
        "target": mask[picks],
        **_measure_columns(table, "gain"),
        **_measure_columns(table, "reach"),
        "degree_person": labels[by_degree],
        "degree_person_degree": group_degree,
        "degree_tied": np.array(
            [np.count_nonzero(eligible_degrees == d) for d in group_degree],
            dtype=np.int64,
        ),
        **_measure_columns(table, "degree_reach"),
        **_measure_columns(table, "difference"),
        **_measure_columns(spread_columns, "spread_reach"),
        **_measure_columns(spread_columns, "degree_spread_reach"),
        "n_targets": np.full(k, n_targets, dtype=np.int64),
        "n_eligible": np.full(k, n_eligible, dtype=np.int64),
        "recruiters_left_out": np.full(k, left_out, dtype=np.int64),
        "in_addition": np.full(k, in_addition, dtype=bool),
        **_measure_columns(
            {
                "posted_reach_estimate": np.full(k, posted_reach),
                "posted_reach_se": np.full(k, posted_se),
            },
            "posted_reach",
        ),
        "n_people": np.full(k, network.n_people, dtype=np.int64),
        "samples": np.full(k, theta, dtype=np.int64),
        "check_samples": np.full(k, measured, dtype=np.int64),
        "check_trials": np.full(k, check_trials, dtype=np.int64),
        "epsilon": np.full(k, epsilon),
        "delta": np.full(k, delta),
        "guarantee_ratio": np.full(
            k, np.nan if capped else 1.0 - 1.0 / math.e - epsilon
        ),
        "guarantee_probability": np.full(k, 1.0 - delta),
        "level": np.full(k, float(level)),
        "no_guarantee_because": np.full(
            k, ", ".join(why_no_guarantee) if capped else "", dtype=object
        ),
    }
    # every interval from the one place the sentences and the plot read
    intervals = ambassadors_intervals(pd.DataFrame(data), level=float(level))
    for name in list(intervals):
        data[name] = intervals[name]
    if timing is not None:
        data["deadline"] = np.full(k, deadline)
    if balance is not None:
        data["balance"] = np.full(k, balance)
        data["balanced"] = balanced
    table = pd.DataFrame(data)
    shown = display_names(network, picks)
    if shown is not None:  # the user's display names, for the sentences
        table.insert(2, "name", shown)
        table["degree_person_name"] = display_names(network, by_degree)
    return with_old_names(table, "ambassadors")


def _balanced_picks(
    person_ptr, person_sets, group_code, target_ids, key, theta, eligible, k, balance
):
    """The balanced greedy of ``whom_to_ask._balanced`` on phase 2's samples,
    and whether each prefix of the picks is balanced on them."""
    target_group = group_code[target_ids]
    n_groups = int(group_code.max()) + 1
    share = np.bincount(target_group, minlength=n_groups) / len(target_ids)
    set_group = target_group[rr_roots(key, 0, theta, len(target_ids))]
    quota = balance * share
    # two starts, each improved by swaps: the balance-first greedy, and the
    # plain greedy (which may need only a swap or two to be balanced)
    first, _ = balanced_cover(person_ptr, person_sets, set_group, quota, eligible, k)
    second, _ = greedy_cover(person_ptr.copy(), person_sets.copy(), theta, eligible, k)
    starts = [
        improve_by_swaps(person_ptr, person_sets, set_group, quota, eligible, p)
        for p in (first, second)
    ]
    picks = max(
        starts,
        key=lambda p: balance_score(person_ptr, person_sets, set_group, quota, p),
    )
    covered = np.zeros(theta, dtype=bool)
    balanced = np.empty(k, dtype=bool)
    for r, u in enumerate(picks):
        covered[person_sets[person_ptr[u] : person_ptr[u + 1]]] = True
        have = np.bincount(set_group[covered], minlength=n_groups)
        balanced[r] = shortfall(have, quota) <= 1e-9
    return picks, balanced


def _beyond(index, posters):
    """The inverted index ``(person_ptr, person_sets)`` without the samples
    any of ``posters`` is in: those targets are reached already, so the
    greedy counts only what the people asked add beyond the posters."""
    person_ptr, person_sets = index
    if len(posters) == 0 or len(person_sets) == 0:
        return person_ptr, person_sets
    n_sets = int(person_sets.max()) + 1
    covered = np.zeros(n_sets, dtype=bool)
    for p in posters:
        covered[person_sets[person_ptr[p] : person_ptr[p + 1]]] = True
    keep = ~covered[person_sets]
    owner = np.repeat(np.arange(len(person_ptr) - 1), np.diff(person_ptr))
    lengths = np.bincount(owner[keep], minlength=len(person_ptr) - 1)
    ptr = np.zeros_like(person_ptr)
    np.cumsum(lengths, out=ptr[1:])
    return ptr, np.ascontiguousarray(person_sets[keep])


def _spread_beyond(
    network, mask, posters, picks, by_degree, trials, seed, workers, **timed
):
    """The forward check with the recruiters posting too: targets reached
    per trial beyond the recruiters posting alone, paired trial by trial."""
    from referral.simulate._spread import spread

    k = len(picks)
    names = (
        "spread_reach_estimate",
        "spread_reach_se",
        "degree_spread_reach_estimate",
        "degree_spread_reach_se",
    )
    columns = {name: np.full(k, np.nan) for name in names}
    if trials == 0:
        return columns
    checked = network
    if not np.array_equal(mask, network.is_candidate):
        checked = network.replace(is_candidate=mask)

    def reached(ids):
        result = spread(
            checked,
            network.labels[ids],
            trials=trials,
            keep_chains=0,
            record="reach",
            seed=seed,
            n_jobs=workers,
            **timed,
        )
        return result.trials()["candidates_reached"].to_numpy(np.float64)

    alone = reached(posters)
    for prefix, mean_name, se_name in (
        (picks, "spread_reach_estimate", "spread_reach_se"),
        (by_degree, "degree_spread_reach_estimate", "degree_spread_reach_se"),
    ):
        for i in range(k):
            extra = reached(np.concatenate([posters, prefix[: i + 1]])) - alone
            columns[mean_name][i] = extra.mean()
            columns[se_name][i] = (
                extra.std(ddof=1) / math.sqrt(len(extra)) if len(extra) > 1 else 0.0
            )
    return columns
