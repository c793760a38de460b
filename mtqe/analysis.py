"""compare-mt style analyses of one system, as plain JSON-ready data (pure).

* scores bucketed by reference sentence length, each bucket a corpus score
  from its links' summed sufficient statistics;
* the word n-grams the system most often misses (in the reference, not in the
  hypothesis of the same link) and most often adds; n-grams with a token of
  punctuation only are left out.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from mtqe.fast_stats import tokenize_13a_lowered
from mtqe.metrics import Metric
from mtqe.model import METRICS

LENGTH_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 9),
    (10, 19),
    (20, 29),
    (30, 39),
    (40, 49),
    (50, None),
)
TOP_NGRAMS = 15


def by_length(lengths: np.ndarray, stats: dict[str, np.ndarray], metrics: dict[str, Metric]) -> list[dict[str, Any]]:
    """Corpus scores of the links whose reference has 0, 1-9, 10-19, ... words. The first bucket, 0 words, holds
    the additions: it has only a count, since every score of theirs alone divides by a reference of no words
    (WER would be 100 times the words added, chrF 0 for want of any statistics)."""
    buckets = []
    for low, high in LENGTH_BUCKETS:
        chosen = (lengths >= low) & (lengths <= (high if high is not None else np.iinfo(np.int64).max))
        count = int(chosen.sum())
        label = "0 (additions)" if high == 0 else f"{low}-{high}" if high is not None else f"{low}+"
        scored = count and high != 0
        scores = {m: metrics[m].corpus_score(stats[m][chosen].sum(axis=0)) if scored else None for m in METRICS}
        buckets.append({"bucket": label, "min_words": low, "max_words": high, "segments": count, **scores})
    return buckets


def ngram_errors(refs: Sequence[str], hyps: Sequence[str], orders: Sequence[int] = (1, 2)) -> dict[str, Any]:
    """Lower-cased 13a n-grams most often missed and added, per order, with counts."""
    tally = NgramTally(orders)
    tally.add(refs, hyps)
    return tally.result()


class NgramTally:
    """Missed and added n-gram counts, added chunk by chunk and merged across workers: the same result
    whichever way the pairs were split."""

    def __init__(self, orders: Sequence[int] = (1, 2)) -> None:
        self.orders = tuple(orders)
        self.missed: dict[int, Counter[str]] = {n: Counter() for n in self.orders}
        self.added: dict[int, Counter[str]] = {n: Counter() for n in self.orders}

    def add(self, refs: Sequence[str], hyps: Sequence[str]) -> None:
        """Count what each hypothesis misses of its reference's n-grams and adds to them (numpy, per chunk)."""
        lowered = tokenize_13a_lowered([*hyps, *refs])  # as BLEU tokenized them, hypotheses first
        tokens = lowered[len(hyps) :] + lowered[: len(hyps)]
        vocabulary: dict[str, int] = {}
        ids = np.fromiter(
            (vocabulary.setdefault(token, len(vocabulary)) for sequence in tokens for token in sequence),
            dtype=np.int64,
        )
        words = list(vocabulary)
        pairs, size = len(refs), max(len(words), 1)
        if pairs > 1 and pairs * float(size) ** max(self.orders) >= 2.0**62:  # keys would not fit in an int64
            half = pairs // 2
            self.add(refs[:half], hyps[:half])
            self.add(refs[half:], hyps[half:])
            return
        offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum([len(sequence) for sequence in tokens], out=offsets[1:])
        wordy = np.fromiter((_has_word_character(word) for word in words), dtype=np.bool_, count=len(words))
        for n in self.orders:
            ref_keys = _gram_keys(ids, offsets[: pairs + 1], n, wordy, size)
            hyp_keys = _gram_keys(ids, offsets[pairs:], n, wordy, size)
            for counter, mine, theirs in ((self.missed[n], ref_keys, hyp_keys), (self.added[n], hyp_keys, ref_keys)):
                grams, counts = _surplus(mine, theirs, size**n)
                texts = (_gram_text(gram, n, words) for gram in grams.tolist())
                counter.update(dict(zip(texts, counts.tolist(), strict=True)))

    def merge(self, other: NgramTally) -> NgramTally:
        for n in self.orders:
            self.missed[n].update(other.missed[n])
            self.added[n].update(other.added[n])
        return self

    def merge_all(self, others: Sequence[NgramTally]) -> NgramTally:
        for other in others:
            self.merge(other)
        return self

    def result(self) -> dict[str, Any]:
        return {str(n): {"missed": _top(self.missed[n]), "added": _top(self.added[n])} for n in self.orders}


def _gram_keys(ids: np.ndarray, offsets: np.ndarray, n: int, wordy: np.ndarray, size: int) -> np.ndarray:
    """(sequence, n-gram) of every n-gram of each sequence as one int64 key, sequence * size**n + gram id;
    n-grams with a token of punctuation only are left out (quote styles would crowd the lists)."""
    lengths = np.diff(offsets)
    counts = np.maximum(lengths - n + 1, 0)
    total = int(counts.sum())
    sequence = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    starts = np.repeat(offsets[:-1], counts) + (np.arange(total, dtype=np.int64) - np.repeat(first, counts))
    gram = np.zeros(total, dtype=np.int64)
    keep = np.ones(total, dtype=np.bool_)
    for k in range(n):
        token = ids[starts + k]
        gram = gram * size + token
        keep &= wordy[token]
    return (sequence * size**n + gram)[keep]


def _surplus(mine: np.ndarray, theirs: np.ndarray, grams: int) -> tuple[np.ndarray, np.ndarray]:
    """Per n-gram, summed over sequences: how often it occurs in ``mine`` beyond its count in ``theirs``."""
    keys, counts = np.unique(mine, return_counts=True)
    other_keys, other_counts = np.unique(theirs, return_counts=True)
    at = np.searchsorted(other_keys, keys)
    inside = np.minimum(at, max(len(other_keys) - 1, 0))
    found = (at < len(other_keys)) & (other_keys[inside] == keys) if len(other_keys) else np.zeros(len(keys), bool)
    surplus = counts - np.where(found, other_counts[inside] if len(other_keys) else 0, 0)
    positive = surplus > 0
    gram_ids, where = np.unique(keys[positive] % grams, return_inverse=True)
    return gram_ids, np.bincount(where, weights=surplus[positive]).astype(np.int64)


def _gram_text(gram: int, n: int, words: list[str]) -> str:
    size = len(words)
    parts = []
    for _ in range(n):
        gram, token = divmod(gram, size)
        parts.append(words[token])
    return " ".join(reversed(parts))


@functools.lru_cache(maxsize=1 << 16)
def _has_word_character(token: str) -> bool:
    return any(char.isalnum() for char in token)


def _top(counts: Counter[str]) -> list[list[Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [[gram, count] for gram, count in ranked[:TOP_NGRAMS]]
