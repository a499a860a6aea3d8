"""The ``crisis-sim`` console script of a pip-installed crisis_sim: runs the executable that
the wheel carries (crisis_sim/bin/crisis-sim) with the same arguments."""

from __future__ import annotations

import os
import sys

from . import executable


def main() -> None:
    path = executable()
    if path is None:
        sys.stderr.write("crisis-sim: this crisis_sim has no crisis-sim executable beside it (pip install . puts one there)\n")
        raise SystemExit(1)
    os.execv(path, [path] + sys.argv[1:])
