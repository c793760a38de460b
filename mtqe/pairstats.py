"""Per-pair sufficient statistics: the one owner of their columns, dtypes and sums.

Each metric turns a pair into a row of sacrebleu's (or jiwer's) sufficient
statistics. :class:`PairStats` holds those rows for many pairs, one table per
stored metric; chrF's statistics are not stored but read from chrF++'s
character columns, here and nowhere else. It is a read-only mapping from
metric name to table, so code that sums or resamples statistics needs no
column slices of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mtqe.errors import StatisticsError
from mtqe.model import METRICS

WIDTHS: dict[str, int] = {"bleu": 10, "chrf_pp": 24, "ter": 2, "wer": 3, "cer": 3}
"""Columns of each stored metric (BLEU: lengths and 4 orders of matches and totals; chrF++: 6 character
and 2 word orders of hyp/ref/match; TER: edits and reference length; WER/CER: edits, ref and hyp length)."""

DTYPES: dict[str, type] = {"bleu": np.int64, "chrf_pp": np.int64, "ter": np.float64, "wer": np.int64, "cer": np.int64}
STORED: tuple[str, ...] = tuple(WIDTHS)
COLUMNS = sum(WIDTHS.values())  # of a whole row, every stored metric's columns side by side
LAYOUT = ",".join(f"{metric}:{width}" for metric, width in WIDTHS.items())
"""The columns of a whole row (:meth:`PairStats.rows`), named in files that store them."""
CHRF_COLUMNS = 18  # chrF (word order 0) is chrF++'s six character orders


@dataclass(frozen=True, eq=False)  # tables of numbers compare with equals(), not ==
class PairStats(Mapping[str, np.ndarray]):
    """Statistics of many pairs; ``stats[metric]`` is that metric's table, one row per pair.

    Tables hold integers: as int64 (TER's as float64, sacrebleu's type) when counted, or as float64 when a
    run keeps a million rows for the bootstrap, which multiplies float64; both give the same scores.
    """

    tables: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        if set(self.tables) != set(STORED):
            raise StatisticsError(f"statistics for {sorted(self.tables)}; expected {sorted(STORED)}")
        rows = {table.shape[0] for table in self.tables.values()}
        if len(rows) > 1:
            raise StatisticsError(f"statistics tables of different lengths: {sorted(rows)}")
        for metric, table in self.tables.items():
            if table.ndim != 2 or table.shape[1] != WIDTHS[metric]:
                raise StatisticsError(f"{metric} statistics have shape {table.shape}; expected (n, {WIDTHS[metric]})")

    @classmethod
    def from_metrics(cls, stats: Mapping[str, np.ndarray]) -> PairStats:
        """From a table per metric (chrF's, if given, must be chrF++'s character columns)."""
        return cls({metric: np.asarray(stats[metric], dtype=DTYPES[metric]) for metric in STORED})

    @classmethod
    def empty(cls, rows: int = 0) -> PairStats:
        return cls({metric: np.zeros((rows, WIDTHS[metric]), dtype=DTYPES[metric]) for metric in STORED})

    @classmethod
    def concat(cls, parts: Sequence[PairStats]) -> PairStats:
        if not parts:
            return cls.empty()
        return cls({metric: np.concatenate([part.tables[metric] for part in parts]) for metric in STORED})

    def __getitem__(self, metric: str) -> np.ndarray:
        if metric == "chrf":
            return self.tables["chrf_pp"][:, :CHRF_COLUMNS]
        return self.tables[metric]

    def __iter__(self) -> Iterator[str]:
        return iter(METRICS)

    def __len__(self) -> int:
        return len(METRICS)

    @property
    def pairs(self) -> int:
        return self.tables["bleu"].shape[0]

    def total(self, metric: str) -> np.ndarray:
        return self[metric].sum(axis=0)

    def take(self, rows: np.ndarray | slice) -> PairStats:
        return PairStats({metric: table[rows] for metric, table in self.tables.items()})

    def by_unit(self, units: np.ndarray, count: int) -> PairStats:
        """Rows summed per unit: ``units[k]`` is the unit of pair k (see :mod:`mtqe.pairing`)."""
        totals = {}
        for metric, table in self.tables.items():
            summed = np.zeros((count, table.shape[1]), dtype=table.dtype)
            np.add.at(summed, units, table)
            totals[metric] = summed
        return PairStats(totals)

    def columns(self) -> dict[str, np.ndarray]:
        """Flat float64 columns ``<metric>_s<k>``, for tables such as Parquet and Dask frames."""
        return {
            f"{metric}_s{k}": table[:, k].astype(np.float64)
            for metric, table in self.tables.items()
            for k in range(WIDTHS[metric])
        }

    @classmethod
    def from_columns(cls, columns: Mapping[str, np.ndarray]) -> PairStats:
        return cls(
            {
                metric: np.column_stack([np.asarray(columns[f"{metric}_s{k}"]) for k in range(WIDTHS[metric])])
                .reshape(-1, WIDTHS[metric])
                .astype(DTYPES[metric])
                for metric in STORED
            }
        )

    def rows(self, block: int = 65536) -> Iterator[np.ndarray]:
        """Whole rows as float64 (exact for counts below 2**53), ``block`` pairs at a time, columns as
        :data:`LAYOUT`."""
        for start in range(0, self.pairs, block):
            yield np.hstack([self.tables[m][start : start + block].astype(np.float64) for m in STORED])

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> PairStats:
        """From whole rows (as :meth:`rows` gives them)."""
        if rows.ndim != 2 or rows.shape[1] != COLUMNS:
            raise StatisticsError(f"statistics rows have shape {rows.shape}; expected (n, {COLUMNS})")
        bounds = np.cumsum([0, *WIDTHS.values()])
        return cls.from_metrics({m: rows[:, bounds[k] : bounds[k + 1]] for k, m in enumerate(STORED)})

    def equals(self, other: PairStats) -> bool:
        return all(np.array_equal(self.tables[m], other.tables[m]) for m in STORED)


@dataclass(frozen=True, eq=False)
class RowChanges:
    """The statistics of some pairs as another reading of their texts gives them (the typography-insensitive
    one, :mod:`mtqe.typography`), kept as what to add: ``delta`` (new minus old) for pairs ``rows``, in order.
    Every other pair's statistics stay as they are, so a million unchanged pairs cost nothing."""

    rows: np.ndarray  # int64 pair indices, increasing
    delta: PairStats  # one row per index of ``rows``

    @classmethod
    def none(cls) -> RowChanges:
        return cls(np.zeros(0, dtype=np.int64), PairStats.empty())

    @classmethod
    def between(cls, rows: np.ndarray, old: PairStats, new: PairStats) -> RowChanges:
        """``new`` (statistics of pairs ``rows``) as changes to ``old`` (statistics of every pair)."""
        return cls(rows, PairStats({m: new.tables[m] - old.tables[m][rows] for m in STORED}))

    @classmethod
    def concat(cls, parts: Sequence[tuple[int, RowChanges]]) -> RowChanges:
        """The changes of consecutive chunks, each with the index of its first pair."""
        kept = [(start, part) for start, part in parts if part.rows.size]
        if not kept:
            return cls.none()
        rows = np.concatenate([part.rows + start for start, part in kept])
        return cls(rows, PairStats.concat([part.delta for _, part in kept]))

    def total(self, stats: PairStats, metric: str) -> np.ndarray:
        """The column sums of ``metric`` with these changes made to ``stats``."""
        return stats.total(metric) + self.delta.total(metric)

    def applied(self, stats: PairStats) -> PairStats:
        """``stats`` with these changes made: a full copy (for tests and small runs, not a million pairs)."""
        tables = {m: stats.tables[m].copy() for m in STORED}
        for m in STORED:
            tables[m][self.rows] += self.delta.tables[m].astype(tables[m].dtype)
        return PairStats(tables)
