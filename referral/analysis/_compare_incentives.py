"""Referral bonus schemes side by side: :func:`compare_incentives`.

Every scheme runs the same trials with the same random numbers (one seed, as
:func:`referral.compare` does), so a person acts, a tie carries, a candidate
applies and is hired in trial ``t`` of one scheme exactly when they do in
trial ``t`` of another, unless the scheme changed that person's activity.
The differences are then measured trial by trial (paired), which is what
lets a modest difference show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from referral._core.params import Interval, InvalidParameterError, validate_params
from referral._core.rng import resolve_entropy
from referral._core.stats import mean_se, normal_interval, z_for
from referral.interventions._incentives import is_scheme
from referral.simulate._funnel import funnel, measure_row, per_trial_measures

__all__ = ["compare_incentives", "COMPARE_INCENTIVES_COLUMNS"]

#: the columns of :func:`compare_incentives`' table, in order
COMPARE_INCENTIVES_COLUMNS = [
    "scheme",
    "detail",
    "scale",
    "budget",
    "measure",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "diff",
    "diff_se",
    "diff_ci_low",
    "diff_ci_high",
    "n",
    "level",
]

#: scale factors tried when matching a budget: 2**-_REACH .. 2**_REACH
_REACH = 40
#: relative distance from the budget at which a match is accepted
_BUDGET_TOLERANCE = 1e-3
_MAX_BISECTIONS = 60


def _paired(name, values, reference, z):
    """Paired difference from the reference scheme, trial by trial."""
    if name == "cost_per_hire":
        paid, hires = values
        ref_paid, ref_hires = reference
        if hires.sum() == 0 or ref_hires.sum() == 0:
            return (np.nan, np.nan, np.nan, np.nan)
        ratio = paid.sum() / hires.sum()
        ref_ratio = ref_paid.sum() / ref_hires.sum()
        influence = (paid - ratio * hires) / hires.mean() - (
            ref_paid - ref_ratio * ref_hires
        ) / ref_hires.mean()
        _, se = mean_se(influence, single=0.0)
        diff = ratio - ref_ratio
    else:
        diff, se = mean_se(np.asarray(values) - np.asarray(reference), single=0.0)
    return (diff, se, *normal_interval(diff, se, z))


def _match_budget(name, scheme, budget, run):
    """The factor on ``scheme``'s money whose mean payout is ``budget``.

    ``run(scheme)`` returns a :class:`FunnelResult` on the shared trials.
    Payout grows with the factor (more money per hire, and never less
    activity under a response that never decreases), so the factor is found
    by doubling or halving to bracket the budget and then bisection.
    """

    def paid(factor):
        result = run(scheme.scaled(factor))
        return float(result.paid.mean()), result

    low, high = 0.0, 1.0
    value, result = paid(high)
    steps = 0
    while value < budget:
        low = high
        high *= 2.0
        steps += 1
        if steps > _REACH:
            raise InvalidParameterError(
                f"The 'budget' parameter of compare_incentives is {budget!r} per "
                f"opening, but scheme {name!r} ({scheme.describe()}) pays "
                f"{value:.4g} per opening on average even at {high / 2:.3g} times "
                f"its amounts: no scale of it meets the budget (too few hires "
                f"come through someone it pays). Lower the budget or change "
                f"the scheme."
            )
        value, result = paid(high)
    if value > budget and low == 0.0:
        steps = 0
        low = high / 2.0
        low_value, low_result = paid(low)
        while low_value > budget and steps < _REACH:
            high, value, result = low, low_value, low_result
            low /= 2.0
            low_value, low_result = paid(low)
            steps += 1
    for _ in range(_MAX_BISECTIONS):
        if abs(value - budget) <= _BUDGET_TOLERANCE * budget:
            break
        middle = math.sqrt(low * high) if low > 0 else high / 2.0
        middle_value, middle_result = paid(middle)
        if middle_value < budget:
            low = middle
        else:
            high, value, result = middle, middle_value, middle_result
    return high, result


@validate_params(
    {
        "network": ["network"],
        "schemes": [Mapping],
        "budget": [Interval(float, 0, None, closed="neither"), None],
        "response": [callable, None],
        "positions": [Interval(int, 1, None), None],
        "applicants_stop": ["boolean"],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "level": [Interval(float, 0, 1, closed="neither")],
        "progress": ["boolean"],
    }
)
def compare_incentives(
    network,
    schemes: Mapping,
    budget: float | None = None,
    *,
    response=None,
    apply=1.0,
    hire=1.0,
    positions: int | None = None,
    applicants_stop: bool = False,
    sources=None,
    trials: int = 1000,
    seed=None,
    n_jobs: int | None = None,
    level: float = 0.95,
    progress: bool = False,
    **kwargs,
) -> pd.DataFrame:
    """Compare bonus schemes side by side: reach, hires and money paid.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    schemes : dict of str to scheme or None
        The schemes by name (:class:`~referral.interventions.Flat`,
        :class:`~referral.interventions.Recursive`,
        :class:`~referral.interventions.Capped`; ``None`` for no bonus). The first
        is the reference every difference is measured from.
    budget : float, optional
        Money per opening (above 0): every scheme's amounts are scaled by one
        factor each so that its average payout per opening over the
        simulated trials is ``budget`` (within 0.1%, or as close as the
        trials allow). Default: the schemes as given.
    response : callable, optional
        How money changes activity (see :func:`referral.simulate.funnel`).
    apply : float, str or callable, default 1.0
        The probability that a reached candidate applies, as in
        :func:`referral.simulate.funnel` (the same for every scheme).
    hire : float, str or callable, default 1.0
        The probability that an applicant is hired.
    positions : int, optional
        Openings to fill; the search stops once they are. Default: no limit.
    applicants_stop : bool, default False
        Applicants do not pass the opening on (the halting cascade).
    sources : person label or iterable of labels, optional
        Who posts the opening. Default: the network's recruiters.
    trials : int, default 1000
        Trials per scheme (the same trials for all).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. One
        seed for every scheme, so they share their random numbers.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the
        same for any ``n_jobs``.
    level : float, default 0.95
        Confidence level of every interval, strictly between 0 and 1.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. One bar per
        scheme.
    **kwargs
        Passed to :func:`referral.simulate.funnel` (``max_hops``,
        ``fanout``, ``source_activity``).

    Returns
    -------
    pandas.DataFrame
        One row per scheme and measure (``people_reached``,
        ``candidates_reached``, ``applications``, ``hires``,
        ``fill_probability``, ``paid``, ``cost_per_hire``; per opening),
        with these columns, in this order:

        - ``scheme`` (object): the name given; ``detail`` (object): the
          scheme with its numbers after any budget scaling.
        - ``scale`` (float64): the factor applied to the scheme's money (1
          without a budget; NaN for no bonus); ``budget`` (float64, NaN
          without one).
        - ``estimate``, ``se``, ``ci_low``, ``ci_high`` (float64): as in
          :meth:`referral.simulate.FunnelResult.summary`.
        - ``diff``, ``diff_se``, ``diff_ci_low``, ``diff_ci_high``
          (float64): the paired difference from the first scheme, trial by
          trial (for ``cost_per_hire``, of the ratios, by the delta method),
          with its normal interval; exactly 0 for the first.
        - ``n`` (int64): trials; ``level`` (float64).

        ``attrs["seed_entropy"]`` holds the shared seed.

    Raises
    ------
    referral.InvalidParameterError
        If ``schemes`` is empty or holds something that is not a scheme,
        if ``budget`` is not above 0 or no scale of a scheme meets it, and
        for the parameter rules of :func:`referral.simulate.funnel`.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.interventions import Flat, Linear, Recursive
    >>> net = from_networkx(nx.balanced_tree(3, 4), strength=1.0,
    ...                     transmission=0.6, activity=0.3, recruiters=[0],
    ...                     candidates=range(1, 121))
    >>> table = compare_incentives(
    ...     net, {"flat": Flat(1.0), "recursive": Recursive(1.0)}, budget=2.0,
    ...     response=Linear(0.2), apply=0.3, hire=0.5, trials=1000, seed=3)
    >>> table.query("measure == 'paid'")[["scheme", "estimate"]].round(2)
           scheme  estimate
    5        flat       2.0
    12  recursive       2.0
    """
    fn = "compare_incentives"
    if len(schemes) == 0:
        raise InvalidParameterError(
            f"The 'schemes' parameter of {fn} must name at least one scheme. "
            f"Got {schemes!r} instead."
        )
    for name, scheme in schemes.items():
        if scheme is not None and not is_scheme(scheme):
            raise InvalidParameterError(
                f"The 'schemes' parameter of {fn} must map names to Flat, "
                f"Recursive or Capped schemes (or None for no bonus). Got "
                f"{scheme!r} for {name!r}."
            )
    z = z_for(level, function=fn)
    entropy = resolve_entropy(seed, function=fn)

    def run(scheme):
        return funnel(
            network,
            sources,
            apply=apply,
            hire=hire,
            positions=positions,
            applicants_stop=applicants_stop,
            scheme=scheme,
            response=response,
            trials=trials,
            seed=entropy,
            n_jobs=n_jobs,
            progress=progress,
            **kwargs,
        )

    results = {}
    for name, scheme in schemes.items():
        if scheme is None:
            results[name] = (None, np.nan, run(None))
        elif budget is None:
            results[name] = (scheme, 1.0, run(scheme))
        else:
            factor, result = _match_budget(name, scheme, float(budget), run)
            results[name] = (scheme.scaled(factor), factor, result)

    reference = per_trial_measures(next(iter(results.values()))[2])
    rows = []
    for name, (scheme, factor, result) in results.items():
        detail = "no bonus" if scheme is None else scheme.describe()
        for measure, values in per_trial_measures(result).items():
            row = measure_row(measure, values, z, positions)
            paired = _paired(measure, values, reference[measure], z)
            rows.append(
                (name, detail, factor, np.nan if budget is None else float(budget))
                + row[:5]
                + paired
                + (row[5],)
            )
    table = pd.DataFrame(rows, columns=COMPARE_INCENTIVES_COLUMNS[:-1])
    table["scale"] = table["scale"].astype(np.float64)
    table["n"] = table["n"].astype(np.int64)
    table["level"] = float(level)
    table.attrs["seed_entropy"] = entropy
    return table
