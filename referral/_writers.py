"""Safe writers behind :mod:`referral.io`: one atomic writer, staged folders.

:func:`atomic_write` writes a file through a temporary file and a rename,
refusing to overwrite without ``force``; :func:`write_table` writes a
DataFrame through it; :func:`staged_folder` writes a whole output folder
beside the target and renames it into place once; :func:`check_target`
refuses an existing output before any work. The process umask is read once,
at import, because reading it means setting it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from referral._params import Options, validate_params

__all__ = [
    "atomic_write",
    "write_table",
    "check_target",
    "remove_stale_staging",
    "staged_folder",
]


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: the process umask, read once at import (reading it means setting it)
_UMASK = _read_umask()
_STAGING = ".referral-staging-"
_OLD = ".referral-old-"


# -------------------------------------------------------------- safe writes
@contextlib.contextmanager
@validate_params({"force": ["boolean"], "mode": [Options(("w", "wb"))]})
def atomic_write(path, *, force: bool = False, mode: str = "w", **open_kwargs):
    """Open a temporary file next to ``path`` and rename it into place.

    A crash never leaves a half-written ``path``. Without ``force`` an
    existing file is never overwritten.

    Parameters
    ----------
    path : str or path
        The file to write.
    force : bool, default False
        Overwrite an existing file.
    mode : str, default "w"
        The :func:`open` mode (``"w"`` or ``"wb"``).
    **open_kwargs
        Passed to :func:`open` (``encoding``, ``newline``, ...).

    Yields
    ------
    file object
        The open temporary file; it replaces ``path`` when the block ends
        without an error.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``force`` is false.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_write(folder / "a.txt") as handle:
    ...     _ = handle.write("hello")
    >>> (folder / "a.txt").read_text()
    'hello'
    """
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(
            f"{str(path)!r} already exists; pass force=True (--force) to overwrite it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        # mkstemp creates 0600 files; give the result the usual umask mode
        os.chmod(temporary, 0o666 & ~_UMASK)
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@validate_params({"frame": [pd.DataFrame], "force": ["boolean"]})
def write_table(frame: pd.DataFrame, path, *, force: bool = False) -> Path:
    """Write a DataFrame as CSV or Parquet (by suffix), atomically.

    Parquet needs ``pyarrow`` (the ``parquet`` extra).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : str or path
        The file; ``.csv`` or ``.parquet``.
    force : bool, default False
        Overwrite an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``force`` is false.
    ValueError
        If the suffix is neither ``.csv`` nor ``.parquet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with atomic_write(path, force=force, newline="") as handle:
            frame.to_csv(handle, index=False)
    elif suffix == ".parquet":
        with atomic_write(path, force=force, mode="wb") as handle:
            frame.to_parquet(handle, index=False)
    else:
        raise ValueError(
            f"Cannot write {str(path)!r}: the suffix must be .csv or .parquet. "
            f"Got {path.suffix!r}."
        )
    return path


@validate_params({"force": ["boolean"]})
def check_target(path, *, force: bool = False) -> Path:
    """Refuse an output that exists, before any work is done.

    An existing regular file, or a folder with anything in it, is refused
    unless ``force``; an empty folder counts as absent. With ``force`` the
    output will be replaced as a whole (see :func:`staged_folder`), except a
    folder that holds the working directory or the home folder.

    Parameters
    ----------
    path : str or path
        The output file or folder.
    force : bool, default False
        Allow replacing an existing output.

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    FileExistsError
        If the output exists and ``force`` is false.
    ValueError
        If ``force`` would replace the working directory, one of its parents
        or the home folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_target(folder / "new") == folder / "new"
    True
    >>> (folder / "old.csv").write_text("x")
    1
    >>> check_target(folder / "old.csv")
    Traceback (most recent call last):
    ...
    FileExistsError: '...old.csv' already exists; pass --force ... to replace it.
    """
    path = Path(path)
    if not (path.exists() or path.is_symlink()):
        return path
    if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
        return path
    if not force:
        raise FileExistsError(
            f"{str(path)!r} already exists; pass --force (force=True) to replace it."
        )
    if path.is_dir() and not path.is_symlink():
        resolved = path.resolve()
        protected = [Path.cwd().resolve(), Path.home().resolve()]
        if any(resolved == p or resolved in p.parents for p in protected):
            raise ValueError(
                f"Refusing to replace {str(path)!r}: it holds the working "
                f"directory or the home folder. Choose another output folder."
            )
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(path) -> list[Path]:
    """Remove staging and replaced folders left beside ``path`` by dead runs.

    A run killed while staging leaves ``.NAME.referral-staging-PID-*`` beside
    the target (and, killed between its two renames, ``.NAME.referral-old-
    PID-*``). They are removed when their process is gone.

    Parameters
    ----------
    path : str or path
        The output whose siblings are checked.

    Returns
    -------
    list of pathlib.Path
        The folders and files removed.
    """
    path = Path(path)
    removed = []
    if not path.parent.is_dir():
        return removed
    for mark in (_STAGING, _OLD):
        for stale in path.parent.glob(f".{path.name}{mark}*"):
            pid = stale.name[len(f".{path.name}{mark}") :].split("-", 1)[0]
            if not pid.isdigit() or _pid_alive(int(pid)):
                continue
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()
            removed.append(stale)
    return removed


@contextlib.contextmanager
@validate_params({"force": ["boolean"]})
def staged_folder(path, *, force: bool = False):
    """Write an output folder as a whole: stage it beside ``path``, rename once.

    Yields a fresh staging folder, ``.NAME.referral-staging-PID-XXXX``, in
    the same parent as ``path``. When the block ends without an error the
    staging folder is renamed to ``path`` in one step (with ``force``, an
    existing file or folder at ``path`` is first moved aside and removed
    after). On an error or an interrupt the staging folder is removed. So
    ``path`` is either absent (or as it was) or complete, whenever the
    process is stopped; stale staging folders of dead runs are removed on
    the next run.

    Parameters
    ----------
    path : str or path
        The output folder.
    force : bool, default False
        Replace an existing file or folder at ``path``.

    Yields
    ------
    pathlib.Path
        The staging folder to write into.

    Raises
    ------
    FileExistsError
        If ``path`` exists (a file, or a folder that is not empty) and
        ``force`` is false, checked on entry and again before the rename.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
    >>> with staged_folder(out) as stage:
    ...     _ = (stage / "a.csv").write_text("x\\n1\\n")
    >>> sorted(p.name for p in out.iterdir())
    ['a.csv']
    """
    path = Path(path)
    check_target(path, force=force)
    remove_stale_staging(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(
        tempfile.mkdtemp(
            prefix=f".{path.name}{_STAGING}{os.getpid()}-", dir=path.parent
        )
    )
    try:
        os.chmod(stage, 0o777 & ~_UMASK)
        yield stage
        check_target(path, force=force)
        old = None
        if path.exists() or path.is_symlink():
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()
            else:
                old = path.parent / f".{path.name}{_OLD}{os.getpid()}-{stage.name[-8:]}"
                os.replace(path, old)
        os.replace(stage, path)
        if old is not None:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
