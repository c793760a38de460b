"""The compiled statistics equal sacrebleu's and jiwer's on real, fuzzed and adversarial text."""

from __future__ import annotations

import random

import jiwer
import numpy as np
import pytest
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

from mtqe import fast_stats
from mtqe.fast_ter import edits
from tests import oracle

pytestmark = pytest.mark.differential  # run again with numba's bounds checks in CI (tests/test_kernels.py)

SOUP = [
    *"abcdefghij ABC 0123456789 .,-;:!?'\"()[]{}<>/\\@#$%^&*_+=~`|",
    *["&quot;", "&amp;", "&lt;", "&gt;", "<skipped>", "-\n", "\t", "\u00a0", "  ", "\u2028", "\u3000"],
    *["é", "Ü", "ß", "İ", "数字", "日本語", "😀", "\u200b", "\u0301", "ｱ", "Ω"],
    *[" the ", " of ", " and ", " 3.5 ", " 1,000 ", " U.S. ", " well-known ", " 10-20 "],
]


def soup(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(SOUP) for _ in range(pieces))


@pytest.fixture(scope="module")
def fuzzed() -> tuple[list[str], list[str]]:
    rng = random.Random(20261123)
    hyps = [soup(rng, rng.choice([0, 1, 3, 10, 40, 120])) for _ in range(600)]
    refs = [soup(rng, rng.choice([0, 1, 3, 10, 40, 120])) for _ in range(600)]
    return hyps, refs


@pytest.fixture(scope="module")
def real(ted) -> tuple[list[str], list[str]]:
    refs, hyps = ted
    return hyps[:800], refs[:800]


def library(metric, hyps, refs) -> np.ndarray:
    return np.asarray(metric._extract_corpus_statistics(hyps, [refs]))


@pytest.mark.parametrize("data", ["real", "fuzzed"])
def test_bleu_statistics(data, request):
    hyps, refs = request.getfixturevalue(data)
    stats, ok = fast_stats.bleu_stats(hyps, refs)
    assert ok.all()
    assert (stats == library(BLEU(), hyps, refs)).all()


@pytest.mark.parametrize("data", ["real", "fuzzed"])
@pytest.mark.parametrize("word_order", [0, 2])
def test_chrf_statistics(data, word_order, request):
    hyps, refs = request.getfixturevalue(data)
    stats, ok = fast_stats.chrf_stats(hyps, refs, word_order)
    assert ok.all()
    assert (stats == library(CHRF(word_order=word_order), hyps, refs)).all()


@pytest.mark.parametrize("data", ["real", "fuzzed"])
def test_ter_statistics(data, request):
    hyps, refs = request.getfixturevalue(data)
    stats, ok = fast_stats.ter_stats(hyps, refs)
    assert ok.all()
    assert (stats == library(TER(), hyps, refs)).all()


@pytest.mark.parametrize("data", ["real", "fuzzed"])
def test_wer_and_cer_statistics(data, request):
    hyps, refs = request.getfixturevalue(data)
    for words, process in ((True, jiwer.process_words), (False, jiwer.process_characters)):
        stats = fast_stats.error_rate_stats(hyps, refs, words=words)
        for (edit_count, ref_length, hyp_length), hyp, ref in zip(stats, hyps, refs, strict=True):
            out = process(ref, hyp)
            assert edit_count == out.substitutions + out.deletions + out.insertions
            assert ref_length == out.hits + out.substitutions + out.deletions
            if ref_length == 0:
                assert hyp_length == out.insertions


def test_13a_tokenization_in_batches_equals_the_tokenizer(fuzzed, real):
    lines = fuzzed[0] + fuzzed[1] + real[0] + ["a\x00b"]  # a NUL falls back to line by line
    tokenizer = Tokenizer13a()
    expected = [tokenizer(line.rstrip()).split() for line in lines]
    assert fast_stats.tokenize_13a(lines) == expected
    assert [fast_stats.tokenize_13a([line])[0] for line in lines] == expected  # each line first and last


def test_lowered_13a_tokens_equal_the_tokenizer_on_lower_cased_text(fuzzed, real):
    """The n-gram analysis reuses BLEU's tokens, lower-cased: the same as tokenizing lower-cased text,
    entities and "<SKIPPED>" (which only their lower-cased form spells) included."""
    lines = fuzzed[0] + real[0] + ["&QUOT;Hi&QUOT; <SKIPPED> İSTANBUL. KELVIN \u212a 3,5", "ABC.DEF 1-2"]
    tokenizer = Tokenizer13a()
    expected = [tokenizer(line.lower().rstrip()).split() for line in lines]
    clean = real[0]  # no entity or "<": the cached tokens of the same strings, lower-cased
    assert fast_stats.tokenize_13a(clean) is fast_stats.tokenize_13a(clean)
    assert fast_stats.tokenize_13a_lowered(clean) == expected[len(fuzzed[0]) : len(fuzzed[0]) + len(clean)]
    assert fast_stats.tokenize_13a_lowered(lines) == expected


def test_jiwer_words_in_batches_equal_jiwers_transform(fuzzed, real):
    lines = fuzzed[0] + fuzzed[1] + real[0] + ["a\x00b  c", "\ta \t b\u00a0\u00a0c "]
    transform = jiwer.wer_default
    expected = [transform(line)[0] if transform(line) else [] for line in lines]
    assert fast_stats.jiwer_words_batch(lines) == expected == [fast_stats.jiwer_words(line) for line in lines]


def test_ter_on_hard_cases():
    """Long, repetitive and reordered segments, against sacrebleu's answers frozen by tests/oracle.py."""
    table = oracle.load(oracle.TER_HARD_CASES)
    cases = oracle.ter_hard_cases()
    assert [[row["hyp"], row["ref"]] for row in table["cases"]] == [list(case) for case in cases], (
        "the frozen table is stale: run python -m tests.oracle"
    )
    for row in table["cases"]:
        assert edits(row["hyp"], row["ref"]) == row["edits"], (row["hyp"], row["ref"])
    assert sum(len(hyp) * len(ref) > 2000 for hyp, ref in cases) >= 10  # the shift search hits its limits


def test_an_alphabet_too_large_to_pack_falls_back():
    hyp = "".join(chr(0x4E00 + k) for k in range(700))
    ref = "".join(chr(0x4E00 + 700 + k) for k in range(700))
    _, ok = fast_stats.chrf_stats([hyp, "ab"], [ref, "ab"], 0)
    assert ok.tolist() == [False, True]
