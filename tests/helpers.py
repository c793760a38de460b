"""Small builders shared by the tests."""

from __future__ import annotations

from mtqe.evaluate import evaluate
from mtqe.model import Document, Evaluation, Settings, SourceText
from mtqe.segment import segment_document


def document(text: str, path: str = "doc.txt") -> Document:
    return segment_document(SourceText(path=path, text=text, sha256="0" * 64, encoding="utf-8"))


def evaluate_texts(ref: str, *hyps: str, bootstrap: int = 200) -> Evaluation:
    reference = document(ref, "ref.txt")
    hypotheses = [document(text, f"hyp{k}.txt") for k, text in enumerate(hyps)]
    return evaluate(reference, hypotheses, Settings(bootstrap=bootstrap))
