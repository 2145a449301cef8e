"""The report's "How fast it travels" section, from a spread run with delays."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral.cli import main
from referral.report import read_results, sections


@pytest.fixture
def timed_folder(tmp_path, capsys):
    G = nx.barabasi_albert_graph(300, 3, seed=2)
    pd.DataFrame(list(G.edges), columns=["source", "target"]).to_csv(
        tmp_path / "ties.csv", index=False
    )
    people = pd.DataFrame({"person": list(G)})
    people["recruiter"] = people["person"] == 0
    people["candidate"] = people["person"] % 3 == 1
    people["activity"] = 0.6
    people.to_csv(tmp_path / "people.csv", index=False)
    out = tmp_path / "spread"
    argv = [
        "spread",
        str(tmp_path / "ties.csv"),
        "--people",
        str(tmp_path / "people.csv"),
        "--trials",
        "200",
        "--seed",
        "3",
        "--delay",
        "lognormal:median=2,sigma=1",
        "--deadline",
        "14",
        "--out",
        str(out),
        "--no-progress",
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    # everyone has their own activity: no "0.3 for 0 of 300 people"
    assert "activity: everyone's own from" in printed and " 0 of " not in printed
    return out


def _percents(text):
    return [int(x) for x in re.findall(r"(\d+)%", text)]


def test_time_section_reads_its_numbers_from_the_table(timed_folder):
    results = read_results(timed_folder)
    built = {s.name: s for s in sections(results)}
    assert "How fast it travels" in built
    sentence = built["How fast it travels"].sentences[0]
    table = pd.read_csv(timed_folder / "reach_over_time.csv")
    shares = table[table["measure"] == "candidate_share_of_final"]
    day = float(re.search(r"By day ([\d.]+)", sentence).group(1))
    # the table's time the sentence names (printed rounded)
    at_day = shares.iloc[int(np.argmin(np.abs(shares["time"] - day)))]
    assert abs(at_day["time"] - day) < 0.05
    # the day chosen is the first by which half of the final candidates heard
    earlier = shares[shares["time"] < at_day["time"]]
    assert at_day["estimate"] >= 0.5 and (earlier["estimate"] < 0.5).all()
    expected = [at_day["estimate"], at_day["ci_low"], at_day["ci_high"]]
    got = [p for p in _percents(sentence) if p != 95]
    assert got == [round(100 * x) for x in expected], sentence
    # the shares are of the candidates reached by the deadline, and the
    # sentence says so (it does not add the share at the deadline: 100%)
    assert "by its 14-day deadline" in sentence
    assert "100%" not in sentence


def test_report_on_a_timed_folder_has_the_section_and_chart(timed_folder, tmp_path):
    assert main(["report", str(timed_folder), "--out", str(tmp_path / "rep")]) == 0
    html = (tmp_path / "rep" / "index.html").read_text()
    assert "How fast it travels" in html
    assert (tmp_path / "rep" / "reach_over_time.png").exists()


def test_no_time_section_without_delays(tmp_path):
    table = {"summary": pd.DataFrame()}
    from referral.report import Results
    from referral.report._wording import _time_section

    assert _time_section(Results(title="t", tables=table, facts={})) is None
