"""The standard analysis: run everything on one network, optionally write the
report.

:func:`analyse` runs the standard analysis of a network (spread, drop-off,
the "other people" cost, gatekeepers, whom to ask, weak ties, interventions)
and returns a :class:`~referral.report.Results` bundle of tidy tables, and
writes the report folder when given ``out``; :func:`demo_results` does it for
the bundled demo network. This room sits above ``_analysing`` (the tables)
and ``_rendering`` (the folder), so the imports run one way.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

from referral._core.params import Interval, validate_params
from referral.report._analysing import Results, with_attributes, with_names
from referral.report._rendering import check_writable, write_report

__all__ = ["analyse", "demo_results"]


# ------------------------------------------------------------------ analysis
@validate_params(
    {
        "network": ["network"],
        "title": [str],
        "description": [str, None],
        "trials": [Mapping, None],
        "top": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
        "name": [str, None],
        "interventions": [Mapping, None],
        "force": ["boolean"],
    }
)
def analyse(
    network,
    sources=None,
    *,
    out=None,
    force: bool = False,
    name: str | None = None,
    interventions=None,
    title: str = "Referral report",
    description: str | None = None,
    trials=None,
    top: int = 10,
    seed=0,
    n_jobs=None,
    progress: bool = False,
    fit=None,
) -> Results:
    """Run the whole analysis of a network, and write the report if asked.

    The spread of one opening, where it stops (drop-off), what the people
    who do not pass it on cost and where the network sits relative to its
    threshold, the gatekeepers, whom to ask to share it, the weak ties on
    the chains that reached candidates, and a default set of interventions
    against today's network, all with one seed. This is also
    :func:`referral.analyse` and ``referral analyse TIES --people ROSTER``.

    Parameters
    ----------
    network : ReferralNetwork
        The network, e.g. from :func:`referral.io.read_edgelist` and
        :func:`referral.io.apply_people`.
    sources : labels, optional
        Who posts the opening (default: the recruiters).
    out : str or path, optional
        Write the report folder here (:func:`write_report`); an earlier
        report there is replaced only with ``force``.
    force : bool, default False
        Replace an earlier report at ``out``.
    name : str, optional
        A person attribute with display names (e.g. a roster's ``name``
        column): added as a ``name`` column next to ``person`` in the people,
        gatekeepers and ambassadors tables, and used in their sentences.
        Every person attribute (e.g. ``department``) is carried into the
        people table in any case.
    interventions : mapping of str to ReferralNetwork, optional
        More scenarios to compare with today's network, besides the default
        ones (train the top gatekeepers, a referral bonus of +0.1); each must
        have the same people, as :mod:`referral.interventions` returns.
    title, description : str
        The report's title and a sentence describing the network.
    trials : dict, optional
        Trials per step: ``spread``, ``cost``, ``gatekeepers``, ``compare``,
        ``ambassadors`` (defaults 2000, 2000, 300, 2000, 1000; the same trials
        for the spread, the cost and the comparison keep their "as is" figures
        identical; ``ambassadors`` is the forward check of the five people to
        ask, chosen by :func:`referral.ambassadors` with ``epsilon=0.2``, and 0
        leaves the "Who to ask" section out).
    top : int, default 10
        Gatekeepers to rank; the first intervention trains them.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. One
        seed for every step.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. It follows the main
        spread.
    fit : Fit or pandas.DataFrame, optional
        A :func:`referral.calibrate.referral_log` fit (or its ``params()``
        table, e.g. the ``params.csv`` of ``referral fit``) whose values
        ``network`` carries (``fit.network()``): its table is added as
        ``fit`` and the report opens with a "What your data says" section.

    Returns
    -------
    Results
        The tables, headline facts and results, ready for the report.

    Raises
    ------
    FileExistsError
        If ``out`` holds an earlier output and ``force`` is false (checked
        before any simulation).
    ValueError
        If ``name`` is not a person attribute, an intervention's people
        differ from the network's, or ``fit`` is not a referral-log fit's
        table.
    TypeError
        If ``fit`` is neither a ``Fit`` nor a table.

    Examples
    --------
    >>> import networkx as nx, tempfile
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.karate_club_graph(), strength=0.5, activity=0.3,
    ...                     recruiters=[0], candidates=range(20, 34))
    >>> quick = dict(spread=100, cost=100, gatekeepers=20, compare=100,
    ...              ambassadors=50)
    >>> results = analyse(net, trials=quick, top=3,
    ...                   out=tempfile.mkdtemp() + "/report")
    >>> sorted(results.tables)[:4]
    ['ambassadors', 'compare', 'cost', 'cost_curve']
    """
    from referral import analysis
    from referral import interventions as changes
    from referral._core.rng import resolve_entropy

    if out is not None:
        check_writable(out, force=force)
    if fit is not None:
        from referral.report._fit_section import fit_table

        fit = fit_table(fit)
    if name is not None and name not in network.attributes:
        raise ValueError(
            f"analyse: name={name!r} is not a person attribute; the attributes "
            f"are {sorted(network.attributes)}."
        )
    from referral.simulate import spread

    steps = {
        "spread": 2000,
        "cost": 2000,
        "gatekeepers": 300,
        "compare": 2000,
        "ambassadors": 1000,
    }
    steps.update(trials or {})
    entropy = resolve_entropy(seed, function="analyse")
    result = spread(
        network,
        sources,
        trials=steps["spread"],
        seed=entropy,
        n_jobs=n_jobs,
        progress=progress,
    )
    cost = analysis.other_people_cost(
        network, sources, trials=steps["cost"], seed=entropy, n_jobs=n_jobs
    )
    keepers = analysis.gatekeepers(
        network,
        result,
        sources=sources,
        top=top,
        trials=steps["gatekeepers"],
        seed=entropy,
        n_jobs=n_jobs,
    )
    trained = keepers["person"].tolist()
    mean_activity = float(network.activity.mean())
    scenarios = {
        "as is": network,
        f"train top {len(trained)} gatekeepers": (
            changes.boost_activity(network, trained, to=0.9)
        ),
        "referral bonus +0.1": changes.referral_bonus(network, 0.1),
    }
    for label, changed in (interventions or {}).items():
        if str(label) in scenarios:
            raise ValueError(
                f"analyse: the intervention {label!r} has the name of a default "
                f"scenario; choose another."
            )
        scenarios[str(label)] = changed
    compared = analysis.compare(
        scenarios,
        trials=steps["compare"],
        seed=entropy,
        n_jobs=n_jobs,
        sources=sources,
    )
    asked = None
    # ask neither the recruiters posting nor the candidates: the candidates
    # are the audience (a candidate who posts counts as reached, so an
    # isolated one would be picked for reaching only themselves)
    not_asked = set(result.sources.tolist()) | set(network.candidates.tolist())
    can_ask = network.n_people - len(not_asked)
    if network.is_candidate.any() and steps.get("ambassadors", 0) > 0 and can_ask:
        from referral.whom_to_ask import ambassadors

        asked = ambassadors(
            network,
            min(5, can_ask),
            exclude=list(network.labels[sorted(not_asked)]),
            epsilon=0.2,
            check_trials=steps["ambassadors"],
            seed=entropy,
            n_jobs=n_jobs,
        )
    facts = {
        "title": title,
        "kind": "spread",
        "network": description or repr(network),
        "people": str(network.n_people),
        "ties": str(network.n_ties),
        "candidates": str(int(network.is_candidate.sum())),
        "mean_activity": f"{mean_activity:.3f}",
        "baseline": "as is",
        "trials": str(result.n_trials),
        "seed": str(entropy),
        "gatekeeper_measure": str(keepers["measure"].iloc[0]) if len(keepers) else "",
        "interventions": (
            f"train top {len(trained)} gatekeepers: their activity raised to 0.9; "
            f"referral bonus +0.1: everyone's activity raised by 0.1"
            + "".join(f"; {label}: your own" for label in interventions or {})
        ),
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
    }
    tables = {
        "summary": result.summary(),
        "dropoff": analysis.dropoff(result, n_jobs=n_jobs),
        "tie_offers": analysis.tie_offers(result),
        "gatekeepers": keepers,
        **cost.tables(),
        "weak_ties": analysis.weak_tie_share(result),
        "compare": compared,
        "people": with_attributes(result.people(), network),
    }
    if asked is not None:
        tables["ambassadors"] = asked
    if fit is not None:
        tables["fit"] = fit
    if name is not None:
        for key in ("gatekeepers", "ambassadors"):
            if key in tables:
                tables[key] = with_names(tables[key], network, name)
    results = Results(title=title, tables=tables, facts=facts)
    if out is not None:
        write_report(results, out, force=force)
    return results


@validate_params(
    {
        "seed": ["seed"],
        "trials": [Mapping, None],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
    }
)
def demo_results(*, seed=0, trials=None, n_jobs=None, progress=False) -> Results:
    """The default scenario on the bundled e-mail network (``referral demo``).

    One recruiter posts an opening in the e-mail network of a European
    research institution (1,005 people); activity is drawn from Beta(2, 5),
    so most people are poor networkers, and a fifth are open to the job.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. It
        seeds the population draw and every simulation.
    trials : dict, optional
        As in :func:`analyse`.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. It follows the main
        spread.

    Returns
    -------
    Results
        The tables and facts of the demo, ready for :func:`write_report`.
    """
    from referral.datasets import email_eu_core

    network = email_eu_core(seed=seed)
    description = (
        f"the e-mail network of a European research institution (SNAP "
        f"email-Eu-core): {network.n_people:,} people, {network.n_ties:,} "
        f"one-way ties; one recruiter; {int(network.is_candidate.sum())} "
        f"candidates; activity drawn from Beta(2, 5), mean "
        f"{network.activity.mean():.2f}"
    )
    return analyse(
        network,
        title="Referral demo: how far does one opening travel?",
        description=description,
        trials=trials,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
    )
