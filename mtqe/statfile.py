"""The statistics file: every link's sufficient statistics beside results.json.

``statistics.npy`` is a NumPy array file (``numpy.load`` reads it): float64,
one row per link of every system in results.json order, the columns of
:data:`mtqe.pairstats.LAYOUT`. Each system's ``statistics`` entry in
results.json names the file, the layout, its first row, its number of rows and
the sha256 of the whole file, so ``mtqe gate`` and ``mtqe baseline save`` read
the statistics instead of scoring every text again, and never use a file that
another run wrote. Without the file (results.json copied alone) they score the
texts, with the same numbers.

The bytes are a pure function of the statistics: the same input gives the
same file and the same hash, whichever engine scored it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TypedDict

import numpy as np

from mtqe.pairstats import COLUMNS, LAYOUT, PairStats

FILE = "statistics.npy"


class StatisticsRecord(TypedDict):
    file: str
    layout: str
    first_row: int
    rows: int
    sha256: str


def _chunks(parts: Sequence[PairStats]) -> Iterator[bytes]:
    header = io.BytesIO()
    rows = sum(part.pairs for part in parts)
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (rows, COLUMNS)})
    yield header.getvalue()
    for part in parts:
        for block in part.rows():
            yield block.astype("<f8", copy=False).tobytes()


def records(parts: Sequence[PairStats]) -> list[StatisticsRecord]:
    """Each system's entry, for the statistics of every system in order."""
    digest = hashlib.sha256()
    for chunk in _chunks(parts):
        digest.update(chunk)
    entries, first = [], 0
    for part in parts:
        entries.append(StatisticsRecord(file=FILE, layout=LAYOUT, first_row=first, rows=part.pairs,
                                        sha256=digest.hexdigest()))  # fmt: skip
        first += part.pairs
    return entries


def write(handle: IO[bytes], parts: Sequence[PairStats]) -> None:
    """The file whose hash :func:`records` gives."""
    for chunk in _chunks(parts):
        handle.write(chunk)


def load(folder: Path, record: StatisticsRecord) -> tuple[PairStats | None, str]:
    """One system's statistics from the file beside its results; or ``None`` and why the file cannot be
    used (nothing said when there is no file: results.json was copied alone)."""
    path = folder / record["file"]
    if record.get("layout") != LAYOUT:
        return None, f"{path} has another layout ({record.get('layout')!r}, this mtqe writes {LAYOUT!r})"
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:  # hashed and read through one handle: a file replaced meanwhile is not read
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
            if digest.hexdigest() != record["sha256"]:
                return None, f"{path} was not written with these results (its sha256 differs)"
            handle.seek(0)
            table = np.load(handle, allow_pickle=False)
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as error:
        return None, f"{path} cannot be read: {error}"
    first, rows = record["first_row"], record["rows"]
    if table.dtype != np.float64 or table.ndim != 2 or table.shape[1] != COLUMNS or first + rows > table.shape[0]:
        return None, f"{path} does not hold {rows} rows of {COLUMNS} statistics from row {first}"
    return PairStats.from_rows(np.asarray(table[first : first + rows])), ""
