"""The report's "What your data says" section, from a fitted params table.

Present when the results carry a ``fit`` table: the ``params()`` of a
:func:`referral.calibrate.referral_log` fit (or the ``params.csv`` that
``referral fit`` writes), whose values the report's simulations used. The
sentence is built from that table alone.
"""

from __future__ import annotations

import pandas as pd

from referral.calibrate._fit import PARAM_COLUMNS

__all__ = ["fit_section", "fit_table"]

NAME = "What your data says"


def fit_table(fit) -> pd.DataFrame:
    """The params table of ``fit`` (a ``Fit`` or a table), checked."""
    table = fit.params() if hasattr(fit, "params") else fit
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'fit' parameter of analyse must be a Fit or its params() table; "
            f"got {type(fit).__name__}."
        )
    missing = [c for c in PARAM_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(
            f"The 'fit' table of analyse lacks the column(s) {missing}; it needs "
            f"{PARAM_COLUMNS} (the params.csv of 'referral fit')."
        )
    kinds = set(table["parameter"])
    if not {"activity", "transmission"} <= kinds:
        raise ValueError(
            "The 'fit' table of analyse must be a referral-log fit (activity and "
            f"transmission rows); its parameters are {sorted(kinds)}."
        )
    return table[PARAM_COLUMNS].reset_index(drop=True)


def fit_section(results):
    """The section, or None when the results carry no fit."""
    from referral.calibrate._words import params_sentence
    from referral.report._wording import Section

    table = results.tables.get("fit")
    if table is None:
        return None
    section = Section(NAME)
    section.sentences.append(params_sentence(table))
    section.details.append(
        "Fitted to your own referral log: every simulation in this report "
        "uses the fitted activity and transmission. The fit table (fit.csv) "
        "lists each estimate with its 95% interval and n, the people (activity) "
        "or untold contacts (transmission) it rests on."
    )
    return section
