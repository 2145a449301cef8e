"""The target specification shared by :func:`referral.reach_of_everyone` and
:func:`referral.ambassadors` (their other parameters are declared rules)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from referral.network._referral_network import ReferralNetwork

__all__ = ["eligible_mask", "target_mask"]


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
    elif _is_mask(targets):
        if len(targets) != n:
            raise ValueError(
                f"The 'targets' parameter of {fn} is a boolean mask of length "
                f"{len(targets)}; it must have one entry per person ({n})."
            )
        if pd.isna(pd.Series(targets, copy=False)).any():
            raise ValueError(
                f"The 'targets' parameter of {fn} is a boolean mask with missing "
                f"values; mark every person True or False."
            )
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


def eligible_mask(
    network: ReferralNetwork, exclude, candidates_only: bool
) -> np.ndarray:
    """Who may be asked: everyone, or the candidates only, minus ``exclude``
    (a label or labels; ``None`` for nobody)."""
    eligible = np.ones(network.n_people, dtype=bool)
    if candidates_only:
        eligible &= np.asarray(network.is_candidate, dtype=bool)
    if exclude is not None:
        eligible[network.ids(exclude, parameter="exclude")] = False
    return eligible


def _is_mask(targets) -> bool:
    """A boolean sequence (of any length: its length is checked after)."""
    if isinstance(
        targets, np.ndarray | pd.Series | pd.Index | pd.api.extensions.ExtensionArray
    ):
        # numpy bool, pandas "boolean" and "bool[pyarrow]" alike
        return pd.api.types.is_bool_dtype(targets.dtype)
    return (
        isinstance(targets, list | tuple)
        and len(targets) > 0
        and all(isinstance(x, bool | np.bool_) for x in targets)
    )


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
