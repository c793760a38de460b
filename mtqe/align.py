"""Monotonic sentence alignment of a reference and a hypothesis document.

Each sentence becomes a TF-IDF weighted vector of lower-cased words and
character trigrams (weights learnt from the two documents themselves, so names
and numbers count for much, "the" for little). The similarity of a link is the
cosine of the summed vectors of its two sides. Because a sum's dot products are
sums of dot products, every link of up to four sentences a side (1-2 ... 4-1,
2-3, 3-2) is scored from the sentence-by-sentence dot products alone.

A dynamic programme then finds the cheapest monotonic path of links. Costs are
counted per character, so a long sentence weighs more than a short one and
splitting or merging is judged fairly:

* a link costs ``(1 - similarity + penalty[type] + length * mismatch) * (characters
  on both sides) + merge[type] * (characters merged in)``, where ``mismatch`` is
  how far the link's length ratio is from the documents' (in log space) and the
  characters merged in are those beyond each side's longest sentence, so that a
  short fragment joins a neighbour cheaply but two long sentences do not;
* an omitted or added sentence costs ``skip * its characters``.

Only a band around the length-proportional diagonal is searched; when the best
path touches the band's edge, the band is doubled and the search repeated, so
the result is the full search's whenever the path fits in the band.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import sparse

from mtqe.model import Link, freeze

MATCH_TYPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (2, 3), (3, 2), (1, 4), (4, 1),
)  # fmt: skip
MAX_BLOCK = max(max(dr, dh) for dr, dh in MATCH_TYPES)  # the most sentences a link takes from one side
OMIT, ADD = (1, 0), (0, 1)
_TYPES: tuple[tuple[int, int], ...] = (*MATCH_TYPES, OMIT, ADD)
_WORD = re.compile(r"\w+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NEAR_BAND = 8  # the first half-width of a band around a previous alignment, in sentences
_BAND_SHARE = 200  # the band starts at least 1/200 of the sentences wide: long documents drift further
_SCALE = 1000.0  # costs are whole thousandths of a character
_LENGTH_SMOOTHING = 10.0  # characters; keeps the length term of very short sentences small


@dataclass(frozen=True)
class AlignParams:
    """Costs of the alignment search, tuned on the tuning seeds of benchmarks/align_quality.py (TED and WMT22
    documents with merges of up to four sentences, one unit per line and in paragraphs)."""

    skip: float = 1.2  # per character of an omitted or added sentence
    penalty: dict[tuple[int, int], float] = field(  # per character of the whole link
        default_factory=lambda: {
            **{(1, 1): 0.0, (1, 2): 0.05, (2, 1): 0.05, (2, 2): 0.1},
            **{(1, 3): 0.1, (3, 1): 0.1, (2, 3): 0.1, (3, 2): 0.1, (1, 4): 0.125, (4, 1): 0.125},
        }
    )
    merge: dict[tuple[int, int], float] = field(  # per character merged into a side's longest sentence
        default_factory=lambda: {
            **{(1, 1): 0.0, (1, 2): 0.45, (2, 1): 0.45, (2, 2): 0.45},
            **{(1, 3): 0.4, (3, 1): 0.4, (2, 3): 0.4, (3, 2): 0.4, (1, 4): 0.4, (4, 1): 0.4},
        }
    )
    length: float = 0.25  # weight of |log(length ratio / the documents' length ratio)|
    band: int = 32  # initial half-width of the search band, in sentences

    def __post_init__(self) -> None:
        freeze(self, "penalty", "merge")


def align_sentences(
    ref: Sequence[str],
    hyp: Sequence[str],
    params: AlignParams | None = None,
    vectors: Vectors | None = None,
    near: Sequence[Link] | None = None,
) -> list[Link]:
    """Align two sentence lists in order; every sentence is in exactly one link. ``vectors``: the documents'
    :func:`vectorize`, if already made; ``near``: an alignment of the same documents that this one will
    differ from only here and there (the search starts in a narrow band around it)."""
    params = params or AlignParams()
    n, m = len(ref), len(hyp)
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
    vectors = vectors or vectorize(ref, hyp)
    sides = (_Side(ref, vectors.ref), _Side(hyp, vectors.hyp))
    width = _NEAR_BAND if near else max(params.band, (n + m) // _BAND_SHARE)
    while True:
        if near:
            band = _Band.around_links(near, n, m, width)
        else:
            band = _Band.around_diagonal(sides[0].cum_chars, sides[1].cum_chars, width)
        path = _search(sides, band, params)
        if path is not None and not band.touches_edge(path):
            return _links(path)
        if band.is_full:
            if path is None:  # cannot happen: the full band always has a path
                raise AssertionError("no alignment path in the full search space")
            return _links(path)
        width *= 2


# --- features ---------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[str, ...]:
    """The word itself and its character trigrams, padded with spaces (words repeat: computed once each);
    a run of CJK characters, written without spaces, is no word: its characters and character pairs."""
    if _CJK.search(word):
        return (*word, *(word[k : k + 2] for k in range(len(word) - 1)))
    padded = f" {word} "
    return ("_" + word, *(padded[k : k + 3] for k in range(len(padded) - 2)))


class Vectors(NamedTuple):
    """TF-IDF rows of the reference's and the hypothesis's sentences, and the weights that made them."""

    ref: sparse.csr_matrix
    hyp: sparse.csr_matrix
    vocabulary: dict[str, int]  # each feature's column, in sorted order of the features
    idf: np.ndarray  # each column's weight


def vectorize(ref: Sequence[str], hyp: Sequence[str]) -> Vectors:
    """TF-IDF rows for both documents over one vocabulary (sorted, so deterministic)."""
    words, occurrences, texts = _words(list(ref) + list(hyp))
    features = [_word_features(word) for word in words]
    names = [name for word_features in features for name in word_features]
    vocabulary = {name: k for k, name in enumerate(sorted(set(names)))}  # sorted: column k is the k-th name
    codes = np.fromiter(map(vocabulary.__getitem__, names), dtype=np.int64, count=len(names))
    counts = _counts(codes, [len(f) for f in features], occurrences, texts, len(ref) + len(hyp), len(vocabulary))
    document_frequency = np.bincount(counts.indices, minlength=len(vocabulary))  # sentences with each feature
    idf = np.array([math.log((1 + counts.shape[0]) / (1 + df)) + 1.0 for df in document_frequency.tolist()])
    matrix = counts.multiply(idf[np.newaxis, :]).tocsr()
    return Vectors(matrix[: len(ref)], matrix[len(ref) :], vocabulary, idf)


def with_parts(vectors: Vectors, parts: Mapping[int, Sequence[str]]) -> Vectors:
    """The vectors of a hypothesis whose sentences ``j`` were cut into ``parts[j]``, weighted as before (a
    part's features are its sentence's, so the vocabulary holds them all)."""
    added = text_rows(vectors, [text for j in sorted(parts) for text in parts[j]])
    order, first = [], vectors.hyp.shape[0]
    for j in range(vectors.hyp.shape[0]):  # each old row, or its parts' rows after them all
        if j in parts:
            order.extend(range(first, first + len(parts[j])))
            first += len(parts[j])
        else:
            order.append(j)
    return vectors._replace(hyp=sparse.vstack([vectors.hyp, added]).tocsr()[order])


def text_rows(vectors: Vectors, texts: Sequence[str]) -> sparse.csr_matrix:
    """TF-IDF rows of ``texts`` with the documents' weights (features the documents lack are left out)."""
    words, occurrences, owners = _words(texts)
    features = [_word_features(word) for word in words]
    names = [name for word_features in features for name in word_features]
    codes = np.fromiter((vectors.vocabulary.get(name, -1) for name in names), dtype=np.int64, count=len(names))
    counts = _counts(codes, [len(f) for f in features], occurrences, owners, len(texts), len(vectors.vocabulary))
    return counts.multiply(vectors.idf[np.newaxis, :]).tocsr()


def _words(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The distinct lower-cased words of ``texts``, and each occurrence's word (its index) and text."""
    found = [_WORD.findall(text.lower()) for text in texts]
    index: dict[str, int] = {}  # each distinct word's number, in order of first appearance
    flat = [index.setdefault(word, len(index)) for text_words in found for word in text_words]
    occurrences = np.asarray(flat, dtype=np.int64)
    owners = np.repeat(np.arange(len(texts)), [len(text_words) for text_words in found])
    return list(index), occurrences, owners


def _counts(codes: np.ndarray, sizes: list[int], occurrences: np.ndarray, owners: np.ndarray, rows: int,
            columns: int) -> sparse.csr_matrix:  # fmt: skip
    """How often each text has each feature: word w's features are ``codes[start[w] : start[w] + sizes[w]]``
    (a code below zero is left out), and word occurrence k is of word ``occurrences[k]`` in text ``owners[k]``."""
    sizes_array = np.asarray(sizes, dtype=np.int64)
    start = np.concatenate(([0], np.cumsum(sizes_array)[:-1])).astype(np.int64)
    per = sizes_array[occurrences]  # features of each occurrence
    offsets = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    columns_taken = np.asarray(codes)[np.repeat(start[occurrences], per) + offsets]
    text_of = np.repeat(owners, per)
    keep = columns_taken >= 0
    ones = np.ones(int(keep.sum()))
    matrix = sparse.coo_matrix((ones, (text_of[keep], columns_taken[keep])), shape=(rows, columns)).tocsr()
    matrix.sum_duplicates()
    return matrix


class _Side:
    """Per-document quantities the search needs, for blocks of 1 to MAX_BLOCK consecutive sentences.

    Index ``k`` of each per-size array describes the block of sentences [k - size, k).
    """

    def __init__(self, texts: Sequence[str], vectors: sparse.csr_matrix) -> None:
        self.vectors = vectors
        lengths = np.array([max(len(t), 1) for t in texts], dtype=float)
        self.cum_chars = np.concatenate(([0.0], np.cumsum(lengths)))
        self_dot = np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()
        gap_dots = {gap: _row_dots(vectors, gap) for gap in range(1, MAX_BLOCK)}
        # row ``size`` of each table: |sum of the block's vectors|^2, and its longest sentence's characters
        self.norms = np.zeros((MAX_BLOCK + 1, len(texts) + 1))
        self.longest = np.zeros((MAX_BLOCK + 1, len(texts) + 1))
        for size in range(1, min(MAX_BLOCK, len(texts)) + 1):
            self.norms[size, size:] = _window(self_dot, size, np.sum)
            for gap in range(1, size):  # every pair of the block's sentences, gap apart, twice
                self.norms[size, size:] += 2 * _window(gap_dots[gap], size - gap, np.sum)
            self.longest[size, size:] = _window(lengths, size, np.max)


def _window(values: np.ndarray, size: int, reduce: Callable[..., np.ndarray]) -> np.ndarray:
    """``reduce`` over every run of ``size`` consecutive values."""
    return reduce(sliding_window_view(values, size), axis=1)


def _row_dots(vectors: sparse.csr_matrix, gap: int) -> np.ndarray:
    if vectors.shape[0] <= gap:
        return np.zeros(0)
    return np.asarray(vectors[:-gap].multiply(vectors[gap:]).sum(axis=1)).ravel()


# --- the banded search ------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    """Cells (i, j) searched: row i (reference sentences used) spans j in [lo[i], hi[i]]."""

    lo: np.ndarray
    hi: np.ndarray
    columns: int  # m, the number of hypothesis sentences

    @classmethod
    def around_diagonal(cls, ref_chars: np.ndarray, hyp_chars: np.ndarray, width: int) -> _Band:
        m = len(hyp_chars) - 1
        fraction = ref_chars / ref_chars[-1]
        centre = np.searchsorted(hyp_chars, fraction * hyp_chars[-1])
        lo = np.minimum(np.maximum(centre - width, 0), m)
        hi = np.minimum(np.maximum(centre + width, 0), m)
        lo[0], hi[-1] = 0, m
        return cls(lo.astype(int), hi.astype(int), m)

    @classmethod
    def around_links(cls, links: Sequence[Link], n: int, m: int, width: int) -> _Band:
        """The cells within ``width`` columns of the path of ``links`` (in order, covering both documents)."""
        first = np.full(n + 1, m)
        last = np.zeros(n + 1, dtype=int)
        i = j = 0
        first[0], last[0] = 0, 0
        for link in links:
            i, j = i + len(link.ref_ids), j + len(link.hyp_ids)
            first[i], last[i] = min(first[i], j), max(last[i], j)
        for row in range(1, n + 1):  # a row that the path passes over (a link of several reference sentences)
            if first[row] > last[row]:
                first[row] = last[row] = last[row - 1]
        lo = np.clip(first - width, 0, m)
        hi = np.clip(last + width, 0, m)
        lo[0], hi[-1] = 0, m
        return cls(lo.astype(int), hi.astype(int), m)

    @property
    def is_full(self) -> bool:
        return bool((self.lo == 0).all() and (self.hi == self.columns).all())

    def touches_edge(self, path: list[tuple[int, int, tuple[int, int]]]) -> bool:
        return any((j == self.lo[i] and j > 0) or (j == self.hi[i] and j < self.columns) for i, j, _ in path)


def _search(
    sides: tuple[_Side, _Side], band: _Band, params: AlignParams
) -> list[tuple[int, int, tuple[int, int]]] | None:
    """Cheapest path through the band (:func:`mtqe.align_search.band_search`); its cells (i, j, link type)."""
    from mtqe.align_search import band_search

    ref, hyp = sides
    dots = _BandDots(ref.vectors, hyp.vectors, band)
    searched = _TYPES[:-1]  # every match type, then the omission; additions are the kernel's last kind
    cost, back = band_search(
        band.lo, band.hi, dots.prefix, dots.base, ref.cum_chars, hyp.cum_chars, ref.norms, hyp.norms,
        ref.longest, hyp.longest, np.array(searched, dtype=np.int64),
        np.array([params.penalty.get(t, 0.0) for t in searched]),
        np.array([params.merge.get(t, 0.0) for t in searched]), params.skip, params.length, _LENGTH_SMOOTHING, _SCALE,
    )  # fmt: skip
    n = len(band.lo) - 1
    if not math.isfinite(cost[n][band.hi[n] - band.lo[n]]):
        return None
    return _trace(back, band)


class _BandDots:
    """Dot products of reference sentence r with the hypothesis sentences near the band, with prefix sums."""

    def __init__(self, ref: sparse.csr_matrix, hyp: sparse.csr_matrix, band: _Band) -> None:
        n = ref.shape[0]
        reach = max(dh for _, dh in MATCH_TYPES)
        rows = max(dr for dr, _ in MATCH_TYPES)
        # reference sentence r is used by rows r + 1 .. r + rows
        self.base = np.array([max(band.lo[r + 1] - reach, 0) for r in range(n)], dtype=int)
        ends = np.array([band.hi[min(r + rows, n)] for r in range(n)], dtype=int)
        width = int((ends - self.base).max())
        self.prefix = np.zeros((n, width + 1))
        chunk = int(np.clip(2 * np.median(band.hi - band.lo), 32, 256))  # rows whose dots one product makes
        hyp_t = hyp.T.tocsc()
        for first in range(0, n, chunk):
            last = min(first + chunk, n)
            lo, hi = int(self.base[first:last].min()), int(ends[first:last].max())
            if hi <= lo:
                continue  # no hypothesis sentence near these rows: their sums stay zero
            block = (ref[first:last] @ hyp_t[:, lo:hi]).toarray()
            # row r's dots from column base[r] on, zero past the block's end (the running sum stays level there)
            columns = (self.base[first:last] - lo)[:, np.newaxis] + np.arange(width)[np.newaxis, :]
            inside = columns < block.shape[1]
            taken = np.take_along_axis(block, np.minimum(columns, block.shape[1] - 1), axis=1)
            self.prefix[first:last, 1:] = np.cumsum(np.where(inside, taken, 0.0), axis=1)


def _trace(back: np.ndarray, band: _Band) -> list[tuple[int, int, tuple[int, int]]]:
    i, j = len(back) - 1, band.columns
    lo = band.lo.tolist()  # plain ints: numpy scalars would make this loop ten times slower
    path = []
    while i > 0 or j > 0:
        dr, dh = _TYPES[back[i, j - lo[i]]]
        path.append((i, j, (dr, dh)))
        i, j = i - dr, j - dh
    path.reverse()
    return path


def _links(path: list[tuple[int, int, tuple[int, int]]]) -> list[Link]:
    return [Link(tuple(range(i - dr, i)), tuple(range(j - dh, j))) for i, j, (dr, dh) in path]
