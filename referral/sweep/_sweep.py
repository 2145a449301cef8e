"""The functions of :mod:`referral.sweep`, documented there (a private room)."""

from __future__ import annotations

import itertools
import json
import numbers
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.renamed import upgrade_columns, with_old_names
from referral._core.rng import resolve_entropy
from referral.io._files import atomic_write
from referral.simulate._spread import SpreadResult, spread
from referral.sweep import _spec as sweep_spec
from referral.sweep._keys import accepts_seed, content_key, fingerprint
from referral.sweep._spec import read_sweep_spec, toml_build

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

#: Builders a TOML sweep may name, as ``module:function``.
TOML_BUILDERS = sweep_spec.TOML_BUILDERS
#: Parameters of a TOML sweep that change an intervention, not the
#: population; configurations that differ only in them are paired.
TOML_INTERVENTIONS = sweep_spec.TOML_INTERVENTIONS


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
    >>> collect([run_task(t) for t in tasks])[["p", "people_reached_estimate"]]
         p  people_reached_estimate
    0  0.0                      2.0
    1  1.0                      4.0
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
    give_build_seed = accepts_seed(build)
    tasks = []
    for config, params in enumerate(configs):
        key = (0,) if common_random_numbers else content_key(params, interventions)
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
                fingerprint=fingerprint(
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
        # the sweep table has the spread's trial count in 'trials'
        summary = summary.drop(columns="n")
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
        # a part written by an earlier release may have the old names
        return upgrade_columns(pd.read_pickle(path), "sweep", where=repr(str(path)))
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
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return with_old_names(frame, "sweep")


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
    simulate : callable, default :func:`referral.simulate._spread.spread`
        ``simulate(network, trials=..., seed=..., **simulate_kwargs)``, e.g.
        :func:`referral.simulate._search.search`. It may return a result with a
        ``summary()`` DataFrame (``measure`` plus statistics), a dict, a
        Series or a DataFrame.
    trials : int, default 100
        Trials per configuration.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. A
        configuration's seeds are keyed by its build parameters (see the module
        notes), not its position.
    n_jobs : int, optional
        Workers of :class:`joblib.Parallel` (``None``: 1 unless a
        ``joblib.parallel_config`` context says otherwise, ``-1``: all cores);
        the result is the same for any ``n_jobs``. No backend is fixed: ``with
        joblib.parallel_config(backend="dask"):`` runs the sweep on the active
        Dask client.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. The bar counts
        configurations.
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
          and the statistics ``estimate``, ``se``, ``ci_low``, ``ci_high``
          and ``level`` (float64), e.g. ``people_reached_estimate``, the
          mean over the row's trials (the columns of
          :meth:`SpreadResult.summary`, one row per measure, spread into
          one row); with ``per_trial`` the columns of
          :meth:`SpreadResult.trials`. The old names ``<measure>_mean``
          still read the ``<measure>_estimate`` columns for one release,
          with a :class:`FutureWarning`.

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
    >>> columns = ["config", "activity", "people_reached_estimate", "depth_estimate"]
    >>> table[columns]
       config  activity  people_reached_estimate  depth_estimate
    0       0       0.0                      3.0             1.0
    1       1       1.0                     15.0             3.0
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
