"""Alignment accuracy and time on real MT output with a known gold alignment.

    python benchmarks/align_accuracy.py [--documents 8] [--first-seed 0] [--size 300]

Builds unaligned document pairs from tests/data/ted (see tests/tedpairs.py),
aligns them, and prints line-pair precision/recall/F1, how well dropped and
inserted lines are found, the F1 of the best alignment possible with whole
sentences (sentences that span lines force merges), naive positional pairing
for comparison, and the time alignment takes at growing document sizes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqe.align import align_sentences  # noqa: E402
from mtqe.model import Link, SourceText  # noqa: E402
from mtqe.segment import segment_document  # noqa: E402
from tests import tedpairs  # noqa: E402


def sentences(text: str) -> list[str]:
    return segment_document(SourceText("doc.txt", text, "", "utf-8")).texts


def best_possible_links(pair: tedpairs.DocPair, ref_lines: list[set[int]], hyp_lines: list[set[int]]) -> list[Link]:
    """Group sentences that share gold line pairs into one link each (the best whole-sentence alignment)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    ref_of_line, hyp_of_line = defaultdict(set), defaultdict(set)
    for i, lines in enumerate(ref_lines):
        find(("r", i))
        for line in lines:
            ref_of_line[line].add(i)
    for j, lines in enumerate(hyp_lines):
        find(("h", j))
        for line in lines:
            hyp_of_line[line].add(j)
    for ref_line, hyp_line in tedpairs.gold_pairs(pair):
        for i in ref_of_line[ref_line]:
            for j in hyp_of_line[hyp_line]:
                parent[find(("r", i))] = find(("h", j))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in range(len(ref_lines)):
        groups[find(("r", i))][0].append(i)
    for j in range(len(hyp_lines)):
        groups[find(("h", j))][1].append(j)
    return [Link(tuple(r), tuple(h)) for r, h in groups.values()]


class Tally:
    def __init__(self) -> None:
        self.hit = self.predicted = self.gold = 0

    def add(self, predicted: set, gold: set) -> None:
        self.hit += len(predicted & gold)
        self.predicted += len(predicted)
        self.gold += len(gold)

    def __str__(self) -> str:
        p = self.hit / max(self.predicted, 1)
        r = self.hit / max(self.gold, 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=300)
    args = parser.parse_args()

    corpus = tedpairs.load_ted()
    tallies = {name: Tally() for name in ("mtqe", "best possible", "naive", "omissions", "additions")}
    seconds = 0.0
    for seed in range(args.first_seed, args.first_seed + args.documents):
        pair = tedpairs.make_pair(seed, size=args.size, corpus=corpus)
        ref, hyp = sentences(pair.ref_text), sentences(pair.hyp_text)
        ref_lines = tedpairs.sentence_lines(ref, pair.ref_lines)
        hyp_lines = tedpairs.sentence_lines(hyp, pair.hyp_lines)
        gold = tedpairs.gold_pairs(pair)
        start = time.perf_counter()
        links = align_sentences(ref, hyp)
        seconds += time.perf_counter() - start
        predicted = tedpairs.line_pairs(links, ref_lines, hyp_lines)
        tallies["mtqe"].add(predicted, gold)
        tallies["best possible"].add(
            tedpairs.line_pairs(best_possible_links(pair, ref_lines, hyp_lines), ref_lines, hyp_lines), gold
        )
        naive = [Link((k,), (k,)) for k in range(min(len(ref), len(hyp)))]
        tallies["naive"].add(tedpairs.line_pairs(naive, ref_lines, hyp_lines), gold)
        added = {h for h, source in enumerate(pair.hyp_sources) if source is None}
        tallies["omissions"].add(set(range(len(pair.ref_lines))) - {r for r, _ in predicted}, set(pair.omitted))
        tallies["additions"].add(set(range(len(pair.hyp_lines))) - {h for _, h in predicted}, added)

    print(f"{args.documents} documents of {args.size} TED lines, seeds {args.first_seed}..")
    for name, tally in tallies.items():
        print(f"  {name:14} {tally}")
    print(f"  alignment time {seconds:.2f} s in all")

    ref_all, hyp_all = corpus
    print("alignment time by size (the TED talks repeated as needed, line-aligned content):")
    for size in (100, 1_000, 10_000):
        ref = (ref_all * (size // len(ref_all) + 1))[:size]
        hyp = (hyp_all * (size // len(hyp_all) + 1))[:size]
        start = time.perf_counter()
        align_sentences(ref, hyp)
        print(f"  {size:>6} sentences: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
