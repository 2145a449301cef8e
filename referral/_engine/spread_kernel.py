"""Compiled kernel for :func:`referral.spread`: hop-by-hop cascades on CSR ties.

One call runs the trials ``t0 .. t1 - 1`` of a run. Every random decision is a
counter-based uniform (:mod:`referral._engine.hashing`), so a trial's outcome
depends only on the run key and the trial number: blocks can run in any
order, in any thread, and sum to the same integers.

Decisions and their streams:

* person ``i`` acts in trial ``t`` iff ``uniform(tkey, STREAM_ACT, i, 0) < p``
  (``p`` is ``activity[i]``, or ``source_activity`` at hop 0); in the
  halting cascade (``CascadeRun.halt`` not empty, the hiring funnel's
  ``applicants_stop``) a person reached after hop 0 who acts still does not
  pass the opening on when ``uniform(tkey, STREAM_APPLY, i, 0) < halt[i]``
  (they applied), and is counted as not acting;
* which of an acting person's ties carry is drawn in one of two ways,
  chosen per row by :func:`row_tables` from the row's largest transmission
  ``r``:

  - *tie by tie* (``r > SKIP_BELOW``): the ``d``-th tie of ``i``'s row
    carries iff ``uniform(tkey, STREAM_DIRECT, i, d) < w``;
  - *geometric skipping with thinning* (``r <= SKIP_BELOW``), which touches
    only the ties that might carry: the candidate ties are found by skipping
    ``floor(log(1 - U_c) / log(1 - r))`` ties (``U_c = uniform(tkey,
    STREAM_TIE, i, c)`` for the ``c``-th candidate), so each tie is a
    candidate independently with probability ``r``, and candidate ``c`` on
    tie ``e`` carries iff ``uniform(tkey, STREAM_ACCEPT, i, c) < w_e / r``.

  Either way every tie carries independently with probability ``w_e``, and
  the draws of a row depend only on (trial, person, the row's
  transmissions), so scenarios that differ in activity, or in other people's
  ties, share them exactly (common random numbers);
* under ``fanout``, a picked tie ``e`` (the ``d``-th of ``i``'s row) carries
  iff ``uniform(tkey, STREAM_DIRECT, i, d) < w_e``;
* the ``c``-th teller of ``j`` in a hop becomes its parent with probability
  ``1 / c`` (reservoir sampling, ``uniform(tkey, STREAM_PARENT, j, c)``);
* under ``fanout = k`` an acting person ``i`` with ``m > k`` eligible contacts
  picks ``k`` by a partial Fisher-Yates shuffle of them in CSR order, step
  ``s`` using ``uniform(tkey, STREAM_CHOICE, i, s)``.

Under full bookkeeping an acting holder's offers are split into "not
carried" and "already reached" (the contact was reached at this hop or
before). Rows drawn tie by tie, and fanout rows, look at every tie anyway and
split exactly. A skipping row touches only its candidate ties, so by default
(``CascadeRun.exact_losses`` false) its number of already-reached contacts is
estimated from them: with ``m >= 1`` candidates of which ``k`` go to people
already reached, ``d * k / m`` for a row of ``d`` ties. Given ``m``, the
candidates are a uniform random ``m``-subset of the row, drawn independently of
who was reached before this hop, so the estimate is unbiased, and it never
exceeds the row's ties that did not carry. A row with no candidate is counted
tie by tie if it has at most ``SPLIT_COUNT_UP_TO`` ties; otherwise one tie is
picked at random (``uniform(tkey, STREAM_SPLIT, i, 1)``) and the estimate is
``d`` if its contact was reached, else 0 (unbiased, at most ``d``). Per
trial and hop the estimates are summed and rounded to an integer without bias
(up with probability equal to the fraction, drawn with
``uniform(tkey, STREAM_SPLIT, h, 0)``), so the per-hop sums
stay integers and ``offered = arrived + losses`` holds exactly.
With ``exact_losses`` every tie of a skipping row is looked at (full mode then
takes 1.2-1.5 times as long on sparse cascades; ``benchmarks/results/spread.md``).

A contact is *eligible* (unreached) for a holder at hop ``h`` if it was not
reached at any hop ``<= h``. This makes every count independent of the order in
which the holders of one hop are processed.

Integer aggregates are *added into* caller-provided arrays (per-person and
per-tie accumulators) or returned per block (per-hop sums), so the caller can
sum blocks exactly in any order.

The arguments travel in named tuples (:class:`CascadeNetwork`,
:class:`TieSampler`, :class:`CascadeRun`, :class:`Tallies`). A trial is
:func:`spread_block`'s loop over hops; each acting holder's row is drawn in
one of three ways (tie by tie, by geometric skips, or under ``fanout``),
written out in that loop (the draws are in
:mod:`referral._engine.spread_sampler`), and under full bookkeeping each hop
is closed by ``_close_hop`` and each trial by ``_chain_credit``
(:mod:`referral._engine.spread_bookkeeping`).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from referral._engine.funnel_kernel import FunnelRun, funnel_hop
from referral._engine.hashing import (
    STREAM_ACT,
    STREAM_APPLY,
    STREAM_CHOICE,
    STREAM_PARENT,
    STREAM_SPLIT,
    trial_key,
    uniform,
)
from referral._engine.spread_bookkeeping import (
    ACTED,
    ALREADY,
    ARRIVED,
    DID_NOT_ACT,
    FANOUT,
    HOLD,
    HOP_COLUMNS,
    HOP_LIMIT,
    LOSS_COLUMNS,
    N_HOP,
    N_LOSS,
    N_TRIAL,
    NEW_CANDIDATES,
    NOT_CARRIED,
    OFFERED,
    PARENT_TIE_WEAK,
    T_CANDIDATES,
    T_CROSS,
    T_CROSS_WEAK,
    T_DEPTH,
    T_REACHED,
    T_WEAK,
    TRIAL_COLUMNS,
    WEAK_CANDIDATES,
    _chain_credit,
    _close_hop,
    _count_reached,
    _grow,
    _grow_cols,
    _grow_hops,
    _grow_rows,
    _Scratch,
    _seed_sources,
    _write_chains,
)
from referral._engine.spread_sampler import (
    ROW_DIRECT,
    ROW_NONE,
    ROW_SKIP,
    SKIP_BELOW,
    TieSampler,
    _accepted,
    _direct,
    _skip,
    row_tables,
)

__all__ = [
    "SKIP_BELOW",
    "HOP_COLUMNS",
    "LOSS_COLUMNS",
    "N_LOSS",
    "N_TRIAL",
    "ROW_DIRECT",
    "ROW_NONE",
    "ROW_SKIP",
    "TRIAL_COLUMNS",
    "CascadeNetwork",
    "CascadeRun",
    "FunnelRun",
    "NO_HALT",
    "Tallies",
    "TieSampler",
    "spread_block",
    "row_tables",
]

#: under the sampled loss split, a skipping row with no candidate tie and at
#: most this many ties is counted tie by tie; a longer one from one random tie
SPLIT_COUNT_UP_TO = 4


class CascadeNetwork(NamedTuple):
    """The network as the spread kernel reads it (CSR ties, per person)."""

    indptr: np.ndarray  # int64 (n + 1,)
    indices: np.ndarray  # int32 (n_entries,)
    transmission: np.ndarray  # float64 (n_entries,)
    weak: np.ndarray  # bool (n_entries,)
    activity: np.ndarray  # float64 (n,)
    is_candidate: np.ndarray  # bool (n,)
    community: np.ndarray  # int32 (n,) codes, -1 unknown; empty when none


#: ``CascadeRun.halt`` of the plain spread: nobody halts
NO_HALT = np.zeros(0, np.float64)


class CascadeRun(NamedTuple):
    """What a run asks of the kernel (the same for every block)."""

    sources: np.ndarray  # int32, distinct ids (hop 0)
    source_activity: float
    key: np.uint64  # run key
    max_hops: int  # -1 for no limit
    fanout: int  # -1 for no limit
    keep_until: int  # record full chains for trials < keep_until
    full: bool  # classify losses and add the per-person and per-tie tallies
    exact_losses: bool  # full: split skipping rows' losses tie by tie, not sampled
    #: the halting cascade (the hiring funnel's ``applicants_stop``): per
    #: person, the probability a reached candidate applies and so does not
    #: pass the opening on; empty (the default) for the plain spread
    halt: np.ndarray = NO_HALT
    #: draw every teller of a person told twice in one hop (their parent),
    #: as kept chains do, for the funnel's payments along the chains
    parents: bool = False


class Tallies(NamedTuple):
    """Caller-owned arrays the kernel adds into (``full``) or writes rows of."""

    person_acc: np.ndarray  # int64 (n, 4): columns P_REACHED .. P_CREDIT
    tie_credit: np.ndarray  # int64 (n_entries,): chain credit per tie
    trial_stats: np.ndarray  # int64 (n_trials, N_TRIAL): rows t0 .. t1 - 1


@numba.njit(nogil=True, cache=True)
def spread_block(net, sampler, run, tallies, t0, t1, cancel, funnel=None):
    """Run trials ``t0 .. t1 - 1``.

    Parameters
    ----------
    net : CascadeNetwork
    sampler : TieSampler
    run : CascadeRun
        Under ``run.full`` losses are classified, acting people counted, the
        per-person and per-tie tallies added and the weak/cross-community
        chain counts recorded; otherwise only hops, parents, reach and
        candidates.
    tallies : Tallies
        ``person_acc`` and ``tie_credit`` are added into (``full`` only);
        rows ``t0 .. t1 - 1`` of ``trial_stats`` are written.
    t0, t1 : trial range
    cancel : uint8 (1,)
        Checked before every trial: when ``cancel[0] != 0`` the block returns
        at once with the trials done so far (the driver then discards it).
    funnel : FunnelRun, optional
        The hiring funnel (:mod:`referral._engine.funnel_kernel`): at the
        start of every hop ``h >= 1`` its people apply and are hired, and
        once its ``positions`` are filled the trial stops there (that hop's
        people hold the opening and do not pass it on). Rows ``t0 .. t1 - 1``
        of ``funnel.counts`` and ``funnel.paid`` are written. ``None`` (the
        spread) compiles without any of it.

    Returns
    -------
    hop_sums : int64 (H, N_HOP)
    trial_hop : int32 (t1 - t0, H), people reached at each hop per trial
    trial_loss : int32 (t1 - t0, H, 5) under ``full`` (else 0 rows): per
        trial and hop, the offers lost to did_not_act, not_carried,
        already_reached, hop_limit and fanout (the same sums as ``hop_sums``)
    chain_trial, chain_person, chain_hop, chain_parent : int32 (k,)
    chain_weak : bool (k,)

    Notes
    -----
    Reached people are stored by *position* (the order they were reached, hop
    by hop), so the per-trial scratch (parent position, tie entry, tellers,
    flags) is read and written mostly sequentially. ``pos_of[v] < level_end``
    means ``v`` was reached at the current hop or before.
    """
    # the arrays the tie loops touch, taken out of their bundles once per block
    # (taken per row, inside helpers, their reference counting cost 1.3-2.3x)
    indptr = net.indptr
    indices = net.indices
    transmission = net.transmission
    weak = net.weak
    activity = net.activity
    is_candidate = net.is_candidate
    row_mode = sampler.mode
    row_scale = sampler.scale
    row_thin = sampler.thin
    tie_ratio = sampler.ratio
    tie_prefix = sampler.prefix
    person_acc = tallies.person_acc
    stats = tallies.trial_stats
    source_activity = run.source_activity
    halt = run.halt
    halting = halt.shape[0] > 0
    key = run.key
    n = activity.shape[0]
    full = run.full
    fanout = run.fanout
    max_hops = run.max_hops
    n_src = run.sources.shape[0]
    max_degree = 0
    if fanout >= 0:
        for i in range(n):
            max_degree = max(max_degree, indptr[i + 1] - indptr[i])
    s = _Scratch(
        np.full(n, -1, np.int32),
        np.empty(n, np.int32),
        np.empty(n, np.int32),
        np.empty(n, np.int64),
        np.empty(n, np.int32),
        np.zeros(n, np.uint8),
        np.zeros(n if full else 0, np.int32),
        np.zeros(n if full else 0, np.int64),
        np.empty(max_degree, np.int64),
        np.zeros((n + 63) // 64 if full else 0, np.uint64),
    )
    pos_of = s.pos_of
    order = s.order
    ppos = s.ppos
    pentry = s.pentry
    ntell = s.ntell
    flags = s.flags
    buf = s.buf
    reached = s.reached

    cap = 16 if max_hops < 0 else max_hops + 2
    hop_sums = np.zeros((cap, N_HOP), np.int64)
    trial_hop = np.zeros((t1 - t0, cap), np.int32)
    trial_loss = np.zeros((t1 - t0 if full else 0, cap, N_LOSS), np.int32)
    sample_split = full and not run.exact_losses
    bounds = np.zeros(cap + 1, np.int64)

    chain_cap = 1024 if run.keep_until > t0 else 0
    chains = (
        np.empty(chain_cap, np.int32),
        np.empty(chain_cap, np.int32),
        np.empty(chain_cap, np.int32),
        np.empty(chain_cap, np.int32),
        np.empty(chain_cap, np.bool_),
    )
    n_chain = 0

    for t in range(t0, t1):
        if cancel[0] != 0:
            break
        row = t - t0
        tk = trial_key(key, t)
        # who tells a person already told this hop only decides their parent
        # (and, under full, the loss split); with neither needed those ties
        # are not drawn, which changes no other number
        parents = full or t < run.keep_until or run.parents
        n_cand = _seed_sources(net, run, s, person_acc)
        hop_sums[0, NEW_CANDIDATES] += n_cand
        end = n_src
        start = 0
        h = 0
        n_weak = 0
        n_cross = 0
        n_cross_weak = 0
        f_applied = 0
        f_hires = 0
        f_paid = 0.0
        f_fill = -1
        while start < end:
            if h + 2 > cap:
                cap *= 2
                hop_sums = _grow_rows(hop_sums, cap)
                trial_hop = _grow_cols(trial_hop, cap)
                trial_loss = _grow_hops(trial_loss, cap)
                bounds = _grow(bounds, cap + 1)
            level_end = end
            bounds[h] = start
            trial_hop[row, h] = level_end - start
            hop_sums[h, HOLD] += level_end - start
            if funnel is not None:
                if h > 0:
                    applied, hired, money = funnel_hop(
                        tk, h, start, level_end, n_src, order, ppos, funnel, f_hires
                    )
                    f_applied += applied
                    f_hires += hired
                    f_paid += money
                    if funnel.positions >= 0 and f_hires >= funnel.positions:
                        f_fill = h  # filled: this hop does not pass it on
                        start = level_end
                        h += 1
                        break
            acted = 0
            offered = 0
            did_not_act = 0
            not_carried = 0
            already = 0
            hop_limit = 0
            lost_fanout = 0
            new_cand = 0
            split_estimate = 0.0  # sampled already-reached contacts (skip rows)
            limited = max_hops >= 0 and h >= max_hops
            # Each holder's row is sampled in one of three ways (tie by tie,
            # geometric skips, fanout), and each writes out the step "tie e
            # carries to v" (a new person, or a second teller of this hop whose
            # parent is reservoir-sampled). Deliberate write-outs: an inlined
            # helper for the step cost about 40% on sparse cascades, and the
            # three samplers as row functions (called or inlined) cost
            # 1.3-2.3x on BA(100k, 5), mostly reference counting of the
            # arrays they take from the bundles on every row.
            for idx in range(start, level_end):
                u = order[idx]
                a = indptr[u]
                b = indptr[u + 1]
                offered += b - a
                if limited:
                    hop_limit += b - a
                    continue
                p = source_activity if h == 0 else activity[u]
                if p < 1.0 and not uniform(tk, STREAM_ACT, u, 0) < p:
                    did_not_act += b - a
                    continue
                if (  # the halting cascade: an applicant does not pass it on
                    halting
                    and h > 0
                    and halt[u] > 0.0
                    and uniform(tk, STREAM_APPLY, u, 0) < halt[u]
                ):
                    did_not_act += b - a
                    continue
                acted += 1
                mode = row_mode[u]
                unlimited = fanout < 0 or b - a <= fanout
                if unlimited and mode == ROW_DIRECT:
                    for e in range(a, b):
                        v = indices[e]
                        pv = pos_of[v]
                        if pv >= 0 and (pv < level_end or not parents):
                            already += 1
                            continue
                        if not _direct(tk, tie_prefix[e], transmission[e]):
                            not_carried += 1
                            continue
                        if pv < 0:  # a new person
                            pos_of[v] = end
                            order[end] = v
                            ppos[end] = idx
                            pentry[end] = e
                            ntell[end] = 1
                            if full:
                                flags[end] = PARENT_TIE_WEAK * weak[e]
                            end += 1
                            if is_candidate[v]:
                                new_cand += 1
                        else:  # told again this hop: reservoir-sample the parent
                            already += 1
                            tellers = ntell[pv] + 1
                            ntell[pv] = tellers
                            if uniform(tk, STREAM_PARENT, v, tellers) * tellers < 1.0:
                                ppos[pv] = idx
                                pentry[pv] = e
                                if full:
                                    flags[pv] = PARENT_TIE_WEAK * weak[e]
                    continue
                if unlimited:
                    if full and (mode == ROW_NONE or not sample_split):
                        seen = _count_reached(indices, reached, a, b)
                        already += seen
                        not_carried += b - a - seen
                    if mode == ROW_NONE:  # no tie of u can carry
                        continue
                    scale = row_scale[u]
                    thin = row_thin[u]
                    # only the candidate ties are touched
                    c = 0
                    hits = 0  # candidate ties to people reached by this hop
                    e = a + _skip(tk, u, c, scale)
                    while e < b:
                        v = indices[e]
                        pv = pos_of[v]
                        if pv >= 0 and pv < level_end:
                            hits += 1
                        elif (pv < 0 or parents) and _accepted(
                            tk, u, c, thin, tie_ratio[e]
                        ):
                            not_carried -= 1  # it carried after all
                            if pv < 0:  # a new person
                                pos_of[v] = end
                                order[end] = v
                                ppos[end] = idx
                                pentry[end] = e
                                ntell[end] = 1
                                if full:
                                    flags[end] = PARENT_TIE_WEAK * weak[e]
                                end += 1
                                if is_candidate[v]:
                                    new_cand += 1
                            else:  # told again this hop
                                already += 1
                                tellers = ntell[pv] + 1
                                ntell[pv] = tellers
                                if (
                                    uniform(tk, STREAM_PARENT, v, tellers) * tellers
                                    < 1.0
                                ):
                                    ppos[pv] = idx
                                    pentry[pv] = e
                                    if full:
                                        flags[pv] = PARENT_TIE_WEAK * weak[e]
                        c += 1
                        e = e + 1 + _skip(tk, u, c, scale)
                    if sample_split:
                        not_carried += b - a
                        if c > 0:
                            if hits > 0:
                                split_estimate += (b - a) * hits / c
                        elif b - a <= SPLIT_COUNT_UP_TO:  # count a short row
                            seen = _count_reached(indices, reached, a, b)
                            already += seen
                            not_carried -= seen
                        else:  # no candidate: one tie picked at random
                            pick = a + np.int64(
                                uniform(tk, STREAM_SPLIT, u, 1) * (b - a)
                            )
                            if _count_reached(indices, reached, pick, pick + 1):
                                split_estimate += b - a
                    continue
                # fanout: pick among the unreached contacts
                m = 0
                for e in range(a, b):
                    pv = pos_of[indices[e]]
                    if pv >= 0 and pv < level_end:
                        already += 1
                    else:
                        buf[m] = e
                        m += 1
                if m > fanout:
                    for step in range(fanout):
                        j = step + np.int64(
                            uniform(tk, STREAM_CHOICE, u, step) * (m - step)
                        )
                        tmp = buf[step]
                        buf[step] = buf[j]
                        buf[j] = tmp
                    lost_fanout += m - fanout
                    m = fanout
                for i in range(m):
                    e = buf[i]
                    v = indices[e]
                    pv = pos_of[v]
                    if pv >= 0 and not parents:
                        continue
                    if not _direct(tk, tie_prefix[e], transmission[e]):
                        not_carried += 1
                        continue
                    if pv < 0:  # a new person
                        pos_of[v] = end
                        order[end] = v
                        ppos[end] = idx
                        pentry[end] = e
                        ntell[end] = 1
                        if full:
                            flags[end] = PARENT_TIE_WEAK * weak[e]
                        end += 1
                        if is_candidate[v]:
                            new_cand += 1
                    else:  # told again this hop: reservoir-sample the parent
                        already += 1
                        tellers = ntell[pv] + 1
                        ntell[pv] = tellers
                        if uniform(tk, STREAM_PARENT, v, tellers) * tellers < 1.0:
                            ppos[pv] = idx
                            pentry[pv] = e
                            if full:
                                flags[pv] = PARENT_TIE_WEAK * weak[e]
            hop_sums[h + 1, NEW_CANDIDATES] += new_cand
            n_cand += new_cand
            if full:
                if split_estimate > 0.0:  # rounded down or up, without bias
                    whole = np.floor(split_estimate)
                    estimate = np.int64(whole) + np.int64(
                        uniform(tk, STREAM_SPLIT, h, 0) < split_estimate - whole
                    )
                    already += estimate
                    not_carried -= estimate
                losses = trial_loss[row, h]
                losses[0] = did_not_act
                losses[1] = not_carried
                losses[2] = already
                losses[3] = hop_limit
                losses[4] = lost_fanout
                hop_sums[h, ACTED] += acted
                hop_sums[h, OFFERED] += offered
                hop_sums[h, ARRIVED] += end - level_end
                hop_sums[h, DID_NOT_ACT] += did_not_act
                hop_sums[h, NOT_CARRIED] += not_carried
                hop_sums[h, ALREADY] += already
                hop_sums[h, HOP_LIMIT] += hop_limit
                hop_sums[h, FANOUT] += lost_fanout
                weak_new, cross, cross_weak = _close_hop(
                    h, level_end, end, net, s, person_acc
                )
                hop_sums[h + 1, WEAK_CANDIDATES] += weak_new
                n_weak += weak_new
                n_cross += cross
                n_cross_weak += cross_weak
            start = level_end
            h += 1
        depth = h - 1
        bounds[h] = end

        if funnel is not None:
            funnel.counts[t, 0] = f_applied
            funnel.counts[t, 1] = f_hires
            funnel.counts[t, 2] = f_fill
            funnel.paid[t] = f_paid

        stats[t, T_REACHED] = end
        stats[t, T_CANDIDATES] = n_cand
        stats[t, T_DEPTH] = depth
        if full:
            stats[t, T_WEAK] = n_weak
            stats[t, T_CROSS] = n_cross
            stats[t, T_CROSS_WEAK] = n_cross_weak
            if n_cand > 0:
                _chain_credit(n_src, end, s, tallies)

        if t < run.keep_until:
            if n_chain + end > chains[0].shape[0]:
                chain_cap = max(2 * chains[0].shape[0], n_chain + end)
                chains = (
                    _grow(chains[0], chain_cap),
                    _grow(chains[1], chain_cap),
                    _grow(chains[2], chain_cap),
                    _grow(chains[3], chain_cap),
                    _grow(chains[4], chain_cap),
                )
            n_chain = _write_chains(t, depth, bounds, net, s, chains, n_chain)

        for pos in range(end):
            pos_of[order[pos]] = -1
        if full:
            for pos in range(end):
                reached[order[pos] >> 6] = 0

    return (
        hop_sums,
        trial_hop,
        trial_loss,
        chains[0][:n_chain],
        chains[1][:n_chain],
        chains[2][:n_chain],
        chains[3][:n_chain],
        chains[4][:n_chain],
    )
