"""Compiled kernels for :func:`referral.search`.

Arrays only: integer person ids, CSR ties and per-person floats. Every random
decision is a counter-based uniform (:mod:`referral._engine.hashing`):

* chain ``c`` uses the key ``tkey = trial_key(key, c)``;
* holder ``h`` at step ``s`` (after ``s`` forwards) forwards iff
  ``uniform(tkey, STREAM_ACT, h, s) < p``;
* a policy's tie-break at holder ``h``, step ``s`` uses
  ``uniform(tkey, STREAM_CHOICE, h, s)``;
* a chain-level draw (per-chain attrition) uses
  ``uniform(tkey, STREAM_CHAIN, 0, 0)``;
* with a delay (``duration`` not empty), holder ``h`` who forwards through
  entry ``e`` takes the delay :func:`referral._engine.timed_kernel._delay`
  draws for ``(tkey, h, 0)`` (per person) or ``(tkey, h, e - indptr[h] +
  1)`` (per tie), from ``STREAM_DELAY``: the draws :func:`referral.spread`
  makes in trial ``c``. No other draw depends on it, so with or without a
  delay the chains are the same.

So a chain's course depends only on (key, chain index, network), never on
``n_jobs`` or blocking.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from referral._engine.hashing import (
    STREAM_ACT,
    STREAM_CHAIN,
    STREAM_CHOICE,
    trial_key,
    uniform,
)
from referral._engine.timed_kernel import _delay

__all__ = [
    "COMPLETED",
    "DROPPED",
    "DEAD_END",
    "STEP_LIMIT",
    "POLICY_RANDOM",
    "POLICY_GREEDY",
    "POLICY_STRONGEST",
    "POLICY_WEAK_FIRST",
    "MODE_PERSON",
    "MODE_STEP",
    "MODE_CHAIN",
    "SearchInputs",
    "SearchOutputs",
    "multi_source_bfs",
    "chain_uniforms",
    "act_uniform",
    "search_chains",
    "holder_delay",
]

COMPLETED = 0
DROPPED = 1
DEAD_END = 2
STEP_LIMIT = 3

POLICY_RANDOM = 0
POLICY_GREEDY = 1
POLICY_STRONGEST = 2
POLICY_WEAK_FIRST = 3

MODE_PERSON = 0
MODE_STEP = 1
MODE_CHAIN = 2


class SearchInputs(NamedTuple):
    """What :func:`search_chains` reads (the same for every block)."""

    chain_start: np.ndarray  # int32 (n_chains,): the start of each chain
    indptr: np.ndarray  # int64 (n + 1,): CSR ties
    indices: np.ndarray  # int32 (n_entries,)
    strength: np.ndarray  # float64 (n_entries,)
    weak: np.ndarray  # bool (n_entries,)
    is_target: np.ndarray  # bool (n,)
    dist: np.ndarray  # float64 (n,): hops to the nearest target (if use_dist)
    use_dist: bool  # the weak-first policy breaks ties by dist
    community: np.ndarray  # int64 (n,) codes, -1 unknown (if use_community)
    use_community: bool  # count community crossings
    mode: int  # MODE_PERSON, MODE_STEP or MODE_CHAIN: where p comes from
    activity: np.ndarray  # float64 (n,): p per holder (MODE_PERSON)
    step_p: float  # p at every step (MODE_STEP)
    chain_p: np.ndarray  # float64 (n_chains,): p per chain (MODE_CHAIN)


class SearchOutputs(NamedTuple):
    """Per-chain arrays :func:`search_chains` writes, indexed by chain."""

    paths: np.ndarray  # int32 (keep, max_steps + 1): holders by step, -1 beyond
    path_weak: np.ndarray  # bool (keep, max_steps + 1): the tie into each holder
    length: np.ndarray  # int32 (n_chains,): forwards made
    outcome: np.ndarray  # int8 (n_chains,): COMPLETED, DROPPED, ...
    end: np.ndarray  # int32 (n_chains,): the last holder
    weak_count: np.ndarray  # int32 (n_chains,): weak ties used
    cross_count: np.ndarray  # int32 (n_chains,): community crossings


@numba.njit(nogil=True, cache=True)
def multi_source_bfs(indptr, indices, sources):
    """Hop distance (float64, ``inf`` if unreachable) from the nearest source.

    Pass the *reversed* CSR to get the distance *to* the sources in a
    directed network.
    """
    n = len(indptr) - 1
    dist = np.full(n, np.inf)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for k in range(len(sources)):
        s = sources[k]
        if dist[s] != 0.0:
            dist[s] = 0.0
            queue[tail] = s
            tail += 1
    while head < tail:
        u = queue[head]
        head += 1
        du = dist[u] + 1.0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if dist[v] == np.inf:
                dist[v] = du
                queue[tail] = v
                tail += 1
    return dist


@numba.njit(nogil=True, cache=True)
def chain_uniforms(key, n_chains):
    """The chain-level uniform of every chain (``STREAM_CHAIN``)."""
    out = np.empty(n_chains)
    for c in range(n_chains):
        out[c] = uniform(trial_key(key, c), STREAM_CHAIN, 0, 0)
    return out


@numba.njit(cache=True)
def act_uniform(key, c, h, step):
    """The forwarding uniform of holder ``h`` at ``step`` of chain ``c``."""
    return uniform(trial_key(key, c), STREAM_ACT, h, step)


@numba.njit(inline="always", cache=True)
def _score(policy, e, v, strength, weak, dist, use_dist):
    """(primary, secondary) scores of a contact; smaller is better."""
    if policy == POLICY_GREEDY:
        return 0.0, dist[v]
    if policy == POLICY_STRONGEST:
        return 0.0, -strength[e]
    if policy == POLICY_WEAK_FIRST:
        primary = 0.0 if weak[e] else 1.0
        if use_dist:
            return primary, dist[v]
        return primary, 0.0
    return 0.0, 0.0  # random


@numba.njit(cache=True)
def holder_delay(key, c, timing, h, e, row_start):
    """The delay of holder ``h`` forwarding chain ``c`` through entry ``e``."""
    b = e - row_start + 1 if timing.per_tie else 0
    return _delay(trial_key(key, c), timing, h, b)


@numba.njit(nogil=True, cache=True)
def search_chains(
    inputs, policy, max_steps, key, outputs, timing, duration, c0, c1, cancel
):
    """Run chains ``c0 <= c < c1``; write per-chain results in place.

    ``inputs`` is a :class:`SearchInputs`, ``outputs`` a :class:`SearchOutputs`
    whose per-chain arrays are indexed by the global chain index, so blocks
    write disjoint entries. ``outputs.paths``/``path_weak`` hold the first
    ``len(paths)`` chains' holders by step (-1 beyond the end).

    Returns the per-person counts ``(on_completed, as_intermediary)`` for
    this block: how many completed chains each person was on (start and
    target included), and was on strictly between start and target.

    ``timing`` is a :class:`~referral._engine.timed_kernel.DelayRun`;
    when ``duration`` (float64, one per chain) is not empty, ``duration[c]``
    gets the sum of the delays of chain ``c``'s forwarding holders (the
    time its last holder heard), else no delay is drawn.

    ``cancel`` (uint8, length 1) is checked before every chain: when
    ``cancel[0] != 0`` the block returns at once (the driver discards it).
    """
    chain_start = inputs.chain_start
    indptr = inputs.indptr
    indices = inputs.indices
    strength = inputs.strength
    weak = inputs.weak
    is_target = inputs.is_target
    dist = inputs.dist
    use_dist = inputs.use_dist
    community = inputs.community
    use_community = inputs.use_community
    mode = inputs.mode
    activity = inputs.activity
    step_p = inputs.step_p
    chain_p = inputs.chain_p
    paths = outputs.paths
    path_weak = outputs.path_weak
    length = outputs.length
    outcome = outputs.outcome
    end = outputs.end
    weak_count = outputs.weak_count
    cross_count = outputs.cross_count
    n = len(indptr) - 1
    keep = paths.shape[0]
    stamp = np.zeros(n, dtype=np.int64)
    buf = np.empty(max_steps + 1, dtype=np.int64)
    on_completed = np.zeros(n, dtype=np.int64)
    as_intermediary = np.zeros(n, dtype=np.int64)
    timed = duration.shape[0] > 0
    per_tie = timing.per_tie
    for c in range(c0, c1):
        if cancel[0] != 0:
            break
        tkey = trial_key(key, c)
        elapsed = 0.0
        mark = c + 1
        h = np.int64(chain_start[c])
        stamp[h] = mark
        buf[0] = h
        if c < keep:
            paths[c, 0] = h
            path_weak[c, 0] = False
        steps = 0
        weak_used = 0
        crossed = 0
        result = STEP_LIMIT
        while True:
            if is_target[h]:
                result = COMPLETED
                break
            if steps >= max_steps:
                result = STEP_LIMIT
                break
            if mode == MODE_PERSON:
                p = activity[h]
            elif mode == MODE_STEP:
                p = step_p
            else:
                p = chain_p[c]
            if not uniform(tkey, STREAM_ACT, h, steps) < p:
                result = DROPPED
                break
            # first pass: best score and number of ties for it
            best1 = np.inf
            best2 = np.inf
            count = 0
            for e in range(indptr[h], indptr[h + 1]):
                v = indices[e]
                if stamp[v] == mark:
                    continue
                s1, s2 = _score(policy, e, v, strength, weak, dist, use_dist)
                if s1 < best1 or (s1 == best1 and s2 < best2):
                    best1 = s1
                    best2 = s2
                    count = 1
                elif s1 == best1 and s2 == best2:
                    count += 1
            if count == 0:
                result = DEAD_END
                break
            pick = 0
            if count > 1:
                pick = int(uniform(tkey, STREAM_CHOICE, h, steps) * count)
                if pick >= count:
                    pick = count - 1
            # second pass: the pick-th tie at the best score
            chosen = -1
            chosen_e = -1
            for e in range(indptr[h], indptr[h + 1]):
                v = indices[e]
                if stamp[v] == mark:
                    continue
                s1, s2 = _score(policy, e, v, strength, weak, dist, use_dist)
                if s1 == best1 and s2 == best2:
                    if pick == 0:
                        chosen = v
                        chosen_e = e
                        break
                    pick -= 1
            if weak[chosen_e]:
                weak_used += 1
            if use_community:
                a = community[h]
                b = community[chosen]
                if a >= 0 and b >= 0 and a != b:
                    crossed += 1
            if timed:
                b = chosen_e - indptr[h] + 1 if per_tie else 0
                elapsed += _delay(tkey, timing, h, b)
            steps += 1
            h = np.int64(chosen)
            stamp[h] = mark
            buf[steps] = h
            if c < keep:
                paths[c, steps] = h
                path_weak[c, steps] = weak[chosen_e]
        length[c] = steps
        if timed:
            duration[c] = elapsed
        outcome[c] = result
        end[c] = h
        weak_count[c] = weak_used
        cross_count[c] = crossed
        if result == COMPLETED:
            for k in range(steps + 1):
                on_completed[buf[k]] += 1
            for k in range(1, steps):
                as_intermediary[buf[k]] += 1
    return on_completed, as_intermediary
