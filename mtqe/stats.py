"""Bootstrap confidence intervals from per-segment sufficient statistics (pure numpy).

Resamples are drawn as sacrebleu draws them (``numpy.random.default_rng(seed)``,
segments with replacement), in blocks of rows so memory stays small, and the
same resamples serve every metric. The interval is sacrebleu's: the 2.5th and
97.5th percentiles of the resampled corpus scores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

_BLOCK_CELLS = 4_000_000  # indices drawn at once


def resample_indices(segments: int, samples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of bootstrap resamples, each row the segment indices of one resample."""
    rng = np.random.default_rng(seed)
    rows = max(1, _BLOCK_CELLS // max(segments, 1))
    done = 0
    while done < samples:
        take = min(rows, samples - done)
        yield rng.integers(0, segments, size=(take, segments), dtype=np.int64)
        done += take


def bootstrap_interval(
    stats: dict[str, np.ndarray],
    score: dict[str, Callable[[np.ndarray], float]],
    samples: int,
    seed: int,
) -> dict[str, tuple[float, float]]:
    """95% percentile interval of each metric's corpus score over the same resamples."""
    segments = next(iter(stats.values())).shape[0]
    resampled: dict[str, list[float]] = {name: [] for name in stats}
    for block in resample_indices(segments, samples, seed):
        # How often each segment is drawn in each resample; totals are then one product per metric.
        counts = np.stack([np.bincount(row, minlength=segments) for row in block])
        for name, table in stats.items():
            totals = counts.astype(table.dtype) @ table
            resampled[name].extend(score[name](total) for total in totals)
    return {name: percentile_interval(values) for name, values in resampled.items()}


def percentile_interval(values: list[float]) -> tuple[float, float]:
    """sacrebleu's 95% interval: the values at ranks n//40 and n - n//40 - 1 of the sorted list."""
    ordered = sorted(values)
    low = len(ordered) // 40
    return ordered[low], ordered[len(ordered) - low - 1]
