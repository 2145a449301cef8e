"""Participation and a branching factor from a referral log without a network."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from referral._core.params import Interval, validate_params
from referral.calibrate._cascades import fit_trees, read_trees
from referral.calibrate._chains import _binomial_row
from referral.calibrate._fit import PARAM_COLUMNS, Fit

__all__ = ["referral_counts"]


def _mean_of(lam):
    """Mean of a zero-truncated Poisson(lam)."""
    return lam / -np.expm1(-lam)


def _ztp_loglik(lam, total, people):
    """Zero-truncated Poisson log-likelihood (without the factorials)."""
    return total * np.log(lam) - people * (lam + np.log(-np.expm1(-lam)))


@validate_params(
    {
        "eligible": [Interval(int, 1, None), None],
        "level": [Interval(float, 0, 1, closed="neither")],
        "referrer": [str],
        "referred": [str],
        "min_size": [Interval(int, 1, None), None],
    }
)
def referral_counts(
    log,
    *,
    eligible=None,
    referrer="referrer",
    level=0.95,
    min_size=None,
    referred="referred",
) -> Fit:
    """Participation, referrals per participant and the branching factor.

    For an applicant-tracking export with no network: one row per referral,
    naming the referrer. Among the ``eligible`` people who could refer, a
    share ``participation`` referred anyone; a participant's number of
    referrals is modelled as zero-truncated Poisson (so people who referred
    nobody are the excess zeros of the whole count); the branching factor is
    the mean referrals per eligible person, ``participation`` times the
    participants' mean. All intervals are profile-likelihood intervals; the
    branching factor's is profiled over both parts.

    With ``min_size``, the log holds whole referral trees (who referred whom)
    and keeps only trees of at least ``min_size`` people, as logs that only
    keep cascades big enough to be noticed do. Everyone in a kept tree is
    then someone who could refer (``eligible`` is not used), and each tree's
    chance is divided by the chance that a tree grown by the same model
    reaches ``min_size`` (Golub & Jackson, PNAS 2010); without that, busy
    referrers are over-represented and the branching factor comes out too
    high.

    Parameters
    ----------
    log : pandas.DataFrame
        One row per referral, with the column named by ``referrer``.
    eligible : int, optional
        The people who could have referred (at least the referrers).
        Required unless ``min_size`` is given.
    referrer : str, default "referrer"
        The column naming who referred.
    level : float, default 0.95
        The level of the intervals.
    min_size : int, optional
        The log keeps only referral trees of at least this many people
        (counting the person who started it).
    referred : str, default "referred"
        With ``min_size``: the column naming who was referred.

    Returns
    -------
    Fit
        ``params()`` rows ``participation``, ``referrals_per_participant``
        and ``branching_factor``.

    Raises
    ------
    ValueError
        For a missing column, an empty log or ``eligible`` below the number
        of referrers (or missing without ``min_size``, or given with it);
        with ``min_size``, for a person referred twice, referrals in a
        circle, or a tree smaller than ``min_size``.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"referrer": ["a", "a", "b", "c"]})
    >>> fit = referral_counts(log, eligible=10)
    >>> fit.params()[["parameter", "estimate"]].round(3)
                       parameter  estimate
    0              participation     0.300
    1  referrals_per_participant     1.333
    2           branching_factor     0.400

    A log that keeps only referral trees of at least three people:

    >>> trees = pd.DataFrame({"referrer": ["a", "a", "b", "x", "y"],
    ...                       "referred": ["b", "c", "d", "y", "z"]})
    >>> fit = referral_counts(trees, min_size=3)
    >>> fit.params()[["parameter", "n"]]
                       parameter  n
    0              participation  7
    1  referrals_per_participant  4
    2           branching_factor  7
    """
    fn = "referral_counts"
    if not isinstance(log, pd.DataFrame):
        raise TypeError(
            f"The 'log' parameter of {fn} must be a pandas DataFrame. Got "
            f"{type(log).__name__} instead."
        )
    if referrer not in log.columns:
        raise ValueError(
            f"The log has no column {referrer!r} (the 'referrer' parameter of {fn}); "
            f"its columns are {[str(c) for c in log.columns]}."
        )
    if len(log) == 0:
        raise ValueError(f"The log passed to {fn} is empty.")
    if min_size is not None:
        if eligible is not None:
            raise ValueError(
                f"The 'eligible' parameter of {fn} is not used with min_size=: "
                f"everyone in a kept referral tree could refer. Leave it out."
            )
        offspring, n_trees = read_trees(
            log,
            referrer=referrer,
            referred=referred,
            min_size=int(min_size),
            function=fn,
        )
        table, ll = fit_trees(offspring, n_trees, int(min_size), float(level))
        table["group"] = table["group"].astype(object)
        table["n"] = table["n"].astype("int64")
        return Fit(
            kind="referral_counts",
            model="zero_truncated_poisson_trees",
            table=table,
            loglik=ll,
            n_params=2,
            identifiable=True,
            reason="",
            level=float(level),
        )
    if eligible is None:
        raise ValueError(
            f"{fn} needs eligible= (the people who could have referred) unless "
            f"min_size= is given."
        )
    counts = log[referrer].value_counts()
    people, total = int(len(counts)), int(counts.sum())
    eligible = int(eligible)
    if eligible < people:
        raise ValueError(
            f"The 'eligible' parameter of {fn} ({eligible}) is smaller than the "
            f"{people} people who referred someone."
        )
    level = float(level)
    drop = stats.chi2.ppf(level, 1) / 2
    part = _binomial_row("participation", people, eligible, level)
    p_hat = part[2]

    # zero-truncated Poisson: the mean per participant is total / people
    xbar = total / people
    if xbar <= 1:
        lam_hat = 1e-12
    else:
        lam_hat = optimize.brentq(lambda v: _mean_of(v) - xbar, 1e-12, xbar + 10)
    ll_lam = _ztp_loglik(lam_hat, total, people)

    def lam_end(a, b):
        return optimize.brentq(
            lambda v: ll_lam - _ztp_loglik(v, total, people) - drop, a, b
        )

    lam_lo = 1e-12 if xbar <= 1 else lam_end(1e-12, lam_hat)
    lam_hi = lam_end(lam_hat, lam_hat * 10 + 10)
    mean_row = [
        "referrals_per_participant",
        "all",
        xbar,
        np.nan,
        float(_mean_of(lam_lo)) if lam_lo > 1e-11 else 1.0,
        float(_mean_of(lam_hi)),
        level,
        people,
    ]

    def ll_p(p):
        return special.xlogy(people, p) + special.xlog1py(eligible - people, -p)

    ll_max = ll_p(p_hat) + ll_lam

    def profile(r):
        # maximise over participation with the mean per participant r / p
        def neg(p):
            m = r / p
            if m <= 1:
                return np.inf
            lam = optimize.brentq(lambda v: _mean_of(v) - m, 1e-12, m + 10)
            return -(ll_p(p) + _ztp_loglik(lam, total, people))

        res = optimize.minimize_scalar(
            neg,
            bounds=(r / 1e6 + 1e-12, min(r, 1.0)),
            method="bounded",
            options={"xatol": 1e-10},
        )
        return -res.fun

    r_hat = p_hat * xbar
    lo = optimize.brentq(lambda r: ll_max - profile(r) - drop, r_hat * 1e-3, r_hat)
    hi_edge = r_hat * 2
    while ll_max - profile(hi_edge) < drop:
        hi_edge *= 2
    hi = optimize.brentq(lambda r: ll_max - profile(r) - drop, r_hat, hi_edge)
    branch = ["branching_factor", "all", r_hat, np.nan, lo, hi, level, eligible]
    table = pd.DataFrame([part, mean_row, branch], columns=PARAM_COLUMNS)
    table["group"] = table["group"].astype(object)
    table["n"] = table["n"].astype("int64")
    return Fit(
        kind="referral_counts",
        model="zero_truncated_poisson",
        table=table,
        loglik=float(ll_max),
        n_params=2,
        identifiable=True,
        reason="",
        level=level,
    )
