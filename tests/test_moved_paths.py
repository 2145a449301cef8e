"""The flat module paths of earlier releases keep working for one release,
each with a FutureWarning that names the new place."""

import importlib
import pickle
import subprocess
import sys
import warnings

import pytest

import referral
from referral._core.moved import OLD_PATHS


@pytest.mark.parametrize("old", sorted(OLD_PATHS))
def test_every_old_path_gives_the_new_object_with_a_warning(old):
    room, public = OLD_PATHS[old]
    module = importlib.import_module(room)
    name = next(n for n in module.__all__)
    stand_in = sys.modules[old]
    with pytest.warns(FutureWarning, match=rf"{old} moved: import {name} from "):
        value = getattr(stand_in, name)
    assert value is getattr(module, name)
    # the public path the warning names really holds the object
    if name in importlib.import_module(public).__all__:
        assert getattr(importlib.import_module(public), name) is value


def test_from_import_of_an_old_path_warns_at_the_callers_line():
    with pytest.warns(FutureWarning) as record:
        from referral.gatekeeping import gatekeepers  # noqa: F401
    assert record[0].filename == __file__
    assert "import gatekeepers from referral.analysis" in str(record[0].message)


def test_private_names_on_old_paths_point_at_the_private_room():
    with pytest.warns(FutureWarning, match="from referral.simulate._spread_result"):
        from referral.spread_result import _hop_index  # noqa: F401


def test_an_unknown_name_on_an_old_path_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        sys.modules["referral.funnel"].no_such_name  # noqa: B018


def test_old_top_level_modules_warn_on_use():
    with pytest.warns(
        FutureWarning, match="import community_population from referral.network"
    ):
        make = referral.populations.community_population
    assert make is referral.network.community_population
    with pytest.warns(
        FutureWarning, match="import kleinberg_lattice from referral.network"
    ):
        referral.lattice.kleinberg_lattice  # noqa: B018


def test_sentences_moved_from_analysis_to_wording():
    with pytest.warns(
        FutureWarning, match="gatekeeper_sentence moved from referral.analysis"
    ):
        sentence = referral.analysis.gatekeeper_sentence
    assert sentence is referral.wording.gatekeeper_sentence
    with pytest.raises(AttributeError, match="nothing_here"):
        referral.analysis.nothing_here  # noqa: B018


def test_delays_stays_a_curated_alias_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from referral.delays import exponential

    assert exponential is referral.simulate.delays.exponential
    assert referral.delays is referral.simulate.delays


def test_objects_pickled_under_an_old_path_still_load():
    # pickle protocol 0 names the class by module and name; an old pickle
    # names referral.spread_result.SpreadResult
    import referral.simulate._spread_result as room

    data = pickle.dumps(room.SpreadResult, protocol=0)
    old = data.replace(b"referral.simulate._spread_result", b"referral.spread_result")
    assert old != data
    with pytest.warns(FutureWarning, match="referral.spread_result moved"):
        assert pickle.loads(old) is room.SpreadResult


@pytest.mark.slow
def test_importing_an_old_path_in_a_fresh_interpreter_works():
    code = (
        "import warnings; warnings.simplefilter('error')\n"
        "import referral.other_people as m\n"
        "try:\n"
        "    m.other_people_cost\n"
        "except FutureWarning as w:\n"
        "    print('warned:', w)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert (
        "warned: referral.other_people moved: import other_people_cost from "
        "referral.analysis" in done.stdout
    )
