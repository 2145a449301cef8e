"""Resolve the inputs of :func:`referral.search`: attrition and distance.

Turns the user's ``attrition`` argument into a specification from
:mod:`referral.simulate` and the ``distance`` argument into one float per
person (the distance to the nearest target), with errors that name
``search``, the parameter, the rule and the bad value.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np
import pandas as pd

from referral._engine import search_kernel as _k
from referral.simulate._attrition import PerChain, PerPerson, PerStep

__all__ = [
    "resolve_attrition",
    "missing_labels",
    "attribute_values",
    "graph_distance",
    "resolve_distance",
    "describe_distance",
]

_FN = "search"


def resolve_attrition(attrition):
    if isinstance(attrition, PerPerson | PerStep | PerChain):
        return attrition
    if isinstance(attrition, str):
        if attrition == "person":
            return PerPerson()
        raise ValueError(
            f"The 'attrition' parameter of {_FN} must be 'person', a float rate "
            f"in [0, 1] (constant per step), PerPerson(), PerStep(rate) or "
            f"PerChain(...). Got {attrition!r} instead."
        )
    if isinstance(attrition, numbers.Real) and not isinstance(attrition, bool):
        value = float(attrition)
        if not 0.0 <= value <= 1.0:
            raise ValueError(
                f"The 'attrition' parameter of {_FN}, as a constant per-step "
                f"rate, must be a float in the range [0, 1]. Got {attrition!r} "
                "instead."
            )
        return PerStep(value)
    raise TypeError(
        f"The 'attrition' parameter of {_FN} must be 'person', a float rate in "
        f"[0, 1], PerPerson(), PerStep(rate) or PerChain(...). Got {attrition!r} "
        "instead."
    )


# ------------------------------------------------------------------- distance
def missing_labels(network, bad) -> str:
    labels = network.labels[np.flatnonzero(bad)].tolist()
    shown = ", ".join(repr(x) for x in labels[:5])
    if len(labels) > 5:
        shown += f", ... ({len(labels)} in all)"
    return shown


def attribute_values(network, name):
    if name not in network.attributes:
        raise ValueError(
            f"The 'distance' parameter of {_FN} names the attribute {name!r}, "
            f"which the network does not have; it has "
            f"{sorted(network.attributes)}."
        )
    values = network.attributes[name]
    missing = pd.isna(pd.Series(values)).to_numpy()
    if missing.any():
        raise ValueError(
            f"The distance attribute {name!r} is missing (None or NaN) for "
            f"{int(missing.sum())} people: {missing_labels(network, missing)}."
        )
    return values


def graph_distance(network, target_ids):
    if network.directed:
        # distance *to* a target: BFS on reversed ties
        order = np.argsort(network.indices, kind="stable")
        rev_indices = network.tie_sources[order]
        rev_indptr = np.zeros(network.n_people + 1, dtype=np.int64)
        np.cumsum(
            np.bincount(network.indices, minlength=network.n_people),
            out=rev_indptr[1:],
        )
        return _k.multi_source_bfs(rev_indptr, rev_indices, target_ids)
    return _k.multi_source_bfs(network.indptr, network.indices, target_ids)


def resolve_distance(network, distance, target_ids):
    """Distance (float64 per person) to the nearest target, or None."""
    n = network.n_people
    if distance is None:
        return None
    if isinstance(distance, str):
        if distance == "graph":
            return graph_distance(network, target_ids)
        values = attribute_values(network, distance)
        codes, _ = pd.factorize(pd.Series(values))
        target_codes = np.unique(codes[target_ids])
        return np.where(np.isin(codes, target_codes), 0.0, 1.0)
    if isinstance(distance, tuple | list) and all(isinstance(x, str) for x in distance):
        if len(distance) == 0:
            raise ValueError(
                f"The 'distance' parameter of {_FN} must name at least one "
                "coordinate attribute."
            )
        columns = []
        for name in distance:
            values = attribute_values(network, name)
            try:
                columns.append(np.asarray(values, dtype=np.float64))
            except (TypeError, ValueError):
                raise ValueError(
                    f"The coordinate attribute {name!r} must be numeric."
                ) from None
        coords = np.column_stack(columns)
        from scipy.spatial import cKDTree

        tree = cKDTree(coords[target_ids])
        dist, _ = tree.query(coords, k=1, p=1)
        return np.asarray(dist, dtype=np.float64)
    if isinstance(distance, Callable):
        raise TypeError(
            f"The 'distance' parameter of {_FN} does not take a callable; pass "
            "a precomputed array of distances to the nearest target."
        )
    try:
        array = np.asarray(distance, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.shape != (n,):
        raise ValueError(
            f"The 'distance' parameter of {_FN} must be 'graph', None, an "
            f"attribute name (str), a tuple of coordinate attribute names, or an "
            f"array of {n} distances (one per person). Got {distance!r} instead."
        )
    bad = np.isnan(array) | (array < 0)
    if bad.any():
        raise ValueError(
            f"The 'distance' array of {_FN} must be non-negative (inf for "
            f"unreachable), without NaN; {int(bad.sum())} people have bad "
            f"values: {missing_labels(network, bad)}."
        )
    return array


def describe_distance(distance) -> str:
    if distance is None:
        return "none"
    if isinstance(distance, str):
        return distance
    if isinstance(distance, tuple | list):
        return "L1(" + ", ".join(distance) + ")"
    return "array"
