"""Label handling shared by the network model and its readers.

A network keeps the user's node labels (any hashable values) at its edges;
these helpers turn labels into one exact object array (no dtype coercion),
look them up, describe them in error messages and freeze arrays read-only.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "readonly",
    "plain",
    "describe_labels",
    "is_one_label",
    "object_array",
    "lookup",
    "label_array",
]


def readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    if array.flags.writeable and array.base is not None:
        array = array.copy()
    array.setflags(write=False)
    return array


def plain(value):
    """A numpy scalar as the Python value, so messages read ``3``, not
    ``np.int64(3)``."""
    return value.item() if isinstance(value, np.generic) else value


def describe_labels(labels: Iterable, limit: int = 5) -> str:
    labels = [plain(x) for x in labels]
    shown = ", ".join(repr(x) for x in labels[:limit])
    if len(labels) > limit:
        shown += f", ... ({len(labels)} in all)"
    return shown


def is_one_label(people) -> bool:
    """A single label (a str, a tuple, a scalar) rather than a collection."""
    if isinstance(people, str | bytes | tuple):
        return True
    if isinstance(people, np.ndarray):
        return people.ndim == 0
    return not isinstance(people, Iterable)


def object_array(values) -> np.ndarray:
    """A 1-d object array of ``values`` as given: no dtype coercion, tuples kept.

    Examples
    --------
    >>> object_array([3, "3", (1, 2), 2**64]).tolist()
    [3, '3', (1, 2), 18446744073709551616]
    """
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values.astype(object) if values.dtype != object else values
    if isinstance(values, pd.Index | pd.Series):
        values = values.tolist()
    values = list(values)
    return np.fromiter(
        (v.item() if isinstance(v, np.generic) else v for v in values),
        dtype=object,
        count=len(values),
    )


def lookup(table: dict, person) -> int:
    try:
        return table.get(person, -1)
    except TypeError:  # unhashable
        return -1


def label_array(values) -> np.ndarray:
    """Person labels as an array, exactly as given.

    Plain ints that fit in int64 become an int64 array and all-str labels a
    str array; anything else (mixed ints and strings, tuples, ints of 2**63
    and over) is kept as Python objects, so no label is coerced to another.

    Parameters
    ----------
    values : iterable
        The labels, one per person.

    Returns
    -------
    numpy.ndarray
        int64, str or object, one entry per label.

    Examples
    --------
    >>> label_array([1, 2]).dtype
    dtype('int64')
    >>> label_array([3, "3"]).tolist()
    [3, '3']
    >>> label_array([2**63, 1]).dtype
    dtype('O')
    """
    if isinstance(values, np.ndarray) and values.ndim == 1:
        if values.dtype.kind == "i" or (
            values.dtype.kind == "u" and (not len(values) or values.max() < 2**63)
        ):
            return values.astype(np.int64)
        if values.dtype.kind == "U":
            return values
    values = object_array(values)
    if len(values) and all(type(v) is int and -(2**63) <= v < 2**63 for v in values):
        return values.astype(np.int64)
    if len(values) and all(type(v) is str for v in values):
        return values.astype(str)
    return values
