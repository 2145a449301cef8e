"""Builders of a :class:`~referral.ReferralNetwork`.

:func:`from_arrays` builds one from label and tie arrays and
:func:`from_networkx` from a networkx graph whose edge and node attributes
(or constants, mappings or callables) give strength, transmission, activity
and the recruiter and candidate roles.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping

import networkx as nx
import numpy as np

from referral._core.params import InstanceOf, Interval, validate_params
from referral._core.validation import user_stacklevel
from referral.network._checks import (
    broadcast,
    check_person_probabilities,
    check_tie_probabilities,
    role_mask,
)
from referral.network._labels import (
    describe_labels,
    label_array,
    plain,
)
from referral.network._referral_network import (
    DEFAULT_WEAK_THRESHOLD,
    ReferralNetwork,
    default_transmission,
)

__all__ = ["from_arrays", "from_networkx"]


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

    strength = broadcast(strength, m, "strength", "tie")
    strength = check_tie_probabilities(strength, ends_of, "strength", low_open=True)
    if transmission is None:
        transmission = default_transmission(strength)
    transmission = broadcast(transmission, m, "transmission", "tie")
    transmission = check_tie_probabilities(transmission, ends_of, "transmission")
    if weak is None:
        weak = strength < weak_threshold
    weak = np.broadcast_to(np.asarray(weak, dtype=bool), (m,)).copy()

    activity = broadcast(activity, n, "activity", "person")
    activity = check_person_probabilities(activity, labels, "activity")

    loops = src == dst
    if loops.any():
        examples = describe_labels(labels[src[loops]].tolist())
        warnings.warn(
            f"Dropped {int(loops.sum())} self-loop(s) (a person tied to "
            f"themselves): {examples}.",
            UserWarning,
            stacklevel=user_stacklevel(),
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
                    f"{plain(labels[src[k]])!r} and {plain(labels[dst[k]])!r}: "
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
        is_recruiter=role_mask(recruiters, n),
        is_candidate=role_mask(candidates, n),
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
                f"{describe_labels(missing)}. Pass {name}=<a constant>, a mapping "
                f"{{person: value}}, a callable f(person, data) or an attribute "
                f"every person has."
            )
        return _as_floats([G.nodes[u][spec] for u in nodes], name)
    if isinstance(spec, Mapping):
        missing = [u for u in nodes if u not in spec]
        if missing:
            raise ValueError(
                f"The {name!r} mapping has no value for {len(missing)} people: "
                f"{describe_labels(missing)}."
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
            f"{describe_labels(missing)}."
        )
    return np.asarray([index[u] for u in people], dtype=np.int64)


def _warn_two_mode(G, nodes) -> None:
    """Warn when ``G`` is two-mode (people and events, say): its networkx
    ``bipartite`` node attribute takes two values and every tie joins the
    two sides. An opening does not pass through an event, so the people's
    projection is the network to analyse."""
    sides = {G.nodes[u].get("bipartite") for u in nodes}
    if len(sides) != 2 or None in sides or G.number_of_edges() == 0:
        return
    if any(
        G.nodes[u].get("bipartite") == G.nodes[v].get("bipartite") for u, v in G.edges()
    ):
        return
    counts = {
        side: sum(G.nodes[u].get("bipartite") == side for u in nodes) for side in sides
    }
    described = " and ".join(
        f"{n:,} with bipartite={side!r}" for side, n in counts.items()
    )
    warnings.warn(
        f"from_networkx got a two-mode (bipartite) graph: {described}, and every "
        f"tie joins the two sides. Its people and, say, events would be "
        f"treated alike, so an event could be named a gatekeeper or someone "
        f"to ask. Analyse the people's projection instead: "
        f"networkx.bipartite.projected_graph(G, people).",
        UserWarning,
        stacklevel=4,  # the caller of from_networkx
    )


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
    _warn_two_mode(G, nodes)

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
