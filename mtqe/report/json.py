"""results.json: a versioned, deterministic rendering of an Evaluation.

Schema version "1" fields are never changed silently; new fields may be added.
"""

from __future__ import annotations

import json
from typing import Any

from mtqe import __version__
from mtqe.errors import InputError
from mtqe.model import METRICS, CorpusScore, Document, Evaluation, Finding, LinkKind, Settings, SystemResult
from mtqe.report.summary import RANKING_METRIC

SCHEMA_VERSION = "1"


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    reference = evaluation.reference
    return {
        "schema_version": SCHEMA_VERSION,
        "mtqe_version": __version__,
        "settings": settings_dict(evaluation.settings),
        "reference": {
            "path": reference.path,
            "sha256": reference.sha256,
            "metadata": list(reference.metadata),
            "sentences": len(reference.sentences),
            **_reading(reference),
        },
        "systems": [_system(system) for system in evaluation.systems],
        "ranking": {"metric": RANKING_METRIC, "systems": evaluation.ranking(RANKING_METRIC)},
        "comparisons": [
            {
                "system": comparison.system,
                "against": comparison.against,
                "units": comparison.units,
                "metrics": {
                    m: {
                        "delta": c.delta,
                        "ci_low": c.ci_low,
                        "ci_high": c.ci_high,
                        "p_bootstrap": c.p_bootstrap,
                        "p_randomization": c.p_randomization,
                    }
                    for m, c in comparison.metrics.items()
                },
            }
            for comparison in evaluation.comparisons
        ],
    }


def settings_dict(settings: Settings) -> dict[str, Any]:
    return {
        "language": settings.language,
        "aligned": settings.aligned,
        "fix_text": settings.fix_text,
        "normalize": settings.normalize,
        "bootstrap": settings.bootstrap,
        "seed": settings.seed,
    }


def corpus_dict(corpus: dict[str, CorpusScore]) -> dict[str, Any]:
    return {
        metric: {
            "score": corpus[metric].score,
            "ci_low": corpus[metric].ci_low,
            "ci_high": corpus[metric].ci_high,
            "signature": corpus[metric].signature,
        }
        for metric in METRICS
    }


def segment_dict(kind: str, ref_ids: list[int], hyp_ids: list[int], ref: str, hyp: str, scores: dict[str, float]):
    return {"kind": kind, "ref_ids": ref_ids, "hyp_ids": hyp_ids, "ref": ref, "hyp": hyp, **scores}


def render_json(results: dict[str, Any]) -> str:
    """The same results always give the same bytes: no timestamps, fixed key order."""
    return json.dumps(results, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _reading(document: Document) -> dict[str, Any]:
    return {
        "sentence_lines": [sentence.line for sentence in document.sentences],  # where each sentence starts
        "encoding": document.encoding,
        "findings": [finding_dict(f) for f in document.findings],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
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
        "corpus": corpus_dict(system.corpus),
        "segments": [
            segment_dict(
                segment.link.kind.value,
                list(segment.link.ref_ids),
                list(segment.link.hyp_ids),
                segment.ref,
                segment.hyp,
                segment.scores.as_dict(),
            )
            for segment in system.segments
        ],
        "analysis": system.analysis,
        "notes": list(system.notes),
    }


_REQUIRED = {
    "reference": ("path", "sha256", "metadata", "sentences"),
    "system": ("name", "path", "sha256", "corpus", "segments"),
    "segment": ("kind", "ref_ids", "hyp_ids", "ref", "hyp", *METRICS),
}


def load_results(text: str, path: str) -> dict[str, Any]:
    """Parse and check a results.json written by mtqe; raise InputError naming what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg} (column {error.colno})", error.lineno) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError(path, "not an mtqe results file (no schema_version)")
    if data["schema_version"] != SCHEMA_VERSION:
        raise InputError(path, f'schema_version {data["schema_version"]!r} is not supported (this mtqe reads "1")')
    _require(data, ("settings", "reference", "systems"), path, "the file")
    _require(data["reference"], _REQUIRED["reference"], path, "reference")
    for k, system in enumerate(data["systems"]):
        _require(system, _REQUIRED["system"], path, f"systems[{k}]")
        for m, segment in enumerate(system["segments"]):
            _require(segment, _REQUIRED["segment"], path, f"systems[{k}].segments[{m}]")
    return data


def _require(entry: Any, keys: tuple[str, ...], path: str, where: str) -> None:
    if not isinstance(entry, dict):
        raise InputError(path, f"{where} is not an object")
    missing = [key for key in keys if key not in entry]
    if missing:
        raise InputError(path, f"{where} lacks {', '.join(missing)}")
