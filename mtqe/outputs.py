"""The output files of one run, written as a set: temporaries beside the targets, renamed at the end.

Nothing replaces an existing output until every output of the run has been
written and flushed to disk; on any error or interrupt the temporaries are
removed and the previous files stay as they were. A streamed run writes its
segments as they are scored (:class:`SegmentFiles`), and its results.json is
the schema's writer iterating them back from disk, byte for byte what an
in-memory run writes.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from mtqe import jsontext
from mtqe.errors import OutputError
from mtqe.model import METRICS, EngineName, Settings
from mtqe.pairstats import PairStats
from mtqe.schema import LazyList, Results, segment_record, write_json
from mtqe.timing import stage
from mtqe.writing import file_mode

SAMPLE = 1000  # links of each kind (first, worst by chrF) a streamed run keeps for the HTML report


class OutputSet:
    """Use as a context manager: ``commit()`` renames every written file into place; leaving without it,
    or with an error, removes the temporaries."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self._files: dict[str, IO[Any]] = {}
        self._folders: dict[str, Path] = {}
        self._scratch: list[str] = []
        self._made_dir = False

    def __enter__(self) -> OutputSet:
        self._refuse_a_file()  # before the run, not after it
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def _refuse_a_file(self) -> None:
        nearest = next((p for p in (self.output_dir, *self.output_dir.parents) if p.exists() or p.is_symlink()), None)
        if nearest is not None and nearest.exists() and not nearest.is_dir():
            raise OutputError(str(nearest), "is a file, not a folder: --output-dir names the folder of outputs")
        if nearest is not None and not nearest.exists():  # a symbolic link to nowhere
            raise OutputError(str(nearest), "is a symbolic link that leads nowhere (a loop or a missing target)")

    def _make_dir(self) -> None:
        if not self.output_dir.is_dir():
            self._refuse_a_file()
            self.output_dir.mkdir(parents=True)  # only once there is something to write
            self._made_dir = True

    @contextmanager
    def writing(self, name: str) -> Iterator[None]:
        """Writing output ``name``: an error of the system (a full disk, a folder that cannot be written) in
        the block becomes one OutputError naming the output."""
        try:
            yield
        except OSError as error:
            raise OutputError(str(self.output_dir / name), f"cannot write: {error.strerror or error}") from None

    def folder(self, name: str) -> Path:
        """An empty folder that becomes ``output_dir/name`` on commit (replacing the old one whole)."""
        with self.writing(name):
            self._make_dir()
            self._folders[name] = Path(tempfile.mkdtemp(dir=self.output_dir, prefix=f".{name}."))
        return self._folders[name]

    def _temporary(self, name: str, binary: bool = False) -> IO[Any]:
        with self.writing(name):
            self._make_dir()
            if binary:
                return tempfile.NamedTemporaryFile("wb", dir=self.output_dir, prefix=f".{name}.", delete=False)
            return tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", newline="", dir=self.output_dir, prefix=f".{name}.", delete=False
            )

    def open(self, name: str) -> IO[str]:
        """A text file that becomes ``output_dir/name`` on commit."""
        if name not in self._files:
            self._files[name] = self._temporary(name)
        return self._files[name]

    def write_statistics(self, parts: Sequence[PairStats]) -> None:
        """statistics.npy (:mod:`mtqe.statfile`): the per-link statistics of every system."""
        from mtqe import statfile

        if statfile.FILE not in self._files:
            self._files[statfile.FILE] = self._temporary(statfile.FILE, binary=True)
        with self.writing(statfile.FILE):
            statfile.write(self._files[statfile.FILE], parts)

    def scratch(self) -> IO[str]:
        """A temporary file removed at the end, whatever happens."""
        handle = self._temporary("scratch")
        self._scratch.append(handle.name)
        return handle

    def write_text(self, name: str, text: str) -> None:
        with self.writing(name):
            self.open(name).write(text)

    def commit(self) -> list[Path]:
        """Flush every file to disk, then rename them all into place; return the targets."""
        targets = []
        try:
            for handle in self._files.values():
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
                os.chmod(handle.name, file_mode())
            for name, folder in sorted(self._folders.items()):
                target = self.output_dir / name
                os.chmod(folder, 0o777 & file_mode() | 0o111)
                if target.exists():  # the old folder goes aside first: a folder cannot be replaced in one step
                    old = Path(tempfile.mkdtemp(dir=self.output_dir, prefix=f".{name}.old."))
                    os.replace(target, old / name)
                    os.replace(folder, target)
                    shutil.rmtree(old)
                else:
                    os.replace(folder, target)
                targets.append(target)
            for name, handle in sorted(self._files.items()):
                target = self.output_dir / name
                os.replace(handle.name, target)
                targets.append(target)
        except OSError as error:
            raise OutputError(str(self.output_dir), f"cannot write: {error.strerror or error}") from None
        self._files, self._folders, self._made_dir = {}, {}, False
        return sorted(targets)

    def abort(self) -> None:
        for handle in self._files.values():
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
        for name in self._scratch:
            Path(name).unlink(missing_ok=True)
        for folder in self._folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self._files, self._scratch, self._folders = {}, [], {}
        if self._made_dir:
            with contextlib.suppress(OSError):
                self.output_dir.rmdir()  # made by this run and left empty: remove it
            self._made_dir = False


class SegmentFiles:
    """The sink of a streamed run: each chunk's segments go to segments.csv and to a scratch file of
    JSON lines that results.json is written from; the first and worst links are kept for the report."""

    def __init__(self, outputs: OutputSet, system: str) -> None:
        self.system = system
        self._writing = outputs.writing
        self._csv = outputs.open("segments.csv")
        self._lines = outputs.scratch()
        self._count = 0
        self._first: list[dict[str, Any]] = []
        self._worst: list[tuple[float, int, dict[str, Any]]] = []  # a heap of the lowest chrF

    def __call__(self, start: int, refs: list[str], hyps: list[str], scores: np.ndarray,
                 critical: list[tuple[Any, ...]]) -> None:  # fmt: skip
        from mtqe.report.csv import csv_row, write_rows

        rows = []
        with stage("json"):  # the links' records, for results.json and the report's sample; their CSV rows
            lines = []
            for k, (ref, hyp, row, changes) in enumerate(zip(refs, hyps, scores.tolist(), critical, strict=True)):
                index = start + k
                values = dict(zip(METRICS, row, strict=True))
                entry = segment_record("match", [index], [index], ref, hyp, values, critical=changes)
                self._keep({**entry, "index": index})
                lines.append(jsontext.line(entry) + "\n")  # results.json's own line for it
                rows.append(csv_row(self.system, index, "match", (index,), (index,), entry["confidence"],
                                    entry["uncertain"], ref, hyp, values, entry["critical"]))  # fmt: skip
            with self._writing("results.json"):  # its scratch copy of the segments
                self._lines.writelines(lines)
        with stage("csv"), self._writing("segments.csv"):
            write_rows(self._csv, rows, header=self._count == 0)  # as the in-memory writer writes them
        self._count += len(refs)

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

    def write_results(self, outputs: OutputSet, results: Results) -> None:
        """results.json with this run's segments read back from the scratch file, never all in memory."""
        with outputs.writing("results.json"):
            self._lines.flush()
        path = self._lines.name

        def segments() -> Iterator[jsontext.Raw]:  # the lines as written, each one segment's line of results.json
            with open(path, encoding="utf-8") as lines:
                for line in lines:
                    yield jsontext.Raw(line.rstrip("\n"))

        system = {**results["systems"][0], "segments": LazyList(self._count, segments)}
        with outputs.writing("results.json"):
            write_json(outputs.open("results.json"), {**results, "systems": [system]})


@dataclass(frozen=True)
class Written:
    summary: str  # the plain-text summary of the results
    paths: list[Path]
    how: str  # how the run was made, for the "wrote ..." line


Notes = Callable[[str, list[tuple[int | None, str]], bool], None]  # (file or system, [(line, message)], quiet)


def write_outputs(
    output_dir: Path,
    engine_name: EngineName,
    settings: Settings,
    workers: int,
    reference: Path | None,
    hypotheses: list[Path],
    table: Path | None,
    scheduler: str | None,
    quiet: bool,
    notes: Notes,
) -> Written:
    """Run the evaluation with the named engine and write its outputs as one set."""
    from mtqe.engine import MemoryEngine, StreamEngine
    from mtqe.report.html import Overview, render_html
    from mtqe.report.summary import render_summary
    from mtqe.run import run_evaluation, run_table
    from mtqe.schema import render_json

    how = ""
    with OutputSet(output_dir) as outputs:
        if engine_name is EngineName.MEMORY:
            assert reference is not None
            result = run_evaluation(reference, hypotheses, settings, MemoryEngine(workers))
            _tell(result.results, notes, quiet)
            from mtqe.report.csv import render_csv

            assert result.evaluation is not None
            with stage("html"):
                outputs.write_text("report.html", render_html(result.results))
            with stage("json"):
                outputs.write_text("results.json", render_json(result.results))
            with stage("csv"):
                outputs.write_text("segments.csv", render_csv(result.evaluation))
        else:
            if engine_name is EngineName.STREAM:
                assert reference is not None
                from mtqe.pipeline import system_names

                sink = SegmentFiles(outputs, system_names([str(hypotheses[0])])[0])
                with _progress(quiet, "scoring pairs") as advance:
                    result = run_evaluation(reference, hypotheses, settings, StreamEngine(workers), advance(sink))
                with stage("json"):
                    sink.write_results(outputs, result.results)
                sample, how = sink.sample(), " (streamed)"
            else:
                from mtqe.dask_engine import DaskEngine

                engine = DaskEngine(outputs.folder(DaskEngine.segments_file), scheduler, workers or os.cpu_count() or 1)
                if table is not None:
                    result = run_table(table, settings, engine)
                else:
                    assert reference is not None
                    result = run_evaluation(reference, hypotheses, settings, engine)
                with stage("json"):
                    outputs.write_text("results.json", render_json(result.results))
                sample, how = list(result.sample), " (Dask)"
            _tell(result.results, notes, quiet)
            assert result.scores is not None and result.ref_lengths is not None
            system = {**result.results["systems"][0], "segments": sample, "segments_total": len(result.scores)}
            shown = {**result.results, "systems": [system]}
            with stage("html"):
                outputs.write_text(
                    "report.html", render_html(shown, overview=Overview(result.scores, result.ref_lengths))
                )
        with stage("write"):
            outputs.write_statistics(result.stats)
            paths = outputs.commit()
    return Written(render_summary(result.results), paths, how)


def _tell(results: Results, notes: Notes, quiet: bool) -> None:
    for document in (results["reference"], *results["systems"]):
        notes(document["path"], [(f["line"], f["message"]) for f in document["findings"]], quiet)
    for system in results["systems"]:
        notes(system["name"], [(None, note) for note in system["notes"]], quiet)


@contextmanager
def _progress(quiet: bool, description: str) -> Iterator[Callable[[SegmentFiles], Any]]:
    """A progress bar on stderr for long runs; nothing when quiet, in CI, or when stderr is not a terminal."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        yield lambda sink: sink
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)

        def counted(sink: SegmentFiles) -> Callable[..., None]:
            def write(start: int, refs: list[str], hyps: list[str], scores: np.ndarray, critical: list) -> None:
                sink(start, refs, hyps, scores, critical)
                progress.advance(task, len(refs))

            return write

        yield counted
