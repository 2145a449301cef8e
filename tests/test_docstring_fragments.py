"""One wording for the parameters documented many times: ``seed``,
``n_jobs`` and ``progress`` read the same in every public docstring (the
glossary's "Parameters that mean the same everywhere"), and a function adds
only what is its own after the shared sentence."""

from __future__ import annotations

import importlib
import inspect

import pytest
from numpydoc.docscrape import NumpyDocString

#: every public subpackage (the docs build lists the same ones)
MODULES = [
    "network",
    "simulate",
    "analysis",
    "whom_to_ask",
    "wording",
    "interventions",
    "io",
    "sweep",
    "report",
    "plot",
    "datasets",
    "calibrate",
]

SEED_TYPE = "None, int, numpy.random.SeedSequence or numpy.random.Generator"
SEED = "Seed of the random numbers; the same seed gives the same result."
N_JOBS_PARTS = ("(``None``: 1", "``-1``: all cores)", "the same for any ``n_jobs``.")
PROGRESS = "Show a ``tqdm`` progress bar; it changes no number."

#: entries left in their own words, and why
EXEMPT = {
    # the spread engine's owner rewrites spread's docstring with the engine
    "simulate.spread",
    # an int derived from a checked spec, not a user seed
    "sweep.toml_build",
}


def _entries():
    seen = {}
    for module_name in MODULES:
        module = importlib.import_module(f"referral.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                seen.setdefault(f"{module_name}.{name}", obj)
    for qualified, function in sorted(seen.items()):
        if qualified in EXEMPT:
            continue
        for p in NumpyDocString(inspect.getdoc(function) or "")["Parameters"]:
            if p.name in ("seed", "n_jobs", "progress"):
                yield qualified, p.name, p.type, " ".join(p.desc)


ENTRIES = list(_entries())


def test_enough_entries_are_checked():
    kinds = {name for _, name, _, _ in ENTRIES}
    assert kinds == {"seed", "n_jobs", "progress"}
    assert len(ENTRIES) >= 30


@pytest.mark.parametrize(
    ("function", "parameter", "kind", "text"),
    ENTRIES,
    ids=[f"{f}:{p}" for f, p, _, _ in ENTRIES],
)
def test_shared_wording(function, parameter, kind, text):
    if parameter == "seed":
        assert kind in (SEED_TYPE, f"{SEED_TYPE}, default 0"), kind
        assert text.startswith(SEED), text
    elif parameter == "n_jobs":
        assert kind == "int, optional", kind
        assert all(part in text for part in N_JOBS_PARTS), text
    else:
        assert kind == "bool, default False", kind
        assert text.startswith(PROGRESS), text
