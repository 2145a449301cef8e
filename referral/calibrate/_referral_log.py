"""Fit activity and transmission to a referral log on a known network."""

from __future__ import annotations

import warnings

import pandas as pd

from referral._core.params import Interval, Options, validate_params
from referral._core.validation import user_stacklevel
from referral.calibrate._em import HopData, _blank, fit_em, read_hops
from referral.calibrate._fit import Fit
from referral.calibrate._log import read_log
from referral.calibrate._spread_model import fit_log

__all__ = ["referral_log"]


@validate_params(
    {
        "network": ["network"],
        "by": [str, None],
        "transmission": [Options(("constant", "by_strength", "by_class")), callable],
        "tellers": [Options(("all", "first", "unknown"))],
        "pooling": [Options(("partial", "none"))],
        "source_activity": [Interval(float, 0, 1)],
        "level": [Interval(float, 0, 1, closed="neither")],
        "opening": [str],
        "teller": [str, None],
        "told": [str],
        "time": [str, None],
        "hop": [str, None],
        "seed": ["seed"],
        "interval": [Options(("profile", "bootstrap"))],
        "n_boot": [Interval(int, 20, None)],
    }
)
def referral_log(
    network,
    log,
    *,
    sources=None,
    by=None,
    transmission="constant",
    tellers="all",
    pooling="partial",
    source_activity=1.0,
    level=0.95,
    opening="opening",
    teller="teller",
    told="told",
    time=None,
    hop=None,
    classes=None,
    seed=None,
    interval="profile",
    n_boot=200,
) -> Fit:
    """Fit activity and transmission to a log of who told whom.

    The model is exactly :func:`referral.spread`'s. For each opening the
    posters hold it at hop 0 and a person told by a holder of hop ``h`` holds
    it at hop ``h + 1``. A holder with ``k`` contacts not yet told when they
    act passes it on with probability ``f`` (their activity); if they do,
    each of those ties carries it with probability ``w``. The chance that
    they tell exactly the contacts the log says is
    ``(1 - f) [c = 0] + f w^c (1 - w)^(k - c)``: the excess of people who
    told nobody separates activity from transmission. Holders with no untold
    contact carry no information and are left out. Parameters are fitted by
    maximum likelihood with profile-likelihood intervals.

    Parameters
    ----------
    network : ReferralNetwork
        The network the openings travelled on.
    log : pandas.DataFrame
        One row per telling, with the columns named by ``opening``,
        ``teller`` and ``told`` (and ``time`` if given).
    sources : label, list of labels or dict, optional
        The posters: one list for every opening, or ``{opening: poster(s)}``
        (which may name openings nobody was told about). Default: in each
        opening, the tellers nobody told.
    by : str, optional
        A person attribute (``"community"`` or any key of
        ``network.attributes``): fit one activity per group.
    transmission : str or callable, default "constant"
        ``"constant"``, ``"by_strength"`` or ``"by_class"``:
        One ``w`` for every tie; ``w = expit(a + b * strength)`` (logistic
        in tie strength); one ``w`` per tie-strength class (one
        ``transmission`` row per class, its ``group`` naming the class; see
        ``classes``); or a callable mapping strengths to known
        transmissions, in which case only activity is fitted.
    tellers : {"all", "first", "unknown"}, default "all"
        ``"all"``: the log lists every telling, so a person told by two
        holders of the same hop has two rows. ``"first"``: the log keeps one
        teller per person told (as :meth:`SpreadResult.chains` and most
        referral programmes do); a tie from another holder of that hop to
        that person is then left out of that holder's ``k``, since the log
        does not say whether it carried. That leaves out evidence and is
        exact only when no two holders of one hop share an untold contact;
        on dense networks it leans transmission upward and its intervals
        are too narrow (see the guide). A warning gives the count of such
        ties. ``"unknown"``: the named tellers only place people at their
        hop; anyone holding the opening one hop earlier who is their
        contact may have told them, and the fit runs over the possible
        tellers (expectation-maximisation on the exact likelihood of who
        held the opening at which hop). This is also what happens when
        ``teller`` is None, the teller column has blanks, or ``hop`` is
        given. It fits one constant transmission and has no partial
        pooling. Holders who share the people they could have told form
        groups; where a group has more than 12 holders who may or may not
        have acted (dense networks), their acting is sampled rather than
        listed (Gibbs sampling, Monte-Carlo EM and an importance-sampled
        likelihood; see the guide), so the fit then depends on ``seed``
        and its log-likelihood is an estimate.
    pooling : {"partial", "none"}, default "partial"
        With ``by``: shrink the groups' activity toward each other (a Beta
        prior shared by the groups, averaged over its mean and spread as
        the groups support them), so small groups borrow strength; the rows
        then give the posterior mean,
        standard deviation and central interval. ``"none"`` fits each group
        on its own with profile intervals.
    source_activity : float, default 1.0
        The chance a poster acts, as in :func:`referral.spread`.
    level : float, default 0.95
        The level of the intervals.
    opening, teller, told : str
        The log's column names. ``teller=None``: the log has no teller
        column (``hop`` is then needed).
    time : str, optional
        A column of times: the rows are read in time order (the first
        telling of a person counts) and a teller may not tell before being
        told.
    hop : str, optional
        A column giving the hop at which each person was told (1 for people
        a poster told, 2 for the people they told, ...). Needed when the log
        does not say who told whom; with it the fit runs over the possible
        tellers (see ``tellers``) and ``sources`` must be given.
    classes : sequence of float, optional
        With ``transmission="by_class"``: increasing bin edges of tie
        strength, each class holding the strengths in ``(lo, hi]``. Default:
        one class per distinct tie strength (at most 12).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. It
        drives the sampled fit over tellers (dense networks) and bootstrap
        intervals; unused otherwise.
    interval : {"profile", "bootstrap"}, default "profile"
        ``"profile"``: profile-likelihood intervals. ``"bootstrap"``:
        parametric bootstrap: the fitted model is run ``n_boot`` times from
        the log's posters, each simulated log is refitted, and the interval
        is the central ``level`` range of the refitted values (``se`` their
        standard deviation; the estimate is unchanged). Only for logs that
        list every telling, with ``transmission="constant"`` and no partial
        pooling.
    n_boot : int, default 200
        Bootstrap replicates (at least 20).

    Returns
    -------
    Fit
        ``params()`` has one ``activity`` row per group and a
        ``transmission`` row (or the two logistic coefficients); ``n`` is
        the holders with an untold contact (activity) or the untold contacts
        (transmission).

    Raises
    ------
    networkx.NodeNotFound
        If the log or ``sources`` names people who are not in the network
        (the message names them and the rows).
    ValueError
        For a missing column (named, with the closest match), an empty log
        without ``sources``, a teller equal to the person told, a telling
        between people with no tie, tellers who never held the opening,
        times out of order, or an unknown ``by``; when tellers are unknown,
        also for a missing ``hop`` column, hops that are not whole numbers of
        at least 1, people told at a hop where none of their contacts held
        the opening one hop earlier, a transmission other than
        ``"constant"`` or partial pooling; and for bootstrap intervals on
        a fit they do not support.

    Warns
    -----
    UserWarning
        When people were told an opening they already held (the first
        telling counts; the warning gives the count and the rows), when
        groups have no data, and with ``tellers="first"`` when ties were
        left out.

    Examples
    --------
    >>> import networkx as nx
    >>> import pandas as pd
    >>> from referral import from_networkx
    >>> from referral.calibrate import referral_log
    >>> net = from_networkx(nx.path_graph(["ann", "bob", "cy"]), strength=1.0,
    ...                     activity=0.5)
    >>> log = pd.DataFrame({"opening": [1, 2], "teller": ["ann", "ann"],
    ...                     "told": ["bob", "bob"]})
    >>> fit = referral_log(net, log, sources="ann")
    >>> fit.params()[["parameter", "estimate", "n"]]
          parameter  estimate  n
    0      activity       0.0  2
    1  transmission       1.0  4

    Without tellers, from the hop at which each person was told:

    >>> hops = pd.DataFrame({"opening": [1, 2], "told": ["bob", "bob"],
    ...                      "hop": [1, 1]})
    >>> fit = referral_log(net, hops, sources="ann", teller=None, hop="hop")
    >>> fit.params()[["parameter", "estimate", "n"]]
          parameter  estimate  n
    0      activity       0.0  2
    1  transmission       1.0  4
    """
    fn = "referral_log"
    if interval == "bootstrap":
        _check_bootstrap(log, teller, tellers, hop, by, pooling, transmission, fn)
    unknown = tellers == "unknown" or teller is None or hop is not None
    if not unknown and isinstance(log, pd.DataFrame) and teller in log.columns:
        unknown = bool(_blank(log[teller]).any())
    if unknown:
        return _fit_unknown_tellers(
            network,
            log,
            sources=sources,
            by=by,
            transmission=transmission,
            pooling=pooling,
            source_activity=source_activity,
            level=level,
            opening=opening,
            teller=teller,
            told=told,
            time=time,
            hop=hop,
            function=fn,
            seed=seed,
        )
    if classes is not None and transmission != "by_class":
        raise ValueError(
            f"The 'classes' parameter of {fn} is for transmission='by_class'; "
            f"got transmission={transmission!r}."
        )
    data = read_log(
        network,
        log,
        sources=sources,
        opening=opening,
        teller=teller,
        told=told,
        time=time,
        tellers=tellers,
        function=fn,
    )
    if data.n_ambiguous:
        warnings.warn(
            f"With tellers='first', {data.n_ambiguous} tie(s) from a holder to a "
            f"person someone else of the same hop told were left out: the log "
            f"does not say whether they carried.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    table, ll, n_params, identifiable, reason, state = fit_log(
        network,
        data,
        by=by,
        transmission=transmission,
        source_activity=float(source_activity),
        pooling=pooling,
        level=float(level),
        function=fn,
        classes=classes,
    )
    if interval == "bootstrap":
        from referral.calibrate._bootstrap import bootstrap_table

        table, _ = bootstrap_table(
            table, state, n_boot=n_boot, level=float(level), seed=seed, function=fn
        )
    model = transmission if isinstance(transmission, str) else "callable"
    return Fit(
        kind="referral_log",
        model=model,
        table=table,
        loglik=ll,
        n_params=n_params,
        identifiable=identifiable,
        reason=reason,
        level=float(level),
        _state=state,
    )


def _check_bootstrap(log, teller, tellers, hop, by, pooling, transmission, function):
    """Bootstrap intervals are for complete logs and one constant transmission."""
    blank = (
        isinstance(log, pd.DataFrame)
        and teller is not None
        and teller in log.columns
        and bool(_blank(log[teller]).any())
    )
    if tellers != "all" or teller is None or hop is not None or blank:
        raise ValueError(
            f"{function} has bootstrap intervals only for logs that list every "
            f"telling (tellers='all', a full teller column, no hop=); use "
            f"interval='profile'."
        )
    if transmission != "constant":
        raise ValueError(
            f"{function} has bootstrap intervals only for transmission='constant'; "
            f"got transmission={transmission!r} (use interval='profile')."
        )
    if by is not None and pooling == "partial":
        raise ValueError(
            f"{function}'s pooled group rows are already posterior intervals; "
            f"bootstrap intervals need pooling='none'."
        )


def _fit_unknown_tellers(
    network,
    log,
    *,
    sources,
    by,
    transmission,
    pooling,
    source_activity,
    level,
    opening,
    teller,
    told,
    time,
    hop,
    function,
    seed=None,
):
    """The fit over possible tellers (EM), for logs that do not say who told."""
    if transmission != "constant":
        raise ValueError(
            f"{function} fits transmission={transmission!r} only from a log that "
            f"names every teller; when tellers are unknown it fits one constant "
            f"transmission (pass transmission='constant')."
        )
    if by is not None and pooling == "partial":
        raise ValueError(
            f"{function} has no partial pooling when tellers are unknown: pass "
            f"pooling='none' to fit each group of {by!r} on its own."
        )
    if hop is not None:
        data = read_hops(
            network,
            log,
            sources=sources,
            opening=opening,
            told=told,
            hop=hop,
            function=function,
        )
    else:
        if teller is None or (teller in log.columns and _blank(log[teller]).any()):
            rows = (
                ""
                if teller is None
                else f" (blank tellers in rows "
                f"{', '.join(map(str, log.index[_blank(log[teller])][:10]))})"
            )
            raise ValueError(
                f"{function} needs to know at which hop each person was told when "
                f"the log does not say who told them{rows}: pass hop= naming a "
                f"column of hops (1 for people the posters told, 2 for the people "
                f"they told, ...)."
            )
        full = read_log(
            network,
            log,
            sources=sources,
            opening=opening,
            teller=teller,
            told=told,
            time=time,
            tellers="all",
            function=function,
        )
        op_code, person, hops = full.held
        data = HopData(
            opening=op_code,
            person=person,
            hop=hops,
            source=hops == 0,
            openings=full.openings,
            posters=full.posters,
            hop_counts=full.hop_counts,
        )
    table, ll, n_params, identifiable, reason, state = fit_em(
        network,
        data,
        by=by,
        source_activity=float(source_activity),
        level=float(level),
        function=function,
        seed=seed,
    )
    return Fit(
        kind="referral_log",
        model="constant",
        table=table,
        loglik=ll,
        n_params=n_params,
        identifiable=identifiable,
        reason=reason,
        level=float(level),
        _state=state,
    )
