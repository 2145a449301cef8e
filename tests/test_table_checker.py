"""One table checker: every "this table lacks a column" error comes from
``referral._core.validation.require_columns`` and names the table, every missing
column and the columns the table has."""

from __future__ import annotations

import pathlib
import re

import networkx as nx
import pandas as pd
import pytest

import referral
from referral import from_networkx, plot, spread
from referral._core.validation import check_table, require_columns
from referral.analysis import OtherPeopleCost, dropoff, tie_offers
from referral.report import read_results
from referral.wording import who_to_ask_sentences


def _message(where, missing, available):
    return re.escape(
        f"{where} lacks the column(s) {missing}; the available columns are {available}."
    )


def test_the_checker():
    frame = pd.DataFrame({"a": [1], "b": [2]})
    require_columns(frame, ["a", None, "b"], "x")  # None: an optional column
    with pytest.raises(ValueError, match=_message("x", ["c", "d"], ["a", "b"])):
        require_columns(frame, ["c", "a", "d"], "x")
    with pytest.raises(TypeError, match="The 'table' parameter of f must be a "):
        check_table([1], ["a"], function="f", source="referral.g")
    with pytest.raises(
        ValueError,
        match=_message("f needs a table from referral.g; it", ["c"], ["a", "b"]),
    ):
        check_table(frame, ["a", "c"], function="f", source="referral.g")


def test_one_home():
    """No module but ``_validation`` words the missing-column error."""
    root = pathlib.Path(referral.__file__).parent
    homes = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "lacks the column(s) {missing}" in p.read_text(encoding="utf-8")
    )
    assert homes == ["_core/validation.py"]
    import referral._core.csv as csv
    import referral.analysis._common as common

    assert not hasattr(csv, "require_columns")
    assert not hasattr(common, "require_columns")


def test_callers_name_table_and_columns(tmp_path):
    frame = pd.DataFrame({"hop": [0]})
    with pytest.raises(
        ValueError, match=r"dropoff needs a by_hop table; it lacks the column\(s\) "
    ):
        dropoff(frame.assign(held_mean=[1.0]))
    with pytest.raises(
        ValueError,
        match=r"tie_offers needs a by_hop table; it lacks the column\(s\) "
        r"\['held_mean',",
    ):
        tie_offers(frame)
    with pytest.raises(
        ValueError,
        match=r"who_to_ask_sentences needs a table from referral.ambassadors; it "
        r"lacks the column\(s\) \['rank',",
    ):
        who_to_ask_sentences(frame)
    with pytest.raises(
        ValueError,
        match=r"OtherPeopleCost.from_tables: the 'cost' table lacks the column\(s\) "
        r"\['scenario',",
    ):
        OtherPeopleCost.from_tables({"cost": frame, "cost_curve": frame})
    with pytest.raises(
        ValueError,
        match=r"plot_reach needs a table with columns .*; the table for 'a' lacks "
        r"the column\(s\) \[",
    ):
        plot.plot_reach({"a": frame})
    path = tmp_path / "ties.csv"
    path.write_text("u,v\n1,2\n")
    with pytest.raises(
        ValueError,
        match=r"'.*ties.csv' lacks the column\(s\) \['source', 'target'\]; the "
        r"available columns are \['u', 'v'\]",
    ):
        referral.io.read_edgelist(path)


def test_report_reader_names_file(tmp_path):
    net = from_networkx(nx.path_graph(3), strength=1.0, activity=1.0, recruiters=[0])
    result = spread(net, trials=5, seed=1)
    result.by_hop().drop(columns="held_mean").to_csv(tmp_path / "by_hop.csv")
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "summary.csv", index=False)
    with pytest.raises(ValueError, match=r"The report's '.*' lacks the column\(s\) "):
        read_results(tmp_path)
