"""Parametric bootstrap intervals for a referral-log fit.

The fitted model (each holder's activity, one transmission) is run again
from the log's own posters, ``n_boot`` times; each simulated complete log is
fitted by maximum likelihood, and the interval of a parameter is the central
``level`` range of its refitted values (percentile interval); its ``se`` is
their standard deviation. The estimate stays the fit's own.

Each replicate draws from its own stream ``(entropy, b)``, so the intervals
depend only on the seed, never on how the replicates are run.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from referral._core.rng import default_rng_from, resolve_entropy

__all__ = ["simulate_holders", "bootstrap_table"]


def simulate_holders(network, activity, w, posters, s_act, rng):
    """One complete log of spread's model, as what the likelihood reads.

    ``posters`` maps opening code to poster ids. Returns a namespace with the
    holder arrays of :class:`~referral.calibrate._log.HolderData` that the
    constant-transmission model uses: ``person``, ``source``, ``k`` (untold
    contacts when acting), ``c`` (how many of them it told); holders with no
    untold contact are left out, as in the fit.
    """
    indptr, indices = network.indptr, network.indices
    n = network.n_people
    person, source, k_all, c_all = [], [], [], []
    hop_of = np.full(n, -1, dtype=np.int64)
    for code in sorted(posters):
        frontier = np.unique(np.asarray(posters[code], dtype=np.int64))
        touched = [frontier]
        hop_of[frontier] = 0
        h = 0
        while len(frontier):
            deg = indptr[frontier + 1] - indptr[frontier]
            starts = np.repeat(indptr[frontier], deg)
            offsets = np.arange(deg.sum()) - np.repeat(np.cumsum(deg) - deg, deg)
            contact = indices[starts + offsets]
            holder = np.repeat(np.arange(len(frontier)), deg)
            untold = hop_of[contact] < 0
            k = np.bincount(holder[untold], minlength=len(frontier))
            chance = s_act if h == 0 else activity[frontier]
            acts = rng.random(len(frontier)) < chance
            carried = untold & acts[holder] & (rng.random(len(contact)) < w)
            c = np.bincount(holder[carried], minlength=len(frontier))
            keep = k > 0
            person.append(frontier[keep])
            source.append(np.full(int(keep.sum()), h == 0))
            k_all.append(k[keep])
            c_all.append(c[keep])
            new = np.unique(contact[carried])
            hop_of[new] = h + 1
            touched.append(new)
            frontier = new
            h += 1
        hop_of[np.concatenate(touched)] = -1
    return SimpleNamespace(
        person=np.concatenate(person),
        source=np.concatenate(source),
        k=np.concatenate(k_all).astype(np.int64),
        c=np.concatenate(c_all).astype(np.int64),
    )


def bootstrap_table(table, state, *, n_boot, level, seed, function):
    """Replace the intervals and SEs of ``table`` by bootstrap ones.

    Returns the new table and the array of refitted values (``n_boot`` x
    parameters; NaN where a replicate had no information on a parameter).
    """
    from scipy import special

    from referral.calibrate._spread_model import LogModel, _profile_w

    model = state.model
    G = model.n_groups
    entropy = resolve_entropy(seed, function=function)
    net = state.network(table)
    activity = np.asarray(net.activity, dtype=float)
    w = float(state.x_hat[G])
    posters = {c: np.asarray(p, dtype=np.int64) for c, p in state.data.posters.items()}
    values = np.full((n_boot, G + 1), np.nan)
    around = float(special.logit(np.clip(w, 1e-6, 1 - 1e-6)))
    for b in range(n_boot):
        rng = default_rng_from(entropy, b)
        data = simulate_holders(net, activity, w, posters, state.s_act, rng)
        if len(data.k) == 0:
            continue
        sim = LogModel(data, net, state.codes, G, "constant", state.s_act)
        w_b, f_b, _ = _profile_w(sim, around=around)
        values[b, :G] = np.where(sim.n_info > 0, f_b, np.nan)
        values[b, G] = w_b
    alpha = (1 - level) / 2
    out = table.copy()
    for j in range(G + 1):
        v = values[:, j]
        v = v[np.isfinite(v)]
        if np.isnan(out.loc[j, "estimate"]) or len(v) < 2:
            continue
        out.loc[j, "ci_low"], out.loc[j, "ci_high"] = np.quantile(v, [alpha, 1 - alpha])
        out.loc[j, "se"] = float(np.std(v, ddof=1))
    return out, values
