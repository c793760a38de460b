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

import numpy as np

from mtqe import __version__, jsontext, shape
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


class MetricScores(TypedDict):  # one score per metric of METRICS (a test keeps the two the same)
    bleu: float
    chrf: float
    chrf_pp: float
    ter: float
    wer: float
    cer: float


class CorpusRecord(TypedDict):
    score: float
    ci_low: float
    ci_high: float
    signature: str


class CorpusScores(TypedDict):  # every metric of METRICS
    bleu: CorpusRecord
    chrf: CorpusRecord
    chrf_pp: CorpusRecord
    ter: CorpusRecord
    wer: CorpusRecord
    cer: CorpusRecord


class CriticalRecord(TypedDict):  # one critical change of a link (mtqe.critical.Change)
    kind: str  # "number" | "name" | "negation" | "content"
    ref: str  # what the reference has ("" for nothing)
    hyp: str


class _LaterSegment(TypedDict, total=False):  # fields added to version 1 later (see _LATER_DEFAULTS)
    confidence: float | None  # how sure the alignment is of the link, 0-1 (mtqe.confidence); null: not compared
    uncertain: bool  # an omission or addition that may be an alignment error
    critical: list[CriticalRecord]  # numbers, names, negations or content changed in the link; [] if none


class SegmentRecord(MetricScores, _LaterSegment):
    kind: str  # a LinkKind's value
    ref_ids: list[int]
    hyp_ids: list[int]
    ref: str
    hyp: str


class _LaterSettings(TypedDict, total=False):  # settings added to version 1 later
    normalize: str
    tokenize: str | None  # BLEU's tokenizer as asked (None: sacrebleu's default for the language)


class SettingsRecord(_LaterSettings):
    language: str
    aligned: bool
    fix_text: bool
    bootstrap: int
    seed: int


class _LaterDocument(TypedDict, total=False):  # added to version 1 later: readers do without it
    sentence_lines: list[int]  # each sentence's line in its file


class DocumentRecord(_LaterDocument):
    path: str
    sha256: str
    metadata: list[str]
    sentences: int
    encoding: str
    findings: list[FindingRecord]


class LengthBucket(TypedDict):  # plus one score per metric, null for a bucket of additions only
    bucket: str
    min_words: int
    max_words: int | None
    segments: int
    bleu: float | None
    chrf: float | None
    chrf_pp: float | None
    ter: float | None
    wer: float | None
    cer: float | None


class NgramRecord(TypedDict):
    missed: list[tuple[str, int]]
    added: list[tuple[str, int]]


class AnalysisRecord(TypedDict):
    by_length: list[LengthBucket]
    ngrams: dict[str, NgramRecord]  # n -> the n-grams most often missed and added


class _LaterSystem(TypedDict, total=False):  # added to version 1 later (or left out): readers do without them
    uncertain: dict[str, int]  # omissions and additions that may be alignment errors
    segments_file: str  # where the segments are when not in the list (Dask)
    statistics: StatisticsRecord  # where each link's sufficient statistics are (mtqe.statfile)
    analysis: AnalysisRecord
    notes: list[str]
    typography: CorpusScores  # every metric of the typography-insensitive texts (mtqe.typography)
    critical: dict[str, int]  # critical changes of each kind in the links (mtqe.critical.KINDS)


class LinkCounts(TypedDict):  # one count per LinkKind
    match: int
    omission: int
    addition: int


class SystemRecord(DocumentRecord, _LaterSystem):
    name: str
    counts: LinkCounts
    corpus: CorpusScores
    segments: Sequence[SegmentRecord]


class RankingRecord(TypedDict):
    metric: str
    systems: list[str]


class MetricComparison(TypedDict):
    delta: float
    ci_low: float
    ci_high: float
    p_bootstrap: float
    p_randomization: float


class ComparisonRecord(TypedDict):
    system: str
    against: str
    units: int
    metrics: dict[str, MetricComparison]


class Results(TypedDict):
    schema_version: str
    mtqe_version: str
    ranking: RankingRecord
    comparisons: list[ComparisonRecord]
    settings: SettingsRecord
    reference: DocumentRecord
    systems: list[SystemRecord]


def settings_record(settings: Settings) -> SettingsRecord:
    return {
        "language": settings.language,
        "aligned": settings.aligned,
        "fix_text": settings.fix_text,
        "normalize": settings.normalize.value,
        "tokenize": settings.tokenize,
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


def corpus_record(corpus: dict[str, CorpusScore]) -> CorpusScores:
    return {  # type: ignore[return-value]
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
    critical: Sequence[Any] = (),
) -> SegmentRecord:
    """One link; lines paired by position (``--aligned``) were never compared: confidence None (null);
    ``critical``: its critical changes (:class:`mtqe.critical.Change`)."""
    rounded = None if confidence is None else round(confidence, 4)
    record = {"kind": kind, "ref_ids": ref_ids, "hyp_ids": hyp_ids, "confidence": rounded,
              "uncertain": uncertain, "ref": ref, "hyp": hyp, **scores,
              "critical": [{"kind": c.kind, "ref": c.ref, "hyp": c.hyp} for c in critical]}  # fmt: skip
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
    typography: dict[str, CorpusScore] | None = None,
    critical: dict[str, int] | None = None,
) -> SystemRecord:
    """One system; ``segments_file`` names where its segments are when they are not in the list (Dask),
    ``statistics`` where its per-link statistics are (:mod:`mtqe.statfile`)."""
    record: dict[str, Any] = {
        "name": name,
        **document,
        "counts": {kind.value: counts.get(kind.value, 0) for kind in LinkKind},
        "uncertain": {kind: (uncertain or {}).get(kind, 0) for kind in _GAPS},
        "corpus": corpus_record(corpus),
    }
    if typography:
        record["typography"] = corpus_record(typography)
    if critical is not None:
        record["critical"] = dict(critical)
    record["segments"] = segments
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


def _comparison_record(comparison: SystemComparison) -> ComparisonRecord:
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
    from mtqe.critical import count_kinds  # its patterns take 20 ms to compile: not for every command

    segments = [_segment_of(s) for s in system.segments]
    counts = {kind.value: system.count(kind) for kind in LinkKind}
    uncertain = {kind: sum(1 for s in system.segments if s.link.uncertain and s.link.kind.value == kind)
                 for kind in _GAPS}  # fmt: skip
    document = record_of_document(system.document)
    return system_record(
        system.name, document, counts, system.corpus, segments, system.analysis, system.notes,
        statistics=statistics, uncertain=uncertain, typography=system.typography,
        critical=count_kinds(segment.critical for segment in system.segments),
    )  # fmt: skip


def _segment_of(segment: Segment) -> SegmentRecord:
    link = segment.link
    scores = segment.scores.as_dict()
    return segment_record(link.kind.value, list(link.ref_ids), list(link.hyp_ids), segment.ref, segment.hyp, scores,
                          link.confidence, link.uncertain, segment.critical)  # fmt: skip


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


_LATER_DEFAULTS: dict[str, Any] = {
    "confidence": None,
    "uncertain": False,
    "critical": [],
}  # what a segment written before these fields means
_LIMITED = ("bleu", "chrf", "chrf_pp")  # scores of at most 100 (TER, WER and CER may exceed it)


def load_results(text: str, path: str) -> Results:
    """Parse and check a results.json written by mtqe; raise InputError naming what is wrong (the first
    thing: a value of the wrong type, a score that is not a finite number, a link naming a sentence that
    the documents do not have)."""
    try:
        data = shape.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg} (column {error.colno})", error.lineno) from None
    except shape.ShapeError as error:
        raise InputError(path, f"not valid JSON: {error.problem}") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError(path, "not an mtqe results file (no schema_version)")
    if data["schema_version"] != SCHEMA_VERSION:
        raise InputError(path, f'schema_version {data["schema_version"]!r} is not supported (this mtqe reads "1")')
    try:
        shape.checker(Results)(data)
        _check_meaning(data)
    except shape.ShapeError as error:
        raise InputError(path, str(error)) from None
    for system in data["systems"]:
        for segment in system["segments"]:
            for key, value in _LATER_DEFAULTS.items():
                if key not in segment:
                    segment[key] = list(value) if isinstance(value, list) else value  # no list shared by segments
        system.setdefault("uncertain", {kind: 0 for kind in _GAPS})
    return data  # type: ignore[no-any-return]


def _check_meaning(data: dict[str, Any]) -> None:
    """What types cannot say: at least one system, known link kinds, sentence ids that exist, scores in range,
    statistics beside the results. Checked a system at a time with numpy; a problem is then found segment by
    segment, to name it."""
    if not data["systems"]:
        raise _at(shape.ShapeError("is an empty list"), "systems")
    references = data["reference"]["sentences"]
    if references < 0:
        raise _at(shape.ShapeError("is negative"), "reference", "sentences")
    names = {system["name"] for system in data["systems"]}
    ranking = data["ranking"]
    if ranking["metric"] not in METRICS:
        raise _at(shape.ShapeError(f"is {ranking['metric']!r}, not a metric"), "ranking", "metric")
    if not set(ranking["systems"]) <= names:
        raise _at(shape.ShapeError("names a system the results do not have"), "ranking", "systems")
    for k, comparison in enumerate(data["comparisons"]):
        missing = [m for m in METRICS if m not in comparison["metrics"]]
        if missing:
            raise _at(shape.ShapeError(f"lacks the field {missing[0]!r}"), "comparisons", f"[{k}]", "metrics")
    for k, system in enumerate(data["systems"]):
        where = ("systems", f"[{k}]")
        for part in ("corpus", "typography") if "typography" in system else ("corpus",):
            for metric in METRICS:
                if not _in_range(metric, np.array([system[part][metric]["score"]])).all():
                    raise _at(shape.ShapeError(_range_problem(metric)), *where, part, metric, "score")
        for kind, count in system.get("critical", {}).items():
            if count < 0:
                raise _at(shape.ShapeError("is a negative count"), *where, "critical", kind)
        if not _segments_fit(system["segments"], references, system["sentences"]):
            for m, segment in enumerate(system["segments"]):
                problem = _segment_problem(segment, references, system["sentences"])
                if problem:
                    raise _at(shape.ShapeError(problem[1]), *where, "segments", f"[{m}]", problem[0])
            raise AssertionError("_segments_fit found a problem that _segment_problem cannot name")  # same rules
        entry = system.get("statistics")
        if entry and min(entry["first_row"], entry["rows"]) < 0:
            raise _at(shape.ShapeError("first_row and rows are negative"), *where, "statistics")
        if entry and ("/" in entry["file"] or "\\" in entry["file"]):
            raise _at(shape.ShapeError("is not a file name (a file beside the results)"), *where, "statistics", "file")


_KINDS = frozenset(kind.value for kind in LinkKind)
_SIDES = {  # which sides of a link of each kind are empty (reference, hypothesis)
    LinkKind.MATCH.value: (False, False), LinkKind.OMISSION.value: (False, True), LinkKind.ADDITION.value: (True, False)
}  # fmt: skip


def _segments_fit(segments: Sequence[SegmentRecord], references: int, hypotheses: int) -> bool:
    if not {segment["kind"] for segment in segments} <= _KINDS:
        return False
    if any((not segment["ref_ids"], not segment["hyp_ids"]) != _SIDES[segment["kind"]] for segment in segments):
        return False
    for key, count in (("ref_ids", references), ("hyp_ids", hypotheses)):
        ids = np.fromiter((i for segment in segments for i in segment[key]), dtype=np.int64)  # type: ignore[literal-required]
        if ids.size and (ids.min() < 0 or ids.max() >= count):
            return False
    for metric in METRICS:
        values = np.fromiter((segment[metric] for segment in segments), dtype=np.float64, count=len(segments))  # type: ignore[literal-required]
        if not _in_range(metric, values).all():
            return False
    return True


def _segment_problem(segment: SegmentRecord, references: int, hypotheses: int) -> tuple[str, str] | None:
    if segment["kind"] not in _KINDS:
        return "kind", f"is {segment['kind']!r}, not one of {', '.join(sorted(_KINDS))}"
    if (not segment["ref_ids"], not segment["hyp_ids"]) != _SIDES[segment["kind"]]:
        return (
            "kind",
            f"is {segment['kind']!r}, but the link has {len(segment['ref_ids'])} reference and "
            f"{len(segment['hyp_ids'])} hypothesis sentences",
        )
    for key, count in (("ref_ids", references), ("hyp_ids", hypotheses)):
        if any(i < 0 or i >= count for i in segment[key]):  # type: ignore[literal-required]
            return key, f"names a sentence that does not exist (the document has {count})"
    for metric in METRICS:
        if not _in_range(metric, np.array([segment[metric]])).all():  # type: ignore[literal-required]
            return metric, _range_problem(metric)
    return None


def _in_range(metric: str, scores: np.ndarray) -> np.ndarray:
    """Finite, not negative, and at most 100 for BLEU and chrF (with room for float error: BLEU 100.00000000000004)."""
    top = 100 + 1e-6 if metric in _LIMITED else np.inf
    return np.isfinite(scores) & (scores >= 0) & (scores <= top)


def _range_problem(metric: str) -> str:
    return "is not a score from 0 to 100" if metric in _LIMITED else "is not a finite number of at least 0"


def _at(error: shape.ShapeError, *steps: str) -> shape.ShapeError:
    error.steps.extend(reversed(steps))
    return error
