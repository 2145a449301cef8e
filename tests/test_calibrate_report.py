"""The report's "What your data says" section and ``referral analyse --fit``."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from test_calibrate_log import simulate_log

from referral import from_networkx
from referral.calibrate import referral_log
from referral.cli import main
from referral.report import analyse
from referral.report._wording import sections

QUICK = dict(spread=60, cost=60, gatekeepers=10, compare=60, ambassadors=0)


@pytest.fixture(scope="module")
def fitted():
    g = nx.watts_strogatz_graph(120, 6, 0.1, seed=3)
    net = from_networkx(
        g, strength=1.0, activity=0.5, recruiters=[0], candidates=range(100, 120)
    )
    rng = np.random.default_rng(4)
    log, sources = simulate_log(
        net, np.full(120, 0.4), 0.3, rng.integers(0, 120, 12), rng
    )
    return net, log, sources, referral_log(net, log, sources=sources)


def _numbers(sentence):
    num = r"(\d+(?:\.\d)?)%"
    return [
        float(x)
        for triple in re.findall(rf"{num}; 95% CI {num} to {num}", sentence)
        for x in triple
    ]


def test_section_sentence_reads_back_the_fit_table(fitted):
    net, _, _, fit = fitted
    results = analyse(fit.network(), trials=QUICK, top=2, fit=fit)
    built = sections(results)
    assert built[0].name == "What your data says"
    sentence = built[0].sentences[0]
    assert sentence == fit.sentence()
    table = results.tables["fit"]
    expected = []
    for row in table.itertuples():
        expected += [row.estimate, row.ci_low, row.ci_high]
    assert _numbers(sentence) == pytest.approx([100 * v for v in expected], abs=0.51)
    assert "passed it on" in sentence
    # without a fit there is no such section
    plain = analyse(net, trials=QUICK, top=2)
    assert all(s.name != "What your data says" for s in sections(plain))


def test_analyse_refuses_a_table_that_is_not_a_log_fit(fitted):
    net, _, _, fit = fitted
    with pytest.raises(ValueError, match="lacks the column"):
        analyse(net, trials=QUICK, fit=fit.params().drop(columns="se"))
    with pytest.raises(ValueError, match="must be a referral-log fit"):
        analyse(net, trials=QUICK, fit=fit.params().iloc[:1])
    with pytest.raises(TypeError, match="must be a Fit or its params"):
        analyse(net, trials=QUICK, fit=[1, 2])


def test_cli_analyse_with_a_fit_folder(fitted, tmp_path, capsys):
    net, log, sources, _ = fitted
    ties = net.tie_table()[["source", "target"]]
    ties.to_csv(tmp_path / "ties.csv", index=False)
    people = pd.DataFrame({"person": net.labels, "recruiter": net.is_recruiter})
    people.to_csv(tmp_path / "people.csv", index=False)
    log.to_csv(tmp_path / "log.csv", index=False)
    fit_dir = tmp_path / "fit"
    args = [
        "--network",
        str(tmp_path / "ties.csv"),
        "--people",
        str(tmp_path / "people.csv"),
    ]
    posters = sorted({str(p) for p in sources.values()})
    assert (
        main(
            [
                "fit",
                str(tmp_path / "log.csv"),
                *args,
                "--sources",
                *posters,
                "--check-trials",
                "0",
                "--out",
                str(fit_dir),
            ]
        )
        == 0
    )
    out = tmp_path / "report"
    code = main(
        [
            "analyse",
            str(tmp_path / "ties.csv"),
            "--people",
            str(tmp_path / "people.csv"),
            "--fit",
            str(fit_dir),
            "--quick",
            "--no-progress",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "activity and transmission: fitted" in printed
    html = (out / "index.html").read_text()
    assert "What your data says" in html
    params = pd.read_csv(fit_dir / "params.csv")
    act = params.loc[params.parameter == "activity", "estimate"].iloc[0]
    assert f"{100 * act:.0f}%" in html
    # the folder keeps the fit table, and a rebuilt report has the section
    from referral.report import read_results

    again = read_results(out)
    rebuilt = sections(again)[0]
    assert rebuilt.name == "What your data says"
    assert pd.read_csv(out / "fit.csv")["estimate"].to_numpy() == pytest.approx(
        params["estimate"].to_numpy()
    )
    assert _numbers(rebuilt.sentences[0]) == pytest.approx(
        [
            100 * v
            for r in params.itertuples()
            for v in (r.estimate, r.ci_low, r.ci_high)
        ],
        abs=0.51,
    )
    # a folder without params.csv is a one-line error
    (tmp_path / "empty").mkdir()
    code = main(
        [
            "analyse",
            str(tmp_path / "ties.csv"),
            "--fit",
            str(tmp_path / "empty"),
            "--quick",
            "--no-progress",
            "--out",
            str(tmp_path / "r2"),
        ]
    )
    assert code != 0
    assert "has no params.csv" in capsys.readouterr().err
