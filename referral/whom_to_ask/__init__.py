"""Whom to ask: the best people to ask to share an opening.

* :func:`reach_of_everyone`: for every person at once, how many targets an
  opening would reach if that person posted it alone, with intervals.
* :func:`ambassadors`: the ``k`` people to ask, picked by IMM (Tang, Shi &
  Xiao 2015) on reverse-reachable samples, with its guarantee and a forward
  check; ``balance=`` keeps each group's reach fair.

The sentences that say these tables in words are in :mod:`referral.wording`
(:func:`~referral.wording.who_to_ask_sentences`). The private rooms are
``_ambassadors`` (the two functions, in named phases), ``_rr_samples`` (the
reverse-reachable samples), ``_imm`` (IMM's sample sizes), ``_targets`` and
``_balanced``.
"""

from referral.whom_to_ask._ambassadors import ambassadors, reach_of_everyone

__all__ = ["reach_of_everyone", "ambassadors"]
