"""A shareable report: one self-contained HTML file plus CSVs and PNGs.

:func:`analyse` runs the standard analysis of a network (spread, drop-off,
the "other people" cost, gatekeepers, weak ties, interventions) and returns
a :class:`Results` bundle of tidy tables. :func:`write_report` turns a bundle
into a folder::

    referral-report/
      index.html        one file; charts embedded as base64 PNG, no network
      summary.csv, dropoff.csv, gatekeepers.csv, ...   the tables
      reach.png, dropoff.png, ...                      the charts
      facts.csv         the headline numbers and sentences

Such a folder is itself a set of saved results: :func:`read_results` reads
it back (or the folder written by ``referral spread``), so a report can be
rebuilt without rerunning the simulations.

Every file is staged in a temporary folder and renamed into place, and an
existing report is never overwritten without ``force``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import html
import io as _io
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

__all__ = [
    "Results",
    "analyse",
    "demo_results",
    "read_results",
    "write_report",
    "headline",
    "plain_summary",
    "check_writable",
    "staged_outputs",
]

#: tables written by :func:`write_report`, in the report's order
TABLES = [
    "summary",
    "dropoff",
    "gatekeepers",
    "cost",
    "cost_curve",
    "weak_ties",
    "compare",
    "people",
]


@dataclass
class Results:
    """Everything a report shows, as tidy tables and a few facts.

    Attributes
    ----------
    title : str
    tables : dict of str to pandas.DataFrame
        Any of ``summary`` (:meth:`SpreadResult.summary`), ``dropoff``
        (:func:`referral.analysis.dropoff`), ``gatekeepers``, ``cost``
        (:meth:`OtherPeopleCost.table`), ``cost_curve``
        (:attr:`OtherPeopleCost.curve`), ``weak_ties``, ``compare`` and
        ``people`` (:meth:`SpreadResult.people`). Missing tables are skipped.
    facts : dict of str to str
        Headline numbers and sentences (``network``, ``threshold_sentence``,
        ``trials``, ``seed``, ...).
    result : SpreadResult, optional
        The live result, when available (for the reach chart).
    """

    title: str
    tables: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    result: object = None


# ------------------------------------------------------------------ analysis
def analyse(
    network,
    sources=None,
    *,
    title: str = "Referral report",
    description: str | None = None,
    trials=None,
    top: int = 10,
    seed=0,
    n_jobs=None,
    progress: bool = False,
) -> Results:
    """Run the standard analysis of a network and bundle the tables.

    Parameters
    ----------
    network : ReferralNetwork
    sources : labels, optional
        Who posts the opening (default: the recruiters).
    title, description : str
    trials : dict, optional
        Trials per step: ``spread``, ``cost``, ``gatekeepers``, ``compare``
        (defaults 2000, 2000, 300, 2000; the same trials for the spread, the
        cost and the comparison keep their "as is" figures identical).
    top : int, default 10
        Gatekeepers to rank; the first intervention trains them.
    seed : int, default 0
    n_jobs : int, optional
    progress : bool, default False

    Returns
    -------
    Results
    """
    from referral import analysis, interventions
    from referral._random import resolve_entropy
    from referral.spread import spread

    steps = {"spread": 2000, "cost": 2000, "gatekeepers": 300, "compare": 2000}
    steps.update(trials or {})
    entropy = resolve_entropy(seed, function="analyse")
    result = spread(
        network,
        sources,
        trials=steps["spread"],
        seed=entropy,
        n_jobs=n_jobs,
        progress=progress,
    )
    dropoff = analysis.dropoff(result)
    cost = analysis.other_people_cost(
        network, sources, trials=steps["cost"], seed=entropy, n_jobs=n_jobs
    )
    keepers = analysis.gatekeepers(
        network,
        result,
        sources=sources,
        top=top,
        trials=steps["gatekeepers"],
        seed=entropy,
        n_jobs=n_jobs,
    )
    weak = analysis.weak_tie_share(result)
    trained = keepers["person"].tolist()
    mean_activity = float(network.activity.mean())
    scenarios = {
        "as is": network,
        f"train top {len(trained)} gatekeepers": (
            interventions.boost_activity(network, trained, to=0.9)
        ),
        "referral bonus +0.1": interventions.referral_bonus(network, 0.1),
    }
    compared = analysis.compare(
        scenarios,
        trials=steps["compare"],
        seed=entropy,
        n_jobs=n_jobs,
        sources=sources,
    )
    facts = {
        "title": title,
        "network": description or repr(network),
        "people": str(network.n_people),
        "ties": str(network.n_ties),
        "candidates": str(int(network.is_candidate.sum())),
        "mean_activity": f"{mean_activity:.3f}",
        "trials": str(result.n_trials),
        "seed": str(entropy),
        "gatekeeper_measure": str(keepers.attrs.get("measure", "")),
        "interventions": (
            f"train top {len(trained)} gatekeepers: their activity raised to 0.9; "
            f"referral bonus +0.1: everyone's activity raised by 0.1"
        ),
        "threshold_sentence": cost.sentence(),
        "critical_multiplier_analytic": repr(cost.critical_multiplier_analytic),
        "critical_multiplier_simulated": repr(cost.critical_multiplier_simulated),
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
    }
    tables = {
        "summary": result.summary(),
        "dropoff": dropoff,
        "gatekeepers": keepers,
        "cost": cost.table(),
        "cost_curve": cost.curve,
        "weak_ties": weak,
        "compare": compared,
        "people": result.people(),
    }
    return Results(title=title, tables=tables, facts=facts, result=result)


def demo_results(*, seed=0, trials=None, n_jobs=None, progress=False) -> Results:
    """The default scenario on the bundled e-mail network (``referral demo``).

    One recruiter posts an opening in the e-mail network of a European
    research institution (1,005 people); activity is drawn from Beta(2, 5),
    so most people are poor networkers, and a fifth are open to the job.
    """
    from referral.datasets import email_eu_core

    network = email_eu_core(seed=seed)
    description = (
        f"the e-mail network of a European research institution (SNAP "
        f"email-Eu-core): {network.n_people:,} people, {network.n_ties:,} "
        f"one-way ties; one recruiter; {int(network.is_candidate.sum())} "
        f"candidates; activity drawn from Beta(2, 5), mean "
        f"{network.activity.mean():.2f}"
    )
    return analyse(
        network,
        title="Referral demo: how far does one opening travel?",
        description=description,
        trials=trials,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
    )


# --------------------------------------------------------------- reading back
def read_results(folder) -> Results:
    """Read saved tables (a report folder or ``referral spread`` output).

    Tables are the ``*.csv`` and ``*.parquet`` files of the folder; a
    ``by_hop`` table from ``referral spread`` stands in for ``dropoff`` and a
    ``people`` table gives chain-credit gatekeepers.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist.
    ValueError
        If it holds no tables the report can use.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"No such results folder: {str(folder)!r}.")
    tables = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix == ".csv":
            try:
                tables[path.stem] = pd.read_csv(path)
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
                raise ValueError(f"{str(path)!r} is malformed: {error}") from None
        elif path.suffix == ".parquet":
            tables[path.stem] = pd.read_parquet(path)
    facts = {}
    if "facts" in tables:
        frame = tables.pop("facts")
        facts = dict(
            zip(frame["key"].astype(str), frame["value"].astype(str), strict=True)
        )
    if "by_hop" in tables and not set(_REQUIRED["by_hop"]) <= set(
        tables["by_hop"].columns
    ):
        del tables["by_hop"]
    if "dropoff" not in tables and "by_hop" in tables:
        tables["dropoff"] = _dropoff_from_by_hop(tables["by_hop"])
    for name, columns in _REQUIRED.items():
        if name in tables and not set(columns) <= set(tables[name].columns):
            del tables[name]  # a file of the same name that is not our table
    usable = set(tables) & set(TABLES)
    if not usable:
        raise ValueError(
            f"{str(folder)!r} holds no results a report can use: expected some of "
            f"{[f'{t}.csv' for t in TABLES]} (or by_hop.csv)."
        )
    title = facts.get("title", f"Referral report: {folder.name}")
    return Results(title=title, tables=tables, facts=facts)


_REQUIRED = {
    "summary": ["measure", "mean", "ci_low", "ci_high"],
    "dropoff": ["hop", "held", "lost_did_not_act", "lost_total"],
    "gatekeepers": ["person"],
    "cost": ["scenario", "people_reached_mean", "candidates_reached_mean"],
    "cost_curve": ["multiplier", "people_reached_mean"],
    "weak_ties": ["scope", "hop", "chains", "via_weak", "share"],
    "compare": ["scenario", "measure", "mean", "diff", "diff_ci_low"],
    "people": ["person", "chain_share"],
    "by_hop": ["hop"] + [f"{n}_mean" for n in ("held", "acted", "offered")],
}


def _dropoff_from_by_hop(by_hop: pd.DataFrame) -> pd.DataFrame:
    names = [
        "held",
        "acted",
        "offered",
        "arrived",
        "lost_did_not_act",
        "lost_not_carried",
        "lost_already_reached",
        "lost_hop_limit",
        "lost_fanout",
    ]
    frame = pd.DataFrame({"hop": by_hop["hop"]})
    for name in names:
        frame[name] = by_hop[f"{name}_mean"]
    losses = [n for n in names if n.startswith("lost_")]
    frame["lost_total"] = frame[losses].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["did_not_act_share"] = frame["lost_did_not_act"] / frame["lost_total"]
    frame.attrs["kind"] = "spread"
    return frame


# ------------------------------------------------------------------ headline
def _measure(table, name, column="mean"):
    if table is None or "measure" not in table.columns:
        return np.nan
    rows = table.loc[table["measure"] == name, column]
    return float(rows.iloc[0]) if len(rows) else np.nan


def headline(results: Results) -> list[str]:
    """The headline findings in plain words, one sentence per item."""
    t = results.tables
    facts = results.facts
    lines = []
    summary = t.get("summary")
    if summary is not None:
        people = _measure(summary, "people_reached")
        low = _measure(summary, "people_reached", "ci_low")
        high = _measure(summary, "people_reached", "ci_high")
        candidates = _measure(summary, "candidates_reached")
        share = _measure(summary, "candidate_share_reached")
        depth = _measure(summary, "depth")
        text = (
            f"Reach: an opening reaches {people:,.0f} people on average "
            f"(95% CI {low:,.0f} to {high:,.0f})"
        )
        if np.isfinite(candidates):
            text += f", {candidates:,.0f} of them candidates"
            if np.isfinite(share):
                text += f" ({100 * share:.0f}% of all candidates)"
        if np.isfinite(depth):
            text += f", and travels {depth:.1f} hops deep"
        lines.append(text + ".")
    dropoff = t.get("dropoff")
    if dropoff is not None and len(dropoff):
        lost = dropoff["lost_did_not_act"].sum()
        total = dropoff["lost_total"].sum()
        worst = dropoff.loc[dropoff["lost_total"].idxmax()]
        peak = dropoff.loc[dropoff["held"].idxmax()]
        share = lost / total if total > 0 else np.nan
        lines.append(
            f"Where it dies: {100 * share:.0f}% of all lost referrals were lost "
            f"because the person holding the opening did not pass it on. Most "
            f"people hold it at hop {int(peak['hop'])} ({peak['held']:,.0f} on "
            f"average), and hop {int(worst['hop'])} loses the most "
            f"({worst['lost_total']:,.0f} referrals)."
        )
    cost = t.get("cost")
    if cost is not None and "scenario" in cost.columns:
        rows = cost.set_index("scenario")
        if {"as_is", "everyone_acts"} <= set(rows.index):
            now = rows.loc["as_is", "people_reached_mean"]
            everyone = rows.loc["everyone_acts", "people_reached_mean"]
            c_now = rows.loc["as_is", "candidates_reached_mean"]
            c_all = rows.loc["everyone_acts", "candidates_reached_mean"]
            lines.append(
                f'The "other people" cost: if every intermediary passed the '
                f"opening on, it would reach {everyone:,.0f} people instead of "
                f"{now:,.0f} ({c_all:,.0f} candidates instead of {c_now:,.0f}); "
                f"the people in between cost {everyone - now:,.0f} people "
                f"({100 * (1 - now / everyone):.0f}% of the possible reach)."
                if everyone > 0
                else "The other people cost cannot be computed: nobody is reached."
            )
    if facts.get("threshold_sentence"):
        sentence = facts["threshold_sentence"]
        if cost is not None:  # the cost line above already says it
            sentence = sentence.split(" If every intermediary")[0]
        lines.append("The threshold: " + sentence)
    keepers = t.get("gatekeepers")
    if keepers is not None and len(keepers):
        top = keepers.head(3)
        if "counterfactual_loss" in top.columns:
            unit = (
                "people"
                if keepers.attrs.get("measure") == "people_reached"
                or results.facts.get("gatekeeper_measure") == "people_reached"
                else "candidates"
            )
            names = ", ".join(
                f"{p} (−{loss:,.2f} {unit})"
                for p, loss in zip(
                    top["person"], top["counterfactual_loss"], strict=True
                )
            )
            lines.append(
                f"Top gatekeepers: if one of them did not act, reach would drop "
                f"most for {names} per opening."
            )
    elif t.get("people") is not None and "chain_share" in t["people"].columns:
        people = t["people"].sort_values("chain_share", ascending=False).head(3)
        names = ", ".join(
            f"{p} ({100 * s:.0f}% of chains)"
            for p, s in zip(people["person"], people["chain_share"], strict=True)
        )
        lines.append(f"Top gatekeepers by chain credit: {names}.")
    best = _best_intervention(t.get("compare"))
    if best:
        lines.append(best)
    return lines


def _best_intervention(compare) -> str | None:
    if compare is None or len(compare) == 0:
        return None
    measure = (
        "candidates_reached"
        if (compare["measure"] == "candidates_reached").any()
        else compare["measure"].iloc[0]
    )
    rows = compare[compare["measure"] == measure].reset_index(drop=True)
    if len(rows) < 2:
        return None
    others = rows.iloc[1:]
    best = others.loc[others["diff"].idxmax()]
    word = measure.replace("_", " ")
    if best["diff"] <= 0 or best["diff_ci_low"] <= 0:
        return (
            f"Best intervention: none of the tried interventions raised {word} "
            f"clearly (best: {best['scenario']}, {best['diff']:+,.1f})."
        )
    return (
        f"Best intervention: {best['scenario']} raises {word} from "
        f"{rows['mean'].iloc[0]:,.1f} to {best['mean']:,.1f} "
        f"({best['diff']:+,.1f}, 95% CI {best['diff_ci_low']:+,.1f} to "
        f"{best['diff_ci_high']:+,.1f}, common random numbers)."
    )


def plain_summary(results: Results) -> str:
    """The headline as plain text for a terminal."""
    lines = [results.title, ""]
    if results.facts.get("network"):
        lines += [f"Network: {results.facts['network']}.", ""]
    for sentence in headline(results):
        lines.append(f"* {sentence}")
    return "\n".join(lines)


# -------------------------------------------------------------------- charts
def _cost_like(results):
    t = results.tables
    curve = t.get("cost_curve")
    if curve is None:
        return None
    cost = t.get("cost")
    rows = cost.set_index("scenario") if cost is not None else None

    def row(name):
        if rows is None or name not in rows.index:
            return None
        return rows.loc[name]

    def number(name, scenario):
        value = results.facts.get(name)
        if value is not None:
            return float(value)
        r = row(scenario)
        return float(r["multiplier"]) if r is not None else np.nan

    return SimpleNamespace(
        curve=curve,
        as_is=row("as_is"),
        everyone_acts=row("everyone_acts"),
        critical_multiplier_analytic=number(
            "critical_multiplier_analytic", "critical_analytic"
        ),
        critical_multiplier_simulated=number(
            "critical_multiplier_simulated", "critical_simulated"
        ),
        today=1.0,
    )


def _far_below(cost) -> bool:
    """Log scale when the critical point is far below today's network."""
    m = cost.critical_multiplier_analytic
    return bool(np.isfinite(m) and 0 < m < 0.3)


def _reach_from_dropoff(dropoff, ax):
    hops = dropoff["hop"].to_numpy()
    ax.plot(
        hops,
        np.cumsum(dropoff["held"].to_numpy()),
        marker="o",
        label="people reached (cumulative mean)",
    )
    ax.set_xlabel("hop from the recruiter")
    ax.set_ylabel("people reached (mean per trial)")
    ax.set_title("Reach by hop")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def _charts(results: Results) -> list[tuple[str, str, object]]:
    """``(name, caption, draw(ax))`` for every chart the tables allow."""
    from referral import plot

    t = results.tables
    charts = []
    if results.result is not None:
        charts.append(
            (
                "reach",
                "How far the opening travels, hop by hop.",
                lambda ax: plot.plot_reach(results.result, ax=ax),
            )
        )
    elif t.get("dropoff") is not None:
        charts.append(
            (
                "reach",
                "How far the opening travels, hop by hop.",
                lambda ax: _reach_from_dropoff(t["dropoff"], ax),
            )
        )
    if t.get("dropoff") is not None:
        charts.append(
            (
                "dropoff",
                "Where the opening dies: every referral offered "
                "at each hop, by what became of it. Red: the holder did "
                "not act.",
                lambda ax: plot.plot_dropoff(t["dropoff"], ax=ax),
            )
        )
    cost = _cost_like(results)
    if cost is not None:
        charts.append(
            (
                "threshold",
                "The threshold: reach against a multiplier on everyone's activity.",
                lambda ax: plot.plot_threshold(cost, ax=ax, logx=_far_below(cost)),
            )
        )
    keepers = t.get("gatekeepers")
    if keepers is not None and "counterfactual_loss" in keepers.columns:
        charts.append(
            (
                "gatekeepers",
                "Gatekeepers: the drop in reach if this "
                "person did not act (95% CI, common random numbers).",
                lambda ax: plot.plot_gatekeepers(keepers, ax=ax),
            )
        )
    if t.get("weak_ties") is not None:
        charts.append(
            (
                "weak_ties",
                "Strong and weak ties in the chains that reached candidates.",
                lambda ax: plot.plot_weak_ties(t["weak_ties"], ax=ax),
            )
        )
    if t.get("compare") is not None:
        charts.append(
            (
                "compare",
                "Interventions against today's network "
                "(difference, 95% CI, common random numbers).",
                lambda ax: plot.plot_compare(
                    t["compare"], measure="candidates_reached", diff=True, ax=ax
                ),
            )
        )
    return charts


def _render(draw) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 4.2), dpi=100, layout="constrained")
    ax = figure.subplots()
    draw(ax)
    buffer = _io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1d2430;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.7em;margin:0 0 .2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
.meta{color:#5a6270;font-size:.9em}
ul.headline{font-size:1.08em;line-height:1.5;background:#f3f6fb;padding:14px 14px 14px
34px;border-left:4px solid #2f6db5}
ul.headline li{margin:.35em 0}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #e3e3e3}
figcaption{color:#5a6270;font-size:.92em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
.note{color:#5a6270;font-size:.85em}.scroll{overflow-x:auto}
"""


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.4g}"


def _table_html(name: str, frame: pd.DataFrame, fmt: str, rows: int = 25) -> str:
    shown = frame.head(rows)
    body = shown.to_html(
        index=False,
        border=0,
        float_format=_number,
        na_rep="",
        classes="data",
    )
    more = f" Showing {rows} of {len(frame):,} rows." if len(frame) > rows else ""
    return (
        f'<h3 id="table-{name}">{html.escape(name)}</h3>'
        f'<div class="scroll">{body}</div>'
        f'<p class="note">Full table: <a href="{name}.{fmt}">{name}.{fmt}</a>.'
        f"{more}</p>"
    )


def _html(results, images, fmt) -> str:
    e = html.escape
    facts = results.facts
    meta = []
    if facts.get("network"):
        meta.append(f"Network: {e(facts['network'])}.")
    if facts.get("trials"):
        meta.append(f"{e(facts['trials'])} trials, seed {e(facts.get('seed', '?'))}.")
    if facts.get("interventions"):
        meta.append(f"Interventions tried: {e(facts['interventions'])}.")
    meta.append(f"Made by referral on {_dt.date.today().isoformat()}.")
    items = "".join(f"<li>{e(s)}</li>" for s in headline(results))
    figures = "".join(
        f'<figure id="chart-{name}"><img alt="{e(caption)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        f'<figcaption>{e(caption)} (<a href="{name}.png">{name}.png</a>)'
        f"</figcaption></figure>"
        for name, caption, png in images
    )
    tables = "".join(
        _table_html(name, results.tables[name], fmt)
        for name in TABLES
        if name in results.tables
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(results.title)}</title>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>{e(results.title)}</h1>"
        f'<p class="meta">{" ".join(meta)}</p>'
        f'<h2>Headline</h2><ul class="headline">{items}</ul>'
        f"<h2>Charts</h2>{figures}"
        f"<h2>Tables</h2>{tables}"
        "</main></body></html>\n"
    )


# ------------------------------------------------------------------ writing
def check_writable(out, *, force: bool = False) -> None:
    """Refuse early if a report already exists in ``out`` (without force).

    Raises
    ------
    FileExistsError
    """
    index = Path(out) / "index.html"
    if index.exists() and not force:
        raise FileExistsError(
            f"{str(index)!r} already exists; pass --force (force=True) to "
            f"overwrite the report."
        )


@contextlib.contextmanager
def staged_outputs(paths, *, force: bool = False):
    """Stage the files of one output folder beside it, then rename it once.

    All ``paths`` must lie in one folder. Refuses before anything is written
    if the folder exists (a file, or a non-empty folder) and ``force`` is
    false. Yields ``staged(path) -> path in the staging folder``; the whole
    folder is then renamed into place by :func:`referral.io.staged_folder`,
    so it is absent or complete whenever the process stops.

    Raises
    ------
    FileExistsError
    """
    from referral.io import staged_folder

    paths = [Path(p) for p in paths]
    parents = {p.parent for p in paths}
    if len(parents) != 1:
        raise ValueError(
            f"staged_outputs writes one folder; got files in {len(parents)}."
        )
    (out,) = parents
    with staged_folder(out, force=force) as stage:
        yield lambda path: stage / Path(path).name


def write_report(
    results: Results, out, *, force: bool = False, table_format: str = "csv"
) -> Path:
    """Write the report folder: ``index.html``, the tables and the charts.

    Parameters
    ----------
    results : Results
    out : str or path
        The folder (created if needed).
    force : bool, default False
        Overwrite an existing report.
    table_format : {"csv", "parquet"}

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Raises
    ------
    FileExistsError
        If the report (or one of its files) exists and ``force`` is false.
    """
    from referral.io import write_table

    out = Path(out)
    check_writable(out, force=force)
    images = [
        (name, caption, _render(draw)) for name, caption, draw in _charts(results)
    ]
    tables = {name: results.tables[name] for name in TABLES if name in results.tables}
    fact_items = {"title": results.title, **results.facts}
    facts = pd.DataFrame(
        {
            "key": list(fact_items),
            "value": [str(v) for v in fact_items.values()],
        },
        dtype=object,
    )
    files = {out / f"{name}.{table_format}": frame for name, frame in tables.items()}
    files[out / f"facts.{table_format}"] = facts
    pngs = {out / f"{name}.png": png for name, _, png in images}
    index = out / "index.html"
    page = _html(results, images, table_format)
    with staged_outputs([*files, *pngs, index], force=force) as staged:
        for path, frame in files.items():
            write_table(_text_labels(frame), staged(path), force=True)
        for path, png in pngs.items():
            staged(path).write_bytes(png)
        staged(index).write_text(page, encoding="utf-8")
    return index


def _text_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v if v is None else str(v))
    return frame
