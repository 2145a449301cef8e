"""The functions of :mod:`referral.io`, documented there (a private room)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from referral._core.csv import flag_values, numeric_column, read_csv
from referral._core.defaults import DEFAULT_ACTIVITY
from referral._core.params import Interval, Options, validate_params
from referral._core.validation import require_columns
from referral.io._linkedin import linkedin_network, read_linkedin_connections
from referral.io._writers import (
    atomic_write,
    check_target,
    staged_folder,
    write_table,
)
from referral.io._writers import (
    remove_stale_staging as remove_stale_staging,  # re-export, not in __all__
)
from referral.network._builders import from_arrays
from referral.network._referral_network import DEFAULT_WEAK_THRESHOLD, ReferralNetwork

__all__ = [
    "DEFAULT_ACTIVITY",
    "read_edgelist",
    "read_graphml",
    "read_people",
    "apply_people",
    "read_linkedin_connections",
    "linkedin_network",
    "atomic_write",
    "check_target",
    "staged_folder",
    "write_table",
]


@validate_params(
    {
        "source": [str],
        "target": [str],
        "strength": [str, Interval(float, 0, 1, closed="right"), None],
        "transmission": [str, None],
        "weak": [str, None],
        "directed": ["boolean"],
        "activity": [Interval(float, 0, 1)],
        "weak_threshold": [Interval(float, 0, 1)],
        "columns": [Mapping, None],
        "tie_types": [Mapping, None],
        "rescale": ["boolean"],
    }
)
def read_edgelist(
    path_or_frame,
    *,
    source: str = "source",
    target: str = "target",
    strength: str | float | None = "strength",
    transmission: str | None = None,
    weak: str | None = None,
    directed: bool = False,
    activity: float = DEFAULT_ACTIVITY,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
    columns: Mapping[str, str] | None = None,
    tie_types: Mapping[str, float] | None = None,
    rescale: bool = False,
    **read_csv_kwargs,
) -> ReferralNetwork:
    """Read a network from a CSV edge list or a DataFrame.

    Parameters
    ----------
    path_or_frame : str, path or pandas.DataFrame
        The CSV file (read with :func:`pandas.read_csv`, header row first)
        or an already loaded DataFrame.
    source, target : str
        Columns with the two people of each tie. Read from a file, ids are
        kept as written (``"007"`` stays ``"007"``); only when every id is
        a plain whole number (no leading zeros, no signs or spaces) are
        they read as ints.
    strength : str or float, default "strength"
        A column of tie strengths in (0, 1], or a constant for every tie.
        If the default column is absent every tie gets strength 1.0.
    transmission, weak : str, optional
        Columns with per-tie carrying probabilities and weak/strong marks
        (yes/no, true/false, 1/0; an empty cell is strong).
    directed : bool, default False
        Whether ties are one-way.
    activity : float, default 0.3
        Activity for everyone (``DEFAULT_ACTIVITY``, the one default of
        every reader); use :func:`read_people` and :func:`apply_people` for
        per-person values and roles.
    weak_threshold : float, default 0.5
        Ties weaker than this are weak ties (unless marked otherwise).
    columns : mapping of str to str, optional
        The file's column names to the names used here, e.g.
        ``{"employee_a": "source", "employee_b": "target"}``.
    tie_types : mapping of str to float, optional
        The ``strength`` column holds tie types (``"mentor"``, ``"peer"``)
        rather than numbers; each type's strength in (0, 1]. Types are
        compared without case or surrounding spaces; a type not in the
        mapping is an error naming the line.
    rescale : bool, default False
        Divide the strengths by the largest one, so that weights such as
        message counts become strengths in (0, 1].
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv` (``sep``, ``encoding``, ...).

    Returns
    -------
    ReferralNetwork
        People are labelled as in the file, in order of first appearance.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a column is missing (the message lists the available columns), a
        row is malformed or a value is not a number or not a known tie type
        (naming the line), or the values are invalid as in
        :func:`referral.from_arrays`.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"source": ["ann", "bob"], "target": ["bob", "cy"],
    ...                      "strength": [0.9, 0.2]})
    >>> read_edgelist(ties).n_ties
    2
    >>> typed = pd.DataFrame({"a": ["007", "008"], "b": ["008", "009"],
    ...                       "kind": ["Mentor", "peer"]})
    >>> net = read_edgelist(typed, columns={"a": "source", "b": "target"},
    ...                     strength="kind", tie_types={"mentor": 0.9, "peer": 0.3})
    >>> net.labels.tolist(), sorted(set(net.strength.tolist())), float(net.activity[0])
    (['007', '008', '009'], [0.3, 0.9], 0.3)
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame = path_or_frame
        where = "The edge list"
        first_line = 0
    else:
        kwargs = dict(read_csv_kwargs)
        # ids as written: read every column as text, parse the numbers here
        kwargs.setdefault("dtype", str)
        kwargs.setdefault("keep_default_na", False)
        kwargs.setdefault("na_values", [""])
        frame = read_csv(path_or_frame, **kwargs)
        where = repr(str(path_or_frame))
        first_line = 2  # 1-based, after the header row
    if columns:
        require_columns(frame, list(columns), where)
        frame = frame.rename(columns=dict(columns))
    default_strength = strength == "strength" and "strength" not in frame.columns
    strength_column = strength if isinstance(strength, str) else None
    if default_strength:
        strength_column = None
    if tie_types is not None and strength_column is None:
        raise ValueError(
            "read_edgelist: tie_types needs strength=COLUMN, the column that "
            "holds the tie types."
        )
    require_columns(frame, [source, target, strength_column, transmission, weak], where)
    if len(frame) == 0:
        raise ValueError(f"{where} has no ties.")
    ends = {}
    for column in (source, target):
        values = frame[column]
        if _is_text(values):
            values = _stripped(values)
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise ValueError(
                f"{where}, line {row + first_line}: column {column!r} is empty."
            )
        ends[column] = values
    both = pd.concat([ends[source], ends[target]], ignore_index=True)
    if not isinstance(path_or_frame, pd.DataFrame):
        both = plain_ids(both)
    codes, labels = pd.factorize(both)
    m = len(frame)
    if strength_column is not None and tie_types is not None:
        strength_values = _typed_strengths(
            frame[strength_column], strength_column, tie_types, where, first_line
        )
    elif strength_column is not None:
        strength_values = numeric_column(frame, strength_column, where, first_line)
    elif default_strength:
        strength_values = 1.0
    else:
        strength_values = float(strength)
    if rescale:
        values = np.broadcast_to(np.asarray(strength_values, dtype=float), (m,))
        if not (values > 0).all() or not np.isfinite(values).all():
            row = int(np.flatnonzero(~(values > 0) | ~np.isfinite(values))[0])
            raise ValueError(
                f"{where}, line {row + first_line}: rescale=True needs positive "
                f"strengths. Got {values[row]!r}."
            )
        strength_values = values / values.max()
    transmission_values = (
        numeric_column(frame, transmission, where, first_line)
        if transmission is not None
        else None
    )
    weak_values = (
        flag_values(frame[weak], weak, where, first_line) if weak is not None else None
    )
    label_array = np.asarray(labels)
    if label_array.dtype.kind not in "iu":
        label_array = label_array.astype(object)
    return from_arrays(
        label_array,
        codes[:m],
        codes[m:],
        strength=strength_values,
        transmission=transmission_values,
        weak=weak_values,
        activity=activity,
        directed=directed,
        weak_threshold=weak_threshold,
    )


def _is_text(values: pd.Series) -> bool:
    """Object or string dtype (pandas 3 reads text as ``str``)."""
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def _stripped(values: pd.Series) -> pd.Series:
    """Text cells without surrounding spaces; empty cells as missing."""
    values = values.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return values.mask(values == "")


_PLAIN_INT = re.compile(r"^(0|[1-9][0-9]*)$")


def plain_ids(values: pd.Series) -> pd.Series:
    """Ids read as text, as ints only when every one is a plain whole number.

    ``"007"`` or ``"7.0"`` among them keeps all as written, so an id is
    never changed by reading it.
    """
    if not _is_text(values):
        return values
    text = values.astype(object).map(lambda v: v if isinstance(v, str) else str(v))
    if len(text) and text.map(lambda v: bool(_PLAIN_INT.match(v))).all():
        return pd.Series([int(v) for v in text], index=values.index, dtype=object)
    return text


def _typed_strengths(values, column, tie_types, where, first_line):
    """Tie types (text) as strengths through ``tie_types``."""
    known = {}
    for key, value in tie_types.items():
        strength = float(value)
        if not 0 < strength <= 1:
            raise ValueError(
                f"read_edgelist: the strength of tie type {key!r} must be in "
                f"(0, 1]. Got {value!r}."
            )
        known[str(key).strip().casefold()] = strength
    out = np.empty(len(values), dtype=np.float64)
    for row, value in enumerate(values.tolist()):
        key = "" if value is None else str(value).strip().casefold()
        if key not in known:
            raise ValueError(
                f"{where}, line {row + first_line}: column {column!r} holds the "
                f"tie type {value!r}, which tie_types does not map; it maps "
                f"{sorted(known)}."
            )
        out[row] = known[key]
    return out


@validate_params(
    {
        "strength": [str, Interval(float, 0, 1, closed="right")],
        "activity": [str, Interval(float, 0, 1)],
        "weak_threshold": [Interval(float, 0, 1)],
    }
)
def read_graphml(
    path,
    *,
    strength: str | float = "strength",
    activity: str | float = "activity",
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
) -> ReferralNetwork:
    """Read a network from a GraphML file.

    Parameters
    ----------
    path : str or path
        The GraphML file.
    strength : str or float, default "strength"
        An edge attribute every edge has, or a constant. If the default
        attribute is on no edge, every tie gets strength 1.0.
    activity : str or float, default "activity"
        A node attribute every person has, or a constant. If the default
        attribute is on no node, everyone gets ``DEFAULT_ACTIVITY``
        (0.3), the one default of every reader.
    weak_threshold : float, default 0.5
        Ties weaker than this are weak ties (unless marked otherwise).

    Returns
    -------
    ReferralNetwork
        Labelled by the GraphML node ids (str); roles from the node
        attributes ``recruiter`` and ``candidate`` when present; other node
        attributes are kept.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is not valid GraphML, or as :func:`referral.from_networkx`.
    """
    from xml.etree.ElementTree import ParseError

    from referral.network._builders import from_networkx

    try:
        G = nx.read_graphml(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: {str(path)!r}.") from None
    except (ParseError, nx.NetworkXError, KeyError, ValueError) as error:
        raise ValueError(f"{str(path)!r} is not valid GraphML: {error}") from None
    edges = list(G.edges(data=True))
    if strength == "strength" and not any("strength" in d for *_, d in edges):
        strength = 1.0
    if activity == "activity" and not any("activity" in d for _, d in G.nodes(True)):
        activity = DEFAULT_ACTIVITY
    return from_networkx(
        G, strength=strength, activity=activity, weak_threshold=weak_threshold
    )


@validate_params({"person": [str], "columns": [Mapping, None]})
def read_people(
    path_or_frame,
    *,
    person: str = "person",
    columns: Mapping[str, str] | None = None,
    **read_csv_kwargs,
):
    """Read a per-person CSV (activity, roles, attributes) as a DataFrame.

    The ``person`` column holds the labels used in the edge list. Values are
    applied with :func:`apply_people`. Read from a file, every cell is kept
    as written: ids such as ``"007"`` keep their zeros (only when every id
    is a plain whole number are they ints, as in :func:`read_edgelist`),
    and numbers are parsed by :func:`apply_people`.

    Parameters
    ----------
    path_or_frame : str, path or pandas.DataFrame
        The CSV file, or an already loaded DataFrame.
    person : str, default "person"
        The column with the people's labels (after ``columns``).
    columns : mapping of str to str, optional
        The file's column names to the names used here, e.g.
        ``{"employee_id": "person", "referral_score": "activity",
        "is_recruiter": "recruiter"}``.
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
        Indexed by person label, one column per other CSV column.

    Raises
    ------
    ValueError
        If the ``person`` column (or a column of ``columns``) is missing, a
        person's cell is empty or a person appears twice (naming the line).

    Examples
    --------
    >>> hr = pd.DataFrame({"employee_id": ["007", "042"], "dept": ["a", "b"]})
    >>> read_people(hr, columns={"employee_id": "person"}).index.tolist()
    ['007', '042']
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame, where, first_line = path_or_frame, "The people table", 0
    else:
        kwargs = dict(read_csv_kwargs)
        kwargs.setdefault("dtype", str)
        kwargs.setdefault("keep_default_na", False)
        kwargs.setdefault("na_values", [""])
        frame = read_csv(path_or_frame, **kwargs)
        where, first_line = repr(str(path_or_frame)), 2
    if columns:
        require_columns(frame, list(columns), where)
        frame = frame.rename(columns=dict(columns))
    require_columns(frame, [person], where)
    labels = frame[person]
    if _is_text(labels):
        labels = _stripped(labels)
    if labels.isna().any():
        row = int(np.flatnonzero(labels.isna().to_numpy())[0])
        raise ValueError(
            f"{where}, line {row + first_line}: column {person!r} is empty."
        )
    if not isinstance(path_or_frame, pd.DataFrame):
        labels = plain_ids(labels)
    duplicated = labels.duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise ValueError(
            f"{where}, line {row + first_line}: person {labels.iloc[row]!r} "
            f"appears twice."
        )
    frame = frame.drop(columns=[person])
    frame.index = pd.Index(labels.tolist(), dtype=object, name=person)
    frame.attrs["where"] = where
    return frame


@validate_params(
    {
        "network": ["network"],
        "people": [pd.DataFrame],
        "activity": [str, None],
        "recruiter": [str, None],
        "candidate": [str, None],
        "missing": [Options(("add", "raise"))],
        "default_activity": [Interval(float, 0, 1), None],
    }
)
def apply_people(
    network: ReferralNetwork,
    people: pd.DataFrame,
    *,
    activity: str | None = "activity",
    recruiter: str | None = "recruiter",
    candidate: str | None = "candidate",
    attributes: Iterable[str] | None = None,
    missing: str = "add",
    default_activity: float | None = None,
) -> ReferralNetwork:
    """Set activity, roles and attributes from a people table.

    People in the table who are not in the network (an HR roster lists
    everyone, including people without ties) are added as isolated people,
    unless ``missing="raise"``.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    people : pandas.DataFrame
        Indexed by person label (as from :func:`read_people`). People absent
        from the table keep their current values.
    activity, recruiter, candidate : str or None
        Column names; a column that is absent is ignored. Roles are truthy
        values (1, true, yes).
    attributes : iterable of str, optional
        Other columns to attach as person attributes (default: all others).
    missing : {"add", "raise"}, default "add"
        What to do with people in the table who are not in the network:
        add them as people without ties, or raise.
    default_activity : float, optional
        Activity of people whose ``activity`` cell is empty, and of added
        people when the table has no ``activity`` column (default:
        ``DEFAULT_ACTIVITY``, 0.3). Empty cells are counted in one
        warning.

    Returns
    -------
    ReferralNetwork
        A changed copy with the table's values (and any added people last,
        in table order); the input network is unchanged.

    Raises
    ------
    networkx.NodeNotFound
        If ``missing="raise"`` and the table names people who are not in the
        network.
    ValueError
        For an unknown ``missing``, or a cell that is not a number (activity)
        or not yes/no (roles), naming the column and the line.

    Warns
    -----
    UserWarning
        When ``activity`` cells are empty: how many, and the default they get.

    Examples
    --------
    >>> net = from_arrays(["a", "b"], [0], [1], strength=1.0, activity=0.5)
    >>> roster = pd.DataFrame({"person": ["b", "c"], "candidate": [1, 1]})
    >>> roster = roster.set_index("person")
    >>> out = apply_people(net, roster)
    >>> out.labels.tolist(), out.is_candidate.tolist(), out.n_ties
    (['a', 'b', 'c'], [False, True, True], 1)
    """
    labels = _as_network_labels(network, people.index.tolist())
    where = people.attrs.get("where", "The people table")
    first_line = 2 if "where" in people.attrs else 0
    if default_activity is None:
        default_activity = DEFAULT_ACTIVITY
    if missing == "add":
        absent = network.positions(labels) < 0
        if absent.any():
            network = _add_isolated(
                network,
                [x for x, a in zip(labels, absent, strict=True) if a],
                default_activity,
            )
    ids = network.ids(labels, parameter="people")
    activity_values = network.activity.copy()
    recruiters = network.is_recruiter.copy()
    candidates = network.is_candidate.copy()
    if activity is not None and activity in people.columns:
        column = people[activity].reset_index(drop=True)
        if _is_text(column):
            column = _stripped(column)
        blank = column.isna().to_numpy()
        if blank.any():
            warnings.warn(
                f"{where}: {int(blank.sum())} of {len(blank)} people have an "
                f"empty {activity!r} cell; they get the default activity "
                f"{default_activity:g}.",
                UserWarning,
                stacklevel=2,
            )
            column = column.where(~blank, default_activity)
        values = numeric_column(column.to_frame(activity), activity, where, first_line)
        bad = (values < 0) | (values > 1)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{where}, line {row + first_line}: column {activity!r} must be "
                f"in [0, 1]. Got {people[activity].iloc[row]!r}."
            )
        activity_values[ids] = values
    if recruiter is not None and recruiter in people.columns:
        recruiters[ids] = flag_values(people[recruiter], recruiter, where, first_line)
    if candidate is not None and candidate in people.columns:
        candidates[ids] = flag_values(people[candidate], candidate, where, first_line)
    used = {activity, recruiter, candidate}
    if attributes is None:
        attributes = [c for c in people.columns if c not in used]
    new_attributes = dict(network.attributes)
    for column in attributes:
        values = np.full(network.n_people, None, dtype=object)
        values[ids] = people[column].to_numpy(dtype=object)
        new_attributes[column] = values
    return network.replace(
        activity=activity_values,
        is_recruiter=recruiters,
        is_candidate=candidates,
        attributes=new_attributes,
    )


def _as_network_labels(network: ReferralNetwork, labels: list) -> list:
    """Roster labels as the network's: a label that is not a person but
    reads the same as one (``"100"`` and ``100``: a tie list of plain numbers
    read as ints, a roster with ``"007"`` kept as text) is that person."""
    absent = network.positions(labels) < 0
    if not absent.any():
        return labels
    text = {}
    for label in network.labels.tolist():
        text.setdefault(str(label), []).append(label)
    out = list(labels)
    for k in np.flatnonzero(absent):
        same = text.get(str(labels[k]), [])
        if len(same) == 1:
            out[k] = same[0]
    return out


def _add_isolated(network: ReferralNetwork, new, activity) -> ReferralNetwork:
    """The network with people ``new`` added, without ties."""
    from referral.network._labels import label_array

    k = len(new)
    if activity is None:
        activity = float(network.activity.mean())
    labels = label_array([*network.labels.tolist(), *new])
    attributes = {}
    for key, values in network.attributes.items():
        values = np.asarray(values)
        if values.dtype.kind == "f":
            extra = np.full(k, np.nan)
        else:
            values, extra = values.astype(object), np.full(k, None, dtype=object)
        attributes[key] = np.concatenate([values, extra])
    return ReferralNetwork(
        labels=labels,
        indptr=np.concatenate(
            [network.indptr, np.full(k, network.indptr[-1], dtype=np.int64)]
        ),
        indices=network.indices,
        strength=network.strength,
        transmission=network.transmission,
        weak=network.weak,
        activity=np.concatenate([network.activity, np.full(k, float(activity))]),
        is_recruiter=np.concatenate([network.is_recruiter, np.zeros(k, bool)]),
        is_candidate=np.concatenate([network.is_candidate, np.zeros(k, bool)]),
        directed=network.directed,
        weak_threshold=network.weak_threshold,
        attributes=attributes,
    )
