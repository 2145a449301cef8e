"""What a comparison of referral bonus schemes shows, in a recruiter's words.

:func:`incentive_sentence` is built only from the table
:func:`referral.analysis.compare_incentives` returns: every number in it is a
number of that table, formatted by :func:`referral.wording.fmt_number` or
:func:`referral.wording.fmt_share`, and a scheme is said to bring more or
fewer hires than the reference only when the interval of the paired
difference excludes zero; otherwise the sentence says the evidence does not
separate them.
"""

from __future__ import annotations

import math

import pandas as pd

from referral._core.params import Options, validate_params
from referral._core.stats import ci_words, table_level
from referral._core.validation import require_columns
from referral.wording._sentences import fmt_number, fmt_share

__all__ = ["incentive_sentence"]

#: measures the sentence can be about: (noun, formatter, "per opening" suffix)
_MEASURES = {
    "hires": ("hires", fmt_number, " per opening"),
    "applications": ("applications", fmt_number, " per opening"),
    "people_reached": ("people reached", fmt_number, " per opening"),
    "candidates_reached": ("candidates reached", fmt_number, " per opening"),
    "fill_probability": ("chance of filling the opening", fmt_share, ""),
}


def _points(share: float) -> str:
    """A difference of two shares in percentage points, as a reader sees it."""
    return fmt_number(100.0 * float(share))


def _row(table: pd.DataFrame, scheme: str, measure: str) -> pd.Series:
    rows = table[(table["scheme"] == scheme) & (table["measure"] == measure)]
    if len(rows) != 1:
        raise ValueError(
            f"incentive_sentence needs one row of measure {measure!r} for scheme "
            f"{scheme!r} in the table; found {len(rows)}."
        )
    return rows.iloc[0]


@validate_params({"measure": [Options(tuple(_MEASURES))]})
def incentive_sentence(table: pd.DataFrame, measure: str = "hires") -> str:
    """What each scheme brings and costs, and whether the evidence ranks them.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`referral.analysis.compare_incentives`' table (columns
        ``scheme``, ``measure``, ``estimate``, ``ci_low``, ``ci_high``,
        ``diff``, ``diff_ci_low``, ``diff_ci_high`` and optionally ``level``
        and ``budget``). Its first scheme is the reference.
    measure : {"hires", "applications", "people_reached", "candidates_reached", \
"fill_probability"}, default "hires"
        What the schemes are compared on.

    Returns
    -------
    str
        One sentence per scheme (what it brings, with its interval, and the
        money it pays per opening), then one per scheme against the first:
        more or fewer when the interval of the trial-by-trial difference
        excludes zero, otherwise "the evidence does not separate" them.

    Raises
    ------
    ValueError
        If ``measure`` is not one of the above, or the table lacks a column
        or a row the sentence needs.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "scheme": ["flat", "flat", "recursive", "recursive"],
    ...     "measure": ["hires", "paid"] * 2,
    ...     "estimate": [0.52, 200.0, 0.55, 201.0],
    ...     "ci_low": [0.48, 190.0, 0.51, 191.0],
    ...     "ci_high": [0.56, 210.0, 0.59, 211.0],
    ...     "diff": [0.0, 0.0, 0.03, 1.0],
    ...     "diff_ci_low": [0.0, 0.0, -0.01, -2.0],
    ...     "diff_ci_high": [0.0, 0.0, 0.07, 4.0],
    ...     "level": 0.95})
    >>> print(incentive_sentence(table))  # doctest: +NORMALIZE_WHITESPACE
    Flat brings 0.52 hires per opening (95% CI 0.48 to 0.56) and pays 200 per
    opening. Recursive brings 0.55 hires per opening (95% CI 0.51 to 0.59) and
    pays 201 per opening. The evidence does not separate recursive from flat
    on hires: the difference is between -0.01 and 0.07 per opening.
    """
    require_columns(
        table,
        [
            "scheme",
            "measure",
            "estimate",
            "ci_low",
            "ci_high",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
        ],
        "incentive_sentence needs a table from compare_incentives; it",
    )
    noun, fmt, per = _MEASURES[measure]
    ci = ci_words(table_level(table))
    schemes = list(dict.fromkeys(table["scheme"]))
    parts = []
    for scheme in schemes:
        row = _row(table, scheme, measure)
        paid = _row(table, scheme, "paid")
        said = noun
        if noun == "hires" and fmt(row["estimate"]) == "1":
            said = "hire"
        text = (
            f"{scheme} brings {fmt(row['estimate'])} {said}{per} ({ci} "
            f"{fmt(row['ci_low'])} to {fmt(row['ci_high'])})"
        )
        if noun.startswith("chance"):
            text = (
                f"{scheme} gives a {fmt(row['estimate'])} {noun} ({ci} "
                f"{fmt(row['ci_low'])} to {fmt(row['ci_high'])})"
            )
        parts.append(f"{text} and pays {fmt_number(paid['estimate'])} per opening.")
    reference = schemes[0]
    for scheme in schemes[1:]:
        row = _row(table, scheme, measure)
        low, high = float(row["diff_ci_low"]), float(row["diff_ci_high"])
        if not (math.isfinite(low) and math.isfinite(high)):
            parts.append(
                f"There is not enough evidence to compare {scheme} with "
                f"{reference} on {noun}."
            )
        elif low > 0 or high < 0:
            size = abs(float(row["diff"]))
            near, far = (low, high) if low > 0 else (-high, -low)
            if noun.startswith("chance"):
                more = "higher" if low > 0 else "lower"
                parts.append(
                    f"{scheme} gives a {more} {noun} than {reference}: "
                    f"{_points(size)} percentage points {more} ({ci} "
                    f"{_points(near)} to {_points(far)})."
                )
            else:
                more = "more" if low > 0 else "fewer"
                parts.append(
                    f"{scheme} brings {more} {noun} than {reference}: "
                    f"{fmt(size)} {more}{per} ({ci} {fmt(near)} to {fmt(far)})."
                )
        else:
            between = (
                f"{_points(low)} and {_points(high)} percentage points"
                if noun.startswith("chance")
                else f"{fmt(low)} and {fmt(high)}{per}"
            )
            parts.append(
                f"The evidence does not separate {scheme} from {reference} on "
                f"{noun}: the difference is between {between}."
            )
    # a scheme's label may start a sentence: capitalise its first letter there
    return " ".join(part[:1].upper() + part[1:] for part in parts)
