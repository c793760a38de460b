"""The run history: a JSON Lines file, one line per gate run, only ever appended to (pure parts).

Reading checks every line: a corrupt line is an error naming it, never a
reason to start the history afresh.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict

from mtqe import shape
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


class _EntryDetails(TypedDict, total=False):  # written by every gate run; a reader does without them
    commit: str | None
    system: str
    reference_sha256: str
    status: str
    units: int
    baseline: dict[str, float]
    p_values: dict[str, float]


class HistoryRecord(_EntryDetails):
    """One line of the history (:func:`history_entry`)."""

    mtqe_history: str
    scores: dict[str, float]


def parse_history(text: str, path: str) -> list[dict[str, Any]]:
    """Every line of a history, checked: a line that is not JSON, not a history line, or has a score that is not
    a finite number or of an unknown metric is an error naming that line."""
    check = shape.checker(HistoryRecord)
    entries = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = shape.loads(line)
        except json.JSONDecodeError as error:
            raise BaselineError(path, f"corrupt history line: {error.msg}", number) from None
        except shape.ShapeError as error:
            raise BaselineError(path, f"corrupt history line: {error}", number) from None
        if not isinstance(entry, dict) or entry.get("mtqe_history") != HISTORY_VERSION:
            raise BaselineError(path, "not an mtqe history line (no mtqe_history version 1)", number)
        try:
            check(entry)
        except shape.ShapeError as error:
            raise BaselineError(path, f"corrupt history line: {error}", number) from None
        if any(metric not in METRICS for metric in entry["scores"]):
            raise BaselineError(path, "corrupt history line: unknown metric", number)
        entries.append(entry)
    return entries
