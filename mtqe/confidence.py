"""How sure an alignment is of each link, and which omissions and additions may not be real.

A link's ``confidence`` is in [0, 1]:

* a match's is the cosine similarity of its two sides, as the aligner sees
  them (the summed TF-IDF vectors of words and character trigrams,
  :func:`mtqe.align.vectorize`): 1 for the same words, near 0 for unrelated text;
* an omission's (addition's) is one minus the highest similarity of its
  sentence to any sentence of the other document in the neighbouring links:
  near 1 when nothing nearby says what it says, lower when a neighbour may
  hold its content (merged into a longer sentence, or loosely translated).

An omission or addition is **uncertain** when it may be an alignment error
rather than a real gap: it is short (at most ``SHORT`` words: "Right?",
"(Laughter)", which MT often merges into a neighbour or renders loosely), a
sentence nearby on the other side resembles it (similarity at least
``NEAR``), or it sits beside an addition (omission) or a match of very low
similarity (below ``LOOSE``), where a loose translation ("No." for "I don't
think so.") reads as a gap on each side. The thresholds were chosen on the
tuning seeds of benchmarks/align_quality.py (TED and WMT22 documents), which
prints how many of the false and of the true omissions are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse

from mtqe.align import Vectors, vectorize
from mtqe.model import Link, LinkKind

SHORT = 4  # words: a skipped sentence this short may have been merged into a neighbour
NEAR = 0.4  # a skipped sentence this similar to a neighbouring sentence of the other side may not be a gap
LOOSE = 0.1  # a match this dissimilar next to a skipped sentence makes the gap uncertain
_REACH = 1  # links on each side that count as neighbours


def rate_links(
    ref: Sequence[str], hyp: Sequence[str], links: Sequence[Link], vectors: Vectors | None = None
) -> list[Link]:
    """The links with their confidence and, for omissions and additions, whether they are uncertain."""
    if not links:
        return []
    ref_vectors, hyp_vectors, _, _ = vectors or vectorize(ref, hyp)
    similarity = _match_similarity(ref_vectors, hyp_vectors, links)
    nearest = _nearest(_normalized(ref_vectors), _normalized(hyp_vectors), links)
    rated = []
    for k, link in enumerate(links):
        if link.kind is LinkKind.MATCH:
            rated.append(replace(link, confidence=float(similarity[k])))
            continue
        near = _neighbours(k, len(links))
        opposite = LinkKind.ADDITION if link.kind is LinkKind.OMISSION else LinkKind.OMISSION
        loose = any(
            links[n].kind is opposite or (links[n].kind is LinkKind.MATCH and similarity[n] < LOOSE) for n in near
        )
        texts = [ref[i] for i in link.ref_ids] if link.kind is LinkKind.OMISSION else [hyp[j] for j in link.hyp_ids]
        uncertain = bool(sum(len(text.split()) for text in texts) <= SHORT or nearest[k] >= NEAR or loose)
        rated.append(replace(link, confidence=min(1.0, max(0.0, 1.0 - float(nearest[k]))), uncertain=uncertain))
    return rated


def _nearest(ref: sparse.csr_matrix, hyp: sparse.csr_matrix, links: Sequence[Link]) -> np.ndarray:
    """For each omission (addition), the highest cosine of its sentence with a sentence of the other
    document in the neighbouring links; 0 for matches and where there is none."""
    mine, theirs, owner = [], [], []  # (reference sentence, hypothesis sentence, link) of every pair compared
    for k, link in enumerate(links):
        if link.kind is LinkKind.MATCH:
            continue
        near = [links[n] for n in _neighbours(k, len(links))]
        for own in link.ref_ids or link.hyp_ids:
            others = [j for n in near for j in n.hyp_ids] if link.ref_ids else [i for n in near for i in n.ref_ids]
            for other in others:
                mine.append(own if link.ref_ids else other)
                theirs.append(other if link.ref_ids else own)
                owner.append(k)
    best = np.zeros(len(links))
    if owner:
        dots = np.asarray(ref[mine].multiply(hyp[theirs]).sum(axis=1)).ravel()
        np.maximum.at(best, np.array(owner), dots)
    return best


def _neighbours(k: int, count: int) -> list[int]:
    """The links within ``_REACH`` of link k, itself left out."""
    return [n for n in range(max(0, k - _REACH), min(count, k + _REACH + 1)) if n != k]


def _norms(vectors: sparse.csr_matrix) -> np.ndarray:
    return np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())


def _match_similarity(ref: sparse.csr_matrix, hyp: sparse.csr_matrix, links: Sequence[Link]) -> np.ndarray:
    """Cosine of each link's summed sides (0 for omissions and additions)."""

    def membership(ids: list[tuple[int, ...]], size: int) -> sparse.csr_matrix:
        rows = np.repeat(np.arange(len(ids)), [len(i) for i in ids])
        columns = np.array([j for i in ids for j in i], dtype=np.int64)
        return sparse.csr_matrix((np.ones(len(columns)), (rows, columns)), shape=(len(ids), size))

    ref_sum = membership([link.ref_ids for link in links], ref.shape[0]) @ ref
    hyp_sum = membership([link.hyp_ids for link in links], hyp.shape[0]) @ hyp
    dots = np.asarray(ref_sum.multiply(hyp_sum).sum(axis=1)).ravel()
    norms = _norms(ref_sum) * _norms(hyp_sum)
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)


def _normalized(vectors: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = _norms(vectors)
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sparse.diags(scale) @ vectors
