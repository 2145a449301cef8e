"""Ctrl-C stops every simulation promptly and leaves the interpreter alive.

Each test starts a real Python process that runs a long simulation, sends it
a real SIGINT once the simulation is under way, and checks that
``KeyboardInterrupt`` reached the caller, soon, in a process that then goes
on working (it runs a small spread afterwards and exits normally). Before
the cancel flag, ``n_jobs=1`` ran the kernel on the main thread: the signal
was seen only at the end of the run, and the process then died with SIGSEGV
or ``SystemError: CPUDispatcher(...) returned a result with an exception set``.
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

import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="SIGINT to a subprocess needs POSIX signals"
)

#: the seconds a run may take to stop after SIGINT (each run would take
#: minutes); the brief asks for about a second on an idle machine
STOP_WITHIN = 6.0
#: the command line's bound, as the README promises it: on the shared 2-core
#: test machine at load 7-10, 15 CLI runs (spread with 1 and 2 workers,
#: analyse) stopped 1.6-6.6 s after SIGINT, median 2.8 s (issue 23)
CLI_STOP_WITHIN = 10.0

CHILD = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import referral
    from referral.network._populations import community_population
    from referral.sweep import sweep

    n_jobs, names = int(sys.argv[1]), sys.argv[2:]
    net = community_population(20000, seed=1)
    busy = net.replace(activity=np.full(net.n_people, 0.9))

    def build(x):
        return busy

    calls = {
        "spread": lambda: referral.spread(busy, trials=100_000, seed=1,
                                          n_jobs=n_jobs),
        "search": lambda: referral.search(net, trials=400, seed=1,
                                          attrition=0.0, policy="random",
                                          max_steps=100_000, n_jobs=n_jobs),
        "other_people_cost": lambda: referral.other_people_cost(
            busy, trials=100_000, seed=1, n_jobs=n_jobs),
        "gatekeepers": lambda: referral.gatekeepers(busy, first, n_jobs=n_jobs),
        "compare": lambda: referral.compare(
            {"a": busy, "b": busy}, trials=100_000, seed=1, n_jobs=n_jobs),
        "sweep": lambda: sweep(build, {"x": [1, 2, 3, 4]}, trials=100_000,
                               seed=1, n_jobs=n_jobs),
        "reach_of_everyone": lambda: referral.reach_of_everyone(
            busy, samples=50_000_000, seed=1, n_jobs=n_jobs),
    }
    referral.spread(busy, trials=2, seed=1)  # compile before the clock starts
    referral.search(net, trials=1, seed=1, max_steps=5)
    referral.reach_of_everyone(net, samples=10, seed=1)
    # a short first spread (its 300 trials make the re-runs take about 6 s on
    # two threads): the interrupt lands in the counterfactual re-runs
    first = referral.spread(busy, trials=300, seed=1)
    # one interpreter runs every call in turn: each is interrupted, and the
    # next starts in the same interpreter, so it must have been left working
    for what in names:
        print("READY", what, flush=True)
        try:
            calls[what]()
        except KeyboardInterrupt:
            print("INTERRUPTED", what, flush=True)
        else:
            print("FINISHED", what, flush=True)
            sys.exit(1)
        # the interpreter is alive and the library still works
        again = referral.spread(net, trials=20, seed=1, n_jobs=n_jobs)
        print("ALIVE", int(again.trial_stats[:, 0].sum()), flush=True)
    """
)


def _reader(stream, lines):
    for line in stream:
        lines.put((time.monotonic(), line.strip()))
    lines.put((time.monotonic(), None))


def _next_line(lines, timeout):
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return time.monotonic(), "<nothing>"


def _start(args, **kwargs):
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "REFERRAL_QUICK": "0", "PYTHONUNBUFFERED": "1"},
        **kwargs,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    return process, lines


CALLS = [
    "spread",
    "search",
    "other_people_cost",
    "gatekeepers",
    "compare",
    "sweep",
    "reach_of_everyone",
]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sigint_stops_every_run_and_leaves_python_alive(n_jobs):
    process, lines = _start([sys.executable, "-c", CHILD, str(n_jobs), *CALLS])
    try:
        for what in CALLS:
            _, line = _next_line(lines, 240)
            assert line == f"READY {what}", (
                process.stderr.read() if line is None else line
            )
            time.sleep(1.5)  # well inside the simulation
            assert process.poll() is None, what
            sent = time.monotonic()
            process.send_signal(signal.SIGINT)
            when, line = _next_line(lines, 120)
            assert line == f"INTERRUPTED {what}", (
                process.stderr.read() if line is None else line
            )
            assert when - sent < STOP_WITHIN, (
                f"{what} stopped {when - sent:.1f} s after SIGINT"
            )
            _, line = _next_line(lines, 120)
            assert line is not None and line.startswith("ALIVE "), (what, line)
            assert int(line.split()[1]) > 0, what
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def ties_csv(tmp_path_factory):
    """A 20,000-person edge list, written once for the CLI tests."""
    import numpy as np

    from referral.network._populations import community_population

    net = community_population(20000, seed=1)
    src = np.repeat(np.arange(net.n_people), np.diff(net.indptr))
    edges = tmp_path_factory.mktemp("interrupt") / "ties.csv"
    keep = src < net.indices
    frame = pd.DataFrame({"source": src[keep], "target": net.indices[keep]})
    frame.to_csv(edges, index=False)
    return edges


# spread and search on both paths (the main thread and the worker pool);
# demo and sweep reach the same kernels, one path each
@pytest.mark.parametrize(
    ("command", "n_jobs"),
    [
        ("spread", 1),
        ("spread", 2),
        ("search", 1),
        ("search", 2),
        ("demo", 2),
        ("sweep", 1),
        ("analyse", 2),
    ],
)
def test_cli_sigint_exits_130_with_one_line_and_no_output(
    command, n_jobs, ties_csv, tmp_path
):
    edges = ties_csv
    out = tmp_path / "out"
    # the console script's own entry point, after a marker once imports are done
    # (a loaded machine can take many seconds to import numba)
    launcher = (
        "import sys; from referral.cli import main; import referral.spread, "
        "referral.search; print('READY', flush=True); sys.exit(main(sys.argv[1:]))"
    )
    args = [
        sys.executable,
        "-c",
        launcher,
        command,
        str(edges),
        "--out",
        str(out),
        "--n-jobs",
        str(n_jobs),
        "--no-progress",
    ]
    if command == "spread":
        args += ["--activity", "0.9", "--sources", "0", "--trials", "100000"]
    elif command == "analyse":
        args += ["--activity", "0.9", "--sources", "0", "--trials", "1000000"]
    elif command == "demo":
        args = [
            *args[:3],
            "demo",
            "--out",
            str(out),
            "--n-jobs",
            str(n_jobs),
            "--no-progress",
            "--trials",
            "1000000",
        ]
    elif command == "sweep":
        grid = tmp_path / "grid.toml"
        grid.write_text(
            '[network]\nbuilder = "community_population"\nn_people = 20000\n'
            "activity_beta = [8.0, 2.0]\n"
            "[grid]\nstrong_contacts = [6, 7, 8]\n"
            "[simulate]\ntrials = 100000\nseed = 1\n"
        )
        out = tmp_path / "sweep.csv"
        args = [
            *args[:3],
            "sweep",
            str(grid),
            "--out",
            str(out),
            "--n-jobs",
            str(n_jobs),
            "--results-dir",
            str(tmp_path / "parts"),
            "--no-progress",
        ]
    else:
        args += [
            "--starts",
            *map(str, range(200)),
            "--targets",
            "19999",
            "--policy",
            "random",
            "--attrition",
            "0",
            "--max-steps",
            "100000",
            "--trials",
            "2000",
        ]
    process, lines = _start(args, cwd=tmp_path)
    try:
        _, line = _next_line(lines, 240)
        assert line == "READY", process.stderr.read() if line is None else line
        time.sleep(3)  # read the file and get into the run
        assert process.poll() is None, process.stderr.read()
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        took = time.monotonic() - sent
        stderr = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 130, stderr
    assert stderr.strip().splitlines() == ["referral: interrupted"]
    assert took < CLI_STOP_WITHIN
    assert not out.exists()
    left = sorted(p.name for p in tmp_path.iterdir())
    if command == "sweep":  # finished configurations are kept for a resume
        assert left == ["grid.toml", "parts"]
        assert all(
            p.name.startswith(("part-", "sweep")) and not p.name.endswith(".tmp")
            for p in (tmp_path / "parts").iterdir()
        )
    else:
        assert left == []


def test_cancel_flag_stops_a_block_kernel():
    """The kernels honour the agreed interface: a set flag runs no trial."""
    import numpy as np

    import referral
    from referral._core.rng import base_key
    from referral._engine.spread_kernel import (
        N_TRIAL,
        CascadeNetwork,
        CascadeRun,
        Tallies,
        TieSampler,
        spread_block,
    )
    from referral.network._populations import community_population
    from referral.simulate._spread import _community_codes, _row_tables

    net = community_population(200, seed=1)
    stats = np.zeros((50, N_TRIAL), dtype=np.int64)
    out = spread_block(
        CascadeNetwork(
            net.indptr,
            net.indices,
            net.transmission,
            net.weak,
            net.activity,
            net.is_candidate,
            _community_codes(net),
        ),
        TieSampler(*_row_tables(net)),
        CascadeRun(
            np.asarray(net.recruiters, dtype=np.int32),
            1.0,
            base_key(1),
            -1,
            -1,
            10,
            True,
            False,
        ),
        Tallies(
            np.zeros((net.n_people, 4), np.int64),
            np.zeros(len(net.indices), np.int64),
            stats,
        ),
        0,
        50,
        np.ones(1, np.uint8),
    )
    assert stats.sum() == 0 and out[0].sum() == 0 and len(out[3]) == 0
    assert referral.spread(net, trials=50, seed=1).trial_stats.sum() > 0


def test_a_failing_block_cancels_the_others():
    from referral._core.parallel import new_cancel_flag, run_blocks

    cancel = new_cancel_flag()

    def work(start, stop):
        if start == 0:
            raise ValueError("block 0 failed")
        while cancel[0] == 0:
            time.sleep(0.01)
        return stop

    with pytest.raises(ValueError, match="block 0 failed"):
        run_blocks(work, [(0, 1), (1, 2)], 2, cancel=cancel)
    assert cancel[0] == 1
