"""Spread: how far a recruiter's opening travels, hop by hop, and where it is lost.

:func:`spread` runs Monte Carlo trials of an independent-cascade process with
a person-level decision (does the holder act?) kept apart from the tie-level
one (does the tie carry?). It returns a :class:`SpreadResult` whose views are
tidy :class:`pandas.DataFrame` objects.

This module is the driver; the result class lives in
:mod:`referral.simulate` and is re-exported here.
"""

from __future__ import annotations

import queue
import threading
import weakref

import numpy as np
import pandas as pd

from referral._core.parallel import (
    block_count,
    new_cancel_flag,
    resolve_n_jobs,
    run_blocks,
    trial_blocks,
)
from referral._core.params import Interval, Options, validate_params
from referral._core.rng import base_key, resolve_entropy
from referral._core.validation import check_memory
from referral._engine.spread_kernel import (
    HOP_COLUMNS,
    N_LOSS,
    N_TRIAL,
    TRIAL_COLUMNS,
    CascadeNetwork,
    CascadeRun,
    Tallies,
    TieSampler,
    row_tables,
    spread_block,
)
from referral.network._referral_network import ReferralNetwork
from referral.simulate._spread_result import SpreadResult
from referral.simulate.delays import as_days, check_delay

__all__ = ["spread", "SpreadResult"]

_RECORD_MODES = ("full", "reach")
#: default cap on kept chain entries (17 bytes each, so about 160 MiB)
MAX_CHAIN_ENTRIES = 10_000_000


def _trial_index(name):
    return TRIAL_COLUMNS.index(name)


@validate_params(
    {
        "network": ["network"],
        "trials": [Interval(int, 1, None)],
        "max_hops": [Interval(int, 0, None), None],
        "fanout": [Interval(int, 1, None), None],
        "source_activity": [Interval(float, 0, 1)],
        "keep_chains": [Interval(int, 0, None)],
        "record": [Options(_RECORD_MODES)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
        "max_chain_entries": [Interval(int, 0, None)],
        "exact_losses": ["boolean"],
    }
)
def spread(
    network: ReferralNetwork,
    sources=None,
    *,
    trials: int = 1000,
    max_hops: int | None = None,
    fanout: int | None = None,
    source_activity: float = 1.0,
    keep_chains: int = 100,
    record: str = "full",
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
    max_chain_entries: int = MAX_CHAIN_ENTRIES,
    exact_losses: bool = False,
    delay=None,
    deadline=None,
) -> SpreadResult:
    """Simulate how an opening posted by ``sources`` spreads through the network.

    Each trial is an independent cascade, hop by hop. The sources hold the
    opening at hop 0. A person reached at hop ``h`` acts once, with probability
    ``activity`` (``source_activity`` for the sources). If they act, each tie
    to a contact not reached by hop ``h`` carries the opening independently
    with the tie's ``transmission``, and that contact is reached at hop
    ``h + 1``. When several people tell the same contact in one hop, its
    parent on the chain is chosen uniformly among them.

    Parameters
    ----------
    network : ReferralNetwork
    sources : person label or iterable of labels, optional
        Who posts the opening (hop 0). Default: the network's recruiters.
        Repeats are ignored.
    trials : int, default 1000
        Number of Monte Carlo trials.
    max_hops : int, optional
        People reached at hop ``max_hops`` hold the opening but do not pass
        it on (their ties are lost to ``hop_limit``). Default: no limit.
    fanout : int, optional
        An acting person passes the opening to at most ``fanout`` of their
        unreached contacts, chosen uniformly; the others are lost to
        ``fanout``. Default: no limit.
    source_activity : float, default 1.0
        Probability that a source acts (posts to its contacts).
    keep_chains : int, default 100
        Keep the full chains (hop, parent, weak-tie use of every reached
        person) of the first ``keep_chains`` trials, for
        :meth:`SpreadResult.chains`, as far as ``max_chain_entries`` allows.
    record : {"full", "reach"}, default "full"
        ``"full"`` keeps every tally: losses by cause, per-person reach and
        hop, chain credit, per-tie credit, weak-tie and cross-community
        chains. ``"reach"`` is a faster mode that records only hops and
        parents: people reached per hop and per trial, candidates reached,
        depth and the kept chains; :meth:`SpreadResult.people` and
        :meth:`SpreadResult.ties` then raise and the loss columns of
        :meth:`SpreadResult.by_hop` are NaN.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The randomness of the run; the resolved entropy is kept in
        ``SpreadResult.seed_entropy``. Runs with the same seed use common
        random numbers: a person's act/no-act draw and a tie's carry draw in
        trial ``t`` do not depend on anything else in the network.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores). The result is the
        same for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar.
    max_chain_entries : int, default 10_000_000
        A cap on the kept chain entries (17 bytes each): chains are kept for
        at most ``max_chain_entries // n_people`` trials, since a trial can
        reach everyone. ``SpreadResult.keep_chains`` is the number kept.
    exact_losses : bool, default False
        With ``record="full"``, split every acting person's lost offers
        between "not carried" and "already reached" by looking at every tie.
        By default, where ties are sampled by skipping (see Notes) the split
        is estimated without bias from the ties the sampler draws anyway; its
        extra noise is part of the ``lost_*_se`` columns of
        :meth:`SpreadResult.by_hop`. Nothing else changes: the cascades, every
        other tally and the sum of the two columns are the same either way.
        Ignored with ``record="reach"``.
    delay : referral.simulate.delays.Delay, float or str, optional
        How long an acting person takes to pass the opening on, in days (a
        family from :mod:`referral.delays`; a number of days or a string with
        a unit such as ``"2 days"`` is a constant delay). Default ``None``:
        the hop model, unchanged. With a delay, whoever's message arrives
        first is a person's teller, and the result also holds arrival times
        (:meth:`SpreadResult.reach_over_time`,
        :meth:`SpreadResult.time_to_candidates`); it records reach only (as
        ``record="reach"``, whatever ``record`` says). Without ``deadline``
        and ``fanout``, the people reached in each trial are exactly the hop
        model's for the same ``seed`` (see Notes).
    deadline : float or str, optional
        The opening closes this many days after it is posted (above 0):
        people who would be told later are not reached and do not pass it
        on. Needs ``delay``.

    Returns
    -------
    SpreadResult

    Raises
    ------
    networkx.NodeNotFound
        If ``sources`` names people not in the network.
    ValueError
        If there are no sources and the network has no recruiters; if the
        per-trial records would need more than half of the machine's memory
        (a :class:`~referral.LargeRunWarning` is issued above 1 GiB); or for
        ``trials < 1``, negative ``max_hops``, ``fanout < 1``,
        ``source_activity`` outside [0, 1], ``keep_chains < 0``, an unknown
        ``record`` or a negative ``seed``; for a ``deadline`` that is not a
        positive duration or is given without ``delay``, or a ``delay`` that
        is negative, infinite or a string without a unit.
    TypeError
        For arguments of the wrong type (e.g. ``trials=2.5``, ``seed="a"``).

    Notes
    -----
    With ``delay``, every decision that does not involve time uses the hop
    model's random numbers (who acts, which ties carry, the ``fanout``
    picks), and delays draw from a stream of their own (one delay per acting
    person, or per tie with ``per="tie"``). Who is reached is then decided
    by the carrying ties alone; the delays decide when (the fastest chain of
    carrying ties) and by whom. So, without ``deadline`` and ``fanout``, each
    trial reaches the same people as the hop model with the same seed (with
    ``max_hops``, counted along the fastest chain, possibly fewer), and a
    constant delay of 1 day reproduces the hop model's per-hop counts
    exactly. Delays add a priority queue to each trial: about twice the time
    of ``record="reach"`` per trial with a delay per person, 2.3-2.5 times
    with a delay per tie (``benchmarks/results/delays.md``).

    Randomness is counter-based: person ``i`` acts in trial ``t`` iff
    ``uniform(key_t, ACT, i) < activity[i]``, and which of ``i``'s ties carry
    is drawn from uniforms ``uniform(key_t, TIE, i, c)`` that depend only on
    ``key_t``, ``i`` and ``i``'s own ties, where ``key_t`` derives from
    ``seed`` and ``t`` only. Trials therefore do not depend on ``n_jobs`` or
    on how they are split; two networks that differ only in one person's
    activity give identical trials wherever that person never held the
    opening (exact common random numbers for counterfactuals); and adding or
    removing ties changes the draws of the people whose ties changed only.

    Where few ties carry (the largest transmission ``r`` among a person's
    ties is at most 0.2), the kernel does not draw a number for every tie: it
    jumps from one candidate tie to the next by geometric skips (each tie is
    a candidate with probability ``r``) and keeps candidate ``e`` with
    probability ``transmission[e] / r`` (thinning). Every tie still carries
    independently with its own transmission, at a cost proportional to the
    ties that might carry rather than to all ties. Denser rows are drawn tie
    by tie, which is cheaper there. With ``record="full"`` the losses of a
    skipping row are classified from its candidate ties: with ``m >= 1``
    candidates of which ``k`` go to people already reached, ``d * k / m`` of
    its ``d`` ties are counted as already reached. Given ``m`` the candidates
    are a uniform random sample of the row, drawn independently of who was
    reached before, so the estimate is unbiased; and it never exceeds the
    ties that did not carry, so ``lost_not_carried`` is never negative. A row
    with no candidate is counted tie by tie if it has at most 4 ties;
    otherwise one of its ties is picked at random and ``d`` or 0 counted, as
    its contact was reached or not. Per trial and hop the estimate is rounded
    to an integer up or down without bias. ``exact_losses=True`` looks at
    every tie instead: full mode then takes 1.2-1.5 times as long on
    Barabasi-Albert networks with transmission 0.05-0.15
    (``benchmarks/results/spread.md``).

    Every tally is an integer sum, and memory does not grow with
    ``trials * people``: per-person and per-tie tallies take O(people + ties)
    per worker thread, and the per-trial arrays O(trials * depth).

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.network import from_networkx
    >>> G = nx.balanced_tree(2, 4)
    >>> net = from_networkx(G, strength=0.5, activity=0.8, recruiters=[0],
    ...                     candidates=range(15, 31))  # the leaves
    >>> result = spread(net, trials=2000, seed=42)
    >>> float(result.by_hop()["held_mean"][1].round(1))  # 2 ties, w = 0.5
    1.0
    >>> result.summary().round(2)
                       measure  estimate    se  ci_low  ci_high     n  level
    0           people_reached      4.03  0.07    3.89     4.16  2000   0.95
    1       candidates_reached      0.53  0.02    0.49     0.58  2000   0.95
    2  candidate_share_reached      0.03  0.00    0.03     0.04  2000   0.95
    3                    depth      1.92  0.03    1.85     1.99  2000   0.95
    """
    fn = "spread"
    trials, keep_chains = int(trials), int(keep_chains)
    max_chain_entries = int(max_chain_entries)
    max_hops = None if max_hops is None else int(max_hops)
    fanout = None if fanout is None else int(fanout)
    source_activity = float(source_activity)
    delay = check_delay(delay, function=fn)
    if deadline is not None:
        deadline = as_days(deadline, parameter="deadline", function=fn, positive=True)
        if delay is None:
            raise ValueError(
                f"The 'deadline' parameter of {fn} needs a 'delay': without one "
                f"the opening has no clock. Pass delay=referral.delays.constant(1) "
                f"to count each hop as a day. Got deadline={deadline!r} and "
                f"delay=None instead."
            )
    entropy = resolve_entropy(seed, function=fn)
    workers = resolve_n_jobs(n_jobs, function=fn)
    hops = 16 if max_hops is None else max_hops + 1
    check_memory(
        # trial_stats, trial_hop, and under full trial_loss twice (the blocks'
        # and the result's)
        trials
        * (8 * N_TRIAL + 4 * hops * (1 + (2 * N_LOSS if record == "full" else 0))),
        function=fn,
        what=f"the per-trial records of {trials:,} trials",
        advice="Pass fewer trials: the standard error of a mean falls as "
        "1/sqrt(trials), so 10,000 trials give it to 1% of a standard "
        "deviation; run several seeds and combine them for more.",
    )
    keep_chains = min(keep_chains, max_chain_entries // max(network.n_people, 1))

    source_ids = source_ids_of(network, sources, fn)

    key = base_key(entropy)
    full = record == "full"
    net = CascadeNetwork(
        network.indptr,
        network.indices,
        network.transmission,
        network.weak,
        network.activity,
        network.is_candidate,
        _community_codes(network),
    )
    sampler = TieSampler(*_row_tables(network))
    run = CascadeRun(
        source_ids,
        source_activity,
        key,
        -1 if max_hops is None else max_hops,
        -1 if fanout is None else fanout,
        keep_chains,
        full,
        exact_losses,
    )
    if delay is not None:
        from referral.simulate._timed_spread import run_timed

        return run_timed(
            network=network,
            net=net,
            sampler=sampler,
            run=run,
            delay=delay,
            deadline=deadline,
            trials=trials,
            workers=workers,
            progress=progress,
            entropy=entropy,
            max_hops=max_hops,
            fanout=fanout,
            source_activity=source_activity,
            keep_chains=keep_chains,
            max_chain_entries=max_chain_entries,
            exact_losses=exact_losses,
        )
    n = network.n_people
    n_entries = len(network.indices)
    n_blocks = block_count(workers, progress)
    blocks = trial_blocks(trials, n_blocks)
    trial_stats = np.zeros((trials, N_TRIAL), dtype=np.int64)

    # per-worker accumulators; integer sums make the reduction order-free
    pool: queue.SimpleQueue = queue.SimpleQueue()
    accumulators = []
    for _ in range(min(workers, len(blocks))):
        acc = (
            np.zeros((n if full else 0, 4), dtype=np.int64),
            np.zeros(n_entries if full else 0, dtype=np.int64),
        )
        accumulators.append(acc)
        pool.put(acc)

    cancel = new_cancel_flag()

    def work(start, stop):
        acc = pool.get()
        try:
            return spread_block(
                net, sampler, run, Tallies(*acc, trial_stats), start, stop, cancel
            )
        finally:
            pool.put(acc)

    outputs = run_blocks(
        work, blocks, workers, cancel=cancel, progress=progress, description=fn
    )

    depth = int(trial_stats[:, _trial_index("depth")].max())
    n_hops = depth + 1
    hop_sums = np.zeros((n_hops, len(HOP_COLUMNS)), dtype=np.int64)
    trial_hop = np.zeros((trials, n_hops), dtype=np.int32)
    trial_loss = np.zeros((trials if full else 0, n_hops, N_LOSS), dtype=np.int32)
    for (start, stop), out in zip(blocks, outputs, strict=True):
        block_hops, block_trial_hop, block_loss = out[0], out[1], out[2]
        rows = min(n_hops, block_hops.shape[0])
        hop_sums[:rows] += block_hops[:rows]
        trial_hop[start:stop, :rows] = block_trial_hop[:, :rows]
        if full:
            trial_loss[start:stop, :rows] = block_loss[:, :rows]
    chains = [np.concatenate([out[k] for out in outputs]) for k in range(3, 8)]

    if full and len(accumulators) == 1:
        person_acc, tie_credit = accumulators[0]
    else:
        person_acc = np.zeros((n, 4), dtype=np.int64)
        tie_credit = np.zeros(n_entries, dtype=np.int64)
        if full:
            for acc in accumulators:
                person_acc += acc[0]
                tie_credit += acc[1]

    return SpreadResult(
        network=network,
        sources=source_ids,
        n_trials=trials,
        max_hops=max_hops,
        fanout=fanout,
        source_activity=source_activity,
        keep_chains=keep_chains,
        record=record,
        seed_entropy=entropy,
        hop_sums=hop_sums,
        trial_hop=trial_hop,
        trial_stats=trial_stats,
        trial_loss=trial_loss,
        exact_losses=exact_losses,
        person_reached=np.ascontiguousarray(person_acc[:, 0]),
        person_hop_sum=np.ascontiguousarray(person_acc[:, 1]),
        person_hop_sq=np.ascontiguousarray(person_acc[:, 2]),
        person_credit=np.ascontiguousarray(person_acc[:, 3]),
        tie_credit=tie_credit,
        chain_trial=chains[0],
        chain_person=chains[1],
        chain_hop=chains[2],
        chain_parent=chains[3],
        chain_weak=chains[4],
        max_chain_entries=max_chain_entries,
    )


_TIE_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TIE_TABLES_LOCK = threading.Lock()


def _row_tables(network: ReferralNetwork):
    """The tie sampler's per-row skip rates and per-tie acceptance ratios,
    cached per network.

    A network is immutable, so the tables are computed once and reused by
    later runs on it (10 bytes per person and 16 per CSR entry).
    """
    with _TIE_TABLES_LOCK:
        tables = _TIE_TABLES.get(network)
    if tables is None:
        tables = row_tables(network.indptr, network.transmission)
        for table in tables:
            table.setflags(write=False)
        with _TIE_TABLES_LOCK:
            _TIE_TABLES[network] = tables
    return tables


def _community_codes(network: ReferralNetwork) -> np.ndarray:
    """The ``community`` attribute as int32 codes (empty when absent).

    Missing values (None, NaN) get ``-1``: unknown, never counted as a
    crossing, as in :func:`referral.search`.
    """
    community = network.community
    if community is None:
        return np.zeros(0, dtype=np.int32)
    codes, _ = pd.factorize(pd.Series(community, dtype=object))
    return np.ascontiguousarray(codes, dtype=np.int32)


def source_ids_of(network: ReferralNetwork, sources, function: str) -> np.ndarray:
    """The distinct source ids, in the order given (the network's recruiters
    by default)."""
    if sources is None:
        ids = network.recruiters
        if len(ids) == 0:
            raise ValueError(
                f"{function} needs sources: the 'sources' parameter is None and "
                f"the network has no recruiters. Pass sources=[...] or build "
                f"the network with recruiters."
            )
    else:
        ids = network.ids(sources, parameter="sources")
        if len(ids) == 0:
            raise ValueError(
                f"The 'sources' parameter of {function} must name at least one "
                f"person. Got {sources!r} instead."
            )
    _, first = np.unique(ids, return_index=True)
    return np.ascontiguousarray(ids[np.sort(first)], dtype=np.int32)
