"""Alignment quality on real MT documents with a known alignment: strict and lax link P/R/F1 per source.

    python benchmarks/align_quality.py [--documents 5] [--size 200]

Builds document pairs from TED and WMT22 (German, and English from Chinese) with drops, insertions,
2-4 unit merges, splits, headlines, different paragraph breaks, and lower-cased unpunctuated copies
(tests/docpairs.py), aligns them as mtqe does, and prints link precision/recall/F1, strict (a predicted
link equals a gold link) and lax (it overlaps one), the best strict F1 any alignment of whole sentences
can reach (sentences that span units force merged links), strict F1 against the gold joined where a
reference sentence spans units ("sent.": the reference as written, whose sentences an aligner links
but never cuts; hypothesis sentences that span units still count against it), recall per gold link type, the share of
reference sentences wrongly reported as omitted (all of them, and those of units left out whole: a
sentence omitted beside its unit's other, linked sentences may really be untranslated, which unit-level
gold cannot tell), how many of the false and of the true omissions are marked uncertain, and alignment
time. Seeds 0.. are for tuning; 100.. are held out.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqe.model import SourceText
from mtqe.pipeline import align_documents
from mtqe.segment import segment_document
from tests import docpairs
from tests.tedpairs import sentence_lines

LAYOUTS = {
    "lines": docpairs.Edits(paragraph=(1, 1)),
    "paragraphs": docpairs.Edits(),
    "lowercased": docpairs.Edits(lowercase=True),
    "lower+punct": docpairs.Edits(lowercase=True, keep_punctuation=True),
}


def evaluate_pair(pair: docpairs.DocPair, scores: docpairs.LinkScores, flags: Counter,
                  ceiling: docpairs.LinkScores, by_sentence: docpairs.LinkScores) -> float:  # fmt: skip
    ref = segment_document(SourceText("ref.txt", pair.ref_text, "", "utf-8"), pair.language)
    hyp = segment_document(SourceText("hyp.txt", pair.hyp_text, "", "utf-8"), pair.language)
    start = time.perf_counter()
    hyp, links, _ = align_documents(ref, hyp)
    seconds = time.perf_counter() - start
    ref_owners = sentence_lines(ref.texts, pair.ref_units)
    hyp_owners = sentence_lines(hyp.texts, pair.hyp_pieces)
    predicted = docpairs.project(links, ref_owners, hyp_owners, len(pair.ref_units), len(pair.hyp_pieces))
    partnered = {u for r, h in pair.gold if h for u in r}
    omitted = [ref_owners[i] for link in links if not link.hyp_ids for i in link.ref_ids]
    scores.add(predicted, pair.gold, partnered, omitted)
    by_sentence.add(predicted, docpairs.sentence_gold(pair.gold, ref_owners), partnered, [])
    best = docpairs.best_sentence_links(pair.gold, ref_owners, hyp_owners)
    ceiling.add(docpairs.project(best, ref_owners, hyp_owners, len(pair.ref_units), len(pair.hyp_pieces)),
                pair.gold, partnered, [])  # fmt: skip
    for link in links:  # each sentence reported omitted: wrongly (its unit has a partner) or not; flagged or not
        for i in link.ref_ids if not link.hyp_ids else ():
            flags[(bool(ref_owners[i] & partnered), link.uncertain)] += 1
    scores.ref_sentences += len(ref.texts)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--layout", choices=LAYOUTS, action="append", help="only these layouts (repeatable)")
    parser.add_argument("--tuning-only", action="store_true", help="only the tuning seeds")
    args = parser.parse_args()
    layouts = {name: LAYOUTS[name] for name in args.layout or LAYOUTS}
    parts = (("tuning", 0),) if args.tuning_only else (("tuning", 0), ("held out", 100))
    for part, first in parts:
        print(f"{part}: seeds {first}..{first + args.documents - 1}, {args.size} units a document")
        print(f"  {'source':9} {'layout':11} {'strict P/R/F1':>20} {'best':>5} {'sent.':>5} {'lax F1':>7} "
              f"{'false omissions (units)':>23}  uncertain: of false / of true omissions  "
              "recall by gold link type")  # fmt: skip
        for source in docpairs.SOURCES:
            corpus = docpairs.load(source)
            for layout, edits in layouts.items():
                scores = docpairs.LinkScores()
                flags: Counter = Counter()
                ceiling = docpairs.LinkScores()
                by_sentence = docpairs.LinkScores()
                seconds = 0.0
                for seed in range(first, first + args.documents):
                    pair = docpairs.make_pair(source, seed, args.size, edits, corpus)
                    seconds += evaluate_pair(pair, scores, flags, ceiling, by_sentence)
                p, r, f = scores.f1()
                lax = scores.f1(lax=True)[2]
                omissions = 100 * scores.false_omissions / max(scores.ref_sentences, 1)
                whole = 100 * scores.false_unit_omissions / max(scores.ref_sentences, 1)
                types = Counter(scores.by_type)
                recall = "  ".join(
                    f"{kind} {scores.found_by_type[kind] / count:.2f}/{count}" for kind, count in sorted(types.items())
                )
                false = f"{flags[True, True]}/{flags[True, True] + flags[True, False]}"
                true = f"{flags[False, True]}/{flags[False, True] + flags[False, False]}"
                best, sentence_f1 = ceiling.f1()[2], by_sentence.f1()[2]
                print(f"  {source:9} {layout:11} {p:6.3f} {r:6.3f} {f:6.3f} {best:5.3f} {sentence_f1:5.3f} {lax:7.3f} "
                      f"{omissions:7.2f}% {whole:5.2f}%  "
                      f"{false:>7} {true:>7}  {recall}  ({seconds:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
