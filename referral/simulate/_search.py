"""Search: candidates working their way to a recruiter through their contacts.

A candidate (the *start*) asks a contact, who asks another, until someone on
the chain is a recruiter (a *target*), as in Milgram's letters (Travers &
Milgram 1969) and the e-mail chains of Dodds, Muhamad & Watts (2003). At
every step the holder either acts and forwards to one contact not yet on the
chain, chosen by a *policy*, or does not, and the chain is lost (attrition).
Completed chains look short because long chains die on the way; the result
reports raw lengths and the attrition-corrected distribution.

The simulation runs in a compiled kernel on the network's arrays, chains in
parallel threads, with counter-based random numbers: the results are
identical for any ``n_jobs``, and two networks that differ only in activity
share their random numbers (common random numbers).

This module is the driver; the attrition specifications live in
:mod:`referral.simulate` and the result in :mod:`referral.simulate`,
and both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from referral._core.parallel import (
    new_cancel_flag,
    resolve_n_jobs,
    run_blocks,
    trial_blocks,
)
from referral._core.params import Interval, Options, validate_params
from referral._core.rng import base_key, resolve_entropy
from referral._core.validation import check_memory
from referral._engine import search_kernel as _k
from referral.network._referral_network import ReferralNetwork
from referral.simulate import _search_result as search_result
from referral.simulate._attrition import PerChain, PerPerson, PerStep
from referral.simulate._search_inputs import (
    describe_distance,
    resolve_attrition,
    resolve_distance,
)
from referral.simulate._search_result import SearchResult
from referral.simulate.delays import check_delay

__all__ = [
    "search",
    "SearchResult",
    "PerPerson",
    "PerStep",
    "PerChain",
    "POLICIES",
    "OUTCOMES",
]

POLICIES = ("random", "greedy", "strongest", "weak-first")
"""The built-in search policies (a callable is also accepted)."""

OUTCOMES = search_result.OUTCOMES
"""How a chain can end, in the order of the ``outcome`` categories."""


_POLICY_CODES = {
    "random": _k.POLICY_RANDOM,
    "greedy": _k.POLICY_GREEDY,
    "strongest": _k.POLICY_STRONGEST,
    "weak-first": _k.POLICY_WEAK_FIRST,
}
_FN = "search"


# --------------------------------------------------------------------- search
def _resolve_policy(policy):
    if callable(policy) and not isinstance(policy, str):
        return -1, policy, getattr(policy, "__name__", "callable")
    if isinstance(policy, str) and policy in _POLICY_CODES:
        return _POLICY_CODES[policy], None, policy
    raise ValueError(
        f"The 'policy' parameter of {_FN} must be one of {list(POLICIES)} or a "
        f"callable f(holder, contacts, network) -> contact. Got {policy!r} "
        "instead."
    )


def _people_ids(network, people, name, default):
    if people is None:
        ids = default
    else:
        # the network's one exact, vectorised label path (no dtype coercion)
        ids = network.ids(people, parameter=name)
    if len(ids) == 0:
        what = "recruiters" if name == "targets" else "candidates"
        hint = (
            f" (the default, the network's {what}, is empty)" if people is None else ""
        )
        raise ValueError(
            f"The {name!r} parameter of {_FN} must name at least one person{hint}."
        )
    return np.asarray(ids, dtype=np.int32)


@validate_params(
    {
        "network": ["network"],
        "policy": [Options(POLICIES), callable],
        "max_steps": [Interval(int, 1, None)],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "keep_paths": [Interval(int, 0, None)],
        "progress": ["boolean"],
    }
)
def search(
    network: ReferralNetwork,
    starts: Iterable | None = None,
    targets: Iterable | None = None,
    *,
    policy: str | Callable = "greedy",
    distance="graph",
    attrition="person",
    max_steps: int = 100,
    trials: int = 1,
    seed=None,
    n_jobs: int | None = None,
    keep_paths: int = 100,
    progress: bool = False,
    delay=None,
) -> SearchResult:
    """Simulate candidates searching for a recruiter through chains of contacts.

    Each chain starts with one holder. At each step, unless the holder is a
    target (the chain is then *completed*), the holder forwards with
    probability ``p`` (set by ``attrition``), or the chain is *dropped*. A
    holder who forwards passes the chain to one contact not yet on it,
    chosen by ``policy``; with no such contact the chain is a *dead end*.
    After ``max_steps`` forwards without reaching a target it ends at the
    *step limit*.

    Parameters
    ----------
    network : ReferralNetwork
    starts : iterable of people, optional
        Who starts chains (default: the candidates). Repeats are allowed and
        run repeated chains.
    targets : iterable of people, optional
        Who ends a chain when reached (default: the recruiters).
    policy : {"greedy", "random", "strongest", "weak-first"} or callable
        How a holder picks the next holder among contacts not yet on the
        chain; ties are broken uniformly at random.

        - ``"random"``: any of them.
        - ``"greedy"``: the contact with the smallest ``distance`` to the
          nearest target.
        - ``"strongest"``: the contact through the strongest tie.
        - ``"weak-first"``: a contact through a weak tie if there is any,
          otherwise any contact; within that set the smallest ``distance``
          (uniformly at random if ``distance=None``).
        - a callable ``f(holder, contacts, network) -> contact``: ``holder``
          is a label, ``contacts`` the list of labels not yet on the chain
          (never empty), and it must return one of them. It runs in Python,
          one chain after another (``n_jobs`` is ignored): the slow path.
    distance : "graph", str, tuple of str, array_like or None, default "graph"
        The distance to the nearest target that greedy routing minimises:

        - ``"graph"``: the true hop distance, from one multi-source
          breadth-first search from the targets (on reversed ties if the
          network is directed). Real senders do not know it: it is the
          optimistic bound.
        - an attribute name, e.g. ``"community"``: a social distance, 0 for
          people who share a value with some target, 1 otherwise (the name
          ``"graph"`` is reserved for the hop distance).
        - a tuple of attribute names, e.g. ``("x", "y")``: the L1 distance
          in those coordinates to the nearest target (Kleinberg's lattice).
        - an array with one non-negative value per person (by id).
        - ``None``: no distance (not allowed with ``"greedy"``).
    attrition : "person", float, PerPerson, PerStep or PerChain
        Who drops chains:

        - ``"person"`` / :class:`PerPerson` (default): each holder forwards
          with its own ``activity``.
        - a float ``r`` / :class:`PerStep`: every holder forwards with
          probability ``1 - r``.
        - :class:`PerChain`: one rate drawn per chain, shared along it.
    max_steps : int >= 1, default 100
        Forwards after which an incomplete chain ends at the step limit.
    trials : int >= 1, default 1
        Chains per start: ``len(starts) * trials`` chains in all, chain
        ``c`` starting at ``starts[c // trials]``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. Kept
        as ``result.seed_entropy``.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``. They run the compiled kernel.
    keep_paths : int >= 0, default 100
        How many chains (the first ones) keep their full path for
        :meth:`SearchResult.paths`.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number.
    delay : referral.simulate.delays.Delay, float or str, optional
        How long each holder takes to pass the chain on (a family from
        :mod:`referral.delays`, or a number of days or a string with a unit
        for a constant delay). Each forwarding holder takes one delay,
        drawn per holder and chain from the delays' own random stream (with
        ``per="tie"``, the delay of the tie used). It adds a ``duration``
        column to :meth:`SearchResult.chains` and duration measures of the
        completed chains to :meth:`SearchResult.summary`; the chains
        themselves are the same as without a delay. Default ``None``: no
        durations.

    Returns
    -------
    SearchResult

    Raises
    ------
    networkx.NodeNotFound
        If ``starts`` or ``targets`` name people not in the network.
    ValueError
        For an empty set of starts or targets, an unknown policy (the message
        lists the valid ones), a distance attribute missing on some people
        (named), bad attrition values, ``max_steps < 1`` or ``trials < 1``,
        or a delay with impossible parameters.
    TypeError
        For a ``delay`` that is not a delay, a number or a string.

    Notes
    -----
    A start that is itself a target completes with length 0. ``length`` is
    the number of forwards (ties traversed); Milgram's count of
    intermediaries is ``max(length - 1, 0)``.

    Random numbers are counter-based: chain ``c`` uses the key
    ``trial_key(base_key(entropy), c)``; holder ``h`` forwards at step ``s``
    iff ``uniform(key_c, STREAM_ACT, h, s) < p``; policy tie-breaks use
    ``STREAM_CHOICE``, per-chain rates ``STREAM_CHAIN`` and delays
    ``STREAM_DELAY`` (a holder's delay is the one :func:`referral.spread`
    draws for that person in trial ``c``). Results are
    identical for any ``n_jobs``, and runs with the same seed on networks
    that differ only in activity use common random numbers.

    References
    ----------
    Travers & Milgram (1969), Sociometry 32(4). Dodds, Muhamad & Watts
    (2003), Science 301. Kleinberg (2000), Nature 406. Goel, Muhamad & Watts
    (2009), EC '09.

    Examples
    --------
    >>> import networkx as nx, referral
    >>> net = referral.from_networkx(nx.path_graph(5), strength=1.0,
    ...                              activity=0.5)
    >>> res = search(net, starts=[0], targets=[4], trials=1000, seed=1)
    >>> int((res.chains()["outcome"] == "completed").sum())  # about 1000 / 2**4
    65
    """
    code, user_policy, policy_name = _resolve_policy(policy)
    max_steps, trials, keep_paths = int(max_steps), int(trials), int(keep_paths)
    spec = resolve_attrition(attrition)
    delay = check_delay(delay, function=_FN)
    start_ids = _people_ids(network, starts, "starts", network.candidates)
    target_ids = _people_ids(network, targets, "targets", network.recruiters)
    _check_search_memory(start_ids, trials, keep_paths, max_steps)
    if code == _k.POLICY_GREEDY and distance is None:
        raise ValueError(
            f"The 'greedy' policy of {_FN} needs a distance; got distance=None."
        )
    dist = resolve_distance(network, distance, target_ids)
    jobs = resolve_n_jobs(n_jobs, function=_FN)
    entropy = resolve_entropy(seed, function=_FN)
    key = base_key(entropy)

    n_chains = len(start_ids) * trials
    chain_start = np.repeat(start_ids, trials).astype(np.int32)
    arrays = _search_inputs(network, chain_start, target_ids, dist, spec, key)
    use_dist, use_community = arrays.use_dist, arrays.use_community
    outputs = _search_outputs(keep_paths, n_chains, max_steps)
    paths, path_weak, length, outcome, end, weak_count, cross_count = outputs
    timing = _timing(delay, network)
    duration = np.zeros(n_chains if delay is not None else 0, dtype=np.float64)
    on_completed, as_intermediary = _run_chains(
        network,
        user_policy,
        arrays,
        code,
        max_steps,
        key,
        outputs,
        timing,
        duration,
        jobs,
        progress,
    )

    start_distance = dist[chain_start] if use_dist else np.full(n_chains, np.nan)
    return SearchResult(
        network=network,
        policy=policy_name,
        attrition=spec.describe(),
        distance=describe_distance(distance),
        max_steps=max_steps,
        n_trials=trials,
        seed_entropy=entropy,
        target_ids=target_ids,
        chain_start=chain_start,
        chain_length=length,
        chain_outcome=outcome,
        chain_end=end,
        chain_weak_ties=weak_count,
        chain_crossings=cross_count,
        start_distance=np.asarray(start_distance, dtype=np.float64),
        path_ids=paths,
        path_weak=path_weak,
        on_completed=np.asarray(on_completed, dtype=np.int64),
        as_intermediary=np.asarray(as_intermediary, dtype=np.int64),
        has_community=use_community,
        chain_duration=duration if delay is not None else None,
        delay=delay,
    )


def _check_search_memory(start_ids, trials, keep_paths, max_steps):
    """A clear error before allocating chain records that would not fit."""
    check_memory(
        len(start_ids) * trials * 32
        + min(keep_paths, len(start_ids) * trials) * (max_steps + 1) * 5,
        function=_FN,
        what=f"the records of {len(start_ids) * trials:,} chains "
        f"({len(start_ids):,} starts x {trials:,} trials) and "
        f"{keep_paths:,} kept paths of up to {max_steps:,} steps",
        advice="Pass fewer trials or starts (or a smaller keep_paths or "
        "max_steps); run several seeds and combine them for more.",
    )


def _search_inputs(network, chain_start, target_ids, dist, spec, key):
    """The kernel's read-only inputs: ties, targets, distances, communities
    and the attrition model."""
    n = network.n_people
    n_chains = len(chain_start)
    is_target = np.zeros(n, dtype=np.bool_)
    is_target[target_ids] = True
    use_dist = dist is not None
    dist_array = dist if use_dist else np.zeros(1)
    community = network.community
    use_community = community is not None
    if use_community:
        community_codes, _ = pd.factorize(pd.Series(community))
        community_codes = community_codes.astype(np.int64)
    else:
        community_codes = np.zeros(1, dtype=np.int64)

    mode = _k.MODE_PERSON
    step_p = 1.0
    chain_p = np.zeros(1)
    if isinstance(spec, PerStep):
        mode, step_p = _k.MODE_STEP, 1.0 - spec.rate
    elif isinstance(spec, PerChain):
        mode = _k.MODE_CHAIN
        chain_p = 1.0 - spec.rates_from_uniforms(_k.chain_uniforms(key, n_chains))

    activity = np.asarray(network.activity, dtype=np.float64)
    strength = np.asarray(network.strength, dtype=np.float64)
    weak = np.asarray(network.weak, dtype=np.bool_)

    arrays = _k.SearchInputs(
        chain_start,
        network.indptr,
        network.indices,
        strength,
        weak,
        is_target,
        dist_array,
        use_dist,
        community_codes,
        use_community,
        mode,
        activity,
        step_p,
        chain_p,
    )
    return arrays


def _search_outputs(keep_paths, n_chains, max_steps):
    """The per-chain arrays the kernel writes, zeroed (paths at -1)."""
    keep = min(keep_paths, n_chains)
    paths = np.full((keep, max_steps + 1), -1, dtype=np.int32)
    path_weak = np.zeros((keep, max_steps + 1), dtype=np.bool_)
    length = np.zeros(n_chains, dtype=np.int32)
    outcome = np.zeros(n_chains, dtype=np.int8)
    end = np.zeros(n_chains, dtype=np.int32)
    weak_count = np.zeros(n_chains, dtype=np.int32)
    cross_count = np.zeros(n_chains, dtype=np.int32)
    return _k.SearchOutputs(
        paths, path_weak, length, outcome, end, weak_count, cross_count
    )


def _run_chains(
    network,
    user_policy,
    arrays,
    code,
    max_steps,
    key,
    outputs,
    timing,
    duration,
    jobs,
    progress,
):
    """Run every chain (in the kernel, or in Python for a callable policy);
    the times each person was on a completed chain and an intermediary."""
    n_chains = len(arrays.chain_start)
    if user_policy is None:
        cancel = new_cancel_flag()

        def work(c0, c1):
            return _k.search_chains(
                arrays, code, max_steps, key, outputs, timing, duration, c0, c1, cancel
            )

        n_blocks = jobs * (8 if progress else 1)
        if n_chains >= 4096:
            n_blocks = max(n_blocks, 2 * jobs)
        blocks = trial_blocks(n_chains, n_blocks)
        results = run_blocks(
            work,
            blocks,
            jobs,
            cancel=cancel,
            progress=progress,
            description="chains",
        )
        on_completed = np.sum([r[0] for r in results], axis=0)
        as_intermediary = np.sum([r[1] for r in results], axis=0)
    else:
        on_completed, as_intermediary = _python_chains(
            network, user_policy, arrays, max_steps, key, outputs, timing, duration
        )
    return on_completed, as_intermediary


def _timing(delay, network):
    """The kernel's delay model (a constant 0 that is never drawn when
    ``delay`` is None)."""
    from referral._engine.timed_kernel import CONSTANT, DelayRun
    from referral.simulate._timed_spread import delay_run

    if delay is None:
        empty = np.zeros(0, dtype=np.float64)
        return DelayRun(CONSTANT, 0.0, 0.0, empty, empty, False, np.inf)
    return delay_run(delay, None, network, function=_FN)


def _python_chains(
    network, user_policy, arrays, max_steps, key, outputs, timing, duration
):
    """The same chains as the kernel, with a Python policy (slow path)."""
    (
        chain_start,
        indptr,
        indices,
        _strength,
        weak,
        is_target,
        _dist,
        _use_dist,
        community,
        use_community,
        mode,
        activity,
        step_p,
        chain_p,
    ) = arrays
    paths, path_weak, length, outcome, end, weak_count, cross_count = outputs
    labels = network.labels
    n = network.n_people
    keep = paths.shape[0]
    on_completed = np.zeros(n, dtype=np.int64)
    as_intermediary = np.zeros(n, dtype=np.int64)
    key = np.uint64(key)
    for c in range(len(chain_start)):
        h = int(chain_start[c])
        chain = [h]
        on_chain = {h}
        weak_used = crossed = 0
        elapsed = 0.0
        while True:
            if is_target[h]:
                result = _k.COMPLETED
                break
            steps = len(chain) - 1
            if steps >= max_steps:
                result = _k.STEP_LIMIT
                break
            if mode == _k.MODE_PERSON:
                p = activity[h]
            elif mode == _k.MODE_STEP:
                p = step_p
            else:
                p = chain_p[c]
            if not _k.act_uniform(key, c, h, steps) < p:
                result = _k.DROPPED
                break
            entries = [
                e
                for e in range(indptr[h], indptr[h + 1])
                if int(indices[e]) not in on_chain
            ]
            if not entries:
                result = _k.DEAD_END
                break
            contacts = [labels[indices[e]] for e in entries]
            chosen = user_policy(labels[h], list(contacts), network)
            matches = [k for k, x in enumerate(contacts) if x == chosen]
            if not matches:
                raise ValueError(
                    f"The search policy {user_policy!r} returned {chosen!r}, "
                    f"which is not one of the contacts it was offered: "
                    f"{contacts[:10]!r}."
                )
            e = entries[matches[0]]
            v = int(indices[e])
            if len(duration):
                elapsed += _k.holder_delay(key, c, timing, h, e, indptr[h])
            if weak[e]:
                weak_used += 1
            if (
                use_community
                and community[h] >= 0
                and community[v] >= 0
                and (community[h] != community[v])
            ):
                crossed += 1
            h = v
            chain.append(h)
            on_chain.add(h)
            if c < keep:
                paths[c, len(chain) - 1] = h
                path_weak[c, len(chain) - 1] = weak[e]
        if c < keep:
            paths[c, 0] = chain[0]
        length[c] = len(chain) - 1
        if len(duration):
            duration[c] = elapsed
        outcome[c] = result
        end[c] = h
        weak_count[c] = weak_used
        cross_count[c] = crossed
        if result == _k.COMPLETED:
            on_completed[chain] += 1
            if len(chain) > 2:
                as_intermediary[chain[1:-1]] += 1
    return on_completed, as_intermediary
