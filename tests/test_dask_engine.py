"""The Dask engine: a local cluster of two workers gives exactly the local numbers."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("distributed", reason="the Dask engine is an optional extra: pip install -e '.[dask]'")

import pandas as pd

from mtqe.cli import main
from tests.tedpairs import load_ted

PAIRS = 40_000  # two reading chunks and several partitions; the benchmark runs 200,000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    refs, hyps = load_ted()
    folder = tmp_path_factory.mktemp("pairs")
    ref_lines, hyp_lines = [], []
    for k in range(PAIRS):
        tag = f" ({k // len(refs)})"
        ref_lines.append(refs[k % len(refs)] + tag)
        hyp_lines.append(hyps[k % len(hyps)] + tag)
    pd.DataFrame({"ref": ref_lines, "hyp": hyp_lines}).to_parquet(folder / "pairs.parquet")
    (folder / "ref.txt").write_text("\n".join(ref_lines) + "\n", encoding="utf-8")
    (folder / "hyp.txt").write_text("\n".join(hyp_lines) + "\n", encoding="utf-8")
    return folder


def results(folder) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def test_two_dask_workers_give_exactly_the_local_numbers(corpus, tmp_path):
    options = ["--bootstrap", "200", "--workers", "2", "-q"]
    assert main(["evaluate", "--engine", "dask", "--input", str(corpus / "pairs.parquet"), "-o", str(tmp_path / "d"),
                 *options]) == 0  # fmt: skip
    assert main(["evaluate", str(corpus / "ref.txt"), str(corpus / "hyp.txt"), "--aligned", "--stream",
                 "-o", str(tmp_path / "l"), *options]) == 0  # fmt: skip
    on_dask, local = results(tmp_path / "d"), results(tmp_path / "l")
    assert on_dask["systems"][0]["corpus"] == local["systems"][0]["corpus"]
    assert on_dask["systems"][0]["analysis"] == local["systems"][0]["analysis"]  # by length and n-grams
    assert on_dask["systems"][0]["counts"]["match"] == PAIRS
    segments = pd.read_parquet(tmp_path / "d" / "segments.parquet").sort_values("segment")
    streamed = pd.read_csv(tmp_path / "l" / "segments.csv", keep_default_na=False)
    assert segments["segment"].tolist() == list(range(PAIRS))
    assert (segments["chrf"].to_numpy() == streamed["chrf"].to_numpy()).all()
    assert (segments["ter"].to_numpy() == streamed["ter"].to_numpy()).all()
    page = (tmp_path / "d" / "report.html").read_text(encoding="utf-8")
    assert "This run was streamed" in page and f"of its {PAIRS} links" in page


def test_json_lines_input(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        "".join(json.dumps({"ref": f"Line {k} of the text.", "hyp": f"Line {k} of a text."}) + "\n" for k in range(50)),
        encoding="utf-8",
    )
    assert main(["evaluate", "--engine", "dask", "--input", str(pairs), "-o", str(tmp_path / "o"), "--workers", "1",
                 "--bootstrap", "100", "-q"]) == 0  # fmt: skip
    assert results(tmp_path / "o")["systems"][0]["counts"]["match"] == 50


@pytest.mark.parametrize("args", [["evaluate", "--engine", "dask"], ["evaluate", "--engine", "dask", "a.txt", "b.txt"]])
def test_the_dask_engine_needs_line_aligned_pairs(args, tmp_path):
    assert main([*args, "-o", str(tmp_path / "o")]) == 2


def test_an_unreachable_scheduler_is_one_line_and_exit_5(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("mtqe.dask_engine.CONNECT_TIMEOUT", "2s")
    ref = tmp_path / "ref.txt"
    ref.write_text("One line.\nTwo lines.\n", encoding="utf-8")
    code = main(["evaluate", "--engine", "dask", "--aligned", str(ref), str(ref), "--scheduler", "tcp://127.0.0.1:9",
                 "-o", str(tmp_path / "o"), "-q"])  # fmt: skip
    errors = capsys.readouterr().err.strip().splitlines()
    assert code == 5 and len(errors) == 1 and errors[0].startswith("mtqe: error: cannot reach the Dask scheduler")
    assert not (tmp_path / "o").exists()


def test_a_failed_dask_run_keeps_the_previous_outputs_whole(tmp_path):
    ref = tmp_path / "ref.txt"
    ref.write_text("".join(f"Line {k} of the text.\n" for k in range(30)), encoding="utf-8")
    out = tmp_path / "o"
    options = ["--engine", "dask", "--workers", "1", "--bootstrap", "100", "-q", "-o", str(out)]
    assert main(["evaluate", "--aligned", str(ref), str(ref), *options]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.rglob("*")}
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["evaluate", "--input", str(empty), *options]) == 3
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*")} == before  # nothing written, nothing left
    assert len(pd.read_parquet(out / "segments.parquet")) == 30
    assert main(["evaluate", "--input", str(out / "segments.parquet"), *options]) == 3  # an output as input


def test_a_dask_run_is_gated_from_its_statistics_file(tmp_path):
    """A Dask run keeps no texts in results.json; its statistics file is what a baseline and the gate need."""
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("".join(f"Line {k} of the text, as written.\n" for k in range(30)), encoding="utf-8")
    hyp.write_text("".join(f"Line {k} of a text, as written here.\n" for k in range(30)), encoding="utf-8")
    common = ["evaluate", "--aligned", str(ref), str(hyp), "--bootstrap", "100", "-q"]
    assert main([*common, "--engine", "dask", "--workers", "1", "-o", str(tmp_path / "dask")]) == 0
    assert main([*common, "--engine", "memory", "-o", str(tmp_path / "memory")]) == 0
    dask_baseline, memory_baseline = tmp_path / "dask.json", tmp_path / "memory.json"
    assert main(["baseline", "save", str(tmp_path / "dask" / "results.json"), "-o", str(dask_baseline)]) == 0
    assert main(["baseline", "save", str(tmp_path / "memory" / "results.json"), "-o", str(memory_baseline)]) == 0
    assert dask_baseline.read_bytes() == memory_baseline.read_bytes()
    (tmp_path / "dask" / "statistics.npy").unlink()  # without it, the texts are elsewhere: a clear refusal
    assert main(["baseline", "save", str(tmp_path / "dask" / "results.json"), "-o", str(tmp_path / "b.json")]) == 3


def test_input_is_for_the_dask_engine_only(tmp_path):
    assert main(["evaluate", "--input", str(tmp_path / "t.parquet"), "--engine", "memory", "-o", str(tmp_path)]) == 2
