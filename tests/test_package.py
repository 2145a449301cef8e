"""``import referral`` gives the documented names, with submodules loaded lazily."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_submodules_load_on_first_use_and_not_before():
    out = _python(
        """
        import sys
        import referral
        lazy = ["io", "plot", "sweep", "report", "cli"]
        print(sorted(m for m in lazy if f"referral.{m}" in sys.modules))
        print("matplotlib" in sys.modules)
        print(referral.io.read_edgelist.__module__, referral.sweep.sweep.__name__,
              referral.report.write_report.__name__, referral.plot.__name__,
              referral.cli.main.__name__)
        print(all(m in dir(referral) for m in lazy))
        """
    )
    lines = out.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "False"
    assert lines[2] == "referral.io._files sweep write_report referral.plot main"
    assert lines[3] == "True"


def test_unknown_attribute_is_an_attribute_error():
    import referral

    with pytest.raises(AttributeError, match="module 'referral' has no attribute"):
        referral.nonexistent  # noqa: B018


def test_search_result_is_reachable_as_documented():
    import referral
    from referral.simulate._search import SearchResult

    assert referral.SearchResult is SearchResult
    assert callable(referral.search)
    with pytest.warns(FutureWarning, match="referral.search moved"):
        assert sys.modules["referral.search"].SearchResult is SearchResult
