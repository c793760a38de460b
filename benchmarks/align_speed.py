"""Alignment time on real documents: about 2,000 x 2,000 and 10,000 x 10,000 sentences.

    python benchmarks/align_speed.py

Documents are built by tests/docpairs.py from TED and WMT22 output (paragraphs, drops, insertions,
merges and splits, as in benchmarks/align_quality.py), and the 10,000-sentence pair by putting six of
them end to end. Prints the time of mtqe.pipeline.align_documents (the guided-split check, TF-IDF
vectors, the banded search and the link confidence), warm, on one core, and the time of segmentation
for comparison.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqe.model import SourceText
from mtqe.pipeline import align_documents
from mtqe.segment import segment_document
from tests import docpairs


def texts(pairs: list[docpairs.DocPair]) -> tuple[str, str, str]:
    return "\n\n".join(p.ref_text for p in pairs), "\n\n".join(p.hyp_text for p in pairs), pairs[0].language


def timed(ref_text: str, hyp_text: str, language: str) -> tuple[int, int, float, float]:
    start = time.perf_counter()
    ref = segment_document(SourceText("ref.txt", ref_text, "", "utf-8"), language)
    hyp = segment_document(SourceText("hyp.txt", hyp_text, "", "utf-8"), language)
    segmented = time.perf_counter()
    align_documents(ref, hyp)
    return len(ref.sentences), len(hyp.sentences), segmented - start, time.perf_counter() - segmented


def main() -> None:
    warm = docpairs.make_pair("ted", 0, 50)
    timed(warm.ref_text, warm.hyp_text, "en")  # compiled kernels loaded once, as in a real run
    cases = {f"{source}, whole test set": texts([docpairs.make_pair(source, 100, 2500)]) for source in docpairs.SOURCES}
    english = [docpairs.make_pair(source, seed, 2500) for seed in (100, 101, 102) for source in ("ted", "wmt22-en")]
    cases["TED + WMT22 zh-en, six end to end"] = texts(english)
    print(f"{'document pair':36} {'sentences':>15} {'segment':>8} {'align':>8}")
    for name, (ref_text, hyp_text, language) in cases.items():
        refs, hyps, segment_seconds, align_seconds = timed(ref_text, hyp_text, language)
        print(f"{name:36} {refs:>7} x {hyps:<6} {segment_seconds:7.2f}s {align_seconds:7.2f}s")


if __name__ == "__main__":
    main()
