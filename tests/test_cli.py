"""The command line end to end: outputs, summary, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mtqe.cli import main
from tests.conftest import ROOT, SEED_HYP, SEED_REF
from tests.helpers import Done, run_in_process

OUTPUTS = {"report.html", "results.json", "segments.csv", "statistics.npy"}


def run(*args: str, cwd: Path) -> Done:
    """mtqe run in this process: main(argv) in ``cwd``, with its output captured."""
    return run_in_process(list(args), cwd)


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """mtqe as a user runs it, in its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mtqe", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_no_arguments_evaluates_the_seeds_into_reports(tmp_path, gold):
    done = run_process("evaluate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (tmp_path / "reports").iterdir()} == OUTPUTS
    data = json.loads((tmp_path / "reports" / "results.json").read_text(encoding="utf-8"))
    assert data["reference"]["metadata"] == gold["reference_metadata"]
    segments = data["systems"][0]["segments"]
    assert [[s["ref_ids"], s["hyp_ids"]] for s in segments] == gold["links"]
    assert "000_47139297fadea2d9" in done.stdout and "BLEU" in done.stdout
    assert "1 omission" in done.stdout
    # the mojibake in the reference is noted on stderr with its line
    assert "002_27e87b73d9c2024c.txt:17: possible mojibake" in done.stderr
    assert "Traceback" not in done.stderr


def test_runs_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out), "-q"]) == 0
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_notes_are_capped_on_stderr_but_all_kept_in_the_results(tmp_path):
    many = tmp_path / "many.txt"
    many.write_text("".join(f"Line {k} names MÃ©lanie again.\n" for k in range(12)), encoding="utf-8")
    done = run("evaluate", str(many), str(SEED_HYP), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith(f"mtqe: note: {many}")]
    assert len(notes) == 6 and notes[-1].endswith("7 more notes in the reports")
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert [f["line"] for f in data["reference"]["findings"]] == list(range(1, 13))


def test_fix_text_repairs_the_reference(tmp_path):
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(tmp_path), "--fix-text", "-q"]) == 0
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    refs = " ".join(s["ref"] for s in data["systems"][0]["segments"])
    assert "Mélanie" in refs and "MÃ©lanie" not in refs
    assert data["settings"]["fix_text"] is True
    assert data["reference"]["findings"][0]["kind"] == "fixed-text"


def test_several_hypotheses_and_crlf_input(tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(SEED_HYP.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), str(crlf), "-o", str(tmp_path / "out"), "-q"]) == 0
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    first, second = data["systems"]
    assert second["name"] == "crlf"
    assert second["corpus"] == first["corpus"]  # CRLF changes nothing but a note
    assert any(f["kind"] == "line-endings" for f in second["findings"])


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.txt", None, "no such file"),
        ("", None, "is a directory"),
        ("empty.txt", b"", "file is empty"),
        ("bin.dat", b"\x7fELF\x00\x01\x02", "binary"),
        ("bad.txt", b"ok\n" + bytes(range(128, 256)), "not valid UTF-8"),
    ],
)
def test_bad_hypothesis_gives_one_line_exit_3_and_writes_nothing(tmp_path, name, content, problem):
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    out = tmp_path / "out"
    done = run("evaluate", str(SEED_REF), str(bad), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 3
    errors = [line for line in done.stderr.splitlines() if line.startswith("mtqe: error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and problem in errors[0]
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_undecodable_bytes_name_the_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\nfine\n" + bytes(range(128, 256)))
    done = run("evaluate", str(bad), str(SEED_HYP), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 3
    assert f"mtqe: error: {bad}:3:" in done.stderr


def test_aligned_with_different_line_counts_names_both_files(tmp_path):
    done = run("evaluate", str(SEED_REF), str(SEED_HYP), "--aligned", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 3
    assert str(SEED_HYP) in done.stderr and str(SEED_REF) in done.stderr
    assert "--aligned needs the same number of lines" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", str(SEED_REF)],  # a reference but no hypothesis
        ["evaluate", "--no-such-option"],
        ["evaluate", "--lang", "xx"],
        ["evaluate", "--bootstrap", "5"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(tmp_path, args):
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()


def test_unwritable_output_exits_3(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    done = run("evaluate", "-o", str(blocker / "reports"), cwd=tmp_path)
    assert done.returncode == 3
    assert "mtqe: error:" in done.stderr and "Traceback" not in done.stderr


def test_report_renders_the_same_page_again_from_results(tmp_path):
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(tmp_path), "-q"]) == 0
    original = (tmp_path / "report.html").read_bytes()
    assert main(["report", str(tmp_path / "results.json"), "-o", str(tmp_path / "again.html")]) == 0
    assert (tmp_path / "again.html").read_bytes() == original
    (tmp_path / "report.html").unlink()
    assert main(["report", str(tmp_path / "results.json")]) == 0  # default: beside the results
    assert (tmp_path / "report.html").read_bytes() == original


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file"), ('{"schema_version": "1",', "not valid JSON"), ('{"a": 1}', "no schema_version")],
)
def test_report_refuses_bad_results_with_exit_3(tmp_path, content, problem):
    results = tmp_path / "results.json"
    if content is not None:
        results.write_text(content, encoding="utf-8")
    done = run("report", str(results), cwd=tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith(f"mtqe: error: {results}") and problem in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "report.html").exists()


def _paragraphs_deleted(tmp_path: Path, first: int, last: int) -> Path:
    paragraphs = [p for p in SEED_HYP.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    path = tmp_path / f"cut-{first}-{last}.txt"
    path.write_text("\n\n".join(paragraphs[:first] + paragraphs[last + 1 :]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline")
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out), "-q"]) == 0
    assert main(["baseline", "save", str(out / "results.json"), "-o", str(out / "base.json")]) == 0
    return out


def test_gate_passes_identical_output_and_writes_ci_files(tmp_path, seed_baseline):
    args = ["gate", str(seed_baseline / "results.json"), "--baseline", str(seed_baseline / "base.json")]
    outputs = ["--markdown", str(tmp_path / "s.md"), "--junit", str(tmp_path / "j.xml")]
    history = ["--history", str(tmp_path / "h.jsonl"), "--commit", "abc123"]
    done = run(*args, *outputs, *history, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("mtqe gate: IDENTICAL")
    assert (tmp_path / "s.md").read_text(encoding="utf-8").startswith("### mtqe gate passed")
    assert "<testsuites" in (tmp_path / "j.xml").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "h.jsonl").read_text(encoding="utf-8"))["commit"] == "abc123"


def test_gate_fails_a_real_regression_with_exit_1(tmp_path, seed_baseline):
    cut = _paragraphs_deleted(tmp_path, 1, 4)
    assert main(["evaluate", str(SEED_REF), str(cut), "-o", str(tmp_path / "run"), "-q"]) == 0
    history = tmp_path / "h.jsonl"
    for _ in range(2):
        done = run(
            "gate", str(tmp_path / "run" / "results.json"), "-b", str(seed_baseline / "base.json"),
            "--history", str(history), cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("mtqe gate: FAIL: regression: chrF 76.57 ->")
    assert len(history.read_text(encoding="utf-8").splitlines()) == 2
    assert main(["history", str(history)]) == 0
    page = (tmp_path / "history.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 6 and "over 2 runs" in page
    report = tmp_path / "with-trend.html"
    assert main(["report", str(tmp_path / "run" / "results.json"), "--history", str(history), "-o", str(report)]) == 0
    assert "Corpus scores of the runs recorded in the gate history" in report.read_text(encoding="utf-8")


def test_a_missing_baseline_passes_or_fails_as_asked(tmp_path, seed_baseline):
    args = ["gate", str(seed_baseline / "results.json"), "-b", str(tmp_path / "none.json")]
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 0 and "no baseline at" in done.stdout and "mtqe baseline save" in done.stdout
    assert run(*args, "--missing-baseline", "fail", cwd=tmp_path).returncode == 4


def test_a_baseline_from_other_settings_exits_4(tmp_path):
    ref = tmp_path / "ref.txt"
    ref.write_text("".join(f"Line {k} is a sentence.\n" for k in range(12)), encoding="utf-8")
    assert main(["evaluate", str(ref), str(ref), "--aligned", "-o", str(tmp_path / "a"), "-q"]) == 0
    assert main(["baseline", "save", str(tmp_path / "a" / "results.json"), "-o", str(tmp_path / "b.json")]) == 0
    assert main(["evaluate", str(ref), str(ref), "-o", str(tmp_path / "n"), "-q"]) == 0
    done = run("gate", str(tmp_path / "n" / "results.json"), "-b", str(tmp_path / "b.json"), cwd=tmp_path)
    assert done.returncode == 4
    assert "setting aligned is False now but True in the baseline" in done.stdout


@pytest.mark.parametrize(("content", "problem"), [("", "file is empty"), ('{"mtqe_baseline": "1"}', "lacks the field")])
def test_a_corrupt_baseline_exits_4(tmp_path, seed_baseline, content, problem):
    (tmp_path / "b.json").write_text(content, encoding="utf-8")
    done = run("gate", str(seed_baseline / "results.json"), "-b", str(tmp_path / "b.json"), cwd=tmp_path)
    assert done.returncode == 4
    assert done.stderr.startswith(f"mtqe: error: {tmp_path / 'b.json'}") and problem in done.stderr
    assert "Traceback" not in done.stderr


def test_a_corrupt_history_exits_4_and_is_left_alone(tmp_path, seed_baseline):
    history = tmp_path / "h.jsonl"
    history.write_text('{"mtqe_history": "1", "scores": {}}\nnot json\n', encoding="utf-8")
    args = ["gate", str(seed_baseline / "results.json"), "-b", str(seed_baseline / "base.json")]
    done = run(*args, "--history", str(history), cwd=tmp_path)
    assert done.returncode == 4 and f"{history}:2: corrupt history line" in done.stderr
    assert history.read_text(encoding="utf-8").endswith("not json\n")
    assert run("history", str(history), cwd=tmp_path).returncode == 4


@pytest.mark.parametrize(
    ("edit", "rule", "code"),
    [
        (lambda text: text.replace("100,000", "150,000"), "critical:number", 7),
        (lambda text: text.replace("we will have severe", "we will not have severe"), "critical:negation", 7),
    ],
)  # fmt: skip
def test_gate_rules_fail_with_their_own_exit_code_and_junit_case(tmp_path, seed_baseline, edit, rule, code):
    from lxml import etree

    edited = tmp_path / "hyp.txt"
    edited.write_text(edit(SEED_HYP.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["evaluate", str(SEED_REF), str(edited), "-o", str(tmp_path / "run"), "-q"]) == 0
    base = ["gate", str(tmp_path / "run" / "results.json"), "-b", str(seed_baseline / "base.json")]
    assert run(*base, cwd=tmp_path).returncode == 0  # one changed word is no significant regression
    kinds = ["--fail-on-critical", rule.split(":")[1], "--fail-on-omission"]
    done = run(*base, *kinds, "--junit", str(tmp_path / "j.xml"), "--markdown", str(tmp_path / "m.md"), cwd=tmp_path)
    assert done.returncode == code, done.stdout + done.stderr
    assert done.stdout.startswith("mtqe gate: FAIL: rule failed: 1 new ")
    assert f"rule {rule}: FAIL" in done.stdout and "rule omission: PASS" in done.stdout
    junit = etree.parse(str(tmp_path / "j.xml"))
    failed = [case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None]
    assert failed == [rule]
    assert "| fail |" in (tmp_path / "m.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra", [["--metric", "meteor"], ["--warn-drop", "2", "--fail-drop", "1"], ["--alpha", "2"],
                                   ["--fail-on-critical", "dates"]])  # fmt: skip
def test_gate_usage_errors_exit_2(tmp_path, seed_baseline, extra):
    done = run(
        "gate", str(seed_baseline / "results.json"), "-b", str(seed_baseline / "base.json"), *extra, cwd=tmp_path
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_several_systems_are_ranked_with_paired_significance(tmp_path):
    cut = _paragraphs_deleted(tmp_path, 1, 4)
    done = run("evaluate", str(SEED_REF), str(SEED_HYP), str(cut), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["ranking"] == {"metric": "chrf", "systems": ["000_47139297fadea2d9", "cut-1-4"]}
    [comparison] = data["comparisons"]
    assert comparison["system"] == "cut-1-4" and comparison["against"] == "000_47139297fadea2d9"
    chrf = comparison["metrics"]["chrf"]
    first, second = (s["corpus"]["chrf"]["score"] for s in data["systems"])
    assert chrf["delta"] == second - first
    assert chrf["p_bootstrap"] < 0.05 and chrf["p_randomization"] < 0.05
    assert "ranking by chrF: 1. 000_47139297fadea2d9" in done.stdout


def test_seed_zero_is_honoured_by_evaluate(tmp_path):
    for seed in ("0", "12345"):
        assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(tmp_path / seed), "--seed", seed, "-q"]) == 0
    zero, default = (json.loads((tmp_path / s / "results.json").read_text(encoding="utf-8")) for s in ("0", "12345"))
    assert zero["settings"]["seed"] == 0
    assert zero["systems"][0]["corpus"]["chrf"]["signature"].count("seed:0|") == 1
    assert zero["systems"][0]["corpus"]["chrf"]["ci_low"] != default["systems"][0]["corpus"]["chrf"]["ci_low"]


def test_an_output_that_is_an_input_is_refused(tmp_path):
    ref = tmp_path / "results.json"
    ref.write_bytes(SEED_REF.read_bytes())
    done = run("evaluate", str(ref), str(SEED_HYP), "-o", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 3 and "is both an input and an output" in done.stderr
    assert ref.read_bytes() == SEED_REF.read_bytes()
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(tmp_path / "out"), "-q"]) == 0
    results = tmp_path / "out" / "results.json"
    assert run("report", str(results), "-o", str(results), cwd=tmp_path).returncode == 3
    assert run("baseline", "save", str(results), "-o", str(results), cwd=tmp_path).returncode == 3
    json.loads(results.read_text(encoding="utf-8"))  # untouched


def test_output_piped_to_a_closed_reader_keeps_the_exit_code(tmp_path, seed_baseline):
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = (
        f"{sys.executable} -m mtqe gate {seed_baseline / 'results.json'} -b {seed_baseline / 'base.json'} | head -c 10"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_standard_output_is_one_line_and_exit_3(tmp_path, seed_baseline):
    """The gate's files are written; the verdict it could not print is reported, not a traceback."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "mtqe", "gate", str(seed_baseline / "results.json"), "-b",
             str(seed_baseline / "base.json")], cwd=tmp_path, env=env, stdout=full, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert done.returncode == 3
    assert done.stderr == "mtqe: error: standard output: cannot write: No space left on device\n"


def test_symbolic_link_loops_and_a_file_as_output_folder_are_one_line(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    cases = [
        (
            ["evaluate", "a", str(SEED_HYP), "-o", "out"],
            "mtqe: error: a: cannot read: Too many levels of symbolic links",
        ),
        (
            ["evaluate", str(SEED_REF), str(SEED_HYP), "-o", "a"],
            "mtqe: error: a: is a symbolic link that leads nowhere",
        ),
        (["evaluate", str(SEED_REF), str(SEED_HYP), "-o", "file"], "mtqe: error: file: is a file, not a folder"),
        (["evaluate", str(SEED_REF), str(SEED_HYP), "-o", "file/sub"], "mtqe: error: file: is a file, not a folder"),
        (["evaluate", str(SEED_REF), str(SEED_HYP), "-o", "a/sub"], "mtqe: error: a: is a symbolic link that leads"),
        (["report", "a", "-o", "page.html"], "mtqe: error: a: cannot read: Too many levels of symbolic links"),
    ]
    for args, line in cases:
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 3 and done.stderr.startswith(line) and done.stderr.count("\n") == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "file"]  # nothing written, nothing left


def test_ctrl_c_while_the_command_is_still_importing_is_one_line(monkeypatch, capsys):
    import importlib.abc

    from mtqe import launch

    class Interrupted(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "mtqe.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "mtqe.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    assert launch.main() == 130
    assert capsys.readouterr().err == "mtqe: interrupted while starting; nothing was written\n"


def test_a_c_locale_changes_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C", "LANG": "C"}
    out = tmp_path / "c"
    done = subprocess.run(
        [sys.executable, "-m", "mtqe", "evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(tmp_path / "utf8"), "-q"]) == 0
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (tmp_path / "utf8" / name).read_bytes()


def test_help_imports_no_numba_scipy_or_pandas():
    """Start-up stays fast: the heavy libraries are imported by the commands that need them."""
    script = (
        "import sys\nfrom mtqe.cli import main\n"
        "for argv in (['--help'], ['evaluate', '--help'], ['gate', '--help']):\n"
        "    assert main(argv) == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'scipy', 'pandas', 'dask', 'sacrebleu'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_installed_wheel_evaluates_the_packaged_samples_from_an_empty_folder(tmp_path):
    """`pip install .` ships the sample documents: `mtqe evaluate` needs no source checkout."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    import zipfile

    installed = tmp_path / "site"
    with zipfile.ZipFile(next(wheels.glob("mtqe-*.whl"))) as wheel:
        wheel.extractall(installed)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-c", "import mtqe.cli, sys; print(mtqe.cli.__file__); sys.exit(mtqe.cli.main(['evaluate']))"],
        cwd=empty, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(installed))  # the wheel's mtqe, not the source tree
    assert {p.name for p in (empty / "reports").iterdir()} == OUTPUTS
    assert "25 sentences, 3 metadata lines set aside" in done.stdout


def test_mtqe_errors_map_to_their_documented_codes(tmp_path):
    from mtqe.cli import EXIT_CODES
    from mtqe.errors import BaselineError, EngineError, InputError, MtqeError, OutputError, SettingsError

    assert {SettingsError: 2, InputError: 3, OutputError: 3, BaselineError: 4, EngineError: 5} == EXIT_CODES
    assert all(issubclass(cls, MtqeError) for cls in EXIT_CODES)
    assert run("evaluate", str(SEED_REF), str(SEED_HYP), "--encoding", "", cwd=tmp_path).returncode == 2


def test_the_packaged_samples_are_the_seeds():
    for name in ("002_27e87b73d9c2024c.txt", "000_47139297fadea2d9.txt"):
        assert (ROOT / "mtqe" / "samples" / name).read_bytes() == (ROOT / "seeds" / name).read_bytes()


def test_help_and_the_gate_import_only_what_they_use(tmp_path):
    """Start-up, in a fresh process: `--help` formats without rich (0.15 s of import), and the gate reads
    the JSON it compares without the text checker (ftfy) or any scorer, aligner or compiler."""
    import subprocess
    import sys

    from mtqe.cli import main

    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(tmp_path / "run"), "-q"]) == 0
    assert main(["baseline", "save", str(tmp_path / "run" / "results.json"), "-o", str(tmp_path / "b.json")]) == 0
    heavy = ("rich", "ftfy", "scipy", "numba", "sacrebleu", "jiwer", "jinja2", "pandas")
    script = (
        "import sys\nfrom mtqe.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
        f"print(code, *(name for name in {heavy!r} if name in sys.modules))\n"
    )
    runs = {"help": ["--help"], "gate": ["gate", "run/results.json", "-b", "b.json"]}
    seen = {}
    for name, argv in runs.items():
        done = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp_path, capture_output=True, text=True,
                              check=False)  # fmt: skip
        seen[name] = done.stdout.splitlines()[-1].split()  # the exit code and the heavy modules imported
    assert seen == {"help": ["0"], "gate": ["0"]}
