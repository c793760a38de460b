"""Differential fuzzing of the compiled kernels against sacrebleu and jiwer.

Generates pairs where the compiled code is most likely to go wrong (short
pairs of a few repeated words in every order, moved blocks of real MT
sentences, punctuation runs, random Unicode soup) and checks that every
statistic mtqe computes equals the library's on the same strings.

Used by ``tests/test_kernels.py`` on a few thousand pairs, and on its own for a
long run, best with numba's bounds checking on and a fresh cache::

    NUMBA_BOUNDSCHECK=1 NUMBA_CACHE_DIR="$(mktemp -d)" python -m tests.fuzz_kernels --pairs 100000
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import jiwer
import numpy as np
from sacrebleu.metrics import BLEU, CHRF, TER

from mtqe import fast_stats

REPEATED_WORDS = ["the", "the", "cat", "a", "b", ",", ".", "la", "land"]
SOUP = [
    *"abcdefghij ABC 0123456789 .,-;:!?'\"()[]{}<>/\\@#$%^&*_+=~`|",
    *["&quot;", "&amp;", "&lt;", "<skipped>", "-\n", "\t", "\u00a0", "  ", "\u2028", "\u3000"],
    *["é", "Ü", "ß", "İ", "数字", "日本語", "😀", "\u200b", "\u0301", "ｱ", "Ω"],
    *[" the ", " of ", " and ", " 3.5 ", " 1,000 ", " U.S. ", " well-known ", " 10-20 "],
]


def _moved(rng: random.Random, words: list[str]) -> list[str]:
    """The words with one block moved elsewhere, and perhaps a word duplicated or dropped."""
    words = list(words)
    if len(words) > 1:
        start = rng.randrange(len(words))
        length = rng.randint(1, min(len(words) - start, 12))
        block, rest = words[start : start + length], words[:start] + words[start + length :]
        target = rng.randint(0, len(rest))
        words = rest[:target] + block + rest[target:]
    if words and rng.random() < 0.3:
        k = rng.randrange(len(words))
        words.insert(k, words[k])
    if words and rng.random() < 0.2:
        del words[rng.randrange(len(words))]
    return words


def short_repeated(rng: random.Random) -> tuple[str, str]:
    vocabulary = rng.sample(REPEATED_WORDS, rng.randint(1, 4))
    ref = [rng.choice(vocabulary) for _ in range(rng.randint(0, 8))]
    hyp = _moved(rng, ref) if rng.random() < 0.7 else [rng.choice(vocabulary) for _ in range(rng.randint(0, 8))]
    return " ".join(hyp), " ".join(ref)


def real_reordered(rng: random.Random, sentences: list[str]) -> tuple[str, str]:
    ref = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
    return " ".join(_moved(rng, ref.split())), ref


def soup(rng: random.Random) -> tuple[str, str]:
    def one() -> str:
        return "".join(rng.choice(SOUP) for _ in range(rng.choice([0, 1, 3, 10, 40])))

    return one(), one()


def generate(seed: int, count: int, sentences: list[str]) -> Iterator[tuple[str, str]]:
    """count (hypothesis, reference) pairs, the same for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        kind = rng.random()
        if kind < 0.5:
            yield short_repeated(rng)
        elif kind < 0.8:
            yield real_reordered(rng, sentences)
        else:
            yield soup(rng)


def library_stats(metric, hyps: list[str], refs: list[str]) -> np.ndarray:
    return np.asarray(metric._extract_corpus_statistics(hyps, [refs]), dtype=np.float64)


def mismatches(hyps: list[str], refs: list[str]) -> list[str]:
    """Every statistic mtqe's kernels get wrong on these pairs, one line each (empty: all equal)."""
    problems: list[str] = []

    def compare(name: str, ours: np.ndarray, ok: np.ndarray, theirs: np.ndarray) -> None:
        for k in np.flatnonzero(ok & ~(ours == theirs).all(axis=1)):
            problems.append(f"{name}: hyp={hyps[k]!r} ref={refs[k]!r}: {ours[k].tolist()} != {theirs[k].tolist()}")

    stats, ok = fast_stats.bleu_stats(hyps, refs)
    compare("BLEU", stats, ok, library_stats(BLEU(), hyps, refs))
    for word_order in (0, 2):
        stats, ok = fast_stats.chrf_stats(hyps, refs, word_order)
        compare(f"chrF word_order={word_order}", stats, ok, library_stats(CHRF(word_order=word_order), hyps, refs))
    stats, ok = fast_stats.ter_stats(hyps, refs)
    compare("TER", stats, ok, library_stats(TER(), hyps, refs))
    for words, process in ((True, jiwer.process_words), (False, jiwer.process_characters)):
        stats = fast_stats.error_rate_stats(hyps, refs, words=words)
        for k, (hyp, ref) in enumerate(zip(hyps, refs, strict=True)):
            if not ref.strip():
                continue  # jiwer refuses an empty reference; mtqe's handling is tested in test_metrics
            out = process(ref, hyp)
            expected = (
                out.substitutions + out.deletions + out.insertions,
                out.hits + out.substitutions + out.deletions,
            )
            if tuple(stats[k, :2]) != expected:
                problems.append(f"{'WER' if words else 'CER'}: hyp={hyp!r} ref={ref!r}: {stats[k, :2]} != {expected}")
    return problems


def _check_chunk(chunk: list[tuple[str, str]]) -> tuple[int, list[str]]:
    logging.getLogger("sacrebleu").setLevel(logging.ERROR)  # its "forgot to detokenize" advice is noise here
    return len(chunk), mismatches([h for h, _ in chunk], [r for _, r in chunk])


def main(argv: list[str] | None = None) -> int:
    from tests.tedpairs import load_ted

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    import numba

    refs, _ = load_ted()
    pairs = list(generate(args.seed, args.pairs, refs))
    chunks = [pairs[begin : begin + args.chunk] for begin in range(0, len(pairs), args.chunk)]
    started = time.perf_counter()
    problems: list[str] = []
    done = 0
    with ProcessPoolExecutor(args.workers) as pool:
        for count, found in pool.map(_check_chunk, chunks):
            done += count
            problems += found
            print(f"{done:,} pairs, {len(problems)} mismatches", file=sys.stderr)
    print(
        f"{len(pairs):,} pairs, seed {args.seed}, bounds checking {'on' if numba.config.BOUNDSCHECK else 'off'}: "
        f"{len(problems)} mismatches, no crash, in {time.perf_counter() - started:.0f} s"
    )
    for line in problems[:20]:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
