"""Line-aligned pairs read chunk by chunk from two files, and the results of any engine scoring them.

:class:`LinePairs` pairs line k of the reference with line k of the
hypothesis, reading both with :class:`~mtqe.io.TextReader` (so a streamed run
sees exactly the text, findings and errors of an in-memory run).
:func:`evaluate_pairs` runs an engine over any pair source and builds the
results with the schema's builders; only the per-pair statistics and six
scores stay in memory, the texts go to the sink.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np

from mtqe.engine import Engine, PairChunk, SegmentSink, summarize
from mtqe.errors import InputError
from mtqe.io import TextReader
from mtqe.model import Settings
from mtqe.pairstats import PairStats
from mtqe.schema import DocumentRecord, Results, document_record, results_record, system_record
from mtqe.timing import stage

CHUNK_LINES = 20_000


class LinePairs:
    """Two line-aligned files as a pair source; their document records are complete after reading."""

    def __init__(self, reference: TextReader, hypothesis: TextReader, system: str) -> None:
        self.reference = reference
        self.hypothesis = hypothesis
        self.system = system

    def expected_pairs(self) -> int:
        return self.reference.estimated_lines()

    def chunks(self) -> Iterator[PairChunk]:
        ref_lines, hyp_lines = _lines(self.reference), _lines(self.hypothesis)
        seen = 0
        while True:
            with stage("read"):
                refs = list(islice(ref_lines, CHUNK_LINES))
                hyps = list(islice(hyp_lines, CHUNK_LINES))
            if len(refs) != len(hyps):
                ref_total = seen + len(refs) + sum(1 for _ in ref_lines)
                hyp_total = seen + len(hyps) + sum(1 for _ in hyp_lines)
                raise InputError(
                    self.hypothesis.path,
                    f"has {hyp_total} lines but the reference {self.reference.path} has {ref_total}; "
                    "--aligned needs the same number of lines",
                )
            if not refs:
                return
            seen += len(refs)
            yield refs, hyps

    def documents(self, pairs: int) -> tuple[DocumentRecord, DocumentRecord]:
        lines = range(1, pairs + 1)
        return tuple(  # type: ignore[return-value]
            document_record(reader.path, reader.sha256, reader.encoding, reader.findings, lines)
            for reader in (self.reference, self.hypothesis)
        )


def _lines(reader: TextReader) -> Iterator[str]:
    for chunk in reader.chunks():
        for line in chunk:
            yield line.strip()


@dataclass(frozen=True, eq=False)
class PairsRun:
    results: Results  # the system's "segments" went to the sink (or the engine's segments file) instead
    scores: np.ndarray  # sentence scores, pairs x METRICS
    ref_lengths: np.ndarray  # reference words per pair
    stats: PairStats  # each pair's sufficient statistics
    sample: tuple[dict, ...] = ()  # links an engine that keeps no texts chose for the report


def evaluate_pairs(source, settings: Settings, engine: Engine, sink: SegmentSink | None = None) -> PairsRun:
    """Score a pair source (:class:`LinePairs` or a Dask table) with ``engine``; results without segments."""
    scored = engine.score(source, settings, sink)
    if scored.pairs == 0:
        raise InputError(source.reference.path if hasattr(source, "reference") else str(source), "no lines to score")
    from mtqe.statfile import records

    summary = summarize(scored, settings)
    reference, hypothesis = source.documents(scored.pairs)
    system = system_record(
        source.system,
        hypothesis,
        {"match": scored.pairs},
        summary.corpus,
        [],
        summary.analysis,
        summary.notes,
        segments_file=getattr(engine, "segments_file", None),
        statistics=records([scored.stats])[0],
        typography=summary.typography,
        critical=summary.critical,
    )
    results = results_record(settings, reference, [system])
    return PairsRun(results, scored.scores, scored.ref_lengths, scored.stats, scored.sample)
