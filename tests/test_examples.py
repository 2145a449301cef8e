"""Run every example script headless and check it writes its PNGs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED = {
    "recruiter_reach.py": ["reach.png", "dropoff.png", "neighbourhood.png"],
    "reach_over_days.py": ["reach_over_days.png", "time_to_candidate.png"],
    "bonus_vs_training.py": ["gatekeepers.png", "compare.png"],
    "flat_vs_recursive_bonus.py": ["incentives.png"],
    "search_policies.py": ["attrition.png", "chain_lengths.png"],
    "activity_weak_ties_sweep.py": ["sweep.png"],
    "whom_to_ask.py": ["ambassadors.png", "everyone.png", "department.png"],
    "who_gets_reached.py": ["representation.png", "by_hop.png", "departments.png"],
}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs_headless(script, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "REFERRAL_QUICK": "1"}
    out = tmp_path / "figures"
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for name in EXPECTED[script]:
        path = out / name
        assert path.exists(), f"{script} did not write {name}"
        assert path.stat().st_size > 5000, f"{name} is nearly empty"


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_has_docstring_and_main_guard(script):
    text = (EXAMPLES / script).read_text()
    assert text.startswith('"""')
    assert 'if __name__ == "__main__":' in text
