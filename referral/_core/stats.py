"""The statistics behind every interval the library reports: one home.

* :data:`Z95` and :func:`z_for`: the two-sided normal quantile of a
  confidence level.
* :func:`binomial_se` and :func:`wilson_interval`: a proportion's standard
  error and its Wilson score interval; :func:`proportion_interval` both at
  once from a count.
* :func:`standard_error`, :func:`mean_se` and :func:`paired_difference_se`:
  a mean over independent trials, and a difference of paired means (common
  random numbers) with the standard error of the trial-by-trial differences.
* :func:`subsample_se`: the standard error of a mean over all trials when
  the per-trial values are known for a subsample only.
* :func:`ratio_se`: a ratio of sums with its delta-method standard error.
* :func:`normal_interval`: ``estimate -/+ z se``.
* :func:`median_interval`: the distribution-free (order-statistic, binomial)
  interval of a median.
* :func:`kaplan_meier`: a survival curve under right-censoring, with
  Greenwood standard errors and log-log intervals.
* :func:`rule_of_three`, :func:`missed_by_samples`, :func:`count_interval`,
  :func:`paired_count_interval` and :func:`trials_count_interval`: the
  intervals of expected counts of targets (bounded by their number, with
  the rule of three where the samples or trials show no spread), which
  :func:`ambassadors_intervals` applies to an ambassadors table.

Every estimator in :mod:`referral.spread`, :mod:`referral.search`,
:mod:`referral.analysis` and :mod:`referral.plot` calls these, so a formula
is written once and tested once (``tests/test_stats.py`` against hand
computations and :mod:`scipy.stats`, ``tests/test_coverage.py`` by
replication).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

__all__ = [
    "Z95",
    "z_for",
    "binomial_se",
    "wilson_interval",
    "proportion_interval",
    "standard_error",
    "mean_se",
    "subsample_se",
    "paired_difference_se",
    "discordant_difference",
    "ratio_se",
    "normal_interval",
    "median_interval",
    "kaplan_meier",
    "SUMMARY_COLUMNS",
    "summary_frame",
    "table_level",
    "ci_words",
    "rule_of_three",
    "missed_by_samples",
    "count_interval",
    "paired_count_interval",
    "trials_count_interval",
    "AMBASSADORS_MEASURES",
    "ambassadors_intervals",
    "with_ambassadors_intervals",
]

#: The columns of every ``summary()`` table (``SpreadResult.summary`` and
#: ``SearchResult.summary``): the measure's name, its estimate, standard
#: error, interval, the number of observations behind it and the interval's
#: confidence level (so a sentence built from the table names the right level).
SUMMARY_COLUMNS = ["measure", "estimate", "se", "ci_low", "ci_high", "n", "level"]


def summary_frame(rows, level: float) -> pd.DataFrame:
    """The ``summary()`` table from ``(measure, estimate, se, ci_low, ci_high,
    n)`` rows at confidence ``level`` (columns :data:`SUMMARY_COLUMNS`).

    Built column by column: a frame of row tuples followed by ``astype``
    costs several times the statistics themselves.
    """
    names, estimate, se, low, high, n = (list(c) for c in zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "measure": names,
            "estimate": np.asarray(estimate, dtype=np.float64),
            "se": np.asarray(se, dtype=np.float64),
            "ci_low": np.asarray(low, dtype=np.float64),
            "ci_high": np.asarray(high, dtype=np.float64),
            "n": np.asarray(n, dtype=np.int64),
            "level": np.full(len(names), float(level)),
        }
    )


#: The two-sided 95% normal quantile, ``scipy.stats.norm.ppf(0.975)``.
Z95 = 1.959963984540054


def _check_level(level, function: str) -> float:
    if (
        isinstance(level, bool)
        or not isinstance(level, numbers.Real)
        or not 0.0 < float(level) < 1.0
    ):
        raise ValueError(
            f"The 'level' parameter of {function} must be a float strictly "
            f"between 0 and 1. Got {level!r} instead."
        )
    return float(level)


def z_for(level: float = 0.95, *, function: str = "z_for") -> float:
    """The two-sided normal quantile of a confidence level.

    Parameters
    ----------
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.
    function : str, default "z_for"
        The public function named in the error message.

    Returns
    -------
    float
        ``z`` such that a standard normal lies in ``[-z, z]`` with
        probability ``level`` (:data:`Z95` for 0.95).

    Raises
    ------
    ValueError
        If ``level`` is not a number strictly between 0 and 1.

    Examples
    --------
    >>> z_for(0.95) == Z95
    True
    >>> round(z_for(0.9), 6)
    1.644854
    """
    level = _check_level(level, function)
    if abs(level - 0.95) < 1e-12:
        return Z95
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def binomial_se(p, n):
    """Standard error of a proportion, ``sqrt(p (1 - p) / n)``.

    Parameters
    ----------
    p : float or array_like
        Observed proportion(s).
    n : float or array_like
        Number of independent observations behind each proportion.

    Returns
    -------
    float or numpy.ndarray
        NaN where ``n`` is 0.

    Examples
    --------
    >>> float(binomial_se(0.5, 100))
    0.05
    """
    p = np.asarray(p, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(n > 0, np.sqrt(p * (1.0 - p) / np.where(n > 0, n, 1.0)), np.nan)
    return se[()] if se.ndim == 0 else se


def wilson_interval(p, n, z: float = Z95):
    """Wilson score interval of a proportion.

    Parameters
    ----------
    p : float or array_like
        Observed proportion(s) ``k / n``.
    n : int
        Number of trials behind each proportion (positive).
    z : float, default :data:`Z95`
        Normal quantile of the level (see :func:`z_for`).

    Returns
    -------
    low, high : float or numpy.ndarray
        ``(centre -/+ half)`` clipped to ``[0, 1]``, with centre
        ``(p + z^2 / 2n) / (1 + z^2 / n)`` and half-width
        ``z sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n)``.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and
    statistical inference", JASA 22 (1927) 209-212.

    Examples
    --------
    >>> low, high = wilson_interval(0.0, 10)
    >>> float(low), round(float(high), 4)
    (0.0, 0.2775)
    """
    p = np.asarray(p, dtype=np.float64)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def proportion_interval(k, n, z: float = Z95) -> tuple[float, float, float, float]:
    """A proportion ``k / n`` with its standard error and Wilson interval.

    Parameters
    ----------
    k : float
        Successes.
    n : float
        Trials; for ``n == 0`` every output is NaN.
    z : float, default :data:`Z95`
        Normal quantile of the interval.

    Returns
    -------
    p, se, low, high : float
        ``k / n``, :func:`binomial_se` and :func:`wilson_interval`.

    Examples
    --------
    >>> p, se, low, high = proportion_interval(3, 10)
    >>> p, round(se, 4), round(low, 4), round(high, 4)
    (0.3, 0.1449, 0.1078, 0.6032)
    >>> proportion_interval(0, 0)
    (nan, nan, nan, nan)
    """
    if n == 0:
        return np.nan, np.nan, np.nan, np.nan
    p = k / n
    low, high = wilson_interval(p, n, z)
    return p, float(binomial_se(p, n)), low, high


def standard_error(values, axis=None, *, single: float = np.nan):
    """Standard error of a mean over independent values, ``sd / sqrt(n)``.

    Parameters
    ----------
    values : array_like
        The values (one per trial); with ``axis=0``, one row per trial.
    axis : None or 0, default None
        ``None`` for all values, ``0`` for one standard error per column.
    single : float, default NaN
        What to report when there are fewer than two values (the sample
        standard deviation is undefined there).

    Returns
    -------
    float or numpy.ndarray
        The sample standard deviation (``ddof=1``) over ``sqrt(n)``.

    Examples
    --------
    >>> float(standard_error([1.0, 2.0, 3.0, 4.0]))
    0.6454972243679028
    >>> float(standard_error([5.0], single=0.0))
    0.0
    """
    values = np.asarray(values, dtype=np.float64)
    count = values.shape[0] if axis is not None else values.size
    if count < 2:
        if axis is not None:
            return np.full(values.shape[1:], single)
        return float(single)
    se = values.std(axis=axis, ddof=1) / np.sqrt(count)
    return float(se) if axis is None else se


def mean_se(values, *, single: float = np.nan) -> tuple[float, float]:
    """Mean over independent values with its standard error.

    Parameters
    ----------
    values : array_like
        One value per trial.
    single : float, default NaN
        The standard error reported for fewer than two values.

    Returns
    -------
    mean, se : float
        The mean (NaN for no values) and :func:`standard_error`.

    Examples
    --------
    >>> mean_se([1.0, 2.0, 3.0, 4.0])
    (2.5, 0.6454972243679028)
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    mean = float(values.mean()) if len(values) else np.nan
    return mean, standard_error(values, single=single)


def subsample_se(values, n_trials, axis=None):
    """Standard error of a mean over ``n_trials``, from a subsample's spread.

    Some tallies are exact over all trials but known trial by trial only
    for the trials whose chains were kept; their spread estimates the
    standard deviation, and the mean is over all ``n_trials``.

    Parameters
    ----------
    values : array_like
        The per-trial values of the kept trials (at least two); with
        ``axis=0``, one row per kept trial.
    n_trials : int
        The trials the mean is over.
    axis : None or 0, default None
        ``None`` for all values, ``0`` for one standard error per column.

    Returns
    -------
    float or numpy.ndarray
        ``sd(values, ddof=1) / sqrt(n_trials)``.

    Examples
    --------
    >>> round(subsample_se([1.0, 2.0, 3.0], 100), 4)
    0.1
    """
    values = np.asarray(values, dtype=np.float64)
    se = values.std(axis=axis, ddof=1) / np.sqrt(n_trials)
    return float(se) if axis is None else se


def paired_difference_se(
    values, reference, *, single: float = np.nan
) -> tuple[float, float]:
    """Mean paired difference with the standard error of the differences.

    With common random numbers, trial ``t`` of two scenarios shares its
    random draws, so the differences ``values[t] - reference[t]`` are
    independent over trials and their spread, not the two scenarios'
    spreads, measures the uncertainty of the difference.

    Parameters
    ----------
    values, reference : array_like
        Per-trial values of the two scenarios, paired by position.
    single : float, default NaN
        The standard error reported for fewer than two pairs.

    Returns
    -------
    diff, se : float
        ``mean(values - reference)`` and its :func:`standard_error`.

    Examples
    --------
    >>> paired_difference_se([3.0, 5.0, 4.0], [1.0, 2.0, 3.0])
    (2.0, 0.5773502691896258)
    """
    values = np.asarray(values, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    return mean_se(values - reference, single=single)


def discordant_difference(a_only, b_only, n):
    """Difference of two paired proportions from their discordant counts.

    Over ``n`` paired observations, ``a_only`` are covered by A and not B,
    ``b_only`` by B and not A; the per-observation difference is 1, -1 or 0.

    Parameters
    ----------
    a_only, b_only : int or array_like
        Discordant counts.
    n : int
        Number of pairs (positive).

    Returns
    -------
    diff, se : float or numpy.ndarray
        ``(a_only - b_only) / n`` and ``sqrt(v / n)``, with ``v`` the
        (population) variance of the per-pair differences.

    Examples
    --------
    >>> diff, se = discordant_difference(30, 10, 100)
    >>> round(float(diff), 3), round(float(se), 4)
    (0.2, 0.06)
    """
    a_only = np.asarray(a_only, dtype=np.float64)
    b_only = np.asarray(b_only, dtype=np.float64)
    diff = (a_only - b_only) / n
    variance = np.maximum((a_only + b_only) / n - diff**2, 0.0)
    return diff, np.sqrt(variance / n)


def ratio_se(numerator, denominator) -> tuple[float, float]:
    """Ratio of sums over trials with its delta-method standard error.

    Parameters
    ----------
    numerator, denominator : array_like
        Per-trial values ``x_t`` and ``y_t``.

    Returns
    -------
    ratio, se : float
        ``R = sum(x) / sum(y)`` and
        ``sqrt(var(x - R y) / n) / mean(y)`` (sample variance, ``ddof=1``);
        NaN ratio for ``sum(y) == 0`` and NaN se for fewer than two trials.

    Notes
    -----
    The first-order Taylor (delta-method) expansion of ``mean(x) / mean(y)``
    around the true means; see for example Cochran, *Sampling Techniques*
    (1977), section 6.3.

    Examples
    --------
    >>> ratio_se([1.0, 2.0, 3.0], [2.0, 4.0, 6.0])
    (0.5, 0.0)
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    total = denominator.sum()
    if total == 0:
        return np.nan, np.nan
    ratio = numerator.sum() / total
    n = len(denominator)
    if n < 2:
        return float(ratio), np.nan
    residual = numerator - ratio * denominator
    se = np.sqrt(residual.var(ddof=1) / n) / denominator.mean()
    return float(ratio), float(se)


def normal_interval(estimate, se, z: float = Z95):
    """The normal interval ``estimate -/+ z se``.

    Parameters
    ----------
    estimate, se : float or array_like
    z : float, default :data:`Z95`

    Returns
    -------
    low, high : float or numpy.ndarray

    Examples
    --------
    >>> normal_interval(10.0, 1.0)
    (8.040036015459946, 11.959963984540053)
    """
    return estimate - z * se, estimate + z * se


def median_interval(values, level: float = 0.95) -> tuple[float, float]:
    """Distribution-free confidence interval of a median (order statistics).

    The number ``B`` of values below the true median is Binomial(m, 1/2),
    so ``[x_(j), x_(k)]`` (1-based order statistics) covers the median with
    probability ``P(j <= B <= k - 1)``. Here ``j`` is the
    ``(1 - level) / 2`` quantile of ``B`` and ``k - 1`` its upper
    ``(1 - level) / 2`` quantile (both clipped to the data), which gives at
    least ``level`` coverage for continuous data (more with ties).

    Parameters
    ----------
    values : array_like
        The sample (any order), at least one value.
    level : float, default 0.95

    Returns
    -------
    low, high : float

    Raises
    ------
    ValueError
        If ``values`` is empty or ``level`` is not strictly between 0 and 1.

    Examples
    --------
    >>> median_interval(range(1, 21))
    (6.0, 15.0)
    """
    from scipy.stats import binom

    level = _check_level(level, "median_interval")
    x = np.sort(np.asarray(values, dtype=np.float64).ravel())
    m = len(x)
    if m == 0:
        raise ValueError("median_interval needs at least one value. Got none.")
    lo = int(binom.ppf((1 - level) / 2, m, 0.5))
    hi = min(m - 1, int(binom.isf((1 - level) / 2, m, 0.5)))
    return float(x[max(lo - 1, 0)]), float(x[hi])


def kaplan_meier(durations, observed, at, z: float = Z95):
    """The Kaplan-Meier survival curve at times ``at``, with intervals.

    Parameters
    ----------
    durations : array_like of float
        Per subject, the time of its event or of its censoring (``inf`` for
        a subject known never to have the event).
    observed : array_like of bool
        Whether the event was seen (else censored at ``durations``).
    at : array_like of float
        Where to evaluate the curve.
    z : float, default :data:`Z95`

    Returns
    -------
    estimate, se, low, high : numpy.ndarray
        ``S(t) = prod over event times t_i <= t of (1 - d_i / n_i)``
        (``n_i`` subjects with duration ``>= t_i``, censoring at ``t_i``
        counted after the events), its Greenwood standard error
        ``S sqrt(sum d_i / (n_i (n_i - d_i)))``, and the log-log interval
        ``S ** exp(+/- z se / (S |log S|))`` (Kalbfleisch & Prentice). Where
        no event has happened yet (``S = 1``) the lower end is the exact
        binomial bound for no events among the ``n`` subjects,
        ``((1 - level) / 2) ** (1 / n)``; where every subject at risk had
        the event (``S = 0``) the upper end is its mirror. NaN beyond the
        last duration at which a subject was still at risk.

    Examples
    --------
    >>> est, se, low, high = kaplan_meier([1, 2, 3, 4], [True] * 4, [0, 2.5])
    >>> est.tolist()
    [1.0, 0.5]
    >>> round(float(se[1]), 4)
    0.25
    """
    durations = np.asarray(durations, dtype=np.float64)
    observed = np.asarray(observed, dtype=bool)
    at = np.atleast_1d(np.asarray(at, dtype=np.float64))
    n = len(durations)
    order = np.sort(durations)
    events = np.sort(durations[observed])
    times, deaths = np.unique(events, return_counts=True)
    at_risk = n - np.searchsorted(order, times, side="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - deaths / at_risk)
        terms = np.where(at_risk > deaths, deaths / (at_risk * (at_risk - deaths)), 0.0)
    greenwood = np.cumsum(terms)
    index = np.searchsorted(times, at, side="right") - 1
    if len(times) == 0:
        estimate = np.ones(len(at))
        variance = np.zeros(len(at))
    else:
        estimate = np.where(index >= 0, survival[np.maximum(index, 0)], 1.0)
        variance = np.where(index >= 0, greenwood[np.maximum(index, 0)], 0.0)
    se = estimate * np.sqrt(variance)
    alpha = 2.0 * _normal_sf(z)
    low = np.empty(len(at))
    high = np.empty(len(at))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(estimate)
        theta_se = np.sqrt(variance) / np.abs(log_s)
        inner = (estimate > 0) & (estimate < 1)
        low[inner] = estimate[inner] ** np.exp(z * theta_se[inner])
        high[inner] = estimate[inner] ** np.exp(-z * theta_se[inner])
    none_yet = estimate >= 1.0
    low[none_yet] = (alpha / 2) ** (1.0 / max(n, 1))
    high[none_yet] = 1.0
    gone = estimate <= 0.0
    if gone.any():
        # the subjects at risk at the last event
        last = at_risk[np.maximum(index[gone], 0)]
        low[gone] = 0.0
        high[gone] = 1.0 - (alpha / 2) ** (1.0 / np.maximum(last, 1))
    # unknown beyond the last time anyone was at risk
    horizon = order[-1] if n else -np.inf
    beyond = (at > horizon) & (estimate > 0)
    for array in (estimate, se, low, high):
        array[beyond] = np.nan
    return estimate, se, low, high


def _normal_sf(z: float) -> float:
    """The standard normal upper tail ``P(Z > z)``."""
    import math

    return 0.5 * math.erfc(z / math.sqrt(2.0))


def table_level(table) -> float:
    """The confidence level a table (or one of its rows) records.

    Tables saved before the ``level`` column existed were at 95%, so 0.95
    when the column is absent or empty.

    Examples
    --------
    >>> table_level(pd.DataFrame({"ci_low": [1.0], "level": [0.8]}))
    0.8
    >>> table_level(pd.DataFrame({"ci_low": [1.0]}))
    0.95
    """
    if isinstance(table, pd.Series):
        values = [table["level"]] if "level" in table.index else []
    else:
        values = list(table["level"]) if "level" in table.columns else []
    for value in values:
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue  # not a confidence level
        if math.isfinite(value) and 0 < value < 1:
            return value
    return 0.95


def ci_words(level: float, word: str = "CI") -> str:
    """The words a sentence names a level with (``word`` follows).

    Examples
    --------
    >>> ci_words(0.95), ci_words(0.8, "interval"), ci_words(0.999)
    ('95% CI', '80% interval', '99.9% CI')
    """
    return f"{100 * float(level):.4g}% {word}"


def rule_of_three(level: float = 0.95) -> float:
    """The rule of three's constant at ``level``: 3 at 95% (the rule as it
    is known), ``-ln(1 - level)`` otherwise.

    With ``n`` draws none of which shows an event, the event's probability
    is below ``rule_of_three(level) / n`` at ``level``.

    Examples
    --------
    >>> rule_of_three(0.95), round(rule_of_three(0.99), 4)
    (3.0, 4.6052)
    """
    return 3.0 if level == 0.95 else -math.log(1.0 - level)


def missed_by_samples(n, samples, level: float = 0.95) -> float:
    """How many of ``n`` targets ``samples`` samples that all agree could
    have missed, by the rule of three: ``min(rule_of_three(level) n /
    samples, n)`` (``n`` without samples).

    Examples
    --------
    >>> missed_by_samples(40, 1000)
    0.12
    """
    return min(rule_of_three(level) * n / samples, n) if samples > 0 else n


def _clipped_normal(estimate, se, z, low, high):
    """``estimate -/+ z se`` clipped to ``[low, high]``, elementwise."""
    below, above = normal_interval(estimate, se, z)
    return np.maximum(below, low), np.minimum(above, high)


def count_interval(estimate, se, n, samples=None, level: float = 0.95):
    """The interval of an expected count of ``n`` targets from samples.

    The normal interval clipped to ``[0, n]``. With ``samples`` (the
    number of reverse-reachable samples behind the estimate), where the
    samples show no spread (``se == 0``) at an end (``estimate`` 0 or
    ``n``), the rule of three's bound on what they could have missed
    instead: ``missed = min(rule_of_three(level) n / samples, n)`` (``n``
    without samples), so ``[0, missed]`` at 0 and ``[n - missed, n]`` at
    ``n`` (clipped at 0), never a zero-width interval.

    Parameters
    ----------
    estimate, se : float or array_like
    n : int
        Number of targets.
    samples : int, optional
        Samples behind the estimate; without them, the normal interval only.
    level : float, default 0.95

    Returns
    -------
    low, high : numpy.ndarray

    Examples
    --------
    >>> count_interval([2.0, 4.0], [0.5, 0.0], 4, samples=300)
    (array([1.02001801, 3.96      ]), array([2.97998199, 4.        ]))
    """
    estimate = np.asarray(estimate, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    low, high = _clipped_normal(estimate, se, z_for(level), 0.0, n)
    if samples is not None:
        missed = missed_by_samples(n, samples, level)
        flat = (se == 0) & ((estimate == 0.0) | (estimate == float(n)))
        top = estimate > 0
        flat_low = np.maximum(np.where(top, estimate - missed, 0.0), 0.0)
        low = np.where(flat, flat_low, low)
        high = np.where(flat, np.where(top, estimate, missed), high)
    return low, high


def paired_count_interval(difference, se, n, samples, level: float = 0.95):
    """The interval of a paired difference of two expected counts.

    The normal interval ``difference -/+ z se``. Where the samples show no
    spread (``se == 0``), the rule of three's bound ``missed`` of
    :func:`count_interval` on what ``samples`` samples could have missed:
    ``[-missed, missed]`` for a difference of 0, ``[max(d - missed, 0), d]``
    for a positive one ``d`` and its mirror image for a negative one.

    Examples
    --------
    >>> low, high = paired_count_interval([1.0, 0.0, -2.0], [0.5, 0.0, 0.0], 10, 1000)
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.02, -0.03, -2.0], [1.98, 0.03, -1.97])
    """
    difference = np.asarray(difference, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    low, high = normal_interval(difference, se, z_for(level))
    missed = missed_by_samples(n, samples, level)
    size = np.abs(difference)
    flat_low = np.maximum(size - missed, 0.0)
    flat = se == 0
    positive = difference > 0
    negative = difference < 0
    low = np.where(
        flat,
        np.where(positive, flat_low, np.where(negative, difference, -missed)),
        low,
    )
    high = np.where(
        flat,
        np.where(positive, difference, np.where(negative, -flat_low, missed)),
        high,
    )
    return low, high


def trials_count_interval(mean, se, n, trials, level: float = 0.95):
    """The interval of a mean count of ``n`` targets over ``trials`` trials.

    The normal interval clipped to ``[0, n]``. Where every trial gave the
    same count ``c`` (``se == 0``, ``trials > 0``), a trial differs with
    probability at most ``q = min(rule_of_three(level) / trials, 1)``, by at
    most ``c`` below or ``n - c`` above: ``[c (1 - q), c + (n - c) q]``.

    Examples
    --------
    >>> trials_count_interval([3.0, 2.0], [0.5, 0.0], 4, 100)
    (array([2.02001801, 1.94      ]), array([3.97998199, 2.06      ]))
    """
    mean = np.asarray(mean, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    low, high = _clipped_normal(mean, se, z_for(level), 0.0, n)
    if trials > 0:
        q = min(rule_of_three(level) / trials, 1.0)
        flat = se == 0
        low = np.where(flat, mean * (1 - q), low)
        high = np.where(flat, mean + (n - mean) * q, high)
    return low, high


#: The measures of an :func:`referral.ambassadors` table with an interval,
#: and how their interval is built (see :func:`ambassadors_intervals`).
AMBASSADORS_MEASURES = (
    "gain",
    "reach",
    "degree_reach",
    "difference",
    "spread_reach",
    "degree_spread_reach",
    "posted_reach",
)


def ambassadors_intervals(table: pd.DataFrame, level: float | None = None) -> dict:
    """The ``<measure>_ci_low`` and ``_ci_high`` columns of an
    :func:`referral.ambassadors` table, from its ``_estimate`` and ``_se``
    columns: the one place the sentences, the plot and the table take them
    from.

    ``reach`` and ``degree_reach`` (estimated on ``check_samples``
    samples): :func:`count_interval` with the rule of three; ``gain`` and
    ``posted_reach``: the normal interval clipped to ``[0, n_targets]``;
    ``difference``: :func:`paired_count_interval`; the forward check
    (``spread_reach``, ``degree_spread_reach``, over ``check_trials``
    trials): :func:`trials_count_interval`. A measure whose columns the
    table lacks is left out; without ``n_targets`` (a table built by hand)
    every interval is the plain normal one.

    Parameters
    ----------
    table : pandas.DataFrame
    level : float, optional
        Default: the table's :func:`table_level`.

    Returns
    -------
    dict of str to numpy.ndarray
        Column name to values, in the table's row order.

    Examples
    --------
    >>> table = pd.DataFrame({"reach_estimate": [3.0], "reach_se": [0.5],
    ...                       "n_targets": [4], "check_samples": [1000]})
    >>> {k: v.round(3).tolist() for k, v in ambassadors_intervals(table).items()}
    {'reach_ci_low': [2.02], 'reach_ci_high': [3.98]}
    """
    if level is None:
        level = table_level(table)
    z = z_for(level, function="ambassadors_intervals")

    def last(name, default):
        if name not in table.columns or len(table) == 0:
            return default
        value = table[name].iloc[-1]
        return value if pd.notna(value) else default

    n = last("n_targets", None)
    samples = last("check_samples", None)
    trials = last("check_trials", 0)
    out = {}
    for measure in AMBASSADORS_MEASURES:
        estimate_name, se_name = f"{measure}_estimate", f"{measure}_se"
        if estimate_name not in table.columns or se_name not in table.columns:
            continue
        estimate = table[estimate_name].to_numpy(dtype=np.float64)
        se = table[se_name].to_numpy(dtype=np.float64)
        if n is None:
            low, high = normal_interval(estimate, se, z)
        elif measure in ("reach", "degree_reach"):
            low, high = count_interval(estimate, se, int(n), samples, level)
        elif measure == "difference" and samples is not None:
            low, high = paired_count_interval(estimate, se, int(n), samples, level)
        elif measure in ("spread_reach", "degree_spread_reach"):
            low, high = trials_count_interval(estimate, se, int(n), int(trials), level)
        elif measure == "difference":
            low, high = normal_interval(estimate, se, z)
        else:
            low, high = _clipped_normal(estimate, se, z, 0.0, int(n))
        out[f"{measure}_ci_low"] = np.asarray(low, dtype=np.float64)
        out[f"{measure}_ci_high"] = np.asarray(high, dtype=np.float64)
    return out


def with_ambassadors_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the interval columns of :func:`ambassadors_intervals`
    it lacks (a table saved before they existed, or built by hand); the
    columns it has are kept as they are.

    Examples
    --------
    >>> table = pd.DataFrame({"gain_estimate": [2.0], "gain_se": [0.5]})
    >>> with_ambassadors_intervals(table).columns.tolist()
    ['gain_estimate', 'gain_se', 'gain_ci_low', 'gain_ci_high']
    """
    missing = {
        name: values
        for name, values in ambassadors_intervals(table).items()
        if name not in table.columns
    }
    return table.assign(**missing) if missing else table
