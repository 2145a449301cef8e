"""Referral trees kept only when big enough: the Golub & Jackson correction.

Every person in a referral tree refers nobody with probability ``1 - p``
and otherwise a zero-truncated Poisson(``lam``) number of people (the model
of :func:`referral_counts`), independently: a Galton-Watson tree. A log that
keeps only trees of at least ``min_size`` people over-represents busy
referrers (Golub & Jackson, PNAS 2010). Conditioning on the tree being kept
corrects it: each kept tree's chance is divided by ``P(size >= min_size)``,
where ``P(size = n) = (1 / n) [s^(n-1)] G(s)^n`` (Dwass's formula; ``G`` the
referral-count generating function).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from referral.calibrate._fit import PARAM_COLUMNS
from referral.network._labels import describe_labels

__all__ = ["read_trees", "fit_trees"]


def read_trees(log, *, referrer, referred, min_size, function):
    """Each person's referral count, and each tree's size, from the log."""
    for parameter, column in (("referrer", referrer), ("referred", referred)):
        if column not in log.columns:
            raise ValueError(
                f"The log has no column {column!r} (the {parameter!r} parameter of "
                f"{function}, needed with min_size=); its columns are "
                f"{[str(c) for c in log.columns]}."
            )
    src = log[referrer].tolist()
    dst = log[referred].tolist()
    twice = pd.Series(dst).duplicated(keep=False).to_numpy()
    if twice.any():
        raise ValueError(
            f"The log names people referred more than once (rows "
            f"{', '.join(map(str, log.index[twice][:10]))}); in a referral tree "
            f"each person is referred once."
        )
    parent = dict(zip(dst, src, strict=True))
    people = list(dict.fromkeys(src + dst))
    counts = pd.Series(src).value_counts()
    offspring = np.array([int(counts.get(p, 0)) for p in people], dtype=np.int64)
    root = {}
    for p in people:
        path, q = [], p
        while q in parent and q not in root:
            path.append(q)
            q = parent[q]
            if len(path) > len(people):
                raise ValueError(
                    f"The log's referrals run in a circle (through {p!r}); a "
                    f"referral tree has someone who started it."
                )
        r = root.get(q, q)
        for x in path + [q]:
            root[x] = r
    sizes = pd.Series([root[p] for p in people]).value_counts()
    small = sizes[sizes < min_size]
    if len(small):
        raise ValueError(
            f"The log has {len(small)} referral tree(s) smaller than min_size="
            f"{min_size} (started by {describe_labels(list(small.index))}); a log "
            f"that keeps only trees of at least {min_size} people cannot hold them."
        )
    return offspring, int(len(sizes))


def _log_kept(p, lam, min_size):
    """log P(tree size >= min_size)."""
    if min_size <= 1:
        return 0.0
    d = min_size - 1
    c = np.arange(d)
    pmf = np.empty(d)
    pmf[0] = 1 - p
    with np.errstate(divide="ignore"):
        log_ztp = (c[1:] * np.log(lam) - lam - special.gammaln(c[1:] + 1)) - np.log(
            -np.expm1(-lam)
        )
    pmf[1:] = p * np.exp(log_ztp)
    power = np.convolve(np.r_[1.0, np.zeros(d - 1)], pmf)[:d]
    # P(size >= 2) = p exactly; subtract P(size = n) for n = 2 .. min_size - 1
    # (each carries a factor p), so a small chance keeps its precision
    kept = p
    for n in range(2, min_size):
        power = np.convolve(power, pmf)[:d]
        kept -= power[n - 1] / n
    if not kept > 1e-10 * p:
        return np.inf  # below what double precision can resolve
    return float(np.log(kept))


def _loglik(p, lam, offspring, n_trees, min_size):
    zero = offspring == 0
    pos = offspring[~zero]
    ll = special.xlog1py(int(zero.sum()), -p) + special.xlogy(len(pos), p)
    ll += float(
        np.sum(pos * np.log(lam) - special.gammaln(pos + 1))
        - len(pos) * (lam + np.log(-np.expm1(-lam)))
    )
    kept = _log_kept(p, lam, min_size)
    if not np.isfinite(kept):
        return -1e12  # far below any maximum: outside what can be evaluated
    return ll - n_trees * kept


def _mean_of(lam):
    return lam / -np.expm1(-lam)


def fit_trees(offspring, n_trees, min_size, level):
    """The three rows of :func:`referral_counts` under the size cut-off."""
    drop = stats.chi2.ppf(level, 1) / 2
    lam_top = float(max(offspring.max(), 1)) * 5 + 10

    def nll(v):
        return -_loglik(v[0], v[1], offspring, n_trees, min_size)

    best = None
    for start in ([0.3, 1.0], [0.7, 3.0]):
        res = optimize.minimize(
            nll,
            start,
            method="L-BFGS-B",
            bounds=[(1e-9, 1 - 1e-9), (1e-9, lam_top)],
        )
        if best is None or res.fun < best.fun:
            best = res
    res = optimize.minimize(
        nll, best.x, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}
    )
    p_hat, lam_hat = np.clip(res.x, [1e-9, 1e-9], [1 - 1e-9, lam_top])
    ll_max = -nll([p_hat, lam_hat])

    def prof_p(p):
        r = optimize.minimize_scalar(
            lambda t: nll([p, np.exp(t)]),
            bounds=(np.log(1e-9), np.log(lam_top)),
            method="bounded",
            options={"xatol": 1e-7},
        )
        return -r.fun

    def prof_lam(lam):
        r = optimize.minimize_scalar(
            lambda q: nll([q, lam]),
            bounds=(1e-9, 1 - 1e-9),
            method="bounded",
            options={"xatol": 1e-8},
        )
        return -r.fun

    def prof_r(rate):
        # participation p = rate / mean(lam) must stay in (0, 1)
        def neg(t):
            lam = np.exp(t)
            p = rate / _mean_of(lam)
            return np.inf if not 0 < p < 1 else nll([p, lam])

        lo_t = np.log(max(1e-9, _lam_for_mean(max(rate, 1 + 1e-9))))
        r = optimize.minimize_scalar(
            neg,
            bounds=(lo_t, np.log(lam_top)),
            method="bounded",
            options={"xatol": 1e-7},
        )
        return -r.fun

    def interval(prof, centre, lo_edge, hi_edge):
        ends = []
        for edge in (lo_edge, hi_edge):
            if ll_max - prof(edge) < drop:
                ends.append(edge)
            else:
                ends.append(
                    optimize.brentq(
                        lambda v: ll_max - prof(v) - drop, centre, edge, xtol=1e-9
                    )
                )
        return min(ends), max(ends)

    p_lo, p_hi = interval(prof_p, p_hat, 1e-9, 1 - 1e-9)
    l_lo, l_hi = interval(prof_lam, lam_hat, 1e-9, lam_top)
    r_hat = p_hat * _mean_of(lam_hat)
    r_lo, r_hi = interval(prof_r, r_hat, r_hat * 1e-3, r_hat * 10)
    n_people = len(offspring)
    n_part = int((offspring > 0).sum())
    rows = [
        ["participation", "all", p_hat, np.nan, p_lo, p_hi, level, n_people],
        [
            "referrals_per_participant",
            "all",
            _mean_of(lam_hat),
            np.nan,
            _mean_of(l_lo),
            _mean_of(l_hi),
            level,
            n_part,
        ],
        ["branching_factor", "all", r_hat, np.nan, r_lo, r_hi, level, n_people],
    ]
    table = pd.DataFrame(rows, columns=PARAM_COLUMNS)
    return table, float(ll_max)


def _lam_for_mean(m):
    """The ``lam`` whose zero-truncated Poisson has mean ``m`` (> 1)."""
    return optimize.brentq(lambda v: _mean_of(v) - m, 1e-12, m + 10)
