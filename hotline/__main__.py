"""`python -m hotline`: the same command as the `hotline` script and `python -m app`.

The command lives in the composition root (`app/`), which the core may not import; so
this entry point hands the process over to it, arguments, stdin and all.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Replace this process with `python -m app` and the same arguments."""
    os.execv(sys.executable, [sys.executable, "-m", "app", *sys.argv[1:]])


if __name__ == "__main__":
    main()
