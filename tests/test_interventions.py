import networkx as nx
import numpy as np
import pytest

from referral import from_networkx
from referral.interventions import (
    add_channel,
    add_weak_ties,
    boost_activity,
    referral_bonus,
    remove_people,
    scale_activity,
)
from referral.network._populations import community_population


@pytest.fixture
def path():
    return from_networkx(
        nx.path_graph(4), strength=0.9, activity=0.5, recruiters=[0], candidates=[3]
    )


def test_boost_to_and_by(path):
    boosted = boost_activity(path, [1, 2], to=0.8)
    assert boosted.activity.tolist() == [0.5, 0.8, 0.8, 0.5]
    assert path.activity.tolist() == [0.5] * 4  # input untouched
    assert boost_activity(path, [3], by=0.25).activity[3] == 0.75


def test_boost_clips_with_warning(path):
    with pytest.warns(UserWarning, match=r"activity of 1 people outside \[0, 1\]"):
        out = boost_activity(path, [0], by=0.7)
    assert out.activity[0] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"people": [9], "to": 1.0}, nx.NodeNotFound, r"'people' .* 9"),
        ({"people": [1]}, ValueError, "exactly one of 'to' and 'by'"),
        ({"people": [1], "to": 1.0, "by": 0.1}, ValueError, "exactly one"),
        ({"people": [1], "to": 1.5}, ValueError, r"'to' .* \[0, 1\] or None. Got 1.5"),
    ],
)
def test_boost_bad_input(path, kwargs, error, match):
    with pytest.raises(error, match=match):
        boost_activity(path, **kwargs)


def test_bonus_and_scale(path):
    assert referral_bonus(path, 0.2).activity.tolist() == pytest.approx([0.7] * 4)
    with pytest.warns(UserWarning, match="clipped"):
        assert referral_bonus(path, 0.6).activity.max() == 1.0
    assert scale_activity(path, 0.5).activity.tolist() == [0.25] * 4
    everyone = scale_activity(path, 10.0, warn=False)
    assert everyone.activity.tolist() == [1.0] * 4
    with pytest.raises(ValueError, match=r"'multiplier' .* \[0, inf\). Got -1.0"):
        scale_activity(path, -1.0)
    with pytest.raises(ValueError, match="'uplift'"):
        referral_bonus(path, float("nan"))


def test_add_weak_ties_random_and_bridges():
    net = community_population(1000, n_communities=10, seed=3)
    random = add_weak_ties(net, 200, seed=1)
    assert random.n_ties == net.n_ties + 200
    bridges = add_weak_ties(net, 200, strategy="bridges", strength=0.1, seed=1)
    new = bridges.tie_table().merge(
        net.tie_table(), on=["source_id", "target_id"], how="left", indicator=True
    )
    new = new[new["_merge"] == "left_only"]
    assert len(new) == 200
    c = net.community
    assert (c[new.source_id] != c[new.target_id]).all()
    assert new["weak_x"].all() and (new["strength_x"] == 0.1).all()
    # old ties and activity untouched; same seed, same result
    np.testing.assert_array_equal(bridges.activity, net.activity)
    assert add_weak_ties(net, 200, seed=1).equals(random)


def test_add_weak_ties_bad_input(path):
    with pytest.raises(ValueError, match="needs the 'community' attribute"):
        add_weak_ties(path, 1, strategy="bridges")
    with pytest.raises(
        ValueError,
        match=r"'strategy' .* one of \('random', "
        r"'bridges'\). Got 'magic'",
    ):
        add_weak_ties(path, 1, strategy="magic")
    with pytest.raises(
        ValueError,
        match=r"'k' parameter of add_weak_ties must be "
        r"an int in the range \[0, inf\). Got -2",
    ):
        add_weak_ties(path, -2)


def test_add_channel(path):
    empty = from_networkx(nx.empty_graph(5), strength=1.0, activity=0.3)
    chan = add_channel(empty, [0, 1, 2, 3], strong_probability=0.0, seed=1)
    assert chan.n_ties == 6 and chan.weak.all()
    strong = add_channel(empty, [0, 1, 2, 3], strong_probability=1.0, seed=1)
    assert not strong.weak.any()
    # existing ties keep their values
    kept = add_channel(path, [0, 1, 3], seed=2)
    assert kept.n_ties == 3 + 2  # 0-1 existed; 0-3 and 1-3 are new
    assert kept.strength[kept.indptr[0]] == 0.9
    some = add_channel(
        community_population(300, seed=1), list(range(100)), contacts=3, seed=1
    )
    assert some.n_ties > 0
    with pytest.raises(nx.NodeNotFound, match="'members'"):
        add_channel(path, [0, 99])
    with pytest.raises(ValueError, match="'strong_probability'"):
        add_channel(path, [0, 1], strong_probability=2)


def test_remove_people_keeps_index(path):
    gone = remove_people(path, [1])
    assert gone.n_people == 4 and gone.n_ties == 1  # only 2-3 left
    assert gone.activity[1] == 0.0
    assert list(gone.labels) == list(path.labels)
    assert remove_people(path, [0]).recruiters.tolist() == []
    with pytest.raises(nx.NodeNotFound):
        remove_people(path, ["x"])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda n: referral_bonus(n, "a"),
            TypeError,
            r"'uplift' parameter of referral_bonus must be a finite float. Got 'a'",
        ),
        (
            lambda n: scale_activity(n, "a"),
            TypeError,
            r"'multiplier' parameter of scale_activity must be a float in the range "
            r"\[0, inf\). Got 'a'",
        ),
        (lambda n: boost_activity(n, [1], by="x"), TypeError, r"'by' parameter"),
        (
            lambda n: add_weak_ties(n, 1, strength="a"),
            TypeError,
            r"'strength' parameter of add_weak_ties must be a float in the range "
            r"\(0, 1\]",
        ),
        (
            lambda n: add_channel(n, [0, 1], weak_strength=None),
            TypeError,
            r"'weak_strength' parameter of add_channel",
        ),
    ],
)
def test_non_numbers_are_named(path, call, error, match):
    with pytest.raises(error, match=match):
        call(path)
