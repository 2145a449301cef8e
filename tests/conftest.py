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


#: process-level checks: real subprocesses, SIGINT and kill, the docs build,
#: the examples and the notebooks. ``pytest -m "not slow"`` leaves them out
#: (the developer's quick tier); CI runs everything.
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
        if item.path.suffix == ".ipynb" or item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
