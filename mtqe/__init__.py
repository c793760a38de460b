"""mtqe: machine-translation quality evaluation of unaligned documents.

Read, segment, align and score a reference against hypotheses with sacrebleu's
and jiwer's exact numbers; write HTML, JSON and CSV reports; gate CI runs on a
baseline. The command line (``mtqe``) is a thin layer over these functions::

    from mtqe import read_text, segment_document, evaluate, Settings
    reference = segment_document(read_text("ref.txt"))
    hypothesis = segment_document(read_text("hyp.txt"))
    result = evaluate(reference, [hypothesis], Settings())
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("mtqe")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "read_text": "mtqe.io",
    "segment_document": "mtqe.segment",
    "lines_as_sentences": "mtqe.segment",
    "align_sentences": "mtqe.align",
    "score_pairs": "mtqe.metrics",
    "evaluate": "mtqe.evaluate",
    "Settings": "mtqe.model",
    "Evaluation": "mtqe.model",
    "decide": "mtqe.gate",
    "GateRules": "mtqe.gate",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import the public functions on first use, so that ``import mtqe`` stays light."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'mtqe' has no attribute {name!r}")
