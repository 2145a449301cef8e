"""The report: self-contained HTML, opened in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from referral import report

#: Debian's chromium; REFERRAL_CHROMIUM names another binary
CHROMIUM = os.environ.get("REFERRAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def results():
    trials = {"spread": 200, "cost": 40, "gatekeepers": 40, "compare": 100}
    return report.demo_results(seed=0, trials=trials)


@pytest.fixture(scope="module")
def written(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "demo"
    return report.write_report(results, out)


def _chromium(*arguments, tmp_path):
    if not Path(CHROMIUM).exists():
        reason = (
            f"the browser test needs Debian's chromium at {CHROMIUM}: "
            f"apt-get install -y chromium"
        )
        if os.environ.get("REFERRAL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"REFERRAL_REQUIRE_BROWSER=1 and {reason}")
        pytest.skip(reason)
    profile = tmp_path / "profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *arguments,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False
    )


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_folder_contents_and_self_contained_html(written):
    folder = written.parent
    names = {p.name for p in folder.iterdir()}
    assert {
        "index.html",
        "summary.csv",
        "dropoff.csv",
        "gatekeepers.csv",
        "cost.csv",
        "cost_curve.csv",
        "weak_ties.csv",
        "compare.csv",
        "facts.csv",
        "reach.png",
        "dropoff.png",
        "threshold.png",
        "gatekeepers.png",
        "weak_ties.png",
        "compare.png",
    } <= names
    assert not [n for n in names if n.startswith(".")]  # no staging leftovers
    page = written.read_text()
    assert page.count('src="data:image/png;base64,') == 6
    # nothing to fetch: no external scripts, styles, fonts or images
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page


def test_headline_in_plain_words(results):
    lines = report.headline(results)
    starts = [line.split(":")[0] for line in lines]
    assert starts == [
        "Reach",
        "Where it dies",
        'The "other people" cost',
        "The threshold",
        "Top gatekeepers",
        "Best intervention",
    ]


def test_never_overwrites_without_force(results, written):
    before = written.read_bytes()
    with pytest.raises(FileExistsError, match="already exists; pass --force"):
        report.write_report(results, written.parent)
    assert written.read_bytes() == before
    report.write_report(results, written.parent, force=True)


def test_report_round_trips_through_saved_tables(results, written, tmp_path):
    again = report.read_results(written.parent)
    assert again.title == results.title
    pd.testing.assert_frame_equal(
        again.tables["summary"], results.tables["summary"], check_dtype=False
    )
    assert report.headline(again) == report.headline(results)
    copy = report.write_report(again, tmp_path / "again")
    assert copy.read_text().count("data:image/png;base64,") == 6


def test_opens_in_headless_chromium(written, tmp_path):
    shot = tmp_path / "report.png"
    done = _chromium(
        f"--screenshot={shot}",
        "--window-size=1200,2000",
        written.resolve().as_uri(),
        tmp_path=tmp_path,
    )
    assert shot.exists(), done.stderr[-2000:]
    assert _png_size(shot) == (1200, 2000)
    assert shot.stat().st_size > 50_000  # text and charts, not a blank page
    # the DOM after rendering has the headline and all six images
    dom = _chromium("--dump-dom", written.resolve().as_uri(), tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    assert "Reach: an opening reaches" in text
    assert "Best intervention" in text
    assert text.count("<img") == 6
    if shutil.which("file"):
        assert (
            "PNG image data"
            in subprocess.run(
                ["file", str(shot)], capture_output=True, text=True, check=False
            ).stdout
        )
