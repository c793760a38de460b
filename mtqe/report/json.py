"""results.json: a versioned, deterministic rendering of an Evaluation.

Schema version "1" fields are never changed silently; new fields may be added.
"""

from __future__ import annotations

import json
from typing import Any

from mtqe import __version__
from mtqe.model import METRICS, Document, Evaluation, Finding, LinkKind, SystemResult

SCHEMA_VERSION = "1"


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    reference = evaluation.reference
    return {
        "schema_version": SCHEMA_VERSION,
        "mtqe_version": __version__,
        "settings": {
            "language": evaluation.settings.language,
            "aligned": evaluation.settings.aligned,
            "fix_text": evaluation.settings.fix_text,
            "bootstrap": evaluation.settings.bootstrap,
            "seed": evaluation.settings.seed,
        },
        "reference": {
            "path": reference.path,
            "sha256": reference.sha256,
            "metadata": list(reference.metadata),
            "sentences": len(reference.sentences),
            **_reading(reference),
        },
        "systems": [_system(system) for system in evaluation.systems],
    }


def render_json(evaluation: Evaluation) -> str:
    """The same evaluation always gives the same bytes: no timestamps, fixed key order."""
    return json.dumps(evaluation_to_dict(evaluation), ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _reading(document: Document) -> dict[str, Any]:
    return {
        "sentence_lines": [sentence.line for sentence in document.sentences],  # where each sentence starts
        "encoding": document.encoding,
        "findings": [_finding(f) for f in document.findings],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {"kind": finding.kind, "line": finding.line, "message": finding.message}


def _system(system: SystemResult) -> dict[str, Any]:
    document = system.document
    return {
        "name": system.name,
        "path": document.path,
        "sha256": document.sha256,
        "metadata": list(document.metadata),
        "sentences": len(document.sentences),
        **_reading(document),
        "counts": {kind.value: system.count(kind) for kind in LinkKind},
        "corpus": {
            metric: {
                "score": system.corpus[metric].score,
                "ci_low": system.corpus[metric].ci_low,
                "ci_high": system.corpus[metric].ci_high,
                "signature": system.corpus[metric].signature,
            }
            for metric in METRICS
        },
        "segments": [
            {
                "kind": segment.link.kind.value,
                "ref_ids": list(segment.link.ref_ids),
                "hyp_ids": list(segment.link.hyp_ids),
                "ref": segment.ref,
                "hyp": segment.hyp,
                **segment.scores.as_dict(),
            }
            for segment in system.segments
        ],
    }
