"""Charts of the network itself and of the ambassadors worth asking."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from referral._core.params import Interval, Options, validate_params
from referral._core.renamed import upgrade_columns
from referral._core.stats import (
    ci_words,
    table_level,
    with_ambassadors_intervals,
    z_for,
)
from referral.plot._common import (
    ROLE_COLORS,
    axes_or_gca,
    data_first,
    default_title,
)

__all__ = ["plot_network", "plot_ambassadors"]


# ---------------------------------------------------------------- network
def _subset(network, centre, radius, max_people, must, rng):
    """People to draw: everyone if few; else ``centre``'s neighbourhood."""
    n = network.n_people
    if n <= max_people:
        return np.arange(n)
    indptr, indices = network.indptr, network.indices
    # undirected neighbourhood (ties either way)
    src = network.tie_sources
    chosen = list(dict.fromkeys(int(c) for c in centre))
    seen = set(chosen)
    frontier = np.asarray(chosen, dtype=np.int64)
    must = set(int(m) for m in must)
    for _ in range(radius):
        if len(seen) >= max_people or len(frontier) == 0:
            break
        out = np.concatenate([indices[indptr[u] : indptr[u + 1]] for u in frontier])
        inn = src[np.isin(indices, frontier)]
        layer = np.setdiff1d(np.concatenate([out, inn]), np.fromiter(seen, np.int64))
        room = max_people - len(seen)
        if len(layer) > room:
            preferred = np.asarray([u for u in layer if u in must], dtype=np.int64)
            others = np.setdiff1d(layer, preferred)
            if len(preferred) >= room:
                layer = rng.choice(preferred, size=room, replace=False)
            else:
                layer = np.concatenate(
                    [
                        preferred,
                        rng.choice(others, size=room - len(preferred), replace=False),
                    ]
                )
        chosen.extend(int(u) for u in layer)
        seen.update(int(u) for u in layer)
        frontier = np.asarray(layer, dtype=np.int64)
    return np.asarray(sorted(seen), dtype=np.int64)


@data_first("network")
@validate_params(
    {
        "data": ["network"],
        "radius": [Interval(int, 0, None)],
        "max_people": [Interval(int, 1, None)],
        "trial": [Interval(int, 0, None), None],
        "layout": [Options(("spring", "kamada_kawai", "circular")), Mapping],
        "seed": ["seed"],
    }
)
def plot_network(
    data,
    result=None,
    *,
    centre=None,
    radius: int = 1,
    max_people: int = 120,
    trial: int | None = None,
    layout: str = "spring",
    seed=0,
    ax=None,
    **kwargs,
):
    """Draw a small network or a person's neighbourhood, with roles and chains.

    Node colour shows the role (recruiter, candidate, other), node size the
    chain credit from ``result``, weak ties are dashed and strong ties
    solid, and the chains of one trial (spread) or one chain (search) are
    drawn thick in orange. A network with more than ``max_people`` people is
    not drawn whole: only ``centre``'s neighbourhood within ``radius`` ties
    (either direction), sampled down to ``max_people`` if needed, preferring
    people on the highlighted chains.

    Parameters
    ----------
    data : ReferralNetwork
        The people and ties (the network).
    result : SpreadResult or SearchResult, optional
        For node sizes (``chain_credit``, or ``times_as_intermediary`` for
        a search) and the highlighted chains.
    centre : person label or iterable of labels, optional
        Whose neighbourhood to draw when the network is large. Default:
        the result's sources (spread) or the start of the highlighted chain
        (search), else the recruiters, else the best-connected person.
    radius : int, default 1
        Ties from ``centre`` to include.
    max_people : int, default 120
        Most people drawn.
    trial : int, optional
        The spread trial (default 0, must be among the kept chains) or the
        search chain (default: the first kept chain that completed) to
        highlight.
    layout : {"spring", "kamada_kawai", "circular"} or dict, default "spring"
        A networkx layout name, or positions ``{label: (x, y)}``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. It
        places and samples the people, so a drawing can be repeated.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` for the people.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.collections`` holds the strong ties, the weak ties, the
        highlighted chains (each a ``LineCollection``) and then the people
        (a ``PathCollection``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.simulate._spread import spread
    >>> G = nx.karate_club_graph()
    >>> net = from_networkx(G, strength=lambda u, v, d: d["weight"] / 7,
    ...                     activity=0.5, recruiters=[0],
    ...                     candidates=[23, 33])
    >>> ax = plot_network(net, spread(net, trials=50, seed=1), ax=ax)
    >>> len(ax.collections[-1].get_offsets())  # all 34 people drawn
    34
    >>> plt.close(fig)
    """
    network = data  # named 'network' below
    _check_network_and_result(network, result)
    rng = np.random.default_rng(seed)
    chain_edges, chain_start = _chain_edges(result, trial)
    centre_ids = _centre_ids(network, result, centre, chain_start)
    must = np.unique(chain_edges) if chain_edges.size else []
    people = _subset(network, centre_ids, radius, max_people, must, rng)
    inside = np.zeros(network.n_people, dtype=bool)
    inside[people] = True
    src, dst, weak = _ties_inside(network, inside)
    pos = _positions(network, people, src, dst, layout, rng)
    xy = np.asarray([pos[int(i)] for i in people], dtype=np.float64)
    where = {int(p): k for k, p in enumerate(people)}

    def segments(a, b):
        return [
            (xy[where[int(u)]], xy[where[int(v)]]) for u, v in zip(a, b, strict=True)
        ]

    ax = axes_or_gca(ax)
    _draw_ties(ax, segments, src, dst, weak, chain_edges, inside)
    _draw_people(ax, network, people, result, xy, kwargs)
    _legend_and_labels(ax, network, people, result)
    return ax


def _check_network_and_result(network, result):
    """A clear error unless ``network`` is a network and ``result`` a spread
    or a search (or ``None``)."""
    from referral.network import ReferralNetwork
    from referral.simulate import SearchResult, SpreadResult

    if not isinstance(network, ReferralNetwork):
        raise TypeError(
            f"plot_network expects a ReferralNetwork. Got "
            f"{type(network).__name__} instead."
        )
    if result is not None and not isinstance(result, SpreadResult | SearchResult):
        raise TypeError(
            f"The 'result' parameter of plot_network must be a SpreadResult or "
            f"SearchResult. Got {type(result).__name__} instead."
        )


def _chain_edges(result, trial):
    """The highlighted chain's edges (parent id, child id) and, for a search,
    the chain's first person."""
    from referral.simulate import SearchResult, SpreadResult

    # highlighted chain edges (parent id -> child id)
    chain_edges = np.empty((0, 2), dtype=np.int64)
    chain_start = None
    if isinstance(result, SpreadResult) and len(result.chain_trial):
        kept = np.unique(result.chain_trial)
        t = int(kept[0]) if trial is None else int(trial)
        if t not in kept:
            raise ValueError(
                f"The 'trial' parameter of plot_network must be a trial whose "
                f"chains were kept (0..{int(kept.max())}). Got {trial!r} instead."
            )
        mask = (result.chain_trial == t) & (result.chain_parent >= 0)
        chain_edges = np.column_stack(
            [result.chain_parent[mask], result.chain_person[mask]]
        ).astype(np.int64)
    elif isinstance(result, SearchResult) and result.path_ids.size:
        paths = result.path_ids
        if trial is None:
            from referral.simulate import OUTCOMES

            # chain_outcome indexes the public OUTCOMES
            completed = OUTCOMES.index("completed")
            done = np.flatnonzero(result.chain_outcome[: len(paths)] == completed)
            c = int(done[0]) if len(done) else 0
        else:
            c = int(trial)
            if not 0 <= c < len(paths):
                raise ValueError(
                    f"The 'trial' parameter of plot_network must be a kept chain "
                    f"(0..{len(paths) - 1}). Got {trial!r} instead."
                )
        path = paths[c][paths[c] >= 0].astype(np.int64)
        chain_edges = np.column_stack([path[:-1], path[1:]])
        chain_start = int(path[0]) if len(path) else None
    return chain_edges, chain_start


def _centre_ids(network, result, centre, chain_start):
    """The people the drawn neighbourhood is centred on."""
    from referral.simulate import SpreadResult

    if centre is not None:
        centre_ids = network.ids(centre, parameter="centre")
    elif isinstance(result, SpreadResult):
        centre_ids = result.sources
    elif chain_start is not None:
        centre_ids = np.asarray([chain_start])
    elif len(network.recruiters):
        centre_ids = network.recruiters[:1]
    else:
        centre_ids = np.asarray([int(np.argmax(network.degree))])
    return centre_ids


def _ties_inside(network, inside):
    """The ties between drawn people: sources, targets and which are weak."""
    ties = network.tie_table()
    src = ties["source_id"].to_numpy(np.int64)
    dst = ties["target_id"].to_numpy(np.int64)
    keep = inside[src] & inside[dst]
    src, dst, weak = src[keep], dst[keep], ties["weak"].to_numpy(bool)[keep]
    return src, dst, weak


def _positions(network, people, src, dst, layout, rng):
    """Each drawn person's position, from ``layout``."""
    import networkx as nx

    if isinstance(layout, Mapping):
        pos = {int(i): layout[network.labels[i]] for i in people}
    else:
        G = nx.Graph()
        G.add_nodes_from(people.tolist())
        G.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        if layout == "spring":
            pos = nx.spring_layout(
                G, seed=int(rng.integers(2**31)), k=1.5 / np.sqrt(max(len(people), 1))
            )
        elif layout == "kamada_kawai":
            pos = nx.kamada_kawai_layout(G)
        elif layout == "circular":
            pos = nx.circular_layout(G)
        else:
            raise ValueError(
                "The 'layout' parameter of plot_network must be 'spring', "
                f"'kamada_kawai', 'circular' or a dict of positions. Got "
                f"{layout!r} instead."
            )
    return pos


def _draw_ties(ax, segments, src, dst, weak, chain_edges, inside):
    """Strong ties solid, weak ties dashed, the highlighted chain thick."""
    from matplotlib.collections import LineCollection

    ax.add_collection(
        LineCollection(
            segments(src[~weak], dst[~weak]),
            colors="#777777",
            linewidths=0.8,
            alpha=0.6,
            linestyles="solid",
            zorder=1,
        )
    )
    ax.add_collection(
        LineCollection(
            segments(src[weak], dst[weak]),
            colors="#999999",
            linewidths=0.7,
            alpha=0.6,
            linestyles=(0, (3, 3)),
            zorder=1,
        )
    )
    if chain_edges.size:
        on = inside[chain_edges[:, 0]] & inside[chain_edges[:, 1]]
        shown = chain_edges[on]
    else:
        shown = np.empty((0, 2), dtype=np.int64)
    ax.add_collection(
        LineCollection(
            segments(shown[:, 0], shown[:, 1]),
            colors="#ff7f0e",
            linewidths=2.6,
            alpha=0.9,
            zorder=2,
        )
    )


def _draw_people(ax, network, people, result, xy, kwargs):
    """The people, coloured by role and sized by chain credit."""
    from referral.simulate import SearchResult, SpreadResult

    role = np.where(
        network.is_recruiter[people],
        "recruiter",
        np.where(network.is_candidate[people], "candidate", "other"),
    )
    colors = [ROLE_COLORS[r] for r in role]
    credit = np.zeros(len(people))
    if isinstance(result, SpreadResult) and result.record == "full":
        credit = result.people()["chain_credit"].to_numpy(np.float64)[people]
    elif isinstance(result, SearchResult):
        credit = result.people()["times_as_intermediary"].to_numpy(np.float64)[people]
    top = credit.max() if len(credit) and credit.max() > 0 else 1.0
    sizes = 25 + 400 * credit / top
    sizes[role == "recruiter"] = np.maximum(sizes[role == "recruiter"], 160)
    scatter_kwargs = {"edgecolors": "white", "linewidths": 0.6, "zorder": 3, **kwargs}
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colors, **scatter_kwargs)


def _legend_and_labels(ax, network, people, result):
    """A bare, equal-aspect frame with the legend, count and title."""
    from matplotlib.lines import Line2D

    from referral.simulate import SpreadResult

    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            color=ROLE_COLORS[r],
            markersize=7,
            label=r,
        )
        for r in ("recruiter", "candidate", "other")
    ]
    handles += [
        Line2D([], [], color="#777777", label="strong tie"),
        Line2D([], [], color="#999999", linestyle=(0, (3, 3)), label="weak tie"),
    ]
    if result is not None:
        handles.append(
            Line2D(
                [],
                [],
                color="#ff7f0e",
                linewidth=2.6,
                label="one trial's chains"
                if isinstance(result, SpreadResult)
                else "one search chain",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize="small",
        borderaxespad=0.0,
        frameon=False,
    )
    size_note = "size = chain credit" if result is not None else ""
    ax.set_xlabel(
        ", ".join(
            x
            for x in [
                f"{len(people)} of {network.n_people} people",
                size_note,
            ]
            if x
        )
    )
    whole = len(people) == network.n_people
    default_title(ax, "The network" if whole else "A neighbourhood of the network")


# ------------------------------------------------------------- ambassadors
@data_first("table")
@validate_params({"gains": ["boolean"]})
def plot_ambassadors(data, *, gains: bool = True, ax=None, **kwargs):
    """Reach against the number of people asked, chosen against highest-degree.

    Draws the expected targets reached by the first ``k`` people of the pick
    order (line, with a band at the table's ``level``), the same for the
    ``k`` highest-degree people (grey line and band), the forward
    :func:`referral.spread` check of the chosen people (markers with error
    bars, if the table has it) and, on a second y axis at the right, each
    person's marginal gain (bars with error bars; when the first gain dwarfs
    the others, its bar is cut at the top and its value written, so the
    later gains stay readable). Every band and error bar is the table's own
    interval (its ``_ci_low`` and ``_ci_high`` columns, the ones
    :func:`referral.who_to_ask_sentences` prints; a table without them gets
    them from the same formulas, at 95% without a ``level`` column). Each
    band is its group's own interval; the paired difference between the two
    groups, which is far more precise, is the table's
    ``difference_estimate``.

    Parameters
    ----------
    data : pandas.DataFrame
        From :func:`referral.whom_to_ask._ambassadors.ambassadors`: ``rank``,
        ``reach_estimate``, ``reach_se``, ``degree_reach_estimate``,
        ``degree_reach_se``, ``gain_estimate``, ``gain_se`` and optionally
        ``spread_reach_estimate``, ``spread_reach_se``, with their
        ``_ci_low`` and ``_ci_high`` columns.
    gains : bool, default True
        Draw the marginal gains on a twin axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the chosen people's
        line.

    Returns
    -------
    matplotlib.axes.Axes
        The main Axes (the gains' twin axis is ``ax`` 's sibling).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2], "reach_estimate": [10.0, 14.0],
    ...                       "reach_se": [0.5, 0.6], "gain_estimate": [10.0, 4.0],
    ...                       "gain_se": [0.5, 0.3],
    ...                       "degree_reach_estimate": [8.0, 9.0],
    ...                       "degree_reach_se": [0.5, 0.5]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_ambassadors(table, ax=ax)
    >>> ax.lines[0].get_xydata().tolist()
    [[1.0, 10.0], [2.0, 14.0]]
    >>> plt.close(fig)
    """
    table = upgrade_columns(data, "ambassadors", where="plot_ambassadors' table")
    needed = (
        "rank",
        "reach_estimate",
        "reach_se",
        "degree_reach_estimate",
        "degree_reach_se",
    )
    missing = [name for name in needed if name not in table.columns]
    if missing:
        raise ValueError(
            f"plot_ambassadors needs a table from referral.ambassadors with "
            f"columns {list(needed)}; {missing} are missing. Got columns "
            f"{list(table.columns)}."
        )
    # the table's own intervals (a table saved before it had them gets them
    # from the same formulas), as the sentences print them
    frame = with_ambassadors_intervals(table.sort_values("rank"))
    level = table_level(frame)  # 0.95 for tables without the column
    z_for(level, function="plot_ambassadors")  # a bad level names the plot

    def column(name):
        return frame[name].to_numpy(dtype=np.float64)

    def bars(measure):
        """Error bars of a measure: distances to its interval's ends (0 for
        an end an edited estimate has passed)."""
        value = column(f"{measure}_estimate")
        return value, np.maximum(
            np.vstack(
                [
                    value - column(f"{measure}_ci_low"),
                    column(f"{measure}_ci_high") - value,
                ]
            ),
            0.0,
        )

    k = frame["rank"].to_numpy(dtype=np.float64)
    ax = axes_or_gca(ax)
    has_gains = gains and {"gain_estimate", "gain_se"} <= set(frame.columns)
    if has_gains:
        gain, gain_err = bars("gain")
        twin = ax.twinx()
        twin.bar(
            k,
            gain,
            width=0.6,
            color="#f2b06b",
            alpha=0.45,
            yerr=gain_err,
            error_kw={"ecolor": "#8c6d31", "capsize": 2, "linewidth": 0.8},
            label="added by this person",
        )
        twin.set_ylabel("targets added by this person (bars)", color="#8c6d31")
        twin.tick_params(axis="y", colors="#8c6d31")
        _fit_gains(twin, gain, k)
        ax.set_zorder(twin.get_zorder() + 1)
        ax.patch.set_visible(False)
    reach, reach_err = bars("reach")
    line_kwargs = {
        "color": "#1f77b4",
        "marker": "o",
        "markersize": 4,
        "label": "people chosen (IMM)",
        **kwargs,
    }
    degree, degree_err = bars("degree_reach")
    degree_kwargs = {
        "color": "#7f7f7f",
        "marker": "s",
        "markersize": 3,
        "linestyle": "--",
        "label": "highest-degree people",
    }
    if len(k) == 1:  # one point: a band cannot show, so error bars side by side
        ax.errorbar(k, reach, yerr=reach_err, capsize=3, **line_kwargs)
        ax.errorbar(k - 0.15, degree, yerr=degree_err, capsize=3, **degree_kwargs)
    else:
        (line,) = ax.plot(k, reach, **line_kwargs)
        ax.fill_between(
            k,
            column("reach_ci_low"),
            column("reach_ci_high"),
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
        ax.plot(k, degree, **degree_kwargs)
        ax.fill_between(
            k,
            column("degree_reach_ci_low"),
            column("degree_reach_ci_high"),
            color="#7f7f7f",
            alpha=0.2,
            linewidth=0,
        )
    if (
        "spread_reach_estimate" in frame.columns
        and frame["spread_reach_estimate"].notna().any()
    ):
        check, check_err = bars("spread_reach")
        ax.errorbar(
            k + 0.15,
            check,
            yerr=check_err,
            fmt="x",
            color="#d62728",
            markersize=5,
            capsize=2,
            linewidth=0.8,
            label="forward spread check",
        )
    ax.set_xlabel("number of people asked")
    ax.set_ylabel(f"targets reached (expected; bands: {ci_words(level)})")
    if len(k) <= 20:
        ax.set_xticks(k)
    ax.set_xlim(k.min() - 0.6, k.max() + 0.6)
    handles, labels = ax.get_legend_handles_labels()
    if has_gains:
        bar_handles, bar_labels = twin.get_legend_handles_labels()
        handles, labels = handles + bar_handles, labels + bar_labels
    # below the plot: every corner of it holds data (bands, bars, the cut bar)
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=2,
        fontsize="small",
        frameon=False,
    )
    default_title(ax, "Whom to ask: people chosen vs best-connected")
    return ax


def _fit_gains(twin, gain, k):
    """Bars on a scale the later gains can be read on: when the first gain
    dwarfs the rest (as on networks above their threshold, where one poster
    reaches the big core), its bar is cut at the top and its value written."""
    later = gain[1:]
    top = float(np.nanmax(gain)) if len(gain) else 1.0
    if len(later) and np.nanmax(later) > 0 and gain[0] > 4 * np.nanmax(later):
        top = 1.6 * float(np.nanmax(later))
        twin.annotate(
            f"{gain[0]:.3g} (cut)",
            (k[0], top),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize="small",
            color="#8c6d31",
        )
    twin.set_ylim(0, top * 1.05 if top > 0 else 1.0)
