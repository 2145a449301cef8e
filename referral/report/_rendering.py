"""The report's rendering: charts as PNG, one HTML page, the folder written safely.

:func:`write_report` draws every chart, builds the self-contained
``index.html`` and writes it with the tables into a folder staged beside the
target (:func:`staged_outputs`), after :func:`check_writable` refuses to
overwrite an existing report without ``force``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import html
import io as _io
from pathlib import Path

import numpy as np
import pandas as pd

from referral._core.params import Options, validate_params
from referral._core.stats import ci_words, table_level
from referral.report._analysing import TABLES, Results
from referral.report._wording import sections

__all__ = ["check_writable", "staged_outputs", "write_report"]


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
    """A table cell: three significant figures, thousands separated, and a
    positive value never shown as 0."""
    if not np.isfinite(x):
        return ""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.3g}"
    if "e" in text:
        text = f"{x:.1e}" if x != 0 else "0"
    return text


#: report table titles (the CSV file keeps its name)
_TITLES = {
    "summary": "Reach per opening",
    "dropoff": "Where it stops, hop by hop",
    "tie_offers": "What became of each tie",
    "by_hop": "People by hop",
    "by_step": "Search chains by step",
    "gatekeepers": "Gatekeepers",
    "cost": "The threshold: today, everyone acting, and the tipping points",
    "cost_curve": "Reach against a multiplier on everyone's activity",
    "weak_ties": "Strong and weak ties on the chains",
    "compare": "Interventions",
    "people": "People",
    "ambassadors": "Who to ask",
}


def _heading(column: str, ci: str = "95% CI") -> str:
    """A readable column heading: ``cost_cumulative_ci_low`` reads "cost
    cumulative, 95% CI low" (``ci``: the words of the table's level)."""
    text = str(column)
    for suffix, words in [
        ("_ci_low", f", {ci} low"),
        ("_ci_high", f", {ci} high"),
        ("_se", " (std. error)"),
    ]:
        if text.endswith(suffix) and len(text) > len(suffix):
            return _heading(text[: -len(suffix)], ci) + words
    if text in ("ci_low", "ci_high"):
        return f"{ci} " + text[3:]
    if text == "se":
        return "std. error"
    if text.startswith("n_"):
        return "number of " + text[2:].replace("_", " ")
    return text.replace("_", " ")


def _table_html(name: str, frame: pd.DataFrame, fmt: str, rows: int = 25) -> str:
    ci = ci_words(table_level(frame))
    shown = frame.head(rows).rename(columns=lambda column: _heading(column, ci))
    body = shown.to_html(
        index=False,
        border=0,
        float_format=_number,
        na_rep="",
        classes="data",
    )
    more = (
        f" Showing the first {rows} of {len(frame):,} rows; the other "
        f"{len(frame) - rows:,} are in the file."
        if len(frame) > rows
        else ""
    )
    title = _TITLES.get(name, name.replace("_", " "))
    return (
        f'<h3 id="table-{name}">{html.escape(title)}</h3>'
        f'<div class="scroll">{body}</div>'
        f'<p class="note">Numbers rounded to three figures here; the full table, '
        f'with exact values and column names: <a href="{name}.{fmt}">{name}.{fmt}'
        f"</a>.{more}</p>"
    )


def _html(results, built, images, fmt) -> str:
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
    items = "".join(f"<li>{e(s)}</li>" for section in built for s in section.sentences)
    body = []
    for section in built:
        if not (section.charts or section.notes or section.details):
            continue
        parts = [f"<h2>{e(section.name)}</h2>"]
        for name, caption, _ in section.charts:
            png = images[name]
            parts.append(
                f'<figure id="chart-{name}"><img alt="{e(caption)}" '
                f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
                f'<figcaption>{e(caption)} (<a href="{name}.png">{name}.png</a>)'
                f"</figcaption></figure>"
            )
        for note in section.notes:
            parts.append(f'<p class="note">Left out: {e(note)}</p>')
        for detail in section.details:
            parts.append(f'<p class="note">{e(detail)}</p>')
        body.append("".join(parts))
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
        f"{''.join(body)}"
        f"<h2>Tables</h2>{tables}"
        "</main></body></html>\n"
    )


# ------------------------------------------------------------------ writing
@validate_params({"force": ["boolean"]})
def check_writable(out, *, force: bool = False, reading=()) -> None:
    """Refuse early if ``out`` exists, unless ``force`` and it is an earlier report.

    Parameters
    ----------
    out : str or path
        The report folder.
    force : bool, default False
        Allow replacing an earlier report (a folder marked as one).
    reading : iterable of str or path
        Files and folders being read; ``out`` must not hold any.

    Raises
    ------
    FileExistsError
        If ``out`` exists and ``force`` is false.
    ValueError
        If ``out`` holds something being read, or is not an earlier report
        (:func:`referral.io.check_target`).
    """
    from referral.io import check_target

    check_target(out, force=force, kind="report", reading=reading)


@contextlib.contextmanager
@validate_params({"force": ["boolean"]})
def staged_outputs(paths, *, force: bool = False, reading=()):
    """Stage the files of one output folder beside it, then rename it once.

    All ``paths`` must lie in one folder. Refuses before anything is written
    if the folder exists (a file, or a non-empty folder) and ``force`` is
    false. Yields ``staged(path) -> path in the staging folder``; the whole
    folder is then renamed into place by :func:`referral.io.staged_folder`,
    so it is absent or complete whenever the process stops.

    Parameters
    ----------
    paths : iterable of str or path
        The final outputs.
    force : bool, default False
        Allow replacing an earlier report.
    reading : iterable of str or path
        Files and folders being read; the folder must not hold any.

    Yields
    ------
    callable
        ``staged(path) -> temporary path`` to write each output to.

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
    with staged_folder(out, force=force, kind="report", reading=reading) as stage:
        yield lambda path: stage / Path(path).name


@validate_params(
    {
        "results": [Results],
        "force": ["boolean"],
        "table_format": [Options(("csv", "parquet"))],
    }
)
def write_report(
    results: Results, out, *, force: bool = False, table_format: str = "csv"
) -> Path:
    """Write the report folder: ``index.html``, the tables and the charts.

    Parameters
    ----------
    results : Results
        The tables to write.
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
        If ``out`` exists and ``force`` is false.
    ValueError
        If ``out`` holds the folder the results were read from, or (with
        ``force``) is not an earlier report.
    """
    from referral.io import write_table

    out = Path(out)
    reading = [results.source] if results.source is not None else []
    check_writable(out, force=force, reading=reading)
    built = sections(results)
    images = {
        name: _render(draw) for section in built for name, _, draw in section.charts
    }
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
    pngs = {out / f"{name}.png": png for name, png in images.items()}
    index = out / "index.html"
    page = _html(results, built, images, table_format)
    with staged_outputs([*files, *pngs, index], force=force, reading=reading) as staged:
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
