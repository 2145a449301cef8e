"""Old column names, kept working for one release.

Tables renamed to the vocabulary (``estimate``, ``se``, ``ci_low``,
``ci_high``, ``level``) are returned as a :class:`RenamedColumnsFrame`: a
:class:`pandas.DataFrame` whose ``frame["old"]``, ``frame.loc[:, "old"]``
and ``frame.old`` read the new column with a :class:`FutureWarning` naming
both. Everything else is pandas: the columns hold the new names only, and
``to_csv``, pickling and :func:`pandas.testing.assert_frame_equal` behave as
for any DataFrame (compare it with a plain frame as the *left* argument, or
pass ``check_frame_type=False``).

:func:`upgrade_columns` does the same for tables read back from CSV files
that an earlier release wrote: the old names become the new ones.

The old names of every renamed table are in :data:`RENAMED`.
"""

from __future__ import annotations

import warnings

import pandas as pd
from pandas.core.indexing import _LocIndexer

from referral._core.validation import user_stacklevel

__all__ = [
    "RENAMED",
    "RenamedColumnsFrame",
    "upgrade_columns",
    "with_old_names",
]

#: table -> {old column name: new column name}
RENAMED: dict[str, dict[str, str]] = {
    "compare": {"mean": "estimate"},
    "gatekeepers": {
        "counterfactual_loss": "estimate",
        "loss_se": "se",
        "loss_ci_low": "ci_low",
        "loss_ci_high": "ci_high",
    },
    "ambassadors": {
        "spread_se": "spread_reach_se",
        "degree_spread_se": "degree_spread_reach_se",
        **{
            measure: f"{measure}_estimate"
            for measure in (
                "gain",
                "reach",
                "degree_reach",
                "difference",
                "spread_reach",
                "degree_spread_reach",
                "posted_reach",
            )
        },
    },
    "reach_of_everyone": {"reach": "reach_estimate"},
    "sweep": {
        f"{measure}_mean": f"{measure}_estimate"
        for measure in (
            "people_reached",
            "candidates_reached",
            "candidate_share_reached",
            "depth",
        )
    },
    "weak_tie_share": {"share": "estimate", "share_se": "se"},
    "other_people": {
        "people_reached_mean": "people_reached_estimate",
        "candidates_reached_mean": "candidates_reached_estimate",
        "branching": "branching_estimate",
        "sizeable_share": "sizeable_share_estimate",
        "mean_activity": "mean_activity_estimate",
    },
}


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"The column {old!r} is now called {new!r}; the old name still works "
        f"for one release. Use {new!r} instead.",
        FutureWarning,
        stacklevel=user_stacklevel(),
    )


class _RenamedLoc(_LocIndexer):
    """``.loc`` that reads an old column name as the new one."""

    def __getitem__(self, key):
        return super().__getitem__(self.obj._new_loc_key(key))

    def __setitem__(self, key, value):
        super().__setitem__(self.obj._new_loc_key(key), value)


class RenamedColumnsFrame(pd.DataFrame):
    """A DataFrame that still answers to its columns' old names.

    ``old_names`` (a dict of old name to new name, kept through pandas
    operations) says which; reading an old name that is not itself a column
    gives the new column and a :class:`FutureWarning`.
    """

    _metadata = ["old_names"]
    old_names: dict[str, str] = {}

    @property
    def _constructor(self):
        return RenamedColumnsFrame

    def __finalize__(self, other, method=None, **kwargs):
        out = super().__finalize__(other, method=method, **kwargs)
        if method == "concat":  # the old names of every frame concatenated
            names = {}
            for obj in getattr(other, "objs", ()):
                names.update(getattr(obj, "old_names", None) or {})
            object.__setattr__(out, "old_names", names)
        return out

    def _new_name(self, key):
        names = self.old_names or {}
        try:
            new = names.get(key)
        except TypeError:  # an unhashable key: not a column name
            return key
        if new is None or key in self.columns or new not in self.columns:
            return key
        _warn(key, new)
        return new

    def _new_key(self, key):
        if isinstance(key, list):
            return [self._new_name(k) for k in key]
        if isinstance(key, str):
            return self._new_name(key)
        return key

    def _new_loc_key(self, key):
        if isinstance(key, tuple) and len(key) == 2:
            return (key[0], self._new_key(key[1]))
        return key

    def __getitem__(self, key):
        return super().__getitem__(self._new_key(key))

    def __getattr__(self, name):
        if not name.startswith("_"):
            names = object.__getattribute__(self, "old_names") or {}
            if name in names and name not in self.columns:
                new = names[name]
                if new in self.columns:
                    _warn(name, new)
                    return super().__getitem__(new)
        return super().__getattr__(name)

    @property
    def loc(self):
        return _RenamedLoc("loc", self)


def with_old_names(frame: pd.DataFrame, table: str) -> RenamedColumnsFrame:
    """``frame`` as a :class:`RenamedColumnsFrame` answering to the old
    names of ``table`` (a key of :data:`RENAMED`)."""
    out = RenamedColumnsFrame(frame)
    out.attrs = dict(frame.attrs)
    out.old_names = dict(RENAMED[table])
    return out


def upgrade_columns(frame: pd.DataFrame, table: str, where: str = "") -> pd.DataFrame:
    """A table read from a file with the old column names of ``table``
    renamed to the new ones (with a :class:`FutureWarning` naming the file);
    a table with the new names, or anything but a DataFrame (for the
    caller's own checks to name), is returned as it is."""
    if not isinstance(frame, pd.DataFrame):
        return frame
    old = {
        o: n
        for o, n in RENAMED[table].items()
        if o in frame.columns and n not in frame.columns
    }
    if not old:
        return frame
    place = f" in {where}" if where else ""
    pairs = ", ".join(f"{o!r} -> {n!r}" for o, n in old.items())
    warnings.warn(
        f"Old column names{place} were read as the new ones ({pairs}); files "
        f"with the old names still read for one release. Write them again to "
        f"update them.",
        FutureWarning,
        stacklevel=user_stacklevel(),
    )
    return frame.rename(columns=old)
