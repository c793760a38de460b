"""mtqe: machine-translation quality evaluation of unaligned documents.

Read, segment, align and score a reference against hypotheses with sacrebleu's
and jiwer's exact numbers; write HTML, JSON and CSV reports.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mtqe")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
