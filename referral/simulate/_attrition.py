"""Attrition specifications for :func:`referral.search`.

At every step of a search chain the holder either forwards or does not, and
the chain is lost. :class:`PerPerson` uses each holder's own ``activity``,
:class:`PerStep` a constant rate per step and :class:`PerChain` a rate drawn
once per chain (a mixture or a Beta distribution).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from referral._core.validation import check_probability

__all__ = ["PerPerson", "PerStep", "PerChain"]


# ------------------------------------------------------------------ attrition
@dataclass(frozen=True)
class PerPerson:
    """Per-person attrition: each holder forwards with its own ``activity``.

    This is the default (``attrition="person"``). A person's decision is the
    same uniform in every scenario run with the same seed, so networks that
    differ only in activity share their random numbers.

    Examples
    --------
    >>> PerPerson().describe()
    'per person (activity)'
    """

    def describe(self) -> str:
        """A short description, used in results.

        Returns
        -------
        str
            The description, e.g. ``"per step (rate 0.3)"``.
        """
        return "per person (activity)"


@dataclass(frozen=True)
class PerStep:
    """Constant per-step attrition: every holder drops the chain with ``rate``.

    ``attrition=0.65`` is shorthand for ``PerStep(0.65)``: every holder
    forwards with probability ``1 - rate``, whoever they are.

    Parameters
    ----------
    rate : float in [0, 1]
        The probability that a holder does not forward.

    Examples
    --------
    >>> PerStep(0.65).describe()
    'per step (rate 0.65)'
    """

    rate: float

    def __post_init__(self):
        object.__setattr__(
            self, "rate", check_probability(self.rate, "rate", function="PerStep")
        )

    def describe(self) -> str:
        """A short description, used in results.

        Returns
        -------
        str
            The description, e.g. ``"per step (rate 0.3)"``.
        """
        return f"per step (rate {self.rate:g})"


@dataclass(frozen=True)
class PerChain:
    """Per-chain attrition: one rate drawn per chain, shared by all its holders.

    Some chains are carried by motivated people and some by indifferent
    ones (Goel, Muhamad & Watts 2009). Give either a discrete distribution of
    rates (``rates`` with optional ``weights``) or a Beta distribution
    (``beta=(a, b)``) of the rate. Every holder on a chain with rate ``r``
    forwards with probability ``1 - r``.

    Parameters
    ----------
    rates : sequence of float in [0, 1], optional
        Attrition rates a chain can have.
    weights : sequence of float >= 0, optional
        Their relative probabilities (default: equally likely).
    beta : (float, float), optional
        Shape parameters ``(a, b)`` of a Beta distribution of the rate
        (mean ``a / (a + b)``); an alternative to ``rates``.

    Notes
    -----
    The chain's rate is the inverse CDF of its chain-level uniform
    (``STREAM_CHAIN``), so it is reproducible and independent of ``n_jobs``.

    Examples
    --------
    >>> spec = PerChain(rates=[0.4, 0.9])
    >>> spec.mean_rate
    0.65
    >>> PerChain(beta=(13, 7)).mean_rate
    0.65
    """

    rates: tuple | None = None
    weights: tuple | None = None
    beta: tuple | None = None

    def __post_init__(self):
        if (self.rates is None) == (self.beta is None):
            raise ValueError(
                "PerChain needs exactly one of 'rates' (with optional 'weights') "
                f"or 'beta'. Got rates={self.rates!r}, beta={self.beta!r}."
            )
        if self.rates is not None:
            rates = np.atleast_1d(np.asarray(self.rates, dtype=np.float64))
            if (
                rates.ndim != 1
                or len(rates) == 0
                or not np.all((rates >= 0) & (rates <= 1))
            ):
                raise ValueError(
                    "The 'rates' parameter of PerChain must be a non-empty "
                    f"sequence of floats in [0, 1]. Got {self.rates!r} instead."
                )
            if self.weights is None:
                weights = np.ones(len(rates))
            else:
                weights = np.atleast_1d(np.asarray(self.weights, dtype=np.float64))
            if (
                weights.shape != rates.shape
                or not np.all(np.isfinite(weights) & (weights >= 0))
                or weights.sum() <= 0
            ):
                raise ValueError(
                    "The 'weights' parameter of PerChain must hold one "
                    "non-negative float per rate, not all zero. Got "
                    f"{self.weights!r} instead."
                )
            object.__setattr__(self, "rates", tuple(rates.tolist()))
            object.__setattr__(self, "weights", tuple(weights.tolist()))
        else:
            if self.weights is not None:
                raise ValueError("PerChain takes 'weights' only with 'rates'.")
            try:
                a, b = (float(x) for x in self.beta)
            except (TypeError, ValueError):
                a = b = float("nan")
            if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
                raise ValueError(
                    "The 'beta' parameter of PerChain must be a pair of positive "
                    f"floats (a, b). Got {self.beta!r} instead."
                )
            object.__setattr__(self, "beta", (a, b))

    @property
    def mean_rate(self) -> float:
        """The mean attrition rate over chains."""
        if self.rates is not None:
            w = np.asarray(self.weights)
            return round(float(np.dot(self.rates, w / w.sum())), 12)
        a, b = self.beta
        return round(a / (a + b), 12)

    def rates_from_uniforms(self, u: np.ndarray) -> np.ndarray:
        """Each chain's rate from its chain-level uniform (inverse CDF).

        Parameters
        ----------
        u : numpy.ndarray of float64
            One uniform number in [0, 1) per chain.

        Returns
        -------
        numpy.ndarray of float64
            One attrition rate per chain.
        """
        if self.rates is not None:
            cumulative = np.cumsum(self.weights)
            k = np.searchsorted(cumulative, u * cumulative[-1], side="right")
            return np.asarray(self.rates)[np.minimum(k, len(self.rates) - 1)]
        from scipy.stats import beta

        return beta.ppf(u, *self.beta)

    def describe(self) -> str:
        """A short description, used in results.

        Returns
        -------
        str
            The description, e.g. ``"per step (rate 0.3)"``.
        """
        if self.rates is not None:
            return f"per chain (rates {list(self.rates)}, weights {list(self.weights)})"
        return f"per chain (rate ~ Beta{self.beta})"
