"""segments.csv: one row per link and system, for spreadsheets and pandas."""

from __future__ import annotations

import pandas as pd

from mtqe.model import METRICS, Evaluation

CSV_COLUMNS = ["system", "segment", "kind", "ref_ids", "hyp_ids", "ref", "hyp", *METRICS]


def segments_frame(evaluation: Evaluation) -> pd.DataFrame:
    rows = [
        {
            "system": system.name,
            "segment": index,
            "kind": segment.link.kind.value,
            "ref_ids": " ".join(map(str, segment.link.ref_ids)),
            "hyp_ids": " ".join(map(str, segment.link.hyp_ids)),
            "ref": segment.ref,
            "hyp": segment.hyp,
            **segment.scores.as_dict(),
        }
        for system in evaluation.systems
        for index, segment in enumerate(system.segments)
    ]
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def render_csv(evaluation: Evaluation) -> str:
    return segments_frame(evaluation).to_csv(index=False, lineterminator="\n")
