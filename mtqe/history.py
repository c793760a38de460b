"""The run history: a JSON Lines file, one line per gate run, only ever appended to (pure parts).

Reading checks every line: a corrupt line is an error naming it, never a
reason to start the history afresh.
"""

from __future__ import annotations

import json
from typing import Any

from mtqe.errors import BaselineError
from mtqe.model import METRICS, RunStats, Verdict

HISTORY_VERSION = "1"


def history_entry(verdict: Verdict, current: RunStats, commit: str | None) -> dict[str, Any]:
    """One run: its corpus scores, and how the gate saw it (no texts, no time: runs are ordered by line)."""
    return {
        "mtqe_history": HISTORY_VERSION,
        "commit": commit,
        "system": current.system,
        "reference_sha256": current.reference_sha256,
        "status": verdict.status.value,
        "units": verdict.units,
        "scores": {m: current.scores[m] for m in METRICS},
        "baseline": {v.metric: v.baseline for v in verdict.metrics},
        "p_values": {v.metric: v.p_adjusted if v.gated else v.p_value for v in verdict.metrics},
    }


def render_entry(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def parse_history(text: str, path: str) -> list[dict[str, Any]]:
    entries = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise BaselineError(path, f"corrupt history line: {error.msg}", number) from None
        if not isinstance(entry, dict) or entry.get("mtqe_history") != HISTORY_VERSION:
            raise BaselineError(path, "not an mtqe history line (no mtqe_history version 1)", number)
        scores = entry.get("scores")
        if not isinstance(scores, dict) or any(not isinstance(v, int | float) for v in scores.values()):
            raise BaselineError(path, "corrupt history line: scores are not numbers", number)
        if any(metric not in METRICS for metric in scores):
            raise BaselineError(path, "corrupt history line: unknown metric", number)
        entries.append(entry)
    return entries
