"""Maximum likelihood with profile-likelihood intervals, on bounded parameters.

A model here is a negative log-likelihood ``nll(x) -> (value, gradient)`` on
a box ``bounds``. :func:`maximise` finds the maximum; :func:`profile_interval`
walks one coordinate away from it until twice the drop in log-likelihood
reaches the chi-square(1) quantile of ``level``, re-maximising the others at
every step, and stops at the box's edge when the drop never gets there (an
interval that reaches a bound is one-sided).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

__all__ = ["maximise", "newton_maximise", "profile_interval", "hessian_se"]


def maximise(nll, x0, bounds):
    """Return (x, loglik) at the maximum of ``-nll`` over the box."""
    result = optimize.minimize(
        nll,
        np.asarray(x0, dtype=float),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-7},
    )
    return np.asarray(result.x), -float(result.fun)


def newton_maximise(nll, x0, bounds, max_iter=50):
    """:func:`maximise` by damped Newton steps inside the box.

    The Hessian is read from central differences of the gradient. For
    smooth, concave-near-the-top likelihoods with few parameters this takes
    a handful of evaluations where L-BFGS-B's overhead dominates. When a
    step fails (not a descent direction, a maximum on the box's edge, no
    convergence) it hands over to :func:`maximise` from where it got.
    """
    x = np.asarray(x0, dtype=float).copy()
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    f, g = nll(x)
    p = len(x)
    for _ in range(max_iter):
        h = np.empty((p, p))
        for i in range(p):
            d = 1e-6 * max(1.0, abs(x[i]))
            e = np.zeros(p)
            e[i] = d
            h[i] = (nll(np.minimum(x + e, hi))[1] - nll(np.maximum(x - e, lo))[1]) / (
                np.minimum(x + e, hi)[i] - np.maximum(x - e, lo)[i]
            )
        h = (h + h.T) / 2
        try:
            np.linalg.cholesky(h)
            step = -np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            break
        t = 1.0
        while t > 1e-4:
            new = x + t * step
            if np.all(new > lo) and np.all(new < hi):
                f_new, g_new = nll(new)
                if np.isfinite(f_new) and f_new <= f + 1e-12:
                    break
            t /= 2
        else:
            break
        x, f_old, f, g = new, f, f_new, g_new
        if abs(f_old - f) < 1e-12 and np.max(np.abs(t * step)) < 1e-9:
            return x, -float(f)
    return maximise(nll, x, bounds)


def _fixed(nll, j, value, x_start, bounds, maximiser=maximise):
    """Maximum of the log-likelihood with coordinate ``j`` held at ``value``."""
    if len(bounds) == 1:
        f, _ = nll(np.array([value]))
        return -float(f), np.array([value])
    keep = [i for i in range(len(bounds)) if i != j]

    def sub(y):
        x = np.empty(len(bounds))
        x[keep] = y
        x[j] = value
        f, g = nll(x)
        return f, g[keep]

    y, ll = maximiser(sub, x_start[keep], [bounds[i] for i in keep])
    x = np.empty(len(bounds))
    x[keep] = y
    x[j] = value
    return ll, x


def profile_interval(nll, x_hat, loglik, j, bounds, level, maximiser=maximise):
    """The profile-likelihood interval of coordinate ``j``: (low, high).

    ``maximiser`` re-maximises the other coordinates (:func:`maximise` or
    :func:`newton_maximise`).
    """
    threshold = loglik - stats.chi2.ppf(level, 1) / 2
    ends = []
    for edge in (bounds[j][0], bounds[j][1]):
        centre = x_hat[j]
        if abs(edge - centre) < 1e-12:
            ends.append(edge)
            continue
        ll_edge, _ = _fixed(nll, j, edge, x_hat, bounds, maximiser)
        if ll_edge >= threshold:
            ends.append(edge)
            continue
        start = {"x": x_hat.copy()}

        def gap(v, start=start):
            ll, x = _fixed(nll, j, v, start["x"], bounds, maximiser)
            start["x"] = x
            return ll - threshold

        ends.append(optimize.brentq(gap, centre, edge, xtol=1e-7, rtol=1e-9))
    return min(ends), max(ends)


def hessian_se(nll, x_hat, bounds, step=1e-5):
    """Standard errors from the observed information (NaN at a bound)."""
    p = len(x_hat)
    h = np.empty((p, p))
    for i in range(p):
        e = np.zeros(p)
        lo, hi = bounds[i]
        d = step * max(1.0, abs(x_hat[i]))
        if x_hat[i] - d < lo or x_hat[i] + d > hi:
            h[i] = np.nan
            continue
        e[i] = d
        h[i] = (nll(x_hat + e)[1] - nll(x_hat - e)[1]) / (2 * d)
    h = (h + h.T) / 2
    se = np.full(p, np.nan)
    # coordinates at a bound have no curvature to read: drop their rows and
    # columns, and invert the rest
    ok = ~np.isnan(np.diag(h))
    if ok.any():
        sub = h[np.ix_(ok, ok)]
        if not np.isfinite(sub).all():
            return se
        try:
            cov = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            return se
        diag = np.diag(cov)
        se[ok] = np.where(diag > 0, np.sqrt(np.abs(diag)), np.nan)
    return se
