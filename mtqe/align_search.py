"""The aligner's dynamic programme over a band, compiled: cell by cell, the cost formula of :mod:`mtqe.align`.

Costs are whole thousandths of a character (``numpy.rint`` of the scaled
cost), so sums are exact and the cheapest path, ties included, is the same
whatever the band's width. Link types are tried in the order of
``mtqe.align._TYPES`` and the first cheapest wins; a run of added hypothesis
sentences is taken only when strictly cheaper.
"""

from __future__ import annotations

import math

import numpy as np

from mtqe.kernel import kernel


@kernel
def band_search(lo, hi, prefix, base, ref_cum, hyp_cum, ref_norms, hyp_norms, ref_longest, hyp_longest,
                types, penalty, merge, skip, length, smoothing, scale):  # fmt: skip
    """Cost and link type (index into ``types``; the last is an addition) of the cheapest path to each cell.

    ``types`` holds (reference sentences, hypothesis sentences) of every match type, then the omission
    (1, 0); ``prefix[r]`` the running sums of reference sentence r's dot products with the hypothesis
    sentences from ``base[r]``; ``*_norms[size, k]`` the squared norm and ``*_longest[size, k]`` the longest
    sentence of the block of ``size`` sentences ending before sentence k.
    """
    n = lo.shape[0] - 1
    width = prefix.shape[1] - 1
    span = 0
    for i in range(n + 1):
        span = max(span, hi[i] - lo[i] + 1)
    cost = np.full((n + 1, span), np.inf)
    back = np.full((n + 1, span), -1, np.int8)
    expected = hyp_cum[-1] / ref_cum[-1]
    addition = types.shape[0]
    for i in range(n + 1):
        for c in range(hi[i] - lo[i] + 1):
            j = lo[i] + c
            best = 0.0 if i == 0 and j == 0 else np.inf
            kind = -1
            for t in range(types.shape[0]):
                dr, dh = types[t, 0], types[t, 1]
                if dr > i:
                    continue
                row, start = i - dr, j - dh
                if start < lo[row] or start > hi[row]:
                    continue
                previous = cost[row, start - lo[row]]
                if previous == np.inf:
                    continue
                if dh == 0:
                    step = np.rint(scale * skip * (ref_cum[i] - ref_cum[i - 1]))
                else:
                    numerator = 0.0
                    for r in range(i - dr, i):
                        end = min(max(j - base[r], 0), width)
                        begin = min(max(j - dh - base[r], 0), width)
                        numerator = numerator + (prefix[r, end] - prefix[r, begin])
                    denominator = math.sqrt(ref_norms[dr, i] * hyp_norms[dh, j])
                    similarity = numerator / denominator if denominator > 0 else 0.0
                    ref_chars = ref_cum[i] - ref_cum[i - dr]
                    hyp_chars = hyp_cum[j] - hyp_cum[j - dh]
                    mismatch = abs(math.log((hyp_chars + smoothing) / (expected * ref_chars + smoothing)))
                    merged_in = ref_chars - ref_longest[dr, i] + hyp_chars - hyp_longest[dh, j]
                    link = (1.0 - similarity + penalty[t] + length * mismatch) * (ref_chars + hyp_chars)
                    step = np.rint(scale * (link + merge[t] * merged_in))
                candidate = previous + step
                if candidate < best:
                    best, kind = candidate, t
            cost[i, c], back[i, c] = best, kind
        for c in range(1, hi[i] - lo[i] + 1):  # runs of added hypothesis sentences within the row
            j = lo[i] + c
            candidate = cost[i, c - 1] + np.rint(scale * skip * (hyp_cum[j] - hyp_cum[j - 1]))
            if candidate < cost[i, c]:
                cost[i, c], back[i, c] = candidate, addition
    return cost, back
