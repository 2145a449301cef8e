"""Old import paths and old names, kept working for one release.

The flat modules of earlier releases (``referral.spread_result``,
``referral.gatekeeping``, ...) moved into subpackages. :func:`install` puts a
stand-in for each old path in :data:`sys.modules`; reading any name from a
stand-in returns the object from its new home with a :class:`FutureWarning`
that names the new path. No file is left at the old path, so the docs show
only the new layout.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings

__all__ = ["OLD_PATHS", "install", "moved_name"]

#: old module path -> (its private room now, the public path to import from)
OLD_PATHS = {
    "referral.ambassadors": (
        "referral.whom_to_ask._ambassadors",
        "referral.whom_to_ask",
    ),
    "referral.attrition": ("referral.simulate._attrition", "referral.simulate"),
    "referral.builders": ("referral.network._builders", "referral.network"),
    "referral.funnel": ("referral.analysis._dropoff", "referral.analysis"),
    "referral.gatekeeper_words": ("referral.wording._gatekeepers", "referral.wording"),
    "referral.gatekeeping": ("referral.analysis._gatekeepers", "referral.analysis"),
    "referral.lattice": ("referral.network._lattice", "referral.network"),
    "referral.other_people": ("referral.analysis._other_people", "referral.analysis"),
    "referral.populations": ("referral.network._populations", "referral.network"),
    "referral.referral_network": (
        "referral.network._referral_network",
        "referral.network",
    ),
    "referral.scenarios": ("referral.analysis._compare", "referral.analysis"),
    "referral.search": ("referral.simulate._search", "referral.simulate"),
    "referral.search_result": ("referral.simulate._search_result", "referral.simulate"),
    "referral.spread": ("referral.simulate._spread", "referral.simulate"),
    "referral.spread_result": ("referral.simulate._spread_result", "referral.simulate"),
    "referral.sweep_spec": ("referral.sweep._spec", "referral.sweep"),
    "referral.threshold": ("referral.analysis._threshold", "referral.analysis"),
    "referral.tie_strength": ("referral.network._tie_strength", "referral.network"),
    "referral.weak_ties": ("referral.analysis._weak_ties", "referral.analysis"),
}


def _public_home(name: str, room: str, public: str) -> str:
    """Where to import ``name`` from now: the public path if it lists it."""
    if name in getattr(importlib.import_module(public), "__all__", ()):
        return public
    return room


class _MovedModule(types.ModuleType):
    """A stand-in for a module path that moved: every name read warns."""

    def __init__(self, old: str, room: str, public: str):
        super().__init__(old, f"Moved to {public}; this path goes in the next release.")
        self.__dict__["_moved_to"] = (room, public)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        room, public = self.__dict__["_moved_to"]
        value = getattr(importlib.import_module(room), name)
        home = _public_home(name, room, public)
        warnings.warn(
            f"{self.__name__} moved: import {name} from {home} instead "
            f"(the old path goes in the next release).",
            FutureWarning,
            stacklevel=2,
        )
        return value

    def __dir__(self):
        room, _ = self.__dict__["_moved_to"]
        return dir(importlib.import_module(room))


def install() -> None:
    """Put a stand-in for every old module path into :data:`sys.modules`."""
    for old, (room, public) in OLD_PATHS.items():
        sys.modules.setdefault(old, _MovedModule(old, room, public))
    # ``referral.delays`` stays a curated alias of ``referral.simulate.delays``
    sys.modules.setdefault(
        "referral.delays", importlib.import_module("referral.simulate.delays")
    )


def moved_name(module: str, name: str, new_module: str):
    """Return ``new_module.name`` with a FutureWarning that ``module.name`` moved.

    For a module's ``__getattr__`` (PEP 562) when a public name moved to
    another subpackage.
    """
    warnings.warn(
        f"{name} moved from {module} to {new_module}: import it from there "
        f"(the old place goes in the next release).",
        FutureWarning,
        stacklevel=3,
    )
    return getattr(importlib.import_module(new_module), name)
