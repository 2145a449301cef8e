"""Tests generated from the declared parameter rules (``referral._core.params``).

Every public function that takes user parameters declares them with
``@validate_params``; here each declared parameter gets the invalid values
its rules generate (below or above an interval, a wrong type, NaN, a bool
for an int, a str for a number, a non-member of the options) and the error
must name the function, the parameter and the bad value.
"""

import importlib
import inspect
import math
import re
from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral._core.params import (
    InstanceOf,
    Interval,
    InvalidParameterError,
    Options,
    Pair,
    _ArrayLike,
    _Boolean,
    _Callable,
    _Network,
    _NJobs,
    _NoneConstraint,
    _Probabilities,
    _Seed,
    _short_repr,
    validate_params,
)

MODULES = [
    "network",
    "simulate",
    "simulate.delays",
    "analysis",
    "whom_to_ask",
    "wording",
    "interventions",
    "io",
    "sweep",
    "report",
    "plot",
    "datasets",
    "calibrate",
    "simulate",
]

#: public callables that take parameters but declare none, and why
EXEMPT = {
    # one data argument whose type and columns the body checks, naming them
    "analysis.tie_offers": "a result or table; the body names the needed columns",
    "wording.cost_sentence": "a table; the body names the needed columns",
    "wording.dropoff_sentence": "a table; the body names the needed columns",
    "wording.reach_sentence": "a table; the body names the needed columns",
    "wording.search_sentence": "a table; the body names the needed columns",
    "wording.threshold_sentence": "a table; the body names the needed columns",
    "wording.time_sentence": "a table; the body names the needed columns",
    "wording.count_of": "a number to format, checked in the body",
    "wording.fmt_mean": "a number to format, checked in the body",
    "wording.fmt_number": "a number to format, checked in the body",
    "wording.fmt_share": "a number to format, checked in the body",
    "wording.gatekeeper_sentence": "a table; the body names the needed columns",
    "wording.representation_sentences": "a table; the body names needed columns",
    "wording.homophily_sentence": "a table; the body names the needed columns",
    "analysis.OtherPeopleCost.from_tables": "tables; the body names missing ones",
    "wording.guarantee_sentence": "a table from ambassadors",
    "wording.who_to_ask_sentences": "a table from ambassadors",
    "plot.plot_weak_ties": "a table and ax only",
    "report.read_results": "a folder; a missing file is the body's error",
    "io.read_linkedin_connections": "a path; a missing file is the body's error",
    "sweep.read_sweep_spec": "a path; the body names the bad field",
    "sweep.grid_configs": "the grid's checks name each bad entry (data)",
    "sweep.run_task": "a SweepTask made by make_tasks (already checked)",
    "sweep.collect": "the parts made by run_task",
    "sweep.toml_build": "the builder name and values come from a checked spec",
    # people, ids and arrays: data, checked against the network in the body
    "network.default_transmission": "vectorised over a strength array",
    "network.ReferralNetwork.ids": "people are data (NodeNotFound names them)",
    "network.ReferralNetwork.label_of": "ids are data, checked in the body",
    "network.ReferralNetwork.positions": "people are data; absent ones give -1",
    "network.ReferralNetwork.equals": "any object compares (False)",
    "network.ReferralNetwork.replace": "each field is checked by the constructor",
    "simulate.PerChain.rates_from_uniforms": "called by the engine with its arrays",
    # delay families check their own values, naming family, parameter and
    # value (tests/test_delays.py asserts each message)
    "simulate.delays.attribute": "an attribute name; the body names a missing one",
    "simulate.delays.constant": "the body names the family, parameter and value",
    "simulate.delays.empirical": "samples are data; the body names an empty or bad one",
    "simulate.delays.exponential": "the body names the family, parameter and value",
    "simulate.delays.fit": "data; the body names bad times and censoring flags",
    "simulate.delays.from_text": "a text spec; the body names the bad part",
    "simulate.delays.gamma": "the body names the family, parameter and value",
    "simulate.delays.lognormal": "the body names the family, parameter and value",
    "simulate.delays.weibull": "the body names the family, parameter and value",
    "calibrate.Fit.check": "checked by spread, which it calls with the fit's network",
    "calibrate.plot_fit": "a table from Fit.check and ax only",
}


def _public_callables():
    """(qualified name, callable) for every public function and method."""
    seen = {}
    for module_name in MODULES:
        module = importlib.import_module(f"referral.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                home = obj.__module__.rsplit(".", 1)[-1]
                if home == "datasets":
                    home = "datasets"
                seen.setdefault(f"{module_name}.{name}", obj)
            elif inspect.isclass(obj) and obj.__module__.startswith("referral"):
                for attr, member in vars(obj).items():
                    function = getattr(member, "__func__", member)
                    if attr.startswith("_") or not inspect.isfunction(function):
                        continue
                    seen.setdefault(f"{module_name}.{name}.{attr}", function)
    return seen


def _takes_parameters(function) -> bool:
    parameters = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.name not in ("self", "cls", "ax")
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    return bool(parameters)


PUBLIC = _public_callables()
DECLARED = {
    name: function
    for name, function in PUBLIC.items()
    if hasattr(function, "__referral_params__")
}


@pytest.fixture(scope="module")
def network():
    return referral.from_networkx(
        nx.path_graph(4), strength=0.8, activity=0.5, recruiters=[0], candidates=[3]
    )


def _valid(constraint, network):
    """A value that satisfies ``constraint``."""
    if isinstance(constraint, Interval):
        if constraint.low is None:
            value = 0 if constraint.high is None else constraint.high - 1
        elif constraint.high is None:
            value = constraint.low + 1
        else:
            value = (constraint.low + constraint.high) / 2
        return constraint.kind(value)
    if isinstance(constraint, Options):
        return constraint.options[0]
    if isinstance(constraint, Pair):
        item = _valid(constraint.item, network)
        return (item, item)
    if isinstance(constraint, _Network):
        return network
    if isinstance(constraint, _Callable):
        return len
    simple = {
        _Boolean: True,
        _Seed: 0,
        _NJobs: None,
        _NoneConstraint: None,
        _ArrayLike: [0.5],
        _Probabilities: [0.5],
    }
    if type(constraint) in simple:
        return simple[type(constraint)]
    assert isinstance(constraint, InstanceOf)
    kind = constraint.kind
    if kind is str:
        return "x"
    if kind is Mapping:
        return {}
    if kind is nx.Graph:
        return nx.path_graph(3)
    if kind is pd.DataFrame:
        return pd.DataFrame()
    return object.__new__(kind)  # isinstance is all the rule asks


def _invalid_values(constraints):
    """Every generated value that breaks all of a parameter's rules."""
    values = []
    for constraint in constraints:
        for value in constraint.invalid_examples():
            if not any(c.is_satisfied_by(value) for c in constraints):
                values.append(value)
    return values


def _cases(name):
    """(parameter, bad value) for every generated invalid value of ``name``."""
    for parameter, constraints in DECLARED[name].__referral_params__.items():
        for value in _invalid_values(constraints):
            yield parameter, value


def _call(function, parameter, value, network):
    signature = inspect.signature(function)
    rules = function.__referral_params__
    arguments = {}
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name == parameter:
            arguments[p.name] = value
        elif p.default is p.empty:
            if p.name in rules:
                arguments[p.name] = _valid(rules[p.name][0], network)
            else:
                arguments[p.name] = object()  # never reached: the check fails first
    bound = signature.bind_partial(**arguments)
    return function(*bound.args, **bound.kwargs)


def test_every_public_function_is_declared_or_exempt():
    undeclared = sorted(
        name
        for name, function in PUBLIC.items()
        if _takes_parameters(function)
        and not hasattr(function, "__referral_params__")
        and name not in EXEMPT
    )
    assert undeclared == []
    # the exemptions are real, current public callables
    assert set(EXEMPT) <= set(PUBLIC)
    assert not set(EXEMPT) & set(DECLARED)
    assert len(DECLARED) >= 40


def test_declarations_name_real_parameters():
    for name, function in DECLARED.items():
        signature = inspect.signature(function)
        assert set(function.__referral_params__) <= set(signature.parameters), name
        assert function.__referral_params__, name


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_generated_invalid_values_are_named(name, network):
    """One test per function: every value its rules generate is refused with
    a message naming the function, the parameter and the value."""
    function = DECLARED[name]
    label = function.__referral_name__
    checked = 0
    for parameter, value in _cases(name):
        with pytest.raises(InvalidParameterError) as caught:
            _call(function, parameter, value, network)
        message = str(caught.value)
        assert message.startswith(f"The {parameter!r} parameter of {label} must be "), (
            message
        )
        assert message.endswith(f"Got {_short_repr(value)} instead."), message
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, TypeError)
        checked += 1
    assert checked > 0


#: values a user could type that must be refused, written down by hand so
#: that a rule loosened by mistake fails here (the generated values above only
#: check each rule against itself)
KNOWN_BAD = [
    ("spread", "trials", 0),
    ("spread", "trials", -5),
    ("spread", "max_hops", -1),
    ("spread", "fanout", 0),
    ("search", "trials", 0),
    ("search", "max_steps", 0),
    ("ambassadors", "check_trials", -1),
    ("ambassadors", "epsilon", 0.0),
    ("ambassadors", "epsilon", 1.0),
    ("reach_of_everyone", "samples", 0),
    ("reach_of_everyone", "per_world", 0),
    ("other_people_cost", "trials", 0),
    ("gatekeepers", "trials", 0),
    ("gatekeepers", "top", 0),
    ("compare", "trials", 0),
    ("compare", "level", 1.5),
    ("compare", "level", 0.0),
    ("dropoff", "level", 1.0),
    ("weak_tie_share", "level", 0.0),
    ("weak_tie_share", "level", "a"),
    ("other_people_cost", "level", 1.0),
    ("gatekeepers", "level", 0),
    ("gatekeepers", "alpha", 1.0),
    ("ambassadors", "level", 1.5),
    ("boost_activity", "to", 1.5),
    ("referral_bonus", "uplift", float("nan")),
    ("funnel", "positions", 0),
    ("funnel", "trials", 0),
    ("compare_incentives", "budget", 0.0),
    ("compare_incentives", "budget", -1.0),
    ("compare_incentives", "level", 1.0),
]


@pytest.mark.parametrize(("function", "parameter", "value"), KNOWN_BAD)
def test_known_bad_values_are_refused(function, parameter, value, network):
    target = next(
        f
        for name, f in DECLARED.items()
        if name.rsplit(".", 1)[-1] == function and parameter in f.__referral_params__
    )
    with pytest.raises(
        InvalidParameterError, match=rf"The {parameter!r} parameter of {function} "
    ):
        _call(target, parameter, value, network)


def test_generated_values_cover_the_asked_kinds():
    """NaN, inf, a bool for an int, a str for a number, out-of-range values."""
    int_rule = Interval(int, 1, 5)
    assert {repr(v) for v in int_rule.invalid_examples()} >= {"0", "6", "True", "'a'"}
    assert 1.5 in int_rule.invalid_examples()
    float_rule = Interval(float, 0, 1, closed="neither")
    bad = float_rule.invalid_examples()
    assert any(isinstance(v, float) and math.isnan(v) for v in bad)
    assert {0.0, 1.0, -0.5, 1.5, math.inf} <= {v for v in bad if v == v}
    assert "not-an-option" in Options(("a", "b")).invalid_examples()
    assert all(not float_rule.is_satisfied_by(v) for v in bad)


def test_message_form():
    @validate_params({"k": [Interval(int, 1, None)], "how": [Options(("a", "b"))]})
    def pick(k=1, how="a"):
        return k, how

    assert pick(2, how="b") == (2, "b")
    assert pick(np.int64(3)) == (3, "a")
    with pytest.raises(
        InvalidParameterError,
        match=re.escape(
            "The 'k' parameter of pick must be an int in the range [1, inf). "
            "Got 0 instead."
        ),
    ):
        pick(0)
    with pytest.raises(InvalidParameterError, match="an int in the range"):
        pick(True)
    with pytest.raises(
        InvalidParameterError,
        match=re.escape("must be one of ('a', 'b'). Got 'c' instead."),
    ):
        pick(how="c")


def test_defaults_satisfy_their_declarations():
    for name, function in DECLARED.items():
        signature = inspect.signature(function)
        for parameter, constraints in function.__referral_params__.items():
            default = signature.parameters[parameter].default
            if default is inspect.Parameter.empty:
                continue
            assert any(c.is_satisfied_by(default) for c in constraints), (
                name,
                parameter,
                default,
            )


# ------------------------------------------- the raw errors issue 13 listed
def test_community_population_names_a_non_number():
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'strong_contacts' parameter of community_population must be "
        r"a float in the range \[0, inf\). Got 'a' instead.",
    ):
        referral.network._populations.community_population(10, strong_contacts="a")


def test_email_eu_core_names_a_bad_beta_pair():
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'activity' parameter of email_eu_core must be a float in the "
        r"range \[0, 1\] or a pair of floats in the range \(0, inf\). "
        r"Got \(0, 1\) instead.",
    ):
        referral.datasets.email_eu_core(activity=(0, 1))


def test_email_eu_core_too_many_recruiters():
    with pytest.raises(ValueError, match=r"'n_recruiters' .* at most 717"):
        referral.datasets.email_eu_core(n_recruiters=10**6)


def test_compare_blames_itself(network):
    with pytest.raises(
        InvalidParameterError, match=r"The 'trials' parameter of compare must"
    ):
        referral.compare({"a": network}, trials=0)


def test_other_people_cost_blames_itself(network):
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'max_hops' parameter of other_people_cost must be an int in "
        r"the range \[0, inf\) or None. Got -1 instead.",
    ):
        referral.other_people_cost(network, max_hops=-1)


def test_search_summary_states_the_right_range(network):
    result = referral.search(network, trials=5, seed=1)
    for level in (1.5, 1.0, 0.0):
        with pytest.raises(
            InvalidParameterError,
            match=r"The 'level' parameter of SearchResult.summary must be a float "
            rf"in the range \(0, 1\). Got {level!r} instead.",
        ):
            result.summary(level=level)
    assert len(result.summary(level=0.9)) > 0


def test_configuration_model_threshold_names_bad_degrees():
    with pytest.raises(ValueError, match=r"'degrees' .* Got \[\] instead"):
        referral.analysis._threshold.configuration_model_threshold([])
    with pytest.raises(ValueError, match=r"'degrees' .* Got \['a'\] instead"):
        referral.analysis._threshold.configuration_model_threshold(["a"])
    assert referral.analysis._threshold.configuration_model_threshold([3] * 4) == 0.5


def test_missing_people_still_raise_node_not_found(network):
    with pytest.raises(nx.NodeNotFound, match="99"):
        referral.spread(network, [99], trials=2, seed=1)


def test_validation_is_per_call_not_per_default(network):
    """Defaults are not re-checked, and valid calls run unchanged."""
    a = referral.spread(network, trials=20, seed=3).summary()
    b = referral.spread(network, trials=np.int64(20), seed=3).summary()
    pd.testing.assert_frame_equal(a, b)


# ------------------------------------------ raw errors found by trying types
def test_from_arrays_names_non_numbers():
    with pytest.raises(ValueError, match=r"strength must be a number .* Got 'a'"):
        referral.from_arrays(3, [0], [1], strength="a", activity=0.5)
    with pytest.raises(ValueError, match=r"'sources' and 'targets' .* Got \['a'\]"):
        referral.from_arrays(3, ["a"], [1], strength=0.5, activity=0.5)
    with pytest.raises(ValueError, match=r"activity must be a number or hold one"):
        referral.from_arrays(3, [0], [1], strength=0.5, activity=[0.5, 0.5])


def test_from_networkx_names_a_wrong_length():
    with pytest.raises(ValueError, match=r"one value per person \(3\)"):
        referral.from_networkx(nx.path_graph(3), strength=0.5, activity=(1, 2))


def test_kleinberg_lattice_names_a_non_number_activity():
    with pytest.raises(ValueError, match=r"activity must be a number .* Got 'a'"):
        referral.kleinberg_lattice(3, 1.0, activity="a")


def test_label_of_and_replace_name_the_bad_value(network):
    with pytest.raises(ValueError, match=r"'ids' .* 0 to 3\). Got \[99\]"):
        network.label_of([99])
    with pytest.raises(ValueError, match=r"'ids' .* Got \['a'\]"):
        network.label_of(["a"])
    with pytest.raises(ValueError, match=r"activity must be a number .* Got 'a'"):
        network.replace(activity="a")
    assert network.label_of([1]).tolist() == [1]
