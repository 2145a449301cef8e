"""Delays: how long a person takes to pass an opening on.

Pass one of these to ``spread(..., delay=...)`` to turn hops into days. A
person who acts passes the opening on after a random delay drawn from the
family (``per="person"``, the default: one delay per acting person, who
tells all the contacts they tell at once, as a person forwarding an e-mail
does), or each tie gets its own delay (``per="tie"``: the contacts hear at
different times, as when a person mentions the opening to each one when
they next meet). Times are in days: numbers are days, and strings must name
their unit (``"36 hours"``, ``"2 weeks"``).

* :func:`lognormal` (``median``, ``sigma``): the heavy-tailed response times
  of tracked e-mail campaigns (Iribarren & Moro 2009);
* :func:`exponential` (``mean``);
* :func:`weibull` (``shape``, ``scale``);
* :func:`gamma` (``shape``, ``scale``);
* :func:`constant` (``days``): every delay the same (``constant(1)`` is the
  hop model with hops as days);
* :func:`empirical` (``samples``): resampled from observed delays;
* :func:`attribute` (``name``): each person's own delay, read from a person
  attribute of the network.

:func:`fit` chooses among lognormal, Weibull and exponential delays for
observed forwarding times, counting the people who had not forwarded yet
when the log was exported (right-censoring).

Delays draw from their own random stream: they change when people are told
and by whom, never who acts or which ties carry.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Delay",
    "lognormal",
    "exponential",
    "weibull",
    "gamma",
    "constant",
    "empirical",
    "attribute",
    "from_text",
    "fit",
]

# family codes the timed kernel reads (referral._engine.timed_kernel)
CONSTANT, EXPONENTIAL, WEIBULL, LOGNORMAL, GAMMA, EMPIRICAL, ATTRIBUTE = range(7)
_PERS = ("person", "tie")
_UNITS = {
    "s": 1 / 86400,
    "sec": 1 / 86400,
    "second": 1 / 86400,
    "seconds": 1 / 86400,
    "min": 1 / 1440,
    "minute": 1 / 1440,
    "minutes": 1 / 1440,
    "h": 1 / 24,
    "hr": 1 / 24,
    "hour": 1 / 24,
    "hours": 1 / 24,
    "d": 1.0,
    "day": 1.0,
    "days": 1.0,
    "w": 7.0,
    "week": 7.0,
    "weeks": 7.0,
}
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]+)\s*$")


def as_days(value, *, parameter: str, function: str, positive: bool = False) -> float:
    """A duration in days from a number, a string with a unit or a timedelta.

    Parameters
    ----------
    value : float, str, datetime.timedelta or numpy.timedelta64
        Numbers are days; strings name their unit (``"36 hours"``).
    parameter, function : str
        Named in the error message.
    positive : bool, default False
        Require a value above 0 (else at least 0).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For a negative (or, with ``positive``, zero), infinite or NaN value,
        or a string without a known unit.
    TypeError
        For anything else.

    Examples
    --------
    >>> as_days("36 hours", parameter="deadline", function="spread")
    1.5
    >>> as_days(14, parameter="deadline", function="spread")
    14.0
    """
    rule = "a positive" if positive else "a non-negative"
    what = (
        f"The {parameter!r} parameter of {function} must be {rule} finite number "
        f"of days, a string with a unit such as '14 days' or '36 hours', or a "
        f"timedelta."
    )
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None or match.group(2).lower() not in _UNITS:
            raise ValueError(
                f"{what} Got {value!r} instead: a string needs a number and a "
                f"unit (seconds, minutes, hours, days or weeks)."
            )
        days = float(match.group(1)) * _UNITS[match.group(2).lower()]
    elif isinstance(value, datetime.timedelta):
        days = value.total_seconds() / 86400
    elif isinstance(value, np.timedelta64):
        days = float(value / np.timedelta64(1, "s")) / 86400
    elif isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        days = float(value)
    else:
        raise TypeError(f"{what} Got {value!r} instead.")
    if not math.isfinite(days) or days < 0 or (positive and days == 0):
        raise ValueError(f"{what} Got {value!r} instead.")
    return days


@dataclass(frozen=True, eq=False)
class Delay:
    """A delay family: how long an acting person takes to pass an opening on.

    Build one with :func:`lognormal`, :func:`exponential`, :func:`weibull`,
    :func:`gamma`, :func:`constant`, :func:`empirical` or :func:`attribute`.

    Attributes
    ----------
    family : str
        ``"lognormal"``, ``"exponential"``, ``"weibull"``, ``"gamma"``,
        ``"constant"``, ``"empirical"`` or ``"attribute"``.
    params : dict
        The family's parameters, in days where they are durations.
    per : {"person", "tie"}
        One delay per acting person, or one per tie that carries.
    samples : numpy.ndarray
        The sorted observed delays (``empirical`` only).

    Examples
    --------
    >>> lognormal(median=2, sigma=1)
    Delay(lognormal, median=2.0, sigma=1.0, per='person')
    """

    family: str
    params: dict
    per: str = "person"
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def __repr__(self) -> str:
        parts = [f"{k}={v!r}" for k, v in self.params.items()]
        if self.family == "empirical":
            parts = [f"{len(self.samples)} samples"]
        return f"Delay({self.family}, {', '.join(parts)}, per={self.per!r})"

    @property
    def _code(self) -> int:
        """The family's code for the kernel."""
        return {
            "constant": CONSTANT,
            "exponential": EXPONENTIAL,
            "weibull": WEIBULL,
            "lognormal": LOGNORMAL,
            "gamma": GAMMA,
            "empirical": EMPIRICAL,
            "attribute": ATTRIBUTE,
        }[self.family]

    def _kernel_params(self) -> tuple[float, float]:
        """The two numbers the kernel reads (see ``_engine.timed_kernel``)."""
        p = self.params
        if self.family == "constant":
            return p["days"], 0.0
        if self.family == "exponential":
            return p["mean"], 0.0
        if self.family == "lognormal":
            return p["median"], p["sigma"]
        if self.family in ("weibull", "gamma"):
            return p["shape"], p["scale"]
        return 0.0, 0.0

    def distribution(self):
        """The family as a frozen :mod:`scipy.stats` distribution (days).

        Returns
        -------
        scipy.stats.rv_frozen or None
            ``None`` for :func:`attribute` (each person has their own delay).
            :func:`constant` is a degenerate uniform on one point and
            :func:`empirical` the discrete distribution of its samples.

        Examples
        --------
        >>> round(float(exponential(mean=2).distribution().mean()), 6)
        2.0
        """
        from scipy import stats

        p = self.params
        if self.family == "lognormal":
            return stats.lognorm(s=p["sigma"], scale=p["median"])
        if self.family == "exponential":
            return stats.expon(scale=p["mean"])
        if self.family == "weibull":
            return stats.weibull_min(p["shape"], scale=p["scale"])
        if self.family == "gamma":
            return stats.gamma(p["shape"], scale=p["scale"])
        if self.family == "constant":
            return stats.uniform(loc=p["days"], scale=0.0)
        if self.family == "empirical":
            values, counts = np.unique(self.samples, return_counts=True)
            return stats.rv_discrete(values=(values, counts / counts.sum()))
        return None


def _positive(value, parameter: str, function: str) -> float:
    if isinstance(value, str):
        return as_days(value, parameter=parameter, function=function, positive=True)
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool | np.bool_)
        or not math.isfinite(float(value))
        or float(value) <= 0
    ):
        raise ValueError(
            f"The {parameter!r} parameter of {function} must be a positive "
            f"finite number. Got {value!r} instead."
        )
    return float(value)


def _per(per, function: str) -> str:
    if per not in _PERS:
        raise ValueError(
            f"The 'per' parameter of {function} must be 'person' or 'tie'. "
            f"Got {per!r} instead."
        )
    return per


def lognormal(median, sigma, *, per: str = "person") -> Delay:
    """Lognormal delays: ``median * exp(sigma * Z)``, ``Z`` standard normal.

    Parameters
    ----------
    median : float or str
        The median delay in days (or a string with a unit), above 0.
    sigma : float
        The spread of ``log(delay)``, above 0 (1 is heavy-tailed: a tenth of
        delays exceed 3.6 times the median).
    per : {"person", "tie"}, default "person"
        One delay per acting person or one per carrying tie.

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For a median or sigma that is not a positive finite number, or an
        unknown ``per``.

    Examples
    --------
    >>> lognormal(median="12 hours", sigma=0.5)
    Delay(lognormal, median=0.5, sigma=0.5, per='person')
    """
    fn = "lognormal"
    median = _positive(median, "median", fn)
    return Delay(
        "lognormal",
        {"median": median, "sigma": _positive(sigma, "sigma", fn)},
        _per(per, fn),
    )


def exponential(mean, *, per: str = "person") -> Delay:
    """Exponential (memoryless) delays with the given mean.

    Parameters
    ----------
    mean : float or str
        The mean delay in days (or a string with a unit), above 0.
    per : {"person", "tie"}, default "person"
        One delay per acting person or one per carrying tie.

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For a mean that is not a positive finite number, or an unknown
        ``per``.

    Examples
    --------
    >>> exponential(mean=2, per="tie")
    Delay(exponential, mean=2.0, per='tie')
    """
    fn = "exponential"
    return Delay("exponential", {"mean": _positive(mean, "mean", fn)}, _per(per, fn))


def weibull(shape, scale, *, per: str = "person") -> Delay:
    """Weibull delays: ``scale * E ** (1 / shape)``, ``E`` standard exponential.

    Parameters
    ----------
    shape : float
        Above 0; below 1 gives a heavy tail, 1 the exponential.
    scale : float or str
        In days (or a string with a unit), above 0.
    per : {"person", "tie"}, default "person"
        One delay per acting person or one per carrying tie.

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For a shape or scale that is not a positive finite number, or an
        unknown ``per``.

    Examples
    --------
    >>> weibull(shape=0.7, scale=3)
    Delay(weibull, shape=0.7, scale=3.0, per='person')
    """
    fn = "weibull"
    return Delay(
        "weibull",
        {
            "shape": _positive(shape, "shape", fn),
            "scale": _positive(scale, "scale", fn),
        },
        _per(per, fn),
    )


def gamma(shape, scale, *, per: str = "person") -> Delay:
    """Gamma delays with the given shape and scale (mean ``shape * scale``).

    Parameters
    ----------
    shape : float
        Above 0.
    scale : float or str
        In days (or a string with a unit), above 0.
    per : {"person", "tie"}, default "person"
        One delay per acting person or one per carrying tie.

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For a shape or scale that is not a positive finite number, or an
        unknown ``per``.

    Examples
    --------
    >>> gamma(shape=2, scale=1.5)
    Delay(gamma, shape=2.0, scale=1.5, per='person')
    """
    fn = "gamma"
    return Delay(
        "gamma",
        {
            "shape": _positive(shape, "shape", fn),
            "scale": _positive(scale, "scale", fn),
        },
        _per(per, fn),
    )


def constant(days, *, per: str = "person") -> Delay:
    """The same delay every time.

    ``constant(1)`` turns hops into days exactly: a person reached at hop
    ``h`` is reached on day ``h``.

    Parameters
    ----------
    days : float or str
        The delay in days (or a string with a unit), at least 0.
    per : {"person", "tie"}, default "person"
        One delay per acting person or one per carrying tie (the same thing
        for a constant).

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For a negative, infinite or NaN delay, or an unknown ``per``.

    Examples
    --------
    >>> constant("1 day")
    Delay(constant, days=1.0, per='person')
    """
    fn = "constant"
    days = as_days(days, parameter="days", function=fn)
    return Delay("constant", {"days": days}, _per(per, fn))


def empirical(samples, *, per: str = "person") -> Delay:
    """Draw delays from observed ones (uniformly, with replacement).

    Parameters
    ----------
    samples : array_like of float
        Observed delays in days, each finite and at least 0; at least one.
    per : {"person", "tie"}, default "person"
        One delay per acting person or one per carrying tie.

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For an empty sample, or one with a negative, infinite or NaN value
        (the message names its position), or an unknown ``per``.
    TypeError
        For samples that are not numbers.

    Examples
    --------
    >>> empirical([0.5, 1, 3, 10])
    Delay(empirical, 4 samples, per='person')
    """
    fn = "empirical"
    if isinstance(samples, str):
        raise TypeError(
            f"The 'samples' parameter of {fn} must be an array of delays in "
            f"days. Got {samples!r} instead."
        )
    try:
        values = np.asarray(samples, dtype=np.float64).ravel()
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"The 'samples' parameter of {fn} must be an array of delays in "
            f"days. Got {samples!r} instead."
        ) from error
    if len(values) == 0:
        raise ValueError(
            f"The 'samples' parameter of {fn} must hold at least one delay. "
            f"Got an empty sample instead."
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        raise ValueError(
            f"The 'samples' parameter of {fn} must hold finite delays of at "
            f"least 0 days. Got {values[bad[0]].item()!r} at position {bad[0]} instead."
        )
    values = np.sort(values)
    values.setflags(write=False)
    return Delay("empirical", {"n": len(values)}, _per(per, fn), values)


def attribute(name: str) -> Delay:
    """Each person's own delay, read from a person attribute of the network.

    Parameters
    ----------
    name : str
        The attribute (``network.attributes[name]``): each person's delay in
        days, finite and at least 0 for everyone who might act.

    Returns
    -------
    Delay
        A delay per person (``per="person"``); it is checked against the
        network when :func:`referral.spread` runs.

    Raises
    ------
    TypeError
        If ``name`` is not a string.

    Examples
    --------
    >>> attribute("response_days")
    Delay(attribute, name='response_days', per='person')
    """
    if not isinstance(name, str):
        raise TypeError(
            f"The 'name' parameter of attribute must be a string naming a "
            f"person attribute. Got {name!r} instead."
        )
    return Delay("attribute", {"name": name}, "person")


_FAMILIES = {
    "lognormal": lognormal,
    "exponential": exponential,
    "weibull": weibull,
    "gamma": gamma,
    "constant": constant,
}


def from_text(text: str) -> Delay:
    """A delay from a short text, as the command line takes it.

    Parameters
    ----------
    text : str
        ``"FAMILY:NAME=VALUE,..."`` for :func:`lognormal`,
        :func:`exponential`, :func:`weibull`, :func:`gamma` or
        :func:`constant` (add ``per=tie`` for a delay per tie), or a
        duration with a unit (``"2 days"``) for a constant delay.

    Returns
    -------
    Delay
        The delay, for ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        For an unknown family, a malformed parameter, or a bad value (the
        message names it).

    Examples
    --------
    >>> from_text("lognormal:median=2,sigma=1")
    Delay(lognormal, median=2.0, sigma=1.0, per='person')
    >>> from_text("exponential:mean=36 hours,per=tie")
    Delay(exponential, mean=1.5, per='tie')
    >>> from_text("1 day")
    Delay(constant, days=1.0, per='person')
    """
    family, sep, rest = str(text).partition(":")
    family = family.strip().lower()
    if not sep:
        return constant(as_days(text, parameter="delay", function="from_text"))
    if family not in _FAMILIES:
        raise ValueError(
            f"The 'delay' parameter of from_text must name a family of "
            f"{sorted(_FAMILIES)}. Got {text!r} instead."
        )
    params = {}
    for part in rest.split(","):
        name, eq, value = part.partition("=")
        if not eq or not name.strip():
            raise ValueError(
                f"The 'delay' parameter of from_text must list NAME=VALUE pairs "
                f"after '{family}:'. Got {part!r} in {text!r} instead."
            )
        name, value = name.strip(), value.strip()
        if name != "per":
            try:
                value = float(value)
            except ValueError:
                pass  # a duration with a unit; the family checks it
        params[name] = value
    try:
        return _FAMILIES[family](**params)
    except TypeError as error:
        raise ValueError(
            f"The 'delay' parameter of from_text: {family} does not take "
            f"{sorted(params)} ({error}). Got {text!r} instead."
        ) from None


def person_delays(delay: Delay, network, *, function: str = "spread") -> np.ndarray:
    """The per-person delays of an :func:`attribute` delay (else empty).

    Raises
    ------
    ValueError
        If the network lacks the attribute or a value is not a finite
        number of at least 0 days (the message names the person).
    """
    if delay.family != "attribute":
        return np.zeros(0)
    name = delay.params["name"]
    if name not in network.attributes:
        raise ValueError(
            f"The 'delay' parameter of {function} reads the person attribute "
            f"{name!r}, which the network does not have (it has "
            f"{sorted(network.attributes)})."
        )
    raw = np.asarray(network.attributes[name])
    try:
        values = raw.astype(np.float64)
    except (TypeError, ValueError):
        values = np.array(
            [v if isinstance(v, numbers.Real) else np.nan for v in raw], np.float64
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        i = bad[0]
        raise ValueError(
            f"The 'delay' parameter of {function}: person "
            f"{np.asarray(network.labels)[i].item()!r} has "
            f"{name}={np.asarray(raw)[i].item()!r}; every delay must be a finite "
            f"number of at "
            f"least 0 days."
        )
    return np.ascontiguousarray(values)


def check_delay(delay, *, function: str = "spread"):
    """``delay`` as a :class:`Delay` (or ``None``); a clear error otherwise.

    A number of days, a string with a unit (``"2 days"``) or a timedelta is
    a :func:`constant` delay.
    """
    if delay is None or isinstance(delay, Delay):
        return delay
    if isinstance(
        delay, str | datetime.timedelta | np.timedelta64 | numbers.Real
    ) and not isinstance(delay, bool | np.bool_):
        return constant(as_days(delay, parameter="delay", function=function))
    raise TypeError(
        f"The 'delay' parameter of {function} must be None, a number of days, "
        f"a string with a unit such as '2 days', or a delay from "
        f"referral.delays (lognormal, exponential, weibull, gamma, constant, "
        f"empirical, attribute). Got {delay!r} instead."
    )


_FIT_FAMILIES = ("lognormal", "weibull", "exponential")


def fit(durations, forwarded=None, *, families=_FIT_FAMILIES):
    """Fit delay families to forwarding times, some not yet observed.

    Maximum likelihood with right-censoring (``scipy.stats.CensoredData``):
    a person who forwarded after ``d`` days contributes the density at
    ``d``; one who still held the opening unforwarded ``d`` days after
    getting it, when the log was exported, contributes the chance of a delay
    longer than ``d``. The families are compared by AIC.

    Parameters
    ----------
    durations : array_like of float
        Per person, in days: the time from being told to forwarding, or, for
        those who had not forwarded, to the export. Finite and above 0.
    forwarded : array_like of bool, optional
        Whether each person had forwarded (default: all did). ``False``
        marks a censored time.
    families : sequence of str, default ("lognormal", "weibull", "exponential")
        The families to fit.

    Returns
    -------
    pandas.DataFrame
        One row per family, best (lowest AIC) first. Columns:

        - ``family`` (object).
        - ``median``, ``sigma`` (float64): lognormal parameters (NaN for the
          others); ``shape``, ``scale`` (float64): Weibull parameters;
          ``mean`` (float64): the exponential mean.
        - ``n_params`` (int64): fitted parameters.
        - ``log_likelihood`` (float64): the maximised log-likelihood.
        - ``aic`` (float64): ``2 n_params - 2 log_likelihood``.
        - ``delta_aic`` (float64): ``aic`` minus the best ``aic``.
        - ``close_to_best`` (bool): ``delta_aic < 2``: the data do not
          separate this family from the best one.
        - ``n``, ``n_forwarded`` (int64): people, and those who forwarded.
        - ``delay`` (object): the fitted :class:`Delay`, for
          ``spread(..., delay=...)``.

    Raises
    ------
    ValueError
        If there are no durations, a duration is not a finite number above 0
        (the message names its position), ``forwarded`` does not match, no
        one forwarded, or a family is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> times = 2 * np.exp(0.8 * rng.standard_normal(500))
    >>> export = rng.uniform(0, 10, 500)
    >>> table = fit(np.minimum(times, export), times <= export)
    >>> table.loc[0, "family"], round(float(table.loc[0, "median"]), 1)
    ('lognormal', 1.9)
    """
    import pandas as pd
    from scipy import stats

    fn = "fit"
    if isinstance(durations, str):
        raise TypeError(
            f"The 'durations' parameter of {fn} must be an array of days. "
            f"Got {durations!r} instead."
        )
    try:
        values = np.asarray(durations, dtype=np.float64).ravel()
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"The 'durations' parameter of {fn} must be an array of days. "
            f"Got {durations!r} instead."
        ) from error
    if len(values) == 0:
        raise ValueError(
            f"The 'durations' parameter of {fn} must hold at least one "
            f"duration. Got an empty array instead."
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
    if len(bad):
        raise ValueError(
            f"The 'durations' parameter of {fn} must hold finite durations "
            f"above 0 days. Got {values[bad[0]].item()!r} at position "
            f"{bad[0]} instead."
        )
    if forwarded is None:
        seen = np.ones(len(values), dtype=bool)
    else:
        seen = np.asarray(forwarded).ravel()
        if seen.dtype != bool or len(seen) != len(values):
            raise ValueError(
                f"The 'forwarded' parameter of {fn} must be one bool per "
                f"duration ({len(values)}). Got {len(seen)} values of dtype "
                f"{seen.dtype} instead."
            )
    if not seen.any():
        raise ValueError(
            f"The 'forwarded' parameter of {fn} marks no one as having "
            f"forwarded: with every time censored there is nothing to fit."
        )
    unknown = [f for f in families if f not in _FIT_FAMILIES]
    if unknown or not len(families):
        raise ValueError(
            f"The 'families' parameter of {fn} must name some of "
            f"{_FIT_FAMILIES}. Got {families!r} instead."
        )
    data = stats.CensoredData(uncensored=values[seen], right=values[~seen])

    def loglik(dist):
        return float(dist.logpdf(values[seen]).sum() + dist.logsf(values[~seen]).sum())

    rows = []
    for family in families:
        row = dict.fromkeys(("median", "sigma", "shape", "scale", "mean"), np.nan)
        if family == "lognormal":
            sigma, _, median = stats.lognorm.fit(data, floc=0)
            row.update(median=median, sigma=sigma)
            dist = stats.lognorm(s=sigma, scale=median)
            delay = lognormal(median=median, sigma=sigma)
            k = 2
        elif family == "weibull":
            shape, _, scale = stats.weibull_min.fit(data, floc=0)
            row.update(shape=shape, scale=scale)
            dist = stats.weibull_min(shape, scale=scale)
            delay = weibull(shape=shape, scale=scale)
            k = 2
        else:
            _, mean = stats.expon.fit(data, floc=0)
            row.update(mean=mean)
            dist = stats.expon(scale=mean)
            delay = exponential(mean=mean)
            k = 1
        ll = loglik(dist)
        rows.append(
            {
                "family": family,
                **row,
                "n_params": k,
                "log_likelihood": ll,
                "aic": 2 * k - 2 * ll,
                "delay": delay,
            }
        )
    table = pd.DataFrame(rows).sort_values("aic", kind="stable").reset_index(drop=True)
    table["delta_aic"] = table["aic"] - table["aic"].min()
    table["close_to_best"] = table["delta_aic"] < 2
    table["n"] = np.int64(len(values))
    table["n_forwarded"] = np.int64(seen.sum())
    columns = ["family", "median", "sigma", "shape", "scale", "mean", "n_params"]
    columns += ["log_likelihood", "aic", "delta_aic", "close_to_best", "n"]
    columns += ["n_forwarded", "delay"]
    return table[columns].astype({"n_params": np.int64})
