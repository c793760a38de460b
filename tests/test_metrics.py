"""Every number mtqe reports is checked against sacrebleu and jiwer called directly."""

from __future__ import annotations

import jiwer
import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from mtqe.metrics import make_metrics
from mtqe.stats import bootstrap_interval

pytestmark = pytest.mark.differential  # run again with numba's bounds checks in CI (tests/test_kernels.py)

EDGE_PAIRS = [  # (hypothesis, reference)
    ("", "The reference was not translated at all."),
    ("The system made this up.", ""),
    ("Identical sentence.", "Identical sentence."),
    ("  extra   spaces  here ", "extra spaces here"),
    ("A", "B"),
    ("Ünïcödé — “quotes” and 数字 123.", 'Unicode - "quotes" and 数字 124.'),
    ("same words different order here", "here order different words same"),
]


def direct_sentence_scores(hyp: str, ref: str) -> dict[str, float]:
    """sacrebleu (hypothesis, [references]) and jiwer (reference, hypothesis), as users call them."""
    return {
        "bleu": BLEU(effective_order=True).sentence_score(hyp, [ref]).score,
        "chrf": CHRF().sentence_score(hyp, [ref]).score,
        "chrf_pp": CHRF(word_order=2).sentence_score(hyp, [ref]).score,
        "ter": TER().sentence_score(hyp, [ref]).score,
        "wer": 100 * jiwer.wer(ref, hyp),
        "cer": 100 * jiwer.cer(ref, hyp),
    }


def direct_corpus_scores(hyps: list[str], refs: list[str]) -> dict[str, float]:
    return {
        "bleu": BLEU().corpus_score(hyps, [refs]).score,
        "chrf": CHRF().corpus_score(hyps, [refs]).score,
        "chrf_pp": CHRF(word_order=2).corpus_score(hyps, [refs]).score,
        "ter": TER().corpus_score(hyps, [refs]).score,
        "wer": 100 * jiwer.wer(refs, hyps),
        "cer": 100 * jiwer.cer(refs, hyps),
    }


def mtqe_scores(hyps: list[str], refs: list[str]) -> tuple[list[dict[str, float]], dict[str, float]]:
    metrics = make_metrics()
    stats = {name: metric.statistics(hyps, refs) for name, metric in metrics.items()}
    sentences = [{name: metrics[name].sentence_score(stats[name][k]) for name in metrics} for k in range(len(hyps))]
    corpus = {name: metrics[name].corpus_score(stats[name].sum(axis=0)) for name in metrics}
    return sentences, corpus


@pytest.fixture(scope="module")
def ted_sample(ted):
    refs, hyps = ted
    return hyps[:400], refs[:400]


def test_sentence_scores_equal_sacrebleu_and_jiwer_on_real_mt(ted_sample):
    hyps, refs = ted_sample
    sentences, _ = mtqe_scores(hyps, refs)
    for hyp, ref, ours in zip(hyps, refs, sentences, strict=True):
        assert ours == direct_sentence_scores(hyp, ref), (hyp, ref)


def test_corpus_scores_equal_sacrebleu_and_jiwer_on_real_mt(ted_sample):
    hyps, refs = ted_sample
    _, corpus = mtqe_scores(hyps, refs)
    assert corpus == direct_corpus_scores(hyps, refs)


@pytest.mark.parametrize(("hyp", "ref"), EDGE_PAIRS)
def test_sentence_scores_equal_on_edge_cases(hyp, ref):
    sentences, _ = mtqe_scores([hyp], [ref])
    assert sentences[0] == direct_sentence_scores(hyp, ref)


def test_corpus_scores_equal_on_edge_cases():
    hyps, refs = [h for h, _ in EDGE_PAIRS], [r for _, r in EDGE_PAIRS]
    _, corpus = mtqe_scores(hyps, refs)
    assert corpus == direct_corpus_scores(hyps, refs)


def test_omission_and_addition_count_against_the_system():
    """An omitted sentence lowers BLEU and raises TER/WER; an added one raises TER/WER."""
    hyps, refs = ["the cat sat on the mat today"], ["the cat sat on the mat today"]
    _, perfect = mtqe_scores(hyps, refs)
    _, with_omission = mtqe_scores([*hyps, ""], [*refs, "and the dog slept by the door"])
    _, with_addition = mtqe_scores([*hyps, "something nobody said"], [*refs, ""])
    assert perfect["bleu"] == pytest.approx(100.0)
    assert with_omission["bleu"] < 90.0
    for metric in ("ter", "wer", "cer"):
        assert with_omission[metric] > perfect[metric] == 0.0
        assert with_addition[metric] > perfect[metric]


def test_mismatched_lists_are_refused_not_truncated():
    for metric in make_metrics().values():
        with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
            metric.statistics(["a", "b"], ["a"])


def test_signatures_are_sacrebleus():
    metrics = make_metrics()
    metrics["bleu"].statistics(["a"], ["a"])
    assert metrics["bleu"].signature(1000, 12345) == (
        f"nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:{__import__('sacrebleu').__version__}"
    )
    assert "case:lc" in metrics["ter"].signature(1000, 12345)
    assert "nw:2" in metrics["chrf_pp"].signature(1000, 12345)
    assert metrics["wer"].signature(1000, 7).startswith("nrefs:1|bs:1000|seed:7|")


def test_bootstrap_interval_matches_sacrebleus_own_bootstrap(ted_sample):
    hyps, refs = (x[:200] for x in ted_sample)
    metrics = make_metrics()
    names = ("bleu", "chrf", "ter")
    stats = {name: metrics[name].statistics(hyps, refs) for name in names}
    ours = bootstrap_interval(stats, {n: metrics[n].corpus_score for n in names}, 1000, 12345)
    for name, direct in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        score = direct.corpus_score(hyps, [refs], n_bootstrap=1000)  # sacrebleu's seed is 12345 too
        low, high = ours[name]
        assert (high - low) / 2 == pytest.approx(score._ci, abs=1e-3)
        assert low <= score.score <= high


def test_bootstrap_is_seeded_and_reproducible(ted_sample):
    hyps, refs = (x[:100] for x in ted_sample)
    metric = make_metrics()["chrf"]
    stats = {"chrf": metric.statistics(hyps, refs)}
    scorer = {"chrf": metric.corpus_score}
    first = bootstrap_interval(stats, scorer, 500, 1)
    assert first == bootstrap_interval(stats, scorer, 500, 1)
    assert first != bootstrap_interval(stats, scorer, 500, 2)


def test_scoring_in_worker_processes_gives_the_same_numbers(ted):
    from mtqe.metrics import score_pairs

    refs, hyps = ted
    refs, hyps = refs[:2400], hyps[:2400]
    alone, alone_scores = score_pairs(hyps, refs, workers=1)
    shared, shared_scores = score_pairs(hyps, refs, workers=2)
    assert (alone_scores == shared_scores).all()
    assert all((alone[m] == shared[m]).all() for m in alone)
    assert alone_scores[:50].tolist() == [
        list(direct_sentence_scores(h, r).values()) for h, r in zip(hyps[:50], refs[:50], strict=True)
    ]
