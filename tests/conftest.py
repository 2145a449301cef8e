import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


#: The tiers. ``pytest`` (CI) runs everything. ``pytest -m "not slow"`` is the
#: developer's quick tier; it leaves out two kinds of test, both marked slow:
#:
#: - process-level checks (real subprocesses, SIGINT and kill, the docs build,
#:   the examples, the notebooks): every test of the files below, and single
#:   tests marked ``@pytest.mark.slow`` elsewhere (worker processes, a fresh
#:   interpreter) and four whole-report runs of 5-20 s each (the demo, the
#:   analyse function, the report round trip, the report over its own input);
#: - statistical checks over many replications (interval coverage over hundreds
#:   of runs, long recoveries), marked ``@pytest.mark.stat`` where they are
#:   written; ``pytest -m stat`` runs only them.
#:
#: Every test module keeps fast tests in the quick tier.
SLOW_FILES = {
    "test_docs.py",
    "test_examples.py",
    "test_fresh_machine.py",
    "test_html.py",
    "test_interrupt.py",
    "test_output_folders.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (
            item.path.suffix == ".ipynb"
            or item.path.name in SLOW_FILES
            or item.get_closest_marker("stat") is not None
        ):
            item.add_marker(pytest.mark.slow)
