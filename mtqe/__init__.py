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

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mtqe")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

# The public API (imported after __version__, which the report writers read).
from mtqe.align import align_sentences
from mtqe.evaluate import evaluate
from mtqe.gate import GateRules, decide
from mtqe.io import read_text
from mtqe.metrics import score_pairs
from mtqe.model import Evaluation, Settings
from mtqe.segment import lines_as_sentences, segment_document

__all__ = [
    "Evaluation",
    "GateRules",
    "Settings",
    "__version__",
    "align_sentences",
    "decide",
    "evaluate",
    "lines_as_sentences",
    "read_text",
    "score_pairs",
    "segment_document",
]
