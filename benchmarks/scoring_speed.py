"""Sentence scoring speed: mtqe against the plain per-sentence sacrebleu/jiwer loop, same machine, same run.

    python benchmarks/scoring_speed.py [--pairs 20000] [--sample 1500]

For each data set (the real TED MT output, and a larger set made from it with
every pair made distinct), times the plain loop that calls sacrebleu's
sentence_score for BLEU (effective order), chrF, chrF++ and TER and jiwer's wer
and cer on each pair, then mtqe's scorer on one and on two processes, checks
that every sentence score is identical, and prints pairs per second and the
ratios. The plain loop is timed on a sample of the pairs (it is slow).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jiwer
from sacrebleu.metrics import BLEU, CHRF, TER

from mtqe import fast_stats
from mtqe.metrics import score_pairs
from mtqe.model import METRICS
from tests.tedpairs import load_ted


def plain_loop(hyps: list[str], refs: list[str]) -> list[list[float]]:
    bleu, chrf, chrf_pp, ter = BLEU(effective_order=True), CHRF(), CHRF(word_order=2), TER()
    return [
        [
            bleu.sentence_score(hyp, [ref]).score,
            chrf.sentence_score(hyp, [ref]).score,
            chrf_pp.sentence_score(hyp, [ref]).score,
            ter.sentence_score(hyp, [ref]).score,
            100 * jiwer.wer(ref, hyp),
            100 * jiwer.cer(ref, hyp),
        ]
        for hyp, ref in zip(hyps, refs, strict=True)
    ]


def data_sets(pairs: int) -> dict[str, tuple[list[str], list[str]]]:
    refs, hyps = load_ted()
    larger_refs, larger_hyps = [], []
    for k in range(pairs):
        tag = f" (item {k // len(refs)})"  # makes every pair distinct, so no cache helps either side
        larger_refs.append(refs[k % len(refs)] + tag)
        larger_hyps.append(hyps[k % len(hyps)] + tag)
    return {"TED, real MT": (hyps, refs), f"TED x{pairs // len(refs)}, distinct": (larger_hyps, larger_refs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=1500, help="pairs the plain loop is timed on")
    args = parser.parse_args()
    fast_stats.warm_up()
    score_pairs(["A warm-up pair."], ["A warm-up pair!"])
    print(f"{os.cpu_count()} cores; metrics: {', '.join(METRICS)}")
    for name, (hyps, refs) in data_sets(args.pairs).items():
        sample = min(args.sample, len(hyps))
        start = time.perf_counter()
        expected = plain_loop(hyps[:sample], refs[:sample])
        plain_rate = sample / (time.perf_counter() - start)

        rates = {}
        for workers in (1, 2):
            best = float("inf")
            for _ in range(3):  # best of three: the machine is shared
                start = time.perf_counter()
                _, scores = score_pairs(hyps, refs, workers=workers)
                best = min(best, time.perf_counter() - start)
            rates[workers] = len(hyps) / best
            identical = scores[:sample].tolist() == expected
            if not identical:
                raise SystemExit(f"{name}: scores differ from the plain loop")
        print(f"{name}: {len(hyps)} pairs; every sentence score of the {sample} compared identical")
        print(f"  plain sacrebleu/jiwer loop  {plain_rate:9.0f} pairs/s")
        for workers, rate in rates.items():
            label = f"mtqe, {workers} process{'es' if workers > 1 else ''}"
            print(f"  {label:27} {rate:9.0f} pairs/s   {rate / plain_rate:5.1f}x")


if __name__ == "__main__":
    main()
