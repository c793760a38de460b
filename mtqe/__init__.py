"""mtqe: machine-translation quality evaluation of unaligned documents.

Read, segment, align and score a reference against hypotheses with sacrebleu's
and jiwer's exact numbers; write HTML, JSON and CSV reports; gate CI runs on a
baseline. The command line (``mtqe``) is a thin layer over these functions::

    from mtqe import run_evaluation, Settings
    result = run_evaluation("ref.txt", ["hyp.txt"], Settings())
    result.results["systems"][0]["corpus"]["chrf"]["score"]

or, step by step::

    from mtqe import read_text, segment_document, evaluate, Settings
    reference = segment_document(read_text("ref.txt"))
    hypothesis = segment_document(read_text("hyp.txt"))
    result = evaluate(reference, [hypothesis], Settings())

The names below are imported on first use, so ``import mtqe`` is instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from mtqe._version import __version__

_PUBLIC = {
    "align_sentences": "mtqe.align",
    "DaskEngine": "mtqe.dask_engine",
    "evaluate": "mtqe.pipeline",
    "Evaluation": "mtqe.model",
    "GateRules": "mtqe.gate",
    "decide": "mtqe.gate",
    "EngineName": "mtqe.model",
    "MemoryEngine": "mtqe.engine",
    "Normalization": "mtqe.model",
    "read_text": "mtqe.io",
    "TextReader": "mtqe.io",
    "run_evaluation": "mtqe.run",
    "RunResult": "mtqe.run",
    "score_pairs": "mtqe.metrics",
    "segment_document": "mtqe.segment",
    "lines_as_sentences": "mtqe.segment",
    "Settings": "mtqe.model",
    "StreamEngine": "mtqe.engine",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mtqe' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
