"""Private utilities shared by every subpackage: parameter rules, argument
checks, statistics, random streams, the parallel runner, rich display and the
default activity. Nothing here is public; the public names that rest on it
are re-exported where users look for them."""
