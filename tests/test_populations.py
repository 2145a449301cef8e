import numpy as np
import pytest

from referral.network._populations import community_population, draw_activity


def inside_share(net, weak):
    c = net.community
    same = c[net.tie_sources] == c[net.indices]
    mask = net.weak == weak
    return same[mask].mean(), mask.sum()


def test_community_structure_matches_parameters():
    # large communities so that pairs drawn twice are rare
    net = community_population(
        20_000, n_communities=10, strong_outside=0.1, weak_inside=0.3, seed=3
    )
    c = 10
    for weak, share in [(False, 1 - 0.1), (True, 0.3)]:
        expected = share + (1 - share) / c  # "anywhere" ties land home 1/c
        observed, entries = inside_share(net, weak)
        se = np.sqrt(expected * (1 - expected) / (entries / 2))
        assert abs(observed - expected) < 4 * se, (weak, observed, expected)


def test_contact_counts_and_activity():
    net = community_population(
        50_000, n_communities=50, strong_contacts=6, weak_contacts=4, seed=5
    )
    mean_degree = net.degree.mean()
    assert abs(mean_degree - 10) < 0.3  # a few pairs drawn twice are merged
    expected = 2 / 7
    se = np.sqrt((2 * 5 / (7**2 * 8)) / net.n_people)
    assert abs(net.activity.mean() - expected) < 4 * se
    strong = net.strength[~net.weak]
    weak = net.strength[net.weak]
    assert strong.min() >= 0.5 and weak.max() < 0.5
    assert net.is_recruiter.sum() == 10
    assert not (net.is_recruiter & net.is_candidate).any()
    share = net.is_candidate.mean()
    assert abs(share - 0.2) < 4 * np.sqrt(0.2 * 0.8 / net.n_people)


def test_heavy_tailed_contacts():
    poisson = community_population(20_000, seed=1)
    heavy = community_population(20_000, contact_exponent=2.5, seed=1)
    assert heavy.degree.max() > 5 * poisson.degree.max()
    assert heavy.degree.var() > 10 * poisson.degree.var()


def test_reproducible_by_seed():
    a = community_population(3_000, seed=11)
    b = community_population(3_000, seed=11)
    c = community_population(3_000, seed=12)
    assert a.equals(b)
    assert not a.equals(c)
    g1 = community_population(3_000, seed=np.random.default_rng(4))
    g2 = community_population(3_000, seed=np.random.default_rng(4))
    assert g1.equals(g2)


def test_draw_activity():
    np.testing.assert_array_equal(draw_activity(10, seed=1), draw_activity(10, seed=1))
    with pytest.raises(
        ValueError,
        match=r"'beta' parameter of draw_activity must be a pair of "
        r"floats in the range \(0, inf\)",
    ):
        draw_activity(10, beta=(0, 5))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"n_people": 0},
            ValueError,
            r"'n_people' parameter of community_population "
            r"must be an int in the range \[1, inf\). Got 0",
        ),
        ({"n_people": 10, "n_communities": 11}, ValueError, "at most n_people"),
        (
            {"n_people": 10, "weak_inside": 1.5},
            ValueError,
            r"'weak_inside' .* \[0, 1\]. Got 1.5",
        ),
        ({"n_people": 10, "strong_contacts": -1}, ValueError, "'strong_contacts'"),
        ({"n_people": 10, "n_recruiters": 11}, ValueError, "'n_recruiters'"),
        ({"n_people": 10, "contact_exponent": 1.5}, ValueError, "'contact_exponent'"),
        ({"n_people": 10, "weak_strength": (0.0, 0.4)}, ValueError, "'weak_strength'"),
        ({"n_people": 10, "seed": -1}, ValueError, "'seed' parameter"),
        ({"n_people": 10, "seed": "x"}, TypeError, "'seed' parameter"),
        ({"n_people": 2.5}, TypeError, "'n_people'"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        community_population(**kwargs)
