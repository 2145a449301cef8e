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
import threading
import weakref
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from referral._engine.rr_kernel import (
    greedy_cover,
    rr_rank_block,
    rr_sets_block,
    skip_tables,
    transpose_csr,
)
from referral._engine.rr_world import hub_order, world_count_block
from referral._parallel import (
    new_cancel_flag,
    resolve_n_jobs,
    run_blocks,
    trial_blocks,
)
from referral._random import base_key, resolve_entropy
from referral._stats import Z95
from referral._validation import check_int
from referral.network import ReferralNetwork

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


# --------------------------------------------------------------- validation
def _check_network(network, fn):
    if not isinstance(network, ReferralNetwork):
        raise TypeError(
            f"The 'network' parameter of {fn} must be a ReferralNetwork. "
            f"Got {type(network).__name__} instead."
        )


def _check_open_unit(value, name, fn):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The {name!r} parameter of {fn} must be a float in the open "
            f"interval (0, 1). Got {value!r} instead."
        )
    value = float(value)
    if not (0.0 < value < 1.0):
        raise ValueError(
            f"The {name!r} parameter of {fn} must be a float in the open "
            f"interval (0, 1). Got {value!r} instead."
        )
    return value


def _target_mask(network: ReferralNetwork, targets, fn: str) -> np.ndarray:
    """The targets as a boolean mask over ids (see :func:`reach_of_everyone`)."""
    n = network.n_people
    if targets is None:
        mask = np.asarray(network.is_candidate, dtype=bool).copy()
        if not mask.any():
            raise ValueError(
                f"{fn} needs targets: the 'targets' parameter is None and the "
                f"network has no candidates. Pass targets=[...], a boolean mask "
                f"or {{attribute: value}}."
            )
        return mask
    if isinstance(targets, Mapping):
        if len(targets) == 0:
            raise ValueError(
                f"The 'targets' parameter of {fn} must name at least one "
                f"attribute. Got {targets!r} instead."
            )
        mask = np.ones(n, dtype=bool)
        for name, wanted in targets.items():
            if name not in network.attributes:
                raise ValueError(
                    f"The 'targets' parameter of {fn} names the attribute "
                    f"{name!r}, which the network does not have (it has "
                    f"{sorted(network.attributes)})."
                )
            values = pd.Series(network.attributes[name], dtype=object)
            if isinstance(wanted, str) or not isinstance(wanted, Iterable):
                wanted = [wanted]
            mask &= values.isin(list(wanted)).to_numpy()
    elif (
        isinstance(targets, np.ndarray | pd.Series | list | tuple)
        and len(targets) == n
        and n > 0
        and all(isinstance(x, bool | np.bool_) for x in targets)
    ):
        mask = np.asarray(targets, dtype=bool).copy()
    else:
        mask = np.zeros(n, dtype=bool)
        mask[network.ids(targets, parameter="targets")] = True
    if not mask.any():
        raise ValueError(
            f"The 'targets' parameter of {fn} must select at least one person. "
            f"Got {_short(targets)} instead."
        )
    return mask


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- engine glue
_TRANSPOSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TRANSPOSES_LOCK = threading.Lock()


def _transpose(network: ReferralNetwork):
    """The transpose CSR of the network and its skip tables, cached per
    (immutable) network."""
    with _TRANSPOSES_LOCK:
        cached = _TRANSPOSES.get(network)
    if cached is None:
        t_indptr, t_source, t_entry = transpose_csr(
            network.indptr, network.indices, network.n_people
        )
        t_weight, rate, log_q, thin = skip_tables(
            t_indptr, t_entry, network.transmission
        )
        cached = (t_indptr, t_source, t_entry, t_weight, rate, log_q, thin)
        for array in cached:
            array.setflags(write=False)
        with _TRANSPOSES_LOCK:
            _TRANSPOSES[network] = cached
    return cached


def _blocks(samples, workers, progress, start=0):
    n_blocks = workers * 4 if workers > 1 else (16 if progress else 1)
    return [(start + a, start + b) for a, b in trial_blocks(samples, n_blocks)]


def _engine_args(network, target_ids):
    return (*_transpose(network), network.activity, target_ids)


def _draw_sets(
    network,
    target_ids,
    eligible,
    key,
    start,
    stop,
    workers,
    progress,
    description,
    cancel,
):
    """RR samples ``start .. stop - 1`` as CSR ``(set_ptr, members)``."""
    args = _engine_args(network, target_ids)
    blocks = _blocks(stop - start, workers, progress, start=start)

    def work(a, b):
        return rr_sets_block(*args, eligible, key, a, b, cancel)

    outputs = run_blocks(
        work, blocks, workers, cancel=cancel, progress=progress, description=description
    )
    sizes = np.concatenate([out[0] for out in outputs])
    members = np.concatenate([out[1] for out in outputs])
    return sizes, members


class _SetStore:
    """RR sets drawn so far, as growing CSR pieces."""

    def __init__(self):
        self.sizes = []
        self.members = []
        self.count = 0

    def extend(self, sizes, members):
        self.sizes.append(sizes)
        self.members.append(members)
        self.count += len(sizes)

    def csr(self):
        sizes = np.concatenate(self.sizes) if self.sizes else np.zeros(0, np.int64)
        members = (
            np.concatenate(self.members) if self.members else np.zeros(0, np.int32)
        )
        # keep one copy: the pieces are replaced by their concatenation
        self.sizes, self.members = [sizes], [members]
        set_ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=set_ptr[1:])
        return set_ptr, members


# ------------------------------------------------------------ reach_of_everyone
def reach_of_everyone(
    network: ReferralNetwork,
    *,
    targets=None,
    samples: int = 100_000,
    per_world: int = 1,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
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
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The randomness of the run. Draws are counter-based (a pure function
        of the seed, the sample, and the person or tie), so two runs with the
        same seed on networks that differ in a few people share the draws of
        everyone else (common random numbers).
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores). The result is the
        same for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar.

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
        - ``reach`` (float64): expected number of targets reached if the
          person posted alone (acting surely).
        - ``reach_se`` (float64): its standard error.
        - ``reach_share`` (float64): ``reach / n_targets``.
        - ``n_targets`` (int64): number of targets.
        - ``samples`` (int64): number of reverse-reachable samples.
        - ``worlds`` (int64): number of independent worlds they came from.

    Raises
    ------
    networkx.NodeNotFound
        If ``targets`` names people not in the network.
    ValueError
        If ``targets`` selects nobody (or is ``None`` and the network has no
        candidates), names an unknown attribute, or for ``samples < 1`` or
        ``per_world < 1``.
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
    standard error that is itself uncertain.

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
    >>> reach_of_everyone(net, samples=100, seed=1)[["person", "reach"]]
       person  reach
    0       0    1.0
    1       1    1.0
    2       2    1.0
    3       3    1.0
    """
    fn = "reach_of_everyone"
    _check_network(network, fn)
    samples = check_int(samples, "samples", function=fn, minimum=1)
    per_world = check_int(per_world, "per_world", function=fn, minimum=1)
    mask = _target_mask(network, targets, fn)
    entropy = resolve_entropy(seed, function=fn)
    workers = resolve_n_jobs(n_jobs, function=fn)
    target_ids = np.flatnonzero(mask).astype(np.int32)
    n = network.n_people
    key = base_key(entropy, _PHASE_EVERYONE)
    args = _engine_args(network, target_ids)
    hubs = hub_order(args[0]) if per_world > 1 else np.zeros(0, dtype=np.int32)
    worlds = -(-samples // per_world)
    cancel = new_cancel_flag()

    def work(start, stop):
        sum_c = np.zeros(n, dtype=np.int64)
        sum_c2 = np.zeros(n, dtype=np.int64)
        world_count_block(
            *args, hubs, per_world, key, start, stop, sum_c, sum_c2, cancel
        )
        return sum_c, sum_c2

    outputs = run_blocks(
        work,
        _blocks(worlds, workers, progress),
        workers,
        cancel=cancel,
        progress=progress,
        description=fn,
    )
    sum_c = np.sum([out[0] for out in outputs], axis=0, dtype=np.float64)
    sum_c2 = np.sum([out[1] for out in outputs], axis=0, dtype=np.float64)
    n_targets = len(target_ids)
    total = worlds * per_world
    p = sum_c / total
    if worlds > 1:
        s2 = np.maximum(sum_c2 - sum_c**2 / worlds, 0.0) / (worlds - 1)
        se = n_targets / per_world * np.sqrt(s2 / worlds)
    else:
        se = np.full(n, np.nan)
    return pd.DataFrame(
        {
            "person": network.labels,
            "id": np.arange(n, dtype=np.int32),
            "degree": network.degree.astype(np.int64),
            "activity": network.activity,
            "target": mask,
            "reach": n_targets * p,
            "reach_se": se,
            "reach_share": p,
            "n_targets": np.full(n, n_targets, dtype=np.int64),
            "samples": np.full(n, total, dtype=np.int64),
            "worlds": np.full(n, worlds, dtype=np.int64),
        }
    )


# ------------------------------------------------------------------ ambassadors
def _log_binomial(m, k):
    return math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1)


def imm_sample_sizes(n_targets, n_eligible, k, epsilon, delta):
    """IMM's constants: ``(epsilon_prime, lambda_prime, lambda_star)``.

    The failure probability ``delta`` is split evenly between the sampling
    phase (the lower bound on the optimum) and the selection phase.

    Parameters
    ----------
    n_targets : int
        Number of targets (the largest possible reach).
    n_eligible : int
        Number of people who could be asked.
    k : int
        How many people are asked.
    epsilon, delta : float
        IMM's approximation slack and failure probability, in (0, 1).

    Returns
    -------
    tuple of float
        ``sqrt(2) * epsilon``; ``lambda_prime``, the sampling phase's samples
        times the trial lower bound ``x``; and ``lambda_star``, the selection
        phase's samples times the lower bound ``LB`` on the best reach.

    Examples
    --------
    >>> e1, l1, l2 = imm_sample_sizes(1000, 1000, 5, 0.1, 0.001)
    >>> round(e1, 4), l1 > 0, l2 > l1
    (0.1414, True, True)
    """
    log_c = _log_binomial(n_eligible, k)
    log_fail = math.log(2.0 / delta)
    eps1 = math.sqrt(2.0) * epsilon
    rounds = max(1.0, math.log2(n_targets))
    lambda1 = (
        (2.0 + 2.0 / 3.0 * eps1)
        * (log_c + log_fail + math.log(rounds))
        * n_targets
        / eps1**2
    )
    share = 1.0 - 1.0 / math.e
    alpha = math.sqrt(log_fail + math.log(2.0))
    beta = math.sqrt(share * (log_c + log_fail + math.log(2.0)))
    lambda2 = 2.0 * n_targets * (share * alpha + beta) ** 2 / epsilon**2
    return eps1, lambda1, lambda2


def ambassadors(
    network: ReferralNetwork,
    k: int,
    *,
    targets=None,
    exclude=None,
    candidates_only: bool = False,
    epsilon: float = 0.1,
    delta: float | None = None,
    check_trials: int = 1000,
    check_samples: int | None = None,
    max_samples: int = 20_000_000,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
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
        People who must not be asked (e.g. the recruiters themselves). They
        still pass the opening on if reached.
    candidates_only : bool, default False
        Ask candidates only.
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
        the highest-degree people (``reach``, ``gain``, ``degree_reach``,
        ``difference`` and their standard errors). Default: as many as the
        selection used, at most 200,000.
    max_samples : int, default 20000000
        A cap on reverse-reachable samples per phase. If IMM asks for more,
        the cap is used and ``guarantee_ratio`` is NaN (no guarantee).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The randomness of the run.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores). The result is the
        same for any ``n_jobs``.
    progress : bool, default False
        Show ``tqdm`` progress bars.

    Returns
    -------
    pandas.DataFrame
        One row per person asked, in pick order. Columns:

        - ``rank`` (int64): pick order, from 1.
        - ``person`` (label dtype), ``id`` (int32): who.
        - ``degree`` (int64): contacts the person can tell.
        - ``activity`` (float64): the person's activity.
        - ``gain`` (float64): expected targets this person adds to the people
          ranked before them (on fresh samples).
        - ``gain_se`` (float64): its standard error.
        - ``reach`` (float64): expected targets reached when the people of
          rank ``<= rank`` all post (on fresh samples).
        - ``reach_se`` (float64): its standard error.
        - ``degree_person`` (label dtype): the eligible person of the same
          rank by degree (most contacts first, ties to the lowest id).
        - ``degree_reach``, ``degree_reach_se`` (float64): expected targets
          reached by the ``rank`` highest-degree eligible people (same fresh
          samples).
        - ``difference``, ``difference_se`` (float64): ``reach -
          degree_reach`` and its paired standard error.
        - ``spread_reach``, ``spread_se`` (float64): the forward check:
          targets reached per trial by :func:`referral.spread` from the people
          of rank ``<= rank``, mean and standard error.
        - ``degree_spread_reach``, ``degree_spread_se`` (float64): the same
          for the highest-degree people, with the same trials (common random
          numbers).
        - ``n_targets`` (int64): number of targets.
        - ``n_eligible`` (int64): number of people who could be asked.
        - ``samples`` (int64): reverse-reachable samples of the selection.
        - ``check_samples`` (int64): fresh samples of the measurement.
        - ``epsilon``, ``delta`` (float64): the parameters.
        - ``guarantee_ratio`` (float64): ``1 - 1/e - epsilon``: the share of
          the best possible reach of ``k`` people that the chosen ``k`` are
          guaranteed to reach (NaN if ``max_samples`` cut the run short).
        - ``guarantee_probability`` (float64): ``1 - delta``, the probability
          with which the guarantee holds.

        :func:`guarantee_sentence` says what the last two mean in words.

    Raises
    ------
    networkx.NodeNotFound
        If ``targets`` or ``exclude`` name people not in the network.
    ValueError
        For ``k`` outside [1, number of eligible people], an empty target
        set, ``epsilon`` or ``delta`` outside (0, 1), ``check_trials < 0``,
        ``check_samples < 1`` or
        ``max_samples < 1``.
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

    ``reach`` counts targets as :func:`referral.spread` counts candidates:
    a poster who is a target counts as reached.

    References
    ----------
    .. [1] Y. Tang, Y. Shi and X. Xiao, "Influence maximization in
       near-linear time: a martingale approach", SIGMOD 2015.
    .. [2] W. Chen, "An issue in the martingale analysis of the influence
       maximization algorithm IMM", CSoNet 2018.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.network import from_networkx
    >>> G = nx.star_graph(5)  # 0 is the hub
    >>> net = from_networkx(G, strength=1.0, activity=1.0,
    ...                     candidates=range(1, 6))
    >>> table = ambassadors(net, 1, check_trials=10, seed=1)
    >>> table[["rank", "person", "reach", "spread_reach"]]
       rank  person  reach  spread_reach
    0     1       0    5.0           5.0
    """
    fn = "ambassadors"
    _check_network(network, fn)
    mask = _target_mask(network, targets, fn)
    eligible = np.ones(network.n_people, dtype=bool)
    if candidates_only:
        eligible &= np.asarray(network.is_candidate, dtype=bool)
    if exclude is not None:
        eligible[network.ids(exclude, parameter="exclude")] = False
    n_eligible = int(eligible.sum())
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(
            f"The 'k' parameter of {fn} must be an int in the range "
            f"[1, {n_eligible}]. Got {k!r} instead."
        )
    k = int(k)
    if not 1 <= k <= n_eligible:
        raise ValueError(
            f"The 'k' parameter of {fn} must be an int in the range "
            f"[1, {n_eligible}]. Got {k!r} instead."
        )
    epsilon = _check_open_unit(epsilon, "epsilon", fn)
    if delta is None:
        delta = 1.0 / network.n_people if network.n_people > 1 else 0.5
    else:
        delta = _check_open_unit(delta, "delta", fn)
    check_trials = check_int(check_trials, "check_trials", function=fn, minimum=0)
    check_samples = check_int(
        check_samples, "check_samples", function=fn, minimum=1, allow_none=True
    )
    max_samples = check_int(max_samples, "max_samples", function=fn, minimum=1)
    entropy = resolve_entropy(seed, function=fn)
    workers = resolve_n_jobs(n_jobs, function=fn)
    target_ids = np.flatnonzero(mask).astype(np.int32)
    n_targets = len(target_ids)
    cancel = new_cancel_flag()
    eligible_u8 = eligible.astype(np.bool_)

    eps1, lambda1, lambda2 = imm_sample_sizes(n_targets, n_eligible, k, epsilon, delta)
    capped = False

    # phase 1: a lower bound on the best reach
    store = _SetStore()
    key1 = base_key(entropy, _PHASE_SAMPLING)
    lower = None
    estimate = 0.0
    rounds = max(1, math.ceil(math.log2(n_targets)) - 1) if n_targets > 1 else 1
    for i in range(1, rounds + 1):
        x = n_targets / 2.0**i
        wanted = math.ceil(lambda1 / x)
        if wanted > max_samples:
            wanted, capped = max_samples, True
        if wanted > store.count:
            sizes, members = _draw_sets(
                network,
                target_ids,
                eligible_u8,
                key1,
                store.count,
                wanted,
                workers,
                progress,
                f"{fn} (bound {i})",
                cancel,
            )
            store.extend(sizes, members)
        set_ptr, members = store.csr()
        _, gains = greedy_cover(set_ptr, members, eligible_u8, k)
        estimate = n_targets * gains.sum() / store.count
        if estimate >= (1.0 + eps1) * x:
            lower = estimate / (1.0 + eps1)
            break
        if capped:
            break
    if lower is None:
        if (mask & eligible).any():
            lower = 1.0  # an eligible target posting alone reaches itself
        else:
            lower = max(estimate / (1.0 + eps1), 1.0 / n_targets)
            capped = True  # no rigorous lower bound: no guarantee claimed
    del store

    # phase 2: fresh samples, greedy pick
    theta = math.ceil(lambda2 / lower)
    if theta > max_samples:
        theta, capped = max_samples, True
    key2 = base_key(entropy, _PHASE_SELECTION)
    sizes, members = _draw_sets(
        network,
        target_ids,
        eligible_u8,
        key2,
        0,
        theta,
        workers,
        progress,
        f"{fn} (selection)",
        cancel,
    )
    set_ptr = np.zeros(theta + 1, dtype=np.int64)
    np.cumsum(sizes, out=set_ptr[1:])
    picks, _ = greedy_cover(set_ptr, members, eligible_u8, k)
    del sizes, members, set_ptr

    # the same number of highest-degree eligible people, for contrast
    order = np.lexsort((np.arange(network.n_people), -network.degree))
    by_degree = order[eligible[order]][:k].astype(np.int32)

    # phase 3: fresh samples measure both lists without selection bias
    rank_a = np.full(network.n_people, _NO_RANK, dtype=np.int32)
    rank_a[picks] = np.arange(1, k + 1, dtype=np.int32)
    rank_b = np.full(network.n_people, _NO_RANK, dtype=np.int32)
    rank_b[by_degree] = np.arange(1, k + 1, dtype=np.int32)
    key3 = base_key(entropy, _PHASE_EVALUATION)
    measured = check_samples if check_samples is not None else min(theta, 200_000)
    first_a = np.empty(measured, dtype=np.int32)
    first_b = np.empty(measured, dtype=np.int32)
    args = _engine_args(network, target_ids)

    def work(start, stop):
        return rr_rank_block(
            *args, rank_a, rank_b, key3, start, stop, first_a, first_b, cancel
        )

    run_blocks(
        work,
        _blocks(measured, workers, progress),
        workers,
        cancel=cancel,
        progress=progress,
        description=f"{fn} (measure)",
    )
    table = _measure(first_a, first_b, k, n_targets)

    spread_columns = _spread_check(
        network, mask, picks, by_degree, check_trials, entropy, workers
    )

    labels = network.labels
    data = {
        "rank": np.arange(1, k + 1, dtype=np.int64),
        "person": labels[picks],
        "id": picks,
        "degree": network.degree[picks].astype(np.int64),
        "activity": network.activity[picks],
        **{name: table[name] for name in ("gain", "gain_se", "reach", "reach_se")},
        "degree_person": labels[by_degree],
        **{
            name: table[name]
            for name in (
                "degree_reach",
                "degree_reach_se",
                "difference",
                "difference_se",
            )
        },
        **spread_columns,
        "n_targets": np.full(k, n_targets, dtype=np.int64),
        "n_eligible": np.full(k, n_eligible, dtype=np.int64),
        "samples": np.full(k, theta, dtype=np.int64),
        "check_samples": np.full(k, measured, dtype=np.int64),
        "epsilon": np.full(k, epsilon),
        "delta": np.full(k, delta),
        "guarantee_ratio": np.full(
            k, np.nan if capped else 1.0 - 1.0 / math.e - epsilon
        ),
        "guarantee_probability": np.full(k, 1.0 - delta),
    }
    return pd.DataFrame(data)


def _measure(first_a, first_b, k, n_targets):
    """Per prefix ``1 .. k``: reach of both lists, gains and paired difference."""
    theta = len(first_a)
    ranks = np.arange(1, k + 1)
    count_a = np.bincount(np.minimum(first_a, k + 1), minlength=k + 2)[1 : k + 1]
    count_b = np.bincount(np.minimum(first_b, k + 1), minlength=k + 2)[1 : k + 1]
    covered_a = np.cumsum(count_a)
    covered_b = np.cumsum(count_b)
    # samples covered by one list's first i people and not by the other's
    a_only = np.empty(k, dtype=np.int64)
    b_only = np.empty(k, dtype=np.int64)
    both = np.minimum(first_a, first_b)
    count_both = np.bincount(np.minimum(both, k + 1), minlength=k + 2)[1 : k + 1]
    covered_any = np.cumsum(count_both)
    a_only[:] = covered_any - covered_b
    b_only[:] = covered_any - covered_a

    def share_and_se(count):
        p = count / theta
        return n_targets * p, n_targets * np.sqrt(p * (1.0 - p) / theta)

    reach, reach_se = share_and_se(covered_a)
    gain, gain_se = share_and_se(count_a)
    degree_reach, degree_reach_se = share_and_se(covered_b)
    mean_d = (a_only - b_only) / theta
    var_d = np.maximum((a_only + b_only) / theta - mean_d**2, 0.0)
    del ranks
    return {
        "gain": gain,
        "gain_se": gain_se,
        "reach": reach,
        "reach_se": reach_se,
        "degree_reach": degree_reach,
        "degree_reach_se": degree_reach_se,
        "difference": n_targets * mean_d,
        "difference_se": n_targets * np.sqrt(var_d / theta),
    }


def _spread_check(network, mask, picks, by_degree, trials, entropy, workers):
    """Forward ``spread`` from every prefix of both lists, same trials."""
    from referral.spread import spread

    k = len(picks)
    columns = {
        name: np.full(k, np.nan)
        for name in (
            "spread_reach",
            "spread_se",
            "degree_spread_reach",
            "degree_spread_se",
        )
    }
    if trials == 0:
        return columns
    checked = network
    if not np.array_equal(mask, network.is_candidate):
        checked = network.replace(is_candidate=mask)
    seed = np.random.SeedSequence(entropy, spawn_key=(_PHASE_SPREAD,))
    for prefix, mean_name, se_name in (
        (picks, "spread_reach", "spread_se"),
        (by_degree, "degree_spread_reach", "degree_spread_se"),
    ):
        for i in range(k):
            result = spread(
                checked,
                network.labels[prefix[: i + 1]],
                trials=trials,
                keep_chains=0,
                record="reach",
                seed=seed,
                n_jobs=workers,
            )
            row = result.summary().set_index("measure").loc["candidates_reached"]
            columns[mean_name][i] = row["mean"]
            columns[se_name][i] = row["se"]
    return columns


# ------------------------------------------------------------------- sentences
def guarantee_sentence(table: pd.DataFrame) -> str:
    """What the IMM guarantee of an :func:`ambassadors` table means, in words.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`ambassadors` (its ``rank``,
        ``guarantee_ratio``, ``guarantee_probability`` and ``n_targets``
        columns are used).

    Returns
    -------
    str
        The guarantee in words, from the table's last row.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2], "guarantee_ratio": [0.532] * 2,
    ...                       "guarantee_probability": [0.999] * 2,
    ...                       "n_targets": [40, 40]})
    >>> import textwrap
    >>> print(textwrap.fill(guarantee_sentence(table), 70))
    With probability at least 99.9%, these 2 people reach, in expectation,
    at least 53% of the targets that the best possible 2 people would
    reach.
    """
    k = int(table["rank"].max())
    ratio = float(table["guarantee_ratio"].iloc[-1])
    probability = float(table["guarantee_probability"].iloc[-1])
    who = "this person reaches" if k == 1 else f"these {k} people reach"
    best = "best possible person" if k == 1 else f"best possible {k} people"
    if not np.isfinite(ratio):
        return (
            f"No guarantee: the sample cap was reached before IMM's bound was "
            f"met, so {who.split(' reach')[0]} may fall short of the {best}."
        )
    return (
        f"With probability at least {_percent(probability)}, {who}, in "
        f"expectation, at least {ratio:.0%} of the targets that the {best} "
        f"would reach."
    )


def _percent(p):
    """``p`` as a percentage, rounded down (so "at least" stays true), with
    enough decimals to tell it from 100%."""
    gap = round(100.0 * (1.0 - p), 9)
    digits = 0 if gap >= 1 or gap <= 0 else min(4, math.ceil(-math.log10(gap)))
    value = math.floor(100 * p * 10**digits + 1e-9) / 10**digits
    return f"{value:.{digits}f}%"


def who_to_ask_sentences(table: pd.DataFrame) -> list[str]:
    """Plain-language findings of an :func:`ambassadors` table.

    Every number comes from the table's last row (all ``k`` people asked).
    Intervals are 95% normal intervals from the table's standard errors. The
    comparison with the highest-degree people says the evidence does not
    separate the two choices when the paired difference's interval holds 0.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`ambassadors`.

    Returns
    -------
    list of str
        The headline, the comparison with the highest-degree people, the
        forward check (if run) and the guarantee.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.network import from_networkx
    >>> net = from_networkx(nx.star_graph(4), strength=1.0, activity=1.0,
    ...                     candidates=range(1, 5))
    >>> import textwrap
    >>> for line in who_to_ask_sentences(ambassadors(net, 1, seed=1,
    ...                                              check_trials=20)):
    ...     print(textwrap.fill(line, 70))
    Ask 0: expected to reach 4.0 of 4 targets (100%; 95% CI 4.0 to 4.0).
    The highest-degree person (0) is the same person.
    A forward simulation of 0 posting gives 4.0 targets (95% CI 4.0 to 4.0).
    With probability at least 80%, this person reaches, in expectation, at
    least 53% of the targets that the best possible person would reach.
    """
    last = table.iloc[-1]
    k = int(last["rank"])
    n_targets = int(last["n_targets"])
    names = ", ".join(str(x) for x in table["person"])
    degree_names = ", ".join(str(x) for x in table["degree_person"])
    unit = "target" if n_targets == 1 else "targets"

    def interval(value, se, sign=""):
        low, high = value - Z95 * se, value + Z95 * se
        return f"95% CI {low:{sign}.1f} to {high:{sign}.1f}"

    reach, reach_se = float(last["reach"]), float(last["reach_se"])
    lines = [
        f"Ask {names}: expected to reach {reach:.1f} of {n_targets} {unit} "
        f"({reach / n_targets:.0%}; {interval(reach, reach_se)})."
    ]
    group = "The highest-degree person" if k == 1 else f"The {k} highest-degree people"
    if set(table["person"]) == set(table["degree_person"]):
        same = "is the same person" if k == 1 else "are the same people"
        lines.append(f"{group} ({degree_names}) {same}.")
    else:
        diff, se = float(last["difference"]), float(last["difference_se"])
        verb = "reaches" if k == 1 else "reach"
        base = f"{group} ({degree_names}) {verb} {last['degree_reach']:.1f}"
        if abs(diff) <= Z95 * se:
            lines.append(
                f"{base}; the evidence does not separate the two choices "
                f"(difference {diff:+.1f}, {interval(diff, se, '+')})."
            )
        elif diff > 0:
            lines.append(
                f"{base}: {diff:.1f} fewer than the people chosen "
                f"({interval(diff, se)})."
            )
        else:
            lines.append(
                f"{base}: {-diff:.1f} more than the people chosen "
                f"({interval(-diff, se)})."
            )
    if np.isfinite(last["spread_reach"]):
        value, se = float(last["spread_reach"]), float(last["spread_se"])
        lines.append(
            f"A forward simulation of {names} posting gives {value:.1f} "
            f"{unit} ({interval(value, se)})."
        )
    lines.append(guarantee_sentence(table))
    return lines
