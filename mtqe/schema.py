"""results.json schema version 1: its one definition, builders, writer and loader.

Every engine builds its results with these functions and every reader (the
report, the baseline, the gate, the tests) loads them with :func:`load_results`.
Fields of version "1" are never changed silently; new fields may be added.
The writer streams: a system's segments may be a :class:`LazyList` read from a
temporary file. The layout is ``json.dumps(..., indent=1)``'s, except that each
segment is one compact line (:mod:`mtqe.jsontext`), so in-memory and streamed
runs write identical files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypedDict

from mtqe import __version__, jsontext
from mtqe.errors import InputError
from mtqe.model import (
    METRICS,
    RANKING_METRIC,
    CorpusScore,
    Document,
    Evaluation,
    Finding,
    LinkKind,
    Segment,
    Settings,
    SystemComparison,
    SystemResult,
)
from mtqe.statfile import StatisticsRecord, records

SCHEMA_VERSION = "1"
_GAPS = (LinkKind.OMISSION.value, LinkKind.ADDITION.value)  # the kinds of link that may be uncertain


class FindingRecord(TypedDict):
    kind: str
    line: int | None
    message: str


class CorpusRecord(TypedDict):
    score: float
    ci_low: float
    ci_high: float
    signature: str


class SegmentRecord(TypedDict):  # plus one float per metric of METRICS
    kind: str
    ref_ids: list[int]
    hyp_ids: list[int]
    confidence: float | None  # how sure the alignment is of the link, 0-1 (mtqe.confidence); null: not compared
    uncertain: bool  # an omission or addition that may be an alignment error
    ref: str
    hyp: str


class DocumentRecord(TypedDict):
    path: str
    sha256: str
    metadata: list[str]
    sentences: int
    sentence_lines: list[int]
    encoding: str
    findings: list[FindingRecord]


class _WhereRecord(TypedDict, total=False):
    segments_file: str  # where the segments are when not in the list (Dask)
    statistics: StatisticsRecord  # where each link's sufficient statistics are (mtqe.statfile)


class SystemRecord(DocumentRecord, _WhereRecord):
    name: str
    counts: dict[str, int]
    uncertain: dict[str, int]  # omissions and additions that may be alignment errors
    corpus: dict[str, CorpusRecord]
    segments: Sequence[SegmentRecord]
    analysis: dict[str, Any]
    notes: list[str]


class Results(TypedDict):
    schema_version: str
    mtqe_version: str
    settings: dict[str, Any]
    reference: DocumentRecord
    systems: list[SystemRecord]
    ranking: dict[str, Any]
    comparisons: list[dict[str, Any]]


def settings_record(settings: Settings) -> dict[str, Any]:
    return {
        "language": settings.language,
        "aligned": settings.aligned,
        "fix_text": settings.fix_text,
        "normalize": settings.normalize.value,
        "bootstrap": settings.bootstrap,
        "seed": settings.seed,
    }


def finding_record(finding: Finding) -> FindingRecord:
    return {"kind": finding.kind, "line": finding.line, "message": finding.message}


def document_record(
    path: str,
    sha256: str,
    encoding: str,
    findings: Iterable[Finding],
    sentence_lines: Sequence[int],
    metadata: Sequence[str] = (),
) -> DocumentRecord:
    return {
        "path": path,
        "sha256": sha256,
        "metadata": list(metadata),
        "sentences": len(sentence_lines),
        "sentence_lines": list(sentence_lines),  # the line of the file where each sentence starts
        "encoding": encoding,
        "findings": [finding_record(f) for f in findings],
    }


def record_of_document(document: Document) -> DocumentRecord:
    lines = [sentence.line for sentence in document.sentences]
    return document_record(
        document.path, document.sha256, document.encoding, document.findings, lines, document.metadata
    )


def corpus_record(corpus: dict[str, CorpusScore]) -> dict[str, CorpusRecord]:
    return {
        metric: {
            "score": corpus[metric].score,
            "ci_low": corpus[metric].ci_low,
            "ci_high": corpus[metric].ci_high,
            "signature": corpus[metric].signature,
        }
        for metric in METRICS
    }


def segment_record(
    kind: str,
    ref_ids: list[int],
    hyp_ids: list[int],
    ref: str,
    hyp: str,
    scores: dict[str, float],
    confidence: float | None = None,
    uncertain: bool = False,
) -> SegmentRecord:
    """One link; lines paired by position (``--aligned``) were never compared: confidence None (null)."""
    rounded = None if confidence is None else round(confidence, 4)
    record = {"kind": kind, "ref_ids": ref_ids, "hyp_ids": hyp_ids, "confidence": rounded,
              "uncertain": uncertain, "ref": ref, "hyp": hyp, **scores}  # fmt: skip
    return record  # type: ignore[return-value]


def system_record(
    name: str,
    document: DocumentRecord,
    counts: dict[str, int],
    corpus: dict[str, CorpusScore],
    segments: Sequence[SegmentRecord],
    analysis: dict[str, Any],
    notes: Sequence[str],
    segments_file: str | None = None,
    statistics: StatisticsRecord | None = None,
    uncertain: dict[str, int] | None = None,
) -> SystemRecord:
    """One system; ``segments_file`` names where its segments are when they are not in the list (Dask),
    ``statistics`` where its per-link statistics are (:mod:`mtqe.statfile`)."""
    record: dict[str, Any] = {
        "name": name,
        **document,
        "counts": {kind.value: counts.get(kind.value, 0) for kind in LinkKind},
        "uncertain": {kind: (uncertain or {}).get(kind, 0) for kind in _GAPS},
        "corpus": corpus_record(corpus),
        "segments": segments,
    }
    if segments_file is not None:
        record["segments_file"] = segments_file
    if statistics is not None:
        record["statistics"] = statistics
    record.update(analysis=analysis, notes=list(notes))
    return record  # type: ignore[return-value]


def results_record(
    settings: Settings,
    reference: DocumentRecord,
    systems: list[SystemRecord],
    comparisons: Sequence[SystemComparison] = (),
) -> Results:
    higher = -1.0  # chrF: higher is better
    ranking = [s["name"] for s in sorted(systems, key=lambda s: higher * s["corpus"][RANKING_METRIC]["score"])]
    return {
        "schema_version": SCHEMA_VERSION,
        "mtqe_version": __version__,
        "settings": settings_record(settings),
        "reference": reference,
        "systems": systems,
        "ranking": {"metric": RANKING_METRIC, "systems": ranking},
        "comparisons": [_comparison_record(comparison) for comparison in comparisons],
    }


def _comparison_record(comparison: SystemComparison) -> dict[str, Any]:
    return {
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


def evaluation_to_dict(evaluation: Evaluation) -> Results:
    """The results of an in-memory evaluation, every segment included."""
    tables = [system.stats for system in evaluation.systems]
    assert all(stats is not None for stats in tables), "every scored system has its statistics"
    statistics = records(tables)  # type: ignore[arg-type]
    systems = [_system_of(system, record) for system, record in zip(evaluation.systems, statistics, strict=True)]
    return results_record(
        evaluation.settings, record_of_document(evaluation.reference), systems, evaluation.comparisons
    )


def _system_of(system: SystemResult, statistics: StatisticsRecord) -> SystemRecord:
    segments = [_segment_of(s) for s in system.segments]
    counts = {kind.value: system.count(kind) for kind in LinkKind}
    uncertain = {kind: sum(1 for s in system.segments if s.link.uncertain and s.link.kind.value == kind)
                 for kind in _GAPS}  # fmt: skip
    document = record_of_document(system.document)
    return system_record(
        system.name, document, counts, system.corpus, segments, system.analysis, system.notes,
        statistics=statistics, uncertain=uncertain,
    )  # fmt: skip


def _segment_of(segment: Segment) -> SegmentRecord:
    link = segment.link
    scores = segment.scores.as_dict()
    return segment_record(link.kind.value, list(link.ref_ids), list(link.hyp_ids), segment.ref, segment.hyp, scores,
                          link.confidence, link.uncertain)  # fmt: skip


class LazyList(list):
    """A list the JSON writer iterates without holding it: ``count`` items produced by ``items()`` on demand."""

    def __init__(self, count: int, items: Callable[[], Iterator[Any]]) -> None:
        super().__init__()
        self._count = count
        self._items = items

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[Any]:
        produced = 0
        for item in self._items():
            produced += 1
            yield item
        if produced != self._count:
            raise RuntimeError(f"expected {self._count} items, produced {produced}")


ONE_LINE = ("segments",)  # lists written one compact item a line: a system's segments, most of a large file


def render_json(results: Results | dict[str, Any]) -> str:
    """The same results always give the same bytes: no timestamps, fixed key order."""
    return "".join(jsontext.pieces(results, one_line=ONE_LINE)) + "\n"


def write_json(handle: IO[str], results: Results | dict[str, Any]) -> None:
    """:func:`render_json` written in blocks of pieces, so lazy segment lists are never held in memory."""
    block: list[str] = []
    for piece in jsontext.pieces(results, one_line=ONE_LINE):
        block.append(piece)
        if len(block) >= 4096:
            handle.write("".join(block))
            block.clear()
    block.append("\n")
    handle.write("".join(block))


_SEGMENT_DEFAULTS = {"confidence": None, "uncertain": False}  # what results written before these fields mean
_REQUIRED = {
    "reference": ("path", "sha256", "metadata", "sentences"),
    "system": ("name", "path", "sha256", "corpus", "segments"),
    "segment": ("kind", "ref_ids", "hyp_ids", "ref", "hyp", *METRICS),
}


def load_results(text: str, path: str) -> Results:
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
    if not isinstance(data["systems"], list) or not data["systems"]:
        raise InputError(path, "systems is not a non-empty list")
    for k, system in enumerate(data["systems"]):
        _require(system, _REQUIRED["system"], path, f"systems[{k}]")
        if not isinstance(system["segments"], list):
            raise InputError(path, f"systems[{k}].segments is not a list")
        for m, segment in enumerate(system["segments"]):
            _require(segment, _REQUIRED["segment"], path, f"systems[{k}].segments[{m}]")
            for key, value in _SEGMENT_DEFAULTS.items():  # fields added to version 1 later
                segment.setdefault(key, value)
        system.setdefault("uncertain", {kind: 0 for kind in _GAPS})
        if "statistics" in system:
            _check_statistics(system["statistics"], path, f"systems[{k}].statistics")
    return data  # type: ignore[return-value]


def _check_statistics(entry: Any, path: str, where: str) -> None:
    _require(entry, tuple(StatisticsRecord.__annotations__), path, where)
    if not all(isinstance(entry[key], int) and not isinstance(entry[key], bool) for key in ("first_row", "rows")):
        raise InputError(path, f"{where}: first_row and rows are not whole numbers")
    if min(entry["first_row"], entry["rows"]) < 0:
        raise InputError(path, f"{where}: first_row and rows are negative")
    file = entry["file"]
    if not all(isinstance(entry[key], str) for key in ("file", "layout", "sha256")) or "/" in file or "\\" in file:
        raise InputError(path, f"{where}: file, layout and sha256 are not names (a file beside the results)")


def _require(entry: Any, keys: tuple[str, ...], path: str, where: str) -> None:
    if not isinstance(entry, dict):
        raise InputError(path, f"{where} is not an object")
    missing = [key for key in keys if key not in entry]
    if missing:
        raise InputError(path, f"{where} lacks {', '.join(missing)}")
