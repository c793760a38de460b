"""Engines: pairs in, per-pair statistics and sentence scores out; and the one tail every run shares.

An engine scores the pairs of a :class:`PairSource` (chunks of references
and hypotheses) and returns :class:`Scored`: the per-pair sufficient
statistics, the six sentence scores and each reference's length, plus the
notes scoring needs said. The local engines score in this process or in
worker processes (:class:`~mtqe.metrics.PairScorer`); the Dask engine
(:mod:`mtqe.dask_engine`) on a cluster. Whatever the engine, :func:`summarize`
turns its output into corpus scores, intervals and analyses, so no engine can
compute them differently or forget a setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Protocol

import numpy as np

from mtqe.model import METRICS, CorpusScore, EngineName, Settings, freeze
from mtqe.pairstats import STORED, WIDTHS, PairStats, RowChanges
from mtqe.timing import stage

PairChunk = tuple[list[str], list[str]]  # (references, hypotheses) of consecutive pairs
SegmentSink = Callable[[int, list[str], list[str], np.ndarray, list[tuple[Any, ...]]], None]
"""(first index, refs, hyps, scores, each pair's critical changes): where an engine sends each chunk's links."""


class PairSource(Protocol):
    """Where pairs come from: chunks in order, and the number of pairs expected (0 if unknown)."""

    def chunks(self) -> Iterator[PairChunk]: ...

    def expected_pairs(self) -> int: ...


@dataclass(frozen=True, eq=False)
class Scored:
    stats: PairStats
    scores: np.ndarray  # pairs x METRICS
    ref_lengths: np.ndarray  # reference words per pair
    ngrams: dict[str, Any]  # the n-grams most often missed and added (mtqe.analysis.NgramTally)
    notes: tuple[str, ...] = ()
    sample: tuple[dict[str, Any], ...] = ()  # links kept for the report by an engine that keeps no texts
    typography: RowChanges = field(default_factory=RowChanges.none)  # statistics of the normalized texts
    critical: list[tuple[Any, ...]] = field(default_factory=list)  # each pair's critical changes (mtqe.critical)
    critical_counts: dict[str, int] = field(default_factory=dict)  # per kind, of every pair (critical.count_kinds)

    def __post_init__(self) -> None:
        freeze(self, "ngrams")

    @property
    def pairs(self) -> int:
        return len(self.scores)


class Engine(Protocol):
    name: EngineName

    def score(self, source: PairSource, settings: Settings, sink: SegmentSink | None = None) -> Scored: ...


class LocalEngine:
    """Scores chunk by chunk in this process, or in ``workers`` processes (0: one per core) for large chunks."""

    name: ClassVar[EngineName] = EngineName.MEMORY

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers or os.cpu_count() or 1

    def score(self, source: PairSource, settings: Settings, sink: SegmentSink | None = None) -> Scored:
        from mtqe.analysis import NgramTally
        from mtqe.critical import count_kinds
        from mtqe.metrics import PairScorer

        tables = _Tables(source.expected_pairs())
        notes: list[str] = []
        tally = NgramTally()
        typography: list[tuple[int, RowChanges]] = []
        critical: list[tuple[Any, ...]] = []
        counts: dict[str, int] = {}
        keep_critical = sink is None  # a sink writes them with their links; only texts kept in memory keep them
        with PairScorer(settings.language, self.workers, settings.tokenize) as scorer:
            for refs, hyps in source.chunks():
                with stage("score"):
                    chunk = scorer.score_and_tally(hyps, refs)
                tally.merge(chunk.tally)  # type: ignore[arg-type]
                start = tables.count
                tables.add(chunk.stats, chunk.scores, reference_lengths(refs))
                typography.append((start, chunk.typography))
                notes += bound_notes(chunk.stats, hyp_words(hyps), start)
                count_kinds(chunk.critical, counts)
                if keep_critical:
                    critical += chunk.critical
                else:
                    sink(start, refs, hyps, chunk.scores, chunk.critical)  # type: ignore[misc]
        scored = tables.result(tuple(notes), tally.result(), RowChanges.concat(typography))
        return replace(scored, critical=critical, critical_counts=count_kinds([], counts))


class MemoryEngine(LocalEngine):
    """Every pair and its text in memory: what an unaligned evaluation needs."""

    name = EngineName.MEMORY


class StreamEngine(LocalEngine):
    """Chunk by chunk in bounded memory: only statistics and scores are kept; texts go to the sink."""

    name = EngineName.STREAM


def reference_lengths(refs: list[str]) -> np.ndarray:
    return np.array([len(ref.split()) for ref in refs], dtype=np.int64)


def hyp_words(hyps: list[str]) -> np.ndarray:
    """Each hypothesis's words as TER counts them: what :func:`bound_notes` needs besides the statistics."""
    from mtqe.fast_stats import ter_words

    return np.array([len(ter_words(hyp)) for hyp in hyps], dtype=np.int64)


def bound_notes(stats: PairStats, hypothesis_words: np.ndarray, start: int = 0) -> list[str]:
    """Notes on the links whose numbers are upper bounds, the price of bounded work on very long pairs: TER
    without shifts (:func:`mtqe.fast_stats.ter_capped`), WER and CER edit distances cut into pieces
    (:func:`mtqe.fast_stats.edit_bounded`). From statistics and word counts alone, so every engine says
    the same."""
    from mtqe.fast_stats import edit_bounded, ter_capped
    from mtqe.metrics import CRITICAL_MAX_CHARACTERS, too_long_to_check

    notes = []
    unchecked = too_long_to_check(stats).tolist()
    ter_refs = stats["ter"][:, 1].astype(np.int64).tolist()
    edits = {metric: stats[metric].astype(np.int64).tolist() for metric in ("wer", "cer")}
    for k, (hyp_count, ref_count) in enumerate(zip(hypothesis_words.tolist(), ter_refs, strict=True)):
        if ter_capped(hyp_count, ref_count):
            notes.append(
                f"link {start + k}: TER without shifts ({hyp_count} x {ref_count} words is beyond TER's shift "
                "search); its TER is the word edit distance, an upper bound"
            )
        for metric, unit in (("wer", "words"), ("cer", "characters")):
            distance, ref_units, hyp_units = edits[metric][k]
            if edit_bounded(distance, ref_units, hyp_units):
                notes.append(
                    f"link {start + k}: {metric.upper()} is an upper bound: {ref_units} x {hyp_units} {unit} are "
                    "too long and too different for the exact edit distance in bounded time"
                )
        if unchecked[k]:
            characters = edits["cer"][k][1] + edits["cer"][k][2]
            notes.append(f"link {start + k}: not checked for critical changes: its {characters} characters are "
                         f"more than the checks' {CRITICAL_MAX_CHARACTERS}")  # fmt: skip
    return notes


class _Tables:
    """Statistics, scores and reference lengths of every pair, allocated once for the expected number
    of pairs and grown only if there are more. Statistics are kept as float64, what the bootstrap
    multiplies (exact for counts below 2**53), so a million pairs need no second, converted copy."""

    def __init__(self, rows: int) -> None:
        self.rows = max(rows, 1)
        self.count = 0
        self.stats = {m: np.empty((self.rows, WIDTHS[m]), dtype=np.float64) for m in STORED}
        self.scores = np.empty((self.rows, len(METRICS)))
        self.lengths = np.empty(self.rows, dtype=np.int64)

    def add(self, stats: PairStats, scores: np.ndarray, lengths: np.ndarray) -> None:
        start, stop = self.count, self.count + len(scores)
        if stop > self.rows:
            self._grow(max(stop, 2 * self.rows))
        for metric in STORED:
            self.stats[metric][start:stop] = stats.tables[metric]
        self.scores[start:stop] = scores
        self.lengths[start:stop] = lengths
        self.count = stop

    def _grow(self, rows: int) -> None:
        def grown(table: np.ndarray) -> np.ndarray:
            bigger = np.empty((rows, *table.shape[1:]), dtype=table.dtype)
            bigger[: self.rows] = table
            return bigger

        self.stats = {metric: grown(table) for metric, table in self.stats.items()}
        self.scores, self.lengths, self.rows = grown(self.scores), grown(self.lengths), rows

    def result(self, notes: tuple[str, ...], ngrams: dict[str, Any], typography: RowChanges) -> Scored:
        n = self.count
        stats = PairStats({m: self.stats[m][:n] for m in STORED})
        return Scored(stats, self.scores[:n], self.lengths[:n], ngrams, notes, typography=typography)


# --- the shared tail -------------------------------------------------------------------------------


def corpus_scores(
    stats: PairStats, settings: Settings, typography: RowChanges | None = None
) -> tuple[dict[str, CorpusScore], dict[str, CorpusScore]]:
    """Each metric's corpus score from summed statistics, its bootstrap interval and its signature; and the
    same of the typography-insensitive texts (:mod:`mtqe.typography`), over the same resamples, their
    signatures naming the normalization (empty without ``typography``)."""
    from mtqe import typography as normalization
    from mtqe.metrics import make_metrics
    from mtqe.stats import bootstrap_intervals

    metrics = make_metrics(settings.language, settings.tokenize)
    score = {metric: scorer.corpus_score for metric, scorer in metrics.items()}
    changes = (typography.rows, typography.delta) if typography is not None else None
    intervals, plain_intervals = bootstrap_intervals(stats, score, settings.bootstrap, settings.seed, changes)
    corpus, plain = {}, {}
    for metric, scorer in metrics.items():
        signature = scorer.signature(settings.bootstrap, settings.seed)
        corpus[metric] = CorpusScore(scorer.corpus_score(stats.total(metric)), *intervals[metric], signature)
        if typography is not None:
            total = typography.total(stats, metric)
            plain[metric] = CorpusScore(scorer.corpus_score(total), *plain_intervals[metric],
                                        normalization.signature(signature))  # fmt: skip
    return corpus, plain


@dataclass(frozen=True)
class Summary:
    corpus: dict[str, CorpusScore]
    analysis: dict[str, Any]
    notes: tuple[str, ...]
    typography: dict[str, CorpusScore]  # the corpus scores of the typography-insensitive texts
    critical: dict[str, int]  # critical changes of each kind (mtqe.critical)

    def __post_init__(self) -> None:
        freeze(self, "corpus", "analysis", "typography", "critical")


def summarize(scored: Scored, settings: Settings) -> Summary:
    """Corpus scores, intervals and the analyses of any engine's output."""
    from mtqe.analysis import by_length
    from mtqe.metrics import make_metrics

    metrics = make_metrics(settings.language, settings.tokenize)
    with stage("analyses"):
        analysis = {"by_length": by_length(scored.ref_lengths, scored.stats, metrics), "ngrams": scored.ngrams}
    with stage("bootstrap"):
        corpus, typography = corpus_scores(scored.stats, settings, scored.typography)
    return Summary(corpus, analysis, scored.notes, typography, scored.critical_counts)
