"""The library's entry point: files, validated settings and an engine in; one result out.

:func:`run_evaluation` opens the readers itself from the :class:`~mtqe.model.Settings`
(encoding, text fixing, normalization), so every engine reads the same text
the same way, and returns a :class:`RunResult` whatever the engine::

    from mtqe.run import run_evaluation
    from mtqe.model import Settings
    result = run_evaluation("ref.txt", ["hyp.txt"], Settings())
    result.results["systems"][0]["corpus"]["chrf"]["score"]

The command line (:mod:`mtqe.cli`) is a thin layer over this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtqe.engine import Engine, MemoryEngine, SegmentSink
from mtqe.errors import BaselineError, InputError, SettingsError
from mtqe.io import TextReader
from mtqe.model import Document, EngineName, Evaluation, Normalization, RunStats, Settings
from mtqe.pairstats import PairStats
from mtqe.schema import Results
from mtqe.timing import stage

PathLike = str | Path


def open_reader(path: PathLike, settings: Settings) -> TextReader:
    """A reader of ``path`` with the settings' encoding, text fixing and normalization."""
    return TextReader(
        path,
        encoding=settings.encoding,
        fix_text=settings.fix_text,
        normalize=settings.normalize is Normalization.NFC,
    )


def read_document(path: PathLike, settings: Settings) -> Document:
    """One whole file, read as :func:`open_reader` reads it, as sentences (or lines, when aligned)."""
    from mtqe.segment import lines_as_sentences, segment_document

    with stage("read"):
        source = open_reader(path, settings).read()
    with stage("segment"):
        return lines_as_sentences(source) if settings.aligned else segment_document(source, settings.language)


@dataclass(frozen=True, eq=False)
class RunResult:
    results: Results  # results.json data; streamed and Dask runs keep their segments out of it
    stats: tuple[PairStats, ...]  # each system's per-link statistics, what statistics.npy holds
    evaluation: Evaluation | None = None  # in-memory runs: every link with its text
    scores: np.ndarray | None = None  # streamed and Dask runs: every pair's sentence scores, pairs x METRICS
    ref_lengths: np.ndarray | None = None  # ... and reference lengths, for the report's plots
    sample: tuple[dict, ...] = ()  # Dask runs: the links the engine kept for the report


def run_evaluation(
    reference: PathLike,
    hypotheses: Sequence[PathLike],
    settings: Settings,
    engine: Engine | None = None,
    sink: SegmentSink | None = None,
) -> RunResult:
    """Evaluate hypothesis files against a reference file with ``engine`` (in memory by default).

    The streamed and Dask engines score line-aligned pairs (``settings.aligned``) of one hypothesis; their
    segments go to ``sink`` (streamed) or to the engine's own files (Dask) instead of the results.
    """
    from mtqe.pipeline import evaluate, system_names

    engine = engine or MemoryEngine()
    if not hypotheses:
        raise SettingsError("give at least one hypothesis file")
    if engine.name is EngineName.MEMORY:
        documents = [read_document(path, settings) for path in (reference, *hypotheses)]
        evaluation = evaluate(documents[0], documents[1:], settings, engine)
        from mtqe.schema import evaluation_to_dict

        stats = tuple(system.stats for system in evaluation.systems if system.stats is not None)
        with stage("json"):
            results = evaluation_to_dict(evaluation)
        return RunResult(results, stats, evaluation=evaluation)
    if not settings.aligned or len(hypotheses) != 1:
        raise SettingsError(f"the {engine.name.value} engine scores line-aligned pairs: one hypothesis, aligned")
    from mtqe.stream import LinePairs, evaluate_pairs

    name = system_names([str(hypotheses[0])])[0]
    source = LinePairs(open_reader(reference, settings), open_reader(hypotheses[0], settings), name)
    run = evaluate_pairs(source, settings, engine, sink)
    return RunResult(run.results, (run.stats,), scores=run.scores, ref_lengths=run.ref_lengths, sample=run.sample)


def run_table(table: PathLike, settings: Settings, engine: Engine) -> RunResult:
    """Evaluate a Parquet or JSON Lines table of (ref, hyp) pairs on the Dask engine."""
    from mtqe.dask_engine import TablePairs
    from mtqe.stream import evaluate_pairs

    if engine.name is not EngineName.DASK:
        raise SettingsError("a table of pairs (--input) is scored by the Dask engine")
    run = evaluate_pairs(TablePairs(Path(table), settings), settings, engine)
    return RunResult(run.results, (run.stats,), scores=run.scores, ref_lengths=run.ref_lengths, sample=run.sample)


def load_run(results_path: PathLike, system: str | None = None) -> tuple[RunStats, tuple[str, ...]]:
    """A system of a results.json file with its per-link statistics, for the gate and baselines: read from
    the statistics file beside it when that file belongs to it, otherwise scored again from the texts
    (the same numbers, slower). Also returns notes: which system was taken from several, and why the
    statistics file was not used, if it exists."""
    from mtqe import statfile
    from mtqe.baseline import choose_system, run_from_results
    from mtqe.errors import InputError, SystemNotFound
    from mtqe.io import read_data
    from mtqe.schema import load_results

    path = Path(results_path)
    data = load_results(read_data(path).text, str(path))
    try:
        chosen = choose_system(data["systems"], system)
    except SystemNotFound as error:
        raise SettingsError(f"--system: {error}") from None
    notes = []
    if system is None and len(data["systems"]) > 1:
        notes.append(f"{path} has {len(data['systems'])} systems; taking the first, {chosen['name']!r} "
                     "(choose another with --system)")  # fmt: skip
    record = chosen.get("statistics")
    stats, problem = statfile.load(path.parent, record) if record else (None, "")
    if problem:
        notes.append(f"statistics not used, the texts were scored again: {problem}")
    critical = None
    if not chosen["segments"] and chosen.get("segments_file") and "critical" in chosen:
        critical = _parquet_critical(path.parent / chosen["segments_file"])
    try:
        run = run_from_results(data, chosen["name"], stats, critical=critical)
    except SystemNotFound as error:
        raise InputError(str(path), f"{error}: {problem}" if problem else str(error)) from None
    return run, tuple(notes)


def _parquet_critical(folder: Path) -> list[list[dict[str, str]]] | None:
    """Each link's critical changes from a Dask run's segments.parquet (its JSON cells), in link order; None
    when they cannot be read (the gate then compares counts)."""
    import json

    try:
        import pandas as pd

        frame = pd.read_parquet(folder, columns=["segment", "critical"]).sort_values("segment", kind="stable")
        return [json.loads(cell) for cell in frame["critical"].tolist()]
    except (ImportError, OSError, ValueError, KeyError):
        return None


def load_baseline_file(path: PathLike) -> RunStats:
    """A baseline file (see :mod:`mtqe.baseline`); an empty or unreadable one is a corrupt baseline."""
    from mtqe.baseline import load_baseline
    from mtqe.errors import BaselineError, InputError
    from mtqe.io import read_data

    try:
        text = read_data(path).text
    except InputError as error:
        raise BaselineError(error.path, error.problem, error.line) from None
    return load_baseline(text, str(path))


def check_stored_scores(run: RunStats, path: str, error: type[BaselineError] | type[InputError]) -> None:
    """A run's stored corpus scores must be what its statistics give (:func:`mtqe.gate.misstated_scores`):
    the gate shows them, and a baseline keeps them. Raise ``error`` naming the file when one is not."""
    from mtqe.gate import misstated_scores
    from mtqe.model import LABELS

    wrong = misstated_scores(run)
    if wrong:
        metric, stored, computed = wrong[0]
        problem = f"its stored {LABELS[metric]} score {stored:.4f} is not what its statistics give ({computed:.4f})"
        raise error(path, f"corrupt: {problem}: edited by hand, or scored again by another sacrebleu or jiwer")


def check_gate_scores(baseline: RunStats, current: RunStats, baseline_path: str, results_path: str) -> None:
    """:func:`check_stored_scores` of both runs, except when their statistics are identical and their stored
    scores equal: then the baseline's were checked when it was saved, and the gate needs no scorer."""
    from mtqe.gate import identical

    if identical(baseline, current) and baseline.scores == current.scores:
        return
    check_stored_scores(baseline, baseline_path, BaselineError)
    check_stored_scores(current, results_path, InputError)


SAMPLE_NAMES = ("002_27e87b73d9c2024c.txt", "000_47139297fadea2d9.txt")  # the CNN reference, its round trip


def sample_documents() -> tuple[Path, list[Path]]:
    """The sample documents: seeds/ in the current directory (a source checkout), else the packaged copies."""
    from importlib import resources

    seeds = [Path("seeds") / name for name in SAMPLE_NAMES]
    if all(path.is_file() for path in seeds):
        return seeds[0], seeds[1:]
    packaged = Path(str(resources.files("mtqe") / "samples"))
    return packaged / SAMPLE_NAMES[0], [packaged / SAMPLE_NAMES[1]]
