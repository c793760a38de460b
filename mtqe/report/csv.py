"""segments.csv: one row per link and system, for spreadsheets and pandas.

The one owner of the file's layout (its columns and how each cell is written), for the in-memory
writer and the streamed one. Cells that a spreadsheet would evaluate as formulas are made inert with
a leading apostrophe (the OWASP advice against CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TextIO

from mtqe.model import METRICS, Evaluation

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


CSV_COLUMNS = [
    "system",
    "segment",
    "kind",
    "ref_ids",
    "hyp_ids",
    "confidence",
    "uncertain",
    "ref",
    "hyp",
    *METRICS,
    "critical",
]


def csv_row(
    system: str,
    segment: int,
    kind: str,
    ref_ids: Sequence[int],
    hyp_ids: Sequence[int],
    confidence: float | None,
    uncertain: bool,
    ref: str,
    hyp: str,
    scores: Mapping[str, float],
    critical: Sequence[Mapping[str, str]] = (),
) -> list[object]:
    """One link's cells, in :data:`CSV_COLUMNS` order: ids space-separated, no confidence an empty cell,
    scores as Python writes floats (``repr``), critical changes as ``kind: ref -> hyp`` joined by `` | ``."""
    return [
        spreadsheet_safe(system),
        segment,
        kind,
        " ".join(map(str, ref_ids)),
        " ".join(map(str, hyp_ids)),
        "" if confidence is None else repr(round(float(confidence), 4)),
        uncertain,
        spreadsheet_safe(ref),
        spreadsheet_safe(hyp),
        *(repr(float(scores[metric])) for metric in METRICS),
        spreadsheet_safe(" | ".join(f"{c['kind']}: {c['ref']} -> {c['hyp']}" for c in critical)),
    ]


def write_rows(out: TextIO, rows: Iterable[list[object]], *, header: bool) -> None:
    """Rows to ``out`` as RFC 4180 CSV (quoted only where needed, ``\\n`` line ends), the header first if asked."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)


def render_csv(evaluation: Evaluation) -> str:
    out = io.StringIO()
    write_rows(out, _rows(evaluation), header=True)
    return out.getvalue()


def _rows(evaluation: Evaluation) -> Iterator[list[object]]:
    for system in evaluation.systems:
        for index, segment in enumerate(system.segments):
            link = segment.link
            critical = [{"kind": c.kind, "ref": c.ref, "hyp": c.hyp} for c in segment.critical]
            yield csv_row(system.name, index, link.kind.value, link.ref_ids, link.hyp_ids, link.confidence,
                          link.uncertain, segment.ref, segment.hyp, segment.scores.as_dict(), critical)  # fmt: skip
