"""``python -m nabla``: the ``nabla`` command (:mod:`nabla.cli`)."""

import sys

from nabla.cli import main

if __name__ == "__main__":
    sys.exit(main())
