"""Running compiled kernels on trial blocks in threads.

The kernels release the GIL (``numba.njit(nogil=True)``) and every trial's
randomness is a pure function of (run key, trial), so a run split into blocks
and summed gives exactly the same integers whatever ``n_jobs`` is. Results are
therefore identical for any ``n_jobs`` and chunking.

``n_jobs=None`` means 1, ``-1`` all cores, ``-2`` all but one, as in joblib.
Parameter sweeps (:mod:`referral.sweep`) use ``joblib.Parallel`` with no fixed
backend instead, so they can go to Dask or Ray.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from referral._validation import check_int

__all__ = ["resolve_n_jobs", "trial_blocks", "run_blocks"]


def resolve_n_jobs(n_jobs, *, function: str | None = None) -> int:
    """The number of worker threads for ``n_jobs`` (joblib's convention).

    Examples
    --------
    >>> resolve_n_jobs(None)
    1
    >>> resolve_n_jobs(-1) == (os.cpu_count() or 1)
    True
    """
    if n_jobs is None:
        return 1
    n_jobs = check_int(n_jobs, "n_jobs", function=function)
    cpus = os.cpu_count() or 1
    if n_jobs == 0:
        where = f" of {function}" if function else ""
        raise ValueError(
            f"The 'n_jobs' parameter{where} must be a non-zero int or None. "
            f"Got 0 instead."
        )
    if n_jobs < 0:
        return max(1, cpus + 1 + n_jobs)
    return n_jobs


def trial_blocks(trials: int, n_blocks: int) -> list[tuple[int, int]]:
    """Split ``range(trials)`` into at most ``n_blocks`` contiguous blocks.

    Examples
    --------
    >>> trial_blocks(10, 3)
    [(0, 3), (3, 6), (6, 10)]
    """
    n_blocks = max(1, min(n_blocks, trials))
    bounds = [trials * k // n_blocks for k in range(n_blocks + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(n_blocks)]


def run_blocks(
    work: Callable[[int, int], object],
    blocks: Sequence[tuple[int, int]],
    n_jobs: int,
    *,
    progress: bool = False,
    description: str = "trials",
) -> list:
    """Call ``work(start, stop)`` for every block, in ``n_jobs`` threads.

    Returns the results in block order (so reductions are deterministic).
    """
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=blocks[-1][1] - blocks[0][0] if blocks else 0,
            desc=description,
            unit="trial",
        )
    try:
        if n_jobs <= 1 or len(blocks) <= 1:
            results = []
            for start, stop in blocks:
                results.append(work(start, stop))
                if bar is not None:
                    bar.update(stop - start)
            return results
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            futures = [pool.submit(work, start, stop) for start, stop in blocks]
            results = []
            for (start, stop), future in zip(blocks, futures, strict=True):
                results.append(future.result())
                if bar is not None:
                    bar.update(stop - start)
            return results
    finally:
        if bar is not None:
            bar.close()
