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
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import numpy as np

from referral._core.validation import check_int

__all__ = [
    "resolve_n_jobs",
    "block_count",
    "trial_blocks",
    "run_blocks",
    "new_cancel_flag",
]

#: how long the calling thread waits at a time, so Ctrl-C is seen promptly
WAIT_SECONDS = 0.1


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


def block_count(workers: int, progress: bool) -> int:
    """How many blocks to split a run's trials into.

    Two per worker thread, so a slow block does not leave a thread idle;
    eight per worker (sixteen on one thread) with a progress bar, so the
    bar moves; one block for a single thread without a bar.

    Examples
    --------
    >>> block_count(1, False), block_count(1, True), block_count(2, False)
    (1, 16, 4)
    """
    if workers > 1:
        return workers * (8 if progress else 2)
    return 16 if progress else 1


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


def new_cancel_flag() -> np.ndarray:
    """A fresh cancel flag for the block kernels: ``np.zeros(1, np.uint8)``.

    Every compiled block kernel takes it as its last argument and returns
    early once ``flag[0] != 0``; :func:`run_blocks` sets it when the caller
    is interrupted (Ctrl-C) or a block fails.

    Examples
    --------
    >>> new_cancel_flag()
    array([0], dtype=uint8)
    """
    return np.zeros(1, dtype=np.uint8)


def run_blocks(
    work: Callable[[int, int], object],
    blocks: Sequence[tuple[int, int]],
    n_jobs: int,
    *,
    cancel: np.ndarray | None = None,
    progress: bool = False,
    description: str = "trials",
) -> list:
    """Call ``work(start, stop)`` for every block, in ``n_jobs`` worker threads.

    The blocks always run in worker threads, even for ``n_jobs=1``, so the
    calling thread only waits (in steps of :data:`WAIT_SECONDS`) and a
    Ctrl-C reaches it at once. On ``KeyboardInterrupt`` (or any error in a
    block) ``cancel[0]`` is set to 1, so the kernels return early; the
    workers are joined and the exception is re-raised in the caller, within
    about a trial's time.

    Parameters
    ----------
    work : callable
        ``work(start, stop)`` runs trials ``start .. stop - 1``; it should
        pass ``cancel`` to its kernel.
    blocks : sequence of (int, int)
    n_jobs : int
        Worker threads (already resolved, >= 1).
    cancel : numpy.ndarray of uint8, shape (1,), optional
        The flag ``work`` passes to its kernel (see :func:`new_cancel_flag`).
    progress : bool, default False
    description : str, default "trials"

    Returns
    -------
    list
        The results in block order (so reductions are deterministic).

    Examples
    --------
    >>> run_blocks(lambda a, b: b - a, [(0, 3), (3, 10)], 2)
    [3, 7]
    """
    if cancel is None:
        cancel = new_cancel_flag()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=blocks[-1][1] - blocks[0][0] if blocks else 0,
            desc=description,
            unit="trial",
        )
    workers = max(1, min(n_jobs, len(blocks)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="referral")
    futures = []
    try:
        futures = [pool.submit(work, start, stop) for start, stop in blocks]
        results = []
        for (start, stop), future in zip(blocks, futures, strict=True):
            while True:
                done, _ = wait(
                    futures, timeout=WAIT_SECONDS, return_when=FIRST_EXCEPTION
                )
                failed = [f for f in done if f.exception() is not None]
                if failed:
                    raise failed[0].exception()
                if future.done():
                    break
            results.append(future.result())
            if bar is not None:
                bar.update(stop - start)
        return results
    except BaseException:
        cancel[0] = 1
        for future in futures:
            future.cancel()
        raise
    finally:
        # join the workers: after a cancel they stop within one trial
        pool.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
