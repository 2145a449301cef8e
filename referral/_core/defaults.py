"""The one default activity of every reader and command.

Files of ties rarely say how likely each person is to pass a referral on.
Every entry point that reads your own data (:func:`referral.io.read_edgelist`,
:func:`referral.io.read_graphml`, the LinkedIn readers, blank cells of a
people file, people a roster adds, and every command of the command line)
uses ``DEFAULT_ACTIVITY`` when nothing else is given, and the command
line prints it in every summary.

0.3 is the mean of the Beta(2, 5) the bundled populations draw activity
from: most people are not very good at passing things on.
"""

from __future__ import annotations

__all__ = ["DEFAULT_ACTIVITY"]

#: activity of everyone whose activity the data does not give
DEFAULT_ACTIVITY = 0.3
