"""Seeded runs of the public functions, pinned number for number.

Kept until the next release, so that reshaping the package (issue 21's
layout, renamed columns) cannot change a number unnoticed. Each case is a
small seeded call; its digest covers the values of every numeric column
(rounded to 9 decimals), in any column order and under any column names, so a
rename or a reordering keeps it and a changed number does not.

A change that is meant to change numbers updates the digests with
``python tests/test_golden.py --update`` and says so in its commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

DIGESTS = Path(__file__).with_name("golden_digests.json")


def _pinned() -> dict:
    """The committed digests ({} before the first --update: then
    test_every_case_is_pinned fails, it does not skip)."""
    return json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}


def digest(value) -> str:
    """The columns' values, rounded, as one order- and name-free digest."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if not isinstance(value, pd.DataFrame):
        value = pd.DataFrame({"value": np.atleast_1d(np.asarray(value, float))})
    numeric = value.select_dtypes(include=[np.number, bool])
    parts = []
    for column in numeric.columns:
        x = np.round(numeric[column].to_numpy(dtype=np.float64), 9) + 0.0
        parts.append(hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest())
    joined = ",".join(sorted(parts)) + f";rows={len(value)}"
    return hashlib.sha256(joined.encode()).hexdigest()[:20]


def _networks():
    import referral

    g = nx.barabasi_albert_graph(400, 3, seed=5)
    rng = np.random.default_rng(5)
    for u, v in g.edges:
        g.edges[u, v]["strength"] = rng.uniform(0.05, 1.0)
    for v in g:
        g.nodes[v]["team"] = "a" if v % 3 else "b"
    mixed = referral.from_networkx(
        g,
        activity=0.5,
        candidates=list(range(1, 400, 4)),
        recruiters=[0],
        transmission=lambda u, v, d: 0.15 * d["strength"] if (u + v) % 3 else 0.6,
    )
    population = referral.network._populations.community_population(600, seed=3)
    return mixed, population


def cases() -> dict:
    """Every pinned call, by name."""
    import referral
    from referral import interventions

    mixed, population = _networks()
    out = {}
    spread = referral.spread(mixed, trials=300, seed=1)
    out["spread.summary"] = spread.summary()
    out["spread.by_hop"] = spread.by_hop()
    out["spread.trials"] = spread.trials()
    out["spread.people"] = spread.people()
    out["spread.reach_mode"] = referral.spread(
        population, trials=200, seed=2, record="reach", fanout=3
    ).trials()
    out["dropoff"] = referral.dropoff(spread)
    out["weak_tie_share"] = referral.weak_tie_share(spread)
    search = referral.search(population, trials=3, seed=3, keep_paths=20)
    out["search.chains"] = search.chains()
    out["search.summary"] = search.summary()
    cost = referral.other_people_cost(mixed, trials=100, seed=4)
    out["other_people_cost.table"] = cost.table()
    out["other_people_cost.curve"] = cost.curve
    out["gatekeepers"] = referral.gatekeepers(mixed, trials=60, top=5, seed=5)
    out["compare"] = referral.compare(
        {
            "as is": mixed,
            "bonus": interventions.referral_bonus(mixed, 0.1),
        },
        trials=200,
        seed=6,
    )
    out["reach_of_everyone"] = referral.reach_of_everyone(mixed, samples=20_000, seed=7)
    out["reach_of_everyone.worlds"] = referral.reach_of_everyone(
        mixed, samples=20_000, per_world=10, seed=7
    )
    out["ambassadors"] = referral.ambassadors(mixed, 3, seed=8, check_trials=100)
    out["representation"] = referral.representation(spread, by="team")
    timed = referral.spread(
        mixed,
        trials=200,
        seed=9,
        delay=referral.simulate.delays.lognormal(2, 1),
        deadline=10,
    )
    out["spread.delay"] = timed.reach_over_time(times=[1, 3, 10])
    return out


@pytest.fixture(scope="module")
def computed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {name: digest(value) for name, value in cases().items()}


def test_every_case_is_pinned(computed):
    assert sorted(_pinned()) == sorted(computed)


@pytest.mark.parametrize("name", sorted(_pinned()))
def test_numbers_unchanged(name, computed):
    pinned = _pinned()
    assert computed[name] == pinned[name], (
        f"{name}: the numbers changed. If that is intended, run "
        f"'python tests/test_golden.py --update' and say so in the commit."
    )


def test_digest_sees_numbers_not_names():
    a = pd.DataFrame({"x": [1.0, 2.0], "y": [3, 4], "label": ["p", "q"]})
    renamed = a.rename(columns={"x": "estimate"})[["y", "estimate", "label"]]
    assert digest(a) == digest(renamed)
    changed = a.assign(x=[1.0, 2.000001])
    assert digest(a) != digest(changed)


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_golden.py --update")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = {name: digest(value) for name, value in cases().items()}
    DIGESTS.write_text(json.dumps(fresh, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(fresh)} digests to {DIGESTS}")
