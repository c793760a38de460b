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

from mtqe.fast_stats import tokenize_13a
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
    """Corpus scores of the links whose reference has 0, 1-9, 10-19, ... words (0: additions)."""
    buckets = []
    for low, high in LENGTH_BUCKETS:
        chosen = (lengths >= low) & (lengths <= (high if high is not None else np.iinfo(np.int64).max))
        count = int(chosen.sum())
        label = "0 (additions)" if high == 0 else f"{low}-{high}" if high is not None else f"{low}+"
        scores = {m: metrics[m].corpus_score(stats[m][chosen].sum(axis=0)) if count else None for m in METRICS}
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
        tokens = tokenize_13a([text.lower() for text in (*refs, *hyps)])
        ref_tokens, hyp_tokens = tokens[: len(refs)], tokens[len(refs) :]
        for n in self.orders:
            missed, added = self.missed[n], self.added[n]
            for ref, hyp in zip(ref_tokens, hyp_tokens, strict=True):
                ref_grams, hyp_grams = _ngrams(ref, n), _ngrams(hyp, n)
                missed.update(ref_grams - hyp_grams)
                added.update(hyp_grams - ref_grams)

    def merge(self, other: NgramTally) -> NgramTally:
        for n in self.orders:
            self.missed[n].update(other.missed[n])
            self.added[n].update(other.added[n])
        return self

    def result(self) -> dict[str, Any]:
        return {str(n): {"missed": _top(self.missed[n]), "added": _top(self.added[n])} for n in self.orders}


def _ngrams(words: list[str], n: int) -> Counter[str]:
    """Word n-grams; those with a token of punctuation only are left out (quote styles would crowd the lists)."""
    grams = (words[k : k + n] for k in range(len(words) - n + 1))
    return Counter(" ".join(gram) for gram in grams if all(_has_word_character(token) for token in gram))


@functools.lru_cache(maxsize=1 << 16)
def _has_word_character(token: str) -> bool:
    return any(char.isalnum() for char in token)


def _top(counts: Counter[str]) -> list[list[Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [[gram, count] for gram, count in ranked[:TOP_NGRAMS]]
