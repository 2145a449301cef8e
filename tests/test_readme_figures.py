"""The "Whom to ask" figures of the README and the guide are the library's.

The README and ``docs/guide/ambassadors.rst`` quote what ``ambassadors``
finds on the bundled e-mail network (the run of ``examples/whom_to_ask.py``:
k = 10, epsilon = 0.1, 1,000 check trials, seed 1). This test re-runs the two
calls and checks that every figure they quote is the table's value at the
quoted precision, so the prose cannot drift from the numbers when the draws
or the method change.
"""

from pathlib import Path

import numpy as np
import pytest

import referral

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "guide" / "ambassadors.rst"
Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def whom_to_ask():
    net = referral.datasets.email_eu_core()
    candidates = list(net.labels[net.candidates])
    options = dict(exclude=candidates, epsilon=0.1, check_trials=1000, seed=1)
    table = referral.ambassadors(net, 10, **options)
    pool = int(np.argmax(np.bincount(net.community.astype(int))))
    members = list(net.labels[net.community == pool])
    department = referral.ambassadors(
        net,
        10,
        targets={"community": pool},
        **{**options, "exclude": sorted(set(candidates) | set(members))},
    )
    return table, department


def _text(path=README):
    return " ".join(path.read_text().split())


def test_readme_quotes_the_candidate_figures(whom_to_ask):
    table, _ = whom_to_ask
    last = table.iloc[-1]
    text = _text()
    reach, spread = last["reach_estimate"], last["spread_reach_estimate"]
    degree, difference = last["degree_reach_estimate"], last["difference_estimate"]
    expected = (
        f"({int(last['n_targets'])} candidates, Beta(2, 5) activity) the 10 people "
        f"chosen, not counting candidates, reach {reach:.1f} candidates "
        f"in expectation (standard error {last['reach_se']:.1f}; a forward "
        f"simulation gives {spread:.1f}, standard error "
        f"{last['spread_reach_se']:.1f}); the 10 highest-degree people reach "
        f"{degree:.1f}, {difference:.1f} fewer (paired "
        f"standard error {last['difference_se']:.1f}). One well-placed poster "
        f"already reaches {table['reach_estimate'].iloc[0]:.1f}:"
    )
    assert expected in text


def test_readme_quotes_the_department_figures(whom_to_ask):
    _, department = whom_to_ask
    last = department.iloc[-1]
    reach, degree = last["reach_estimate"], last["degree_reach_estimate"]
    expected = (
        f"largest department ({int(last['n_targets'])} people) as the pool, "
        f"asking neither candidates nor the department's own members, the "
        f"chosen 10 reach {reach:.1f} and the highest-degree 10 reach "
        f"{degree:.1f} ({last['difference_estimate']:.1f} fewer, standard "
        f"error {last['difference_se']:.1f})."
    )
    assert expected in _text()


def test_guide_quotes_the_figures(whom_to_ask):
    table, department = whom_to_ask
    last = table.iloc[-1]
    low, high = (
        last["reach_estimate"] - Z95 * last["reach_se"],
        last["reach_estimate"] + Z95 * last["reach_se"],
    )
    d_low = last["difference_estimate"] - Z95 * last["difference_se"]
    d_high = last["difference_estimate"] + Z95 * last["difference_se"]
    pool = department.iloc[-1]
    expected = (
        f"the 10 people chosen reach {last['reach_estimate']:.1f} of the "
        f"{int(last['n_targets'])} candidates (95% interval {low:.1f} to "
        f"{high:.1f}), and the 10 highest-degree people "
        f"{last['difference_estimate']:.1f} "
        f"fewer (95% interval {d_low:.1f} to {d_high:.1f}); a forward simulation "
        f"gives {last['spread_reach_estimate']:.1f}. One well-placed poster already "
        f"reaches {table['reach_estimate'].iloc[0]:.1f}:",
        f"asking neither candidates nor the department's own members, the "
        f"chosen 10 reach {pool['reach_estimate']:.1f} of its "
        f"{int(pool['n_targets'])} people and the highest-degree 10 reach "
        f"{pool['difference_estimate']:.1f} fewer.",
    )
    text = _text(GUIDE)
    for fragment in expected:
        assert fragment in text
