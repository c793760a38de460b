"""Line-aligned files of any length, scored chunk by chunk in bounded memory.

Only the per-pair statistics (float64, exact for integer counts) and the six
sentence scores of each pair stay in memory; the texts pass through in chunks
to a sink (the CLI writes them to segments.csv and results.json as they
come). The numbers are exactly those of the in-memory pipeline on the same
files; the word n-gram analysis, which needs every text at once, is left
out of streamed results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from mtqe import __version__
from mtqe.analysis import by_length, reference_lengths
from mtqe.errors import InputError
from mtqe.evaluate import capped_ter_notes, corpus_scores, system_names
from mtqe.io import TextReader
from mtqe.metrics import PairScorer, make_metrics
from mtqe.model import METRICS, Settings
from mtqe.report.json import SCHEMA_VERSION, corpus_dict, finding_dict, settings_dict
from mtqe.report.summary import RANKING_METRIC

# (index of the chunk's first pair, references, hypotheses, sentence scores pairs x METRICS)
SegmentSink = Callable[[int, list[str], list[str], np.ndarray], None]
CHUNK_LINES = 20_000
_STORED = tuple(m for m in METRICS if m != "chrf")


@dataclass(frozen=True)
class StreamedRun:
    results: dict[str, Any]  # results.json data; the system's "segments" went to the sink instead
    scores: np.ndarray  # sentence scores, pairs x METRICS
    ref_lengths: np.ndarray  # reference words per pair


def evaluate_line_aligned(
    reference: TextReader, hypothesis: TextReader, settings: Settings, sink: SegmentSink
) -> StreamedRun:
    tables = _Tables(reference.estimated_lines())
    notes: list[str] = []
    count = 0
    with PairScorer(settings.language, settings.workers) as scorer:
        for refs, hyps in paired_chunks(reference, hypothesis):
            stats, scores = scorer.score(hyps, refs)
            tables.add(count, stats, scores, reference_lengths(refs))
            sink(count, refs, hyps, scores)
            notes += capped_ter_notes(refs, hyps, count)
            count += len(refs)
    if count == 0:
        raise InputError(reference.path, "no lines to score")
    stats, all_scores, ref_lengths = tables.result(count)
    metrics = make_metrics(settings.language)
    corpus = corpus_scores(stats, metrics, settings)
    name = system_names([hypothesis.path])[0]
    lines = list(range(1, count + 1))
    results = {
        "schema_version": SCHEMA_VERSION,
        "mtqe_version": __version__,
        "settings": settings_dict(settings),
        "reference": {
            "path": reference.path,
            "sha256": reference.sha256,
            "metadata": [],
            "sentences": count,
            **_reading(reference, lines),
        },
        "systems": [
            {
                "name": name,
                "path": hypothesis.path,
                "sha256": hypothesis.sha256,
                "metadata": [],
                "sentences": count,
                **_reading(hypothesis, lines),
                "counts": {"match": count, "omission": 0, "addition": 0},
                "corpus": corpus_dict(corpus),
                "segments": [],
                "analysis": {"by_length": by_length(ref_lengths, stats, metrics), "ngrams": {}},
                "notes": notes,
            }
        ],
        "ranking": {"metric": RANKING_METRIC, "systems": [name]},
        "comparisons": [],
    }
    return StreamedRun(results, all_scores, ref_lengths)


class _Tables:
    """Per-pair statistics (float64, what the bootstrap multiplies), scores and reference lengths,
    allocated once for the expected number of lines and grown only if there are more."""

    def __init__(self, rows: int) -> None:
        self.rows = max(rows, 1)
        self.stats: dict[str, np.ndarray] = {}
        self.scores = np.empty((self.rows, len(METRICS)))
        self.lengths = np.empty(self.rows, dtype=np.int64)

    def add(self, start: int, stats: dict[str, np.ndarray], scores: np.ndarray, lengths: np.ndarray) -> None:
        stop = start + len(scores)
        if stop > self.rows:
            self._grow(max(stop, 2 * self.rows))
        for metric in _STORED:
            if metric not in self.stats:
                self.stats[metric] = np.empty((self.rows, stats[metric].shape[1]))
            self.stats[metric][start:stop] = stats[metric]
        self.scores[start:stop] = scores
        self.lengths[start:stop] = lengths

    def _grow(self, rows: int) -> None:
        def grown(table: np.ndarray) -> np.ndarray:
            bigger = np.empty((rows, *table.shape[1:]), dtype=table.dtype)
            bigger[: self.rows] = table
            return bigger

        self.stats = {metric: grown(table) for metric, table in self.stats.items()}
        self.scores, self.lengths, self.rows = grown(self.scores), grown(self.lengths), rows

    def result(self, count: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        stats = {metric: self.stats[metric][:count] for metric in _STORED}
        stats["chrf"] = stats["chrf_pp"][:, :18]  # chrF's statistics are chrF++'s character columns
        return {m: stats[m] for m in METRICS}, self.scores[:count], self.lengths[:count]


def _reading(stream: TextReader, lines: list[int]) -> dict[str, Any]:
    return {
        "sentence_lines": lines,
        "encoding": stream.encoding,
        "findings": [finding_dict(f) for f in stream.findings],
    }


def _lines(stream: TextReader) -> Iterator[str]:
    for chunk in stream.chunks():
        for line in chunk:
            yield line.strip()


def paired_chunks(reference: TextReader, hypothesis: TextReader) -> Iterator[tuple[list[str], list[str]]]:
    ref_lines, hyp_lines = _lines(reference), _lines(hypothesis)
    seen = 0
    while True:
        refs = list(islice(ref_lines, CHUNK_LINES))
        hyps = list(islice(hyp_lines, CHUNK_LINES))
        if len(refs) != len(hyps):
            ref_total = seen + len(refs) + sum(1 for _ in ref_lines)
            hyp_total = seen + len(hyps) + sum(1 for _ in hyp_lines)
            raise InputError(
                hypothesis.path,
                f"has {hyp_total} lines but the reference {reference.path} has {ref_total}; "
                "--aligned needs the same number of lines",
            )
        if not refs:
            return
        seen += len(refs)
        yield refs, hyps
