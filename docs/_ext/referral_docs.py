"""Build helpers for the ``referral`` documentation (used by ``docs/conf.py``).

* :func:`public_api` lists every public name: ``referral.__all__`` and the
  ``__all__`` of every public submodule. ``tests/test_docs.py`` uses it too, so
  the pages the build makes and the names the tests expect come from one place.
* :func:`write_api_pages` writes ``api/*.rst`` (one page per public module, an
  autosummary table per page) into the source folder the build runs on. The
  test builds from a temporary copy of ``docs/``; in a checkout ``docs/api/``
  is git-ignored.
* :func:`reset_argv` and :func:`png_scraper` let sphinx-gallery run the
  ``examples/`` scripts unchanged: each is a command-line script taking an
  output folder and writing PNGs there (its figures are closed), so the
  gallery passes it a temporary folder and shows the PNGs it wrote.
"""

from __future__ import annotations

import atexit
import importlib
import inspect
import pkgutil
import shutil
import tempfile
import types
from pathlib import Path

__all__ = [
    "public_api",
    "write_api_pages",
    "resolve_aliases",
    "reset_argv",
    "png_scraper",
]

PACKAGE = "referral"


def public_modules() -> list[str]:
    """Names of the public submodules of ``referral`` (no leading underscore),
    public subpackages' public submodules included."""
    names = []
    todo = [importlib.import_module(PACKAGE)]
    while todo:  # public subpackages' public modules too (referral.simulate.delays)
        pkg = todo.pop()
        for info in pkgutil.iter_modules(pkg.__path__):
            if not info.name.startswith("_"):
                names.append(f"{pkg.__name__}.{info.name}")
                if info.ispkg:
                    todo.append(importlib.import_module(names[-1]))
    return sorted(names)


def public_api() -> dict[str, str]:
    """Map every public name to the page name that documents it.

    A name re-exported by ``referral`` (``referral.spread`` is
    ``referral.simulate.spread``) is documented once, as ``referral.NAME``; the
    module pages link to it. Modules are documented on their module page.
    """
    pkg = importlib.import_module(PACKAGE)
    top = {n: getattr(pkg, n) for n in pkg.__all__ if n != "__version__"}
    pages: dict[str, str] = {}
    for name, obj in top.items():
        if isinstance(obj, types.ModuleType):
            pages[f"{PACKAGE}.{name}"] = obj.__name__
        else:
            pages[f"{PACKAGE}.{name}"] = f"{PACKAGE}.{name}"
    for modname in public_modules():
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            full = f"{modname}.{name}"
            if isinstance(obj, types.ModuleType):
                pages[full] = obj.__name__
            elif name in top and top[name] is obj:
                pages[full] = f"{PACKAGE}.{name}"
            else:
                pages[full] = full
    return pages


def _is_data(obj) -> bool:
    return not (inspect.isclass(obj) or inspect.isroutine(obj) or isinstance(obj, type))


def write_api_pages(srcdir: Path) -> None:
    """Write ``srcdir/api/index.rst`` and one page per public module."""
    pkg = importlib.import_module(PACKAGE)
    pages = public_api()
    api = Path(srcdir) / "api"
    if api.exists():
        shutil.rmtree(api)
    api.mkdir()

    def table(names: list[str], toctree: bool) -> list[str]:
        if not names:
            return []
        lines = [".. autosummary::"]
        if toctree:
            lines += ["   :toctree: generated", "   :nosignatures:"]
        else:
            lines += ["   :nosignatures:"]
        lines.append("")
        lines += [f"   {n}" for n in names]
        lines.append("")
        return lines

    # The top-level page: referral.__all__.
    top_objs = []
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        if name != "__version__" and not isinstance(obj, types.ModuleType):
            top_objs.append(name)
    lines = [
        "API reference",
        "=============",
        "",
        "Every public name, generated from ``referral.__all__`` and the",
        "``__all__`` of each public module. The names most people need are",
        "importable from ``referral`` itself.",
        "",
        ".. currentmodule:: referral",
        "",
        "The ``referral`` namespace",
        "--------------------------",
        "",
        *table(top_objs, toctree=True),
        "Modules",
        "-------",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
        *[f"   {m}" for m in public_modules()],
        "",
    ]
    (api / "index.rst").write_text("\n".join(lines))

    for modname in public_modules():
        module = importlib.import_module(modname)
        own, linked, data = [], [], []
        for name in getattr(module, "__all__", []):
            full = f"{modname}.{name}"
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                continue
            elif pages[full] != full:
                linked.append(pages[full].removeprefix(f"{PACKAGE}."))
            elif _is_data(obj):
                data.append(name)
            else:
                own.append(name)
        title = f"``{modname}``"
        lines = [
            title,
            "=" * len(title),
            "",
            f".. automodule:: {modname}",
            "   :no-members:",
        ]
        if modname in {f"{PACKAGE}.{n}" for n in top_objs}:
            # referral.spread is both a module and the function it exports;
            # the function's page owns the name.
            lines.append("   :no-index:")
        lines += [
            "",
            f".. currentmodule:: {modname}",
            "",
            *table(own, toctree=True),
        ]
        for name in data:
            lines += [f".. autodata:: {modname}.{name}", "   :no-value:", ""]
        if linked:
            lines += [
                "Also in this module, documented under ``referral``:",
                "",
                f".. currentmodule:: {PACKAGE}",
                "",
                *table(linked, toctree=False),
            ]
        (api / f"{modname}.rst").write_text("\n".join(lines))


def documented_aliases() -> dict[str, str]:
    """Map each re-exported object's home path to the path it is documented at.

    ``referral.simulate.SpreadResult`` is documented as ``referral.SpreadResult``,
    so a docstring in ``referral.spread`` that says :class:`SpreadResult` or
    ``referral.simulate.SpreadResult.summary`` still finds its page.
    """
    pkg = importlib.import_module(PACKAGE)
    out = {}
    for modname in public_modules():
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if name in pkg.__all__ and getattr(pkg, name) is obj:
                if not isinstance(obj, types.ModuleType):
                    out[f"{modname}.{name}"] = f"{PACKAGE}.{name}"
    return out


def resolve_aliases(app, env, node, contnode):
    """``missing-reference`` handler: retry a Python reference via its alias."""
    if node.get("refdomain") != "py":
        return None
    aliases = _ALIASES()
    target = node["reftarget"]
    modname = node.get("py:module")
    clsname = node.get("py:class")
    candidates = []
    if modname and clsname:
        candidates.append(f"{modname}.{clsname}.{target}")
    if modname:
        candidates.append(f"{modname}.{target}")
    # A docstring of a re-exported object (its page is referral.NAME) speaks
    # from its home module: try names relative to that module too.
    page = node.get("refdoc", "").rpartition("/")[2]
    for home, documented in aliases.items():
        if page == documented or page.startswith(documented + "."):
            candidates.append(f"{home}.{target}")
            candidates.append(f"{home.rpartition('.')[0]}.{target}")
    candidates += [target, f"{PACKAGE}.{target}"]
    # A private room's path (referral.simulate._spread.spread) is documented
    # under its subpackage (referral.simulate.spread) or the top level; a
    # top-level module alias (referral.delays) under its home.
    for cand in list(candidates):
        parts = cand.split(".")
        public = [
            p for p in parts if not (p.startswith("_") and not p.startswith("__"))
        ]
        if public != parts:
            candidates.append(".".join(public))
        for alias, home in _MODULE_ALIASES().items():
            if cand == alias or cand.startswith(alias + "."):
                candidates.append(home + cand[len(alias) :])
    domain = env.get_domain("py")
    for cand in candidates:
        tries = [cand]
        for home, documented in aliases.items():
            if cand == home or cand.startswith(home + "."):
                tries.insert(0, documented + cand[len(home) :])
        for new in tries:
            if new == target:
                continue
            found = domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], new, node, contnode
            )
            if found is not None:
                return found
    return None


_ALIAS_CACHE: dict[str, str] = {}


def _MODULE_ALIASES() -> dict[str, str]:  # noqa: N802
    """Top-level names that are modules living elsewhere (``referral.delays``)."""
    pkg = importlib.import_module(PACKAGE)
    return {
        f"{PACKAGE}.{name}": obj.__name__
        for name in pkg.__all__
        if isinstance(obj := getattr(pkg, name), types.ModuleType)
        and obj.__name__ != f"{PACKAGE}.{name}"
    }


def _ALIASES() -> dict[str, str]:  # noqa: N802
    if not _ALIAS_CACHE:
        _ALIAS_CACHE.update(documented_aliases())
    return _ALIAS_CACHE


# --- sphinx-gallery: run the example scripts as they are --------------------

_OUT = Path(tempfile.mkdtemp(prefix="referral-gallery-"))
atexit.register(shutil.rmtree, _OUT, ignore_errors=True)
_SEEN: set[Path] = set()


def _outdir(src_file) -> Path:
    return _OUT / Path(src_file).stem


def reset_argv(gallery_conf, script_vars) -> list[str]:
    """Command-line arguments for an example: a fresh output folder."""
    out = _outdir(script_vars["src_file"])
    shutil.rmtree(out, ignore_errors=True)
    return [str(out)]


def png_scraper(block, block_vars, gallery_conf):
    """Show the PNGs the example wrote to its output folder since last time."""
    from sphinx_gallery.scrapers import figure_rst

    out = _outdir(block_vars["src_file"])
    names = []
    if out.is_dir():
        # In the order the script wrote them.
        written = sorted(
            out.glob("*.png"), key=lambda p: (p.stat().st_mtime_ns, p.name)
        )
        for png in written:
            if png in _SEEN:
                continue
            _SEEN.add(png)
            target = next(block_vars["image_path_iterator"])
            shutil.copyfile(png, target)
            names.append(target)
    return figure_rst(names, gallery_conf["src_dir"])
