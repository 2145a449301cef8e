"""Reading networks from files and writing results safely.

* :func:`read_edgelist`: a CSV edge list (or a DataFrame) into a network.
* :func:`read_graphml`: a GraphML file into a network.
* :func:`read_people`: per-person activity, roles and attributes from a CSV.
* :func:`read_linkedin_connections` and :func:`linkedin_network`: LinkedIn
  ``Connections.csv`` exports, merged into one company network.
* :func:`atomic_write`: write a file through a temporary file and a rename,
  refusing to overwrite without ``force``.
* :func:`staged_folder`: write a whole output folder beside the target and
  rename it into place once; :func:`check_target` refuses an existing output
  before any work.

The LinkedIn readers live in ``referral.io._linkedin`` and the writers in
``referral.io._writers`` (the one atomic writer, with the umask read once); all
are re-exported here.
"""

from referral.io._files import (
    DEFAULT_ACTIVITY,
    apply_people,
    atomic_write,
    check_target,
    linkedin_network,
    read_edgelist,
    read_graphml,
    read_linkedin_connections,
    read_people,
    staged_folder,
    write_table,
)

__all__ = [
    "DEFAULT_ACTIVITY",
    "read_edgelist",
    "read_graphml",
    "read_people",
    "apply_people",
    "read_linkedin_connections",
    "linkedin_network",
    "atomic_write",
    "check_target",
    "staged_folder",
    "write_table",
]
