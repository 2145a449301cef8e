"""Every recruiter-facing sentence, built only from tidy tables.

A sentence takes the table the user can inspect (or the CSV the command line
wrote) and says it in plain words; a number in a sentence is always a number
in that table, formatted by :func:`fmt_number` or :func:`fmt_share`. Where
the evidence does not separate two people or two scenarios, the sentence
says so instead of ranking them.

* Reach, drop-off, cost and the threshold: :func:`reach_sentence`,
  :func:`dropoff_sentence`, :func:`cost_sentence`,
  :func:`threshold_sentence`, :func:`search_sentence`, :func:`time_sentence`.
* Gatekeepers: :func:`gatekeeper_sentence`.
* Whom to ask: :func:`who_to_ask_sentences`, :func:`guarantee_sentence`.
* Bonus schemes side by side: :func:`incentive_sentence`.
* Who gets reached: :func:`representation_sentences`,
  :func:`homophily_sentence`.
"""

from referral.wording._gatekeepers import gatekeeper_sentence
from referral.wording._incentives import incentive_sentence
from referral.wording._representation import (
    homophily_sentence,
    representation_sentences,
)
from referral.wording._sentences import (
    cost_sentence,
    count_of,
    dropoff_sentence,
    fmt_mean,
    fmt_number,
    fmt_share,
    reach_sentence,
    search_sentence,
    threshold_sentence,
    time_sentence,
)
from referral.wording._who_to_ask import guarantee_sentence, who_to_ask_sentences

__all__ = [
    "fmt_number",
    "fmt_share",
    "fmt_mean",
    "count_of",
    "threshold_sentence",
    "reach_sentence",
    "dropoff_sentence",
    "cost_sentence",
    "search_sentence",
    "time_sentence",
    "gatekeeper_sentence",
    "who_to_ask_sentences",
    "guarantee_sentence",
    "representation_sentences",
    "homophily_sentence",
    "incentive_sentence",
]
