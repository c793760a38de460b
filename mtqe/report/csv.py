"""segments.csv: one row per link and system, for spreadsheets and pandas.

Cells that a spreadsheet would evaluate as formulas are made inert with a
leading apostrophe (the OWASP advice against CSV injection).
"""

from __future__ import annotations

import pandas as pd

from mtqe.model import METRICS, Evaluation

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


CSV_COLUMNS = ["system", "segment", "kind", "ref_ids", "hyp_ids", "confidence", "uncertain", "ref", "hyp", *METRICS]


def segments_frame(evaluation: Evaluation) -> pd.DataFrame:
    rows = [
        {
            "system": spreadsheet_safe(system.name),
            "segment": index,
            "kind": segment.link.kind.value,
            "ref_ids": " ".join(map(str, segment.link.ref_ids)),
            "hyp_ids": " ".join(map(str, segment.link.hyp_ids)),
            "confidence": None if segment.link.confidence is None else round(segment.link.confidence, 4),
            "uncertain": segment.link.uncertain,
            "ref": spreadsheet_safe(segment.ref),
            "hyp": spreadsheet_safe(segment.hyp),
            **segment.scores.as_dict(),
        }
        for system in evaluation.systems
        for index, segment in enumerate(system.segments)
    ]
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def render_csv(evaluation: Evaluation) -> str:
    return segments_frame(evaluation).to_csv(index=False, lineterminator="\n")
