"""The result of :func:`referral.spread`: :class:`SpreadResult` and its tidy views.

A :class:`SpreadResult` holds the per-hop, per-person, per-tie and per-trial
tallies of one run and turns them into tidy :class:`pandas.DataFrame` views
(``by_hop``, ``people``, ``trials``, ``ties``, ``reach_curve``, ``chains``,
``summary``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.stats import (
    binomial_se,
    kaplan_meier,
    normal_interval,
    ratio_se,
    standard_error,
    subsample_se,
    summary_frame,
    z_for,
)
from referral._core.validation import user_stacklevel
from referral._engine.spread_kernel import (
    HOP_COLUMNS,
    LOSS_COLUMNS,
    TRIAL_COLUMNS,
)
from referral.network._referral_network import ReferralNetwork

__all__ = ["SpreadResult"]


def _hop_index(name):
    return HOP_COLUMNS.index(name)


def _trial_index(name):
    return TRIAL_COLUMNS.index(name)


def require_full(result, view: str) -> None:
    """Raise unless ``result`` kept every tally (``record="full"``).

    ``view`` names the caller in the message, e.g. ``"SpreadResult.people()"``
    or ``"dropoff"``; the analyses built on the per-person and loss
    bookkeeping call it first.
    """
    if getattr(result, "delay", None) is not None:
        raise ValueError(
            f"{view} needs the per-person and loss bookkeeping of the hop model, "
            f"but this run used delay={result.delay!r}, which records reach and "
            f"times only. Run spread(...) without delay for it (the same seed "
            f"reaches the same people when there is no deadline)."
        )
    if result.record != "full":
        raise ValueError(
            f"{view} needs the per-person and loss bookkeeping, "
            f"but this run used record={result.record!r}. Run spread(..., "
            f"record='full')."
        )


@dataclass(frozen=True, eq=False, repr=False)
class SpreadResult:
    """The outcome of :func:`spread`: integer tallies and tidy views of them.

    Do not build one directly; call :func:`spread`. Every array holds exact
    integer sums over trials, so a run can be replayed from ``seed_entropy``
    and gives the same arrays for any ``n_jobs``.

    Attributes
    ----------
    network : ReferralNetwork
        The network simulated on.
    sources : numpy.ndarray of int32
        Ids of the people who posted the opening (hop 0), without repeats.
    n_trials : int
        Number of trials run.
    max_hops : int or None
    fanout : int or None
    source_activity : float
    keep_chains : int
        Full chains are kept for trials ``0 .. keep_chains - 1`` (the number
        actually kept, after the ``max_chain_entries`` cap).
    max_chain_entries : int
        The cap on kept chain entries the run used: ``keep_chains`` is at
        most ``max_chain_entries // n_people``.
    exact_losses : bool
        Whether the split between "not carried" and "already reached" was
        counted tie by tie everywhere (see :func:`spread`); otherwise it is
        estimated, without bias, on rows sampled by skipping.
    record : {"full", "reach"}
        What was recorded (see :func:`spread`).
    seed_entropy : int
        Pass it as ``seed=`` to replay the run.
    hop_sums : numpy.ndarray of int64, shape (n_hops, 11)
        Per hop, sums over trials of the columns in
        ``referral._engine.spread_kernel.HOP_COLUMNS`` (held, acted, offered,
        arrived, did_not_act, not_carried, already_reached, hop_limit, fanout,
        new_candidates, weak_chain_candidates). Only ``held`` and
        ``new_candidates`` are filled when ``record="reach"``.
    trial_hop : numpy.ndarray of int32, shape (trials, n_hops)
        People reached at each hop, per trial.
    trial_loss : numpy.ndarray of int32, shape (trials, n_hops, 5)
        Per trial and hop, the offers lost to each cause, in the order of
        ``referral._engine.spread_kernel.LOSS_COLUMNS`` (did_not_act,
        not_carried, already_reached, hop_limit, fanout); their sums over
        trials are the matching ``hop_sums`` columns. Zero trials when
        ``record="reach"``. Unless ``exact_losses``, not_carried and
        already_reached are per-trial *estimates* where the split was sampled:
        their means and standard errors are right, but they vary more from
        trial to trial than the true counts, so do not read quantiles or
        per-trial ratios from them.
    trial_stats : numpy.ndarray of int64, shape (trials, 6)
        Per trial: reached, candidates_reached, weak_chain_candidates,
        cross_community_candidates, cross_community_weak_candidates, depth.
    person_reached, person_hop_sum, person_hop_sq, person_credit : numpy.ndarray
        Per person (int64): trials reached, sum of hop and of hop squared over
        those trials, and chain credit (candidate reaches passing through the
        person as an intermediary). Zero when ``record="reach"``.
    tie_credit : numpy.ndarray of int64, shape (n_entries,)
        Per CSR tie entry: candidate chains through it.
    chain_trial, chain_person, chain_hop, chain_parent : numpy.ndarray of int32
    chain_weak : numpy.ndarray of bool
        Every person reached in the kept trials, with hop, parent id (``-1``
        for sources) and whether its chain used a weak tie.
    delay : referral.simulate.delays.Delay or None
        The run's delays (``None``: the hop model, and the arrival arrays
        below are ``None``).
    deadline : float or None
        The deadline in days, if any.
    arrival_offsets : numpy.ndarray of int64, shape (trials + 1,)
        Trial ``t``'s arrivals are entries ``arrival_offsets[t]`` to
        ``arrival_offsets[t + 1] - 1`` of the arrays below, in order of
        arrival (16 bytes per person reached per trial).
    arrival_person, arrival_hop : numpy.ndarray of int32
        Who was reached, and the length of their first-arrival chain.
    arrival_time : numpy.ndarray of float64
        When they were reached, in days after the opening was posted.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.network import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=1.0,
    ...                     recruiters=[0])
    >>> from referral import spread
    >>> result = spread(net, trials=5, seed=1)
    >>> result.n_trials, result.by_hop()["held_mean"].tolist()
    (5, [1.0, 1.0, 1.0])
    """

    network: ReferralNetwork
    sources: np.ndarray
    n_trials: int
    max_hops: int | None
    fanout: int | None
    source_activity: float
    keep_chains: int
    record: str
    seed_entropy: int
    hop_sums: np.ndarray = field(repr=False)
    trial_hop: np.ndarray = field(repr=False)
    trial_stats: np.ndarray = field(repr=False)
    trial_loss: np.ndarray = field(repr=False)
    person_reached: np.ndarray = field(repr=False)
    person_hop_sum: np.ndarray = field(repr=False)
    person_hop_sq: np.ndarray = field(repr=False)
    person_credit: np.ndarray = field(repr=False)
    tie_credit: np.ndarray = field(repr=False)
    chain_trial: np.ndarray = field(repr=False)
    chain_person: np.ndarray = field(repr=False)
    chain_hop: np.ndarray = field(repr=False)
    chain_parent: np.ndarray = field(repr=False)
    chain_weak: np.ndarray = field(repr=False)
    max_chain_entries: int = 10_000_000
    exact_losses: bool = False
    delay: object = None
    deadline: float | None = None
    arrival_offsets: np.ndarray | None = field(default=None, repr=False)
    arrival_person: np.ndarray | None = field(default=None, repr=False)
    arrival_time: np.ndarray | None = field(default=None, repr=False)
    arrival_hop: np.ndarray | None = field(default=None, repr=False)

    def __repr__(self):
        reached = self.trial_stats[:, 0]
        return (
            f"SpreadResult(n_trials={self.n_trials}, sources={len(self.sources)}, "
            f"people_reached_mean={reached.mean():.4g}, "
            f"record={self.record!r}, seed_entropy={self.seed_entropy})"
        )

    def _repr_html_(self) -> str:
        from referral._core.html import spread_html

        return spread_html(self)

    # ------------------------------------------------------------------ views
    def by_hop(self) -> pd.DataFrame:
        """The drop-off table: one row per hop, means over trials.

        Every offer is a tie of a person reached at that hop; each offer ends
        in exactly one of: arrived, did not act, not carried, already reached,
        hop limit, fanout. So ``offered_mean`` equals ``arrived_mean`` plus the
        five ``lost_*_mean`` columns (exactly, as sums over trials).

        Returns
        -------
        pandas.DataFrame
            One row per hop from 0 (the sources) to the deepest hop reached in
            any trial. Columns:

            - ``hop`` (int64): hops from the sources.
            - ``held_mean`` (float64): mean number of people reached at this hop.
            - ``held_se`` (float64): its standard error over trials.
            - ``held_q05``, ``held_q50``, ``held_q95`` (float64): 5%, 50% and
              95% quantiles over trials of people reached at this hop.
            - ``cumulative_mean`` (float64): mean people reached at hops
              ``<= hop``.
            - ``acted_mean`` (float64): mean holders at this hop who acted.
            - ``new_candidates_mean`` (float64): mean candidates reached at
              this hop.
            - ``offered_mean`` (float64): mean ties of this hop's holders.
            - ``arrived_mean`` (float64): offers that reached a new person (at
              hop + 1).
            - ``lost_did_not_act_mean`` (float64): offers of holders who did
              not act.
            - ``lost_not_carried_mean`` (float64): offers of acting holders to
              contacts not reached by this hop whose tie did not carry.
            - ``lost_already_reached_mean`` (float64): offers to contacts
              reached at this hop or earlier, plus surplus carrying offers to a
              person reached by several tellers in the same hop.
            - ``lost_hop_limit_mean`` (float64): offers of holders at
              ``max_hops``, who do not act.
            - ``lost_fanout_mean`` (float64): unreached contacts not picked
              under ``fanout``.
            - ``lost_did_not_act_se``, ``lost_not_carried_se``,
              ``lost_already_reached_se``, ``lost_hop_limit_se``,
              ``lost_fanout_se`` (float64), each right after its
              ``lost_*_mean``: its standard error over trials. Unless the run
              used ``exact_losses=True``, "not carried" and "already
              reached" are estimated without bias on rows sampled by skipping
              (see :func:`spread`); their standard errors include that
              sampling.
            - ``weak_chain_candidates_mean`` (float64): mean candidates reached
              at this hop whose chain used at least one weak tie.

            With ``record="reach"`` the columns from ``acted_mean`` on are NaN
            except ``new_candidates_mean``. The ``lost_*_se`` columns follow
            their ``lost_*_mean``.

            A run with ``delay`` records reach only (the loss columns are
            NaN), counts hops along each person's first-arrival chain, and
            adds two columns:

            - ``time_mean`` (float64): mean day on which the people reached
              at this hop were reached (over all trials and people).
            - ``time_q50`` (float64): its median.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.balanced_tree(2, 3), strength=1.0,
        ...                     activity=1.0, recruiters=[0])
        >>> from referral import spread
        >>> spread(net, trials=10, seed=1).by_hop()[["hop", "held_mean"]]
           hop  held_mean
        0    0        1.0
        1    1        2.0
        2    2        4.0
        3    3        8.0
        """
        trials = self.n_trials
        counts = self.trial_hop.astype(np.float64)
        n_hops = counts.shape[1]
        data = {"hop": np.arange(n_hops, dtype=np.int64)}
        data["held_mean"] = counts.mean(axis=0)
        data["held_se"] = _se(counts, axis=0)
        q = np.quantile(counts, [0.05, 0.5, 0.95], axis=0)
        data["held_q05"], data["held_q50"], data["held_q95"] = q
        data["cumulative_mean"] = np.cumsum(data["held_mean"])
        sums = self.hop_sums.astype(np.float64) / trials
        full = self.record == "full"
        nan = np.full(n_hops, np.nan)
        for column, name in [
            ("acted_mean", "acted"),
            ("new_candidates_mean", "new_candidates"),
            ("offered_mean", "offered"),
            ("arrived_mean", "arrived"),
            ("lost_did_not_act_mean", "did_not_act"),
            ("lost_not_carried_mean", "not_carried"),
            ("lost_already_reached_mean", "already_reached"),
            ("lost_hop_limit_mean", "hop_limit"),
            ("lost_fanout_mean", "fanout"),
            ("weak_chain_candidates_mean", "weak_chain_candidates"),
        ]:
            if full or name == "new_candidates":
                data[column] = sums[:, _hop_index(name)]
            else:
                data[column] = nan
            if name in LOSS_COLUMNS:
                se_column = column.replace("_mean", "_se")
                if full:
                    losses = self.trial_loss[:, :, LOSS_COLUMNS.index(name)]
                    data[se_column] = _se(losses.astype(np.float64), axis=0)
                else:
                    data[se_column] = nan
        if self.delay is not None:
            hop = self.arrival_hop
            time = self.arrival_time
            total = np.bincount(hop, weights=time, minlength=n_hops)[:n_hops]
            count = np.bincount(hop, minlength=n_hops)[:n_hops]
            with np.errstate(invalid="ignore", divide="ignore"):
                data["time_mean"] = total / count
            order = np.lexsort((time, hop))
            starts = np.searchsorted(hop[order], np.arange(n_hops))
            median = np.full(n_hops, np.nan)
            for h in range(n_hops):
                if count[h]:
                    median[h] = np.median(time[order[starts[h] : starts[h] + count[h]]])
            data["time_q50"] = median
        return pd.DataFrame(data)

    def people(self) -> pd.DataFrame:
        """Per person: how often reached, how deep, and chain credit.

        Requires ``record="full"``.

        Returns
        -------
        pandas.DataFrame
            One row per person, in id order. Columns:

            - ``person`` (label dtype): the person's label.
            - ``id`` (int32): the person's id.
            - ``candidate``, ``recruiter`` (bool): roles.
            - ``reach_probability`` (float64): share of trials in which the
              person was reached (sources: 1).
            - ``reach_se`` (float64): its binomial standard error.
            - ``mean_hop`` (float64): mean hop at which the person was reached,
              over the trials that reached them (NaN if never reached).
            - ``hop_sd`` (float64): standard deviation of that hop (NaN if
              never reached).
            - ``chain_credit`` (float64): mean per trial of the number of
              candidates reached whose chain passed through this person
              strictly between the source and the candidate.
            - ``chain_share`` (float64): ``chain_credit`` divided by the mean
              number of candidates reached per trial (NaN if that is 0).

        Raises
        ------
        ValueError
            If the run used ``record="reach"``.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=1.0,
        ...                     recruiters=[0], candidates=[2])
        >>> from referral import spread
        >>> spread(net, trials=5, seed=1).people()[["id", "chain_share"]]
           id  chain_share
        0   0          0.0
        1   1          1.0
        2   2          0.0
        """
        require_full(self, "SpreadResult.people()")
        net = self.network
        trials = self.n_trials
        reached = self.person_reached.astype(np.float64)
        p = reached / trials
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_hop = self.person_hop_sum / reached
            var = self.person_hop_sq / reached - mean_hop**2
            hop_sd = np.sqrt(np.maximum(var, 0.0))
        credit = self.person_credit / trials
        mean_candidates = self.trial_stats[:, _trial_index("candidates_reached")].mean()
        share = credit / mean_candidates if mean_candidates > 0 else credit * np.nan
        return pd.DataFrame(
            {
                "person": net.labels,
                "id": np.arange(net.n_people, dtype=np.int32),
                "candidate": net.is_candidate,
                "recruiter": net.is_recruiter,
                "reach_probability": p,
                "reach_se": binomial_se(p, trials),
                "mean_hop": mean_hop,
                "hop_sd": hop_sd,
                "chain_credit": credit,
                "chain_share": share,
            }
        )

    def trials(self) -> pd.DataFrame:
        """One row per trial.

        Returns
        -------
        pandas.DataFrame
            Columns:

            - ``trial`` (int64): trial number, ``0 .. trials - 1``.
            - ``reached`` (int64): people reached, sources included.
            - ``candidates_reached`` (int64): candidates reached (a source
              who is a candidate counts).
            - ``weak_chain_candidates`` (Int64): candidates reached whose
              chain used at least one weak tie.
            - ``cross_community_candidates`` (Int64): candidates reached whose
              chain has a parent and child in different ``community`` (0 if
              the network has no ``community`` attribute).
            - ``cross_community_weak_candidates`` (Int64): of those, the ones
              whose chain used a weak tie.
            - ``depth`` (int64): the last hop at which someone was reached.

            The three ``Int64`` (nullable) columns hold ``<NA>`` when the run
            used ``record="reach"``.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0,
        ...                     recruiters=[0], candidates=[3])
        >>> from referral import spread
        >>> spread(net, trials=2, seed=1).trials()[["trial", "reached",
        ...                                        "depth"]]
           trial  reached  depth
        0      0        4      3
        1      1        4      3
        """
        stats = self.trial_stats
        data = {"trial": np.arange(self.n_trials, dtype=np.int64)}
        for k, name in enumerate(TRIAL_COLUMNS):
            column = stats[:, k].copy()
            if name in (
                "weak_chain_candidates",
                "cross_community_candidates",
                "cross_community_weak_candidates",
            ):
                column = pd.array(column, dtype="Int64")
                if self.record != "full":
                    column[:] = pd.NA
            data[name] = column
        return pd.DataFrame(data)

    def ties(self) -> pd.DataFrame:
        """Per tie: candidate chains through it. Requires ``record="full"``.

        Returns
        -------
        pandas.DataFrame
            One row per directed tie entry with nonzero credit, in CSR order.
            Columns:

            - ``source``, ``target`` (label dtype): teller and contact.
            - ``source_id``, ``target_id`` (int32): their ids.
            - ``weak`` (bool): whether the tie is weak.
            - ``chain_credit`` (float64): mean per trial of the candidates
              reached whose chain used this tie (in this direction).

        Raises
        ------
        ValueError
            If the run used ``record="reach"``.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=1.0,
        ...                     recruiters=[0], candidates=[2])
        >>> from referral import spread
        >>> spread(net, trials=5, seed=1).ties()[["source", "target",
        ...                                       "chain_credit"]]
           source  target  chain_credit
        0       0       1           1.0
        1       1       2           1.0
        """
        require_full(self, "SpreadResult.ties()")
        net = self.network
        keep = np.flatnonzero(self.tie_credit)
        src = net.tie_sources[keep]
        dst = net.indices[keep]
        return pd.DataFrame(
            {
                "source": net.labels[src],
                "target": net.labels[dst],
                "source_id": src,
                "target_id": dst,
                "weak": net.weak[keep],
                "chain_credit": self.tie_credit[keep] / self.n_trials,
            }
        )

    def reach_curve(self) -> pd.DataFrame:
        """People and candidates reached so far, by hop, with standard errors.

        The table :func:`referral.plot.plot_reach` draws.

        Returns
        -------
        pandas.DataFrame
            One row per hop from 0 (the sources). Columns:

            - ``hop`` (int64): hops from the sources.
            - ``people_mean`` (float64): mean people reached at hops
              ``<= hop`` per trial (sources included).
            - ``people_se`` (float64): its standard error over all trials
              (0 for one trial).
            - ``candidates_mean`` (float64): mean candidates reached at hops
              ``<= hop`` per trial (exact, over all trials).
            - ``candidates_se`` (float64): its standard error, estimated from
              the spread over the trials whose chains were kept
              (``keep_chains``) and scaled to all trials; NaN when fewer than
              two trials were kept.
            - ``n`` (int64): trials run (``n_trials``).

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.balanced_tree(2, 3), strength=1.0,
        ...                     activity=1.0, recruiters=[0],
        ...                     candidates=range(7, 15))
        >>> from referral import spread
        >>> spread(net, trials=10, seed=1).reach_curve()[
        ...     ["hop", "people_mean", "candidates_mean"]]
           hop  people_mean  candidates_mean
        0    0          1.0              0.0
        1    1          3.0              0.0
        2    2          7.0              0.0
        3    3         15.0              8.0
        """
        counts = np.cumsum(self.trial_hop.astype(np.float64), axis=1)
        n_hops = counts.shape[1]
        per_hop = self.hop_sums[:, _hop_index("new_candidates")] / self.n_trials
        candidates_se = np.full(n_hops, np.nan)
        kept = min(self.keep_chains, self.n_trials)
        if kept >= 2 and len(self.chain_trial):
            is_candidate = self.network.is_candidate[self.chain_person]
            found = np.zeros((kept, n_hops))
            np.add.at(
                found,
                (self.chain_trial[is_candidate], self.chain_hop[is_candidate]),
                1.0,
            )
            # the spread seen in the kept trials, for a mean over all trials
            candidates_se = subsample_se(
                np.cumsum(found, axis=1), self.n_trials, axis=0
            )
        return pd.DataFrame(
            {
                "hop": np.arange(n_hops, dtype=np.int64),
                "people_mean": counts.mean(axis=0),
                "people_se": _se(counts, axis=0),
                "candidates_mean": np.cumsum(per_hop[:n_hops]),
                "candidates_se": candidates_se,
                "n": np.full(n_hops, self.n_trials, dtype=np.int64),
            }
        )

    def chains(self) -> pd.DataFrame:
        """Full chains of the first ``keep_chains`` trials.

        Returns
        -------
        pandas.DataFrame
            One row per person reached in a kept trial, in trial then
            reach order (hop by hop). Columns:

            - ``trial`` (int64): trial number.
            - ``person`` (label dtype) and ``id`` (int32): who was reached.
            - ``hop`` (int64): at which hop.
            - ``parent`` (object): label of the person who told them
              (chosen uniformly among the tellers of that hop); ``None`` for
              sources.
            - ``parent_id`` (int32): its id, ``-1`` for sources.
            - ``via_weak_tie`` (bool): whether the chain from the source to
              this person used at least one weak tie.
            - ``candidate`` (bool): whether the person is a candidate.
            - ``time`` (float64), with ``delay`` only: the day the person
              was reached; rows are then in order of arrival within a trial,
              ``hop`` counts the first-arrival chain and ``parent`` is the
              first to arrive.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(["a", "b", "c"]), strength=1.0,
        ...                     activity=1.0, recruiters=["a"])
        >>> from referral import spread
        >>> spread(net, trials=3, keep_chains=1, seed=1).chains()
           trial person  id  hop parent  parent_id  via_weak_tie  candidate
        0      0      a   0    0   None         -1         False      False
        1      0      b   1    1      a          0         False      False
        2      0      c   2    2      b          1         False      False
        """
        net = self.network
        person = self.chain_person
        parent_id = self.chain_parent
        parent = np.empty(len(parent_id), dtype=object)
        has = parent_id >= 0
        parent[has] = net.labels[parent_id[has]]
        parent[~has] = None
        data = pd.DataFrame(
            {
                "trial": self.chain_trial.astype(np.int64),
                "person": net.labels[person],
                "id": person,
                "hop": self.chain_hop.astype(np.int64),
                "parent": pd.Series(parent, dtype=object),
                "parent_id": parent_id,
                "via_weak_tie": self.chain_weak,
                "candidate": net.is_candidate[person],
            }
        )
        if self.delay is not None:
            data["time"] = self.arrival_time[: len(person)]
        return data

    # ------------------------------------------------------------ time views
    def _require_time(self, view: str) -> None:
        if self.delay is None:
            raise ValueError(
                f"{view} needs arrival times, but this run used delay=None (the "
                f"hop model). Run spread(..., delay=referral.simulate.delays.lognormal("
                f"median=2, sigma=1)) or another delay from referral.delays; "
                f"delay=referral.simulate.delays.constant(1) counts each hop as a day."
            )

    def _times(self, times, view: str) -> np.ndarray:
        """Validated evaluation times in days (default: a grid to the end)."""
        from referral.simulate.delays import as_days

        if times is None:
            end = self.deadline
            if end is None:
                end = float(self.arrival_time.max()) if len(self.arrival_time) else 1.0
            return np.linspace(0.0, max(end, 1e-9), 41)
        if isinstance(times, str) or np.ndim(times) == 0:
            values = [times]
        elif isinstance(times, np.ndarray | pd.Series | pd.Index):
            values = np.asarray(times).ravel().tolist()
        else:
            values = list(times)
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
        if not values:
            raise ValueError(
                f"The 'times' parameter of {view} must hold at least one time. "
                f"Got {times!r} instead."
            )
        out = np.empty(len(values))
        for i, value in enumerate(values):
            if isinstance(value, float) and value == np.inf:
                out[i] = np.inf  # "in the end"
                continue
            out[i] = as_days(value, parameter="times", function=view)
        return out

    def _trial_of(self) -> np.ndarray:
        counts = np.diff(self.arrival_offsets)
        return np.repeat(np.arange(self.n_trials, dtype=np.int64), counts)

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def reach_over_time(self, times=None, level: float = 0.95) -> pd.DataFrame:
        """People and candidates reached by each time, with intervals.

        Needs a run with ``delay`` (see :func:`referral.spread`).

        Parameters
        ----------
        times : float, str or sequence of them, optional
            Days after posting (numbers, strings with a unit such as
            ``"36 hours"``, or ``inf`` for "in the end"). Default: 41 evenly
            spaced times from 0 to the deadline (or to the last arrival seen).
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Three rows per time (``measure``), in the order of ``times``:

            - ``time`` (float64): days after posting.
            - ``measure`` (object): ``people_reached`` (mean people who have
              heard of the opening by ``time``, sources included),
              ``candidates_reached`` (mean candidates who have) and
              ``candidate_share_of_final`` (those candidates as a share of
              the candidates the run reaches in the end, that is by the
              deadline or, without one, ever: the ratio of the two means;
              NaN if no candidate is ever reached).
            - ``estimate`` (float64), ``se`` (float64): the mean over trials
              (a ratio of means for the share) and its standard error
              (delta method for the share).
            - ``ci_low``, ``ci_high`` (float64): ``estimate -/+ z se``.
            - ``n`` (int64): trials.
            - ``level`` (float64): the confidence level.
            - ``deadline`` (float64): the run's deadline in days (NaN for
              none), so that "in the end" can be read off the table.

        Raises
        ------
        ValueError
            If the run had no ``delay``, or a time is negative, NaN or a
            string without a unit.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral import delays, spread
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0,
        ...                     recruiters=[0], candidates=[3])
        >>> result = spread(net, trials=10, delay=delays.constant(2), seed=1)
        >>> table = result.reach_over_time([0, 3, 6])
        >>> table[table.measure == "people_reached"][["time", "estimate"]]
           time  estimate
        0   0.0       1.0
        3   3.0       2.0
        6   6.0       4.0
        """
        view = "SpreadResult.reach_over_time"
        self._require_time(view)
        z = z_for(level, function=view)
        at = self._times(times, view)
        trial_of = self._trial_of()
        candidate = self.network.is_candidate[self.arrival_person]
        trials = self.n_trials
        final = np.bincount(trial_of[candidate], minlength=trials).astype(np.float64)
        rows = {k: [] for k in ("time", "measure", "estimate", "se")}
        for t in at:
            told = self.arrival_time <= t
            people = np.bincount(trial_of[told], minlength=trials).astype(np.float64)
            found = np.bincount(trial_of[told & candidate], minlength=trials).astype(
                np.float64
            )
            share, share_se = ratio_se(found, final)
            for name, estimate, se in (
                ("people_reached", people.mean(), _se(people)),
                ("candidates_reached", found.mean(), _se(found)),
                ("candidate_share_of_final", share, share_se),
            ):
                rows["time"].append(float(t))
                rows["measure"].append(name)
                rows["estimate"].append(float(estimate))
                rows["se"].append(float(se))
        estimate = np.asarray(rows["estimate"])
        se = np.asarray(rows["se"])
        low, high = normal_interval(estimate, se, z)
        return pd.DataFrame(
            {
                "time": np.asarray(rows["time"]),
                "measure": rows["measure"],
                "estimate": estimate,
                "se": se,
                "ci_low": low,
                "ci_high": high,
                "n": np.full(len(estimate), trials, dtype=np.int64),
                "level": np.full(len(estimate), float(level)),
                "deadline": np.full(
                    len(estimate), np.nan if self.deadline is None else self.deadline
                ),
            }
        )

    @validate_params(
        {
            "k": [Interval(int, 1, None)],
            "level": [Interval(float, 0, 1, closed="neither")],
        }
    )
    def time_to_candidates(
        self, k: int = 1, times=None, level: float = 0.95
    ) -> pd.DataFrame:
        """How long until the opening has reached ``k`` candidates.

        A survival table (Kaplan-Meier): the chance that, ``time`` days after
        posting, the opening has still reached fewer than ``k`` candidates.
        Trials that reach fewer than ``k`` candidates by the deadline are
        censored there (what happens later is not seen); without a deadline
        such trials are known never to get there, and the curve levels off
        at their share.

        Needs a run with ``delay`` (see :func:`referral.spread`).

        Parameters
        ----------
        k : int, default 1
            The number of candidates (sources who are candidates count, at
            time 0).
        times : float, str or sequence of them, optional
            Days at which to read the curve. Default: 0, every time at which
            some trial reached its ``k``-th candidate, and the deadline.
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per time. Columns:

            - ``k`` (int64): the number of candidates waited for.
            - ``time`` (float64): days after posting.
            - ``found`` (int64): trials that had reached ``k`` candidates by
              ``time``.
            - ``censored`` (int64): trials cut off by the deadline, at or
              before ``time``, with fewer than ``k`` candidates.
            - ``waiting`` (int64): the other trials (still fewer than ``k``
              candidates, not yet cut off).
            - ``estimate`` (float64): Kaplan-Meier estimate of the chance
              that the opening has reached fewer than ``k`` candidates by
              ``time`` (NaN after the deadline).
            - ``se`` (float64): Greenwood standard error.
            - ``ci_low``, ``ci_high`` (float64): the log-log interval
              ``S ** exp(+/- z se / (S |log S|))``; before the first event
              the lower end is the exact bound for no events among ``n``
              trials, ``((1 - level) / 2) ** (1 / n)``.
            - ``level`` (float64): the confidence level.
            - ``n`` (int64): trials.

        Raises
        ------
        ValueError
            If the run had no ``delay``, ``k < 1``, or a time is negative,
            NaN or a string without a unit.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral import delays, spread
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0,
        ...                     recruiters=[0], candidates=[3])
        >>> result = spread(net, trials=10, delay=delays.constant(2), seed=1)
        >>> result.time_to_candidates(times=[5, 6])[["time", "found", "estimate"]]
           time  found  estimate
        0   5.0      0       1.0
        1   6.0     10       0.0
        """
        view = "SpreadResult.time_to_candidates"
        self._require_time(view)
        z = z_for(level, function=view)
        k = int(k)
        trials = self.n_trials
        candidate = self.network.is_candidate[self.arrival_person]
        trial_of = self._trial_of()[candidate]
        time = self.arrival_time[candidate]
        # the k-th candidate's time per trial (arrivals are in time order)
        counts = np.bincount(trial_of, minlength=trials)
        starts = np.zeros(trials, dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        observed = counts >= k
        durations = np.full(trials, np.inf if self.deadline is None else self.deadline)
        durations[observed] = time[starts[observed] + k - 1]
        if times is None:
            at = np.unique(np.concatenate([[0.0], durations[observed]]))
            if self.deadline is not None:
                at = np.unique(np.append(at, self.deadline))
        else:
            at = self._times(times, view)
        estimate, se, low, high = kaplan_meier(durations, observed, at, z)
        found = (observed[None, :] & (durations[None, :] <= at[:, None])).sum(axis=1)
        censored = (~observed[None, :] & (durations[None, :] <= at[:, None])).sum(
            axis=1
        )
        return pd.DataFrame(
            {
                "k": np.full(len(at), k, dtype=np.int64),
                "time": at,
                "found": found.astype(np.int64),
                "censored": censored.astype(np.int64),
                "waiting": (trials - found - censored).astype(np.int64),
                "estimate": estimate,
                "se": se,
                "ci_low": low,
                "ci_high": high,
                "level": np.full(len(at), float(level)),
                "n": np.full(len(at), trials, dtype=np.int64),
            }
        )

    @validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Headline figures with normal confidence intervals.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the intervals, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per measure, the same columns as
            :meth:`referral.simulate._search.SearchResult.summary`; ``attrs`` holds
            ``seed_entropy`` (provenance only). Columns:

            - ``measure`` (object): ``people_reached`` (people reached per
              trial, sources included), ``candidates_reached``,
              ``candidate_share_reached`` (candidates reached over all
              candidates in the network; NaN if there are none) and ``depth``
              (last hop reached). A network without candidates gives NaN
              for the share, with a warning.
            - ``estimate`` (float64): mean over trials.
            - ``se`` (float64): standard error of the mean (0 for one
              trial).
            - ``ci_low``, ``ci_high`` (float64): ``estimate -/+ z se``, ``z``
              the normal quantile of ``level`` (1.96 for 0.95).
            - ``n`` (int64): trials the mean is over (``n_trials``).
            - ``level`` (float64): the confidence level of the intervals.

        Raises
        ------
        ValueError
            If ``level`` is not a number strictly between 0 and 1.

        Examples
        --------
        >>> import networkx as nx
        >>> from referral.network import from_networkx
        >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=1.0,
        ...                     recruiters=[0], candidates=[2])
        >>> from referral import spread
        >>> spread(net, trials=5, seed=1).summary()
                           measure  estimate   se  ci_low  ci_high  n  level
        0           people_reached       3.0  0.0     3.0      3.0  5   0.95
        1       candidates_reached       1.0  0.0     1.0      1.0  5   0.95
        2  candidate_share_reached       1.0  0.0     1.0      1.0  5   0.95
        3                    depth       2.0  0.0     2.0      2.0  5   0.95
        """
        z = z_for(level, function="SpreadResult.summary")
        stats = self.trial_stats.astype(np.float64)
        n_candidates = int(self.network.is_candidate.sum())
        if n_candidates == 0:
            warnings.warn(
                "SpreadResult.summary: candidate_share_reached is NaN because the "
                "network has no candidates; mark them (candidates=... when "
                "building the network, or a people file's 'candidate' column).",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        candidates = stats[:, _trial_index("candidates_reached")]
        share = candidates / n_candidates if n_candidates else candidates * np.nan
        measures = {
            "people_reached": stats[:, _trial_index("reached")],
            "candidates_reached": candidates,
            "candidate_share_reached": share,
            "depth": stats[:, _trial_index("depth")],
        }
        rows = []
        for name, values in measures.items():
            mean = float(values.mean())
            se = float(_se(values))
            rows.append((name, mean, se, *normal_interval(mean, se, z), self.n_trials))
        frame = summary_frame(rows, level)
        frame.attrs["seed_entropy"] = self.seed_entropy
        return frame


def _se(values, axis=None):
    # one trial: 0, as this module has always reported
    return standard_error(values, axis=axis, single=0.0)
