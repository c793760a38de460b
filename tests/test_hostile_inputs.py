"""Awkward inputs from tests/data/cases/<case>/ through the command line: a correct result or one clear line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.helpers import Done, run_in_process

CASES = DATA / "cases"


def evaluate(case: str, *options: str, tmp_path: Path) -> tuple[Done, dict | None]:
    out = tmp_path / "out"
    argv = ["evaluate", str(CASES / case / "ref.txt"), str(CASES / case / "hyp.txt"), "-o", str(out),
            "--bootstrap", "100", *options]  # fmt: skip
    done = run_in_process(argv, tmp_path)
    results = json.loads((out / "results.json").read_text(encoding="utf-8")) if done.returncode == 0 else None
    assert "Traceback" not in done.stderr
    return done, results


def hyps(results: dict) -> list[str]:
    return [s["hyp"] for s in results["systems"][0]["segments"]]


def findings(results: dict, side: str = "systems") -> list[str]:
    entry = results["systems"][0] if side == "systems" else results["reference"]
    return [f["kind"] for f in entry["findings"]]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no_final_newline", ["The cat sat.", "A dog ran."]),
        ("cr_only", ["The cat sat.", "A dog ran."]),
        ("one_char_lines", ["a", "c", ".", "7"]),
        ("empty_lines", ["First line.", "", "Third one."]),
        ("unicode_separators", ["One\u2028line with separator.", "Second."]),
        ("bom_start", ["Hello there.", "General Kenobi."]),
    ],
)
def test_line_handling_in_aligned_mode_keeps_every_line(tmp_path, case, expected):
    done, results = evaluate(case, "--aligned", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert hyps(results) == expected


@pytest.mark.parametrize("case", ["extra_line", "trailing_blank_line"])
def test_different_line_counts_are_refused_naming_both(tmp_path, case):
    done, _ = evaluate(case, "--aligned", tmp_path=tmp_path)
    assert done.returncode == 3
    [error] = [line for line in done.stderr.splitlines() if line.startswith("mtqe: error:")]
    assert "has 3 lines but the reference" in error and "has 2" in error


def test_a_whitespace_only_hypothesis_is_refused(tmp_path):
    done, _ = evaluate("whitespace_only", tmp_path=tmp_path)
    assert done.returncode == 3 and "hyp.txt: file has no text" in done.stderr


def test_invalid_utf8_names_file_and_line(tmp_path):
    done, _ = evaluate("invalid_utf8", tmp_path=tmp_path)
    assert done.returncode == 3 and "hyp.txt:2: not valid UTF-8" in done.stderr


@pytest.mark.parametrize(("case", "kind"), [("latin1", "encoding"), ("cp1252", "encoding"), ("bom_start", "bom")])
def test_legacy_encodings_are_decoded_and_reported(tmp_path, case, kind):
    done, results = evaluate(case, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert kind in findings(results)
    reference = (CASES / case / "ref.txt").read_text(encoding="utf-8")
    assert hyps(results)[0][:6] == reference.lstrip("\ufeff")[:6]  # "Grüße", "Mélani", "Hello "


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("bom_middle", "byte-order mark character inside the text"),
        ("zero_width", "control or invisible characters (the first: U+200B)"),
        ("unicode_separators", "line separator that is not a newline"),
        ("nfd", "not in Unicode NFC"),
    ],
)
def test_invisible_and_unusual_characters_are_reported(tmp_path, case, message):
    done, results = evaluate(case, "--aligned", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    notes = [f["message"] for f in results["systems"][0]["findings"]]
    assert any(message in note for note in notes), notes
    assert message in done.stderr


def test_nfc_normalization_is_offered_and_changes_the_score(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "nfc").mkdir()
    _, plain = evaluate("nfd", "--aligned", tmp_path=tmp_path / "plain")
    _, normalized = evaluate("nfd", "--aligned", "--normalize", "nfc", tmp_path=tmp_path / "nfc")
    assert plain["systems"][0]["corpus"]["chrf"]["score"] < 100
    assert normalized["systems"][0]["corpus"]["chrf"]["score"] == 100
    assert normalized["settings"]["normalize"] == "nfc"


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_special_files_are_refused(tmp_path, special):
    path = special
    if special == "fifo":
        path = str(tmp_path / "pipe")
        os.mkfifo(path)
    done = run_in_process(["evaluate", str(CASES / "cr_only" / "ref.txt"), path, "-o", str(tmp_path / "o")], tmp_path)
    assert done.returncode == 3 and f"{path}: is not a regular file" in done.stderr


def test_an_internal_error_exits_70_with_a_hint(tmp_path, monkeypatch):
    from mtqe import cli, pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "evaluate", broken)
    code = cli.main(["evaluate", "-o", str(tmp_path / "o"), "-q"])
    assert code == 70 and not (tmp_path / "o").exists()


def test_ctrl_c_while_writing_leaves_no_half_file(tmp_path, monkeypatch):
    from mtqe import cli

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    out = tmp_path / "o"
    assert cli.main(["evaluate", "-o", str(out), "-q"]) == 130
    assert not out.exists() or [p.name for p in out.iterdir()] == []


def test_huge_lines_and_loops_finish_with_a_note(tmp_path):
    """A 200,000-token line, a looping hallucination and a 2,000-token reordered segment."""
    import random

    rng = random.Random(7)
    words = [f"w{rng.randrange(5000)}" for _ in range(200_000)]
    shuffled = rng.sample(words, 20_000)
    loop = " ".join(["and then we said that"] * 3000)
    ref = tmp_path / "ref.txt"
    hyp = tmp_path / "hyp.txt"
    ref.write_text(f"Short line.\n{' '.join(words)}\nWe said that once.\n{' '.join(words[:2000])}\n", encoding="utf-8")
    hyp.write_text(
        f"Short line.\n{' '.join(shuffled)}\n{loop}\n{' '.join(words[1000:2000] + words[:1000])}\n", encoding="utf-8"
    )
    argv = ["evaluate", str(ref), str(hyp), "--aligned", "-o", str(tmp_path / "o"), "--bootstrap", "100"]
    done = run_in_process(argv, tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert results["systems"][0]["notes"] == [
        "link 1: TER without shifts (20000 x 200000 words is beyond TER's shift search); "
        "its TER is the word edit distance, an upper bound",
        "link 1: CER is an upper bound: 1155672 x 115638 characters are too long and too different for the exact "
        "edit distance in bounded time",
        "link 1: not checked for critical changes: its 1271310 characters are more than the checks' 50000",
        "link 2: not checked for critical changes: its 66017 characters are more than the checks' 50000",
    ]
    assert [s["critical"] for s in results["systems"][0]["segments"][1:3]] == [[], []]
    assert "TER without shifts" in done.stderr
    assert all(0 <= s["chrf"] <= 100 for s in results["systems"][0]["segments"])


def test_long_lines_keep_exact_error_rates_when_close_and_bound_them_when_not():
    """CER and WER are jiwer's exact numbers for long lines that differ little (a banded search), and upper
    bounds, found in bounded time, for long lines that differ everywhere (edit_bounded says which)."""
    import random

    import jiwer

    from mtqe.fast_stats import EDIT_MAX_CELLS, edit_bounded, error_rate_stats

    rng = random.Random(5)
    ref = "".join(rng.choice("abcdefgh") for _ in range(150_000))
    close = ref[:70_000] + "xyz" + ref[70_003:100_000] + ref[100_050:]
    far = "".join(rng.choice("abcdefgh") for _ in range(150_000))
    assert len(ref) * len(far) > EDIT_MAX_CELLS
    (edits, n, m), (far_edits, _, far_m) = error_rate_stats([close, far], [ref, ref], words=False).tolist()
    assert edits / n == jiwer.cer(ref, close) and not edit_bounded(edits, n, m)
    assert edit_bounded(far_edits, n, far_m) and far_edits >= 0.5 * n  # random text: about 0.55 x n edits
    assert far_edits <= max(n, far_m)


def test_encoded_surrogates_never_reach_the_pipeline(tmp_path):
    """UTF-8 cannot encode a lone surrogate; bytes that try to (ED A0 80) are refused or read as cp1252, said."""
    hyp = tmp_path / "hyp.txt"
    hyp.write_bytes(b"A lone surrogate \xed\xa0\x80 here.\n")
    done = run_in_process(
        ["evaluate", str(CASES / "cr_only" / "ref.txt"), str(hyp), "-o", str(tmp_path / "o")], tmp_path
    )
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        assert "decoded as cp1252" in done.stderr
        text = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
        assert all("\ud800" not in s["hyp"] for s in text["systems"][0]["segments"])
    else:
        assert done.returncode == 3 and "hyp.txt:1: not valid UTF-8" in done.stderr


def test_a_hypothesis_with_nothing_in_common_is_scored(tmp_path):
    from mtqe.io import read_text
    from mtqe.model import Settings
    from mtqe.pipeline import evaluate as evaluate_documents
    from mtqe.segment import segment_document

    ref = tmp_path / "ref.txt"
    hyp = tmp_path / "hyp.txt"
    ref.write_text("The committee approved the budget.\nIt will be spent on bridges.\n", encoding="utf-8")
    hyp.write_text("Zebras graze quietly.\nNothing else matters now.\nQuite unrelated!\n", encoding="utf-8")
    result = evaluate_documents(
        segment_document(read_text(ref)), [segment_document(read_text(hyp))], Settings(bootstrap=100)
    )
    system = result.systems[0]
    assert [i for s in system.segments for i in s.link.ref_ids] == [0, 1]
    assert [j for s in system.segments for j in s.link.hyp_ids] == [0, 1, 2]
    assert system.corpus["bleu"].score < 10 and system.corpus["chrf"].score < 30 and system.corpus["ter"].score > 80
