"""Bootstrap confidence intervals and paired significance tests from sufficient statistics (pure numpy).

Resamples are drawn as sacrebleu draws them (``numpy.random.default_rng(seed)``,
segments with replacement), in blocks of rows so memory stays small, and the
same resamples serve every metric. Intervals are sacrebleu's: the 2.5th and
97.5th percentiles of the resampled scores.

Paired tests compare two runs over the same units (see :mod:`mtqe.pairing`):

* paired bootstrap: the same resamples of units for both runs; p-values by the
  shift method (the resampled differences centred on zero stand for "no
  change"), as sacrebleu and MultEval compute them;
* approximate randomization: each unit's two results swapped with
  probability 1/2; two-sided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

_BLOCK_CELLS = 4_000_000  # indices drawn at once (32 MB), so 1,000,000 segments take 4 resamples a block

Score = Callable[[np.ndarray], float]


def resample_indices(segments: int, samples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of bootstrap resamples, each row the segment indices of one resample."""
    rng = np.random.default_rng(seed)
    rows = max(1, _BLOCK_CELLS // max(segments, 1))
    done = 0
    while done < samples:
        take = min(rows, samples - done)
        yield rng.integers(0, segments, size=(take, segments), dtype=np.int64)
        done += take


def _resampled_counts(segments: int, samples: int, seed: int) -> Iterator[np.ndarray]:
    """How often each segment is drawn in each resample, block by block."""
    for block in resample_indices(segments, samples, seed):
        yield np.stack([np.bincount(row, minlength=segments) for row in block]).astype(np.float64)


def bootstrap_interval(
    stats: Mapping[str, np.ndarray], score: dict[str, Score], samples: int, seed: int
) -> dict[str, tuple[float, float]]:
    """95% percentile interval of each metric's corpus score over the same resamples."""
    return bootstrap_intervals(stats, score, samples, seed)[0]


def bootstrap_intervals(
    stats: Mapping[str, np.ndarray],
    score: dict[str, Score],
    samples: int,
    seed: int,
    changes: tuple[np.ndarray, Mapping[str, np.ndarray]] | None = None,
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """:func:`bootstrap_interval` of ``stats``, and over the very same resamples of ``stats`` with
    ``changes`` made to some rows: ``(rows, delta)``, ``delta[m]`` added to rows ``rows`` of ``stats[m]``
    (the typography-insensitive statistics, :class:`mtqe.pairstats.RowChanges`). The second is empty
    without changes. Each resample's changed totals are its raw totals plus the changed rows' deltas
    times their counts: exact, and no second table of every pair."""
    segments = next(iter(stats.values())).shape[0]
    tables = _as_float(stats)
    rows, delta = changes if changes is not None else (None, {})
    deltas = _as_float(delta)
    resampled: dict[str, list[float]] = {name: [] for name in stats}
    changed: dict[str, list[float]] = {name: [] for name in deltas}
    for counts in _resampled_counts(segments, samples, seed):
        drawn = counts[:, rows] if deltas else None  # how often each changed row is drawn: once a block
        for name, table in tables.items():
            totals = counts @ table
            resampled[name].extend(score[name](total) for total in totals)
            if name in deltas:
                totals += drawn @ deltas[name]
                changed[name].extend(score[name](total) for total in totals)
    intervals = {name: percentile_interval(values) for name, values in resampled.items()}
    return intervals, {name: percentile_interval(values) for name, values in changed.items()}


def _as_float(stats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Statistics as float64, for BLAS: sums of integers below 2**53 stay exact."""
    return {name: table.astype(np.float64, copy=False) for name, table in stats.items()}


def percentile_interval(values: list[float]) -> tuple[float, float]:
    """sacrebleu's 95% interval: the values at ranks n//40 and n - n//40 - 1 of the sorted list."""
    ordered = sorted(values)
    low = len(ordered) // 40
    return ordered[low], ordered[len(ordered) - low - 1]


@dataclass(frozen=True)
class PairedResult:
    """How run B differs from run A on one metric (``delta`` = B - A, in the metric's own direction)."""

    delta: float
    ci_low: float  # 95% bootstrap interval of the difference
    ci_high: float
    p_worse: float  # one-sided: evidence that B is worse than A
    p_better: float  # one-sided: evidence that B is better than A
    p_two_sided: float


def paired_bootstrap(
    a: dict[str, np.ndarray],
    b: dict[str, np.ndarray],
    score: dict[str, Score],
    higher_is_better: dict[str, bool],
    samples: int,
    seed: int,
) -> dict[str, PairedResult]:
    """Paired bootstrap over units: ``a[m]`` and ``b[m]`` hold one row of statistics per unit, in the same order."""
    units = next(iter(a.values())).shape[0]
    float_a, float_b = _as_float(a), _as_float(b)
    deltas: dict[str, list[float]] = {name: [] for name in a}
    for counts in _resampled_counts(units, samples, seed):
        for name in a:
            totals_a = counts @ float_a[name]
            totals_b = counts @ float_b[name]
            deltas[name].extend(score[name](y) - score[name](x) for x, y in zip(totals_a, totals_b, strict=True))
    results = {}
    for name, values in deltas.items():
        observed = score[name](b[name].sum(axis=0)) - score[name](a[name].sum(axis=0))
        sign = 1.0 if higher_is_better[name] else -1.0
        centred = sign * (np.asarray(values) - np.mean(values))
        gain = sign * observed  # > 0: B is better
        low, high = percentile_interval(values)
        results[name] = PairedResult(
            delta=observed,
            ci_low=low,
            ci_high=high,
            p_worse=_p(np.count_nonzero(centred <= gain), len(values)) if gain < 0 else 1.0,
            p_better=_p(np.count_nonzero(centred >= gain), len(values)) if gain > 0 else 1.0,
            p_two_sided=_p(np.count_nonzero(np.abs(centred) >= abs(gain)), len(values)),
        )
    return results


def approximate_randomization(
    a: dict[str, np.ndarray], b: dict[str, np.ndarray], score: dict[str, Score], trials: int, seed: int
) -> dict[str, float]:
    """Two-sided p-value of each metric's difference when each unit's two results may be swapped."""
    units = next(iter(a.values())).shape[0]
    rng = np.random.default_rng(seed)
    extreme = dict.fromkeys(a, 0)
    observed = {name: abs(score[name](b[name].sum(axis=0)) - score[name](a[name].sum(axis=0))) for name in a}
    rows = max(1, _BLOCK_CELLS // max(units, 1))
    done = 0
    while done < trials:
        take = min(rows, trials - done)
        swap = rng.random((take, units)) < 0.5
        for name in a:
            difference = b[name] - a[name]
            total_a, total_b = a[name].sum(axis=0), b[name].sum(axis=0)
            moved = swap.astype(difference.dtype) @ difference  # what swapping moves from B to A
            for shift in moved:
                delta = score[name](total_b - shift) - score[name](total_a + shift)
                # a tolerance keeps float noise in identical results from counting against them
                extreme[name] += abs(delta) >= observed[name] - 1e-9
        done += take
    return {name: _p(count, trials) for name, count in extreme.items()}


def _p(count: int, samples: int) -> float:
    return float((count + 1) / (samples + 1))
