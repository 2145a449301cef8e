"""Every sentence of a fit, built from its parameter table."""

from __future__ import annotations

__all__ = ["fit_sentence", "params_sentence", "share_words", "percent", "loose"]


def percent(p: float) -> str:
    """``0.263 -> '26%'``; below 10% one decimal (``0.0788 -> '7.9%'``)."""
    if p != 0 and abs(p) < 0.1:
        return f"{100 * p:.1f}%"
    return f"{100 * p:.0f}%"


def share_words(p: float, *, of: bool = True) -> str:
    """'about 1 in 4' for small shares, 'about 62% of' for large ones."""
    if p <= 0:
        return "no"
    if p < 0.5:
        return f"about 1 in {max(2, round(1 / p))}"
    return f"about {percent(p)}" + (" of" if of else "")


def loose(row) -> bool:
    """True when the interval spans a factor of two or more: too wide for
    'about' (the sentence then gives the range first)."""
    return not row.ci_low > 0 or row.ci_high >= 2 * row.ci_low


def _share_of_row(row, *, of: bool = True) -> str:
    """'about 1 in 4 (23%; 95% CI 20% to 26%)', or the range first when the
    interval is wide: 'anywhere from 30% to 100% (best estimate 58%; ...)'."""
    if loose(row):
        return (
            f"anywhere from {percent(row.ci_low)} to {percent(row.ci_high)}"
            + (" of" if of else "")
            + f" (best estimate {_ci(row)})"
        )
    return f"{share_words(row.estimate, of=of)} ({_ci(row)})"


def _ci(row) -> str:
    return (
        f"{percent(row.estimate)}; {row.level:.0%} CI {percent(row.ci_low)} "
        f"to {percent(row.ci_high)}"
    )


def _log_sentence(fit) -> str:
    return params_sentence(fit.params(), fit.reason)


def params_sentence(table, reason: str = "") -> str:
    """A referral-log fit's sentence from its ``params()`` table alone.

    ``reason`` is the fit's ``reason`` (used when the log cannot tell how
    often people pass openings on). The report's "What your data says"
    section calls this with the ``params.csv`` that ``referral fit`` writes.
    """
    act = table[table["parameter"] == "activity"]
    tx = table[table["parameter"] == "transmission"]
    parts = []
    known = act.dropna(subset=["estimate"])
    pinned = known[~((known["ci_low"] <= 1e-9) & (known["ci_high"] >= 1 - 1e-9))]
    if len(pinned) == 0:
        parts.append(
            "The log cannot tell how often people pass openings on: "
            + (reason or "it does not separate acting from ties carrying")
            + "."
        )
    elif len(act) == 1 and act.iloc[0].estimate <= 1e-9:
        row = act.iloc[0]
        parts.append(
            f"Nobody in the log passed an opening on after hearing of it; at most "
            f"{percent(row.ci_high)} of people do ({row.level:.0%} upper bound)."
        )
    elif len(act) == 1:
        row = act.iloc[0]
        words = _share_of_row(row)
        lead, _, rest = words.partition(" (")
        parts.append(
            f"{lead[0].upper()}{lead[1:]} people who heard of an opening passed it "
            f"on ({rest}."
        )
        if loose(row):
            parts.append("The log is too small to say it more closely.")
    else:
        pieces = [
            f"in {row.group} {_share_of_row(row, of=False)}"
            for row in pinned.itertuples()
        ]
        parts.append(
            "Among people who heard of an opening, the share who passed it on "
            "was " + "; ".join(pieces) + "."
        )
        missing = act[act["estimate"].isna()]
        if len(missing):
            parts.append(
                f"The log says nothing about {len(missing)} group(s) "
                f"({', '.join(map(str, missing['group'].tolist()[:5]))}"
                f"{', ...' if len(missing) > 5 else ''})."
            )
        if len(pinned) > 1 and _overlap(pinned):
            parts.append("The evidence does not separate the groups from each other.")
    if len(tx) > 1:
        known_tx = tx.dropna(subset=["estimate"])
        pieces = [
            f"{_ci(row)} over ties of {row.group}" for row in known_tx.itertuples()
        ]
        parts.append(
            "When someone passed it on, each of their contacts heard of it with a "
            "chance of " + "; ".join(pieces) + "."
        )
        if len(known_tx) < len(tx):
            parts.append(
                "The log has no untold contact over ties of "
                + ", ".join(map(str, tx[tx["estimate"].isna()]["group"]))
                + "."
            )
        if len(known_tx) > 1 and _overlap(known_tx):
            parts.append(
                "The evidence does not separate the classes of ties from each other."
            )
    elif len(tx):
        row = tx.iloc[0]
        if row.ci_low <= 1e-9 and row.estimate <= 1e-9:
            parts.append(
                f"Each contact heard of it from a person passing it on with a "
                f"chance of at most {percent(row.ci_high)} ({row.level:.0%} upper "
                f"bound)."
            )
        else:
            parts.append(
                f"When someone passed it on, each of their contacts heard of it "
                f"with a chance of {_ci(row)}."
            )
    return " ".join(parts)


def _overlap(rows) -> bool:
    """True when every pair of intervals overlaps (no group stands apart)."""
    lows, highs = rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy()
    return bool(lows.max() <= highs.min())


_ASSUMPTIONS = {
    "constant": "Assuming every holder drops out with the same chance, and "
    "Poisson-spread lengths without drop-outs:",
    "beta_per_chain": "Assuming each chain has its own chance of being dropped "
    "(spread as the Beta distribution named in the fit), and Poisson-spread "
    "lengths without drop-outs:",
}


def _chain_sentence(fit) -> str:
    table = fit.params()
    parts = []
    if not fit.identifiable and fit.kind == "chain_histogram":
        parts.append(
            "The completed chains alone cannot tell how many chains were "
            f"abandoned at each step: {fit.reason}."
        )
        if fit.model == "none":
            return " ".join(parts)
        parts.append(_ASSUMPTIONS.get(fit.model, f"Assuming {fit.model}:"))
    for row in table.itertuples():
        if row.parameter == "starter_dropout":
            parts.append(
                f"{share_words(row.estimate).capitalize()} starters never sent "
                f"their letter on ({_ci(row)})."
            )
        elif row.parameter in ("dropout", "dropout_per_step"):
            later = " later" if row.parameter == "dropout_per_step" else ""
            parts.append(
                f"At each{later} step {share_words(row.estimate)} holders "
                f"dropped out ({_ci(row)})."
            )
        elif row.parameter == "dropout_mean":
            spread = table[table["parameter"] == "dropout_concentration"]
            if len(spread) == 0:
                how = "assumed to differ from chain to chain"
            elif spread["ci_high"].iloc[0] >= 1e5:
                how = "the chains show no sign that it differed from chain to chain"
            else:
                how = "it differed from chain to chain"
            parts.append(
                f"On average a holder dropped out with a chance of {_ci(row)}; {how}."
            )
        elif row.parameter == "corrected_median_length":
            parts.append(
                f"Had no chain been abandoned, half of them would have needed "
                f"{row.estimate:.0f} steps or fewer ({row.level:.0%} CI "
                f"{row.ci_low:.0f} to {row.ci_high:.0f})."
            )
    return " ".join(parts)


def _counts_sentence(fit) -> str:
    table = fit.params().set_index("parameter")
    parts = []
    p = table.loc["participation"]
    parts.append(
        f"{share_words(p.estimate).capitalize()} people who could refer "
        f"someone did ({percent(p.estimate)}; {p.level:.0%} CI "
        f"{percent(p.ci_low)} to {percent(p.ci_high)})."
    )
    m = table.loc["referrals_per_participant"]
    parts.append(
        f"Those who referred brought {m.estimate:.2f} people each on average "
        f"({m.level:.0%} CI {m.ci_low:.2f} to {m.ci_high:.2f})."
    )
    b = table.loc["branching_factor"]
    verdict = (
        "so chains of referrals die out on their own"
        if b.ci_high < 1
        else "so chains of referrals can keep going"
        if b.ci_low > 1
        else "the evidence does not say whether chains of referrals die out"
    )
    parts.append(
        f"Each person who could refer brought {b.estimate:.2f} people on average "
        f"({b.level:.0%} CI {b.ci_low:.2f} to {b.ci_high:.2f}); if the people "
        f"referred refer at that rate, {verdict.removeprefix('so ')}."
    )
    return " ".join(parts)


def fit_sentence(fit) -> str:
    """The recruiter's sentence of ``fit``."""
    if fit.kind == "referral_log":
        return _log_sentence(fit)
    if fit.kind in ("search_chains", "chain_histogram"):
        return _chain_sentence(fit)
    if fit.kind == "referral_counts":
        return _counts_sentence(fit)
    raise ValueError(f"No sentence for a {fit.kind!r} fit.")  # pragma: no cover
