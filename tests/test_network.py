import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral import ReferralNetwork, default_transmission, from_arrays, from_networkx


def small_graph(directed=False):
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_node("ann", activity=0.5, recruiter=True, community=1)
    G.add_node("bob", activity=0.25, candidate=True, community=1)
    G.add_node("cy", activity=1.0, community=2)
    G.add_edge("ann", "bob", strength=0.9)
    G.add_edge("bob", "cy", strength=0.2)
    return G


def test_from_networkx_arrays_and_roles():
    net = from_networkx(small_graph())
    assert isinstance(net, ReferralNetwork)
    assert net.n_people == 3 and net.n_ties == 2
    assert list(net.labels) == ["ann", "bob", "cy"]
    # undirected: both directions stored, CSR sorted
    assert net.indptr.tolist() == [0, 1, 3, 4]
    assert net.indices.tolist() == [1, 0, 2, 1]
    assert net.indices.dtype == np.int32 and net.indptr.dtype == np.int64
    assert net.strength.tolist() == [0.9, 0.9, 0.2, 0.2]
    assert net.weak.tolist() == [False, False, True, True]
    np.testing.assert_array_equal(net.transmission, net.strength)
    assert net.recruiters.tolist() == [0] and net.candidates.tolist() == [1]
    assert net.attributes["community"].tolist() == [1, 1, 2]


def test_arrays_are_read_only():
    net = from_networkx(small_graph())
    with pytest.raises(ValueError, match="read-only"):
        net.activity[0] = 0.0
    with pytest.raises(AttributeError):
        net.directed = True


def test_directed_keeps_direction():
    net = from_networkx(small_graph(directed=True))
    assert net.directed and net.n_ties == 2
    assert net.indptr.tolist() == [0, 1, 2, 2]  # cy tells nobody


@pytest.mark.parametrize("directed", [False, True])
def test_round_trip(directed):
    net = from_networkx(
        small_graph(directed), transmission=lambda u, v, d: d["strength"] / 2
    )
    back = from_networkx(net.to_networkx(), transmission="transmission", weak="weak")
    assert back.equals(net)


def test_specs_constant_mapping_callable():
    G = nx.path_graph(4)
    net = from_networkx(
        G,
        strength={(0, 1): 0.1, (2, 1): 0.6, (2, 3): 1.0},
        activity=lambda u, d: u / 4,
        transmission=0.5,
        recruiters=lambda u, d: u == 0,
        candidates={3: True, 2: False},
    )
    assert net.strength[net.indptr[0]] == pytest.approx(0.1)
    assert net.activity.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert set(net.transmission.tolist()) == {0.5}
    assert net.recruiters.tolist() == [0] and net.candidates.tolist() == [3]


def test_weak_threshold_is_configurable():
    G = nx.path_graph(3)
    net = from_networkx(G, strength=0.6, activity=1.0, weak_threshold=0.7)
    assert net.weak.all()


def test_ids_and_missing_people():
    net = from_networkx(small_graph())
    assert net.ids(["cy", "ann"]).tolist() == [2, 0]
    with pytest.raises(nx.NodeNotFound, match="'zed'"):
        net.ids(["ann", "zed"], parameter="sources")


def test_from_arrays_fast_path_and_sizes():
    net = from_arrays(5, [0, 1, 2], [1, 2, 3], strength=0.7, activity=0.2)
    assert net.n_ties == 3 and net.degree.tolist() == [1, 2, 2, 1, 0]
    assert net.ids([4]).tolist() == [4]


def test_default_transmission_is_documented_identity():
    s = np.array([0.1, 0.5, 1.0])
    np.testing.assert_array_equal(default_transmission(s), s)


def test_tables():
    net = from_networkx(small_graph())
    ties = net.tie_table()
    assert list(ties.columns) == [
        "source",
        "target",
        "source_id",
        "target_id",
        "strength",
        "transmission",
        "weak",
    ]
    assert len(ties) == 2
    people = net.people_table()
    assert people["degree"].tolist() == [1, 2, 1]
    assert isinstance(net.summary(), pd.Series)
    assert "people=3" in repr(net)


def test_replace_validates():
    net = from_networkx(small_graph())
    with pytest.raises(ValueError, match=r"person 'bob' has 2.0"):
        net.replace(activity=[0.5, 2.0, 0.1])
    with pytest.raises(TypeError, match="unknown field"):
        net.replace(indices=[0])


# ----------------------------------------------------------------- bad input
def test_strength_out_of_range_names_tie():
    G = small_graph()
    G.edges["bob", "cy"]["strength"] = 1.5
    with pytest.raises(
        ValueError,
        match=r"strength must be in the range \(0, 1\]; "
        r"the tie \('bob', 'cy'\) has 1.5",
    ):
        from_networkx(G)


@pytest.mark.parametrize("bad", [float("nan"), -0.2, 0.0])
def test_nan_negative_zero_strength(bad):
    G = small_graph()
    G.edges["ann", "bob"]["strength"] = bad
    with pytest.raises(ValueError, match=r"strength must be in the range \(0, 1\]"):
        from_networkx(G)


def test_transmission_out_of_range():
    with pytest.raises(ValueError, match=r"transmission must be in the range \[0, 1\]"):
        from_networkx(small_graph(), transmission=1.2)


def test_activity_out_of_range_names_person():
    G = small_graph()
    G.nodes["cy"]["activity"] = -0.1
    with pytest.raises(ValueError, match=r"activity .*person 'cy' has -0.1"):
        from_networkx(G)


def test_missing_attribute_names_it():
    G = nx.path_graph(3)
    with pytest.raises(
        ValueError,
        match=r"strength='strength' is read as an edge "
        r"attribute, but 2 of 2 ties lack it",
    ):
        from_networkx(G, activity=0.5)
    with pytest.raises(ValueError, match=r"activity='activity' .* 3 of 3 people"):
        from_networkx(G, strength=0.5)


def test_roles_not_in_graph():
    with pytest.raises(nx.NodeNotFound, match=r"'recruiters' .*'zed'"):
        from_networkx(small_graph(), recruiters=["zed"])
    with pytest.raises(nx.NodeNotFound, match=r"'candidates' .*'x', 'y'"):
        from_networkx(small_graph(), candidates=["x", "y", "ann"])


def test_role_attribute_name_that_is_a_person():
    with pytest.raises(ValueError, match=r"pass recruiters=\['ann'\]"):
        from_networkx(small_graph(), recruiters="ann")


def test_empty_graph():
    with pytest.raises(ValueError, match="empty"):
        from_networkx(nx.Graph())
    with pytest.raises(ValueError, match="empty"):
        from_arrays(0, [], [], strength=1.0, activity=1.0)


def test_conflicting_duplicates_raise_and_equal_ones_merge():
    with pytest.raises(
        ValueError,
        match=r"Duplicate ties with conflicting values "
        r"between 0 and 1: strength 0.3 vs 0.8",
    ):
        from_arrays(3, [0, 1], [1, 0], strength=[0.3, 0.8], activity=1.0)
    net = from_arrays(3, [0, 1], [1, 0], strength=[0.3, 0.3], activity=1.0)
    assert net.n_ties == 1
    # directed: opposite directions are different ties
    net = from_arrays(
        3, [0, 1], [1, 0], strength=[0.3, 0.8], activity=1.0, directed=True
    )
    assert net.n_ties == 2


def test_multigraph_conflict():
    G = nx.MultiGraph()
    G.add_edge(0, 1, strength=0.2)
    G.add_edge(0, 1, strength=0.9)
    with pytest.raises(ValueError, match="conflicting"):
        from_networkx(G, activity=1.0)


def test_self_loops_dropped_with_warning():
    G = small_graph()
    G.add_edge("cy", "cy", strength=0.5)
    with pytest.warns(UserWarning, match=r"Dropped 1 self-loop\(s\).*'cy'"):
        net = from_networkx(G)
    assert net.n_ties == 2


def test_ids_out_of_range_in_from_arrays():
    with pytest.raises(ValueError, match=r"targets holds an id outside 0..2: 7"):
        from_arrays(3, [0], [7], strength=1.0, activity=1.0)


def test_not_a_graph():
    with pytest.raises(TypeError, match="networkx graph"):
        from_networkx([(0, 1)])
