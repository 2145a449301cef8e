"""CSV helpers shared by the readers in :mod:`referral.io`.

Read a CSV with errors that name the file, require columns, and parse a
numeric column naming the first bad line.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "read_csv",
    "numeric_column",
    "flag_values",
    "TRUE_WORDS",
    "FALSE_WORDS",
]

#: the words every flag column reads as true or false (case and spaces
#: ignored); an empty cell is false
TRUE_WORDS = frozenset({"1", "1.0", "true", "yes", "y", "t"})
FALSE_WORDS = frozenset({"0", "0.0", "false", "no", "n", "f", ""})


def read_csv(path, **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` with errors that name the file and line."""
    try:
        return pd.read_csv(path, **kwargs)
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: {str(path)!r}.") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"{str(path)!r} is empty: it has no header row.") from None
    except pd.errors.ParserError as error:
        raise ValueError(
            f"{str(path)!r} is malformed: {_parser_words(error)}"
        ) from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{str(path)!r} is not UTF-8 text: {error}.") from None


def _parser_words(error) -> str:
    """The parser's message with file lines instead of its 0-based rows
    (the header is row 0, so row ``r`` is line ``r + 1``)."""
    text = str(error).strip()
    text = re.sub(r"^Error tokenizing data\. C error: ", "", text)
    text = re.sub(r"\brow (\d+)", lambda m: f"line {int(m.group(1)) + 1}", text)
    text = text.replace("EOF inside string", "the file ends inside a quoted field")
    return text.rstrip(".") + "."


def numeric_column(frame, column, where, first_line):
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() | frame[column].isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{where}, line {row + first_line}: column {column!r} must be a "
            f"number. Got {frame[column].iloc[row]!r}."
        )
    return values.to_numpy(dtype=np.float64)


def flag_values(values, column, where="The table", first_line=2) -> np.ndarray:
    """A yes/no column as booleans, read one way everywhere.

    ``True``/``False``, 1/0, ``yes``/``no``, ``y``/``n``, ``true``/``false``
    and ``t``/``f`` (any case, spaces ignored) are read as such; an empty
    cell is false. Anything else is an error naming the column and the line
    (``first_line`` is the line of the first row: 2 for a file with a
    header row).

    Parameters
    ----------
    values : pandas.Series or array-like
        The column.
    column : str
        Its name, for messages.
    where : str
        The file or table, for messages.
    first_line : int
        The line number of the first row.

    Returns
    -------
    numpy.ndarray of bool
    """
    series = pd.Series(values)
    if series.dtype == bool:
        return series.to_numpy()
    out = np.zeros(len(series), dtype=bool)
    for row, value in enumerate(series.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if isinstance(value, bool | np.bool_):
            out[row] = bool(value)
            continue
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            out[row] = True
        elif text not in FALSE_WORDS:
            raise ValueError(
                f"{where}, line {row + first_line}: column {column!r} must be "
                f"yes/no, true/false, 1/0 or empty. Got {value!r}."
            )
    return out
