"""The fitted params table behind the report's "What your data says" section.

Present when the results carry a ``fit`` table: the ``params()`` of a
:func:`referral.calibrate.referral_log` fit (or the ``params.csv`` that
``referral fit`` writes), whose values the report's simulations used. The
sentence is built from that table alone.
"""

from __future__ import annotations

import pandas as pd

from referral._core.validation import require_columns
from referral.calibrate._fit import PARAM_COLUMNS

__all__ = ["NAME", "DETAIL", "fit_table"]

NAME = "What your data says"
DETAIL = (
    "Fitted to your own referral log: every simulation in this report "
    "uses the fitted activity and transmission. The fit table (fit.csv) "
    "lists each estimate with its 95% interval and n, the people (activity) "
    "or untold contacts (transmission) it rests on."
)


def fit_table(fit) -> pd.DataFrame:
    """The params table of ``fit`` (a ``Fit`` or a table), checked."""
    table = fit.params() if hasattr(fit, "params") else fit
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'fit' parameter of analyse must be a Fit or its params() table; "
            f"got {type(fit).__name__}."
        )
    require_columns(
        table,
        PARAM_COLUMNS,
        "The 'fit' table of analyse (the params.csv of 'referral fit')",
    )
    kinds = set(table["parameter"])
    if not {"activity", "transmission"} <= kinds:
        raise ValueError(
            "The 'fit' table of analyse must be a referral-log fit (activity and "
            f"transmission rows); its parameters are {sorted(kinds)}."
        )
    return table[PARAM_COLUMNS].reset_index(drop=True)
