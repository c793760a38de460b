"""Paired units: groups of links that cover the same reference sentences in several runs.

Two runs (a baseline and a new system, or two systems) can align the same
reference differently, so their links do not pair one to one. A unit is the
smallest group of reference sentences that no link of any run crosses; every
link belongs to exactly one unit (an added sentence, which covers no reference
sentence, to the unit of the link before it). Summing each run's statistics
per unit (:meth:`mtqe.pairstats.PairStats.by_unit`) gives paired samples for significance tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RefIds = Sequence[int]


def unit_of_links(runs: Sequence[Sequence[RefIds]], reference_sentences: int) -> tuple[int, list[np.ndarray]]:
    """For runs given as their links' reference ids: the number of units and, per run, each link's unit."""
    parent = list(range(reference_sentences))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for links in runs:
        for ref_ids in links:
            for i in ref_ids[1:]:
                a, b = root(ref_ids[0]), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = [root(i) for i in range(reference_sentences)]
    number = {r: k for k, r in enumerate(sorted(set(roots)))}
    assignments = []
    for links in runs:
        units = np.empty(len(links), dtype=np.int64)
        previous = None
        for index, ref_ids in enumerate(links):
            if ref_ids:
                previous = number[roots[ref_ids[0]]]
            units[index] = -1 if previous is None else previous
        first = next((u for u in units if u >= 0), 0)
        units[units < 0] = first  # additions before the first linked sentence
        assignments.append(units)
    return len(number), assignments
