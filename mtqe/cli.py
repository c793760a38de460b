"""The command line: the only typer import, and the one place errors become exit codes.

Exit codes: 0 success (the gate: pass or warn); 1 the gate found a regression;
2 usage error (typer's); 3 bad input or unwritable output; 4 baseline or
history corrupt, or a run not comparable with its baseline; 70 internal error
(a bug: please report it); 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from mtqe.baseline import load_baseline, render_baseline, run_from_results
from mtqe.errors import BaselineError, InputError, MtqeError
from mtqe.evaluate import evaluate, system_names
from mtqe.gate import GateRules, decide, missing_baseline
from mtqe.history import history_entry, parse_history, render_entry
from mtqe.io import TextReader, read_text
from mtqe.writing import append_line_locked, atomic_write_text
from mtqe.model import HIGHER_IS_BETTER, LABELS, METRICS, Document, Finding, RunStats, Settings, Verdict
from mtqe.report.ci import render_junit, render_markdown
from mtqe.report.csv import render_csv
from mtqe.report.html import Overview, render_history, render_html
from mtqe.report.json import evaluation_to_dict, load_results, render_json
from mtqe.report.streamed import StreamedOutputs
from mtqe.report.summary import render_summary
from mtqe.segment import lines_as_sentences, segment_document, supported_languages
from mtqe.stream import evaluate_line_aligned, paired_chunks

EXIT_BAD_INPUT = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

SEED_REFERENCE = "seeds/002_27e87b73d9c2024c.txt"
SEED_HYPOTHESIS = "seeds/000_47139297fadea2d9.txt"
OUTPUTS = ("report.html", "results.json", "segments.csv")
NOTES_PER_FILE = 5  # notes printed per input file; the reports list them all

app = typer.Typer(
    name="mtqe",
    help="Machine-translation quality evaluation: align, score (BLEU, chrF, chrF++, TER, WER, CER) and report.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Normalization(str, Enum):
    none = "none"
    nfc = "nfc"


@app.callback()
def _root() -> None:
    """Machine-translation quality evaluation: align, score and report."""


def _check_language(value: str) -> str:
    if value not in supported_languages():
        raise typer.BadParameter(f"unsupported language {value!r}; choose one of {', '.join(supported_languages())}")
    return value


@app.command("evaluate")
def evaluate_command(
    reference: Annotated[
        Path | None,
        typer.Argument(
            metavar="REFERENCE", help="Reference document (default: the sample in seeds/).", show_default=False
        ),
    ] = None,
    hypotheses: Annotated[
        list[Path] | None,
        typer.Argument(metavar="HYPOTHESIS", help="One or more hypothesis documents.", show_default=False),
    ] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="Where to write the reports.")] = Path(
        "reports"
    ),
    aligned: Annotated[
        bool, typer.Option("--aligned", help="Files are line-aligned: pair line k with line k, no segmentation.")
    ] = False,
    fix_text: Annotated[bool, typer.Option("--fix-text", help="Repair mojibake such as 'MÃ©lanie' (ftfy).")] = False,
    normalize: Annotated[
        Normalization, typer.Option("--normalize", help="Unicode-normalize the texts before scoring.")
    ] = Normalization.none,
    language: Annotated[
        str, typer.Option("--lang", help="Language of the documents (sentence splitting, BLEU tokenizer).")
    ] = "en",
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Decode inputs with this encoding instead of detecting it.")
    ] = None,
    bootstrap: Annotated[int, typer.Option(min=100, help="Bootstrap resamples for confidence intervals.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the bootstrap.")] = 12345,
    workers: Annotated[
        int, typer.Option(min=0, help="Processes that score large inputs (0: one per core).", show_default="0")
    ] = 0,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream", help="With --aligned: score chunk by chunk in bounded memory (automatic for large files)."
        ),
    ] = False,
    engine: Annotated[
        Engine, typer.Option(help="local, or dask: score line-aligned pairs on a Dask cluster (pip extra 'dask').")
    ] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option(help="With --engine dask: the scheduler's address (default: a local cluster).")
    ] = None,
    input_table: Annotated[
        Path | None,
        typer.Option(
            "--input", help="With --engine dask: a Parquet or JSON Lines file of pairs (columns ref and hyp)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Align each hypothesis to the reference, score every sentence pair and the corpus, write reports."""
    _check_language(language)
    if engine is Engine.dask or input_table is not None:
        settings = Settings(language=language, aligned=True, fix_text=fix_text, normalize=normalize.value,
                            bootstrap=bootstrap, seed=seed, workers=workers or os.cpu_count() or 1)  # fmt: skip
        _evaluate_on_dask(reference, hypotheses, input_table, scheduler, aligned, settings, encoding, output_dir, quiet)
        return
    if reference is None:
        reference, hypotheses = _seed_path(SEED_REFERENCE), [_seed_path(SEED_HYPOTHESIS)]
    elif not hypotheses:
        raise typer.BadParameter("give at least one hypothesis file after the reference", param_hint="HYPOTHESES")
    assert hypotheses is not None
    settings = Settings(
        language=language,
        aligned=aligned,
        fix_text=fix_text,
        normalize=normalize.value,
        bootstrap=bootstrap,
        seed=seed,
        workers=workers or os.cpu_count() or 1,
    )
    with _errors_as_exit_codes():
        _refuse_overwriting([reference, *hypotheses], [output_dir / name for name in OUTPUTS])
    if aligned and len(hypotheses) == 1 and (stream or _large(reference, hypotheses[0])):
        with _errors_as_exit_codes():
            data = _evaluate_streaming(reference, hypotheses[0], settings, encoding, output_dir, quiet)
        if not quiet:
            _out(render_summary(data), nl=False)
            _out(f"\nwrote {', '.join(str(output_dir / name) for name in OUTPUTS)} (streamed)")
        return
    with _errors_as_exit_codes():
        documents = [_load(path, settings, encoding) for path in (reference, *hypotheses)]
        _warn_findings(documents)
        result = evaluate(documents[0], documents[1:], settings)
        data = evaluation_to_dict(result)
        _warn_system_notes(data)
        rendered = {
            "report.html": render_html(data),
            "results.json": render_json(data),
            "segments.csv": render_csv(result),
        }
        for name in OUTPUTS:
            atomic_write_text(output_dir / name, rendered[name])
    if not quiet:
        _out(render_summary(data), nl=False)
        _out(f"\nwrote {', '.join(str(output_dir / name) for name in OUTPUTS)}")


def _evaluate_on_dask(
    reference: Path | None,
    hypotheses: list[Path] | None,
    input_table: Path | None,
    scheduler: str | None,
    aligned: bool,
    settings: Settings,
    encoding: str | None,
    output_dir: Path,
    quiet: bool,
) -> None:
    if input_table is not None and reference is not None:
        raise typer.BadParameter("give either --input or REFERENCE and HYPOTHESIS, not both", param_hint="--input")
    if input_table is None and (reference is None or not hypotheses or len(hypotheses) != 1 or not aligned):
        raise typer.BadParameter(
            "the Dask engine scores line-aligned pairs: give --aligned REFERENCE HYPOTHESIS, or --input",
            param_hint="--engine",
        )
    try:
        import distributed

        from mtqe import dask_engine
    except ImportError:
        raise typer.BadParameter("needs Dask: pip install -e '.[dask]'", param_hint="--engine") from None
    outputs = [output_dir / "results.json", output_dir / "report.html"]
    with _errors_as_exit_codes():
        inputs = [input_table] if input_table is not None else [reference, *hypotheses]  # type: ignore[list-item]
        _refuse_overwriting(inputs, outputs)
        output_dir.mkdir(parents=True, exist_ok=True)
        if scheduler:
            client = distributed.Client(scheduler)
        else:
            cluster = distributed.LocalCluster(n_workers=settings.workers, threads_per_worker=1, dashboard_address=None)
            client = distributed.Client(cluster)
        with client:
            if input_table is not None:
                if not input_table.exists():
                    raise InputError(str(input_table), "no such file")
                try:
                    pairs = dask_engine.pairs_from_table(input_table)
                except (ValueError, OSError) as error:
                    raise InputError(str(input_table), str(error)) from None
                source = {"reference": str(input_table), "reference_sha256": "", "hypothesis": str(input_table),
                          "hypothesis_sha256": "", "system": input_table.stem}  # fmt: skip
            else:
                assert reference is not None and hypotheses
                ref_stream = TextReader(reference, encoding=encoding, fix_text=settings.fix_text)
                hyp_stream = TextReader(hypotheses[0], encoding=encoding, fix_text=settings.fix_text)
                pairs = dask_engine.pairs_from_chunks(paired_chunks(ref_stream, hyp_stream))
                _warn_findings_of([(ref_stream.path, ref_stream.findings), (hyp_stream.path, hyp_stream.findings)])
                source = {"reference": ref_stream.path, "reference_sha256": ref_stream.sha256,
                          "hypothesis": hyp_stream.path, "hypothesis_sha256": hyp_stream.sha256,
                          "system": system_names([hyp_stream.path])[0]}  # fmt: skip
            run = dask_engine.evaluate_pairs(pairs, settings, output_dir, source)
        if not scheduler:
            cluster.close()
        system = {**run.results["systems"][0], "segments": run.sample, "segments_total": len(run.scores)}
        html = render_html({**run.results, "systems": [system]}, overview=Overview(run.scores, run.ref_lengths))
        atomic_write_text(output_dir / "results.json", render_json(run.results))
        atomic_write_text(output_dir / "report.html", html)
    if not quiet:
        _out(render_summary(run.results), nl=False)
        _out(f"\nwrote {', '.join(str(p) for p in outputs)}, {output_dir / 'segments.parquet'} (Dask)")


def _html_output(default: str) -> Any:
    return typer.Option("--output", "-o", help="Where to write the HTML.", show_default=default)


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="A results.json written by mtqe evaluate.")],
    output: Annotated[Path | None, _html_output("report.html beside RESULTS")] = None,
    history: Annotated[
        Path | None, typer.Option(help="Draw the trend of this gate history (JSON Lines) into the report.")
    ] = None,
) -> None:
    """Render report.html again from a saved results.json."""
    target = output or results.with_name("report.html")
    with _errors_as_exit_codes():
        _refuse_overwriting([results, *([history] if history else [])], [target])
        data = load_results(read_text(results).text, str(results))
        entries = parse_history(read_text(history).text, str(history)) if history else None
        atomic_write_text(target, render_html(data, entries))
    _out(f"wrote {target}")


baseline_app = typer.Typer(help="Save a run as the baseline the CI gate compares with.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("save")
def baseline_save_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="A results.json written by mtqe evaluate.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")] = Path(
        "mtqe-baseline.json"
    ),
    system: Annotated[str | None, typer.Option(help="Which system of RESULTS (default: the first).")] = None,
) -> None:
    """Save a system's per-segment statistics, settings and signatures as a baseline."""
    with _errors_as_exit_codes():
        _refuse_overwriting([results], [output])
        run = _run_from(results, system)
        atomic_write_text(output, render_baseline(run))
    _out(f"wrote {output}: baseline of {run.system}, {len(run.ref_ids)} links")


class MissingBaseline(str, Enum):
    passes = "pass"
    fails = "fail"


@app.command("gate")
def gate_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="A results.json written by mtqe evaluate.")],
    baseline: Annotated[Path, typer.Option("--baseline", "-b", help="The baseline file to compare with.")],
    metric: Annotated[
        list[str] | None, typer.Option("--metric", "-m", help="A metric to gate on (repeatable; default chrf).")
    ] = None,
    fail_drop: Annotated[float, typer.Option(min=0, help="Points lost that fail the gate, if significant.")] = 1.0,
    warn_drop: Annotated[float, typer.Option(min=0, help="Points lost that warn.")] = 0.5,
    alpha: Annotated[float, typer.Option(min=0, max=1, help="Significance level (Holm-adjusted).")] = 0.05,
    samples: Annotated[int, typer.Option(min=100, help="Paired bootstrap resamples.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the paired bootstrap.")] = 12345,
    system: Annotated[str | None, typer.Option(help="Which system of RESULTS (default: the first).")] = None,
    missing: Annotated[
        MissingBaseline, typer.Option("--missing-baseline", help="What a run without a baseline file does.")
    ] = MissingBaseline.passes,
    markdown: Annotated[Path | None, typer.Option(help="Write a Markdown summary here (numbers only).")] = None,
    junit: Annotated[Path | None, typer.Option(help="Write JUnit XML here (one test case per metric).")] = None,
    history: Annotated[Path | None, typer.Option(help="Append this run to a JSON Lines history file.")] = None,
    commit: Annotated[str | None, typer.Option(help="Commit id to record in the history.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but the verdict line.")] = False,
) -> None:
    """Compare a run with its baseline; exit 1 only on a significant regression."""
    gated = tuple(metric or ["chrf"])
    unknown = [m for m in gated if m not in METRICS]
    if unknown:
        raise typer.BadParameter(
            f"unknown metric {unknown[0]!r}; choose from {', '.join(METRICS)}", param_hint="--metric"
        )
    if warn_drop > fail_drop:
        raise typer.BadParameter("--warn-drop cannot be larger than --fail-drop", param_hint="--warn-drop")
    rules = GateRules(metrics=gated, fail_drop=fail_drop, warn_drop=warn_drop, alpha=alpha, samples=samples, seed=seed)
    with _errors_as_exit_codes():
        _refuse_overwriting([results, baseline], [markdown, junit, history])
        current = _run_from(results, system)
        if baseline.exists():
            verdict = decide(_load_baseline(baseline), current, rules)
        else:
            verdict = missing_baseline(str(baseline), fail=missing is MissingBaseline.fails)
        if markdown:
            atomic_write_text(markdown, render_markdown(verdict, rules))
        if junit:
            atomic_write_text(junit, render_junit(verdict, rules))
        if history:
            entry = render_entry(history_entry(verdict, current, commit))
            append_line_locked(history, entry, lambda text: parse_history(text, str(history)))
    _print_verdict(verdict, quiet)
    raise typer.Exit(verdict.exit_code)


@app.command("history")
def history_command(
    history: Annotated[Path, typer.Argument(metavar="HISTORY", help="A JSON Lines history written by mtqe gate.")],
    output: Annotated[Path | None, _html_output("history.html beside HISTORY")] = None,
) -> None:
    """Draw the history of corpus scores as an HTML page."""
    target = output or history.with_name("history.html")
    with _errors_as_exit_codes():
        _refuse_overwriting([history], [target])
        entries = parse_history(read_text(history).text, str(history))
        atomic_write_text(target, render_history(entries, str(history)))
    _out(f"wrote {target}: {len(entries)} runs")


def _run_from(results: Path, system: str | None) -> RunStats:
    data = load_results(read_text(results).text, str(results))
    try:
        return run_from_results(data, system)
    except ValueError as error:
        raise InputError(str(results), str(error)) from None


def _load_baseline(path: Path) -> RunStats:
    try:
        text = read_text(path).text
    except InputError as error:  # an empty or unreadable baseline is a corrupt baseline
        raise BaselineError(error.path, error.problem, error.line) from None
    return load_baseline(text, str(path))


def _print_verdict(verdict: Verdict, quiet: bool) -> None:
    for note in verdict.notes:
        typer.echo(f"mtqe: warning: {note}", err=True)
    _out(f"mtqe gate: {verdict.status.upper()}: {verdict.summary}")
    if quiet or not verdict.metrics:
        return
    _out(f"\n{'metric':10}{'baseline':>10}{'current':>10}{'change':>10}{'p':>9}  verdict")
    for v in verdict.metrics:
        label = f"{LABELS[v.metric]} {'↑' if HIGHER_IS_BETTER[v.metric] else '↓'}{' *' if v.gated else ''}"
        p = v.p_adjusted if v.gated else v.p_value
        _out(f"{label:10}{v.baseline:10.2f}{v.current:10.2f}{v.change:+10.2f}{p:9.3f}  {v.status}")
    _out(f"(* gated; {verdict.units} paired segments; p: one-sided paired bootstrap, Holm-adjusted)")


@contextmanager
def _progress(quiet: bool, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long runs; nothing when quiet, in CI, or when stderr is not a terminal."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.advance(task, done)


STREAM_BYTES = 8 * 1024 * 1024  # line-aligned inputs larger than this (about 40,000 lines) are streamed


def _large(*paths: Path) -> bool:
    try:
        return sum(path.stat().st_size for path in paths) > STREAM_BYTES
    except OSError:
        return False  # reading will report the problem


def _evaluate_streaming(
    reference: Path, hypothesis: Path, settings: Settings, encoding: str | None, output_dir: Path, quiet: bool
) -> dict:
    nfc = settings.normalize == "nfc"
    ref_stream = TextReader(reference, encoding=encoding, fix_text=settings.fix_text, normalize=nfc)
    hyp_stream = TextReader(hypothesis, encoding=encoding, fix_text=settings.fix_text, normalize=nfc)
    outputs = StreamedOutputs(output_dir, system_names([str(hypothesis)])[0])
    try:
        with _progress(quiet, ref_stream.estimated_lines(), "scoring pairs") as advance:

            def sink(start: int, refs: list[str], hyps: list[str], scores) -> None:
                outputs.write(start, refs, hyps, scores)
                advance(len(refs))

            run = evaluate_line_aligned(ref_stream, hyp_stream, settings, sink)
        _warn_findings_of([(ref_stream.path, ref_stream.findings), (hyp_stream.path, hyp_stream.findings)])
        _warn_system_notes(run.results)
        system = {**run.results["systems"][0], "segments": outputs.sample(), "segments_total": len(run.scores)}
        shown = {**run.results, "systems": [system]}
        html = render_html(shown, overview=Overview(run.scores, run.ref_lengths))
        outputs.finish(run.results, html)
    except BaseException:
        outputs.abort()
        raise
    return run.results


def _refuse_overwriting(inputs: list[Path], outputs: list[Path | None]) -> None:
    """An output that is also an input would destroy the input: refuse before reading anything."""
    for output in outputs:
        if output is None:
            continue
        for source in inputs:
            if output.resolve() == source.resolve():
                raise InputError(str(output), f"is both an input and an output ({source}); write the output elsewhere")


def _out(text: str, nl: bool = True) -> None:
    """Print to stdout; a reader that went away (``| head``) changes nothing else, not even the exit code."""
    try:
        typer.echo(text, nl=nl)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the final flush does not fail again


def _seed_path(relative: str) -> Path:
    """The sample documents: in the current directory, or beside the package in a source checkout."""
    here = Path(relative)
    if here.exists():
        return here
    beside_package = Path(__file__).resolve().parent.parent / relative
    return beside_package if beside_package.exists() else here


def _load(path: Path, settings: Settings, encoding: str | None) -> Document:
    source = read_text(path, encoding=encoding, fix_text=settings.fix_text, normalize=settings.normalize == "nfc")
    return lines_as_sentences(source) if settings.aligned else segment_document(source, settings.language)


def _warn_system_notes(results: dict) -> None:
    for system in results["systems"]:
        notes = system.get("notes", [])
        for note in notes[:NOTES_PER_FILE]:
            typer.echo(f"mtqe: note: {system['name']}: {note}", err=True)
        if len(notes) > NOTES_PER_FILE:
            typer.echo(
                f"mtqe: note: {system['name']}: {len(notes) - NOTES_PER_FILE} more notes in the reports", err=True
            )


def _warn_findings(documents: list[Document]) -> None:
    _warn_findings_of([(document.path, list(document.findings)) for document in documents])


def _warn_findings_of(files: list[tuple[str, list[Finding]]]) -> None:
    for path, findings in files:
        for finding in findings[:NOTES_PER_FILE]:
            where = f"{path}:{finding.line}" if finding.line else path
            typer.echo(f"mtqe: note: {where}: {finding.message}", err=True)
        if len(findings) > NOTES_PER_FILE:
            typer.echo(f"mtqe: note: {path}: {len(findings) - NOTES_PER_FILE} more notes in the reports", err=True)


@contextmanager
def _errors_as_exit_codes() -> Iterator[None]:
    """Every error becomes one line on stderr and its documented exit code."""
    try:
        yield
    except MtqeError as error:
        typer.echo(f"mtqe: error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("mtqe: interrupted; no output was left half-written", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as error:
        typer.echo(
            f"mtqe: internal error: {type(error).__name__}: {error} (this is a bug in mtqe; please report it)",
            err=True,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (testable without a subprocess)."""
    try:
        app(args=argv, prog_name="mtqe")
    except SystemExit as stop:
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
