"""Output folders are written as a whole, whenever the CLI is stopped.

The CLI runs in a real subprocess whose table writer announces each file and
pauses, so it can be killed (SIGKILL, or SIGINT for Ctrl-C) before, between
and after its writes, and between the two renames of ``--force``. After every
kill the target is absent (or as it was) or complete; a staging folder left
by SIGKILL is removed by the next run, which then succeeds.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from referral.io import check_target, staged_folder
from referral.io._writers import remove_stale_staging

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SPREAD_FILES = ["by_hop.csv", "chains.csv", "people.csv", "summary.csv", "trials.csv"]

LAUNCHER = textwrap.dedent(
    """
    import os, sys, time
    import referral.io as io
    from referral.cli import main

    write_table, replace = io.write_table, os.replace

    def announced_write(frame, path, **kwargs):
        out = write_table(frame, path, **kwargs)
        print("WROTE", path.name, flush=True)
        time.sleep(0.3)
        return out

    def announced_replace(src, dst):
        replace(src, dst)
        if ".referral-old-" in str(dst):
            print("MOVED_ASIDE", flush=True)
            time.sleep(1.0)

    io.write_table = announced_write
    os.replace = announced_replace
    print("READY", flush=True)
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(scope="module")
def ties(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ties")
    G = nx.connected_watts_strogatz_graph(80, 4, 0.2, seed=1)
    pd.DataFrame(list(G.edges()), columns=["source", "target"]).to_csv(
        folder / "ties.csv", index=False
    )
    pd.DataFrame(
        {"person": range(80), "candidate": [p % 3 == 0 for p in range(80)]}
    ).to_csv(folder / "people.csv", index=False)
    return folder / "ties.csv"


def _reader(stream, lines):
    for line in stream:
        lines.put(line.strip())
    lines.put(None)


def _run_until(argv, cwd, stop_at, sig, delay=0.0):
    """Run the CLI; send ``sig`` ``delay`` s after ``stop_at(lines)`` holds."""
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *map(str, argv)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "REFERRAL_QUICK": "1"},
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    seen = []
    try:
        while stop_at is not None:
            line = lines.get(timeout=300)
            if line is None:
                break
            seen.append(line)
            if stop_at(seen):
                time.sleep(delay)
                process.send_signal(sig)
                break
        code = process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return code, seen, process.stderr.read()


def _complete_spread(folder: Path) -> bool:
    assert (folder / ".referral-output").read_text().strip() == "spread"
    names = sorted(p.name for p in folder.iterdir() if p.name != ".referral-output")
    assert names == SPREAD_FILES, names
    for name in names:
        pd.read_csv(folder / name)
    return True


def _writes(k):
    return lambda seen: sum(line.startswith("WROTE") for line in seen) >= k


def _ready(seen):
    return seen[-1] == "READY"


def _spread_argv(ties, out, *extra):
    return [
        "spread",
        ties,
        "--people",
        ties.parent / "people.csv",
        "--sources",
        "0",
        "--trials",
        "30",
        "--seed",
        "1",
        "--out",
        out,
        "--no-progress",
        *extra,
    ]


def _siblings(folder: Path) -> list[str]:
    return sorted(
        p.name
        for p in folder.parent.iterdir()
        if p.name not in ("ties.csv", "people.csv")
    )


# SIGKILL between and after the writes; Ctrl-C before any write and between
# writes (where it must also remove its staging folder)
@pytest.mark.parametrize(
    ("sig", "point"),
    [
        (signal.SIGKILL, 2),
        (signal.SIGKILL, 5),
        (signal.SIGINT, "ready"),
        (signal.SIGINT, 2),
    ],
)
def test_killed_spread_leaves_no_folder_or_a_complete_one(ties, tmp_path, sig, point):
    out = tmp_path / "results"
    stop = _ready if point == "ready" else _writes(point)
    delay = 1.0 if point == "ready" else 0.0  # inside main, before any write
    code, seen, stderr = _run_until(
        _spread_argv(ties, out), ties.parent, stop, sig, delay
    )
    assert code == (-9 if sig == signal.SIGKILL else 130), stderr
    if sig == signal.SIGINT:
        assert stderr.strip().splitlines() == ["referral: interrupted"]
    if out.exists():  # only if the last rename happened before the signal
        assert point == 5 and _complete_spread(out)
    else:
        staging = [n for n in _siblings(out) if ".referral-staging-" in n]
        if sig == signal.SIGINT:
            assert staging == []
        # the next run (no --force needed) succeeds and removes stale staging
        code, _, stderr = _run_until(_spread_argv(ties, out), ties.parent, None, 0)
        assert code == 0, stderr
        assert _complete_spread(out)
    assert _siblings(out) == ["results"] or not out.exists()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_force_killed_midway_keeps_the_old_folder(ties, tmp_path, sig):
    out = tmp_path / "results"
    code, _, stderr = _run_until(_spread_argv(ties, out), ties.parent, None, 0)
    assert code == 0, stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    argv = _spread_argv(ties, out, "--force")
    argv[argv.index("--seed") + 1] = "2"
    code, _, _ = _run_until(argv, ties.parent, _writes(3), sig)
    assert code != 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    code, _, stderr = _run_until(argv, ties.parent, None, 0)
    assert code == 0, stderr
    assert _complete_spread(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} != before
    assert _siblings(out) == ["results"]


def test_killed_between_the_two_renames_leaves_no_folder(ties, tmp_path):
    out = tmp_path / "results"
    assert _run_until(_spread_argv(ties, out), ties.parent, None, 0)[0] == 0
    argv = _spread_argv(ties, out, "--force")
    code, seen, _ = _run_until(
        argv, ties.parent, lambda seen: seen[-1] == "MOVED_ASIDE", signal.SIGKILL
    )
    assert code == -9 and seen[-1] == "MOVED_ASIDE"
    assert not out.exists()
    assert any(".referral-old-" in n for n in _siblings(out))
    assert _run_until(argv, ties.parent, None, 0)[0] == 0
    assert _complete_spread(out)
    assert _siblings(out) == ["results"]


@pytest.mark.parametrize("command", ["search", "demo"])
def test_killed_search_and_demo_leave_no_folder(ties, tmp_path, command):
    out = tmp_path / "results"
    if command == "search":
        argv = [
            "search",
            ties,
            "--starts",
            "5",
            "6",
            "--targets",
            "40",
            "--trials",
            "5",
            "--seed",
            "1",
            "--out",
            out,
        ]
    else:
        # few trials: what is tested is the folder, not the numbers
        argv = ["demo", "--quick", "--trials", "60", "--out", out, "--no-progress"]
    code, seen, stderr = _run_until(argv, ties.parent, _writes(2), signal.SIGKILL)
    assert code == -9, stderr
    assert not out.exists()
    code, _, stderr = _run_until(argv, ties.parent, None, 0)
    assert code == 0, stderr
    names = sorted(p.name for p in out.iterdir() if p.name != ".referral-output")
    if command == "search":
        assert names == ["by_step.csv", "chains.csv", "paths.csv", "summary.csv"]
    else:
        assert "index.html" in names and "summary.csv" in names
    assert _siblings(out) == ["results"]


def test_staged_folder_api(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="boom"), staged_folder(out) as stage:
        (stage / "a.csv").write_text("a\n1\n")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    out.write_text("a file")
    with pytest.raises(FileExistsError, match="already exists; pass --force"):
        with staged_folder(out):
            pass
    # a file is not an earlier output folder: even force keeps it
    with pytest.raises(ValueError, match="Refusing to replace the file"):
        with staged_folder(out, force=True):
            pass
    assert out.read_text() == "a file"
    out.unlink()
    with staged_folder(out) as stage:
        (stage / "a.csv").write_text("a\n1\n")
    with staged_folder(out, force=True) as stage:
        (stage / "b.csv").write_text("a\n1\n")
    assert sorted(p.name for p in out.iterdir()) == [".referral-output", "b.csv"]
    # a stale staging folder of a dead process is removed; a live one is kept
    dead = tmp_path / ".out.referral-staging-999999999-x"
    live = tmp_path / f".out.referral-staging-{os.getpid()}-y"
    dead.mkdir()
    live.mkdir()
    assert remove_stale_staging(out) == [dead]
    assert live.exists() and not dead.exists()
    with pytest.raises(ValueError, match="Refusing to replace"):
        check_target(Path.cwd(), force=True)
