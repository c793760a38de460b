"""Writing the outputs of a streamed run: segments go to disk as they are scored.

segments.csv and results.json come out exactly as the in-memory writers
format them; everything is written to temporary files beside the targets and
renamed into place only when the run has finished, so an interrupted run
leaves no half-written file.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtqe.errors import OutputError
from mtqe.writing import atomic_write_text
from mtqe.model import METRICS
from mtqe.report.csv import CSV_COLUMNS, spreadsheet_safe
from mtqe.report.json import render_json, segment_dict

_EMPTY_SEGMENTS = '\n   "segments": [],\n'  # how render_json writes the (single) system's empty list


SAMPLE = 1000  # links of each kind (first, worst by chrF) kept for the HTML report


class StreamedOutputs:
    def __init__(self, output_dir: Path, system: str) -> None:
        self.output_dir = output_dir
        self.system = system
        self._count = 0
        self._first: list[dict[str, Any]] = []
        self._worst: list[tuple[float, int, dict[str, Any]]] = []  # a heap of the lowest chrF
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
            self._csv = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in finish() or abort()
                "w", encoding="utf-8", newline="", dir=output_dir, prefix=".segments.csv.", delete=False
            )
            self._json = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in finish() or abort()
                "w", encoding="utf-8", newline="\n", dir=output_dir, prefix=".segments.json.", delete=False
            )
        except OSError as error:
            raise OutputError(str(output_dir), f"cannot write: {error.strerror or error}") from None

    def write(self, start: int, refs: list[str], hyps: list[str], scores: np.ndarray) -> None:
        rows = []
        for k, (ref, hyp, row) in enumerate(zip(refs, hyps, scores.tolist(), strict=True)):
            index = start + k
            values = dict(zip(METRICS, row, strict=True))
            entry = segment_dict("match", [index], [index], ref, hyp, values)
            self._keep({**entry, "index": index})
            text = textwrap.indent(json.dumps(entry, ensure_ascii=False, indent=1, allow_nan=False), " " * 4)
            self._json.write((",\n" if self._count else "") + text)
            self._count += 1
            rows.append({"system": spreadsheet_safe(self.system), "segment": index, "kind": "match",
                         "ref_ids": str(index), "hyp_ids": str(index), "ref": spreadsheet_safe(ref),
                         "hyp": spreadsheet_safe(hyp), **values})  # fmt: skip
        frame = pd.DataFrame(rows, columns=CSV_COLUMNS)
        frame.to_csv(self._csv, index=False, header=start == 0, lineterminator="\n")

    def _keep(self, entry: dict[str, Any]) -> None:
        if len(self._first) < SAMPLE:
            self._first.append(entry)
            return
        heapq.heappush(self._worst, (-entry["chrf"], -entry["index"], entry))
        if len(self._worst) > SAMPLE:
            heapq.heappop(self._worst)

    def sample(self) -> list[dict[str, Any]]:
        """The first links and the worst by chrF, in document order, each with its "index"."""
        return self._first + sorted((entry for _, _, entry in self._worst), key=lambda entry: entry["index"])

    def finish(self, results: dict[str, Any], html: str) -> None:
        head, tail = render_json(results).split(_EMPTY_SEGMENTS, 1)
        try:
            self._csv.close()
            self._json.close()
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", newline="\n", dir=self.output_dir, prefix=".results.json.", delete=False
            ) as out:
                out.write(head + '\n   "segments": [\n')
                with open(self._json.name, encoding="utf-8") as segments:
                    shutil.copyfileobj(segments, out)
                out.write("\n   ],\n" + tail)
            os.replace(out.name, self.output_dir / "results.json")
            os.replace(self._csv.name, self.output_dir / "segments.csv")
            Path(self._json.name).unlink()
        except OSError as error:
            self.abort()
            raise OutputError(str(self.output_dir), f"cannot write: {error.strerror or error}") from None
        atomic_write_text(self.output_dir / "report.html", html)

    def abort(self) -> None:
        for handle in (self._csv, self._json):
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
