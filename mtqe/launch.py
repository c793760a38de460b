"""The ``mtqe`` command's entry point: Ctrl-C while Python is still importing the CLI is one line and exit
130, like Ctrl-C at any later moment (:func:`mtqe.cli.main`), not a traceback. Only the standard library
is imported here."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # as mtqe.cli's, which cannot be imported yet


def main() -> int:
    try:
        from mtqe.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("mtqe: interrupted while starting; nothing was written\n")
        return EXIT_INTERRUPTED
    return run()
