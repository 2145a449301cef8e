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

The TOML specification behind ``referral sweep`` lives in
:mod:`referral.sweep` (re-exported here) and the content keys in
``referral.sweep._keys``.
"""

from referral.sweep._sweep import (
    TOML_BUILDERS,
    TOML_INTERVENTIONS,
    SweepTask,
    collect,
    grid_configs,
    make_tasks,
    read_sweep_spec,
    run_task,
    sweep,
    toml_build,
)

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
