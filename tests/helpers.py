"""Small builders shared by the tests."""

from __future__ import annotations

import hashlib
import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from mtqe.model import Document, Evaluation, Settings, SourceText
from mtqe.pipeline import evaluate
from mtqe.segment import segment_document


def document(text: str, path: str = "doc.txt") -> Document:
    return segment_document(SourceText(path=path, text=text, sha256="0" * 64, encoding="utf-8"))


def evaluate_texts(ref: str, *hyps: str, bootstrap: int = 200) -> Evaluation:
    reference = document(ref, "ref.txt")
    hypotheses = [document(text, f"hyp{k}.txt") for k, text in enumerate(hyps)]
    return evaluate(reference, hypotheses, Settings(bootstrap=bootstrap))


def synthetic_results(count: int, *, systems: int = 1) -> dict:
    """results.json data of ``count`` links built from the TED lines with the schema's own builders, for page
    tests and benchmarks of large reports. The scores are made up (deterministically): this tests pages, not
    numbers."""
    from mtqe.model import METRICS, CorpusScore, Settings
    from mtqe.schema import document_record, results_record, segment_record, system_record
    from tests.tedpairs import load_ted

    ref_lines, hyp_lines = load_ted()
    corpus = {m: CorpusScore(50.0, 49.0, 51.0, "synthetic") for m in METRICS}
    system_entries = []
    ref_id = 0
    for s in range(systems):
        segments = []
        ref_id = hyp_id = 0
        for k in range(count):
            ref, hyp = ref_lines[k % len(ref_lines)], hyp_lines[(k + s) % len(hyp_lines)]
            kind = "omission" if k % 37 == 5 else "addition" if k % 53 == 7 else "match"
            ref_ids = [] if kind == "addition" else [ref_id]
            hyp_ids = [] if kind == "omission" else [hyp_id]
            ref_id += len(ref_ids)
            hyp_id += len(hyp_ids)
            scores = {m: float((k * 7919 + 31 * j + s) % 1000) / 10 for j, m in enumerate(METRICS)}
            segments.append(segment_record(kind, ref_ids, hyp_ids, ref if ref_ids else "", hyp if hyp_ids else "",
                                           scores))  # fmt: skip
        counts = {kind: sum(1 for seg in segments if seg["kind"] == kind) for kind in ("match", "omission", "addition")}
        document = document_record(f"system{s}.txt", "0" * 64, "utf-8", [], range(1, hyp_id + 1))
        analysis = {"by_length": [], "ngrams": {}}
        system_entries.append(system_record(f"system{s}", document, counts, corpus, segments, analysis, []))
    reference = document_record("reference.txt", "0" * 64, "utf-8", [], range(1, ref_id + 1))
    return dict(results_record(Settings(), reference, system_entries))


def results_of(
    ref: str, hyp: str, *, aligned: bool = False, bootstrap: int = 100, paths=("ref.txt", "hyp.txt")
) -> dict:
    """results.json data for two texts, exactly as mtqe evaluate writes it."""
    from mtqe.schema import evaluation_to_dict
    from mtqe.segment import lines_as_sentences

    def build(text: str, path: str) -> Document:
        source = SourceText(path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), encoding="utf-8")
        return lines_as_sentences(source) if aligned else segment_document(source)

    evaluation = evaluate(build(ref, paths[0]), [build(hyp, paths[1])], Settings(aligned=aligned, bootstrap=bootstrap))
    return evaluation_to_dict(evaluation)


def ted_lines(count: int = 300) -> tuple[str, list[str]]:
    """The first ``count`` TED reference lines as text, and the system's lines as a list to edit."""
    from tests.tedpairs import load_ted

    ref, hyp = load_ted()
    return "\n".join(ref[:count]) + "\n", hyp[:count]


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


def run_in_process(argv: list[str], cwd: Path) -> Done:
    """``mtqe ARGV`` in this process, in ``cwd``: what a user would see, without starting Python again."""
    from mtqe.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(previous)
    return Done(code, out.getvalue(), err.getvalue())
