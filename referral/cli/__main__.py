"""``python -m referral.cli`` runs the command line."""

import sys

from referral.cli import main

if __name__ == "__main__":
    sys.exit(main())
