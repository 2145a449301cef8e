"""Lists of people in sentences, unambiguous whatever the labels.

``a, b and c`` reads well while no label holds a comma; a co-authorship
network's ``NEWMAN, M`` would make it unreadable, so such lists are
separated by semicolons (``NEWMAN, M; JEONG, H; and WATTS, D``), and labels
that hold a semicolon, a double quote or the word "and", or a lone label
with a comma, are quoted.
"""

from __future__ import annotations

import re

__all__ = ["join_names", "display_names", "names_column", "NAME_ATTRIBUTES"]

_QUOTE = re.compile(r';|"|\band\b|^\s|\s$|^$')


def join_names(labels, *, more: int = 0, limit: int | None = None) -> str:
    """``a``, ``a and b``, ``a, b and c``; semicolons when a label has a comma.

    Parameters
    ----------
    labels : iterable
        The people, in order.
    more : int, default 0
        People not named, said as ``"and N more"``.
    limit : int, optional
        Name at most this many; the rest join ``more``.

    Returns
    -------
    str
        The list; named plus ``more`` is always the number of people meant.

    Examples
    --------
    >>> join_names(["ana", "bo", "cy"])
    'ana, bo and cy'
    >>> join_names(["NEWMAN, M", "JEONG, H", "WATTS, D"])
    'NEWMAN, M; JEONG, H; and WATTS, D'
    >>> join_names(["a", "b", "c", "d"], limit=2, more=1)
    'a, b and 3 more'
    """
    names = [str(label) for label in labels]
    if limit is not None and len(names) > limit:
        more += len(names) - limit
        names = names[:limit]
    alone = len(names) == 1 and not more
    if any(_QUOTE.search(name) for name in names) or (alone and "," in names[0]):
        names = ['"' + name.replace('"', '\\"') + '"' for name in names]
        sep = "; "
    elif any("," in name for name in names):
        sep = "; "
    else:
        sep = ", "
    items = names + ([f"{more:,} more"] if more else [])
    if len(items) == 0:
        return "no one"
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]}{';' if sep == '; ' else ''} and {items[1]}"
    last = "; and " if sep == "; " else " and "
    return sep.join(items[:-1]) + last + items[-1]


#: network attributes read as people's display names, first found wins
NAME_ATTRIBUTES = ("display_name", "name")


def display_names(network, ids):
    """Display names of people ``ids`` (an array of object), or None.

    From the network's first attribute in :data:`NAME_ATTRIBUTES`; a person
    without one (missing, empty) keeps their label.
    """
    for attribute in NAME_ATTRIBUTES:
        values = network.attributes.get(attribute)
        if values is None:
            continue
        out = []
        for i in ids:
            value = values[int(i)]
            missing = value is None or (isinstance(value, float) and value != value)
            missing = missing or str(value) == ""
            out.append(str(network.labels[int(i)]) if missing else str(value))
        return out
    return None


def names_column(table, column: str = "person") -> list:
    """The people of ``table[column]`` as sentences name them: the matching
    display-name column (``name`` for ``person``, ``<column>_name``
    otherwise) where the table has one, else the labels."""
    name_column = "name" if column == "person" else f"{column}_name"
    labels = [str(x) for x in table[column]]
    if name_column not in table.columns:
        return labels
    return [
        label if (n is None or n != n or str(n) == "") else str(n)
        for label, n in zip(labels, table[name_column], strict=True)
    ]
