"""The documentation site builds cleanly and covers every public name.

The build runs ``sphinx-build -W --keep-going -n -b html`` (warnings are errors,
nitpicky references) on a temporary copy of ``docs/`` and ``examples/``, so the
generated API stubs and gallery never land in the checkout, and nothing is
cached between runs. The gallery executes every example with
``REFERRAL_QUICK=1``.

Docstrings are checked with ``numpydoc.validate.validate``. The checks left out,
and why, are in ``pyproject.toml`` under ``[tool.numpydoc_validation]`` (one
place; ``numpydoc lint`` reads the same table). To re-run only the docstring
checks::

    .venv/bin/python -m pytest tests/test_docs.py -k numpydoc
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import tomllib
import types
from pathlib import Path
from unittest import mock

import pytest
from numpydoc.validate import Validator, validate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from referral_docs import public_api, public_modules  # noqa: E402
from test_examples import EXPECTED as EXAMPLE_PNGS  # noqa: E402

GUIDE_PAGES = [
    "model",
    "spread",
    "search",
    "threshold",
    "gatekeepers",
    "ambassadors",
    "interventions",
    "incentives",
    "sweeps",
    "data",
    "calibrate",
    "cli",
    "science",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once for this module; return (html folder, stderr)."""
    tmp = tmp_path_factory.mktemp("docs")
    shutil.copytree(
        ROOT / "docs",
        tmp / "docs",
        ignore=shutil.ignore_patterns("api", "auto_examples", "_build", "__pycache__"),
    )
    shutil.copytree(
        ROOT / "examples",
        tmp / "examples",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    html = tmp / "html"
    env = {**os.environ, "MPLBACKEND": "Agg", "REFERRAL_QUICK": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            str(tmp / "docs"),
            str(html),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return html, done


def test_sphinx_build_has_no_warnings(site):
    html, done = site
    assert done.returncode == 0, done.stderr[-5000:]
    assert "WARNING" not in done.stderr, done.stderr[-5000:]
    assert (html / "index.html").exists()


def _object(name):
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def test_every_public_name_has_a_page(site):
    html, _ = site
    pages = public_api()
    assert "referral.spread" in pages and "referral.sweep.sweep" in pages
    assert len(pages) > 80
    missing = []
    for name, target in sorted(pages.items()):
        obj = _object(name)
        if isinstance(obj, types.ModuleType):
            page, anchor = html / "api" / f"{target}.html", f'id="module-{target}"'
            if target in {"referral.spread", "referral.search"}:
                anchor = "<h1>"  # the function of the same name owns the id
        elif _is_data(target):
            module = target.rpartition(".")[0]
            page, anchor = html / "api" / f"{module}.html", f'id="{target}"'
        else:
            page = html / "api" / "generated" / f"{target}.html"
            anchor = f'id="{target}"'
        if not page.exists() or anchor not in page.read_text():
            missing.append(f"{name} (expected {page.relative_to(html)})")
    assert not missing, "no page for: " + ", ".join(missing)


def test_every_public_module_has_a_page(site):
    html, _ = site
    for module in public_modules():
        text = (html / "api" / f"{module}.html").read_text()
        assert module in text


def test_gallery_shows_every_example_with_its_figures(site):
    html, _ = site
    for script, pngs in EXAMPLE_PNGS.items():
        page = html / "auto_examples" / script.replace(".py", ".html")
        assert page.exists(), script
        text = page.read_text()
        shown = set(re.findall(rf"sphx_glr_{re.escape(script[:-3])}_(\d+)\.png", text))
        assert len(shown) == len(pngs), (script, sorted(shown))


def test_user_guide_pages_exist(site):
    html, _ = site
    for name in GUIDE_PAGES:
        page = html / "guide" / f"{name}.html"
        assert page.exists(), name
        article = page.read_text().split("<article", 1)[1].split("</article>")[0]
        text = re.sub(r"<[^>]+>", " ", article)
        assert len(" ".join(text.split())) > 1500, f"{name} is nearly empty"


def test_intersphinx_resolves_offline(site):
    html, _ = site
    page = (html / "api" / "generated" / "referral.io.read_edgelist.html").read_text()
    assert "pandas.pydata.org/pandas-docs/version/1.5.3/" in page


# --- numpydoc validation ---------------------------------------------------


def _settings():
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return table["tool"]["numpydoc_validation"]


def _is_data(name):
    module, _, attr = name.rpartition(".")
    obj = getattr(importlib.import_module(module), attr)
    return not (
        inspect.isclass(obj)
        or inspect.isroutine(obj)
        or isinstance(obj, types.ModuleType)
    )


def _documented_objects():
    """Every documented public name, plus the public members of classes."""
    out = []
    for target in sorted(set(public_api().values())):
        if target in sys.modules:
            out.append((target, importlib.import_module(target), None))
            continue
        if _is_data(target):
            continue  # constants: numpydoc would validate their type's docstring
        module, _, attr = target.rpartition(".")
        obj = getattr(importlib.import_module(module), attr)
        out.append((target, obj, None))
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if member.startswith("_"):
                    continue
                if inspect.isroutine(value) or isinstance(
                    value, property | classmethod | staticmethod
                ):
                    out.append((f"{target}.{member}", value, obj))
    return out


def _validate(name, obj):
    """numpydoc's report on one name. A package whose ``__init__`` holds no
    ``def`` (``referral.simulate``) trips numpydoc's search for the def line
    (only used to read inline ``numpydoc ignore`` comments), so a module's
    report is made without it."""
    if not isinstance(obj, types.ModuleType):
        return validate(name)
    with mock.patch.object(Validator, "source_file_def_line", None):
        return validate(name)


def _failures():
    settings = _settings()
    checks = settings["checks"]
    assert checks[0] == "all"
    skipped = set(checks[1:])
    member_skipped = set(settings.get("member_checks_skipped", []))
    dataclass_skipped = set(settings.get("dataclass_checks_skipped", []))
    by_module = settings.get("module_checks_skipped", {})
    by_name = settings.get("name_checks_skipped", {})
    failures = {}
    for name, obj, owner in _documented_objects():
        codes = {code for code, _ in _validate(name, obj)["errors"]} - skipped
        codes -= set(by_name.get(name, []))
        home = owner if owner is not None else obj
        module = getattr(home, "__module__", None) or getattr(home, "__name__", "")
        codes -= set(by_module.get(module, []))
        if owner is not None:
            codes -= member_skipped
        if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
            codes -= dataclass_skipped
        if codes:
            failures[name] = codes
    return failures


def test_numpydoc_validation_passes_for_every_public_docstring():
    failures = _failures()
    report = "\n".join(f"{n}: {sorted(c)}" for n, c in sorted(failures.items()))
    assert not failures, "numpydoc validation failed:\n" + report


def test_numpydoc_validation_catches_a_bad_docstring(tmp_path, monkeypatch):
    # The check itself can fail: a docstring with no period and an
    # undocumented parameter is flagged.
    module = tmp_path / "bad_doc_module.py"
    module.write_text('def f(x):\n    """do something"""\n    return x\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    codes = {code for code, _ in validate("bad_doc_module.f")["errors"]}
    assert {"SS03", "PR01", "GL08"} & codes
    assert "SS03" in codes and "PR01" in codes
