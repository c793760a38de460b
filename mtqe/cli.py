"""The command line: a thin layer over :mod:`mtqe.run`, and the one place errors become exit codes.

Commands parse options into validated settings, call the library and print;
they raise mtqe's errors and never exit themselves. :func:`main` is the error
boundary: :data:`EXIT_CODES` maps each error class to its documented code.
Heavy modules (numba, scipy, pandas, Dask) are imported inside the commands
that need them, so ``mtqe --help`` starts at once.
"""

from __future__ import annotations

import os
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from mtqe.errors import (
    BaselineError,
    EngineError,
    InputError,
    MtqeError,
    OutputError,
    SettingsError,
)
from mtqe.logsafe import inert
from mtqe.model import METRICS, TOKENIZERS, EngineName, GateStatus, Normalization, Settings, Verdict
from mtqe.signals import Terminated, as_interrupts

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_BASELINE, EXIT_ENGINE = 0, 1, 2, 3, 4, 5
EXIT_INTERNAL, EXIT_INTERRUPTED = 70, 130
EXIT_CODES: dict[type[MtqeError], int] = {
    SettingsError: EXIT_USAGE,
    InputError: EXIT_BAD_INPUT,
    OutputError: EXIT_BAD_INPUT,
    BaselineError: EXIT_BASELINE,
    EngineError: EXIT_ENGINE,
}
GATE_EXIT_CODES: dict[GateStatus, int] = {GateStatus.FAIL: EXIT_REGRESSION, GateStatus.INCOMPARABLE: EXIT_BASELINE}
RULE_EXIT_CODES: dict[str, int] = {"omission": 6, "critical": 7, "typography": 8}
"""``mtqe gate``'s exit code when a deterministic rule fails and the significance test does not (mtqe.gate)."""

# typer's click (vendored by recent typer versions): the base class of its usage errors.
_CLICK_ERROR = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")
NOTES_PER_FILE = 5  # notes printed per input file; the reports list them all
STREAM_BYTES = 8 * 1024 * 1024  # line-aligned inputs larger than this (about 40,000 lines) are streamed

app = typer.Typer(
    name="mtqe",
    help="Machine-translation quality evaluation: align, score (BLEU, chrF, chrF++, TER, WER, CER) and report.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain help and usage errors: rich's import alone is 0.15 s of every `--help`
)


@app.callback()
def _root() -> None:
    """Machine-translation quality evaluation: align, score and report."""


def _language(value: str) -> str:
    from mtqe.segment import supported_languages

    if value not in supported_languages():
        raise typer.BadParameter(f"unsupported language {value!r}; choose one of {', '.join(supported_languages())}")
    if value in ("ja", "ko"):  # sacrebleu's BLEU tokenizers for these need its optional extras
        from mtqe.metrics import missing_tokenizer

        if problem := missing_tokenizer(value):
            raise typer.BadParameter(problem)
    return value


@app.command("evaluate")
def evaluate_command(
    reference: Annotated[Path | None, typer.Argument(metavar="REFERENCE", show_default=False,
                         help="Reference document (default: the sample documents).")] = None,
    hypotheses: Annotated[list[Path] | None, typer.Argument(metavar="HYPOTHESIS", show_default=False,
                          help="One or more hypothesis documents.")] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="Where to write the reports.")] = Path(
        "reports"),
    aligned: Annotated[bool, typer.Option("--aligned", help="Files are line-aligned: line k pairs with line k.")
                       ] = False,
    fix_text: Annotated[bool, typer.Option("--fix-text", help="Repair mojibake such as 'MÃ©lanie' (ftfy).")] = False,
    normalize: Annotated[Normalization, typer.Option("--normalize", help="Unicode-normalize the texts first.")] = (
        Normalization.NONE),
    language: Annotated[str, typer.Option("--lang", callback=_language,
                        help="Language of the documents (sentence splitting, BLEU tokenizer).")] = "en",
    encoding: Annotated[str | None, typer.Option(help="Decode inputs with this encoding instead of detecting it.")
                        ] = None,
    tokenize: Annotated[str | None, typer.Option(show_default="sacrebleu's for --lang",
                        help=f"BLEU's tokenizer: {', '.join(TOKENIZERS)}.")] = None,
    bootstrap: Annotated[int, typer.Option(min=100, help="Bootstrap resamples for confidence intervals.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the bootstrap.")] = 12345,
    workers: Annotated[int, typer.Option(min=0, show_default="0",
                       help="Processes that score large inputs (0: one per core).")] = 0,
    stream: Annotated[bool, typer.Option("--stream",
                      help="With --aligned: score chunk by chunk in bounded memory (automatic for large files).")
                      ] = False,
    engine: Annotated[EngineName | None, typer.Option(show_default="memory, or stream for large --aligned files",
                      help="memory, stream (--aligned, one hypothesis) or dask (line-aligned pairs on a cluster).")
                      ] = None,
    scheduler: Annotated[str | None, typer.Option(help="With --engine dask: the scheduler's address.")] = None,
    input_table: Annotated[Path | None, typer.Option("--input",
                           help="With --engine dask: a Parquet or JSON Lines file of pairs (columns ref, hyp).")
                           ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    timings: Annotated[bool, typer.Option("--timings", help="Print the time of each stage on stderr.")] = False,
) -> int:  # fmt: skip
    """Align each hypothesis to the reference, score every sentence pair and the corpus, write reports."""
    from mtqe.outputs import write_outputs
    from mtqe.timing import recording

    dask = engine is EngineName.DASK or (input_table is not None and engine is None)
    if engine is EngineName.MEMORY and stream:
        raise SettingsError("--stream and --engine memory contradict each other")
    stream = stream or engine is EngineName.STREAM
    if input_table is not None and reference is not None:
        raise SettingsError("give either --input or REFERENCE and HYPOTHESIS, not both")
    if reference is None and input_table is None:
        from mtqe.run import sample_documents

        reference, hypotheses = sample_documents()
    if input_table is None and not hypotheses:
        raise SettingsError("give at least one hypothesis file after the reference")
    if tokenize is not None:
        from mtqe.metrics import missing_tokenizer

        if tokenize not in TOKENIZERS:
            raise SettingsError(f"--tokenize: unknown tokenizer {tokenize!r}; choose from {', '.join(TOKENIZERS)}")
        if problem := missing_tokenizer(language, tokenize):
            raise SettingsError(f"--tokenize: {problem}")
    settings = Settings(language=language, aligned=aligned or dask, fix_text=fix_text, normalize=normalize,
                        bootstrap=bootstrap, seed=seed, encoding=encoding, tokenize=tokenize)  # fmt: skip
    inputs = [input_table] if input_table is not None else [reference, *(hypotheses or [])]
    outputs = ("report.html", "results.json", "segments.csv", "segments.parquet", "statistics.npy")
    _refuse_overwriting(inputs, [output_dir / name for name in outputs])
    if input_table is not None and engine not in (None, EngineName.DASK):
        raise SettingsError(f"--input is read by the Dask engine, not the {engine.value} engine")
    name = engine if engine is EngineName.MEMORY else _engine_name(dask, aligned, stream, hypotheses or [], reference)
    if dask and input_table is None and not (aligned and hypotheses and len(hypotheses) == 1):
        raise SettingsError("the Dask engine scores line-aligned pairs: give --aligned REFERENCE HYPOTHESIS or --input")
    with recording() as recorded:
        written = write_outputs(
            output_dir, name, settings, workers, reference, hypotheses or [], input_table, scheduler, quiet, _notes
        )
    if timings:
        _err(f"timings: {recorded.line()}")
    if not quiet:
        _out(written.summary, nl=False)
        _out(f"\nwrote {', '.join(str(path) for path in written.paths)}{written.how}")
    return EXIT_OK


def _engine_name(dask: bool, aligned: bool, stream: bool, hypotheses: list[Path], reference: Path | None) -> EngineName:
    if dask:
        return EngineName.DASK
    if stream and not (aligned and len(hypotheses) == 1):
        raise SettingsError("the stream engine scores line-aligned pairs: give --aligned REFERENCE HYPOTHESIS")
    large = aligned and len(hypotheses) == 1 and reference is not None and _size(reference, hypotheses[0])
    return EngineName.STREAM if aligned and len(hypotheses) == 1 and (stream or large) else EngineName.MEMORY


def _size(*paths: Path) -> bool:
    try:
        return sum(path.stat().st_size for path in paths) > STREAM_BYTES
    except OSError:
        return False  # reading will report the problem


def _html_output(default: str) -> Any:
    return typer.Option("--output", "-o", help="Where to write the HTML.", show_default=default)


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="A results.json written by mtqe evaluate.")],
    output: Annotated[Path | None, _html_output("report.html beside RESULTS")] = None,
    history: Annotated[Path | None, typer.Option(help="Draw the trend of this gate history into the report.")] = None,
) -> int:
    """Render report.html again from a saved results.json."""
    from mtqe.history import parse_history
    from mtqe.io import read_data
    from mtqe.report.html import render_html
    from mtqe.schema import load_results
    from mtqe.writing import atomic_write_text

    target = output or results.with_name("report.html")
    _refuse_overwriting([results, *([history] if history else [])], [target])
    data = load_results(read_data(results).text, str(results))
    entries = parse_history(read_data(history).text, str(history)) if history else None
    atomic_write_text(target, render_html(data, entries))
    _out(f"wrote {target}")
    return EXIT_OK


baseline_app = typer.Typer(
    help="Save a run as the baseline the CI gate compares with.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("save")
def baseline_save_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="A results.json written by mtqe evaluate.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")] = Path(
        "mtqe-baseline.json"
    ),
    system: Annotated[str | None, typer.Option(help="Which system of RESULTS (default: the first).")] = None,
) -> int:
    """Save a system's per-segment statistics, settings and signatures as a baseline."""
    from mtqe.baseline import render_baseline
    from mtqe.run import check_stored_scores
    from mtqe.writing import atomic_write_text

    _refuse_overwriting([results], [output])
    run = _run_from(results, system)
    check_stored_scores(run, str(results), InputError)  # an edited number never becomes a baseline
    atomic_write_text(output, render_baseline(run))
    _out(f"wrote {output}: baseline of {run.system}, {len(run.ref_ids)} links")
    return EXIT_OK


class MissingBaseline(str, Enum):
    passes = "pass"
    fails = "fail"


@app.command("gate")
def gate_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="A results.json written by mtqe evaluate.")],
    baseline: Annotated[Path, typer.Option("--baseline", "-b", help="The baseline file to compare with.")],
    metric: Annotated[list[str] | None, typer.Option("--metric", "-m",
                      help="A metric to gate on (repeatable; default chrf).")] = None,
    fail_drop: Annotated[float, typer.Option(min=0, help="Points lost that fail the gate, if significant.")] = 1.0,
    warn_drop: Annotated[float, typer.Option(min=0, help="Points lost that warn.")] = 0.5,
    alpha: Annotated[float, typer.Option(min=0, max=1, help="Significance level (Holm-adjusted).")] = 0.05,
    samples: Annotated[int, typer.Option(min=100, help="Paired bootstrap resamples.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the paired bootstrap.")] = 12345,
    system: Annotated[str | None, typer.Option(help="Which system of RESULTS (default: the first).")] = None,
    fail_on_omission: Annotated[bool, typer.Option("--fail-on-omission",
                                help="Fail if a reference sentence is left untranslated (omitted, or an empty "
                                     "line) that the baseline translated.")] = False,
    fail_on_critical: Annotated[list[str] | None, typer.Option("--fail-on-critical", metavar="KIND",
                                help="Fail on a critical change of KIND that the baseline's link of the same "
                                     "reference sentences did not have: number, name, negation, content or any "
                                     "(repeatable).")] = None,
    fail_on_typography_drop: Annotated[float | None, typer.Option("--fail-on-typography-drop", min=0,
                                       metavar="POINTS", help="Fail if a gated metric's typography-insensitive score "
                                                              "lost at least POINTS.")] = None,
    missing: Annotated[MissingBaseline, typer.Option("--missing-baseline",
                       help="What a run without a baseline file does.")] = MissingBaseline.passes,
    markdown: Annotated[Path | None, typer.Option(help="Write a Markdown summary here (numbers only).")] = None,
    junit: Annotated[Path | None, typer.Option(help="Write JUnit XML here (one test case per metric).")] = None,
    history: Annotated[Path | None, typer.Option(help="Append this run to a JSON Lines history file.")] = None,
    commit: Annotated[str | None, typer.Option(help="Commit id to record in the history.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but the verdict line.")] = False,
) -> int:  # fmt: skip
    """Compare a run with its baseline; exit 1 only on a significant regression."""
    from mtqe.gate import GateRules, decide, missing_baseline
    from mtqe.history import history_entry, parse_history, render_entry
    from mtqe.report.ci import render_junit, render_markdown
    from mtqe.writing import append_line_locked, atomic_write_text

    gated = tuple(metric or ["chrf"])
    unknown = [m for m in gated if m not in METRICS]
    if unknown:
        raise SettingsError(f"--metric: unknown metric {unknown[0]!r}; choose from {', '.join(METRICS)}")
    if warn_drop > fail_drop:
        raise SettingsError("--warn-drop cannot be larger than --fail-drop")
    from mtqe.critical import KINDS

    kinds = tuple(dict.fromkeys(fail_on_critical or ()))
    wrong = [kind for kind in kinds if kind not in (*KINDS, "any")]
    if wrong:
        raise SettingsError(f"--fail-on-critical: unknown kind {wrong[0]!r}; choose from {', '.join(KINDS)} or any")
    rules = GateRules(metrics=gated, fail_drop=fail_drop, warn_drop=warn_drop, alpha=alpha, samples=samples, seed=seed,
                      fail_on_omission=fail_on_omission, fail_on_critical=kinds,
                      fail_on_typography_drop=fail_on_typography_drop)  # fmt: skip
    _refuse_overwriting([results, baseline], [markdown, junit, history])
    current = _run_from(results, system)
    if baseline.exists():
        from mtqe.run import check_gate_scores, load_baseline_file

        stored = load_baseline_file(baseline)
        check_gate_scores(stored, current, str(baseline), str(results))
        verdict = decide(stored, current, rules)
    else:
        verdict = missing_baseline(str(baseline), fail=missing is MissingBaseline.fails)
    if markdown:
        atomic_write_text(markdown, render_markdown(verdict, rules))
    if junit:
        atomic_write_text(junit, render_junit(verdict, rules))
    if history:
        entry = render_entry(history_entry(verdict, current, commit))
        append_line_locked(history, entry, lambda text: parse_history(text, str(history)))
    from mtqe.report.ci import render_verdict

    for note in verdict.notes:
        if note not in verdict.summary:  # what the verdict line says is not said twice
            _err(f"mtqe: warning: {note}")
    _out(render_verdict(verdict, quiet), nl=False)
    if verdict.status is GateStatus.NO_BASELINE:
        return EXIT_BASELINE if verdict.fails else EXIT_OK
    return _gate_exit(verdict)


def _gate_exit(verdict: Verdict) -> int:
    """1 for a significant regression; else, when a rule failed, the first failed rule's own code."""
    failed = [rule.rule.split(":")[0] for rule in verdict.rules if rule.status == "fail"]
    regressed = any(metric.status == "fail" for metric in verdict.metrics)
    if verdict.status is GateStatus.FAIL and failed and not regressed:
        return RULE_EXIT_CODES[failed[0]]
    return GATE_EXIT_CODES.get(verdict.status, EXIT_OK)


@app.command("history")
def history_command(
    history: Annotated[Path, typer.Argument(metavar="HISTORY", help="A JSON Lines history written by mtqe gate.")],
    output: Annotated[Path | None, _html_output("history.html beside HISTORY")] = None,
) -> int:
    """Draw the history of corpus scores as an HTML page."""
    from mtqe.history import parse_history
    from mtqe.io import read_data
    from mtqe.report.html import render_history
    from mtqe.writing import atomic_write_text

    target = output or history.with_name("history.html")
    _refuse_overwriting([history], [target])
    entries = parse_history(read_data(history).text, str(history))
    atomic_write_text(target, render_history(entries, str(history)))
    _out(f"wrote {target}: {len(entries)} runs")
    return EXIT_OK


def _run_from(results: Path, system: str | None) -> Any:
    from mtqe.run import load_run

    run, notes = load_run(results, system)
    for note in notes:
        _err(f"mtqe: warning: {note}")
    return run


def _notes(path: str, notes: list[tuple[int | None, str]], quiet: bool) -> None:
    """Up to NOTES_PER_FILE notes about one input or system on stderr; the reports list them all."""
    if quiet:
        return
    for line, message in notes[:NOTES_PER_FILE]:
        _err(f"mtqe: note: {path}:{line}: {message}" if line else f"mtqe: note: {path}: {message}")
    if len(notes) > NOTES_PER_FILE:
        _err(f"mtqe: note: {path}: {len(notes) - NOTES_PER_FILE} more notes in the reports")


def _refuse_overwriting(inputs: list[Path | None], outputs: list[Path | None]) -> None:
    """An output that is also an input would destroy the input: refuse before reading anything."""
    for output in outputs:
        for source in inputs:
            if output is not None and source is not None and os.path.realpath(output) == os.path.realpath(source):
                raise InputError(str(output), f"is both an input and an output ({source}); write the output elsewhere")


def _out(text: str, nl: bool = True) -> None:
    """Print to stdout; a reader that went away (``| head``) changes nothing else, not even the exit code."""
    try:
        typer.echo(inert(text), nl=nl)  # no file name can issue a CI workflow command
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the final flush does not fail again
    except OSError as error:  # a full device: the files are written, but what was to be printed is lost
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise OutputError("standard output", f"cannot write: {error.strerror or error}") from None


def _err(text: str) -> None:
    typer.echo(inert(text), err=True)


def _stopped(stop: Terminated) -> int:
    """The line and exit code of a run stopped by Ctrl-C (130) or another stop signal (128 + its number)."""
    stopped = "interrupted" if stop.signum == signal.SIGINT else f"terminated ({stop.name})"
    _err(f"mtqe: {stopped}; no output was left half-written")
    return 128 + stop.signum


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: the one boundary where errors become codes."""
    try:
        with as_interrupts():  # Ctrl-C, SIGTERM and SIGHUP: clean up, one line, 128 + the signal
            code = app(args=argv, prog_name="mtqe", standalone_mode=False)
    except typer.Exit as stop:
        return stop.exit_code
    except _CLICK_ERROR as error:  # usage errors: typer's message box and exit 2
        error.show()
        return error.exit_code
    except MtqeError as error:
        _err(f"mtqe: error: {error}")
        return next((code for cls, code in EXIT_CODES.items() if isinstance(error, cls)), EXIT_INTERNAL)
    except Terminated as stop:
        return _stopped(stop)
    except (KeyboardInterrupt, typer.Abort):  # not from a signal: an interrupted prompt
        _err("mtqe: interrupted; no output was left half-written")
        return EXIT_INTERRUPTED
    except Exception as error:
        _err(f"mtqe: internal error: {type(error).__name__}: {error} (this is a bug in mtqe; please report it)")
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK
