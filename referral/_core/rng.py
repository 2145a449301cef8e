"""Seeds: one keyword, normalised once at the public boundary.

Every stochastic function takes ``seed=None|int|SeedSequence|Generator``. It is
turned into an integer *entropy* (recorded in results so a run can be
replayed), and all randomness below derives from
``SeedSequence(entropy, spawn_key=...)``. The compiled engine turns the
resulting 64-bit key into per-trial, per-person and per-tie uniforms with a
counter-based hash, so results do not depend on ``n_jobs``, chunking or the
order in which trials run, and two scenarios run with the same seed share
their random numbers (common random numbers).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["resolve_entropy", "base_key", "default_rng_from"]


def resolve_entropy(seed, *, function: str | None = None) -> int:
    """Return a non-negative integer entropy for ``seed``.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        ``None`` draws fresh entropy from the operating system. A ``Generator``
        is advanced by one draw.

    Examples
    --------
    >>> resolve_entropy(42)
    42
    >>> import numpy as np
    >>> resolve_entropy(np.random.default_rng(1)) == resolve_entropy(
    ...     np.random.default_rng(1))
    True
    """
    where = f" of {function}" if function else ""
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(
                f"The 'seed' parameter{where} must be a non-negative int, a "
                f"SeedSequence, a Generator or None. Got {seed!r} instead."
            )
        return int(seed)
    if isinstance(seed, np.random.SeedSequence):
        return int(
            sum(
                int(w) << (32 * i)
                for i, w in enumerate(seed.generate_state(4, np.uint32))
            )
        )
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63, dtype=np.uint64))
    raise TypeError(
        f"The 'seed' parameter{where} must be None, an int, a SeedSequence or a "
        f"numpy Generator. Got {seed!r} instead."
    )


def base_key(entropy: int, *spawn_key: int) -> np.uint64:
    """The 64-bit key the engine hashes into per-trial random numbers.

    Examples
    --------
    >>> bool(base_key(1) == base_key(1))
    True
    >>> bool(base_key(1) != base_key(1, 0))
    True
    """
    sequence = np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))
    return sequence.generate_state(1, np.uint64)[0]


def default_rng_from(entropy: int, *spawn_key: int) -> np.random.Generator:
    """A ``Generator`` for the stream ``(entropy, spawn_key)``."""
    return np.random.default_rng(
        np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))
    )
