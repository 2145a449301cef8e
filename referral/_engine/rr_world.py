"""Many reverse-reachable samples from one world, sharing the giant part.

A *world* ``w`` is one draw of every act coin and every tie's carry coin,
made with the draws of :mod:`referral._engine.rr_kernel` under the key
``key_w = trial_key(key, w)``: person ``v`` acts iff ``uniform(key_w,
STREAM_ACT, v, 0) < activity[v]``, and the ties into ``v`` carry by the same
per-tie or skip-and-thin draws that single samples use: both read a row
through one sampler, :func:`~referral._engine.rr_kernel.carrying_tellers`.
World ``w`` holds ``per_world`` samples; its ``i``-th root is
``targets[floor(u * n_targets)]`` with ``u = uniform(key_w, STREAM_RR_ROOT,
i, 0)``. With ``per_world = 1`` the samples are exactly the ones
:func:`~referral._engine.rr_kernel.rr_sets_block` draws.

Say ``x ~> r`` when ``x`` posting alone reaches ``r`` in the world (a path of
carrying ties whose intermediaries act). Pick an acting *hub* ``h`` (the
first acting person of ``hubs``) and let ``In = {x : x ~> h}`` and ``Out =
{r : h ~> r}``. Because ``h`` acts, ``x ~> h`` and ``h ~> r`` give ``x ~> r``,
so for a root ``r`` in ``Out`` the sample holds all of ``In``; and a person
``x`` outside ``In`` reaches ``r`` only along paths that avoid ``In`` (any
acting intermediary in ``In`` would put ``x`` in ``In``). So the sample of a
root in ``Out`` is ``In`` plus a backwards search from ``r`` that never
enters ``In``; a root outside ``Out`` gets a full backwards search. In a
supercritical network ``In`` and ``Out`` are the giant part that makes
single samples expensive; here it is found once per world.

The block kernel returns, per person, the sum over worlds of ``c_w`` (the
number of the world's samples holding the person) and of ``c_w ** 2``, from
which the caller forms the mean and the between-world standard error.
``key_w`` depends only on the run key and ``w``, so results do not depend on
how worlds are split into blocks.
"""

from __future__ import annotations

import numba
import numpy as np

from referral._engine.hashing import trial_key
from referral._engine.rr_kernel import acts, carrying_tellers, pick_root

__all__ = ["hub_order", "world_count_block"]

_HUBS = 64


def hub_order(t_indptr):
    """Up to 64 people with the most ties into them, most first.

    Examples
    --------
    >>> import numpy as np
    >>> hub_order(np.array([0, 1, 4, 6])).tolist()
    [1, 2, 0]
    """
    into = np.diff(np.asarray(t_indptr))
    order = np.lexsort((np.arange(len(into)), -into))
    return order[:_HUBS].astype(np.int32)


@numba.njit(nogil=True, cache=True)
def _draw_world(tk, rr, live_ptr, live):
    """The world's carrying ties, backwards: ``live[live_ptr[v]:live_ptr[v+1]]``
    are the tellers whose ties into ``v`` carry (``live`` has room for every
    tie)."""
    n = rr.t_indptr.shape[0] - 1
    no_stamp = np.empty(0, dtype=np.int64)  # mark -1: every carrying tie kept
    used = 0
    for v in range(n):
        live_ptr[v] = used
        used = carrying_tellers(tk, rr, v, no_stamp, -1, live, used)
    live_ptr[n] = used


@numba.njit(nogil=True, cache=True)
def _forward(live_ptr, live, n, f_ptr, f_dst):
    """Transpose the live ties (tellers to contacts)."""
    f_ptr[:] = 0
    m = live_ptr[n]
    for i in range(m):
        f_ptr[live[i] + 1] += 1
    for u in range(n):
        f_ptr[u + 1] += f_ptr[u]
    fill = f_ptr[:n].copy()
    for v in range(n):
        for i in range(live_ptr[v], live_ptr[v + 1]):
            u = live[i]
            f_dst[fill[u]] = v
            fill[u] += 1


@numba.njit(nogil=True, cache=True)
def world_count_block(
    rr, hubs, per_world, key, start, stop, sum_c, sum_c2, holding, cancel
):
    """Worlds ``start .. stop - 1``, ``per_world`` samples each: add each
    person's per-world count ``c_w`` to ``sum_c``, ``c_w ** 2`` to
    ``sum_c2`` and 1 to ``holding`` when ``c_w > 0``. Returns the number
    of worlds done and the samples' total size."""
    n = rr.activity.shape[0]
    acting = np.zeros(n, dtype=np.bool_)
    live_ptr = np.zeros(n + 1, dtype=np.int64)
    live = np.empty(rr.t_source.shape[0], dtype=np.int32)
    f_ptr = np.zeros(n + 1, dtype=np.int64)
    f_dst = np.empty(rr.t_source.shape[0], dtype=np.int32)
    in_h = np.zeros(n, dtype=np.bool_)
    out_h = np.zeros(n, dtype=np.bool_)
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    in_list = np.empty(n, dtype=np.int32)
    count = np.zeros(n, dtype=np.int64)
    touched = np.empty(n, dtype=np.int32)
    mark = 0
    total = 0
    for w in range(start, stop):
        if cancel[0] != 0:
            return w - start, total
        tk = trial_key(key, w)
        for v in range(n):
            acting[v] = acts(tk, rr.activity, v)
        _draw_world(tk, rr, live_ptr, live)
        hub = -1
        for i in range(hubs.shape[0]):
            if acting[hubs[i]]:
                hub = hubs[i]
                break
        n_in = 0
        if hub >= 0:
            # In: everyone who reaches the hub (backwards, through actors)
            in_h[hub] = True
            in_list[0] = hub
            n_in = 1
            head = 0
            while head < n_in:
                v = in_list[head]
                head += 1
                if v != hub and not acting[v]:
                    continue
                for i in range(live_ptr[v], live_ptr[v + 1]):
                    u = live[i]
                    if not in_h[u]:
                        in_h[u] = True
                        in_list[n_in] = u
                        n_in += 1
            # Out: everyone the hub reaches (forwards, through actors)
            _forward(live_ptr, live, n, f_ptr, f_dst)
            out_h[hub] = True
            queue[0] = hub
            size = 1
            head = 0
            while head < size:
                u = queue[head]
                head += 1
                if u != hub and not acting[u]:
                    continue
                for i in range(f_ptr[u], f_ptr[u + 1]):
                    v = f_dst[i]
                    if not out_h[v]:
                        out_h[v] = True
                        queue[size] = v
                        size += 1
        hits = 0
        n_touched = 0
        for s in range(per_world):
            root = pick_root(tk, rr.targets, s)
            shared = out_h[root]
            if shared:
                hits += 1
                total += n_in
            mark += 1
            stamp[root] = mark
            queue[0] = root
            size = 1
            head = 0
            while head < size:
                v = queue[head]
                head += 1
                if v != root and not acting[v]:
                    continue
                for i in range(live_ptr[v], live_ptr[v + 1]):
                    u = live[i]
                    if stamp[u] == mark or (shared and in_h[u]):
                        continue
                    stamp[u] = mark
                    queue[size] = u
                    size += 1
            for i in range(size):
                u = queue[i]
                if shared and in_h[u]:
                    continue  # the root itself, in the hub's part
                if count[u] == 0:
                    touched[n_touched] = u
                    n_touched += 1
                count[u] += 1
                total += 1
        if hits > 0:
            for i in range(n_in):
                u = in_list[i]
                if count[u] == 0:
                    touched[n_touched] = u
                    n_touched += 1
                count[u] += hits
        for i in range(n_touched):
            u = touched[i]
            c = count[u]
            sum_c[u] += c
            sum_c2[u] += c * c
            holding[u] += 1
            count[u] = 0
        for i in range(n_in):
            in_h[in_list[i]] = False
        if hub >= 0:
            out_h[:] = False
    return stop - start, total
