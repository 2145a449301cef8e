"""The README's test command passes on a machine without chromium.

The browser test skips with a clear reason when Debian's chromium is absent,
and fails instead when ``REFERRAL_REQUIRE_BROWSER=1`` (set by ``.ci/run``,
which installs chromium), so CI can never skip it silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/test_report.py::test_opens_in_headless_chromium"


def _pytest(**env):
    return subprocess.run(
        [sys.executable, "-m", "pytest", TEST, "-rs", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "REFERRAL_CHROMIUM": "/nonexistent/chromium", **env},
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("require", ["", "1"])
def test_browser_test_without_chromium(require):
    done = _pytest(REFERRAL_REQUIRE_BROWSER=require)
    if require:
        assert done.returncode == 1, done.stdout
        assert "1 failed" in done.stdout
        assert "REFERRAL_REQUIRE_BROWSER=1 and the browser test needs" in done.stdout
    else:
        assert done.returncode == 0, done.stdout
        assert "1 skipped" in done.stdout
        assert (
            "the browser test needs Debian's chromium at /nonexistent/chromium: "
            "apt-get install -y chromium" in done.stdout
        )


def test_ci_requires_the_browser():
    script = (ROOT / ".ci" / "run").read_text()
    assert "export REFERRAL_REQUIRE_BROWSER=1" in script
    assert "apt-get install -y -qq chromium" in script
