"""The report: self-contained HTML, opened in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from referral import report

#: Debian's chromium; REFERRAL_CHROMIUM names another binary
CHROMIUM = os.environ.get("REFERRAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def results():
    trials = {
        "spread": 200,
        "cost": 40,
        "gatekeepers": 40,
        "compare": 100,
        "ambassadors": 100,
    }
    return report.demo_results(seed=0, trials=trials)


@pytest.fixture(scope="module")
def written(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "demo"
    return report.write_report(results, out)


def _require_chromium():
    """Skip (or, with REFERRAL_REQUIRE_BROWSER=1, fail) without the browser."""
    if not Path(CHROMIUM).exists():
        reason = (
            f"the browser test needs Debian's chromium at {CHROMIUM}: "
            f"apt-get install -y chromium"
        )
        if os.environ.get("REFERRAL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"REFERRAL_REQUIRE_BROWSER=1 and {reason}")
        pytest.skip(reason)


def _chromium(*arguments, tmp_path):
    _require_chromium()
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
        "tie_offers.csv",
        "dropoff.png",
        "threshold.png",
        "gatekeepers.png",
        "weak_ties.png",
        "compare.png",
        "ambassadors.csv",
        "ambassadors.png",
    } <= names
    # no staging leftovers; the marker of a referral output is expected
    assert [n for n in names if n.startswith(".")] == [".referral-output"]
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
        "The funnel, per opening (means over trials)",
        'The "other people" cost',
        "The threshold",
        "Gatekeepers",
        "Who to ask",
        "Best intervention",
    ]


def test_never_overwrites_without_force(results, written):
    before = written.read_bytes()
    with pytest.raises(FileExistsError, match="already exists; pass --force"):
        report.write_report(results, written.parent)
    assert written.read_bytes() == before
    report.write_report(results, written.parent, force=True)


@pytest.mark.slow
def test_report_round_trips_through_saved_tables(results, written, tmp_path):
    again = report.read_results(written.parent)
    assert again.title == results.title
    pd.testing.assert_frame_equal(
        again.tables["summary"], results.tables["summary"], check_dtype=False
    )
    assert report.headline(again) == report.headline(results)
    copy = report.write_report(again, tmp_path / "again")
    assert copy.read_text().count("data:image/png;base64,") == 6


@pytest.mark.slow
def test_opens_in_headless_chromium(request, tmp_path):
    _require_chromium()  # before the demo is simulated
    written = request.getfixturevalue("written")
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
    # the DOM after rendering has the headline and all five images
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


# ------------------------------------------------- every number from its table
def test_demo_headline_numbers_come_from_the_tables(results):
    from referral.analysis import OtherPeopleCost
    from referral.wording import fmt_number, fmt_share

    t = results.tables
    lines = dict(
        zip(
            ["reach", "funnel", "cost", "threshold", "gatekeepers", "who", "best"],
            report.headline(results),
            strict=True,
        )
    )
    summary = t["summary"].set_index("measure")
    reach = lines["reach"]
    for measure in ["people_reached", "candidates_reached"]:
        for column in ["estimate", "ci_low", "ci_high"]:
            assert fmt_number(summary.loc[measure, column]) in reach
    assert fmt_share(summary.loc["candidate_share_reached", "estimate"]) in reach
    assert "the recruiter included" in reach
    drop = t["dropoff"]
    funnel = lines["funnel"]
    first = fmt_number(drop["newly_reached"].iloc[0])
    assert f"the recruiter told {first} " in funnel
    for _, row in drop.iloc[1:5].iterrows():
        assert (
            f"at hop {int(row['hop'])}, {fmt_number(row['passed_on'])} of the "
            f"{fmt_number(row['held'])} people holding it passed it on, reaching "
            f"{fmt_number(row['newly_reached'])} new people" in funnel
        )
    last = drop.iloc[-1]
    cost = lines["cost"]
    assert f"reach {fmt_number(drop['everyone_acts_held'].sum())} people" in cost
    assert f"instead of {fmt_number(drop['held'].sum())}" in cost
    assert f"cost {fmt_number(last['cost_cumulative'])} people" in cost
    assert fmt_number(last["cost_cumulative_ci_low"]) in cost
    # the reach in the funnel and in the summary are the same spread
    assert drop["held"].sum() == pytest.approx(
        summary.loc["people_reached", "estimate"]
    )
    rebuilt = OtherPeopleCost.from_tables({k: t[k] for k in ["cost", "cost_curve"]})
    assert lines["threshold"] == "The threshold: " + rebuilt.sentence()
    from referral.wording import gatekeeper_sentence

    # the report words the gatekeepers with the library's own sentence, so a
    # tie between people is named as a top group, never as a firm order
    assert lines["gatekeepers"] == "Gatekeepers: " + gatekeeper_sentence(
        t["gatekeepers"]
    )
    leader = t["gatekeepers"].sort_values("rank")["person"].iloc[0]
    assert str(leader) in lines["gatekeepers"]
    compare = t["compare"].query("measure == 'candidates_reached'")
    others = compare.iloc[1:]
    best = others.loc[others["diff"].idxmax()]
    assert best["scenario"] in lines["best"]
    assert f"{best['diff']:+.3g}" in lines["best"]


@pytest.fixture(scope="module")
def karate(tmp_path_factory):
    import networkx as nx

    folder = tmp_path_factory.mktemp("karate")
    G = nx.karate_club_graph()
    pd.DataFrame(list(G.edges()), columns=["from", "to"]).to_csv(
        folder / "ties.csv", index=False
    )
    pd.DataFrame(
        {
            "person": list(G),
            "recruiter": [u == 0 for u in G],
            "candidate": [u % 4 == 1 for u in G],
            "activity": 0.3,
        }
    ).to_csv(folder / "people.csv", index=False)
    return folder


def _cli(argv):
    from referral.cli import main

    return main([str(a) for a in argv])


def _network_args(karate):
    return [
        karate / "ties.csv",
        "--source-column",
        "from",
        "--target-column",
        "to",
        "--people",
        karate / "people.csv",
    ]


def test_report_on_a_spread_folder_quotes_summary_csv(karate, tmp_path, capsys):
    from referral.wording import fmt_number

    out = tmp_path / "spread"
    argv = ["spread", *_network_args(karate), "--trials", 200, "--seed", 1]
    assert _cli([*argv, "--out", out, "--no-progress"]) == 0
    assert _cli(["report", out, "--out", tmp_path / "rep"]) == 0
    capsys.readouterr()
    lines = report.headline(report.read_results(out))
    summary = pd.read_csv(out / "summary.csv").set_index("measure")
    candidates = summary.loc["candidates_reached", "estimate"]
    assert 0 < candidates < 10  # a small number: not rounded to a whole one
    assert f"; {fmt_number(candidates)} of them" in lines[0]
    assert fmt_number(summary.loc["people_reached", "estimate"]) in lines[0]
    by_hop = pd.read_csv(out / "by_hop.csv")
    told = fmt_number(by_hop["arrived_mean"].iloc[0])
    assert f"the recruiter told {told} " in lines[1]
    page = (tmp_path / "rep" / "index.html").read_text()
    # what a spread folder cannot support is left out, with a note
    assert "Left out: The people that non-acting intermediaries cost" in page
    assert "Left out: No cost.csv and cost_curve.csv" in page
    assert "Left out: No gatekeepers table" in page
    assert page.count("<img") == 1  # the people drop-off; nothing invented
    assert not (tmp_path / "rep" / "threshold.png").exists()


def test_report_on_a_search_folder_quotes_summary_csv(karate, tmp_path, capsys):
    from referral.wording import fmt_number, fmt_share

    out = tmp_path / "search"
    argv = ["search", *_network_args(karate), "--trials", 20, "--seed", 1]
    assert _cli([*argv, "--out", out, "--no-progress"]) == 0
    assert _cli(["report", out, "--out", tmp_path / "rep"]) == 0
    capsys.readouterr()
    lines = report.headline(report.read_results(out))
    summary = pd.read_csv(out / "summary.csv").set_index("measure")
    rate = summary.loc["completion_rate"]
    assert lines[0].startswith(
        f"Search: {fmt_share(rate['estimate'])} of {int(rate['n']):,} chains"
    )
    interval = f"95% CI {fmt_share(rate['ci_low'])} to {fmt_share(rate['ci_high'])}"
    assert interval in lines[0]
    median = summary.loc["median_length", "estimate"]
    assert f"median of {fmt_number(median)} step" in lines[0]
    page = (tmp_path / "rep" / "index.html").read_text()
    assert page.count("<img") == 1  # the chains' drop-off


def _copy_demo(written, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(written.parent, folder)
    return folder


def test_malformed_tables_exit_2_naming_file_and_column(written, tmp_path, capsys):
    folder = _copy_demo(written, tmp_path)
    pd.DataFrame({"name": ["title"], "value": ["x"]}).to_csv(
        folder / "facts.csv", index=False
    )
    assert _cli(["report", folder, "--out", tmp_path / "a"]) == 2
    err = capsys.readouterr().err
    assert "facts.csv" in err and "'key'" in err and err.count("\n") == 1
    folder = _copy_demo(written, tmp_path / "b")
    table = pd.read_csv(folder / "dropoff.csv").drop(columns="passed_on")
    table.to_csv(folder / "dropoff.csv", index=False)
    assert _cli(["report", folder, "--out", tmp_path / "c"]) == 2
    err = capsys.readouterr().err
    assert "dropoff.csv" in err and "'passed_on'" in err
    folder = _copy_demo(written, tmp_path / "d")
    (folder / "cost.csv").write_text("")
    assert _cli(["report", folder, "--out", tmp_path / "e"]) == 2
    assert "cost.csv" in capsys.readouterr().err


def test_missing_sections_are_left_out_with_a_note(written, tmp_path):
    folder = _copy_demo(written, tmp_path)
    for name in ["gatekeepers.csv", "people.csv", "cost.csv", "compare.csv"]:
        (folder / name).unlink()
    results = report.read_results(folder)
    notes = [n for s in report.sections(results) for n in s.notes]
    assert any("gatekeeper section is left out" in n for n in notes)
    assert any("threshold section is left out" in n for n in notes)
    assert any("interventions are left out" in n for n in notes)
    starts = [line.split(":")[0] for line in report.headline(results)]
    assert starts == [
        "Reach",
        "The funnel, per opening (means over trials)",
        'The "other people" cost',
        "Who to ask",
    ]
    index = report.write_report(results, tmp_path / "out")
    # drop-off, weak ties and who to ask (ambassadors.csv is still there)
    assert index.read_text().count("<img") == 3


def _formatted_cells(results):
    """Every numeric cell of every table, in every format the wording uses."""
    from referral.wording._sentences import _activity, fmt_number, fmt_share

    out = {"95%"}
    for frame in results.tables.values():
        for column in frame.columns:
            values = pd.to_numeric(frame[column], errors="coerce").dropna()
            for v in values.to_numpy(dtype=float):
                out |= {
                    fmt_number(v),
                    fmt_share(v),
                    f"{v:.2f}",
                    _activity(v),
                    f"{v:+.3g}",
                    f"{int(v):,}" if v == int(v) else "",
                }
            sums = values.sum() if len(values) else None
            if sums is not None:
                out.add(fmt_number(sums))
    keepers = results.tables.get("gatekeepers")
    if keepers is not None:  # gatekeeper_sentence rounds to the SE's first digit
        from referral.wording._gatekeepers import _approx

        for _, row in keepers.iterrows():
            for column in ["estimate", "ci_low", "ci_high"]:
                out.add(_approx(row[column], row["se"]))
    asked = results.tables.get("ambassadors")
    if asked is not None:  # who_to_ask_sentences: labels, 1-6 decimals, 95% CIs
        from referral._core.stats import Z95
        from referral.wording import fmt_share

        out |= {str(p) for p in [*asked["person"], *asked["degree_person"]]}
        last = asked.iloc[-1]
        out |= {
            str(int(last["n_targets"])),
            fmt_share(last["reach_estimate"] / last["n_targets"]),
        }
        for value, se in [
            ("reach_estimate", "reach_se"),
            ("difference_estimate", "difference_se"),
            ("spread_reach_estimate", "spread_reach_se"),
            ("degree_reach_estimate", "difference_se"),
        ]:
            v, e = float(last[value]), float(last[se])
            for d in range(1, 7):
                out |= {f"{x:.{d}f}" for x in (v, abs(v), v - Z95 * e, v + Z95 * e)}
                out |= {f"{x:.{d}f}" for x in (abs(v) - Z95 * e, abs(v) + Z95 * e)}
                out |= {f"{x:+.{d}f}" for x in (v, v - Z95 * e, v + Z95 * e)}
        bound = 3 * last["n_targets"] / last["check_samples"]  # rule of three
        for d in range(1, 7):
            out |= {f"{x:.{d}f}" for x in (bound, last["n_targets"] - bound)}
            out |= {f"{x:.{d}f}" for x in (last["n_targets"], 0.0)}
        out.add(f"{int(last['check_samples']):,}")
        out |= {str(int(x)) for x in asked["degree_person_degree"]}
        out |= {str(int(x)) for x in asked["degree_tied"]}
        out |= {
            str(int((asked["degree_person_degree"] == d).sum()))
            for d in asked["degree_person_degree"]
        }
        out |= {str(int(asked["target"].sum()))}
        from referral.wording._who_to_ask import percent

        if np.isfinite(last["guarantee_ratio"]):
            out.add(percent(last["guarantee_ratio"]))
            out.add(percent(last["guarantee_probability"]))
        out.add(str(len(asked)))
    if "cost" in results.tables:
        fraction = results.tables["cost"]["sizeable_fraction"].iloc[0]
        out.add(f"{100 * fraction:.0f}%")
    return out


def _assert_every_number_is_in_a_table(results):
    cells = _formatted_cells(results)
    for sentence in report.headline(results):
        for token in re.findall(r"[<>+-]?\d+(?:,\d{3})*(?:\.\d+)?%?", sentence):
            assert token in cells or token.lstrip("+") in cells, (token, sentence)


def test_every_headline_number_is_a_table_number(results, karate, tmp_path, capsys):
    _assert_every_number_is_in_a_table(results)
    for command, trials in [("spread", 100), ("search", 10)]:
        out = tmp_path / command
        argv = [command, *_network_args(karate), "--trials", trials, "--seed", 2]
        assert _cli([*argv, "--out", out, "--no-progress"]) == 0
        _assert_every_number_is_in_a_table(report.read_results(out))
    capsys.readouterr()
