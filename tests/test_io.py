import networkx as nx
import pandas as pd
import pytest

from referral.io import (
    apply_people,
    atomic_write,
    linkedin_network,
    read_edgelist,
    read_linkedin_connections,
    read_people,
    write_table,
)

LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n'
    "\n"
)
LINKEDIN_HEADER = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
)


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_read_edgelist_csv(tmp_path):
    path = write(tmp_path / "ties.csv", "a,b,w\nann,bob,0.9\nbob,cy,0.2\n")
    net = read_edgelist(path, source="a", target="b", strength="w")
    assert list(net.labels) == ["ann", "bob", "cy"]
    assert net.n_ties == 2 and net.weak.sum() == 2


def test_read_edgelist_default_strength_and_directed(tmp_path):
    path = write(tmp_path / "ties.csv", "source,target\n1,2\n2,3\n")
    net = read_edgelist(path, directed=True)
    assert net.directed and set(net.strength.tolist()) == {1.0}
    assert net.labels.tolist() == [1, 2, 3]


def test_missing_columns_named(tmp_path):
    path = write(tmp_path / "ties.csv", "from,to\n1,2\n")
    with pytest.raises(
        ValueError,
        match=r"lacks the column\(s\) \['source', "
        r"'target'\]; the available columns are \['from', 'to'\]",
    ):
        read_edgelist(path)


def test_unclosed_quote_names_the_file_line(tmp_path):
    """The parser's 0-based row becomes the file's line (header is line 1)."""
    path = tmp_path / "ties.csv"
    path.write_text('source,target\na,b\nb,"c\nc,d\n')
    with pytest.raises(
        ValueError,
        match=r"ties.csv' is malformed: the file ends inside a quoted field "
        r"starting at line 3\.$",
    ):
        read_edgelist(path)


def test_malformed_row_names_line(tmp_path):
    path = write(tmp_path / "ties.csv", "source,target,strength\n1,2,0.5\n2,3,0.5,9\n")
    with pytest.raises(ValueError, match=r"ties.csv' is malformed: .*line 3"):
        read_edgelist(path)


def test_non_numeric_strength_names_line(tmp_path):
    path = write(tmp_path / "ties.csv", "source,target,strength\n1,2,0.5\n2,3,high\n")
    with pytest.raises(
        ValueError,
        match=r"line 3: column 'strength' must be a "
        r"number. Got 'high'",
    ):
        read_edgelist(path)


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="No such file: 'nope.csv'"):
        read_edgelist("nope.csv")


def test_empty_file(tmp_path):
    path = write(tmp_path / "ties.csv", "")
    with pytest.raises(ValueError, match="is empty"):
        read_edgelist(path)


def test_people_file(tmp_path):
    ties = write(tmp_path / "ties.csv", "source,target\nann,bob\nbob,cy\n")
    people = write(
        tmp_path / "people.csv",
        "person,activity,recruiter,candidate,department\n"
        "ann,0.9,yes,no,sales\ncy,0.1,0,1,tech\n",
    )
    net = apply_people(read_edgelist(ties), read_people(people))
    assert net.activity.tolist() == [0.9, 0.3, 0.1]  # bob: DEFAULT_ACTIVITY
    assert net.recruiters.tolist() == [0] and net.candidates.tolist() == [2]
    assert net.attributes["department"].tolist() == ["sales", None, "tech"]


def test_people_file_unknown_person(tmp_path):
    ties = write(tmp_path / "ties.csv", "source,target\nann,bob\n")
    people = write(tmp_path / "people.csv", "person,activity\nzed,0.5\n")
    with pytest.raises(nx.NodeNotFound, match="'zed'"):
        apply_people(read_edgelist(ties), read_people(people), missing="raise")
    # by default a roster's people without ties are kept as isolated people
    net = apply_people(read_edgelist(ties), read_people(people))
    assert net.labels.tolist() == ["ann", "bob", "zed"]
    assert net.activity[2] == 0.5 and net.n_ties == 1
    assert net.indptr[3] == net.indptr[2]


def test_people_file_duplicate(tmp_path):
    people = write(tmp_path / "people.csv", "person,activity\nann,0.5\nann,0.2\n")
    with pytest.raises(ValueError, match=r"line 3: person 'ann' appears twice"):
        read_people(people)


def linkedin_export(path, rows):
    body = "".join(",".join(row) + "\n" for row in rows)
    return write(path, LINKEDIN_NOTES + LINKEDIN_HEADER + body)


def test_read_linkedin_finds_header_and_dates(tmp_path):
    path = linkedin_export(
        tmp_path / "Connections.csv",
        [
            ("Ada", "Byron", "https://x/in/ada", "", "Acme", "Engineer", "12 Mar 2021"),
            ("Bo", "Li", "https://x/in/bo", "bo@x", "Beta", "Recruiter", "01 Jan 2020"),
        ],
    )
    frame = read_linkedin_connections(path)
    assert len(frame) == 2
    assert frame["Connected On"].iloc[0] == pd.Timestamp("2021-03-12")
    assert frame["Company"].tolist() == ["Acme", "Beta"]


def test_read_linkedin_bad_date_names_line(tmp_path):
    path = linkedin_export(
        tmp_path / "Connections.csv",
        [("Ada", "B", "https://x/in/ada", "", "Acme", "Eng", "2021-03-12")],
    )
    with pytest.raises(ValueError, match=r"line 5: 'Connected On' must be a date"):
        read_linkedin_connections(path)


def test_read_linkedin_not_an_export(tmp_path):
    path = write(tmp_path / "x.csv", "a,b\n1,2\n")
    with pytest.raises(ValueError, match="no line starts with 'First Name'"):
        read_linkedin_connections(path)


def test_linkedin_exports_merge(tmp_path):
    me, you = "https://x/in/me", "https://x/in/you"
    a = linkedin_export(
        tmp_path / "a.csv",
        [
            ("You", "Too", you, "", "Acme", "Dev", "12 Mar 2021"),
            ("Ada", "B", "https://x/in/ada", "", "Acme", "Eng", "12 Mar 2021"),
        ],
    )
    b = linkedin_export(
        tmp_path / "b.csv",
        [
            ("Me", "Self", me, "", "Acme", "Recruiter", "12 Mar 2021"),
            ("Ada", "B", "https://x/in/ada", "", "Acme", "Eng", "02 Feb 2022"),
        ],
    )
    net = linkedin_network({me: a, you: b}, recruiters=[me])
    assert net.n_people == 3  # me, you, ada matched by URL
    assert net.n_ties == 3  # me-you listed twice is one tie
    assert net.label_of(net.recruiters).tolist() == [me]
    assert net.attributes["position"][net.ids([you])[0]] == "Dev"
    with pytest.raises(nx.NodeNotFound, match="not in the exports: .nobody."):
        linkedin_network({me: a}, recruiters=["nobody"])


def test_atomic_write_never_overwrites(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("keep")
    with pytest.raises(FileExistsError, match="--force"):
        write_table(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "keep"
    write_table(pd.DataFrame({"a": [1]}), target, force=True)
    assert target.read_text().splitlines() == ["a", "1"]


def test_atomic_write_leaves_nothing_on_crash(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_write_table_bad_suffix(tmp_path):
    with pytest.raises(
        ValueError, match=r"suffix must be .csv or .parquet. Got '.xls'"
    ):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.xls")


def test_write_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"a": [1, 2]})
    write_table(frame, tmp_path / "x.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "x.parquet"), frame)
