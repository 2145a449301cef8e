import networkx as nx
import numpy as np
import pytest

from referral import from_networkx
from referral.analysis._threshold import (
    adjacency_radius,
    configuration_model_threshold,
    critical_multiplier,
    nonbacktracking_radius,
)


def uniform(G, transmission, activity=1.0):
    return from_networkx(G, strength=1.0, transmission=transmission, activity=activity)


def test_random_regular_threshold_is_one_half_not_one_third():
    G = nx.random_regular_graph(3, 3000, seed=4)
    net = uniform(G, 1.0)
    assert nonbacktracking_radius(net) == pytest.approx(2.0, rel=1e-6)
    assert adjacency_radius(net) == pytest.approx(3.0, rel=1e-6)
    assert 1 / nonbacktracking_radius(net) == pytest.approx(0.5, rel=1e-6)
    assert configuration_model_threshold([3] * 10) == 0.5


def test_erdos_renyi_threshold_matches_configuration_model():
    G = nx.fast_gnp_random_graph(20_000, 4 / 20_000, seed=7)
    degrees = np.array([d for _, d in G.degree()])
    net = uniform(G, 1.0)
    analytic = 1 / configuration_model_threshold(degrees)  # <k^2>/<k> - 1 ~ c
    assert nonbacktracking_radius(net) == pytest.approx(analytic, rel=0.03)
    assert analytic == pytest.approx(4.0, rel=0.05)  # cT = 1 at T = 1/c


def test_activity_and_transmission_scale_radius():
    G = nx.random_regular_graph(4, 500, seed=1)
    base = nonbacktracking_radius(uniform(G, 1.0))
    assert nonbacktracking_radius(uniform(G, 0.5, activity=0.5)) == pytest.approx(
        base * 0.25, rel=1e-6
    )
    net = uniform(G, 0.5, activity=0.5)
    assert critical_multiplier(net) == pytest.approx(4 / base, rel=1e-6)


def test_directed_cycle_has_radius_of_its_weight():
    G = nx.DiGraph([(i, (i + 1) % 10) for i in range(10)])
    net = from_networkx(G, strength=1.0, transmission=0.7, activity=1.0)
    assert nonbacktracking_radius(net) == pytest.approx(0.7, rel=1e-6)


def test_tree_has_radius_zero_on_path():
    net = uniform(nx.path_graph(5), 1.0)
    assert nonbacktracking_radius(net) == pytest.approx(0.0, abs=1e-4)  # nilpotent
    assert critical_multiplier(uniform(nx.empty_graph(3), 1.0)) == np.inf


@pytest.mark.parametrize(
    "graph",
    [
        nx.balanced_tree(3, 7),
        nx.bfs_tree(nx.balanced_tree(3, 7), 0),  # directed, acyclic
        nx.path_graph(3000),
        nx.DiGraph(list(nx.path_graph(3000).edges())),
    ],
    ids=["tree", "directed-tree", "long-path", "directed-path"],
)
def test_acyclic_networks_have_radius_zero(graph):
    """No walk goes on forever: the non-backtracking radius is exactly 0."""
    net = uniform(graph, 1.0, activity=0.5)
    assert nonbacktracking_radius(net) == 0.0
    assert critical_multiplier(net) == np.inf


def test_adjacency_radius_of_a_directed_acyclic_network_is_zero():
    net = uniform(nx.DiGraph(list(nx.path_graph(3000).edges())), 1.0)
    assert adjacency_radius(net) == 0.0
    assert adjacency_radius(uniform(nx.empty_graph(3), 1.0)) == 0.0


def test_activity_of_the_wrong_length():
    net = uniform(nx.cycle_graph(5), 1.0)
    with pytest.raises(
        ValueError,
        match=r"'activity' parameter must hold one value "
        r"per person \(5\). Got shape \(1,\)",
    ):
        nonbacktracking_radius(net, activity=[0.5])
