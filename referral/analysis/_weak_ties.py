"""How much of a spread's or a search's success runs over weak ties.

:func:`weak_tie_share` reads it from a :class:`referral.SpreadResult` or a
:class:`referral.SearchResult`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.renamed import with_old_names
from referral._core.stats import (
    binomial_se,
    normal_interval,
    subsample_se,
    wilson_interval,
    z_for,
)
from referral._core.stats import ratio_se as _ratio_se
from referral.simulate._search import SearchResult
from referral.simulate._spread import SpreadResult
from referral.simulate._spread_result import require_full

__all__ = ["weak_tie_share"]


# ------------------------------------------------------------------ weak ties
@validate_params({"level": [Interval(float, 0, 1, closed="neither")]})
def weak_tie_share(
    result: SpreadResult | SearchResult, *, level: float = 0.95
) -> pd.DataFrame:
    """How much of the success runs over weak ties.

    For a spread, a successful chain is the chain (parent path) to a
    candidate reached; for a search, a completed chain.

    Parameters
    ----------
    result : SpreadResult or SearchResult
        A spread run with ``record="full"``, or a search.
    level : float, default 0.95
        Confidence level of the intervals, strictly between 0 and 1.

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
        - ``estimate`` (float64): the share ``via_weak / chains``.
        - ``se`` (float64): its standard error. Spread: the delta
          method over trials (a ratio of per-trial sums); for ``by hop``
          rows its variance comes from the trials whose chains were kept
          (``keep_chains``; binomial if fewer than two of them reached a
          candidate at that hop). Search: binomial over chains.
        - ``kind`` (object): ``"spread"`` or ``"search"``, the run the
          table comes from (so a table read back from CSV plots the same).
        - ``ci_low``, ``ci_high`` (float64): the share's interval at
          ``level``: Wilson's where ``se`` is binomial, otherwise
          ``estimate -+ z * se`` kept within [0, 1]; NaN with the share.
        - ``level`` (float64): the confidence level of the interval.

        The old names ``share`` and ``share_se`` still read ``estimate``
        and ``se`` for one release, with a :class:`FutureWarning`.

    Raises
    ------
    TypeError
        If ``result`` is neither a SpreadResult nor a SearchResult.
    ValueError
        For a spread run with ``record="reach"``, or a ``level`` not in
        (0, 1).

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx, spread
    >>> net = from_networkx(nx.path_graph(3), strength=0.2, transmission=1.0,
    ...                     activity=1.0, recruiters=[0], candidates=[2])
    >>> float(weak_tie_share(spread(net, trials=10, seed=1))["estimate"].iloc[0])
    1.0
    """
    z = z_for(level, function="weak_tie_share")
    rows = []
    counts = []  # per row: the binomial count behind a Wilson interval, or NaN

    def binomial(scope, hop, chains, via, per=1.0):
        share = via / chains if chains else np.nan
        count = chains * per
        se = float(binomial_se(share, count)) if count else np.nan
        rows.append((scope, hop, chains, via, share, se))
        counts.append(count if count else np.nan)

    if isinstance(result, SpreadResult):
        require_full(result, "weak_tie_share")
        trials = result.trials()

        def ratio_row(scope, total_col, weak_col):
            total = trials[total_col].to_numpy(np.float64)
            weak = trials[weak_col].to_numpy(np.float64)
            share, se = _ratio_se(weak, total)
            rows.append((scope, -1, total.mean(), weak.mean(), share, se))
            counts.append(np.nan)

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
                se = subsample_se(x - share * y, result.n_trials) / chains
                rows.append(("by hop", int(hop), float(chains), float(via), share, se))
                counts.append(np.nan)
        if result.network.community is None:
            rows.append(("cross-community", -1, np.nan, np.nan, np.nan, np.nan))
            counts.append(np.nan)
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
            counts.append(np.nan)
    else:
        raise TypeError(
            f"weak_tie_share expects a SpreadResult or a SearchResult. Got "
            f"{type(result).__name__}."
        )
    table = pd.DataFrame(
        rows, columns=["scope", "hop", "chains", "via_weak", "estimate", "se"]
    ).astype({"hop": "int64", "chains": "float64", "via_weak": "float64"})
    table["kind"] = "spread" if isinstance(result, SpreadResult) else "search"
    table["ci_low"], table["ci_high"] = _share_intervals(
        table["estimate"].to_numpy(np.float64),
        table["se"].to_numpy(np.float64),
        np.asarray(counts, dtype=np.float64),
        z,
    )
    table["level"] = float(level)
    return with_old_names(table, "weak_tie_share")


def _share_intervals(share, se, counts, z):
    """Wilson where ``counts`` is a binomial count, else a normal interval
    kept within [0, 1]; NaN where the share is NaN."""
    with np.errstate(invalid="ignore"):
        low, high = normal_interval(share, se, z)
        low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    for i in np.flatnonzero(np.isfinite(counts) & np.isfinite(share)):
        low[i], high[i] = wilson_interval(share[i], counts[i], z)
    return low, high


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
