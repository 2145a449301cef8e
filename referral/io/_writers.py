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

from referral._core.params import Options, validate_params

__all__ = [
    "atomic_write",
    "write_table",
    "check_target",
    "remove_stale_staging",
    "staged_folder",
    "MARKER",
    "output_kind",
]


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: the process umask, read once at import (reading it means setting it)
_UMASK = _read_umask()
_STAGING = ".referral-staging-"
_OLD = ".referral-old-"
#: the file that marks a folder as an output of ``referral`` (its content is
#: the kind: "report", "spread", ...); only such a folder is ever replaced
MARKER = ".referral-output"


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


def output_kind(path) -> str | None:
    """The kind of ``referral`` output a folder holds (its marker file's
    content), or None if it is not one.

    Parameters
    ----------
    path : str or path
        A folder.

    Returns
    -------
    str or None
        ``"report"``, ``"spread"``, ... or None.
    """
    marker = Path(path) / MARKER
    try:
        return marker.read_text(encoding="utf-8").strip() or "output"
    except (OSError, UnicodeDecodeError):
        return None


@validate_params({"force": ["boolean"], "kind": [str, None]})
def check_target(path, *, force: bool = False, kind=None, reading=()) -> Path:
    """Refuse an output that exists, before any work is done.

    An existing regular file, or a folder with anything in it, is refused
    unless ``force``; an empty folder counts as absent. With ``force`` the
    output will be replaced as a whole (see :func:`staged_folder`), but only
    if it is an earlier output of the same kind: a folder is replaced only
    when it holds the marker file (``.referral-output``) that every output
    folder of ``referral`` gets, naming the same ``kind``. Never replaced,
    whatever ``force`` says: a folder holding anything being read
    (``reading``), the working directory, the home folder, or a parent of
    any of them.

    Parameters
    ----------
    path : str or path
        The output file or folder.
    force : bool, default False
        Allow replacing an earlier output of the same kind.
    kind : str, optional
        The kind of output (``"report"``, ``"spread"``, ...); None accepts
        an earlier output of any kind.
    reading : iterable of str or path
        Files and folders the run reads; ``path`` must not hold any.

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    FileExistsError
        If the output exists and ``force`` is false.
    ValueError
        If ``path`` holds something being read, the working directory, the
        home folder, or (with ``force``) is a folder that is not an earlier
        output of this kind.

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
    resolved = path.resolve()
    for item in reading:
        if item is None:
            continue
        read = Path(item).resolve()
        if resolved == read or resolved in read.parents:
            raise ValueError(
                f"Refusing to write to {str(path)!r}: it holds {str(item)!r}, "
                f"which this run reads. Choose another output folder."
            )
    if not (path.exists() or path.is_symlink()):
        return path
    if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
        return path
    if not force:
        raise FileExistsError(
            f"{str(path)!r} already exists; pass --force (force=True) to replace it."
        )
    if path.is_dir() and not path.is_symlink():
        protected = [Path.cwd().resolve(), Path.home().resolve()]
        if any(resolved == p or resolved in p.parents for p in protected):
            raise ValueError(
                f"Refusing to replace {str(path)!r}: it holds the working "
                f"directory or the home folder. Choose another output folder."
            )
        found = output_kind(path)
        if found is None:
            raise ValueError(
                f"Refusing to replace {str(path)!r}: it is not a folder written "
                f"by referral (it has no {MARKER} file), so --force (force=True) "
                f"may not delete it. Choose another output folder."
            )
        if kind is not None and found != kind:
            raise ValueError(
                f"Refusing to replace {str(path)!r}: it holds a {found} output, "
                f"not a {kind} output. Choose another output folder."
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
@validate_params({"force": ["boolean"], "kind": [str]})
def staged_folder(path, *, force: bool = False, kind: str = "output", reading=()):
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
        Replace an earlier output of the same ``kind`` at ``path`` (see
        :func:`check_target`).
    kind : str, default "output"
        The kind of output, written to the folder's marker file
        ``.referral-output``.
    reading : iterable of str or path
        Files and folders the run reads; ``path`` must not hold any.

    Yields
    ------
    pathlib.Path
        The staging folder to write into.

    Raises
    ------
    FileExistsError
        If ``path`` exists (a file, or a folder that is not empty) and
        ``force`` is false, checked on entry and again before the rename.
    ValueError
        If ``path`` may not be replaced (:func:`check_target`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
    >>> with staged_folder(out) as stage:
    ...     _ = (stage / "a.csv").write_text("x\\n1\\n")
    >>> sorted(p.name for p in out.iterdir())
    ['.referral-output', 'a.csv']
    """
    path = Path(path)
    reading = [r for r in reading if r is not None]
    check_target(path, force=force, kind=kind, reading=reading)
    if path.is_file() and not path.is_symlink():
        raise ValueError(
            f"Refusing to replace the file {str(path)!r} with an output folder. "
            f"Choose another output folder."
        )
    remove_stale_staging(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(
        tempfile.mkdtemp(
            prefix=f".{path.name}{_STAGING}{os.getpid()}-", dir=path.parent
        )
    )
    try:
        os.chmod(stage, 0o777 & ~_UMASK)
        (stage / MARKER).write_text(kind + "\n", encoding="utf-8")
        yield stage
        check_target(path, force=force, kind=kind, reading=reading)
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
