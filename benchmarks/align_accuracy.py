"""Alignment accuracy and time on real MT output with a known gold alignment.

    python benchmarks/align_accuracy.py [--documents 8] [--first-seed 0] [--size 300]

Builds unaligned document pairs from tests/data/ted (see tests/tedpairs.py),
aligns them, and prints line-pair precision/recall/F1, how well dropped and
inserted lines are found, how many sentences are wrongly left out, the F1 of the best alignment possible with whole
sentences (sentences that span lines force merges), naive positional pairing
for comparison, and the time alignment takes at growing document sizes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqe.align import align_sentences
from tests import tedpairs


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
    false_alarms = sentences = 0
    for seed in range(args.first_seed, args.first_seed + args.documents):
        pair = tedpairs.make_pair(seed, size=args.size, corpus=corpus)

        def timed_align(ref: list[str], hyp: list[str]) -> list:
            nonlocal seconds
            start = time.perf_counter()
            links = align_sentences(ref, hyp)
            seconds += time.perf_counter() - start
            return links

        outcome = tedpairs.align_pair(pair, timed_align)
        tallies["mtqe"].add(outcome.predicted, outcome.gold)
        tallies["best possible"].add(outcome.best_possible, outcome.gold)
        tallies["naive"].add(outcome.naive, outcome.gold)
        tallies["omissions"].add(outcome.unlinked_ref, set(outcome.omitted))
        tallies["additions"].add(outcome.unlinked_hyp, set(outcome.added))
        false_alarms += outcome.false_omissions + outcome.false_additions
        sentences += outcome.sentences

    print(f"{args.documents} documents of {args.size} TED lines, seeds {args.first_seed}..")
    for name, tally in tallies.items():
        print(f"  {name:14} {tally}")
    print(
        f"  false alarms   {100 * false_alarms / sentences:.2f}% of sentences left out though their line has a partner"
    )
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
