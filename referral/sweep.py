"""Parameter sweeps that run the same on a laptop, on joblib's loky, or on Dask.

:func:`sweep` builds a network for every combination of parameter values,
simulates it, and returns one tidy DataFrame with the parameters as columns.
It calls :class:`joblib.Parallel` with no fixed backend, so

.. code-block:: python

    from dask.distributed import Client
    import joblib

    client = Client("tcp://scheduler:8786")  # or Client(LocalCluster())
    with joblib.parallel_config(backend="dask"):
        table = sweep(build, grid, trials=1000, seed=7)

runs it on a Dask cluster with no change to this code. For other executors
(``dask.distributed.Client.map``, :mod:`concurrent.futures`, a batch queue)
the three plain, picklable steps are exposed::

    tasks = make_tasks(build, grid, trials=1000, seed=7)
    parts = client.gather(client.map(run_task, tasks))
    table = collect(parts)

Randomness and pairing
----------------------
A configuration's seeds are keyed by its *content*, not its position: with
``key`` four 32-bit words of ``joblib.hash`` of its build parameters (every
grid parameter except those named in ``interventions``), ``build`` gets
``SeedSequence(entropy, spawn_key=(*key, 0x0B11D))`` and ``simulate`` gets
``SeedSequence(entropy, spawn_key=key)``, from which the engine derives
trial ``t``'s random numbers. Every trial's stream is a pure function of
``(entropy, build parameters, t)``, so results are identical for any
``n_jobs``, backend, task order, executor or grid order, and configurations
that differ only in interventions (a referral bonus, an activity scale,
boosts, added ties) share the population draw and every trial's random
numbers: their differences are paired (common random numbers), and two
configurations that differ by a negligible amount give nearly identical
rows.

Every row records what replays it: the parameters, ``trials``, ``seed`` and
``build_seed``; ``simulate(build(**params, seed=build_seed), trials=trials,
seed=seed, **options)`` gives the row again (``options`` are the sweep's
simulate keywords, kept in ``attrs["simulate_kwargs"]``).

Resuming
--------
With ``results_dir``, each finished configuration is written there atomically
as one small file whose name carries ``joblib.hash`` of everything that
determines it: the parameters (by content, so two long arrays differing in
one element differ), trials, seeds, options, and the code of the build and
simulate functions (their source, defaults and partial arguments). A rerun
skips every configuration whose file exists, so an interrupted sweep resumes
without recomputing finished work, and a changed input is never served a
stale part. (Code that a build function calls is not hashed: delete the
folder after changing it.)
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import itertools
import json
import numbers
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from referral._params import Interval, validate_params
from referral._random import resolve_entropy
from referral.io import atomic_write
from referral.spread import SpreadResult, spread

__all__ = [
    "sweep",
    "make_tasks",
    "run_task",
    "collect",
    "SweepTask",
    "grid_configs",
    "read_sweep_spec",
    "toml_build",
    "TOML_BUILDERS",
    "TOML_INTERVENTIONS",
]

_MANIFEST = "sweep.json"
_BUILD_STREAM = 0x0B11D  # spawn-key suffix of the stream given to ``build``


def grid_configs(grid: Mapping[str, Iterable]) -> list[dict]:
    """All combinations of a parameter grid, in :func:`itertools.product` order.

    Parameters
    ----------
    grid : mapping of str to iterable
        ``{parameter: values}``. A scalar (str or number) counts as one value.

    Returns
    -------
    list of dict
        One ``{parameter: value}`` dict per configuration.

    Raises
    ------
    ValueError
        If the grid is empty or a parameter has no values.

    Examples
    --------
    >>> grid_configs({"a": [1, 2], "b": ["x"]})
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
    """
    if not isinstance(grid, Mapping) or len(grid) == 0:
        raise ValueError(
            "The 'grid' parameter of sweep must be a non-empty mapping of "
            f"parameter names to lists of values. Got {grid!r} instead."
        )
    names = list(grid)
    values = []
    for name in names:
        if not isinstance(name, str):
            raise ValueError(
                f"The 'grid' parameter of sweep must have str keys. Got {name!r}."
            )
        options = grid[name]
        if isinstance(options, str | bytes | numbers.Number) or not isinstance(
            options, Iterable
        ):
            options = [options]
        options = list(options)
        if not options:
            raise ValueError(
                f"The 'grid' parameter of sweep gives no values for {name!r}."
            )
        values.append(options)
    return [
        dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)
    ]


def _code_of(function):
    """What identifies a function's behaviour, stable across processes.

    Its module and name, its source and bytecode (instructions, names and
    constants, without file name or line numbers), defaults and closure
    values, and for a
    :func:`functools.partial` the bound arguments by content. For a
    callable object: its class's ``__call__`` and the object's state.
    """
    import joblib

    if isinstance(function, functools.partial):
        return (
            "partial",
            _code_of(function.func),
            _digest(function.args),
            _digest(sorted(function.keywords.items())),
        )
    state = None
    if not inspect.isfunction(function) and not inspect.ismethod(function):
        call = getattr(type(function), "__call__", None)  # noqa: B004
        if inspect.isfunction(call):
            try:
                state = joblib.hash(function)
            except Exception:  # noqa: BLE001 - unpicklable state: name only
                state = None
            function = call
    code = getattr(function, "__code__", None)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = None if code is not None else repr(function)
    body = (source, None if code is None else _bytecode(code))
    closure = getattr(function, "__closure__", None) or ()
    try:
        defaults = joblib.hash(
            (
                getattr(function, "__defaults__", None),
                getattr(function, "__kwdefaults__", None),
                [cell.cell_contents for cell in closure],
            )
        )
    except Exception:  # noqa: BLE001 - unpicklable defaults: source only
        defaults = None
    module = getattr(function, "__module__", None) or ""
    name = getattr(function, "__qualname__", None) or type(function).__name__
    return (module, name, body, defaults, state)


def _bytecode(code) -> tuple:
    """A code object's instructions, names and constants (nested code too),
    without its file name and line numbers, so it is stable across machines.
    """
    # repr, not marshal: marshal's output depends on reference counts
    consts = tuple(
        _bytecode(c) if inspect.iscode(c) else (type(c).__name__, repr(c))
        for c in code.co_consts
    )
    return (code.co_code, code.co_names, code.co_varnames, code.co_freevars, consts)


def _digest(value) -> str:
    """``joblib.hash`` of a value; functions inside it count by their code."""
    import joblib

    try:
        return joblib.hash(value)
    except Exception:  # noqa: BLE001 - e.g. a lambda somewhere inside
        pass
    if callable(value):
        return joblib.hash(_code_of(value))
    if isinstance(value, list | tuple):
        return joblib.hash([type(value).__name__, *map(_digest, value)])
    if isinstance(value, Mapping):
        return joblib.hash(sorted((repr(k), _digest(v)) for k, v in value.items()))
    raise TypeError(
        f"sweep keys configurations by content and needs picklable parameter "
        f"values and options. Got {value!r} instead."
    )


def _content_key(params: Mapping, interventions) -> tuple[int, ...]:
    """Four 32-bit words of ``joblib.hash`` of the build parameters."""
    population = sorted((k, v) for k, v in params.items() if k not in interventions)
    digest = _digest(population)
    return tuple(int(digest[i : i + 8], 16) for i in range(0, 32, 8))


def _accepts_seed(function) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


@dataclass(frozen=True)
class SweepTask:
    """One configuration of a sweep: everything needed to run it anywhere.

    Built by :func:`make_tasks`, run by :func:`run_task`. It holds only plain
    values and the two (picklable) functions, so it can be shipped to any
    worker.

    Attributes
    ----------
    config : int
        Position of the configuration in the grid.
    params : dict
        Keyword arguments for ``build``.
    build, simulate : callable
    trials : int
    seed : int
        The configuration's seed, ``SeedSequence(entropy, spawn_key=key)``
        reduced to an int, ``key`` from its build parameters (see the module
        notes); passed to ``simulate`` as ``seed=``.
    build_seed : int or None
        Passed to ``build`` as ``seed=`` when ``build`` takes a seed and the
        grid does not set one. Shared, like ``seed``, by configurations
        that differ only in interventions.
    per_trial : bool
    simulate_kwargs : dict
    results_dir : str or None
    fingerprint : str
        ``joblib.hash`` of everything that determines the result (parameters
        by content, trials, seeds, options, the functions' code); part of
        the file name.
    """

    config: int
    params: dict
    build: Callable
    simulate: Callable
    trials: int
    seed: int
    build_seed: int | None
    per_trial: bool
    simulate_kwargs: dict = field(default_factory=dict)
    results_dir: str | None = None
    fingerprint: str = ""

    @property
    def part_path(self) -> Path | None:
        """Where the finished part is stored (``None`` without a folder)."""
        if self.results_dir is None:
            return None
        return Path(self.results_dir) / f"part-{self.config:06d}-{self.fingerprint}.pkl"

    @property
    def done(self) -> bool:
        """Whether a finished part exists in ``results_dir``."""
        path = self.part_path
        return path is not None and path.exists()


def _fingerprint(params, build, simulate, trials, seed, build_seed, per_trial, kw):
    import referral

    return _digest(
        (
            sorted(params.items()),
            _code_of(build),
            _code_of(simulate),
            int(trials),
            int(seed),
            None if build_seed is None else int(build_seed),
            bool(per_trial),
            sorted(kw.items()),
            referral.__version__,
        )
    )


def _resolve_sweep_entropy(seed, results_dir) -> int:
    """The sweep's entropy; with ``seed=None`` a results folder keeps it."""
    if seed is not None or results_dir is None:
        return resolve_entropy(seed, function="sweep")
    manifest = Path(results_dir) / _MANIFEST
    if manifest.exists():
        return _read_manifest(manifest)
    return resolve_entropy(None, function="sweep")


def _read_manifest(manifest: Path) -> int:
    try:
        return int(json.loads(manifest.read_text())["entropy"])
    except (ValueError, KeyError, TypeError):
        raise ValueError(
            f"{str(manifest)!r} is damaged; delete it or pass seed=."
        ) from None


@validate_params(
    {
        "build": [callable],
        "grid": [Mapping],
        "simulate": [callable],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "per_trial": ["boolean"],
        "common_random_numbers": ["boolean"],
    }
)
def make_tasks(
    build: Callable,
    grid: Mapping[str, Iterable],
    *,
    simulate: Callable = spread,
    trials: int = 100,
    seed=None,
    per_trial: bool = False,
    results_dir=None,
    common_random_numbers: bool = False,
    interventions: Iterable[str] = (),
    **simulate_kwargs,
) -> list[SweepTask]:
    """The tasks of a sweep, one per configuration, for any executor.

    Parameters are those of :func:`sweep`. With ``seed=None`` fresh entropy
    is drawn (and, with ``results_dir``, stored there so a rerun resumes).

    Returns
    -------
    list of SweepTask
        In grid order. Run each with :func:`run_task` and pass the results,
        in any order, to :func:`collect`.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> def build(p):
    ...     return from_networkx(nx.path_graph(4), strength=1.0, activity=p,
    ...                          recruiters=[0])
    >>> tasks = make_tasks(build, {"p": [0.0, 1.0]}, trials=10, seed=1)
    >>> collect([run_task(t) for t in tasks])[["p", "people_reached_mean"]]
         p  people_reached_mean
    0  0.0                  2.0
    1  1.0                  4.0
    """
    trials = int(trials)
    configs = grid_configs(grid)
    interventions = _check_interventions(interventions, grid)
    entropy = _resolve_sweep_entropy(seed, results_dir)
    if results_dir is not None:
        folder = Path(results_dir)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = folder / _MANIFEST
        recorded = manifest.exists() and _read_manifest(manifest) == entropy
        if not recorded:
            with atomic_write(manifest, force=True) as handle:
                json.dump({"entropy": str(entropy)}, handle)
        results_dir = str(folder)
    give_build_seed = _accepts_seed(build)
    tasks = []
    for config, params in enumerate(configs):
        key = (0,) if common_random_numbers else _content_key(params, interventions)
        sim_seed = resolve_entropy(np.random.SeedSequence(entropy, spawn_key=key))
        build_seed = None
        if give_build_seed and "seed" not in params:
            build_seed = resolve_entropy(
                np.random.SeedSequence(entropy, spawn_key=(*key, _BUILD_STREAM))
            )
        kwargs = dict(simulate_kwargs)
        tasks.append(
            SweepTask(
                config=config,
                params=params,
                build=build,
                simulate=simulate,
                trials=int(trials),
                seed=sim_seed,
                build_seed=build_seed,
                per_trial=bool(per_trial),
                simulate_kwargs=kwargs,
                results_dir=results_dir,
                fingerprint=_fingerprint(
                    params,
                    build,
                    simulate,
                    trials,
                    sim_seed,
                    build_seed,
                    per_trial,
                    kwargs,
                ),
            )
        )
    return tasks


def _check_interventions(interventions, grid) -> frozenset:
    if isinstance(interventions, str):
        interventions = [interventions]
    try:
        names = list(interventions)
    except TypeError:
        raise TypeError(
            f"The 'interventions' parameter of sweep must be a list of grid "
            f"parameter names. Got {interventions!r} instead."
        ) from None
    unknown = [n for n in names if not isinstance(n, str) or n not in grid]
    if unknown:
        raise ValueError(
            f"The 'interventions' parameter of sweep must name grid parameters "
            f"({sorted(grid)}). Got {unknown[0]!r} instead."
        )
    return frozenset(names)


def _summary_row(result) -> dict:
    """One wide row from a result: ``{measure}_{statistic}`` columns."""
    if isinstance(result, Mapping):
        return dict(result)
    if isinstance(result, pd.Series):
        return result.to_dict()
    summary = result.summary() if hasattr(result, "summary") else None
    if not isinstance(summary, pd.DataFrame) or "measure" not in summary.columns:
        raise TypeError(
            "sweep's 'simulate' must return a dict, a Series, a DataFrame, or a "
            "result with a summary() DataFrame that has a 'measure' column. Got "
            f"{type(result).__name__}."
        )
    if isinstance(result, SpreadResult):
        # a spread's figures are means over the row's trials: the sweep table
        # names them {measure}_mean and has the trial count in 'trials'
        summary = summary.rename(columns={"estimate": "mean"}).drop(columns="n")
    row = {}
    for record in summary.to_dict("records"):
        measure = record.pop("measure")
        for statistic, value in record.items():
            row[f"{measure}_{statistic}"] = value
    return row


def _result_frame(result, per_trial: bool) -> pd.DataFrame:
    if isinstance(result, pd.DataFrame):
        return result.reset_index(drop=True)
    if per_trial:
        for view in ("trials", "chains"):
            # looked up on the class: a property (SearchResult.trials, the
            # deprecated count) is not a per-trial table
            if callable(getattr(type(result), view, None)):
                return getattr(result, view)()
        raise TypeError(
            f"per_trial=True needs a result with trials() or chains(); "
            f"{type(result).__name__} has neither."
        )
    return pd.DataFrame([_summary_row(result)])


def run_task(task: SweepTask) -> pd.DataFrame:
    """Run one configuration (or load it if already finished).

    Builds the network with ``task.build(**task.params)``, simulates it with
    ``task.simulate(network, trials=..., seed=task.seed, **kwargs)`` and
    returns its rows with the parameters (and ``config``, ``trials``,
    ``seed``, ``build_seed``) as leading columns. With a results folder the
    part is written atomically, and an existing part is read back instead of
    recomputed.

    Parameters
    ----------
    task : SweepTask
        One task from :func:`make_tasks`.

    Returns
    -------
    pandas.DataFrame
        The configuration's rows (one, or one per trial with ``per_trial``).
    """
    path = task.part_path
    if path is not None and path.exists():
        return pd.read_pickle(path)
    build_kwargs = dict(task.params)
    if task.build_seed is not None:
        build_kwargs["seed"] = task.build_seed
    network = task.build(**build_kwargs)
    result = task.simulate(
        network, trials=task.trials, seed=task.seed, **task.simulate_kwargs
    )
    body = _result_frame(result, task.per_trial)
    leading = {"config": np.full(len(body), task.config, dtype=np.int64)}
    for name, value in task.params.items():
        leading[name] = [value] * len(body)
    leading["trials"] = np.full(len(body), task.trials, dtype=np.int64)
    leading["seed"] = np.full(len(body), task.seed, dtype=object)
    leading["build_seed"] = np.full(len(body), task.build_seed, dtype=object)
    clash = [c for c in leading if c in body.columns]
    body = body.drop(columns=clash)
    frame = pd.concat(
        [pd.DataFrame(leading, index=body.index), body], axis=1
    ).reset_index(drop=True)
    if path is not None:
        with atomic_write(path, force=True, mode="wb") as handle:
            pickle.dump(frame, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return frame


def collect(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate task results into one tidy table, in grid order.

    Parts may arrive in any order (e.g. from ``as_completed``); they are
    sorted by ``config`` (and ``trial`` when present).

    Parameters
    ----------
    parts : sequence of pandas.DataFrame
        The results of :func:`run_task`.

    Returns
    -------
    pandas.DataFrame
        One table in grid order, as :func:`sweep` returns.
    """
    parts = [p for p in parts if p is not None]
    if not parts:
        raise ValueError("collect needs at least one part.")
    frame = pd.concat(parts, ignore_index=True)
    keys = ["config"] + (["trial"] if "trial" in frame.columns else [])
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


@validate_params(
    {
        "build": [callable],
        "grid": [Mapping],
        "simulate": [callable],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
        "per_trial": ["boolean"],
        "common_random_numbers": ["boolean"],
    }
)
def sweep(
    build: Callable,
    grid: Mapping[str, Iterable],
    *,
    simulate: Callable = spread,
    trials: int = 100,
    seed=None,
    n_jobs: int | None = None,
    progress: bool = False,
    per_trial: bool = False,
    results_dir=None,
    common_random_numbers: bool = False,
    interventions: Iterable[str] = (),
    **simulate_kwargs,
) -> pd.DataFrame:
    """Simulate every combination of parameters and return one tidy table.

    Parameters
    ----------
    build : callable
        ``build(**params) -> ReferralNetwork``. If it takes a ``seed``
        argument that the grid does not set, it receives a per-configuration
        seed. It must be picklable for process or cluster backends (a
        module-level function or a :func:`functools.partial` of one).
    grid : mapping of str to list
        ``{parameter: values}``; every combination is one configuration.
    simulate : callable, default :func:`referral.spread.spread`
        ``simulate(network, trials=..., seed=..., **simulate_kwargs)``, e.g.
        :func:`referral.search.search`. It may return a result with a
        ``summary()`` DataFrame (``measure`` plus statistics), a dict, a
        Series or a DataFrame.
    trials : int, default 100
        Trials per configuration.
    seed : None, int, SeedSequence or Generator
        The sweep's randomness; a configuration's seeds are keyed by its
        build parameters (see the module notes), not its position.
    n_jobs : int, optional
        Passed to :class:`joblib.Parallel`. ``None`` means 1 unless a
        ``joblib.parallel_config`` context says otherwise; ``-1`` is all
        cores. No backend is fixed: ``with joblib.parallel_config(
        backend="dask"):`` runs the sweep on the active Dask client.
    progress : bool, default False
        Show a ``tqdm`` progress bar over configurations.
    per_trial : bool, default False
        One row per trial (``result.trials()``, or ``chains()`` for search)
        instead of one row per configuration.
    results_dir : str or path, optional
        Folder for finished parts; a rerun skips them (resume). Parts are
        keyed by ``joblib.hash`` of their parameters, trials, seeds, options
        and the build and simulate functions' code.
    common_random_numbers : bool, default False
        Give every configuration the same seeds, whatever its parameters.
    interventions : list of str, default ()
        Grid parameters that change an intervention rather than the
        population (for example ``"referral_bonus"``): configurations that
        differ only in them share the population draw (``build``'s seed)
        and every trial's random numbers, so their differences are paired.
        ``build`` receives them like any other parameter and applies them.
    **simulate_kwargs
        Passed to ``simulate`` (e.g. ``max_hops=4``, ``record="reach"``).

    Returns
    -------
    pandas.DataFrame
        One row per configuration (per trial with ``per_trial=True``), in
        grid order. Columns:

        - ``config`` (int64): position of the configuration in the grid.
        - one column per grid parameter, with its value.
        - ``trials`` (int64), ``seed`` and ``build_seed`` (object, a Python
          int; ``build_seed`` is None when ``build`` takes no seed or the
          grid sets one): replay a row with ``simulate(build(**params,
          seed=build_seed), trials=trials, seed=seed, **simulate_kwargs)``.
        - then the result's columns. For :func:`spread` these are
          ``{measure}_{statistic}`` for the measures ``people_reached``,
          ``candidates_reached``, ``candidate_share_reached`` and ``depth``
          and the statistics ``mean``, ``se``, ``ci_low``, ``ci_high``
          (float64), e.g. ``people_reached_mean``; with ``per_trial`` the
          columns of :meth:`SpreadResult.trials`.

        ``attrs["seed_entropy"]`` holds the sweep's entropy and
        ``attrs["simulate_kwargs"]`` the options passed to ``simulate``.

    Raises
    ------
    ValueError
        For an empty grid or a parameter with no values, ``trials < 1``, or
        ``interventions`` naming something that is not a grid parameter.
    TypeError
        If ``build`` or ``simulate`` is not callable.

    Notes
    -----
    Results are identical for any ``n_jobs`` and backend: each
    configuration's randomness depends only on the sweep's entropy and its
    build parameters, and the engine's per-trial streams on the trial
    number.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> def build(activity):
    ...     return from_networkx(nx.balanced_tree(2, 3), strength=1.0,
    ...                          activity=activity, recruiters=[0])
    >>> table = sweep(build, {"activity": [0.0, 1.0]}, trials=20, seed=3)
    >>> table[["config", "activity", "people_reached_mean", "depth_mean"]]
       config  activity  people_reached_mean  depth_mean
    0       0       0.0                  3.0         1.0
    1       1       1.0                 15.0         3.0
    """
    import joblib

    entropy = _resolve_sweep_entropy(seed, results_dir)
    tasks = make_tasks(
        build,
        grid,
        simulate=simulate,
        trials=trials,
        seed=entropy,
        per_trial=per_trial,
        results_dir=results_dir,
        common_random_numbers=common_random_numbers,
        interventions=interventions,
        **simulate_kwargs,
    )
    done = [t for t in tasks if t.done]
    todo = [t for t in tasks if not t.done]
    parts = [run_task(t) for t in done]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), initial=len(done), desc="sweep", unit="config")
    try:
        if todo:
            runner = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
            for part in runner(joblib.delayed(run_task)(t) for t in todo):
                parts.append(part)
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    table = collect(parts)
    table.attrs["seed_entropy"] = entropy
    table.attrs["simulate_kwargs"] = dict(simulate_kwargs)
    return table


# ---------------------------------------------------------- TOML sweep spec
#: Builders a TOML sweep may name, as ``module:function``.
TOML_BUILDERS = {
    "community_population": "referral.populations:community_population",
    "email_eu_core": "referral.datasets:email_eu_core",
    "facebook_ego": "referral.datasets:facebook_ego",
    "edgelist": "referral.io:read_edgelist",
}
#: Parameters of a TOML sweep that change an intervention, not the
#: population; configurations that differ only in them are paired.
TOML_INTERVENTIONS = ("activity_scale", "referral_bonus", "add_weak_ties", "boost_to")
_TOML_FIXED = ("boost_people",)  # who ``boost_to`` trains, in [network]
_DIGEST = "_source_sha256"  # fixed entry: the edge list file's content


def _toml_builder(name):
    import importlib

    module, _, attribute = TOML_BUILDERS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def toml_build(builder: str, fixed: dict, seed=None, **params):
    """Build a network for ``referral sweep`` (module level, so picklable).

    Parameters
    ----------
    builder : str
        A key of :data:`TOML_BUILDERS`.
    fixed : dict
        The ``[network]`` table without ``builder``; for ``edgelist``,
        ``path`` is the CSV file (passed as ``path_or_frame``).
    seed : int, optional
        Passed to the builder if it takes one, and to ``add_weak_ties``.
    **params
        One configuration of the ``[grid]``. ``activity_scale`` multiplies
        everyone's activity, ``referral_bonus`` adds to it,
        ``add_weak_ties`` adds that many random weak ties and ``boost_to``
        raises the activity of ``boost_people`` (a list of labels in
        ``fixed``) to that value; the rest go to the builder.

    Returns
    -------
    ReferralNetwork
        The network the TOML specification describes.

    Examples
    --------
    >>> net = toml_build("community_population", {"n_people": 50},
    ...                  seed=1, referral_bonus=0.1)
    >>> net.n_people
    50
    """
    from referral import interventions

    kwargs = {**fixed, **params}
    kwargs.pop(_DIGEST, None)
    scale = kwargs.pop("activity_scale", None)
    bonus = kwargs.pop("referral_bonus", None)
    added = kwargs.pop("add_weak_ties", None)
    boost_to = kwargs.pop("boost_to", None)
    boost_people = kwargs.pop("boost_people", None)
    if builder == "edgelist" and "path" in kwargs:
        kwargs["path_or_frame"] = kwargs.pop("path")
    for key, value in list(kwargs.items()):
        if isinstance(value, list):
            kwargs[key] = tuple(value)  # TOML arrays: Beta shapes and the like
    function = _toml_builder(builder)
    if seed is not None and "seed" in inspect.signature(function).parameters:
        kwargs["seed"] = seed
    network = function(**kwargs)
    if added:
        network = interventions.add_weak_ties(network, int(added), seed=seed)
    if boost_to is not None:
        network = interventions.boost_activity(network, boost_people, to=boost_to)
    if scale is not None:
        network = interventions.scale_activity(network, scale)
    if bonus is not None:
        network = interventions.referral_bonus(network, bonus)
    return network


def read_sweep_spec(path) -> dict:
    """Read and check a sweep TOML file (see ``referral sweep --help``).

    Parameters
    ----------
    path : str or path
        The TOML file, with tables ``[network]`` (``builder`` and its fixed
        arguments), ``[grid]`` (lists of values) and ``[simulate]``
        (``kind``, ``trials``, ``seed`` and options of spread or search).
        For ``builder = "edgelist"``, ``path`` names the CSV edge list,
        relative to the TOML file's folder.

    Returns
    -------
    dict
        ``builder``, ``fixed``, ``grid``, ``kind``, ``trials``, ``seed``,
        ``simulate_kwargs`` and ``interventions`` (the grid parameters in
        :data:`TOML_INTERVENTIONS`).

    Raises
    ------
    FileNotFoundError
        If the file (or the edge list it names) does not exist.
    ValueError
        If the file is not valid TOML (the line is named) or breaks a rule.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "grid.toml").write_text(
    ...     "[network]\\nn_people = 100\\n[grid]\\nreferral_bonus = [0.0, 0.1]\\n")
    >>> spec = read_sweep_spec(folder / "grid.toml")
    >>> spec["builder"], spec["interventions"]
    ('community_population', ['referral_bonus'])
    """
    import tomllib

    path = Path(path)
    try:
        with open(path, "rb") as handle:
            spec = tomllib.load(handle)
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: {str(path)!r}.") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{str(path)!r} is not valid TOML: {error}.") from None
    where = repr(str(path))
    unknown = set(spec) - {"network", "grid", "simulate"}
    if unknown:
        raise ValueError(
            f"{where}: unknown table(s) {sorted(unknown)}; expected [network], "
            f"[grid] and [simulate]."
        )
    network = spec.get("network", {})
    builder = network.get("builder", "community_population")
    if builder not in TOML_BUILDERS:
        raise ValueError(
            f"{where}: [network] builder must be one of {sorted(TOML_BUILDERS)}. "
            f"Got {builder!r}."
        )
    fixed = {k: v for k, v in network.items() if k != "builder"}
    grid = spec.get("grid")
    if not isinstance(grid, dict) or not grid:
        raise ValueError(f"{where}: needs a non-empty [grid] table of value lists.")
    signature = inspect.signature(_toml_builder(builder)).parameters
    allowed = (
        {
            name
            for name, p in signature.items()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        }
        | set(TOML_INTERVENTIONS)
        | set(_TOML_FIXED)
    )
    if builder == "edgelist":
        allowed = (allowed - {"path_or_frame"}) | {"path"}
    for key in [*grid, *fixed]:
        if key not in allowed:
            raise ValueError(
                f"{where}: {key!r} is not a parameter of {builder}; valid: "
                f"{sorted(allowed - {'seed'})}."
            )
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ValueError(
                f"{where}: [grid] {key} must be a non-empty list of values. Got "
                f"{values!r}."
            )
    if "boost_people" in grid:
        raise ValueError(f"{where}: boost_people belongs in [network], not [grid].")
    if ("boost_to" in grid or "boost_to" in fixed) and not isinstance(
        fixed.get("boost_people"), list
    ):
        raise ValueError(
            f"{where}: boost_to needs boost_people = [...] in [network] (the "
            f"people whose activity is raised)."
        )
    if builder == "edgelist":
        if "path" not in fixed:
            raise ValueError(
                f"{where}: builder 'edgelist' needs path = \"ties.csv\" in "
                f"[network] (the CSV edge list, relative to the TOML file)."
            )
        source = Path(fixed["path"]).expanduser()
        if not source.is_absolute():
            source = path.parent / source
        if not source.is_file():
            raise FileNotFoundError(
                f"{where}: [network] path names no file: {str(source)!r}."
            )
        fixed["path"] = str(source.resolve())
        fixed[_DIGEST] = hashlib.sha256(source.read_bytes()).hexdigest()
    simulate = dict(spec.get("simulate", {}))
    kind = simulate.pop("kind", "spread")
    if kind not in ("spread", "search"):
        raise ValueError(
            f"{where}: [simulate] kind must be 'spread' or 'search'. Got {kind!r}."
        )
    trials = simulate.pop("trials", 100)
    seed = simulate.pop("seed", 0)
    return {
        "builder": builder,
        "fixed": fixed,
        "grid": grid,
        "kind": kind,
        "trials": trials,
        "seed": seed,
        "simulate_kwargs": simulate,
        "interventions": [k for k in grid if k in TOML_INTERVENTIONS],
    }
