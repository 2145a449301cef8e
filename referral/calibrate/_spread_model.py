"""The spread model's likelihood for a referral log on a known network.

A holder with ``k`` still-untold contacts acts with probability ``f`` (their
group's activity); if they act, each of those ties carries with probability
``w``. The chance of the tellings the log records for that holder is

    (1 - f) * [c == 0] + f * prod_told(w) * prod_untold(1 - w),

which for a constant ``w`` is ``(1 - f) [c = 0] + f Binom(c; k, w) / C(k, c)``
(the log says *which* contacts were told, not only how many). Posters act
with ``source_activity``. Holders with ``k = 0`` contribute a factor 1.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from referral._core.rng import resolve_entropy
from referral._core.validation import user_stacklevel
from referral.calibrate._fit import PARAM_COLUMNS
from referral.calibrate._profile import hessian_se, maximise, profile_interval
from referral.network._labels import describe_labels

__all__ = ["LogModel", "fit_log"]

EPS = 1e-9
LOGIT_BOUND = 30.0


class LogModel:
    """Negative log-likelihood of a :class:`HolderData` under one model."""

    def __init__(
        self,
        data,
        network,
        group_codes,
        n_groups,
        transmission,
        s_act,
        classes=None,
    ):
        self.data = data
        # by_class: (class of every tie of the network, class labels, edges)
        self.classes = classes
        self.n_groups = n_groups
        self.transmission = transmission
        self.s_act = float(s_act)
        src = data.source
        self.g = np.where(src, -1, group_codes[data.person])
        positive = data.c > 0
        self.n_pos = np.bincount(self.g[positive & ~src], minlength=n_groups)
        self.n_pos_src = int((positive & src).sum())
        self.n_info = np.bincount(self.g[~src], minlength=n_groups)
        if transmission == "constant":
            self.C = float(data.c[positive].sum())
            self.KmC = float((data.k - data.c)[positive].sum())
            zero = ~positive
            # holders who told nobody, grouped by (group, k)
            keys = np.stack([self.g[zero] + 1, data.k[zero]], axis=1)
            if len(keys):
                uniq, counts = np.unique(keys, axis=0, return_counts=True)
            else:
                uniq, counts = np.zeros((0, 2), dtype=np.int64), np.zeros(0)
            self.z_g = uniq[:, 0] - 1
            self.z_k = uniq[:, 1].astype(float)
            self.z_m = counts.astype(float)
            self.n_tx = 1
        else:
            strength = network.strength[data.entry_tie]
            self.s = strength
            self.told = data.entry_told.astype(float)
            self.eh = data.entry_holder
            self.hpos = positive
            if transmission == "by_class":
                self.cls = classes[0][data.entry_tie]
                self.n_tx = len(classes[1])
            elif callable(transmission):
                self.w_fixed = np.asarray(
                    transmission(np.asarray(strength)), dtype=float
                )
                if self.w_fixed.shape != strength.shape or not (
                    np.isfinite(self.w_fixed).all()
                    and (self.w_fixed >= 0).all()
                    and (self.w_fixed <= 1).all()
                ):
                    raise ValueError(
                        "The 'transmission' callable of referral_log must map an "
                        "array of tie strengths to probabilities in [0, 1] of the "
                        "same shape."
                    )
                self.w_fixed = np.clip(self.w_fixed, EPS, 1 - EPS)
                self.n_tx = 0
            else:
                self.n_tx = 2

    def _entry_w(self, x):
        """The transmission of every untold contact's tie under ``x``."""
        G = self.n_groups
        if callable(self.transmission):
            return self.w_fixed
        if self.transmission == "by_class":
            return np.asarray(x[G:], dtype=float)[self.cls]
        return special.expit(x[G] + x[G + 1] * self.s)

    # ------------------------------------------------------------- parameters
    def names(self):
        tx = {
            "constant": ["transmission"],
            "by_strength": ["transmission_logit_intercept", "transmission_logit_slope"],
        }
        if self.transmission == "by_class":
            return ["activity"] * self.n_groups + ["transmission"] * self.n_tx
        return ["activity"] * self.n_groups + (
            tx.get(self.transmission, []) if not callable(self.transmission) else []
        )

    def bounds(self):
        b = [(EPS, 1 - EPS)] * self.n_groups
        if self.transmission == "constant":
            b += [(EPS, 1 - EPS)]
        elif self.transmission == "by_class":
            b += [(EPS, 1 - EPS)] * self.n_tx
        elif self.n_tx == 2:
            b += [(-LOGIT_BOUND, LOGIT_BOUND)] * 2
        return b

    def x0(self):
        x = [0.3] * self.n_groups
        if self.transmission == "constant":
            x += [0.1]
        elif self.transmission == "by_class":
            x += [0.1] * self.n_tx
        elif self.n_tx == 2:
            x += [-2.0, 0.0]
        return np.array(x)

    def tie_probability(self, x, strength):
        if self.transmission == "constant":
            return np.full(len(strength), x[self.n_groups])
        if callable(self.transmission):
            return np.clip(np.asarray(self.transmission(strength), float), 0, 1)
        if self.transmission == "by_class":
            code = classify(np.asarray(strength, dtype=float), self.classes[2])
            return np.asarray(x[self.n_groups :], dtype=float)[code]
        a, b = x[self.n_groups], x[self.n_groups + 1]
        return special.expit(a + b * np.asarray(strength))

    # ------------------------------------------------------------- likelihood
    def loglik_constant(self, f, w):
        """The constant-transmission log-likelihood (no gradient)."""
        with np.errstate(divide="ignore"):
            ll = float(self.n_pos @ np.log(f))
            if self.n_pos_src:
                ll += self.n_pos_src * np.log(max(self.s_act, EPS))
        ll += self.C * np.log(w) + self.KmC * np.log1p(-w)
        if len(self.z_m):
            fz = np.where(self.z_g < 0, self.s_act, f[np.maximum(self.z_g, 0)])
            with np.errstate(divide="ignore"):
                a = -np.expm1(self.z_k * np.log1p(-w))
                ll += float(self.z_m @ np.log1p(-fz * a))
        return ll

    def _f_of(self, x, g):
        f = np.asarray(x[: self.n_groups])
        return np.where(g < 0, self.s_act, f[np.maximum(g, 0)])

    def nll(self, x):
        G = self.n_groups
        grad = np.zeros(len(x))
        f = np.asarray(x[:G], dtype=float)
        with np.errstate(divide="ignore"):
            ll = float(np.sum(self.n_pos * np.log(f)))
            if self.n_pos_src:
                ll += self.n_pos_src * np.log(max(self.s_act, EPS))
        grad[:G] += self.n_pos / f
        if self.transmission == "constant":
            w = x[G]
            ll += self.C * np.log(w) + self.KmC * np.log1p(-w)
            gw = self.C / w - self.KmC / (1 - w)
            if len(self.z_m):
                fz = self._f_of(x, self.z_g)
                u = np.exp(self.z_k * np.log1p(-w))
                denom = 1 - fz + fz * u
                ll += float(np.sum(self.z_m * np.log(denom)))
                dfz = self.z_m * (u - 1) / denom
                mask = self.z_g >= 0
                grad[:G] += np.bincount(self.z_g[mask], weights=dfz[mask], minlength=G)
                du = -self.z_k * u / (1 - w)
                gw += float(np.sum(self.z_m * fz * du / denom))
            grad[G] = gw
            return -ll, -grad
        # per-tie transmission
        w = self._entry_w(x)
        pos_entry = self.hpos[self.eh]
        told = self.told
        logw = np.log(np.clip(w, EPS, 1))
        log1w = np.log(np.clip(1 - w, EPS, 1))
        ll += float(np.sum(np.where(pos_entry, told * logw + (1 - told) * log1w, 0)))
        n_h = len(self.hpos)
        q = np.bincount(self.eh, weights=np.where(pos_entry, 0.0, log1w), minlength=n_h)
        zero = ~self.hpos
        fz = self._f_of(x, self.g[zero])
        u = np.exp(q[zero])
        denom = 1 - fz + fz * u
        ll += float(np.sum(np.log(denom)))
        gz = self.g[zero]
        mask = gz >= 0
        grad[:G] += np.bincount(gz[mask], weights=((u - 1) / denom)[mask], minlength=G)
        if self.transmission == "by_class":
            r = np.zeros(n_h)
            r[zero] = fz * u / denom
            wc = np.clip(w, EPS, 1 - EPS)
            d_w = np.where(
                pos_entry, told / wc - (1 - told) / (1 - wc), -r[self.eh] / (1 - wc)
            )
            grad[G:] = np.bincount(self.cls, weights=d_w, minlength=self.n_tx)
        elif self.n_tx == 2:
            r = np.zeros(n_h)
            r[zero] = fz * u / denom
            d_eta = np.where(pos_entry, told - w, -w * r[self.eh])
            grad[G] = float(np.sum(d_eta))
            grad[G + 1] = float(np.sum(d_eta * self.s))
        return -ll, -grad


def _group_codes(network, by, function):
    if by is None:
        return np.zeros(network.n_people, dtype=np.int64), np.array(
            ["all"], dtype=object
        )
    if by == "community" and network.community is not None:
        values = network.community
    elif by in network.attributes:
        values = network.attributes[by]
    else:
        raise ValueError(
            f"The 'by' parameter of {function} must name a person attribute of the "
            f"network; it has {sorted(network.attributes)}. Got {by!r} instead."
        )
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=True)
    uniques = np.asarray(uniques, dtype=object)
    if (codes < 0).any():
        uniques = np.append(uniques, "missing")
        codes = np.where(codes < 0, len(uniques) - 1, codes)
    return codes.astype(np.int64), uniques


def _pool(model, x_hat, level, groups):
    """Beta-binomial partial pooling of the groups' activity.

    Transmission is held at its maximum-likelihood value; each group's
    likelihood of ``f`` is evaluated on a grid. The groups share a Beta
    prior whose mean and concentration are themselves weighed by the
    groups' marginal likelihood (flat over a grid of means and of
    log-concentrations), and each group's posterior, averaged over them,
    gives its estimate (mean), se (sd) and central interval. Returns those
    and ``(m, 1 - m)`` with ``m`` the prior's mean (for groups with no data).
    """
    grid = (np.arange(4000) + 0.5) / 4000
    G = model.n_groups
    loglik = np.zeros((G, len(grid)))
    loglik += model.n_pos[:, None] * np.log(grid)[None, :]
    if model.transmission == "constant":
        w = x_hat[G]
        keep = model.z_g >= 0
        u = np.exp(model.z_k[keep] * np.log1p(-w))
        terms = model.z_m[keep, None] * np.log(1 - grid[None, :] * (1 - u[:, None]))
        for g, t in zip(model.z_g[keep], terms, strict=True):
            loglik[g] += t
    else:
        w = model._entry_w(x_hat)
        pos_entry = model.hpos[model.eh]
        log1w = np.log(np.clip(1 - w, EPS, 1))
        q = np.bincount(
            model.eh, weights=np.where(pos_entry, 0.0, log1w), minlength=len(model.hpos)
        )
        zero = (~model.hpos) & (model.g >= 0)
        u = np.exp(q[zero])
        for g in range(G):
            ug = u[model.g[zero] == g]
            if len(ug):
                loglik[g] += np.log(1 - grid[None, :] * (1 - ug[:, None])).sum(axis=0)
    loglik -= loglik.max(axis=1, keepdims=True)
    like = np.exp(loglik)
    has = model.n_info > 0

    # the Beta prior's mean and concentration are not point estimates: they
    # are weighed by how well they explain the groups (a grid over mean and
    # log-concentration, flat on both), so the groups' intervals carry the
    # uncertainty about how alike the groups are. A point estimate of the
    # prior (plain empirical Bayes) often makes the groups look more alike
    # than they are: its intervals covered 74% instead of 95% on simulated
    # logs with six groups.
    mu = (np.arange(40) + 0.5) / 40
    kappa = np.exp(np.linspace(np.log(0.5), np.log(2000.0), 40))
    A = (mu[:, None] * kappa[None, :]).ravel()
    B = ((1 - mu)[:, None] * kappa[None, :]).ravel()
    logp = (
        (A[:, None] - 1) * np.log(grid)[None, :]
        + (B[:, None] - 1) * np.log1p(-grid)[None, :]
        - special.betaln(A, B)[:, None]
    )
    logp -= np.log(np.exp(logp - logp.max(axis=1, keepdims=True)).mean(axis=1))[
        :, None
    ] + logp.max(axis=1, keepdims=True)
    P = np.exp(logp)  # each row integrates to 1 over the grid
    marg = like @ P.T / len(grid)  # groups x hyper points
    log_hyper = np.sum(np.log(np.maximum(marg[has], 1e-300)), axis=0)
    hyper = np.exp(log_hyper - log_hyper.max())
    hyper /= hyper.sum()
    post = like * ((hyper[None, :] / np.maximum(marg, 1e-300)) @ P)
    prior_mean = float(hyper @ (A / (A + B)))
    a, b = prior_mean, 1 - prior_mean
    post /= post.sum(axis=1, keepdims=True)
    mean = post @ grid
    sd = np.sqrt(np.maximum(post @ grid**2 - mean**2, 0))
    cdf = np.cumsum(post, axis=1)
    alpha = (1 - level) / 2
    lo = grid[np.argmax(cdf >= alpha, axis=1)]
    hi = grid[np.argmax(cdf >= 1 - alpha, axis=1)]
    return mean, sd, lo, hi, (a, b)


def classify(strength, edges):
    """Class code of each strength: a distinct value, or a bin ``(lo, hi]``."""
    kind, values = edges
    if kind == "values":
        code = np.searchsorted(values, strength)
        return np.minimum(code, len(values) - 1)
    return np.clip(np.searchsorted(values, strength, side="left") - 1, 0, None)


def strength_classes(network, classes, function):
    """(class of every tie, labels, edges) for ``transmission="by_class"``."""
    strength = np.asarray(network.strength, dtype=float)
    if classes is None:
        values = np.unique(strength)
        if len(values) > 12:
            raise ValueError(
                f"transmission='by_class' in {function} needs classes= (bin edges "
                f"of tie strength) when the network has more than 12 distinct tie "
                f"strengths; it has {len(values)}."
            )
        edges = ("values", values)
        labels = [f"strength {v:g}" for v in values]
    else:
        values = np.asarray(classes, dtype=float)
        if (
            values.ndim != 1
            or len(values) < 2
            or not np.all(np.diff(values) > 0)
            or not np.isfinite(values).all()
        ):
            raise ValueError(
                f"The 'classes' parameter of {function} must be increasing bin "
                f"edges of tie strength (at least two). Got {classes!r} instead."
            )
        outside = (strength <= values[0]) | (strength > values[-1])
        if outside.any():
            raise ValueError(
                f"The 'classes' parameter of {function} leaves out "
                f"{int(outside.sum())} tie(s) with strengths such as "
                f"{strength[outside][0]:g}: the bins ({values[0]:g}, "
                f"{values[-1]:g}] must hold every tie's strength."
            )
        edges = ("edges", values)
        labels = [
            f"strength {lo:g} to {hi:g}"
            for lo, hi in zip(values[:-1], values[1:], strict=True)
        ]
    return classify(strength, edges), labels, edges


def fit_log(
    network,
    data,
    *,
    by,
    transmission,
    source_activity,
    pooling,
    level,
    function,
    classes=None,
):
    codes, groups = _group_codes(network, by, function)
    tie_classes = None
    if transmission == "by_class":
        tie_classes = strength_classes(network, classes, function)
    model = LogModel(
        data,
        network,
        codes,
        len(groups),
        transmission,
        source_activity,
        classes=tie_classes,
    )
    if len(data.k) == 0:
        raise ValueError(
            f"The log passed to {function} has no holder with an untold contact: "
            f"it carries no information about activity or transmission."
        )
    bounds = model.bounds()
    if transmission == "constant":
        x_hat, ll, intervals = fit_constant(model, level)
    else:
        x_hat, ll = maximise(model.nll, model.x0(), bounds)
        # restart from a second point and keep the better
        x_alt, ll_alt = maximise(model.nll, _alt_start(model), bounds)
        if ll_alt > ll:
            x_hat, ll = x_alt, ll_alt
        intervals = None
    se = hessian_se(model.nll, x_hat, bounds)
    names = model.names()
    G = model.n_groups
    rows = []
    empty = [groups[g] for g in range(G) if model.n_info[g] == 0]
    if empty and by is not None:
        warnings.warn(
            f"{len(empty)} group(s) of {by!r} have nobody in the log with an "
            f"untold contact, so the log says nothing about their activity: "
            f"{describe_labels(empty)}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    unidentified = []
    n_entries_in_k = int(data.k.sum())
    for j, name in enumerate(names):
        is_activity = j < G
        if is_activity and model.n_info[j] == 0:
            rows.append([name, groups[j], np.nan, np.nan, 0.0, 1.0, level, 0])
            continue
        if intervals is not None:
            lo, hi = intervals[j]
        else:
            lo, hi = profile_interval(model.nll, x_hat, ll, j, bounds, level)
        lo_b, hi_b = bounds[j]
        est = x_hat[j]
        s = se[j]
        if est - lo_b < 1e-6 or hi_b - est < 1e-6:
            s = np.nan
        if lo - lo_b < 1e-6 and hi_b - hi < 1e-6:
            unidentified.append(name if not is_activity else f"activity ({groups[j]})")
        if bounds[j] == (EPS, 1 - EPS):
            est, lo, hi = (_snap(v) for v in (est, lo, hi))
        n = int(model.n_info[j]) if is_activity else n_entries_in_k
        group = groups[j] if is_activity else "all"
        if transmission == "by_class" and not is_activity:
            group = tie_classes[1][j - G]
            n = int(np.sum(model.cls == j - G))
            if n == 0:
                rows.append([name, group, np.nan, np.nan, 0.0, 1.0, level, 0])
                continue
        rows.append([name, group, est, s, lo, hi, level, n])
    table = pd.DataFrame(rows, columns=PARAM_COLUMNS)
    prior = None
    if pooling == "partial" and by is not None and (model.n_info > 0).sum() >= 2:
        mean, sd, lo, hi, prior = _pool(model, x_hat, level, groups)
        for g in range(G):
            table.loc[g, ["estimate", "se", "ci_low", "ci_high"]] = [
                mean[g],
                sd[g],
                lo[g],
                hi[g],
            ]
    table["n"] = table["n"].astype("int64")
    table["group"] = table["group"].astype(object)
    told_any = int(data.c.sum())
    identifiable = not unidentified and told_any > 0
    reasons = []
    if told_any == 0:
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
    state = _LogState(
        network, codes, groups, model, x_hat, data, source_activity, prior
    )
    return table, ll, len(x_hat), identifiable, "; ".join(reasons), state


def _alt_start(model):
    x = model.x0()
    G = model.n_groups
    x[:G] = 0.7
    if model.transmission == "constant":
        x[G] = 0.02
    elif model.transmission == "by_class":
        x[G:] = 0.02
    elif model.n_tx == 2:
        x[G:] = [-4.0, 1.0]
    return x


def _snap(v):
    if v < 1e-6:
        return 0.0
    if v > 1 - 1e-6:
        return 1.0
    return float(v)


class _LogState:
    """What :class:`Fit` needs to rebuild the network and simulate the log."""

    def __init__(self, network, codes, groups, model, x_hat, data, s_act, prior):
        self.base = network
        self.codes = codes
        self.groups = groups
        self.model = model
        self.x_hat = x_hat
        self.data = data
        self.s_act = s_act
        self.prior = prior

    def network(self, table):
        G = self.model.n_groups
        activity_rows = table.iloc[:G]
        f = activity_rows["estimate"].to_numpy(dtype=float)
        n = activity_rows["n"].to_numpy()
        if np.isnan(f).any():
            if self.prior is not None:
                fill = self.prior[0] / (self.prior[0] + self.prior[1])
            else:
                ok = ~np.isnan(f)
                fill = float(np.average(f[ok], weights=n[ok])) if ok.any() else 0.0
            f = np.where(np.isnan(f), fill, f)
        activity = f[self.codes]
        w = self.model.tie_probability(self.x_hat, self.base.strength)
        return self.base.replace(activity=activity, transmission=w)

    def check(self, table, *, trials, seed, level):
        from referral.simulate import spread

        net = self.network(table)
        entropy = resolve_entropy(seed, function="Fit.check")
        children = np.random.SeedSequence(entropy).spawn(len(self.data.posters))
        counts = self.data.hop_counts
        max_hop = int(counts["hop"].max())
        observed = (
            counts.groupby("hop")["held"]
            .sum()
            .reindex(range(max_hop + 2), fill_value=0)
        ).to_numpy()[1:]
        sims = np.zeros((trials, max_hop + 1))
        spread_obs = 0
        spread_sim = np.zeros(trials)
        for code, posters in self.data.posters.items():
            result = spread(
                net,
                self.base.labels[posters],
                trials=trials,
                keep_chains=0,
                record="reach",
                source_activity=self.s_act,
                seed=children[code],
            )
            th = result.trial_hop[:, 1:]
            width = min(th.shape[1], max_hop + 1)
            sims[:, :width] += th[:, :width]
            if th.shape[1] > max_hop + 1:
                sims[:, max_hop] += th[:, max_hop + 1 :].sum(axis=1)
            spread_sim += th.sum(axis=1) > 0
            opening_told = counts[(counts["opening"] == code) & (counts["hop"] > 0)]
            spread_obs += int(opening_told["held"].sum() > 0)
        rows = []
        measures = [
            ("people_told_at_hop", h + 1, observed[h], sims[:, h])
            for h in range(max_hop + 1)
        ]
        measures.append(("people_told", -1, observed.sum(), sims.sum(axis=1)))
        measures.append(("openings_passed_on", -1, spread_obs, spread_sim))
        alpha = (1 - level) / 2
        stat_obs = 0.0
        stat_sim = np.zeros(trials)
        for name, hop, obs, sim in measures:
            mean = float(sim.mean())
            var = float(sim.var())
            if var > 0:
                stat_obs += (obs - mean) ** 2 / var
                stat_sim += (sim - mean) ** 2 / var
            p = _two_sided_mid_p(sim, obs)
            rows.append(
                [
                    name,
                    hop,
                    float(obs),
                    mean,
                    float(np.quantile(sim, alpha)),
                    float(np.quantile(sim, 1 - alpha)),
                    level,
                    p,
                ]
            )
        p_all = _mid_p_above(stat_sim, stat_obs)
        rows.append(
            [
                "all",
                -1,
                stat_obs,
                float(stat_sim.mean()),
                float(np.quantile(stat_sim, alpha)),
                float(np.quantile(stat_sim, 1 - alpha)),
                level,
                float(p_all),
            ]
        )
        out = pd.DataFrame(
            rows,
            columns=[
                "measure",
                "hop",
                "observed",
                "expected",
                "ci_low",
                "ci_high",
                "level",
                "p_value",
            ],
        )
        out["hop"] = out["hop"].astype("int64")
        return out


def _mid_p_above(sim, obs):
    """Share of simulations above ``obs``, ties counted half (mid-p).

    The evidence counts as one more draw, tied with itself. Counts are
    discrete: with ties counted whole, a two-sided p-value of a small count
    is far above uniform even when the model is right; counted half it is
    close to uniform.
    """
    above = np.sum(sim > obs)
    tied = np.sum(sim == obs) + 1
    return float((above + tied / 2) / (len(sim) + 1))


def _two_sided_mid_p(sim, obs):
    """Two-sided mid-p value: twice the smaller tail, at most 1."""
    upper = _mid_p_above(sim, obs)
    lower = _mid_p_above(-np.asarray(sim), -obs)
    return min(1.0, 2 * min(upper, lower))


# ------------------------------------------------- the constant-w fast path
def _best_f(model, w, fixed=None):
    """Each group's activity maximising the likelihood at transmission ``w``.

    For a fixed ``w`` the groups separate, and each group's log-likelihood
    ``n+ log f + sum_k m_k log(1 - f a_k)`` (``a_k = 1 - (1 - w)^k``) is
    concave in ``f``: a safeguarded Newton iteration, vectorised over the
    groups. ``fixed = (g, value)`` holds one group's activity. Returns the
    activities and the log-likelihood.
    """
    G = model.n_groups
    if not hasattr(model, "_zero_rows"):
        keep = model.z_g >= 0
        model._zero_rows = (model.z_g[keep], model.z_k[keep], model.z_m[keep])
    zg, zk, zm = model._zero_rows
    log1w = np.log1p(-w)
    a = -np.expm1(zk * log1w)
    n_pos = model.n_pos.astype(float)

    def d1_at(f):
        fa = f[zg] * a
        return n_pos / f - np.bincount(zg, weights=zm * a / (1 - fa), minlength=G)

    lo = np.full(G, EPS)
    hi = np.full(G, 1 - EPS)
    at_hi = d1_at(hi) >= 0
    at_lo = d1_at(lo) <= 0
    f = np.clip(getattr(model, "_f_start", np.full(G, 0.5)), 1e-6, 1 - 1e-6)
    for _ in range(100):
        fa = f[zg] * a
        d1 = n_pos / f - np.bincount(zg, weights=zm * a / (1 - fa), minlength=G)
        d2 = -n_pos / f**2 - np.bincount(
            zg, weights=zm * a**2 / (1 - fa) ** 2, minlength=G
        )
        lo = np.where(d1 > 0, f, lo)
        hi = np.where(d1 <= 0, f, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f - d1 / d2
        bad = ~np.isfinite(step) | (step <= lo) | (step >= hi)
        new = np.where(bad, (lo + hi) / 2, step)
        new = np.where(at_hi, 1 - EPS, np.where(at_lo, EPS, new))
        if np.max(np.abs(new - f)) < 1e-12:
            f = new
            break
        f = new
    model._f_start = f
    # boundaries: derivative negative at EPS -> 0 side; positive at 1-EPS
    f = np.clip(f, EPS, 1 - EPS)
    if fixed is not None:
        f[fixed[0]] = fixed[1]
    return f, model.loglik_constant(f, w)


def _profile_w(model, fixed=None, around=None):
    """Maximise over transmission (and the free activities): (w, f, loglik).

    ``around`` is a logit of transmission near the answer: the search then
    looks within 1.5 of it first.
    """
    from scipy import optimize

    def neg(t):
        w = special.expit(t)
        value = -_best_f(model, w, fixed)[1]
        return value if np.isfinite(value) else 1e300

    edge = np.log(1 / EPS)
    if around is not None:
        lo, hi = max(around - 0.5, -edge), min(around + 0.5, edge)
        best = optimize.minimize_scalar(
            neg, bounds=(lo, hi), method="bounded", options={"xatol": 1e-5}
        )
        if lo + 1e-3 < best.x < hi - 1e-3:
            w = special.expit(best.x)
            f, ll = _best_f(model, w, fixed)
            return w, f, ll
    best = optimize.minimize_scalar(
        neg, bounds=(-edge, edge), method="bounded", options={"xatol": 1e-8}
    )
    # the bounded search can miss a boundary maximum: compare the ends
    candidates = [best.x, -edge, edge]
    values = [neg(t) for t in candidates]
    t = candidates[int(np.argmin(values))]
    w = special.expit(t)
    f, ll = _best_f(model, w, fixed)
    return w, f, ll


def fit_constant(model, level):
    """MLE and profile intervals of the constant-transmission model."""
    from scipy import optimize

    w_hat, f_hat, ll = _profile_w(model)
    x_hat = np.append(f_hat, w_hat)
    t_hat = special.logit(w_hat)
    se = hessian_se(model.nll, x_hat, model.bounds())
    threshold = ll - stats.chi2.ppf(level, 1) / 2
    intervals = []
    G = model.n_groups
    grid = None
    if G >= 5 and np.isfinite(se[G]) and se[G] > 0 and EPS * 10 < w_hat < 1 - 1e-6:
        grid = _WGrid(model, t_hat, se[G] / (w_hat * (1 - w_hat)))
    for j in range(G + 1):
        ends = []
        for edge in (EPS, 1 - EPS):
            centre = x_hat[j]

            def prof(v, j=j):
                if j == G:
                    return _best_f(model, v)[1]
                if grid is not None:
                    value = grid.profile(j, v)
                    if value is not None:
                        return value
                return _profile_w(model, fixed=(j, v), around=t_hat)[2]

            if abs(edge - centre) < 1e-12:
                ends.append(edge)
                continue
            # a bracket from the curvature first, the whole range if need be
            near = None
            if np.isfinite(se[j]) and se[j] > 0:
                near = centre + np.sign(edge - centre) * 3.5 * se[j]
                if (near - EPS) * (1 - EPS - near) <= 0 or prof(near) >= threshold:
                    near = None
            if near is None:
                if prof(edge) >= threshold:
                    ends.append(edge)
                    continue
                near = edge
            ends.append(
                optimize.brentq(
                    lambda v, p=prof: p(v) - threshold, centre, near, xtol=1e-6
                )
            )
        intervals.append((min(ends), max(ends)))
    return x_hat, ll, intervals


class _WGrid:
    """Exact per-group activity profiles from one grid over transmission.

    With ``w`` fixed the groups separate, so the profile of group ``j`` at
    activity ``v`` is ``max_w [l_j(v, w) + P(w) - l_j*(w)]``, where ``P`` is
    the likelihood maximised over every activity at ``w`` and ``l_j*`` group
    ``j``'s own maximum there. ``P`` and ``l_j*`` are computed once on a
    fine grid of ``logit(w)`` (8 standard errors either side of the
    estimate, 401 points) and the maximum over the grid is refined by a
    parabola through its neighbours. A maximum on the grid's edge returns
    ``None`` and the caller profiles exactly.
    """

    def __init__(self, model, t_hat, se_t):
        self.model = model
        self.t = t_hat + np.linspace(-8, 8, 401) * se_t
        self.w = special.expit(self.t)
        keep = model.z_g >= 0
        self.zg, self.zk, self.zm = model.z_g[keep], model.z_k[keep], model.z_m[keep]
        total = np.empty(len(self.w))
        best = np.empty((len(self.w), model.n_groups))
        for i, w in enumerate(self.w):
            f, total[i] = _best_f(model, w)
            best[i] = self._group_ll(f, w)
        self.total, self.best = total, best

    def _group_ll(self, f, w):
        """Each group's own log-likelihood at activities ``f`` and ``w``."""
        m = self.model
        a = -np.expm1(self.zk * np.log1p(-w))
        with np.errstate(divide="ignore"):
            terms = self.zm * np.log1p(-f[self.zg] * a)
            own = m.n_pos * np.log(f)
        return own + np.bincount(self.zg, weights=terms, minlength=m.n_groups)

    def profile(self, j, v):
        m = self.model
        rows = self.zg == j
        a = -np.expm1(self.zk[rows][None, :] * np.log1p(-self.w)[:, None])
        with np.errstate(divide="ignore"):
            lj = m.n_pos[j] * np.log(v) + (self.zm[rows] * np.log1p(-v * a)).sum(1)
        values = lj + self.total - self.best[:, j]
        i = int(np.argmax(values))
        if i == 0 or i == len(values) - 1:
            return None
        y0, y1, y2 = values[i - 1], values[i], values[i + 1]
        denom = y0 - 2 * y1 + y2
        if denom >= 0:
            return float(y1)
        return float(y1 - (y0 - y2) ** 2 / (8 * denom))
