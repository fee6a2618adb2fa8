"""``python -m sectigo.sandbox``: the SDK's fake of Sectigo's API, served on loopback.

The same command as the ``sectigo-sandbox`` binary, shipped in the wheel so that test suites
need neither Rust nor this repository: the same flags (``--help`` lists them) and the same
ready line, one JSON object on standard output with the URLs, ports, CA file and accounts::

    python -m sectigo.sandbox --http-port 0 --exit-with-stdin

It serves until interrupted or, with ``--exit-with-stdin``, until its standard input closes.
In a Python test suite, :func:`sectigo.testing.sandbox` runs it in-process instead.
"""

from __future__ import annotations

import logging
import sys
from typing import Optional, Sequence

from ._native import sandbox_main

__all__ = ["main"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the sandbox command with ``argv`` (default: this process's arguments)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--log" in args:
        # The calls are logged through Python's logging here: print them like the binary does.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("sectigo-sandbox: %(message)s"))
        logger = logging.getLogger("sectigo_sandbox")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    sys.stdout.flush()
    try:
        return sandbox_main(["sectigo-sandbox", *args])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
