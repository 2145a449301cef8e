"""Sphinx configuration for the ``referral`` documentation.

Build (what ``tests/test_docs.py`` runs, on a temporary copy of ``docs/`` and
``examples/`` so nothing is written into the checkout)::

    REFERRAL_QUICK=1 sphinx-build -W --keep-going -n -b html docs /tmp/referral-html

The build needs no network: the intersphinx inventories are files in
``_intersphinx/`` (see its README for where each comes from).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from referral_docs import resolve_aliases, write_api_pages  # noqa: E402

import referral  # noqa: E402

os.environ.setdefault("MPLBACKEND", "Agg")

project = "referral"
author = "referral developers"
copyright = "referral developers"  # noqa: A001
release = referral.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "_ext", "_intersphinx", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
root_doc = "index"

# --- API reference -----------------------------------------------------------
# One page per public module and one per public name, written from the
# ``__all__`` lists at every build (so a new public name gets a page without
# editing anything here).
write_api_pages(HERE)
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc's Parameters section carries the types
numpydoc_show_class_members = False  # the class template lists members
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()  # validation runs in tests/test_docs.py

# --- intersphinx, offline ----------------------------------------------------
# Inventories come from Debian bookworm's documentation packages (see
# _intersphinx/README.md). Debian bookworm ships no numpy, networkx or
# matplotlib documentation package, so those mappings are left out, and
# references to those libraries are plain text (nitpick_ignore_regex below).
_INV = HERE / "_intersphinx"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", str(_INV / "python-3.11.inv")),
    "pandas": (
        "https://pandas.pydata.org/pandas-docs/version/1.5.3/",
        str(_INV / "pandas-1.5.3.inv"),
    ),
    "scipy": (
        "https://docs.scipy.org/doc/scipy-1.10.1/",
        str(_INV / "scipy-1.10.1.inv"),
    ),
}
intersphinx_timeout = 1

nitpicky = True
nitpick_ignore_regex = [
    # No offline inventory for these (see above; Debian has no joblib docs).
    (r"py:.*", r"(numpy|np|networkx|nx|matplotlib|mpl|plt|joblib)(\..*)?"),
]

# --- gallery -----------------------------------------------------------------
# The example scripts run unchanged: each gets a fresh output folder as its
# only argument (reset_argv) and the gallery shows the PNGs it wrote
# (png_scraper). Set REFERRAL_QUICK=1 for the fast version CI builds.
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py",
    "reset_argv": "referral_docs.reset_argv",
    "image_scrapers": ("matplotlib", "referral_docs.png_scraper"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "plot_gallery": "True",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "write_computation_times": False,
    "backreferences_dir": None,
}

# --- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"referral {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_static_path = ["_static"]
html_css_files = ["referral.css"]
html_show_sourcelink = False
html_copy_source = False


def setup(app):
    """Let references to a re-exported name's home module find its page."""
    app.connect("missing-reference", resolve_aliases)
