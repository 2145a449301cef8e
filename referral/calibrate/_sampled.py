"""Sampled acting patterns for the fit over tellers on dense networks.

When too many holders of one component (see :mod:`referral.calibrate._em`)
share the people they could have told, their acting patterns cannot be
listed. They are then drawn from their posterior by Gibbs sampling: holder
``i`` (not the only possible teller of anyone) acts, given everyone else,
with log-odds

    logit f_i + (k_i - t_i) log(1 - w)
        + sum over its told contacts j of
          log[1 - (1 - w)^(m_j + 1)] - log[1 - (1 - w)^m_j],

where ``m_j`` is how many *other* acting holders could have told ``j``
(``m_j = 0``: ``i`` must act). The chain moves one holder at a time and can
reach every allowed pattern through the all-acting one, so it is
irreducible and its draws are from the posterior.

The draws at ``theta_0`` turn the component's likelihood into an
importance-sampling estimate (Geyer and Thompson, 1992)

    L(theta) / L(theta_0) ~ mean over draws A of p(A, y | theta) / p(A, y | theta_0),

which is what :class:`EMModel` evaluates when a sampled pattern carries the
offset ``-log p(A, y | theta_0)``: expectation-maximisation, the gradient and
the profile intervals then run on it unchanged. ``L(theta_0)`` itself (needed
only for the reported log-likelihood, not for estimates or intervals) is
estimated by importance sampling from independent Bernoulli draws with the
chain's acting shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from scipy.special import logsumexp

__all__ = ["BigComponent", "Sampler", "pattern_rows", "row_logweights", "NORM"]

#: independent draws for each sampled component's likelihood at one point
NORM = 1000


@dataclass(frozen=True)
class BigComponent:
    """One component whose acting patterns are sampled, not listed."""

    holders: np.ndarray  # holder indices (rows of the HopData)
    adj: np.ndarray  # holders x told people, 1 where a holder could have told
    free: np.ndarray  # local indices of holders nobody depends on alone
    group: np.ndarray  # group column per holder (n_groups: a poster)
    onehot: np.ndarray  # holders x (n_groups + 1)
    kt: np.ndarray  # ties tried towards people not told next hop, if acting


def pattern_rows(A, adj, onehot, kt):
    """Summaries of acting patterns ``A`` (one row each) of one component.

    Returns ``(act, idle, K, hist)``: acting and idle holders per group, ties
    tried towards people not told next hop and, for ``n = 1, 2, ...``, how
    many told people had ``n`` acting possible tellers.
    """
    A = np.asarray(A, dtype=float)
    nj = A @ adj
    top = max(int(nj.max()) if nj.size else 1, 1)
    hist = np.zeros((len(A), top))
    for nval in range(1, top + 1):
        hist[:, nval - 1] = (nj == nval).sum(axis=1)
    return A @ onehot, (1 - A) @ onehot, A @ kt, hist


def row_logweights(rows, x, n_groups, s_act):
    """``log p(A, y | x)`` of every summarised pattern in ``rows``."""
    act, idle, K, hist = rows[:4]
    f = np.append(np.asarray(x[:n_groups], dtype=float), s_act)
    w = float(x[n_groups])
    lf = np.log(np.maximum(f, 1e-300))
    l1f = np.log(np.maximum(1 - f, 1e-300))
    nvals = np.arange(1, hist.shape[1] + 1)
    lhit = np.log(np.maximum(1 - np.exp(nvals * np.log1p(-w)), 1e-300))
    return act @ lf + idle @ l1f + K * np.log1p(-w) + hist @ lhit


@numba.njit(cache=True)
def _sweeps(A, n, free, h_ptr, h_idx, base, lhit, U, out, thin, start):
    """Gibbs sweeps over the free holders; keep every ``thin``-th state."""
    r = start
    for s in range(U.shape[0]):
        for q in range(free.shape[0]):
            i = free[q]
            a = A[i]
            delta = base[i]
            must = False
            for e in range(h_ptr[i], h_ptr[i + 1]):
                m = n[h_idx[e]] - a
                if m == 0:
                    must = True
                    break
                delta += lhit[m + 1] - lhit[m]
            if must:
                new = 1
            else:
                if delta >= 0:
                    p = 1.0 / (1.0 + np.exp(-delta))
                else:
                    z = np.exp(delta)
                    p = z / (1.0 + z)
                new = 1 if U[s, q] < p else 0
            if new != a:
                for e in range(h_ptr[i], h_ptr[i + 1]):
                    n[h_idx[e]] += new - a
                A[i] = new
        if thin > 0 and (s + 1) % thin == 0 and r < out.shape[0]:
            out[r, :] = A
            r += 1
    return r


class Sampler:
    """Gibbs sampler of the acting patterns of every component in ``big``.

    The chains of all components run side by side (they are independent)
    from the all-acting pattern; ``draw`` continues them.
    """

    def __init__(self, big, n_groups, s_act, rng):
        self.big = big
        self.n_groups = n_groups
        self.s_act = float(s_act)
        self.rng = rng
        sizes = [len(b.holders) for b in big]
        self.bounds = np.r_[0, np.cumsum(sizes)]
        told = np.r_[0, np.cumsum([b.adj.shape[1] for b in big])]
        ptr, idx, free = [0], [], []
        for b, (lo, t0) in enumerate(zip(self.bounds[:-1], told[:-1], strict=True)):
            comp = big[b]
            for i in range(len(comp.holders)):
                js = np.flatnonzero(comp.adj[i]) + t0
                idx.extend(js.tolist())
                ptr.append(ptr[-1] + len(js))
            free.extend((comp.free + lo).tolist())
        self.h_ptr = np.asarray(ptr, dtype=np.int64)
        self.h_idx = np.asarray(idx, dtype=np.int64)
        self.free = np.asarray(free, dtype=np.int64)
        self.group = np.concatenate([b.group for b in big]).astype(np.int64)
        self.kt = np.concatenate([b.kt for b in big])
        self.A = np.ones(self.bounds[-1], dtype=np.int64)
        self.n = np.bincount(self.h_idx, minlength=told[-1]).astype(np.int64)
        self.max_n = int(self.n.max()) if len(self.n) else 1

    def _base(self, x):
        G = self.n_groups
        f = np.append(np.asarray(x[:G], dtype=float), self.s_act)[self.group]
        with np.errstate(divide="ignore"):
            logit = np.log(f) - np.log1p(-f)
        return logit + self.kt * np.log1p(-float(x[G]))

    def draw(self, x, n_samples, thin=1, burn=0, chunk=256):
        """``n_samples`` patterns (rows over all holders), every ``thin`` sweeps."""
        base = self._base(x)
        w = float(x[self.n_groups])
        m = np.arange(self.max_n + 2)
        with np.errstate(divide="ignore"):
            lhit = np.log(-np.expm1(m * np.log1p(-w)))
        out = np.empty((n_samples, len(self.A)), dtype=np.int8)
        args = (self.A, self.n, self.free, self.h_ptr, self.h_idx, base, lhit)
        done = 0
        while done < burn:
            steps = min(chunk, burn - done)
            _sweeps(*args, self.rng.random((steps, len(self.free))), out, 0, 0)
            done += steps
        # whole multiples of thin per call, so every thin-th sweep is kept
        per_call = max(chunk // thin, 1)
        kept = 0
        while kept < n_samples:
            keep = min(per_call, n_samples - kept)
            U = self.rng.random((keep * thin, len(self.free)))
            kept = _sweeps(*args, U, out, thin, kept)
        if kept != n_samples:  # pragma: no cover - guards the bookkeeping
            raise RuntimeError(f"kept {kept} of {n_samples} draws")
        return out

    def split(self, samples):
        """The draws of each component, as local pattern matrices."""
        return [
            samples[:, lo:hi]
            for lo, hi in zip(self.bounds[:-1], self.bounds[1:], strict=True)
        ]

    def pooled_rows(self, batches, n_norm=NORM):
        """Rows for :class:`EMModel` from draws at several parameter points.

        ``batches`` is a list of ``(x_k, samples_k)``. Per component the
        pooled draws estimate the likelihood at any ``x`` as

            L(x) ~ sum over draws A of p(A, y | x) / sum_k n_k p(A, y | x_k) / L(x_k),

        (a mixture of the sampling distributions as the proposal), with the
        ``L(x_k)`` solved from the same draws (Meng and Wong 1996; Kong et
        al. 2003) and pinned by the independent-draw estimate at ``x_1``.
        """
        out = []
        per_comp = [self.split(samples) for _, samples in batches]
        log_n = np.log([len(samples) for _, samples in batches])
        for c, comp in enumerate(self.big):
            A = np.vstack([draws[c] for draws in per_comp])
            rows = pattern_rows(A, comp.adj, comp.onehot, comp.kt)
            u = np.array(
                [row_logweights(rows, x, self.n_groups, self.s_act) for x, _ in batches]
            )
            log_z = np.zeros(len(batches))
            for _ in range(500):
                denom = logsumexp(log_n[:, None] + u - log_z[:, None], axis=0)
                new = logsumexp(u - denom[None, :], axis=1)
                new -= new[0]
                if np.max(np.abs(new - log_z)) < 1e-10:
                    log_z = new
                    break
                log_z = new
            if n_norm:
                anchor, _ = self.log_normaliser(
                    comp, batches[0][0], per_comp[0][c].mean(axis=0), n_norm
                )
                log_z += anchor
            denom = logsumexp(log_n[:, None] + u - log_z[:, None], axis=0)
            out.append((*rows, -denom))
        return out

    def log_normaliser(self, comp, x, share, n):
        """Estimate ``log L(x)`` of one component (independent proposal).

        Returns the estimate and the effective share of the ``n`` draws.
        """
        q = np.clip(share, 0.02, 0.98)
        forced = np.ones(len(q), dtype=bool)
        forced[comp.free] = False
        q[forced] = 1.0
        A = (self.rng.random((n, len(q))) < q).astype(float)
        nj = A @ comp.adj
        ok = (nj > 0).all(axis=1)
        if not ok.any():
            return -np.inf, 0.0
        rows = pattern_rows(A[ok], comp.adj, comp.onehot, comp.kt)
        lp = row_logweights(rows, x, self.n_groups, self.s_act)
        fr = ~forced
        lq = (A[ok][:, fr] * np.log(q[fr]) + (1 - A[ok][:, fr]) * np.log1p(-q[fr])).sum(
            axis=1
        )
        lr = lp - lq
        log_z = logsumexp(lr) - np.log(n)
        wts = np.exp(lr - lr.max())
        return float(log_z), float(wts.sum() ** 2 / (wts**2).sum() / n)
