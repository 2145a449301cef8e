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
it back (or the folder written by ``referral spread`` or ``referral
search``), so a report can be rebuilt without rerunning the simulations.
Every sentence and chart is built by :func:`sections` from the tables alone
(the wording lives in :mod:`referral.wording`), so a report rebuilt from
the files says exactly what the original said. A section whose tables are
missing is left out with a one-line note; a malformed table is an error
naming the file and the column.

Every file is staged in a temporary folder and renamed into place, and an
existing report is never overwritten without ``force``.

The package has four rooms: ``_analysing`` (the tables and reading saved
folders back), ``_wording`` (sections and headline from the tables),
``_rendering`` (charts, HTML and the staged folder) and ``_pipeline`` (the
standard analysis, which may write the folder); this module gathers their
public names.
"""

from __future__ import annotations

from referral.report._analysing import (
    TABLES,  # noqa: F401  (referral.report.TABLES, as before)
    Results,
    read_results,
)
from referral.report._pipeline import analyse, demo_results
from referral.report._rendering import check_writable, staged_outputs, write_report
from referral.report._wording import Section, headline, plain_summary, sections

__all__ = [
    "Results",
    "Section",
    "analyse",
    "sections",
    "demo_results",
    "read_results",
    "write_report",
    "headline",
    "plain_summary",
    "check_writable",
    "staged_outputs",
]
