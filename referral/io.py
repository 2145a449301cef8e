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
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from referral._params import Interval, Options, validate_params
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


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: the process umask, read once at import (reading it means setting it)
_UMASK = _read_umask()
_STAGING = ".referral-staging-"
_OLD = ".referral-old-"

LINKEDIN_COLUMNS = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


def _read_csv(path, **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` with errors that name the file and line."""
    try:
        return pd.read_csv(path, **kwargs)
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: {str(path)!r}.") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"{str(path)!r} is empty: it has no header row.") from None
    except pd.errors.ParserError as error:
        raise ValueError(f"{str(path)!r} is malformed: {error}".rstrip()) from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{str(path)!r} is not UTF-8 text: {error}.") from None


def _require_columns(frame: pd.DataFrame, columns, where: str) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(
            f"{where} lacks the column(s) {missing}; the available columns are "
            f"{list(frame.columns)}."
        )


def _numeric_column(frame, column, where, first_line):
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() | frame[column].isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{where}, line {row + first_line}: column {column!r} must be a "
            f"number. Got {frame[column].iloc[row]!r}."
        )
    return values.to_numpy(dtype=np.float64)


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
        frame = _read_csv(path_or_frame, **read_csv_kwargs)
        where = repr(str(path_or_frame))
        first_line = 2  # 1-based, after the header row
    default_strength = strength == "strength" and "strength" not in frame.columns
    strength_column = strength if isinstance(strength, str) else None
    if default_strength:
        strength_column = None
    _require_columns(
        frame, [source, target, strength_column, transmission, weak], where
    )
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
        strength_values = _numeric_column(frame, strength_column, where, first_line)
    elif default_strength:
        strength_values = 1.0
    else:
        strength_values = float(strength)
    transmission_values = (
        _numeric_column(frame, transmission, where, first_line)
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
        frame = _read_csv(path_or_frame, **read_csv_kwargs)
        where = repr(str(path_or_frame))
    _require_columns(frame, [person], where)
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
        absent = network._positions(labels) < 0
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
        activity_values[ids] = _numeric_column(
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
    from referral.network import label_array

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


# ------------------------------------------------------------------ LinkedIn
def read_linkedin_connections(path) -> pd.DataFrame:
    """Read a LinkedIn ``Connections.csv`` export.

    LinkedIn puts a few lines of notes above the header; the header row is
    found automatically (the first line that starts with ``First Name``).

    Parameters
    ----------
    path : str or path
        The ``Connections.csv`` file.

    Returns
    -------
    pandas.DataFrame
        The columns First Name, Last Name, URL, Email Address, Company,
        Position (str) and Connected On (datetime64, parsed from dates such
        as ``12 Mar 2021``).

    Raises
    ------
    ValueError
        If no header row is found, columns are missing, or a date cannot be
        parsed (naming the line).
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: {str(path)!r}.") from None
    header = next(
        (k for k, line in enumerate(lines) if line.startswith("First Name")), None
    )
    if header is None:
        raise ValueError(
            f"{str(path)!r} does not look like a LinkedIn Connections export: no "
            f"line starts with 'First Name'."
        )
    frame = _read_csv(
        path, skiprows=header, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    _require_columns(frame, LINKEDIN_COLUMNS, repr(str(path)))
    dates = pd.to_datetime(frame["Connected On"], format="%d %b %Y", errors="coerce")
    bad = dates.isna() & (frame["Connected On"].str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{str(path)!r}, line {header + row + 2}: 'Connected On' must be a date "
            f"like '12 Mar 2021'. Got {frame['Connected On'].iloc[row]!r}."
        )
    frame["Connected On"] = dates
    return frame


def _linkedin_exports(exports) -> dict:
    """``exports`` as ``{exporter: path}``: a path, paths, or a mapping."""
    if isinstance(exports, Mapping):
        return dict(exports)
    if isinstance(exports, str | os.PathLike):
        exports = [exports]
    if not isinstance(exports, Iterable):
        raise TypeError(
            f"The 'exports' parameter of linkedin_network must be a path, a list "
            f"of paths or a mapping {{exporter: path}}. Got "
            f"{type(exports).__name__} instead."
        )
    named = {}
    for path in exports:
        if not isinstance(path, str | os.PathLike):
            raise TypeError(
                f"The 'exports' parameter of linkedin_network must hold paths. "
                f"Got {path!r} instead."
            )
        name = Path(path).stem
        if name in named:
            raise ValueError(
                f"The 'exports' parameter of linkedin_network has two files named "
                f"{name!r}; pass a mapping {{exporter: path}} instead."
            )
        named[name] = path
    return named


def _label_list(values, parameter: str) -> list:
    """A single label (a str) is one person, not its characters."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        return [values]
    return list(values)


def _same_name(a: str, b: str) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


@validate_params(
    {
        "strength": [Interval(float, 0, 1, closed="right")],
        "activity": [Interval(float, 0, 1)],
    }
)
def linkedin_network(
    exports,
    *,
    strength: float = 0.3,
    activity: float = 0.3,
    recruiters=(),
    candidates=(),
) -> ReferralNetwork:
    """Merge several employees' LinkedIn exports into one company network.

    Parameters
    ----------
    exports : path, list of paths, or mapping of str to path
        Each exporter's ``Connections.csv``: ``{exporter: path}``, or paths
        (each exporter named by the file's stem). An exporter is named by
        their profile URL or by their name: a name that is the full name of
        exactly one person in a colleague's export (compared without case)
        is that person, so a name and its profile URL are one person. A name
        matches a person's full name, else the last part of their profile
        URL, else their first name, compared without case; a name matching
        several people is an error (name the exporter by URL).
    strength : float, default 0.3
        Strength of every connection; LinkedIn connections are mostly weak
        ties, hence the default below 0.5.
    activity : float, default 0.3
        Activity of every person.
    recruiters : str or iterable of str
        Exporters who are recruiters, by their key in ``exports``, their
        profile URL or their name; a single string is one person.
    candidates : str or iterable of str
        People open to the job, by profile URL, name (as in the export) or
        exporter key; a single string is one person. Without candidates,
        candidate shares cannot be computed (and say so).

    Returns
    -------
    ReferralNetwork
        Undirected; people are labelled by profile URL (or by name where the
        URL is empty or the exporter is not in any export); attributes
        ``name``, ``company`` and ``position``. Connections listed in two
        exports become one tie.

    Raises
    ------
    networkx.NodeNotFound
        If a recruiter or candidate is not in the network.
    ValueError
        If an exporter's name matches several people of the exports.
    TypeError
        If ``exports`` is not a path, paths or a mapping.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    >>> _ = (folder / "ana.csv").write_text(
    ...     header + "\\nMaria,Lopez,https://x/in/maria,,Acme,Recruiter,1 Jan 2024\\n")
    >>> _ = (folder / "maria.csv").write_text(
    ...     header + "\\nAna,Diaz,https://x/in/ana,,Acme,Engineer,1 Jan 2024\\n")
    >>> net = linkedin_network({"ana": folder / "ana.csv",
    ...                         "Maria Lopez": folder / "maria.csv"},
    ...                        recruiters="Maria Lopez", candidates=["ana"])
    >>> net.labels.tolist(), net.n_people, net.label_of(net.recruiters).tolist()
    (['https://x/in/ana', 'https://x/in/maria'], 2, ['https://x/in/maria'])
    """
    exports = _linkedin_exports(exports)
    frames = {e: read_linkedin_connections(path) for e, path in exports.items()}
    people: dict[str, dict] = {}
    listed = []
    for exporter, frame in frames.items():
        for row in frame.itertuples(index=False):
            first, last, url = row[0], row[1], row[2]
            name = f"{first} {last}".strip()
            key = url.strip() or name
            if not key:
                continue
            listed.append((exporter, key, name, row[4], row[5]))
    # who each exporter is: a URL key, or a name matching one listed person
    identity = {}
    for exporter in exports:
        keys = {key for _, key, _, _, _ in listed}
        if exporter in keys:
            identity[exporter] = exporter
            continue
        matches = []
        for part in (
            lambda key, name: name,  # full name
            lambda key, name: key.rstrip("/").rsplit("/", 1)[-1],  # URL slug
            lambda key, name: name.split(" ")[0],  # first name
        ):
            matches = sorted(
                {k for _, k, n, _, _ in listed if _same_name(part(k, n), exporter)}
            )
            if matches:
                break
        if len(matches) > 1:
            raise ValueError(
                f"The exporter name {exporter!r} of linkedin_network matches "
                f"{len(matches)} people of the exports ({', '.join(matches)}); "
                f"name the exporter by their profile URL instead."
            )
        identity[exporter] = matches[0] if matches else exporter
    for exporter in exports:
        people[identity[exporter]] = {
            "name": exporter if identity[exporter] == exporter else None,
            "company": None,
            "position": None,
        }
    pairs = []
    for exporter, key, name, company, position in listed:
        entry = people.setdefault(
            key, {"name": None, "company": None, "position": None}
        )
        entry["name"] = name or entry["name"]
        entry["company"] = company or entry["company"]
        entry["position"] = position or entry["position"]
        if key != identity[exporter]:
            pairs.append((identity[exporter], key))
    labels = list(people)
    index = {label: i for i, label in enumerate(labels)}
    by_name: dict[str, list] = {}
    for label in labels:
        if people[label]["name"]:
            by_name.setdefault(people[label]["name"].casefold(), []).append(label)

    def resolve(values, parameter):
        ids = []
        missing = []
        for value in _label_list(values, parameter):
            if value in identity:
                value = identity[value]
            if value in index:
                ids.append(index[value])
                continue
            named = by_name.get(" ".join(str(value).split()).casefold(), [])
            if len(named) == 1:
                ids.append(index[named[0]])
            else:
                missing.append(value)
        if missing:
            raise nx.NodeNotFound(
                f"The {parameter!r} parameter of linkedin_network names people who "
                f"are not in the exports: {', '.join(map(repr, missing))}."
            )
        return ids

    recruiter_ids = resolve(recruiters, "recruiters")
    candidate_ids = resolve(candidates, "candidates")
    src = np.asarray([index[a] for a, _ in pairs], dtype=np.int64)
    dst = np.asarray([index[b] for _, b in pairs], dtype=np.int64)
    label_objects = np.empty(len(labels), dtype=object)
    label_objects[:] = labels
    return from_arrays(
        label_objects,
        src,
        dst,
        strength=strength,
        activity=activity,
        recruiters=recruiter_ids,
        candidates=candidate_ids,
        directed=False,
        attributes={
            key: np.asarray([people[p][key] for p in labels], dtype=object)
            for key in ("name", "company", "position")
        },
    )


# -------------------------------------------------------------- safe writes
@contextlib.contextmanager
@validate_params({"force": ["boolean"], "mode": [Options(("w", "wb"))]})
def atomic_write(path, *, force: bool = False, mode: str = "w", **open_kwargs):
    """Open a temporary file next to ``path`` and rename it into place.

    A crash never leaves a half-written ``path``. Without ``force`` an
    existing file is never overwritten.

    Parameters
    ----------
    path : str or path
        The file to write.
    force : bool, default False
        Overwrite an existing file.
    mode : str, default "w"
        The :func:`open` mode (``"w"`` or ``"wb"``).
    **open_kwargs
        Passed to :func:`open` (``encoding``, ``newline``, ...).

    Yields
    ------
    file object
        The open temporary file; it replaces ``path`` when the block ends
        without an error.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``force`` is false.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_write(folder / "a.txt") as handle:
    ...     _ = handle.write("hello")
    >>> (folder / "a.txt").read_text()
    'hello'
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(
            f"{str(path)!r} already exists; pass force=True (--force) to overwrite it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        # mkstemp creates 0600 files; give the result the usual umask mode
        os.chmod(temporary, 0o666 & ~_UMASK)
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@validate_params({"frame": [pd.DataFrame], "force": ["boolean"]})
def write_table(frame: pd.DataFrame, path, *, force: bool = False) -> Path:
    """Write a DataFrame as CSV or Parquet (by suffix), atomically.

    Parquet needs ``pyarrow`` (the ``parquet`` extra).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : str or path
        The file; ``.csv`` or ``.parquet``.
    force : bool, default False
        Overwrite an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``force`` is false.
    ValueError
        If the suffix is neither ``.csv`` nor ``.parquet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with atomic_write(path, force=force, newline="") as handle:
            frame.to_csv(handle, index=False)
    elif suffix == ".parquet":
        with atomic_write(path, force=force, mode="wb") as handle:
            frame.to_parquet(handle, index=False)
    else:
        raise ValueError(
            f"Cannot write {str(path)!r}: the suffix must be .csv or .parquet. "
            f"Got {path.suffix!r}."
        )
    return path


@validate_params({"force": ["boolean"]})
def check_target(path, *, force: bool = False) -> Path:
    """Refuse an output that exists, before any work is done.

    An existing regular file, or a folder with anything in it, is refused
    unless ``force``; an empty folder counts as absent. With ``force`` the
    output will be replaced as a whole (see :func:`staged_folder`), except a
    folder that holds the working directory or the home folder.

    Parameters
    ----------
    path : str or path
        The output file or folder.
    force : bool, default False
        Allow replacing an existing output.

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    FileExistsError
        If the output exists and ``force`` is false.
    ValueError
        If ``force`` would replace the working directory, one of its parents
        or the home folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_target(folder / "new") == folder / "new"
    True
    >>> (folder / "old.csv").write_text("x")
    1
    >>> check_target(folder / "old.csv")
    Traceback (most recent call last):
    ...
    FileExistsError: '...old.csv' already exists; pass --force ... to replace it.
    """
    path = Path(path)
    if not (path.exists() or path.is_symlink()):
        return path
    if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
        return path
    if not force:
        raise FileExistsError(
            f"{str(path)!r} already exists; pass --force (force=True) to replace it."
        )
    if path.is_dir() and not path.is_symlink():
        resolved = path.resolve()
        protected = [Path.cwd().resolve(), Path.home().resolve()]
        if any(resolved == p or resolved in p.parents for p in protected):
            raise ValueError(
                f"Refusing to replace {str(path)!r}: it holds the working "
                f"directory or the home folder. Choose another output folder."
            )
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(path) -> list[Path]:
    """Remove staging and replaced folders left beside ``path`` by dead runs.

    A run killed while staging leaves ``.NAME.referral-staging-PID-*`` beside
    the target (and, killed between its two renames, ``.NAME.referral-old-
    PID-*``). They are removed when their process is gone.

    Parameters
    ----------
    path : str or path
        The output whose siblings are checked.

    Returns
    -------
    list of pathlib.Path
        The folders and files removed.
    """
    path = Path(path)
    removed = []
    if not path.parent.is_dir():
        return removed
    for mark in (_STAGING, _OLD):
        for stale in path.parent.glob(f".{path.name}{mark}*"):
            pid = stale.name[len(f".{path.name}{mark}") :].split("-", 1)[0]
            if not pid.isdigit() or _pid_alive(int(pid)):
                continue
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()
            removed.append(stale)
    return removed


@contextlib.contextmanager
@validate_params({"force": ["boolean"]})
def staged_folder(path, *, force: bool = False):
    """Write an output folder as a whole: stage it beside ``path``, rename once.

    Yields a fresh staging folder, ``.NAME.referral-staging-PID-XXXX``, in
    the same parent as ``path``. When the block ends without an error the
    staging folder is renamed to ``path`` in one step (with ``force``, an
    existing file or folder at ``path`` is first moved aside and removed
    after). On an error or an interrupt the staging folder is removed. So
    ``path`` is either absent (or as it was) or complete, whenever the
    process is stopped; stale staging folders of dead runs are removed on
    the next run.

    Parameters
    ----------
    path : str or path
        The output folder.
    force : bool, default False
        Replace an existing file or folder at ``path``.

    Yields
    ------
    pathlib.Path
        The staging folder to write into.

    Raises
    ------
    FileExistsError
        If ``path`` exists (a file, or a folder that is not empty) and
        ``force`` is false, checked on entry and again before the rename.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
    >>> with staged_folder(out) as stage:
    ...     _ = (stage / "a.csv").write_text("x\\n1\\n")
    >>> sorted(p.name for p in out.iterdir())
    ['a.csv']
    """
    path = Path(path)
    check_target(path, force=force)
    remove_stale_staging(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(
        tempfile.mkdtemp(
            prefix=f".{path.name}{_STAGING}{os.getpid()}-", dir=path.parent
        )
    )
    try:
        os.chmod(stage, 0o777 & ~_UMASK)
        yield stage
        check_target(path, force=force)
        old = None
        if path.exists() or path.is_symlink():
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()
            else:
                old = path.parent / f".{path.name}{_OLD}{os.getpid()}-{stage.name[-8:]}"
                os.replace(path, old)
        os.replace(stage, path)
        if old is not None:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
