"""The TOML sweep specification behind ``referral sweep``.

:func:`read_sweep_spec` reads and checks a sweep TOML file and
:func:`toml_build` builds the network of one configuration from it (module
level, so picklable). :data:`TOML_BUILDERS` lists the builders a TOML sweep
may name and :data:`TOML_INTERVENTIONS` the parameters that change an
intervention rather than the population.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

__all__ = ["read_sweep_spec", "toml_build", "TOML_BUILDERS", "TOML_INTERVENTIONS"]


# ---------------------------------------------------------- TOML sweep spec
#: Builders a TOML sweep may name, as ``module:function``.
TOML_BUILDERS = {
    "community_population": "referral.network:community_population",
    "email_eu_core": "referral.datasets:email_eu_core",
    "facebook_ego": "referral.datasets:facebook_ego",
    "edgelist": "referral.io:read_edgelist",
}
#: Parameters of a TOML sweep that change an intervention, not the
#: population; configurations that differ only in them are paired.
TOML_INTERVENTIONS = ("activity_scale", "referral_bonus", "add_weak_ties", "boost_to")
_TOML_FIXED = ("boost_people",)  # who ``boost_to`` trains, in [network]
_DIGEST = "_source_sha256"  # fixed entry: the edge list file's content
_PEOPLE_DIGEST = "_people_sha256"  # fixed entry: the people file's content
#: [network] keys of the edgelist builder that read a people file
_PEOPLE_KEYS = ("people", "person", "people_columns")


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
    kwargs.pop(_PEOPLE_DIGEST, None)
    people = {key: kwargs.pop(key) for key in _PEOPLE_KEYS if key in kwargs}
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
    if people.get("people") is not None:
        from referral import io

        table = io.read_people(
            people["people"],
            person=people.get("person", "person"),
            columns=people.get("people_columns"),
        )
        network = io.apply_people(
            network, table, default_activity=kwargs.get("activity")
        )
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
        relative to the TOML file's folder, and ``people`` an optional
        people file (with ``person`` and ``people_columns`` as in
        :func:`referral.io.read_people`), applied by
        :func:`referral.io.apply_people`.

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
    if not isinstance(builder, str):
        raise ValueError(
            f'{where}: [network] builder must be one name, such as "edgelist" '
            f"(a sweep builds one kind of network; vary its parameters in "
            f"[grid]). Got {builder!r}."
        )
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
        allowed = (allowed - {"path_or_frame"}) | {"path", *_PEOPLE_KEYS}
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
        if "people" in fixed:
            roster = Path(str(fixed["people"])).expanduser()
            if not roster.is_absolute():
                roster = path.parent / roster
            if not roster.is_file():
                raise FileNotFoundError(
                    f"{where}: [network] people names no file: {str(roster)!r}."
                )
            fixed["people"] = str(roster.resolve())
            fixed[_PEOPLE_DIGEST] = hashlib.sha256(roster.read_bytes()).hexdigest()
    elif any(key in fixed for key in _PEOPLE_KEYS):
        raise ValueError(
            f'{where}: people = "..." (a people file) goes with builder = '
            f'"edgelist" only.'
        )
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
