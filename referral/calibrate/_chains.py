"""Attrition from search chains: full chain records, or a completed histogram.

A chain's holder forwards it or drops out. From chain records (every chain,
completed or not, with the step where it stopped) the drop-out is
identifiable: a chain that stopped by dropping out after ``L`` forwards
contributes ``L`` forwards and one drop-out; a completed chain, a dead end or
a step limit contributes its ``L`` forwards only.

From the lengths of the completed chains and the number started alone it is
not: any drop-out rate above a floor reproduces the histogram exactly with a
suitable spread of the lengths chains would have had without drop-outs.
:func:`chain_histogram` says so, and fits only under a named assumption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from referral._core.params import Interval, Options, validate_params
from referral.calibrate._fit import PARAM_COLUMNS, Fit
from referral.calibrate._profile import hessian_se, maximise, profile_interval

__all__ = ["search_chains", "chain_histogram"]

EPS = 1e-9
_OUTCOMES = ("completed", "dropped", "dead_end", "step_limit")


def _check_chains(chains, length, outcome, function):
    if not isinstance(chains, pd.DataFrame):
        raise TypeError(
            f"The 'chains' parameter of {function} must be a pandas DataFrame (the "
            f"shape of SearchResult.chains()). Got {type(chains).__name__} instead."
        )
    for parameter, column in (("length", length), ("outcome", outcome)):
        if column not in chains.columns:
            raise ValueError(
                f"The chains table has no column {column!r} (the {parameter!r} "
                f"parameter of {function}); its columns are "
                f"{[str(c) for c in chains.columns]}."
            )
    if len(chains) == 0:
        raise ValueError(f"The chains table passed to {function} is empty.")
    lengths = pd.to_numeric(chains[length], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(lengths) | (lengths < 0) | (lengths % 1 != 0))
    if len(bad):
        raise ValueError(
            f"The chains table's {length!r} column must hold whole numbers >= 0; "
            f"rows {chains.index[bad[:10]].tolist()} hold "
            f"{chains[length].iloc[bad[:10]].tolist()}."
        )
    outcomes = chains[outcome].astype(str).to_numpy()
    unknown = ~np.isin(outcomes, _OUTCOMES)
    if unknown.any():
        rows = np.flatnonzero(unknown)[:10]
        raise ValueError(
            f"The chains table's {outcome!r} column must hold one of "
            f"{list(_OUTCOMES)}; rows {chains.index[rows].tolist()} hold "
            f"{sorted(set(outcomes[rows]))}."
        )
    return lengths.astype(np.int64), outcomes


def _binomial_row(name, events, trials, level):
    """A drop-out row: MLE events/trials and its profile (likelihood-ratio)
    interval, solved exactly for a binomial."""
    if trials == 0:
        return [name, "all", np.nan, np.nan, 0.0, 1.0, level, 0]
    p = events / trials
    drop = stats.chi2.ppf(level, 1) / 2

    def ll(q):
        q = min(max(q, 1e-300), 1 - 1e-16)
        return special.xlogy(events, q) + special.xlog1py(trials - events, -q)

    top = ll(p)
    lo = (
        0.0
        if events == 0
        else optimize.brentq(lambda q: top - ll(q) - drop, 1e-300, p, xtol=1e-14)
    )
    hi = (
        1.0
        if events == trials
        else optimize.brentq(lambda q: top - ll(q) - drop, p, 1 - 1e-16, xtol=1e-14)
    )
    se = np.sqrt(p * (1 - p) / trials) if 0 < p < 1 else np.nan
    return [name, "all", p, se, lo, hi, level, int(trials)]


@validate_params(
    {
        "model": [Options(("constant", "starter+per_step", "beta_per_chain"))],
        "level": [Interval(float, 0, 1, closed="neither")],
        "length": [str],
        "outcome": [str],
    }
)
def search_chains(
    chains,
    model="starter+per_step",
    *,
    level=0.95,
    length="length",
    outcome="outcome",
) -> Fit:
    """Fit drop-out (attrition) to the records of a search experiment.

    Each holder of a chain forwards it or drops out. ``model`` says how the
    chance of dropping out is shared:

    * ``"constant"``: one chance ``dropout`` for every holder;
    * ``"starter+per_step"``: the starter drops out with ``starter_dropout``
      (starters often never begin), every later holder with
      ``dropout_per_step``;
    * ``"beta_per_chain"``: each chain has its own chance, drawn from a Beta
      distribution with mean ``dropout_mean`` and concentration
      ``dropout_concentration`` (Goel, Muhamad & Watts 2009: at the same mean
      this completes very different numbers of chains).

    Parameters
    ----------
    chains : pandas.DataFrame
        One row per chain, as :meth:`referral.SearchResult.chains` returns
        it: ``length`` (forwards made) and ``outcome`` (``completed``,
        ``dropped``, ``dead_end`` or ``step_limit``). Only ``dropped`` chains
        end with a drop-out; the others end after their forwards.
    model : {"constant", "starter+per_step", "beta_per_chain"}
        The drop-out model.
    level : float, default 0.95
        The level of the intervals.
    length, outcome : str
        The column names.

    Returns
    -------
    Fit
        ``params()`` rows ``dropout`` (constant), ``starter_dropout`` and
        ``dropout_per_step``, or ``dropout_mean`` and
        ``dropout_concentration``; ``n`` is the holders at risk.

    Raises
    ------
    ValueError
        For a missing column, an empty table, lengths that are not whole
        numbers >= 0, or unknown outcomes (the rows are named).

    Examples
    --------
    Travers & Milgram (1969): 296 starters, 217 sent the letter on.

    >>> import pandas as pd
    >>> chains = pd.DataFrame({
    ...     "length": [0] * 79 + [1] * 217,
    ...     "outcome": ["dropped"] * 79 + ["completed"] * 217})
    >>> fit = search_chains(chains)
    >>> round(float(fit.params().loc[0, "estimate"]), 3)  # 79 / 296
    0.267
    """
    fn = "search_chains"
    lengths, outcomes = _check_chains(chains, length, outcome, fn)
    level = float(level)
    dropped = outcomes == "dropped"
    if model == "constant":
        rows = [
            _binomial_row(
                "dropout", int(dropped.sum()), int(lengths.sum() + dropped.sum()), level
            )
        ]
        p = rows[0][2]
        ll = float(special.xlogy(dropped.sum(), p) + special.xlog1py(lengths.sum(), -p))
        n_params = 1
    elif model == "starter+per_step":
        # the starter (holder 0) is at risk in every chain that has not
        # ended at the start (a starter who is a target completes at 0)
        at_risk0 = int((lengths > 0).sum() + (dropped & (lengths == 0)).sum())
        drop0 = int((dropped & (lengths == 0)).sum())
        later_forwards = int(np.maximum(lengths - 1, 0).sum())
        later_drops = int((dropped & (lengths > 0)).sum())
        rows = [
            _binomial_row("starter_dropout", drop0, at_risk0, level),
            _binomial_row(
                "dropout_per_step", later_drops, later_forwards + later_drops, level
            ),
        ]
        ll = 0.0
        for (events, trials), row in zip(
            [(drop0, at_risk0), (later_drops, later_forwards + later_drops)],
            rows,
            strict=True,
        ):
            p = row[2]
            if trials:
                ll += float(
                    special.xlogy(events, p) + special.xlog1py(trials - events, -p)
                )
        n_params = 2
    else:
        rows, ll = _beta_per_chain(lengths, dropped, level)
        n_params = 2
    table = pd.DataFrame(rows, columns=PARAM_COLUMNS)
    table["n"] = table["n"].astype("int64")
    table["group"] = table["group"].astype(object)
    unpinned = table[
        (table["ci_low"] <= 1e-9)
        & (table["ci_high"] >= 1 - 1e-9)
        & table["parameter"].str.contains("dropout")
    ]
    reason = ""
    if len(unpinned):
        reason = (
            "the chains do not pin down "
            + ", ".join(unpinned["parameter"])
            + " (no holder at risk)"
        )
    return Fit(
        kind="search_chains",
        model=model,
        table=table,
        loglik=ll,
        n_params=n_params,
        identifiable=not reason,
        reason=reason,
        level=level,
    )


def _beta_per_chain(lengths, dropped, level):
    """Per-chain drop-out ~ Beta(mean m, concentration k): a chain that drops
    after L forwards has chance B(a + 1, b + L) / B(a, b); one that ends
    otherwise B(a, b + L) / B(a, b)."""
    L = lengths.astype(float)
    d = dropped.astype(float)

    def nll(x):
        m, logk = x
        k = np.exp(logk)
        a, b = m * k, (1 - m) * k
        base = special.betaln(a, b)
        ll = np.sum(
            d * special.betaln(a + 1, b + L) + (1 - d) * special.betaln(a, b + L) - base
        )
        # gradient by the digamma identities
        da = np.sum(
            d * (special.digamma(a + 1) - special.digamma(a + b + 1 + L))
            + (1 - d) * (special.digamma(a) - special.digamma(a + b + L))
            - (special.digamma(a) - special.digamma(a + b))
        )
        db = np.sum(
            d * (special.digamma(b + L) - special.digamma(a + b + 1 + L))
            + (1 - d) * (special.digamma(b + L) - special.digamma(a + b + L))
            - (special.digamma(b) - special.digamma(a + b))
        )
        gm = da * k - db * k
        gk = (da * m + db * (1 - m)) * k
        return -float(ll), -np.array([gm, gk])

    bounds = [(1e-6, 1 - 1e-6), (np.log(1e-3), np.log(1e6))]
    best = None
    for start in ([0.3, 0.0], [0.6, 2.0], [0.5, 5.0]):
        x, ll = maximise(nll, start, bounds)
        if best is None or ll > best[1]:
            best = (x, ll)
    x_hat, ll = best
    se = hessian_se(nll, x_hat, bounds)
    rows = []
    n = int(len(L))
    for j, name in enumerate(["dropout_mean", "dropout_concentration"]):
        lo, hi = profile_interval(nll, x_hat, ll, j, bounds, level)
        est, s = x_hat[j], se[j]
        if j == 1:  # report the concentration itself, not its log
            est, lo, hi, s = np.exp(est), np.exp(lo), np.exp(hi), np.exp(est) * s
        rows.append([name, "all", float(est), float(s), float(lo), float(hi), level, n])
    return rows, float(ll)


def _histogram_table(histogram, function):
    if not isinstance(histogram, pd.DataFrame):
        raise TypeError(
            f"The 'histogram' parameter of {function} must be a pandas DataFrame "
            f"with 'intermediaries' (or 'length') and 'chains'. Got "
            f"{type(histogram).__name__} instead."
        )
    cols = {str(c).lower(): c for c in histogram.columns}
    if "chains" not in cols or not ({"intermediaries", "length"} & set(cols)):
        raise ValueError(
            f"The histogram passed to {function} needs the columns 'chains' and "
            f"'intermediaries' (or 'length', forwards made); its columns are "
            f"{[str(c) for c in histogram.columns]}."
        )
    if "length" in cols:
        L = histogram[cols["length"]].to_numpy(dtype=np.int64)
    else:
        L = histogram[cols["intermediaries"]].to_numpy(dtype=np.int64) + 1
    n = histogram[cols["chains"]].to_numpy(dtype=np.int64)
    if (n < 0).any() or (L < 1).any():
        raise ValueError(
            f"The histogram passed to {function} must hold chains >= 0 and lengths "
            f">= 1 forward."
        )
    return L, n


def _survival(L, model, params):
    """Chance a chain survives L forwarding decisions."""
    if model == "constant":
        return (1 - params[0]) ** L
    m, k = params
    a, b = m * k, (1 - m) * k
    return np.exp(special.betaln(a, b + L) - special.betaln(a, b))


@validate_params(
    {
        "started": [Interval(int, 1, None)],
        "assume": [Options(("constant", "beta_per_chain")), None],
        "concentration": [Interval(float, 0, None, closed="neither")],
        "level": [Interval(float, 0, 1, closed="neither")],
    }
)
def chain_histogram(
    histogram,
    *,
    started,
    assume=None,
    concentration=2.0,
    level=0.95,
) -> Fit:
    """What a histogram of completed chain lengths says about drop-out.

    Alone, nothing definite: any drop-out above a floor reproduces the
    histogram exactly, given a suitable spread of the lengths chains would
    have had without drop-outs. The floor is the rate at which every started
    chain would have completed. The returned :class:`Fit` is therefore
    ``identifiable=False`` with that reason, and fits only under a named
    assumption about the lengths chains would have had:

    * ``assume="constant"``: every holder drops out with one chance ``r``,
      and the unattrited number of intermediaries is Poisson;
    * ``assume="beta_per_chain"``: each chain has its own drop-out chance,
      Beta with mean ``dropout_mean`` and the given ``concentration``
      (heterogeneous chains, Goel, Muhamad & Watts 2009), and the
      unattrited number of intermediaries is Poisson.

    Under an assumption, the attrition-corrected length distribution
    reweights each completed length ``L`` by one over its survival
    (Dodds, Muhamad & Watts 2003), and its median is reported.

    Parameters
    ----------
    histogram : pandas.DataFrame
        ``chains`` per ``intermediaries`` (people between starter and
        target) or per ``length`` (forwards made), e.g. a study of
        :func:`referral.datasets.empirical_chain_lengths`.
    started : int
        The number of chains started.
    assume : {"constant", "beta_per_chain"}, optional
        The named assumption to fit under. Default: none, only the verdict
        and the floor.
    concentration : float, default 2.0
        With ``"beta_per_chain"``: ``a + b`` of the per-chain Beta (smaller
        is more heterogeneous). It is an assumption, not fitted.
    level : float, default 0.95
        The level of the intervals.

    Returns
    -------
    Fit
        Always ``identifiable=False``. Without an assumption ``params()``
        has one row, ``dropout_floor`` (the lowest per-step drop-out that
        fits). Under one, ``dropout`` (or ``dropout_mean``),
        ``unattrited_mean_intermediaries`` and ``corrected_median_length``
        (forwards), with profile intervals.

    Raises
    ------
    ValueError
        If ``started`` is smaller than the completed chains, or the
        histogram lacks its columns.

    Examples
    --------
    >>> from referral.datasets import empirical_chain_lengths
    >>> h = empirical_chain_lengths().query("study == 'dodds2003'")
    >>> fit = chain_histogram(h, started=24_163)
    >>> fit.identifiable
    False
    """
    fn = "chain_histogram"
    L, n = _histogram_table(histogram, fn)
    completed = int(n.sum())
    started = int(started)
    if started < completed:
        raise ValueError(
            f"The 'started' parameter of {fn} ({started}) is smaller than the "
            f"{completed} completed chains of the histogram."
        )
    level = float(level)
    # floor: every chain would complete; sum n_L / S (1 - r)^-L = 1
    share = n / started

    def excess(r):
        return float(np.sum(share * (1 - r) ** (-L.astype(float)))) - 1

    floor = 0.0 if excess(0.0) >= 0 else optimize.brentq(excess, 0.0, 1 - 1e-12)
    reason = (
        "the completed lengths and the number started fit every per-step "
        f"drop-out of at least {100 * floor:.0f}% equally well, each with its own "
        "spread of the lengths chains would have had without drop-outs"
    )
    if assume is None:
        table = pd.DataFrame(
            [["dropout_floor", "all", floor, np.nan, floor, 1.0, level, started]],
            columns=PARAM_COLUMNS,
        )
        table["group"] = table["group"].astype(object)
        return Fit(
            kind="chain_histogram",
            model="none",
            table=table,
            loglik=np.nan,
            n_params=0,
            identifiable=False,
            reason=reason,
            level=level,
        )
    Lf = L.astype(float)
    failed = started - completed

    def unpack(x):
        lam = np.exp(x[1])
        if assume == "constant":
            return lam, (x[0],)
        return lam, (x[0], concentration)

    def loglik(x):
        lam, params = unpack(x)
        q = _poisson(Lf - 1, lam)
        p = q * _survival(Lf, assume, params)
        # chance a started chain completes at all, summed over every length
        grid = np.arange(1, 200, dtype=float)
        total = float(np.sum(_poisson(grid - 1, lam) * _survival(grid, assume, params)))
        return float(
            np.sum(special.xlogy(n, p))
            + special.xlog1py(failed, -min(total, 1 - 1e-15))
        )

    def nll(x):
        f0 = -loglik(x)
        g = np.zeros(2)
        for i in range(2):
            h = 1e-6
            e = np.zeros(2)
            e[i] = h
            lo_b, hi_b = bounds[i]
            up = min(x[i] + h, hi_b)
            dn = max(x[i] - h, lo_b)
            xu, xd = x.copy(), x.copy()
            xu[i], xd[i] = up, dn
            g[i] = (-loglik(xu) + loglik(xd)) / (up - dn)
        return f0, g

    bounds = [(1e-6, 1 - 1e-6), (np.log(0.01), np.log(50.0))]
    best = None
    for start in ([0.3, np.log(3.0)], [0.6, np.log(6.0)], [0.8, np.log(10.0)]):
        x, ll = maximise(nll, np.array(start), bounds)
        if best is None or ll > best[1]:
            best = (x, ll)
    x_hat, ll = best
    se = hessian_se(nll, x_hat, bounds)
    rows = []
    name = "dropout" if assume == "constant" else "dropout_mean"
    lo, hi = profile_interval(nll, x_hat, ll, 0, bounds, level)
    rows.append([name, "all", float(x_hat[0]), float(se[0]), lo, hi, level, started])
    lo1, hi1 = profile_interval(nll, x_hat, ll, 1, bounds, level)
    lam = float(np.exp(x_hat[1]))
    rows.append(
        [
            "unattrited_mean_intermediaries",
            "all",
            lam,
            float(lam * se[1]),
            float(np.exp(lo1)),
            float(np.exp(hi1)),
            level,
            started,
        ]
    )
    med = [
        _corrected_median(L, n, assume, v, concentration) for v in (x_hat[0], lo, hi)
    ]
    rows.append(
        [
            "corrected_median_length",
            "all",
            med[0],
            np.nan,
            min(med[1], med[2]),
            max(med[1], med[2]),
            level,
            completed,
        ]
    )
    table = pd.DataFrame(rows, columns=PARAM_COLUMNS)
    table["group"] = table["group"].astype(object)
    return Fit(
        kind="chain_histogram",
        model=assume,
        table=table,
        loglik=ll,
        n_params=2,
        identifiable=False,
        reason=reason,
        level=level,
    )


def _poisson(k, lam):
    return np.exp(k * np.log(lam) - lam - special.gammaln(k + 1))


def _corrected_median(L, n, assume, r, concentration):
    """Median forwards of the attrition-corrected histogram (weights n_L / s(L))."""
    params = (r,) if assume == "constant" else (r, concentration)
    w = n / _survival(L.astype(float), assume, params)
    order = np.argsort(L)
    cum = np.cumsum(w[order]) / w.sum()
    return float(L[order][np.searchsorted(cum, 0.5)])
