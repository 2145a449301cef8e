"""LinkedIn readers behind :mod:`referral.io`.

:func:`read_linkedin_connections` reads one LinkedIn ``Connections.csv``
export and :func:`linkedin_network` merges several employees' exports (a
roster of who exported which file) into one company network.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from referral._core.csv import read_csv
from referral._core.defaults import DEFAULT_ACTIVITY
from referral._core.params import Interval, validate_params
from referral._core.validation import require_columns
from referral.network._builders import from_arrays
from referral.network._referral_network import ReferralNetwork

__all__ = ["read_linkedin_connections", "linkedin_network", "LINKEDIN_COLUMNS"]


LINKEDIN_COLUMNS = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


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
    frame = read_csv(
        path, skiprows=header, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    require_columns(frame, LINKEDIN_COLUMNS, repr(str(path)))
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
    activity: float = DEFAULT_ACTIVITY,
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
        Activity of every person (``referral.io.DEFAULT_ACTIVITY``, the
        one default of every reader).
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
