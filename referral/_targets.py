"""Checks shared by :func:`referral.reach_of_everyone` and
:func:`referral.ambassadors`: the network, open-interval parameters and the
target specification."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from referral.network import ReferralNetwork

__all__ = ["check_network", "check_open_unit", "target_mask"]


def check_network(network, fn):
    if not isinstance(network, ReferralNetwork):
        raise TypeError(
            f"The 'network' parameter of {fn} must be a ReferralNetwork. "
            f"Got {type(network).__name__} instead."
        )


def check_open_unit(value, name, fn):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The {name!r} parameter of {fn} must be a float in the open "
            f"interval (0, 1). Got {value!r} instead."
        )
    value = float(value)
    if not (0.0 < value < 1.0):
        raise ValueError(
            f"The {name!r} parameter of {fn} must be a float in the open "
            f"interval (0, 1). Got {value!r} instead."
        )
    return value


def target_mask(network: ReferralNetwork, targets, fn: str) -> np.ndarray:
    """The targets as a boolean mask over ids (see :func:`reach_of_everyone`)."""
    n = network.n_people
    if targets is None:
        mask = np.asarray(network.is_candidate, dtype=bool).copy()
        if not mask.any():
            raise ValueError(
                f"{fn} needs targets: the 'targets' parameter is None and the "
                f"network has no candidates. Pass targets=[...], a boolean mask "
                f"or {{attribute: value}}."
            )
        return mask
    if isinstance(targets, Mapping):
        if len(targets) == 0:
            raise ValueError(
                f"The 'targets' parameter of {fn} must name at least one "
                f"attribute. Got {targets!r} instead."
            )
        mask = np.ones(n, dtype=bool)
        for name, wanted in targets.items():
            if name not in network.attributes:
                raise ValueError(
                    f"The 'targets' parameter of {fn} names the attribute "
                    f"{name!r}, which the network does not have (it has "
                    f"{sorted(network.attributes)})."
                )
            values = pd.Series(network.attributes[name], dtype=object)
            if isinstance(wanted, str) or not isinstance(wanted, Iterable):
                wanted = [wanted]
            mask &= values.isin(list(wanted)).to_numpy()
    elif (
        isinstance(targets, np.ndarray | pd.Series | list | tuple)
        and len(targets) == n
        and n > 0
        and all(isinstance(x, bool | np.bool_) for x in targets)
    ):
        mask = np.asarray(targets, dtype=bool).copy()
    else:
        mask = np.zeros(n, dtype=bool)
        mask[network.ids(targets, parameter="targets")] = True
    if not mask.any():
        raise ValueError(
            f"The 'targets' parameter of {fn} must select at least one person. "
            f"Got {_short(targets)} instead."
        )
    return mask


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
