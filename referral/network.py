"""The people-and-ties model: :class:`ReferralNetwork` and its builders.

A :class:`ReferralNetwork` is validated once and then immutable. It keeps the
user's node labels at the edges and exposes compact arrays to the engine:

* ties as CSR (``indptr`` int64, ``indices`` int32), one row per teller; an
  undirected tie appears in both rows;
* per-tie ``strength``, ``transmission`` (float64) and ``weak`` (bool);
* per-person ``activity`` (float64), ``is_recruiter`` and ``is_candidate``
  (bool) and optional attributes such as ``community``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd

from referral._params import InstanceOf, Interval, validate_params

__all__ = [
    "ReferralNetwork",
    "default_transmission",
    "from_arrays",
    "from_networkx",
    "DEFAULT_WEAK_THRESHOLD",
]

DEFAULT_WEAK_THRESHOLD = 0.5


def default_transmission(strength):
    """The default probability that a tie carries a referral, from its strength.

    The default is the identity, ``transmission = strength``: a close friend
    (strength 1) passes on what you tell them, an acquaintance of strength 0.1
    does so one time in ten. Pass ``transmission=`` to the builders to use
    another rule (an attribute, a constant, a mapping or a callable).

    Parameters
    ----------
    strength : array_like of float in (0, 1]
        Tie strengths.

    Returns
    -------
    numpy.ndarray of float64
        The probability that each tie carries a referral.

    Examples
    --------
    >>> default_transmission([0.2, 1.0])
    array([0.2, 1. ])
    """
    return np.array(strength, dtype=np.float64, copy=True)


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    if array.flags.writeable and array.base is not None:
        array = array.copy()
    array.setflags(write=False)
    return array


def _plain(value):
    """A numpy scalar as the Python value, so messages read ``3``, not
    ``np.int64(3)``."""
    return value.item() if isinstance(value, np.generic) else value


def _describe_labels(labels: Iterable, limit: int = 5) -> str:
    labels = [_plain(x) for x in labels]
    shown = ", ".join(repr(x) for x in labels[:limit])
    if len(labels) > limit:
        shown += f", ... ({len(labels)} in all)"
    return shown


def _is_one_label(people) -> bool:
    """A single label (a str, a tuple, a scalar) rather than a collection."""
    if isinstance(people, str | bytes | tuple):
        return True
    if isinstance(people, np.ndarray):
        return people.ndim == 0
    return not isinstance(people, Iterable)


def _object_array(values) -> np.ndarray:
    """A 1-d object array of ``values`` as given: no dtype coercion, tuples kept.

    Examples
    --------
    >>> _object_array([3, "3", (1, 2), 2**64]).tolist()
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


def _lookup(table: dict, person) -> int:
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
    values = _object_array(values)
    if len(values) and all(type(v) is int and -(2**63) <= v < 2**63 for v in values):
        return values.astype(np.int64)
    if len(values) and all(type(v) is str for v in values):
        return values.astype(str)
    return values


_ARRAY_FIELDS = (
    "labels",
    "indptr",
    "indices",
    "strength",
    "transmission",
    "weak",
    "activity",
    "is_recruiter",
    "is_candidate",
)


@dataclass(frozen=True, eq=False, repr=False)
class ReferralNetwork:
    """People, their ties, and who recruits and who is looking.

    Build one with :func:`from_networkx`, :func:`from_arrays`,
    :func:`referral.io.read_edgelist`, :mod:`referral.datasets` or
    :mod:`referral.populations`; do not call the constructor directly.

    Attributes
    ----------
    labels : numpy.ndarray, shape (n_people,)
        The user's node labels; person id ``i`` is ``labels[i]``.
    indptr : numpy.ndarray of int64, shape (n_people + 1,)
    indices : numpy.ndarray of int32, shape (n_entries,)
        CSR ties: the contacts person ``i`` can tell are
        ``indices[indptr[i]:indptr[i + 1]]``, sorted by id.
    strength, transmission : numpy.ndarray of float64, shape (n_entries,)
        Tie closeness in (0, 1] and the probability the tie carries a referral
        when its holder acts.
    weak : numpy.ndarray of bool, shape (n_entries,)
        Whether the tie is weak.
    activity : numpy.ndarray of float64, shape (n_people,)
        The probability that a person acts on a referral they hold.
    is_recruiter, is_candidate : numpy.ndarray of bool, shape (n_people,)
    directed : bool
        If ``False`` every tie is stored in both directions.
    weak_threshold : float
        Ties with strength below this are weak, unless marked explicitly.
    attributes : Mapping[str, numpy.ndarray]
        Optional per-person attributes (``community``, ``company``, ...).

    Examples
    --------
    >>> import networkx as nx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5)
    >>> net.n_people, net.n_ties
    (3, 2)
    """

    labels: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    strength: np.ndarray
    transmission: np.ndarray
    weak: np.ndarray
    activity: np.ndarray
    is_recruiter: np.ndarray
    is_candidate: np.ndarray
    directed: bool = False
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD
    attributes: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        n = len(self.labels)
        entries = len(self.indices)
        for name, expected in [
            ("indptr", n + 1),
            ("strength", entries),
            ("transmission", entries),
            ("weak", entries),
            ("activity", n),
            ("is_recruiter", n),
            ("is_candidate", n),
        ]:
            if len(getattr(self, name)) != expected:
                raise ValueError(
                    f"ReferralNetwork.{name} has length {len(getattr(self, name))}, "
                    f"expected {expected}."
                )
        for name in _ARRAY_FIELDS:
            object.__setattr__(self, name, _readonly(getattr(self, name)))
        attributes = {}
        for key, values in dict(self.attributes).items():
            values = np.asarray(values)
            if len(values) != n:
                raise ValueError(
                    f"Attribute {key!r} has {len(values)} values for {n} people."
                )
            attributes[key] = _readonly(values)
        object.__setattr__(self, "attributes", MappingProxyType(attributes))

    # ------------------------------------------------------------------ sizes
    @property
    def n_people(self) -> int:
        """Number of people."""
        return len(self.labels)

    @property
    def n_ties(self) -> int:
        """Number of ties (an undirected tie counts once)."""
        entries = len(self.indices)
        return entries if self.directed else entries // 2

    @cached_property
    def degree(self) -> np.ndarray:
        """Number of contacts each person can tell (out-degree), int64."""
        return _readonly(np.diff(self.indptr))

    @cached_property
    def tie_sources(self) -> np.ndarray:
        """The teller of each CSR entry (int32), parallel to ``indices``."""
        return _readonly(
            np.repeat(np.arange(self.n_people, dtype=np.int32), self.degree)
        )

    @property
    def recruiters(self) -> np.ndarray:
        """Ids (int32) of the recruiters."""
        return np.flatnonzero(self.is_recruiter).astype(np.int32)

    @property
    def candidates(self) -> np.ndarray:
        """Ids (int32) of the candidates."""
        return np.flatnonzero(self.is_candidate).astype(np.int32)

    @property
    def community(self) -> np.ndarray | None:
        """The ``community`` attribute, or ``None`` if the network has none."""
        return self.attributes.get("community")

    # ----------------------------------------------------------------- labels
    @cached_property
    def _label_index(self) -> pd.Index:
        return pd.Index(self.labels, tupleize_cols=False)

    @cached_property
    def _object_label_index(self) -> pd.Index:
        return pd.Index(self.labels.astype(object), dtype=object, tupleize_cols=False)

    def _positions(self, people) -> np.ndarray:
        """Ids (int64) of ``people`` with ``-1`` for labels not in the network.

        The one exact, vectorised lookup behind :meth:`ids`: the query is
        kept as Python objects (no dtype coercion), so ``3`` and ``'3'``,
        tuples, numpy scalars and ints of any size are matched as Python
        equality and hashing match them (as networkx does).
        """
        labels_kind = self.labels.dtype.kind
        if (
            isinstance(people, np.ndarray)
            and people.ndim == 1
            and people.dtype.kind in "iu"
            and labels_kind == "i"
        ):
            return np.asarray(self._label_index.get_indexer(people), dtype=np.int64)
        query = _object_array(people)
        if len(query) == 0:
            return np.zeros(0, dtype=np.int64)
        kinds = set(map(type, query.tolist()))
        if kinds == {int} and labels_kind == "i":
            try:  # plain ints that fit: the typed index matches them exactly
                typed = np.array(query.tolist(), dtype=np.int64)
            except OverflowError:
                typed = None
            if typed is not None:
                return np.asarray(self._label_index.get_indexer(typed), dtype=np.int64)
        if kinds == {str} and labels_kind == "U":
            index = self._label_index
        else:
            index = self._object_label_index
        try:
            positions = index.get_indexer(
                pd.Index(query, dtype=object, tupleize_cols=False)
            )
        except (TypeError, ValueError, pd.errors.InvalidIndexError):
            lookup = {label: k for k, label in reversed(list(enumerate(self.labels)))}
            positions = [_lookup(lookup, person) for person in query]
        return np.asarray(positions, dtype=np.int64)

    def ids(self, people, *, parameter: str = "people") -> np.ndarray:
        """Return the ids (int32) of the given people, in order (vectorised).

        Parameters
        ----------
        people : label or iterable of labels
            The people to look up.
        parameter : str, default "people"
            The parameter name the error message names.

        Returns
        -------
        numpy.ndarray of int32
            One id per person.

        Raises
        ------
        networkx.NodeNotFound
            If any of them is not in the network; the message names them.

        Examples
        --------
        >>> import networkx as nx
        >>> net = from_networkx(nx.path_graph(["a", "b", "c"]), strength=1.0,
        ...                     activity=0.5)
        >>> net.ids(["c", "a"])
        array([2, 0], dtype=int32)
        """
        if _is_one_label(people):
            people = [people]
        people = _object_array(people)
        positions = self._positions(people)
        if (positions < 0).any():
            missing = people[positions < 0].tolist()
            raise nx.NodeNotFound(
                f"The {parameter!r} parameter names people who are not in the "
                f"network: {_describe_labels(missing)}."
            )
        return positions.astype(np.int32)

    def label_of(self, ids) -> np.ndarray:
        """Return the labels of the given ids.

        Parameters
        ----------
        ids : array_like of int
            Person ids.

        Returns
        -------
        numpy.ndarray
            One label per id.

        Examples
        --------
        >>> import networkx as nx
        >>> net = from_networkx(nx.path_graph(["a", "b"]), strength=1.0,
        ...                     activity=0.5)
        >>> net.label_of([1]).tolist()
        ['b']
        """
        try:
            array = np.asarray(ids, dtype=np.int64)
        except (TypeError, ValueError):
            array = None
        if array is None or (
            array.size and (array.min() < 0 or array.max() >= self.n_people)
        ):
            raise ValueError(
                f"The 'ids' parameter of label_of must hold person ids (ints from "
                f"0 to {self.n_people - 1}). Got {ids!r} instead."
            )
        return self.labels[array]

    # ---------------------------------------------------------------- derived
    def replace(self, **changes) -> ReferralNetwork:
        """A copy with some arrays replaced, validated like a new network.

        Accepts ``activity``, ``is_recruiter``, ``is_candidate``,
        ``transmission`` and ``attributes``.

        Parameters
        ----------
        **changes
            New values, by field name.

        Returns
        -------
        ReferralNetwork
            The copy.

        Examples
        --------
        >>> import networkx as nx
        >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5)
        >>> net.replace(activity=[1.0, 1.0, 1.0]).activity
        array([1., 1., 1.])
        """
        allowed = {
            "activity",
            "is_recruiter",
            "is_candidate",
            "transmission",
            "attributes",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise TypeError(
                f"ReferralNetwork.replace() got unknown field(s) {sorted(unknown)}; "
                f"it accepts {sorted(allowed)}."
            )
        values = {
            name: getattr(self, name)
            for name in (*_ARRAY_FIELDS, "directed", "weak_threshold", "attributes")
        }
        values.update(changes)
        values["activity"] = _check_person_probabilities(
            values["activity"], self.labels, "activity"
        )
        values["transmission"] = _check_tie_probabilities(
            values["transmission"], self, "transmission"
        )
        for role in ["is_recruiter", "is_candidate"]:
            values[role] = np.asarray(values[role], dtype=bool)
        return ReferralNetwork(**values)

    def tie_table(self) -> pd.DataFrame:
        """One row per tie (an undirected tie once, smaller id first).

        Returns
        -------
        pandas.DataFrame
            ``source``, ``target`` (labels), ``source_id``, ``target_id``
            (int32), ``strength``, ``transmission`` (float64), ``weak`` (bool).
        """
        src = self.tie_sources
        dst = self.indices
        keep = np.ones(len(dst), dtype=bool) if self.directed else src < dst
        return pd.DataFrame(
            {
                "source": self.labels[src[keep]],
                "target": self.labels[dst[keep]],
                "source_id": src[keep],
                "target_id": dst[keep],
                "strength": self.strength[keep],
                "transmission": self.transmission[keep],
                "weak": self.weak[keep],
            }
        )

    def people_table(self) -> pd.DataFrame:
        """One row per person.

        Returns
        -------
        pandas.DataFrame
            ``person`` (label), ``id``, ``activity``, ``recruiter``,
            ``candidate``, ``degree`` and every attribute.
        """
        data = {
            "person": self.labels,
            "id": np.arange(self.n_people, dtype=np.int32),
            "activity": self.activity,
            "recruiter": self.is_recruiter,
            "candidate": self.is_candidate,
            "degree": self.degree,
        }
        data.update(self.attributes)
        return pd.DataFrame(data)

    def summary(self) -> pd.Series:
        """Headline figures: people, ties, weak-tie share, mean activity, ...

        Returns
        -------
        pandas.Series
            ``people``, ``ties``, ``directed``, ``recruiters``,
            ``candidates``, ``mean_contacts``, ``weak_tie_share``,
            ``mean_activity`` and ``mean_transmission``.

        Examples
        --------
        >>> import networkx as nx
        >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5)
        >>> int(net.summary()["people"])
        3
        """
        entries = max(len(self.indices), 1)
        return pd.Series(
            {
                "people": self.n_people,
                "ties": self.n_ties,
                "directed": self.directed,
                "recruiters": int(self.is_recruiter.sum()),
                "candidates": int(self.is_candidate.sum()),
                "mean_contacts": len(self.indices) / max(self.n_people, 1),
                "weak_tie_share": float(self.weak.sum()) / entries,
                "mean_activity": float(self.activity.mean()),
                "mean_transmission": float(self.transmission.sum()) / entries,
            },
            name="network",
            dtype=object,
        )

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"ReferralNetwork(people={s['people']}, ties={s['ties']}, "
            f"directed={s['directed']}, recruiters={s['recruiters']}, "
            f"candidates={s['candidates']}, weak_tie_share={s['weak_tie_share']:.2f}"
            f", mean_activity={s['mean_activity']:.2f})"
        )

    def _repr_html_(self) -> str:
        from referral._html import network_html

        return network_html(self)

    def equals(self, other: ReferralNetwork) -> bool:
        """True if both networks have the same people, ties, values and roles.

        Parameters
        ----------
        other : ReferralNetwork
            The network to compare with.

        Returns
        -------
        bool
            Whether they are equal.
        """
        if not isinstance(other, ReferralNetwork):
            return False
        if self.directed != other.directed or set(self.attributes) != set(
            other.attributes
        ):
            return False
        arrays = _ARRAY_FIELDS
        if not all(np.array_equal(getattr(self, a), getattr(other, a)) for a in arrays):
            return False
        return all(
            np.array_equal(self.attributes[k], other.attributes[k])
            for k in self.attributes
        )

    def to_networkx(self) -> nx.Graph | nx.DiGraph:
        """A networkx graph with every value as an attribute.

        Nodes carry ``activity``, ``recruiter``, ``candidate`` and each
        attribute; edges carry ``strength``, ``transmission`` and ``weak``, so
        ``from_networkx(net.to_networkx(), transmission="transmission",
        weak="weak")`` gives back an equal network.

        Returns
        -------
        networkx.Graph or networkx.DiGraph
            A new graph, directed if the network is.

        Examples
        --------
        >>> import networkx as nx
        >>> net = from_networkx(nx.path_graph(3), strength=0.3, activity=0.5)
        >>> G = net.to_networkx()
        >>> G.edges[0, 1]["weak"]
        True
        """
        G = nx.DiGraph() if self.directed else nx.Graph()
        attribute_lists = {k: v.tolist() for k, v in self.attributes.items()}
        labels = self.labels.tolist()
        activity = self.activity.tolist()
        recruiter = self.is_recruiter.tolist()
        candidate = self.is_candidate.tolist()
        for i, label in enumerate(labels):
            data = {
                "activity": activity[i],
                "recruiter": recruiter[i],
                "candidate": candidate[i],
            }
            for k, values in attribute_lists.items():
                data[k] = values[i]
            G.add_node(label, **data)
        table = self.tie_table()
        G.add_edges_from(
            (u, v, {"strength": s, "transmission": t, "weak": w})
            for u, v, s, t, w in zip(
                table["source"].tolist(),
                table["target"].tolist(),
                table["strength"].tolist(),
                table["transmission"].tolist(),
                table["weak"].tolist(),
                strict=True,
            )
        )
        return G


# ---------------------------------------------------------------- validation
def _float_array(values, name) -> np.ndarray:
    """``values`` as float64, or a ValueError naming ``name`` and the value."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        shown = repr(values)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise ValueError(
            f"{name} must be a number or an array of numbers. Got {shown} instead."
        ) from None


def _broadcast(values, size, name, what) -> np.ndarray:
    """One float per tie or person from a number or an array of that length."""
    array = _float_array(values, name)
    if array.ndim > 1 or (array.ndim == 1 and len(array) != size):
        raise ValueError(
            f"{name} must be a number or hold one value per {what} ({size}); got "
            f"shape {array.shape}."
        )
    return np.broadcast_to(array, (size,)).copy()


def _check_person_probabilities(values, labels, name) -> np.ndarray:
    array = _float_array(values, name)
    if array.shape != (len(labels),):
        raise ValueError(
            f"{name} must have one value per person ({len(labels)}); got shape "
            f"{array.shape}."
        )
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must be in the range [0, 1]; person {_plain(labels[first])!r} has "
            f"{float(array[first])!r} ({int(bad.sum())} bad value(s) in all)."
        )
    return array


def _check_tie_probabilities(values, network_or_ends, name, *, low_open=False):
    """Check per-tie values; ``network_or_ends`` names the offending tie."""
    array = _float_array(values, name)
    if low_open:
        bad = ~((array > 0.0) & (array <= 1.0))
        rule = "(0, 1]"
    else:
        bad = ~((array >= 0.0) & (array <= 1.0))
        rule = "[0, 1]"
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        if isinstance(network_or_ends, ReferralNetwork):
            net = network_or_ends
            u, v = net.labels[net.tie_sources[first]], net.labels[net.indices[first]]
        else:
            u, v = network_or_ends(first)
        raise ValueError(
            f"{name} must be in the range {rule}; the tie ({_plain(u)!r}, "
            f"{_plain(v)!r}) has "
            f"{float(array[first])!r} ({int(bad.sum())} bad value(s) in all)."
        )
    return array


def _role_mask(ids, n) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if ids is not None:
        mask[np.asarray(ids, dtype=np.int64)] = True
    return mask


@validate_params({"directed": ["boolean"], "weak_threshold": [Interval(float, 0, 1)]})
def from_arrays(
    people,
    sources,
    targets,
    *,
    strength,
    activity,
    transmission=None,
    weak=None,
    recruiters=None,
    candidates=None,
    directed: bool = False,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
    attributes: Mapping[str, np.ndarray] | None = None,
) -> ReferralNetwork:
    """Build a network from integer tie arrays; vectorised, O(people + ties).

    This is the fast path used by the synthetic populations and the readers.

    Parameters
    ----------
    people : int or array_like
        The number of people (labels ``0 .. n-1``) or their labels.
    sources, targets : array_like of int
        Person ids (positions in ``people``) at the two ends of each tie. For
        a directed network ``source`` can tell ``target``.
    strength : float or array_like of float in (0, 1]
        Tie strength.
    activity : float or array_like of float in [0, 1]
        Per-person probability of acting on a referral.
    transmission : float or array_like of float in [0, 1], optional
        Per-tie carrying probability; default :func:`default_transmission`.
    weak : array_like of bool, optional
        Explicit weak/strong marks; default ``strength < weak_threshold``.
    recruiters, candidates : array_like of int, optional
        Person ids with those roles.
    directed : bool, default False
        Whether ties are one-way.
    weak_threshold : float, default 0.5
        Ties weaker than this are weak ties (unless marked otherwise).
    attributes : mapping of str to array_like, optional
        Per-person attributes, for example ``{"community": ...}``.

    Returns
    -------
    ReferralNetwork
        The network.

    Raises
    ------
    ValueError
        For an empty network, ids out of range, strengths outside (0, 1],
        probabilities outside [0, 1], or duplicate ties with conflicting
        values (naming the tie). Self-loops are dropped with a warning.

    Examples
    --------
    >>> net = from_arrays(3, [0, 1], [1, 2], strength=[0.9, 0.2], activity=0.5)
    >>> net.n_people, net.n_ties, int(net.weak.sum())
    (3, 2, 2)
    """
    weak_threshold = float(weak_threshold)
    if isinstance(people, int | np.integer) and not isinstance(people, bool):
        labels = np.arange(int(people), dtype=np.int64)
    else:
        labels = label_array(people)
    n = len(labels)
    if n == 0:
        raise ValueError("The network is empty: it has no people.")
    try:
        src = np.asarray(sources, dtype=np.int64).ravel()
        dst = np.asarray(targets, dtype=np.int64).ravel()
    except (TypeError, ValueError):
        raise ValueError(
            "The 'sources' and 'targets' parameters of from_arrays must hold "
            f"person ids (ints from 0 to n - 1). Got {sources!r} and {targets!r}."
        ) from None
    if len(src) != len(dst):
        raise ValueError(
            f"sources and targets differ in length ({len(src)} and {len(dst)})."
        )
    m = len(src)
    for name, ends in [("sources", src), ("targets", dst)]:
        bad = (ends < 0) | (ends >= n)
        if bad.any():
            raise ValueError(
                f"{name} holds an id outside 0..{n - 1}: {int(ends[bad][0])}."
            )

    def ends_of(k):
        return labels[src[k]], labels[dst[k]]

    strength = _broadcast(strength, m, "strength", "tie")
    strength = _check_tie_probabilities(strength, ends_of, "strength", low_open=True)
    if transmission is None:
        transmission = default_transmission(strength)
    transmission = _broadcast(transmission, m, "transmission", "tie")
    transmission = _check_tie_probabilities(transmission, ends_of, "transmission")
    if weak is None:
        weak = strength < weak_threshold
    weak = np.broadcast_to(np.asarray(weak, dtype=bool), (m,)).copy()

    activity = _broadcast(activity, n, "activity", "person")
    activity = _check_person_probabilities(activity, labels, "activity")

    loops = src == dst
    if loops.any():
        examples = _describe_labels(labels[src[loops]].tolist())
        warnings.warn(
            f"Dropped {int(loops.sum())} self-loop(s) (a person tied to "
            f"themselves): {examples}.",
            UserWarning,
            stacklevel=2,
        )
        keep = ~loops
        src, dst = src[keep], dst[keep]
        strength, transmission, weak = strength[keep], transmission[keep], weak[keep]

    if not directed:
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        src, dst = lo, hi
    # sort ties by (source, target) and merge exact duplicates
    key = src * n + dst
    order = np.argsort(key, kind="stable")
    key, src, dst = key[order], src[order], dst[order]
    strength, transmission, weak = strength[order], transmission[order], weak[order]
    if len(key) > 1:
        same = key[1:] == key[:-1]
        if same.any():
            conflict = same & (
                (strength[1:] != strength[:-1])
                | (transmission[1:] != transmission[:-1])
                | (weak[1:] != weak[:-1])
            )
            if conflict.any():
                k = int(np.flatnonzero(conflict)[0])
                raise ValueError(
                    f"Duplicate ties with conflicting values between "
                    f"{_plain(labels[src[k]])!r} and {_plain(labels[dst[k]])!r}: "
                    f"strength {float(strength[k])!r} vs {float(strength[k + 1])!r}, "
                    f"transmission {float(transmission[k])!r} vs "
                    f"{float(transmission[k + 1])!r}, weak "
                    f"{bool(weak[k])} vs {bool(weak[k + 1])}."
                )
            keep = np.concatenate([[True], ~same])
            src, dst = src[keep], dst[keep]
            strength, transmission, weak = (
                strength[keep],
                transmission[keep],
                weak[keep],
            )
    if not directed:
        # store both directions, then re-sort rows
        both_src = np.concatenate([src, dst])
        both_dst = np.concatenate([dst, src])
        order = np.argsort(both_src * n + both_dst, kind="stable")
        src, dst = both_src[order], both_dst[order]
        doubled = np.concatenate([np.arange(len(strength))] * 2)[order]
        strength, transmission, weak = (
            strength[doubled],
            transmission[doubled],
            weak[doubled],
        )
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return ReferralNetwork(
        labels=labels,
        indptr=indptr,
        indices=dst.astype(np.int32),
        strength=strength,
        transmission=transmission,
        weak=weak,
        activity=activity,
        is_recruiter=_role_mask(recruiters, n),
        is_candidate=_role_mask(candidates, n),
        directed=bool(directed),
        weak_threshold=weak_threshold,
        attributes=dict(attributes or {}),
    )


# -------------------------------------------------------------- networkx in
_Spec = str | float | int | Mapping | Callable | None


def _edge_values(G, edges, spec, name, *, default=None):
    """Resolve an edge spec (attribute name, constant, mapping, callable)."""
    if spec is None:
        return default
    if isinstance(spec, str):
        values = []
        missing = []
        for u, v, data in edges:
            if spec in data:
                values.append(data[spec])
            else:
                missing.append((u, v))
        if missing:
            raise ValueError(
                f"{name}={spec!r} is read as an edge attribute, but "
                f"{len(missing)} of {len(edges)} ties lack it, for example "
                f"{missing[0]!r}. Pass {name}=<a constant>, a mapping "
                f"{{(u, v): value}}, a callable f(u, v, data) or an attribute "
                f"every tie has."
            )
        return _as_floats(values, name)
    if isinstance(spec, Mapping):
        values = []
        for u, v, _ in edges:
            if (u, v) in spec:
                values.append(spec[(u, v)])
            elif not G.is_directed() and (v, u) in spec:
                values.append(spec[(v, u)])
            else:
                raise ValueError(
                    f"The {name!r} mapping has no value for tie {(u, v)!r}."
                )
        return _as_floats(values, name)
    if callable(spec):
        return _as_floats([spec(u, v, data) for u, v, data in edges], name)
    return spec  # constant, broadcast later


def _as_floats(values, name):
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} values must be numbers: {error}") from None


def _node_values(G, nodes, spec, name):
    if isinstance(spec, str):
        missing = [u for u in nodes if spec not in G.nodes[u]]
        if missing:
            raise ValueError(
                f"{name}={spec!r} is read as a node attribute, but "
                f"{len(missing)} of {len(nodes)} people lack it: "
                f"{_describe_labels(missing)}. Pass {name}=<a constant>, a mapping "
                f"{{person: value}}, a callable f(person, data) or an attribute "
                f"every person has."
            )
        return _as_floats([G.nodes[u][spec] for u in nodes], name)
    if isinstance(spec, Mapping):
        missing = [u for u in nodes if u not in spec]
        if missing:
            raise ValueError(
                f"The {name!r} mapping has no value for {len(missing)} people: "
                f"{_describe_labels(missing)}."
            )
        return _as_floats([spec[u] for u in nodes], name)
    if callable(spec):
        return _as_floats([spec(u, G.nodes[u]) for u in nodes], name)
    return spec


def _role_ids(G, nodes, index, spec, name) -> np.ndarray | None:
    """Roles: attribute name (truthy), iterable of people, mapping or callable."""
    if spec is None:
        return None
    if isinstance(spec, str):
        flagged = [index[u] for u in nodes if G.nodes[u].get(spec, False)]
        if not flagged and not any(spec in G.nodes[u] for u in nodes) and spec in G:
            raise ValueError(
                f"{name}={spec!r} is read as a node attribute name, but no person "
                f"has it; {spec!r} is a person: pass {name}=[{spec!r}]."
            )
        return np.asarray(flagged, dtype=np.int64)
    if isinstance(spec, Mapping):
        people = [u for u, flag in spec.items() if flag]
    elif callable(spec):
        return np.asarray(
            [index[u] for u in nodes if spec(u, G.nodes[u])], dtype=np.int64
        )
    else:
        people = list(spec)
    missing = [u for u in people if u not in index]
    if missing:
        raise nx.NodeNotFound(
            f"The {name!r} parameter names people who are not in the graph: "
            f"{_describe_labels(missing)}."
        )
    return np.asarray([index[u] for u in people], dtype=np.int64)


@validate_params(
    {
        "G": [InstanceOf(nx.Graph, "a networkx graph")],
        "weak_threshold": [Interval(float, 0, 1)],
    }
)
def from_networkx(
    G: nx.Graph,
    *,
    strength: _Spec = "strength",
    transmission: _Spec = None,
    activity: _Spec = "activity",
    recruiters: _Spec | Iterable = "recruiter",
    candidates: _Spec | Iterable = "candidate",
    weak: _Spec = None,
    weak_threshold: float = DEFAULT_WEAK_THRESHOLD,
    attributes: Iterable[str] | None = None,
) -> ReferralNetwork:
    """Build a :class:`ReferralNetwork` from a networkx graph.

    Parameters
    ----------
    G : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph
        People are nodes. In a directed graph an edge ``u -> v`` means ``u``
        can tell ``v``. Parallel edges must agree on their values.
    strength : str, float, mapping, or callable, default "strength"
        Tie strength in (0, 1]: an edge attribute name every edge has, a
        constant, a mapping ``{(u, v): value}`` or a callable
        ``f(u, v, data)``. :func:`referral.overlap_strength` estimates it from
        neighbourhood overlap when the data has none.
    transmission : str, float, mapping, or callable, optional
        Probability in [0, 1] that the tie carries a referral; when given it
        overrides :func:`default_transmission` of the strength.
    activity : str, float, mapping, or callable, default "activity"
        Per-person probability of acting on a referral: a node attribute name
        every person has, a constant, a mapping ``{person: value}`` or a
        callable ``f(person, data)``.
    recruiters, candidates : str, iterable, mapping or callable, optional
        A node attribute name (people whose attribute is truthy; default
        ``"recruiter"`` and ``"candidate"``, and nobody if no person has it),
        an iterable of people, a mapping ``{person: bool}`` or a callable
        ``f(person, data) -> bool``.
    weak : str, mapping or callable, optional
        Explicit weak/strong marks per tie; by default a tie is weak when its
        strength is below ``weak_threshold``.
    weak_threshold : float, default 0.5
        Ties weaker than this are weak ties (unless marked otherwise).
    attributes : iterable of str, optional
        Node attributes to keep (default: every attribute other than those
        used above). Missing values become ``None``.

    Returns
    -------
    ReferralNetwork
        The network.

    Raises
    ------
    networkx.NodeNotFound
        If ``recruiters`` or ``candidates`` names people not in ``G``.
    ValueError
        For an empty graph, strengths outside (0, 1] or NaN, probabilities
        outside [0, 1], or conflicting duplicate ties. Self-loops are dropped
        with a warning.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.karate_club_graph()
    >>> net = from_networkx(G, strength=lambda u, v, d: d["weight"] / 7,
    ...                     activity=0.3, recruiters=[0], candidates=[33])
    >>> net
    ReferralNetwork(people=34, ties=78, directed=False, recruiters=1, candidates=1, weak_tie_share=0.73, mean_activity=0.30)
    """  # noqa: E501
    if G.number_of_nodes() == 0:
        raise ValueError("The graph is empty: it has no people.")
    nodes = list(G.nodes)
    index = {u: i for i, u in enumerate(nodes)}
    edges = list(G.edges(data=True))

    strength_values = _edge_values(G, edges, strength, "strength")
    transmission_values = _edge_values(G, edges, transmission, "transmission")
    weak_values = None
    if weak is not None:
        weak_values = _edge_values(G, edges, weak, "weak").astype(bool)
    activity_values = _node_values(G, nodes, activity, "activity")
    recruiter_ids = _role_ids(G, nodes, index, recruiters, "recruiters")
    candidate_ids = _role_ids(G, nodes, index, candidates, "candidates")

    used = {s for s in (activity, recruiters, candidates) if isinstance(s, str)}
    if attributes is None:
        keys = []
        for u in nodes:
            for key in G.nodes[u]:
                if key not in used and key not in keys:
                    keys.append(key)
    else:
        keys = list(attributes)
    node_attributes = {}
    for key in keys:
        values = [G.nodes[u].get(key) for u in nodes]
        array = np.asarray(values, dtype=object)
        if all(
            isinstance(x, int | float | np.number) and not isinstance(x, bool)
            for x in values
        ):
            array = np.asarray(values)
        node_attributes[key] = array

    labels = label_array(nodes)  # exact: big ints and mixed labels stay objects
    if labels.dtype.kind == "U":
        labels = labels.astype(object)
    src = np.fromiter((index[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((index[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
    return from_arrays(
        labels,
        src,
        dst,
        strength=strength_values,
        activity=activity_values,
        transmission=transmission_values,
        weak=weak_values,
        recruiters=recruiter_ids,
        candidates=candidate_ids,
        directed=G.is_directed(),
        weak_threshold=weak_threshold,
        attributes=node_attributes,
    )
