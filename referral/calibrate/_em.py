"""The spread model's likelihood when the log does not say who told whom.

The evidence is who held each opening at which hop (posters at hop 0). A
holder ``i`` of hop ``h`` has ``k_i`` contacts still untold when it acts; of
those, ``T_i`` (``t_i`` of them) hold the opening at hop ``h + 1``: any of
that hop's holders who are their contacts may have told them. Holder ``i``
acts with probability ``f_i`` (``A_i = 1``); if it acts each of its ``k_i``
ties carries with probability ``w``. The chance of the observed hops is

    sum over A of  prod_i f_i^A_i (1 - f_i)^(1 - A_i) (1 - w)^(A_i (k_i - t_i))
                   prod_j [1 - (1 - w)^(n_j(A))],

where ``j`` runs over the people told at hop ``h + 1`` and ``n_j(A)`` is
how many acting holders of hop ``h`` are their contacts. Acting couples the
holders who share a told contact, so the sum does not factorise per holder;
it does factorise over the *components* of the graph linking holders to the
told people they could have told. A holder in no such component (it told
nobody) contributes ``(1 - f) + f (1 - w)^k``. Inside a component the sum
is evaluated exactly by listing the acting patterns (holders who are some
told person's only possible teller must have acted, so only the others are
listed). This is the exact observed-data likelihood (Saito et al. 2008's
setting, with activity added).

Fitting is by expectation-maximisation over the possible tellers and the
acting patterns: given ``(f, w)`` the E-step weighs every acting pattern of
a component by its posterior chance and, within a pattern, gives each of the
``n_j`` acting possible tellers of person ``j`` the responsibility
``w / (1 - (1 - w)^n_j)``; the M-step sets each group's activity to its
expected share of holders who acted, and ``w`` to expected carried ties over
expected ties tried. The EM's fixed point is then polished by a
quasi-Newton step on the same exact likelihood, whose gradient is the
E-step's expected complete-data score (Fisher's identity), and intervals are
profile-likelihood intervals of the exact likelihood.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import networkx as nx
import numba
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from referral._core.validation import user_stacklevel
from referral.calibrate._log import _check_columns, _poster_map, _rows
from referral.calibrate._sampled import BigComponent, pattern_rows
from referral.network._labels import describe_labels

__all__ = ["HopData", "EMModel", "read_hops", "hops_from_holders", "MAX_FREE"]

EPS = 1e-9
#: the most holders of one component whose acting is listed (2**MAX_FREE
#: patterns); larger components are sampled (see _sampled.py)
MAX_FREE = 12


@dataclass(frozen=True)
class HopData:
    """Every holder of every opening with its hop (posters at hop 0)."""

    opening: np.ndarray  # opening code per holder
    person: np.ndarray
    hop: np.ndarray
    source: np.ndarray
    openings: np.ndarray
    posters: dict
    hop_counts: pd.DataFrame


def _blank(values) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    return (s.isna() | (s.astype(str).str.strip() == "")).to_numpy()


def read_hops(network, log, *, sources, opening, told, hop, function) -> HopData:
    """Validate a log of (opening, told, hop) rows and return every holder."""
    _check_columns(log, {"opening": opening, "told": told, "hop": hop}, function)
    if sources is None:
        raise ValueError(
            f"{function} needs sources= (the posters of each opening) when the "
            f"log does not say who told whom."
        )
    row_labels = log.index.to_numpy()
    hops = pd.to_numeric(log[hop], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(hops) | (hops < 1) | (hops != np.round(hops)))
    if len(bad):
        raise ValueError(
            f"The log's {hop!r} column must hold whole numbers of at least 1 (the "
            f"posters are hop 0); rows {_rows(row_labels[bad])} hold "
            f"{describe_labels(list(dict.fromkeys(log[hop].to_numpy()[bad])))}."
        )
    hops = hops.astype(np.int64)
    told_ids = network.positions(log[told].to_numpy(dtype=object))
    missing = np.flatnonzero(told_ids < 0)
    if len(missing):
        people = log[told].to_numpy(dtype=object)[missing].tolist()
        raise nx.NodeNotFound(
            f"The log's {told!r} column names people who are not in the "
            f"network: {describe_labels(list(dict.fromkeys(people)))} (rows "
            f"{_rows(row_labels[missing])})."
        )
    op_values = log[opening].to_numpy(dtype=object).tolist()
    openings = list(dict.fromkeys(op_values))
    if isinstance(sources, dict | pd.Series):
        openings += [o for o in sources.keys() if o not in set(openings)]
    posters = _poster_map(sources, openings, {}, {}, function)
    unique = list(dict.fromkeys(p for o in openings for p in posters[o]))
    poster_id = dict(
        zip(unique, network.ids(unique, parameter="sources").tolist(), strict=True)
    )
    code_of = {o: i for i, o in enumerate(openings)}
    rows_of: dict[int, list[int]] = {}
    for r, o in enumerate(op_values):
        rows_of.setdefault(code_of[o], []).append(r)
    holders = {}
    duplicates = []
    for code, o in enumerate(openings):
        held = {poster_id[p]: 0 for p in posters[o]}
        first_row = {}
        for r in sorted(rows_of.get(code, []), key=lambda r: hops[r]):
            j = int(told_ids[r])
            if j in held:
                duplicates.append(r)
                continue
            held[j] = int(hops[r])
            first_row[j] = r
        holders[code] = (held, first_row)
    if duplicates:
        duplicates = np.array(sorted(duplicates))
        warnings.warn(
            f"{len(duplicates)} row(s) of the log name people who already held the "
            f"opening (a poster, or told at an earlier or the same hop); the "
            f"earliest counts and these were left out (rows "
            f"{_rows(row_labels[duplicates])}).",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return hops_from_holders(
        network, holders, openings, posters, poster_id, row_labels, function
    )


def hops_from_holders(
    network, holders, openings, posters, poster_id, row_labels, function
) -> HopData:
    """Check every told person had a contact holding it one hop earlier."""
    indptr, indices = network.indptr, network.indices
    if network.directed:
        # who could have told j: the people with a tie towards j
        m = sparse.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(network.n_people,) * 2
        ).T.tocsr()
        indptr, indices = m.indptr, m.indices
    op_l, person_l, hop_l, src_l, hop_rows, orphans = [], [], [], [], [], []
    for code in range(len(openings)):
        held, first_row = holders[code]
        for j, h in held.items():
            if h == 0:
                continue
            contacts = indices[indptr[j] : indptr[j + 1]].tolist()
            if not any(held.get(c, -9) == h - 1 for c in contacts):
                orphans.append(first_row.get(j, -1))
        counts = pd.Series(list(held.values())).value_counts().sort_index()
        for h, m in counts.items():
            hop_rows.append((code, int(h), int(m)))
        op_l.extend([code] * len(held))
        person_l.extend(held.keys())
        hop_l.extend(held.values())
        src_l.extend(h == 0 for h in held.values())
    if orphans:
        orphans = np.array(sorted(orphans))
        raise ValueError(
            f"The log has people told at a hop where none of their contacts held "
            f"the opening one hop earlier (rows {_rows(row_labels[orphans])}); the "
            f"model only passes openings along ties, one hop at a time."
        )
    return HopData(
        opening=np.asarray(op_l, dtype=np.int64),
        person=np.asarray(person_l, dtype=np.int64),
        hop=np.asarray(hop_l, dtype=np.int64),
        source=np.asarray(src_l, dtype=bool),
        openings=np.asarray(openings, dtype=object),
        posters={
            code: np.array([poster_id[p] for p in posters[o]], dtype=np.int32)
            for code, o in enumerate(openings)
        },
        hop_counts=pd.DataFrame(hop_rows, columns=["opening", "hop", "held"]),
    )


class EMModel:
    """The exact observed-data likelihood, as acting patterns per component.

    Every listed pattern ``s`` of component ``comp[s]`` is summarised by how
    many holders of each group acted (``act``) or did not (``idle``; the last
    column is the posters, acting with ``source_activity``), the ties tried
    towards people not told next hop (``K``) and, for ``n = 1, 2, ...``, how
    many people told next hop had ``n`` acting possible tellers (``hist``).
    """

    def __init__(
        self, network, data, group_codes, n_groups, s_act, function, max_free=None
    ):
        self.n_groups = n_groups
        self.s_act = float(s_act)
        self.transmission = "constant"
        self.n_tx = 1
        G = n_groups
        n = network.n_people
        indptr, indices = network.indptr, network.indices
        key = data.opening * n + data.person
        order = np.argsort(key)
        key_sorted, hop_sorted = key[order], data.hop[order]
        degree = np.diff(indptr)[data.person]
        eh = np.repeat(np.arange(len(data.person)), degree)
        offsets = np.arange(len(eh)) - np.repeat(np.cumsum(degree) - degree, degree)
        contact = indices[np.repeat(indptr[data.person], degree) + offsets].astype(
            np.int64
        )
        ckey = data.opening[eh] * n + contact
        pos = np.minimum(np.searchsorted(key_sorted, ckey), len(key_sorted) - 1)
        found = key_sorted[pos] == ckey
        chop = np.where(found, hop_sorted[pos], np.iinfo(np.int64).max)
        myhop = data.hop[eh]
        untold = chop > myhop
        nxt = untold & (chop == myhop + 1)
        H = len(data.person)
        k = np.bincount(eh[untold], minlength=H)
        t = np.bincount(eh[nxt], minlength=H)
        gcol = np.where(data.source, G, group_codes[data.person])
        self.n_info = np.bincount(gcol[(k > 0) & ~data.source], minlength=G + 1)[:G]
        self.n_entries = int(k.sum())
        self.n_told = int(len(np.unique(ckey[nxt])))
        # bipartite graph: holders 0..H-1, told people (keyed) H..
        told_keys, told_idx = np.unique(ckey[nxt], return_inverse=True)
        nT = len(told_keys)
        graph = sparse.coo_matrix(
            (np.ones(int(nxt.sum())), (eh[nxt], H + told_idx)), shape=(H + nT,) * 2
        )
        _, label = csgraph.connected_components(graph, directed=False)
        acts, idles, Ks, hists, comps = [], [], [], [], []
        n_comp = 0
        # holders who told nobody: two patterns each
        alone = (t == 0) & (k > 0)
        ia = np.flatnonzero(alone)
        m = len(ia)
        idx = np.arange(m)
        act = np.zeros((2 * m, G + 1))
        act[2 * idx + 1, gcol[ia]] = 1
        idle = np.zeros((2 * m, G + 1))
        idle[2 * idx, gcol[ia]] = 1
        K = np.zeros(2 * m)
        K[2 * idx + 1] = k[ia]
        acts.append(act)
        idles.append(idle)
        Ks.append(K)
        hists.append(np.zeros((2 * m, 0)))
        comps.append(np.repeat(idx, 2))
        n_comp = m
        # the others, one component at a time
        shared = np.flatnonzero(t > 0)
        self.largest = 0
        self.big = []
        if len(shared):
            e_nxt = np.flatnonzero(nxt)
            by_comp = pd.Series(np.arange(len(shared))).groupby(label[shared]).indices
            edges_by_comp = pd.Series(e_nxt).groupby(label[eh[e_nxt]]).indices
            parts = []
            for lab, members in by_comp.items():
                hs = shared[members]
                edges = e_nxt[edges_by_comp[lab]]
                local_h = {int(h): i for i, h in enumerate(hs.tolist())}
                tj, tinv = np.unique(
                    told_idx_of(edges, eh, told_idx, nxt), return_inverse=True
                )
                adj = np.zeros((len(hs), len(tj)), dtype=np.int64)
                adj[[local_h[int(h)] for h in eh[edges].tolist()], tinv] = 1
                only = adj.sum(axis=0) == 1
                forced = adj[:, only].any(axis=1)
                parts.append((hs, adj, np.flatnonzero(~forced)))
            self.largest = max(len(free) for _, _, free in parts)
            limit = MAX_FREE if max_free is None else max_free
            for hs, adj, free in parts:
                g = gcol[hs]
                onehot = np.zeros((len(hs), G + 1))
                onehot[np.arange(len(hs)), g] = 1
                kt = (k[hs] - t[hs]).astype(float)
                if len(free) > limit:
                    # too many to list: sampled (see _sampled.py)
                    self.big.append(BigComponent(hs, adj, free, g, onehot, kt))
                    continue
                bits = (np.arange(2 ** len(free))[:, None] >> np.arange(len(free))) & 1
                A = np.ones((len(bits), len(hs)), dtype=np.int64)
                A[:, free] = bits
                nj = A @ adj
                ok = (nj > 0).all(axis=1)
                a, i, kk, hist = pattern_rows(A[ok], adj, onehot, kt)
                acts.append(a)
                idles.append(i)
                Ks.append(kk)
                hists.append(hist)
                comps.append(np.full(len(a), n_comp))
                n_comp += 1
        self._exact = (acts, idles, Ks, hists, comps)
        self.n_exact = n_comp
        self.n_holders_k = int((k > 0).sum())
        self.set_samples([])

    def set_samples(self, sampled):
        """Add sampled acting patterns of the components too large to list.

        ``sampled`` holds, per component of ``self.big``, the rows
        ``(act, idle, K, hist, offset)`` of :func:`pattern_rows` plus each
        row's log-weight offset (empty: the model has only the listed
        components).
        """
        acts, idles, Ks, hists, comps = (list(v) for v in self._exact)
        offsets = [np.zeros(len(c)) for c in comps]
        for b, (a, i, kk, hist, off) in enumerate(sampled):
            acts.append(a)
            idles.append(i)
            Ks.append(kk)
            hists.append(hist)
            comps.append(np.full(len(a), self.n_exact + b))
            offsets.append(off)
        M = max([h.shape[1] for h in hists] + [1])
        self.hist = np.ascontiguousarray(
            np.vstack([np.pad(h, ((0, 0), (0, M - h.shape[1]))) for h in hists])
        )
        self.act = np.ascontiguousarray(np.vstack(acts))
        self.idle = np.ascontiguousarray(np.vstack(idles))
        self.K = np.concatenate(Ks)
        self.comp = np.concatenate(comps).astype(np.int64)
        self.offset = np.concatenate(offsets)
        self.n_comp = self.n_exact + len(sampled)
        self.nvals = np.arange(1, M + 1, dtype=float)
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.comp) != 0])

    # ------------------------------------------------------------ parameters
    def names(self):
        return ["activity"] * self.n_groups + ["transmission"]

    def bounds(self):
        return [(EPS, 1 - EPS)] * (self.n_groups + 1)

    def tie_probability(self, x, strength):
        return np.full(len(strength), x[self.n_groups])

    # ----------------------------------------------------------- likelihood
    def _expectations(self, x):
        """Loglik and posterior expectations of the patterns' summaries.

        Returns ``(f, w, q, loglik, E[act], E[idle], E[K], E[hist])``, the
        expectations summed over components.
        """
        G = self.n_groups
        f = np.append(np.asarray(x[:G], dtype=float), self.s_act)
        w = float(x[G])
        lf = np.log(np.maximum(f, 1e-300))
        l1f = np.log(np.maximum(1 - f, 1e-300))
        q = np.exp(self.nvals * np.log1p(-w))  # (1 - w)^n
        lhit = np.log(np.maximum(1 - q, 1e-300))
        ll, ea, ei, ek, eh = _pattern_sums(
            self.act,
            self.idle,
            self.K,
            self.hist,
            self.offset,
            self.starts,
            lf,
            l1f,
            float(np.log1p(-w)),
            lhit,
        )
        return f, w, q, ll, ea, ei, ek, eh

    def loglik(self, x):
        return self._expectations(x)[3]

    def nll(self, x):
        """Negative log-likelihood and its gradient (Fisher's identity)."""
        G = self.n_groups
        f, w, q, ll, ea, ei, ek, eh = self._expectations(x)
        grad = np.zeros(G + 1)
        grad[:G] = ea[:G] / f[:G] - ei[:G] / (1 - f[:G])
        dhit = self.nvals * q / (1 - w) / np.maximum(1 - q, 1e-300)
        grad[G] = float(eh @ dhit - ek / (1 - w))
        return -ll, -grad

    def em_step(self, x):
        """One expectation-maximisation step: the new parameters and loglik."""
        G = self.n_groups
        f, w, q, ll, ea, ei, ek, eh = self._expectations(x)
        with np.errstate(invalid="ignore"):
            f_new = np.where(ea[:G] + ei[:G] > 0, ea[:G] / (ea[:G] + ei[:G]), 0.5)
        carried = float(eh @ (self.nvals * w / np.maximum(1 - q, 1e-300)))
        tried = float(ek + eh @ self.nvals)
        w_new = carried / tried if tried > 0 else 0.5
        x_new = np.clip(np.append(f_new, w_new), EPS, 1 - EPS)
        return x_new, ll

    def sampled_ess(self, x):
        """Effective share of the draws at ``x``, per sampled component.

        The importance weights ``p(A, y | x) / p(A, y | x0)`` of a sampled
        component's draws; their effective sample size over the number of
        draws (1: as good as draws at ``x``; near 0: the estimate at ``x``
        rests on a few draws).
        """
        if self.n_comp == self.n_exact:
            return np.ones(0)
        rows = slice(self.starts[self.n_exact], None)
        from referral.calibrate._sampled import row_logweights

        lw = (
            row_logweights(
                (self.act[rows], self.idle[rows], self.K[rows], self.hist[rows]),
                x,
                self.n_groups,
                self.s_act,
            )
            + self.offset[rows]
        )
        comp = self.comp[rows]
        out = []
        for c in range(self.n_exact, self.n_comp):
            v = lw[comp == c]
            wts = np.exp(v - v.max())
            out.append(wts.sum() ** 2 / (wts**2).sum() / len(v))
        return np.array(out)

    def em(self, x0, tol=1e-10, max_iter=5000):
        """Run EM from ``x0`` to its fixed point: (x, loglik, iterations)."""
        x = np.asarray(x0, dtype=float)
        ll_old = -np.inf
        for it in range(1, max_iter + 1):
            x_new, ll = self.em_step(x)
            if abs(ll - ll_old) < tol and np.max(np.abs(x_new - x)) < 1e-8:
                return x_new, self.loglik(x_new), it
            x, ll_old = x_new, ll
        return x, self.loglik(x), max_iter


#: Monte-Carlo settings: warm-up rounds and draws per round, then the draws
#: (every THIN sweeps after BURN) that the reported fit rests on
WARM_ROUNDS, WARM_DRAWS = 6, 20
DRAWS, THIN, BURN = 400, 2, 100
#: interval ends where a sampled component's draws weigh less than this
#: effective share get draws of their own (see refine_ends)
MIN_ESS = 0.2


def _inside(x):
    """A point inside the box to draw at.

    At a bound (activity 1, say) some patterns are never drawn, and the
    likelihood elsewhere could not be estimated from the draws.
    """
    return np.clip(x, 0.05, 0.95)


def sample_patterns(model, x, seed, source_activity, function):
    """Monte-Carlo EM for the components too large to list.

    Warm-up: start from the fit to the listed components alone, then a few
    rounds of drawing acting patterns at the current parameters and running
    EM on the importance-sampled likelihood they give. Then ``DRAWS``
    patterns at the warmed-up parameters, a maximisation of the likelihood
    they estimate, and ``DRAWS`` fresh patterns at that maximum, which the
    model keeps. Returns ``(start, sampler, batches)``: the start for the
    caller's maximisation, the sampler (to draw more) and the kept draws.
    """
    from referral._core.rng import default_rng_from, resolve_entropy
    from referral.calibrate._profile import maximise
    from referral.calibrate._sampled import Sampler

    rng = default_rng_from(resolve_entropy(seed, function=function))
    sampler = Sampler(model.big, model.n_groups, source_activity, rng)
    if len(model.comp):
        x, _, _ = model.em(x, tol=1e-6, max_iter=100)
    for _ in range(WARM_ROUNDS):
        batch = [(x, sampler.draw(x, WARM_DRAWS, thin=1, burn=2))]
        model.set_samples(sampler.pooled_rows(batch, n_norm=0))
        x, _, _ = model.em(x, tol=1e-7, max_iter=30)
    batch = [(_inside(x), sampler.draw(_inside(x), DRAWS, thin=THIN, burn=BURN))]
    model.set_samples(sampler.pooled_rows(batch, n_norm=0))
    x, _ = maximise(model.nll, x, model.bounds())
    batches = [(_inside(x), sampler.draw(_inside(x), DRAWS, thin=THIN, burn=BURN))]
    model.set_samples(sampler.pooled_rows(batches))
    return x, sampler, batches


def refine_ends(model, sampler, batches, x_hat, ends):
    """Draw again where an interval end rests on few draws.

    ``ends`` holds ``(j, value)``: coordinate ``j`` at an interval's end,
    the others at ``x_hat``. Where some sampled component's draws have an
    effective share under ``MIN_ESS`` there, ``DRAWS`` more patterns are
    drawn at that point and pooled with the others. Returns whether any
    were drawn.
    """
    added = False
    for j, value in ends:
        at = x_hat.copy()
        at[j] = value
        at = _inside(at)
        ess = model.sampled_ess(at)
        if len(ess) and np.nanmin(ess) < MIN_ESS:
            batches.append((at, sampler.draw(at, DRAWS, thin=THIN, burn=BURN)))
            added = True
    if added:
        model.set_samples(sampler.pooled_rows(batches))
    return added


@numba.njit(cache=True)
def _pattern_sums(act, idle, K, hist, offset, starts, lf, l1f, l1w, lhit):
    """One pass over the patterns: loglik and posterior-weighted sums.

    Each component's patterns (rows ``starts[c]`` up to ``starts[c + 1]``)
    are weighed by ``exp(lw)`` normalised within the component, where
    ``lw = act @ lf + idle @ l1f + K l1w + hist @ lhit + offset``. (A loop
    rather than BLAS: threaded BLAS on these tall, narrow arrays is several
    times slower on a busy machine.)
    """
    n, g1 = act.shape
    m = hist.shape[1]
    lw = np.empty(n)
    for r in range(n):
        v = K[r] * l1w + offset[r]
        for c in range(g1):
            v += act[r, c] * lf[c] + idle[r, c] * l1f[c]
        for c in range(m):
            if hist[r, c] != 0.0:
                v += hist[r, c] * lhit[c]
        lw[r] = v
    ll = 0.0
    ea = np.zeros(g1)
    ei = np.zeros(g1)
    ek = 0.0
    eh = np.zeros(m)
    n_comp = starts.shape[0]
    for ci in range(n_comp):
        lo = starts[ci]
        hi = starts[ci + 1] if ci + 1 < n_comp else n
        top = -np.inf
        for r in range(lo, hi):
            if lw[r] > top:
                top = lw[r]
        total = 0.0
        for r in range(lo, hi):
            lw[r] = np.exp(lw[r] - top)
            total += lw[r]
        ll += top + np.log(total)
        for r in range(lo, hi):
            p = lw[r] / total
            ek += p * K[r]
            for c in range(g1):
                ea[c] += p * act[r, c]
                ei[c] += p * idle[r, c]
            for c in range(m):
                eh[c] += p * hist[r, c]
    return ll, ea, ei, ek, eh


def told_idx_of(edges, eh, told_idx, nxt):
    """The told-person index of each next-hop entry in ``edges``."""
    # told_idx is aligned with the entries where nxt is True
    where = np.cumsum(nxt) - 1
    return told_idx[where[edges]]


def fit_em(network, data, *, by, source_activity, level, function, seed=None):
    """EM fit, polish and profile intervals: what :func:`fit_log` returns."""
    from referral.calibrate._fit import PARAM_COLUMNS
    from referral.calibrate._profile import (
        hessian_se,
        maximise,
        newton_maximise,
        profile_interval,
    )
    from referral.calibrate._spread_model import _group_codes, _LogState, _snap

    codes, groups = _group_codes(network, by, function)
    G = len(groups)
    model = EMModel(network, data, codes, G, source_activity, function)
    if model.n_holders_k == 0:
        raise ValueError(
            f"The log passed to {function} has no holder with an untold contact: "
            f"it carries no information about activity or transmission."
        )
    bounds = model.bounds()
    x0 = np.append(np.full(G, 0.5), 0.1)
    if model.big:
        x_em, sampler, batches = sample_patterns(
            model, x0, seed, source_activity, function
        )
    else:
        x_em, _, _ = model.em(x0, tol=1e-9, max_iter=2000)
    empty = [groups[g] for g in range(G) if model.n_info[g] == 0]
    if empty and by is not None:
        warnings.warn(
            f"{len(empty)} group(s) of {by!r} have nobody in the log with an "
            f"untold contact, so the log says nothing about their activity: "
            f"{describe_labels(empty)}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )

    def solve(x_start):
        x_hat, ll = maximise(model.nll, x_start, bounds)
        if model.loglik(x_start) > ll:
            x_hat, ll = x_start, model.loglik(x_start)
        ends = {}
        for j in range(G + 1):
            if j < G and model.n_info[j] == 0:
                continue
            ends[j] = profile_interval(
                model.nll, x_hat, ll, j, bounds, level, maximiser=newton_maximise
            )
        return x_hat, ll, ends

    x_hat, ll, ends = solve(x_em)
    if model.big:
        points = [(j, v) for j, pair in ends.items() for v in pair]
        if refine_ends(model, sampler, batches, x_hat, points):
            x_hat, ll, ends = solve(x_hat)
    se = hessian_se(model.nll, x_hat, bounds)
    rows, unidentified = [], []
    for j, name in enumerate(model.names()):
        is_activity = j < G
        if j not in ends:
            rows.append([name, groups[j], np.nan, np.nan, 0.0, 1.0, level, 0])
            continue
        lo, hi = ends[j]
        est, s = x_hat[j], se[j]
        if est - EPS < 1e-6 or 1 - EPS - est < 1e-6:
            s = np.nan
        if lo - EPS < 1e-6 and 1 - EPS - hi < 1e-6:
            unidentified.append(f"activity ({groups[j]})" if is_activity else name)
        est, lo, hi = (_snap(v) for v in (est, lo, hi))
        n = int(model.n_info[j]) if is_activity else model.n_entries
        rows.append(
            [name, groups[j] if is_activity else "all", est, s, lo, hi, level, n]
        )
    table = pd.DataFrame(rows, columns=PARAM_COLUMNS)
    table["n"] = table["n"].astype("int64")
    table["group"] = table["group"].astype(object)
    reasons = []
    if model.n_told == 0:
        reasons.append(
            "nobody in the log told anyone, so it only bounds how often "
            "openings are passed on"
        )
    if unidentified:
        reasons.append(
            "the log cannot pin down "
            + ", ".join(unidentified)
            + " (its interval spans every possible value)"
        )
    identifiable = not unidentified and model.n_told > 0
    state = _LogState(network, codes, groups, model, x_hat, data, source_activity, None)
    return table, ll, len(x_hat), identifiable, "; ".join(reasons), state
