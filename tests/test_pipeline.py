from __future__ import annotations

import pytest
from sacrebleu.metrics import BLEU

from mtqe.errors import InputError
from mtqe.io import read_text
from mtqe.model import METRICS, LinkKind, Settings
from mtqe.pipeline import evaluate, system_names
from mtqe.segment import lines_as_sentences
from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import document
from tests.test_metrics import direct_corpus_scores, direct_sentence_scores

pytestmark = pytest.mark.differential  # run again with numba's bounds checks in CI (tests/test_kernels.py)


def test_seed_links_equal_the_gold(seed_evaluation, gold):
    system = seed_evaluation.systems[0]
    assert [[list(s.link.ref_ids), list(s.link.hyp_ids)] for s in system.segments] == gold["links"]
    assert list(seed_evaluation.reference.metadata) == gold["reference_metadata"]


def test_segment_texts_join_the_links_sentences(seed_evaluation, gold):
    for segment in seed_evaluation.systems[0].segments:
        assert segment.ref == " ".join(gold["reference_sentences"][i] for i in segment.link.ref_ids)
        assert segment.hyp == " ".join(gold["hypothesis_sentences"][j] for j in segment.link.hyp_ids)
    omission = seed_evaluation.systems[0].segments[0]
    assert omission.link.kind is LinkKind.OMISSION and omission.hyp == ""


def test_every_segment_score_equals_sacrebleu_and_jiwer(seed_evaluation):
    for segment in seed_evaluation.systems[0].segments:
        assert segment.scores.as_dict() == direct_sentence_scores(segment.hyp, segment.ref)


def test_corpus_scores_equal_sacrebleu_and_jiwer_on_the_aligned_pairs(seed_evaluation):
    segments = seed_evaluation.systems[0].segments
    direct = direct_corpus_scores([s.hyp for s in segments], [s.ref for s in segments])
    corpus = seed_evaluation.systems[0].corpus
    assert {metric: corpus[metric].score for metric in METRICS} == direct
    for metric in METRICS:
        assert corpus[metric].ci_low <= corpus[metric].score <= corpus[metric].ci_high


def test_alignment_is_what_makes_the_seed_scores_meaningful(seed_evaluation):
    """Pairing sentences by position gives BLEU near 2; aligning gives over 50."""
    reference = seed_evaluation.reference.texts
    hypothesis = seed_evaluation.systems[0].document.texts
    naive = BLEU().corpus_score(hypothesis, [reference[: len(hypothesis)]]).score
    assert naive < 5
    assert seed_evaluation.systems[0].corpus["bleu"].score > 50


def test_aligned_mode_pairs_lines_and_refuses_different_counts(tmp_path):
    ref = tmp_path / "ref.txt"
    hyp = tmp_path / "hyp.txt"
    ref.write_text("one line.\ntwo line.\nthree line.\n", encoding="utf-8")
    hyp.write_text("one line.\ntwo lines.\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        evaluate(lines_as_sentences(read_text(ref)), [lines_as_sentences(read_text(hyp))], Settings(aligned=True))
    message = str(caught.value)
    assert message.startswith(str(hyp)) and "2 lines" in message and "has 3" in message and str(ref) in message


def test_aligned_mode_scores_line_k_against_line_k(tmp_path):
    ref = tmp_path / "ref.txt"
    ref.write_text("one line.\ntwo line.\n", encoding="utf-8")
    result = evaluate(
        lines_as_sentences(read_text(ref)), [lines_as_sentences(read_text(ref))], Settings(aligned=True, bootstrap=100)
    )
    assert [s.link.kind for s in result.systems[0].segments] == [LinkKind.MATCH, LinkKind.MATCH]
    assert result.systems[0].corpus["chrf"].score == 100.0


def test_a_reference_with_only_metadata_is_refused():
    with pytest.raises(InputError, match="no sentences"):
        evaluate(document("By Betsy Klein, CNN\nSource: CNN\n", "ref.txt"), [document("Hello.\n")], Settings())


def test_several_systems_are_scored_independently(seed_evaluation):
    reference = seed_evaluation.reference
    hypothesis = seed_evaluation.systems[0].document
    result = evaluate(reference, [hypothesis, reference], Settings(bootstrap=100))
    assert [s.name for s in result.systems] == ["000_47139297fadea2d9", "002_27e87b73d9c2024c"]
    assert result.systems[1].corpus["bleu"].score == pytest.approx(100.0)
    assert result.systems[0].corpus["bleu"].score == seed_evaluation.systems[0].corpus["bleu"].score


def test_system_names_are_unique():
    assert system_names(["a/x.txt", "b/x.txt", "c/y.en", "d/x.txt"]) == ["x", "x#2", "y", "x#3"]


def test_the_public_api_runs_the_pipeline():
    import mtqe

    reference = mtqe.segment_document(mtqe.read_text(SEED_REF))
    result = mtqe.evaluate(reference, [mtqe.segment_document(mtqe.read_text(SEED_HYP))], mtqe.Settings(bootstrap=100))
    assert result.systems[0].corpus["bleu"].score == pytest.approx(51.587, abs=1e-3)
    assert set(mtqe.__all__) >= {"evaluate", "read_text", "align_sentences", "decide"}


def test_a_pair_too_long_for_ters_shift_search_is_capped_and_said(tmp_path):
    """A 2,500-word reordered line: TER's shift search would take minutes; mtqe notes the cap instead."""
    from rapidfuzz.distance import Levenshtein

    from mtqe.fast_stats import TER_MAX_CELLS

    words = [f"w{k % 97}" for k in range(2500)]
    assert len(words) ** 2 > TER_MAX_CELLS
    ref_text, hyp_text = " ".join(words), " ".join(words[1250:] + words[:1250])
    ref = tmp_path / "ref.txt"
    hyp = tmp_path / "hyp.txt"
    ref.write_text(f"Short line.\n{ref_text}\n", encoding="utf-8")
    hyp.write_text(f"Short line.\n{hyp_text}\n", encoding="utf-8")
    result = evaluate(
        lines_as_sentences(read_text(ref)), [lines_as_sentences(read_text(hyp))], Settings(aligned=True, bootstrap=100)
    )
    system = result.systems[0]
    assert system.notes == (
        "link 1: TER without shifts (2500 x 2500 words is beyond TER's shift search); "
        "its TER is the word edit distance, an upper bound",
    )
    assert system.segments[1].scores.ter == 100 * (Levenshtein.distance(words, words[1250:] + words[:1250]) / 2500)
    assert system.segments[0].scores.ter == 0.0
