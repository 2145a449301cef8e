"""Read a referral log against a network: who held each opening at which hop.

The log is a table of tellings (``opening``, ``teller``, ``told``, optional
``time``) plus the posters of each opening. From it this room works out the
hop structure of every opening (posters at hop 0; a person told by a holder
of hop ``h`` is at hop ``h + 1``) and, for every holder, the contacts still
untold when they acted and which of them they told: the data of the spread
model's likelihood.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from referral._core.validation import user_stacklevel
from referral.network._labels import describe_labels

__all__ = ["HolderData", "read_log"]


@dataclass(frozen=True)
class HolderData:
    """Every holder of every opening, and their still-untold contacts.

    Holder arrays (one row per person holding an opening, who had at least
    one untold contact): ``person`` (id), ``opening`` (code), ``hop``,
    ``source`` (bool: a poster), ``k`` (untold contacts), ``c`` (how many of
    them they told). Entry arrays (one row per untold contact of a holder):
    ``entry_holder`` (row into the holder arrays), ``entry_tie`` (CSR entry)
    and ``entry_told`` (bool).
    """

    person: np.ndarray
    opening: np.ndarray
    hop: np.ndarray
    source: np.ndarray
    k: np.ndarray
    c: np.ndarray
    entry_holder: np.ndarray
    entry_tie: np.ndarray
    entry_told: np.ndarray
    openings: np.ndarray
    n_holders_total: int
    n_ambiguous: int
    # per opening and hop: people newly holding it (for the predictive check)
    hop_counts: pd.DataFrame
    posters: dict
    # every holder (including those with no untold contact): opening code,
    # person, hop; what the fit over possible tellers reads
    held: tuple = ()


def _rows(index) -> str:
    rows = list(index)
    shown = ", ".join(map(str, rows[:10]))
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return f"{shown}{more}"


def _check_columns(log, wanted: dict, function: str) -> None:
    if not isinstance(log, pd.DataFrame):
        raise TypeError(
            f"The 'log' parameter of {function} must be a pandas DataFrame. "
            f"Got {type(log).__name__} instead."
        )
    available = [str(c) for c in log.columns]
    for parameter, column in wanted.items():
        if column is None:
            continue
        if column not in log.columns:
            close = difflib.get_close_matches(str(column), available, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"The log has no column {column!r} (the {parameter!r} parameter of "
                f"{function}); its columns are {available}.{hint}"
            )


def _poster_map(sources, openings, tellers_by_opening, told_by_opening, function):
    """opening -> list of poster labels."""
    if sources is None:
        posters = {}
        for o in openings:
            told = told_by_opening.get(o, set())
            roots = [
                t for t in dict.fromkeys(tellers_by_opening.get(o, [])) if t not in told
            ]
            posters[o] = roots
        return posters
    if isinstance(sources, pd.Series):
        sources = sources.to_dict()
    if isinstance(sources, dict):
        unknown = [o for o in openings if o not in sources]
        if unknown:
            raise ValueError(
                f"The 'sources' parameter of {function} names no posters for "
                f"the opening(s) {describe_labels(unknown)} of the log."
            )
        posters = {}
        for o, value in sources.items():
            if isinstance(value, str | int | np.integer) or not hasattr(
                value, "__iter__"
            ):
                value = [value]
            posters[o] = list(value)
        return posters
    if isinstance(sources, str | int | np.integer) or not hasattr(sources, "__iter__"):
        sources = [sources]
    sources = list(sources)
    return {o: sources for o in openings}


def read_log(
    network,
    log,
    *,
    sources,
    opening,
    teller,
    told,
    time,
    tellers,
    function,
) -> HolderData:
    """Validate ``log`` and return the holders and their untold contacts."""
    _check_columns(
        log,
        {"opening": opening, "teller": teller, "told": told, "time": time},
        function,
    )
    if len(log) == 0 and not isinstance(sources, dict | pd.Series):
        raise ValueError(
            f"The log passed to {function} is empty. A log where nobody told "
            f"anyone is still evidence: pass sources={{opening: poster, ...}} "
            f"to name each opening's posters."
        )
    table = log.reset_index(drop=False).rename(columns={"index": "_row"})
    row_labels = log.index.to_numpy()
    if time is not None:
        order = np.argsort(log[time].to_numpy(), kind="stable")
    else:
        order = np.arange(len(log))
    op_values = log[opening].to_numpy(dtype=object)
    teller_ids = network.positions(log[teller].to_numpy(dtype=object))
    told_ids = network.positions(log[told].to_numpy(dtype=object))
    for column, ids in [(teller, teller_ids), (told, told_ids)]:
        bad = np.flatnonzero(ids < 0)
        if len(bad):
            people = log[column].to_numpy(dtype=object)[bad].tolist()
            raise nx.NodeNotFound(
                f"The log's {column!r} column names people who are not in the "
                f"network: {describe_labels(list(dict.fromkeys(people)))} (rows "
                f"{_rows(row_labels[bad])})."
            )
    same = np.flatnonzero(teller_ids == told_ids)
    if len(same):
        raise ValueError(
            f"The log has rows where the teller is the person told ({teller!r} "
            f"== {told!r}): rows {_rows(row_labels[same])}."
        )
    del table

    openings = list(dict.fromkeys(op_values.tolist()))
    tellers_by, told_by = {}, {}
    for o, t, d in zip(
        op_values.tolist(), log[teller].tolist(), log[told].tolist(), strict=True
    ):
        tellers_by.setdefault(o, []).append(t)
        told_by.setdefault(o, set()).add(d)
    if isinstance(sources, dict | pd.Series):
        extra = [o for o in (sources.keys()) if o not in tellers_by]
        openings += extra
    posters = _poster_map(sources, openings, tellers_by, told_by, function)
    all_posters = [p for o in openings for p in posters[o]]
    poster_id = {}
    if all_posters:  # names every poster who is not in the network, once
        unique = list(dict.fromkeys(all_posters))
        ids = network.ids(unique, parameter="sources").tolist()
        poster_id = dict(zip(unique, ids, strict=True))

    n = network.n_people
    opening_code = {o: i for i, o in enumerate(openings)}
    row_op = np.array([opening_code[o] for o in op_values.tolist()], dtype=np.int64)

    # rows grouped by opening, in time (or row) order
    rows_sorted = order[np.argsort(row_op[order], kind="stable")]
    bounds = np.searchsorted(row_op[rows_sorted], np.arange(len(openings) + 1))

    holder_person, holder_op, holder_hop, holder_src = [], [], [], []
    kept_rows = np.zeros(len(log), dtype=bool)
    kept_hop = np.full(len(log), -1, dtype=np.int64)
    duplicates = []
    unreached = []
    hop_rows = []
    for code, o in enumerate(openings):
        rows = rows_sorted[bounds[code] : bounds[code + 1]]
        poster_ids = list(dict.fromkeys(poster_id[p] for p in posters[o]))
        if not poster_ids:
            raise ValueError(
                f"{function} found no poster for opening {o!r}: every teller in it "
                f"was told by someone else. Pass sources= to name the posters."
            )
        hop_of = {p: 0 for p in poster_ids}
        children: dict[int, list[int]] = {}
        for r in rows.tolist():
            children.setdefault(int(teller_ids[r]), []).append(r)
        frontier = list(poster_ids)
        h = 0
        while frontier:
            nxt = []
            claimed = {}
            for person in frontier:
                for r in children.get(person, []):
                    j = int(told_ids[r])
                    if j in hop_of and j not in claimed:
                        duplicates.append(r)
                        continue
                    if j in claimed:
                        if tellers == "all":
                            kept_rows[r] = True
                            kept_hop[r] = h
                        else:
                            duplicates.append(r)
                        continue
                    claimed[j] = r
                    kept_rows[r] = True
                    kept_hop[r] = h
                    nxt.append(j)
            for j in nxt:
                hop_of[j] = h + 1
            holder_person.extend(frontier)
            holder_op.extend([code] * len(frontier))
            holder_hop.extend([h] * len(frontier))
            holder_src.extend([h == 0] * len(frontier))
            hop_rows.append((code, h, len(frontier)))
            frontier = nxt
            h += 1
        for r in rows.tolist():
            if int(teller_ids[r]) not in hop_of:
                unreached.append(r)
    if unreached:
        unreached = np.array(sorted(unreached))
        people = log[teller].to_numpy(dtype=object)[unreached].tolist()
        raise ValueError(
            f"The log has tellers who never held the opening: "
            f"{describe_labels(list(dict.fromkeys(people)))} are neither its "
            f"posters nor told by anyone (rows {_rows(row_labels[unreached])}). "
            f"Add them to sources= or fix the {teller!r} column."
        )
    if duplicates:
        duplicates = np.array(sorted(duplicates))
        warnings.warn(
            f"{len(duplicates)} telling(s) in the log went to people who already "
            f"held the opening; the first telling counts and these were left "
            f"out (rows {_rows(row_labels[duplicates])}).",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    if time is not None:
        # a holder cannot tell before being told
        times = log[time].to_numpy()
        told_time = {}
        for r in np.flatnonzero(kept_rows).tolist():
            told_time.setdefault((row_op[r], int(told_ids[r])), times[r])
        early = [
            r
            for r in np.flatnonzero(kept_rows).tolist()
            if (row_op[r], int(teller_ids[r])) in told_time
            and times[r] < told_time[(row_op[r], int(teller_ids[r]))]
        ]
        if early:
            early = np.array(early)
            raise ValueError(
                f"The log's {time!r} column is out of order: these rows tell "
                f"before the teller was told (rows {_rows(row_labels[early])})."
            )

    person = np.asarray(holder_person, dtype=np.int64)
    hop = np.asarray(holder_hop, dtype=np.int64)
    op_code = np.asarray(holder_op, dtype=np.int64)
    source = np.asarray(holder_src, dtype=bool)

    # key (opening, person) -> hop, for every holder
    held_key = op_code * n + person
    sort = np.argsort(held_key)
    held_sorted, held_hop = held_key[sort], hop[sort]

    # every holder's ties
    degree = np.diff(network.indptr)[person]
    entry_holder = np.repeat(np.arange(len(person)), degree)
    starts = network.indptr[person]
    offsets = np.arange(len(entry_holder)) - np.repeat(
        np.cumsum(degree) - degree, degree
    )
    entry_tie = np.repeat(starts, degree) + offsets
    contact = network.indices[entry_tie].astype(np.int64)
    contact_key = op_code[entry_holder] * n + contact
    pos = np.searchsorted(held_sorted, contact_key)
    pos_c = np.minimum(pos, len(held_sorted) - 1)
    found = (pos < len(held_sorted)) & (held_sorted[pos_c] == contact_key)
    contact_hop = np.where(found, held_hop[pos_c], np.iinfo(np.int64).max)
    my_hop = hop[entry_holder]
    untold = contact_hop > my_hop

    # kept tellings, keyed (opening, teller, told)
    kr = np.flatnonzero(kept_rows)
    tell_key = (row_op[kr] * n + teller_ids[kr].astype(np.int64)) * n + told_ids[kr]
    tell_key = np.sort(tell_key)
    entry_key = (op_code[entry_holder] * n + person[entry_holder]) * n + contact
    tpos = np.searchsorted(tell_key, entry_key)
    tpos_c = np.minimum(tpos, max(len(tell_key) - 1, 0))
    told_flag = (
        (tpos < len(tell_key)) & (tell_key[tpos_c] == entry_key)
        if len(tell_key)
        else np.zeros(len(entry_key), dtype=bool)
    )
    # every kept telling must run along a tie
    n_along = int(told_flag.sum())
    if n_along != len(kr):
        all_key = (op_code[entry_holder] * n + person[entry_holder]) * n + contact
        along = np.isin(
            (row_op[kr] * n + teller_ids[kr].astype(np.int64)) * n + told_ids[kr],
            all_key[told_flag],
        )
        bad = kr[~along]
        raise ValueError(
            f"The log has tellings between people with no tie in the network "
            f"(rows {_rows(row_labels[bad])}); the model only passes openings "
            f"along ties."
        )
    ambiguous = untold & ~told_flag & (contact_hop == my_hop + 1)
    n_ambiguous = int(ambiguous.sum()) if tellers == "first" else 0
    keep = untold & ~ambiguous if tellers == "first" else untold
    entry_holder, entry_tie, entry_told = (
        entry_holder[keep],
        entry_tie[keep],
        told_flag[keep],
    )
    k = np.bincount(entry_holder, minlength=len(person))
    c = np.bincount(entry_holder, weights=entry_told, minlength=len(person)).astype(
        np.int64
    )
    informative = k > 0
    remap = np.cumsum(informative) - 1
    hop_counts = pd.DataFrame(hop_rows, columns=["opening", "hop", "held"])
    return HolderData(
        person=person[informative],
        opening=op_code[informative],
        hop=hop[informative],
        source=source[informative],
        k=k[informative],
        c=c[informative],
        entry_holder=remap[entry_holder],
        entry_tie=entry_tie,
        entry_told=entry_told,
        openings=np.asarray(openings, dtype=object),
        n_holders_total=len(person),
        n_ambiguous=n_ambiguous,
        hop_counts=hop_counts,
        posters={
            code: np.array([poster_id[p] for p in posters[o]], dtype=np.int32)
            for code, o in enumerate(openings)
        },
        held=(op_code, person, hop),
    )
