"""Reading networks from files and writing results safely.

* :func:`read_edgelist`: a CSV edge list (or a DataFrame) into a network.
* :func:`read_graphml`: a GraphML file into a network.
* :func:`read_people`: per-person activity, roles and attributes from a CSV.
* :func:`read_linkedin_connections` and :func:`linkedin_network`: LinkedIn
  ``Connections.csv`` exports, merged into one company network.
* :func:`atomic_write`: write a file through a temporary file and a rename,
  refusing to overwrite without ``force``.
* :func:`staged_folder`: write a whole output folder beside the target and
  rename it into place once; :func:`check_target` refuses an existing output
  before any work.

The LinkedIn readers live in ``referral._linkedin`` and the writers in
``referral._writers`` (the one atomic writer, with the umask read once); all
are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from referral._csv import numeric_column, read_csv, require_columns
from referral._linkedin import linkedin_network, read_linkedin_connections
from referral._params import Interval, Options, validate_params
from referral._writers import (
    atomic_write,
    check_target,
    staged_folder,
    write_table,
)
from referral._writers import (
    remove_stale_staging as remove_stale_staging,  # re-export, not in __all__
)
from referral.network import (
    DEFAULT_WEAK_THRESHOLD,
    ReferralNetwork,
    from_arrays,
)

__all__ = [
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
    activity: float = 1.0,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
    **read_csv_kwargs,
) -> ReferralNetwork:
    """Read a network from a CSV edge list or a DataFrame.

    Parameters
    ----------
    path_or_frame : str, path or pandas.DataFrame
        The CSV file (read with :func:`pandas.read_csv`, header row first)
        or an already loaded DataFrame.
    source, target : str
        Columns with the two people of each tie (any labels).
    strength : str or float, default "strength"
        A column of tie strengths in (0, 1], or a constant for every tie.
        If the default column is absent every tie gets strength 1.0.
    transmission, weak : str, optional
        Columns with per-tie carrying probabilities and weak/strong marks.
    directed : bool, default False
        Whether ties are one-way.
    activity : float, default 1.0
        Activity for everyone; use :func:`read_people` and
        :func:`apply_people` for per-person values and roles.
    weak_threshold : float, default 0.5
        Ties weaker than this are weak ties (unless marked otherwise).
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
        row is malformed or a value is not a number (naming the line), or
        the values are invalid as in :func:`referral.from_arrays`.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"source": ["ann", "bob"], "target": ["bob", "cy"],
    ...                      "strength": [0.9, 0.2]})
    >>> read_edgelist(ties).n_ties
    2
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame = path_or_frame
        where = "The edge list"
        first_line = 0
    else:
        frame = read_csv(path_or_frame, **read_csv_kwargs)
        where = repr(str(path_or_frame))
        first_line = 2  # 1-based, after the header row
    default_strength = strength == "strength" and "strength" not in frame.columns
    strength_column = strength if isinstance(strength, str) else None
    if default_strength:
        strength_column = None
    require_columns(frame, [source, target, strength_column, transmission, weak], where)
    if len(frame) == 0:
        raise ValueError(f"{where} has no ties.")
    for column in (source, target):
        if frame[column].isna().any():
            row = int(np.flatnonzero(frame[column].isna().to_numpy())[0])
            raise ValueError(
                f"{where}, line {row + first_line}: column {column!r} is empty."
            )
    codes, labels = pd.factorize(
        pd.concat([frame[source], frame[target]], ignore_index=True)
    )
    m = len(frame)
    if strength_column is not None:
        strength_values = numeric_column(frame, strength_column, where, first_line)
    elif default_strength:
        strength_values = 1.0
    else:
        strength_values = float(strength)
    transmission_values = (
        numeric_column(frame, transmission, where, first_line)
        if transmission is not None
        else None
    )
    weak_values = frame[weak].astype(bool).to_numpy() if weak is not None else None
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
        attribute is on no node, everyone gets activity 1.0.
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

    from referral.network import from_networkx

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
        activity = 1.0
    return from_networkx(
        G, strength=strength, activity=activity, weak_threshold=weak_threshold
    )


@validate_params({"person": [str]})
def read_people(path_or_frame, *, person: str = "person", **read_csv_kwargs):
    """Read a per-person CSV (activity, roles, attributes) as a DataFrame.

    The ``person`` column holds the labels used in the edge list. Values are
    applied with :func:`apply_people`.

    Parameters
    ----------
    path_or_frame : str, path or pandas.DataFrame
        The CSV file, or an already loaded DataFrame.
    person : str, default "person"
        The column with the people's labels.
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
        Indexed by person label, one column per other CSV column.

    Raises
    ------
    ValueError
        If the ``person`` column is missing or a person appears twice.
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame, where = path_or_frame, "The people table"
    else:
        frame = read_csv(path_or_frame, **read_csv_kwargs)
        where = repr(str(path_or_frame))
    require_columns(frame, [person], where)
    duplicated = frame[person].duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise ValueError(
            f"{where}, line {row + 2}: person {frame[person].iloc[row]!r} appears "
            f"twice."
        )
    return frame.set_index(person)


def _truthy(values: pd.Series) -> np.ndarray:
    if values.dtype == bool:
        return values.to_numpy()
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["1", "true", "yes", "y", "t"]).to_numpy()


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
        Activity of added people whose row sets none (default: the mean
        activity of the network).

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
        For an unknown ``missing``.

    Examples
    --------
    >>> net = from_arrays(["a", "b"], [0], [1], strength=1.0, activity=0.5)
    >>> roster = pd.DataFrame({"person": ["b", "c"], "candidate": [1, 1]})
    >>> roster = roster.set_index("person")
    >>> out = apply_people(net, roster)
    >>> out.labels.tolist(), out.is_candidate.tolist(), out.n_ties
    (['a', 'b', 'c'], [False, True, True], 1)
    """
    labels = people.index.tolist()
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
        activity_values[ids] = numeric_column(
            people.reset_index(), activity, "The people table", 2
        )
    if recruiter is not None and recruiter in people.columns:
        recruiters[ids] = _truthy(people[recruiter])
    if candidate is not None and candidate in people.columns:
        candidates[ids] = _truthy(people[candidate])
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


def _add_isolated(network: ReferralNetwork, new, activity) -> ReferralNetwork:
    """The network with people ``new`` added, without ties."""
    from referral._labels import label_array

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
