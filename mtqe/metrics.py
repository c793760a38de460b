"""Sentence and corpus scores: the only place that imports sacrebleu.

Every metric turns each segment into a row of integer (TER: float) sufficient
statistics. A sentence score is computed from its row with sacrebleu's own
scoring code; a corpus score from the column sums, never from an average of
sentence scores. The statistics are counted by :mod:`mtqe.fast_stats` exactly
as sacrebleu and jiwer count them (sacrebleu itself computes any pair the
compiled path cannot), so the numbers are theirs exactly.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric as SacrebleuMetric

from mtqe.errors import PairsError
from mtqe.model import METRICS
from mtqe.pairstats import STORED, PairStats, RowChanges

if TYPE_CHECKING:
    from mtqe.analysis import NgramTally
    from mtqe.critical import Change


class Metric(Protocol):
    name: str

    def statistics(self, hyps: Sequence[str], refs: Sequence[str]) -> np.ndarray: ...

    def sentence_score(self, row: np.ndarray) -> float: ...

    def corpus_score(self, total: np.ndarray) -> float: ...

    def signature(self, bootstrap: int, seed: int) -> str: ...


FastPath = Callable[[Sequence[str], Sequence[str]], tuple[np.ndarray, np.ndarray]]


def _compiled(kernel: str, **options: object) -> FastPath:
    """A kernel of :mod:`mtqe.fast_stats`, imported (with numba) only when statistics are counted: corpus
    scores from stored statistics, as the gate computes them, need no compiler."""

    def count(hyps: Sequence[str], refs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        from mtqe import fast_stats

        return getattr(fast_stats, kernel)(hyps, refs, **options)

    return count


class _Sacrebleu:
    """A sacrebleu metric; ``sentence`` differs from ``corpus`` only for BLEU (effective order).

    ``fast`` computes the same statistics compiled (see :mod:`mtqe.fast_stats`); pairs it cannot
    represent exactly are computed by sacrebleu itself.
    """

    def __init__(
        self, name: str, corpus: SacrebleuMetric, sentence: SacrebleuMetric, dtype: type, fast: FastPath | None
    ) -> None:
        self.name = name
        self._corpus = corpus
        self._sentence = sentence
        self._dtype = dtype
        self._fast = fast

    def statistics(self, hyps: Sequence[str], refs: Sequence[str]) -> np.ndarray:
        _check_lengths(hyps, refs)
        if not hyps:
            return np.zeros((0, 0), dtype=self._dtype)
        if self._fast is None:
            return self._library_statistics(hyps, refs)
        stats, ok = self._fast(hyps, refs)
        stats = stats.astype(self._dtype, copy=False)
        if not ok.all():
            missing = np.flatnonzero(~ok)
            stats[missing] = self._library_statistics([hyps[i] for i in missing], [refs[i] for i in missing])
        return stats

    def _library_statistics(self, hyps: Sequence[str], refs: Sequence[str]) -> np.ndarray:
        rows = self._corpus._extract_corpus_statistics(list(hyps), [list(refs)])
        return np.asarray(rows, dtype=self._dtype)

    def sentence_score(self, row: np.ndarray) -> float:
        return float(self._sentence._compute_score_from_stats(row.tolist()).score)

    def corpus_score(self, total: np.ndarray) -> float:
        return float(self._corpus._compute_score_from_stats(total.tolist()).score)

    def signature(self, bootstrap: int, seed: int) -> str:
        self._corpus.num_refs = 1
        self._corpus.n_bootstrap = bootstrap if bootstrap > 1 else None
        self._corpus.seed = str(seed) if bootstrap > 1 else None
        return str(self._corpus.get_signature())


@dataclass(frozen=True)
class _Jiwer:
    """WER or CER with jiwer's default transforms. Statistics: edits, reference length, hypothesis length."""

    name: str
    words: bool

    def statistics(self, hyps: Sequence[str], refs: Sequence[str]) -> np.ndarray:
        from mtqe import fast_stats

        _check_lengths(hyps, refs)
        return fast_stats.error_rate_stats(hyps, refs, words=self.words)

    def sentence_score(self, row: np.ndarray) -> float:
        return self.corpus_score(row)

    def corpus_score(self, total: np.ndarray) -> float:
        edits, ref_length, hyp_length = (int(x) for x in total)
        if ref_length == 0:  # jiwer's rule for empty references: the number of inserted words
            return 100 * hyp_length
        return 100 * (float(edits) / float(ref_length))

    def signature(self, bootstrap: int, seed: int) -> str:
        unit = "words" if self.words else "chars"
        parts = ["nrefs:1"]
        if bootstrap > 1:
            parts += [f"bs:{bootstrap}", f"seed:{seed}"]
        parts += ["case:mixed", f"unit:{unit}", "trans:default", f"version:jiwer-{version('jiwer')}"]
        return "|".join(parts)


def _check_lengths(hyps: Sequence[str], refs: Sequence[str]) -> None:
    # sacrebleu silently truncates to the shorter list; never let that happen.
    if len(hyps) != len(refs):
        raise PairsError(f"{len(hyps)} hypotheses but {len(refs)} references")


def make_metrics(language: str = "en", tokenize: str | None = None) -> dict[str, Metric]:
    """Fresh metric objects, keyed and ordered as :data:`mtqe.model.METRICS`; ``tokenize``: BLEU's tokenizer
    by sacrebleu's name (None: sacrebleu's default for ``language``)."""
    bleu = BLEU(trg_lang=language, tokenize=tokenize)
    fast_bleu = _compiled("bleu_stats") if bleu.tokenizer.signature() == "13a" else None
    sentence_bleu = BLEU(trg_lang=language, tokenize=tokenize, effective_order=True)
    metrics: dict[str, Metric] = {
        "bleu": _Sacrebleu("bleu", bleu, sentence_bleu, np.int64, fast_bleu),
        "chrf": _Sacrebleu("chrf", CHRF(), CHRF(), np.int64, _compiled("chrf_stats", word_order=0)),
        "chrf_pp": _Sacrebleu(
            "chrf_pp", CHRF(word_order=2), CHRF(word_order=2), np.int64, _compiled("chrf_stats", word_order=2)
        ),
        "ter": _Sacrebleu("ter", TER(), TER(), np.float64, _compiled("ter_stats")),
        "wer": _Jiwer("wer", words=True),
        "cer": _Jiwer("cer", words=False),
    }
    assert tuple(metrics) == METRICS
    return metrics


def missing_tokenizer(language: str, tokenize: str | None = None) -> str | None:
    """What is missing for sacrebleu's BLEU tokenizer of ``language`` or ``tokenize`` (Japanese and Korean need
    extras), if anything."""
    try:
        BLEU(trg_lang=language, tokenize=tokenize)
    except RuntimeError:
        extra = (tokenize or language).split("-")[0]
        what = f"the {tokenize!r} tokenizer" if tokenize else f"{language!r}"
        return f"BLEU for {what} needs sacrebleu's tokenizer: pip install 'sacrebleu[{extra}]'"
    return None


PARALLEL_MIN_PAIRS = 2000  # below this, starting worker processes costs more than it saves
CHUNK_PAIRS = 2000


class PairScorer:
    """Scores batches of pairs, in ``workers`` processes when a batch is large (same numbers either way).

    Use as a context manager so that the worker processes, started at the first large batch, serve
    every later one.
    """

    def __init__(self, language: str = "en", workers: int = 1, tokenize: str | None = None) -> None:
        self.language = language
        self.workers = workers
        self.tokenize = tokenize
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PairScorer:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)  # after an interrupt, only the chunks under way finish
            self._pool = None

    def score(self, hyps: Sequence[str], refs: Sequence[str]) -> tuple[PairStats, np.ndarray]:
        """Statistics of every metric (rows per pair) and sentence scores (pairs x metrics, METRICS order)."""
        chunk = self.score_and_tally(hyps, refs, tally=False, extras=False)
        return chunk.stats, chunk.scores

    def score_and_tally(
        self, hyps: Sequence[str], refs: Sequence[str], tally: bool = True, extras: bool = True
    ) -> Chunk:
        """:meth:`score`, the n-grams missed and added (:class:`mtqe.analysis.NgramTally`), and (``extras``)
        the statistics of the typography-insensitive texts (:mod:`mtqe.typography`) where they differ and
        each pair's critical changes (:mod:`mtqe.critical`), counted in the same worker processes."""
        _check_lengths(hyps, refs)
        if self.workers <= 1 or len(hyps) < PARALLEL_MIN_PAIRS:
            return _score_chunk(list(hyps), list(refs), self.language, tally, extras, self.tokenize)
        if self._pool is None:
            from mtqe import fast_stats

            fast_stats.warm_up()  # compile once, before the workers fork
            from mtqe.signals import in_worker

            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"), initializer=in_worker
            )
        size = min(CHUNK_PAIRS, -(-len(hyps) // (2 * self.workers)))  # at least two chunks a worker
        bounds = range(0, len(hyps), size)
        parts = list(
            self._pool.map(
                _score_chunk,
                (list(hyps[k : k + size]) for k in bounds),
                (list(refs[k : k + size]) for k in bounds),
                (self.language for _ in bounds),
                (tally for _ in bounds),
                (extras for _ in bounds),
                (self.tokenize for _ in bounds),
            )
        )
        tallies = [part.tally for part in parts if part.tally is not None]
        return Chunk(
            PairStats.concat([part.stats for part in parts]),
            np.concatenate([part.scores for part in parts]),
            tallies[0].merge_all(tallies[1:]) if tallies else None,
            RowChanges.concat([(start, part.typography) for start, part in zip(bounds, parts, strict=True)]),
            [changes for part in parts for changes in part.critical],
        )


def score_pairs(
    hyps: Sequence[str], refs: Sequence[str], language: str = "en", workers: int = 1, tokenize: str | None = None
) -> tuple[PairStats, np.ndarray]:
    """Statistics of every metric and sentence scores of one batch (see :class:`PairScorer`)."""
    with PairScorer(language, workers if len(hyps) >= PARALLEL_MIN_PAIRS else 1, tokenize) as scorer:
        return scorer.score(hyps, refs)


class Chunk(NamedTuple):
    """What scoring a batch of pairs gives: statistics, sentence scores, and what else is counted per pair in
    the same (worker) process, so that every engine gets it the same way."""

    stats: PairStats
    scores: np.ndarray  # pairs x METRICS
    tally: NgramTally | None  # the n-grams missed and added, if asked for
    typography: RowChanges  # statistics of the typography-insensitive texts where they differ, if asked for
    critical: list[tuple[Change, ...]]  # each pair's critical changes (mtqe.critical), if asked for; else []


def _score_chunk(
    hyps: list[str],
    refs: list[str],
    language: str,
    tally: bool = False,
    extras: bool = False,
    tokenize: str | None = None,
) -> Chunk:
    """Score one batch; ``extras``: also the typography-insensitive statistics and the critical changes."""
    from mtqe.analysis import NgramTally

    metrics = make_metrics(language, tokenize)
    ngrams = NgramTally() if tally else None
    if not hyps:
        return Chunk(PairStats.empty(), np.zeros((0, len(METRICS))), ngrams, RowChanges.none(), [])
    stats = _statistics(metrics, hyps, refs)
    scores = np.empty((len(hyps), len(METRICS)), dtype=np.float64)
    for column, name in enumerate(METRICS):
        scores[:, column] = [metrics[name].sentence_score(row) for row in stats[name]]
    if ngrams is not None:
        from mtqe.timing import stage

        with stage("analyses"):
            ngrams.add(refs, hyps)
    if not extras:
        return Chunk(stats, scores, ngrams, RowChanges.none(), [])
    from mtqe.typography import normalize

    plain_refs, plain_hyps = [normalize(ref) for ref in refs], [normalize(hyp) for hyp in hyps]  # once, for both
    critical = critical_changes(plain_refs, plain_hyps, language, critical_checked(stats))
    return Chunk(stats, scores, ngrams, _typography(metrics, hyps, refs, plain_hyps, plain_refs, stats), critical)


CRITICAL_MAX_CHARACTERS = 50_000  # a link longer than this (both sides) is not checked: the name check is quadratic


def critical_checked(stats: PairStats) -> np.ndarray:
    """Which pairs the critical checks look at: both sides not empty (characters as CER counts them, so every
    engine decides alike), and not :func:`too_long_to_check`."""
    return (stats["cer"][:, 1:3].min(axis=1) > 0) & ~too_long_to_check(stats)


def too_long_to_check(stats: PairStats) -> np.ndarray:
    """Which pairs have more characters (both sides) than :data:`CRITICAL_MAX_CHARACTERS`: not checked, and a
    note says so (:func:`mtqe.engine.bound_notes`)."""
    return stats["cer"][:, 1:3].sum(axis=1) > CRITICAL_MAX_CHARACTERS


def critical_changes(
    plain_refs: Sequence[str], plain_hyps: Sequence[str], language: str, checked: np.ndarray
) -> list[tuple[Change, ...]]:
    """Each pair's critical changes (:func:`mtqe.critical.critical_changes`) between its typography-insensitive
    texts (:func:`mtqe.typography.normalize`: a curly quote or mojibake is no change of meaning, and "MÃ©lanie"
    is "Mélanie"), for the pairs :func:`critical_checked` says; none for the others (an omission or an
    addition is itself the change)."""
    from mtqe import critical

    return [critical.critical_changes(ref, hyp, language) if look else ()
            for ref, hyp, look in zip(plain_refs, plain_hyps, checked.tolist(), strict=True)]  # fmt: skip


def _statistics(metrics: dict[str, Metric], hyps: list[str], refs: list[str]) -> PairStats:
    return PairStats.from_metrics({name: metrics[name].statistics(hyps, refs) for name in STORED})


def _typography(
    metrics: dict[str, Metric],
    hyps: list[str],
    refs: list[str],
    plain_hyps: list[str],
    plain_refs: list[str],
    stats: PairStats,
) -> RowChanges:
    """The statistics of the pairs whose typography-insensitive texts (``plain_*``, :mod:`mtqe.typography`)
    differ from the raw ones, as changes to the raw statistics: only those pairs are scored again."""
    rows = [k for k, pair in enumerate(zip(refs, hyps, plain_refs, plain_hyps, strict=True)) if pair[:2] != pair[2:]]
    if not rows:
        return RowChanges.none()
    again = _statistics(metrics, [plain_hyps[k] for k in rows], [plain_refs[k] for k in rows])
    return RowChanges.between(np.array(rows, dtype=np.int64), stats, again)
