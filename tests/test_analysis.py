"""The n-gram analysis: numpy counting equals the plain definition, whichever way the pairs are split."""

from __future__ import annotations

from collections import Counter

import pytest

from mtqe.analysis import NgramTally, _has_word_character
from mtqe.fast_stats import tokenize_13a
from tests.fuzz_kernels import generate


def plain(refs: list[str], hyps: list[str], n: int) -> tuple[Counter[str], Counter[str]]:
    """The definition: per pair, lower-cased 13a n-grams of the reference beyond the hypothesis's, and back."""

    def grams(words: list[str]) -> Counter[str]:
        runs = (words[k : k + n] for k in range(len(words) - n + 1))
        return Counter(" ".join(run) for run in runs if all(_has_word_character(token) for token in run))

    missed, added = Counter(), Counter()
    for ref, hyp in zip(refs, hyps, strict=True):
        ref_grams = grams(tokenize_13a([ref.lower()])[0])
        hyp_grams = grams(tokenize_13a([hyp.lower()])[0])
        missed.update(ref_grams - hyp_grams)
        added.update(hyp_grams - ref_grams)
    return missed, added


@pytest.fixture(scope="module")
def pairs(ted) -> tuple[list[str], list[str]]:
    refs, hyps = ted
    fuzzed = list(generate(11, 800, refs))
    return refs[:800] + [r for _, r in fuzzed] + ["", "x"], hyps[:800] + [h for h, _ in fuzzed] + ["", ""]


def test_counts_equal_the_plain_definition(pairs):
    refs, hyps = pairs
    tally = NgramTally()
    tally.add(refs, hyps)
    for n in (1, 2):
        assert (tally.missed[n], tally.added[n]) == plain(refs, hyps, n)


def test_chunks_merged_equal_the_whole(pairs):
    refs, hyps = pairs
    whole = NgramTally()
    whole.add(refs, hyps)
    merged = NgramTally()
    for start in range(0, len(refs), 333):
        part = NgramTally()
        part.add(refs[start : start + 333], hyps[start : start + 333])
        merged.merge(part)
    assert merged.result() == whole.result() and whole.result()["2"]["missed"]


def test_length_buckets_are_corpus_scores_of_their_links_and_additions_have_none(ted):
    """Each bucket is sacrebleu's corpus score of its links' strings; additions (a reference of no words) only
    count, for any score of theirs would divide by zero (jiwer's WER of 5 added words is 500)."""
    import sacrebleu

    from tests.helpers import results_of

    refs, hyps = ted
    ref_text = "".join(f"{line}\n" for line in refs[:120])
    hyp_lines = hyps[:120]
    hyp_lines[40:40] = ["An added sentence that has no counterpart at all in the reference text."]
    results = results_of(ref_text, "".join(f"{line}\n" for line in hyp_lines), aligned=False, bootstrap=100)
    system = results["systems"][0]
    buckets = {bucket["bucket"]: bucket for bucket in system["analysis"]["by_length"]}
    additions = buckets["0 (additions)"]
    assert additions["segments"] == system["counts"]["addition"] >= 1
    assert all(additions[m] is None for m in ("bleu", "chrf", "chrf_pp", "ter", "wer", "cer"))
    checked = 0
    for bucket in system["analysis"]["by_length"][1:]:
        low, high = bucket["min_words"], bucket["max_words"] or 10**9
        chosen = [s for s in system["segments"] if low <= len(s["ref"].split()) <= high]
        assert bucket["segments"] == len(chosen)
        if chosen:
            expected = sacrebleu.corpus_chrf([s["hyp"] for s in chosen], [[s["ref"] for s in chosen]]).score
            assert bucket["chrf"] == pytest.approx(expected, abs=1e-9)
            checked += 1
        else:
            assert bucket["chrf"] is None
    assert checked >= 3
