"""The people-and-ties model: the :class:`ReferralNetwork` class.

A :class:`ReferralNetwork` is validated once and then immutable. It keeps the
user's node labels at the edges and exposes compact arrays to the engine:

* ties as CSR (``indptr`` int64, ``indices`` int32), one row per teller; an
  undirected tie appears in both rows;
* per-tie ``strength``, ``transmission`` (float64) and ``weak`` (bool);
* per-person ``activity`` (float64), ``is_recruiter`` and ``is_candidate``
  (bool) and optional attributes such as ``community``.

:func:`default_transmission` maps tie strength to the chance a tie carries an
opening. The builders are in :mod:`referral.network`; :mod:`referral.network`
gathers all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar

import networkx as nx
import numpy as np
import pandas as pd

from referral.network._checks import (
    check_person_probabilities,
    check_tie_probabilities,
)
from referral.network._labels import (
    describe_labels,
    is_one_label,
    object_array,
    readonly,
)

__all__ = ["ReferralNetwork", "default_transmission", "DEFAULT_WEAK_THRESHOLD"]


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
    :mod:`referral.network`; do not call the constructor directly.

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
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5)
    >>> net.n_people, net.n_ties
    (3, 2)
    """

    #: lets ``referral._core.params`` recognise a network without importing this
    #: module (no import cycle through the parameter rules)
    _is_referral_network: ClassVar[bool] = True

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
            object.__setattr__(self, name, readonly(getattr(self, name)))
        attributes = {}
        for key, values in dict(self.attributes).items():
            values = np.asarray(values)
            if len(values) != n:
                raise ValueError(
                    f"Attribute {key!r} has {len(values)} values for {n} people."
                )
            attributes[key] = readonly(values)
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
        return readonly(np.diff(self.indptr))

    @cached_property
    def tie_sources(self) -> np.ndarray:
        """The teller of each CSR entry (int32), parallel to ``indices``."""
        return readonly(
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

    def positions(self, people) -> np.ndarray:
        """Look up the ids (int64) of ``people``, -1 for those not in the network.

        Parameters
        ----------
        people : iterable of hashable
            Labels to look up.

        Returns
        -------
        numpy.ndarray
            One int64 id per label, ``-1`` where the label is not a person
            of the network (:meth:`ids` raises instead).

        Notes
        -----
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
        query = object_array(people)
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
            positions = [lookup(lookup, person) for person in query]
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
        >>> from referral import from_networkx
        >>> net = from_networkx(nx.path_graph(["a", "b", "c"]), strength=1.0,
        ...                     activity=0.5)
        >>> net.ids(["c", "a"])
        array([2, 0], dtype=int32)
        """
        if is_one_label(people):
            people = [people]
        people = object_array(people)
        positions = self.positions(people)
        if (positions < 0).any():
            missing = people[positions < 0].tolist()
            raise nx.NodeNotFound(
                f"The {parameter!r} parameter names people who are not in the "
                f"network: {describe_labels(missing)}."
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
        >>> from referral import from_networkx
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
        >>> from referral import from_networkx
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
        values["activity"] = check_person_probabilities(
            values["activity"], self.labels, "activity"
        )
        values["transmission"] = check_tie_probabilities(
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
        >>> from referral import from_networkx
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
        from referral._core.html import network_html

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
        >>> from referral import from_networkx
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
