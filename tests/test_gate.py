from __future__ import annotations

import dataclasses

import pytest

from mtqe.baseline import run_from_results
from mtqe.gate import GateRules, comparability, decide, holm
from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import results_of, ted_lines

SEED_REF_TEXT = SEED_REF.read_text(encoding="utf-8")
SEED_HYP_TEXT = SEED_HYP.read_text(encoding="utf-8")


def seed_run(hypothesis: str = SEED_HYP_TEXT, **options):
    return run_from_results(results_of(SEED_REF_TEXT, hypothesis, **options))


def without_paragraphs(text: str, first: int, last: int) -> str:
    """The seed hypothesis with its blank-line separated paragraphs first..last (0-based) deleted."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs[:first] + paragraphs[last + 1 :]) + "\n"


@pytest.fixture(scope="module")
def baseline():
    return seed_run()


@pytest.fixture(scope="module")
def ted_baseline():
    ref, hyp = ted_lines(300)
    return ref, hyp, run_from_results(results_of(ref, "\n".join(hyp) + "\n", aligned=True))


def test_identical_output_passes_at_once(baseline):
    verdict = decide(baseline, seed_run(), GateRules())
    assert (verdict.status, verdict.fails) == ("identical", False)
    assert all(v.change == 0 for v in verdict.metrics)


def test_one_changed_segment_out_of_300_does_not_fail(ted_baseline):
    ref, hyp, baseline = ted_baseline
    changed = list(hyp)
    changed[150] = "Completely unrelated words stand here instead."
    verdict = decide(baseline, run_from_results(results_of(ref, "\n".join(changed) + "\n", aligned=True)), GateRules())
    assert not verdict.fails and verdict.status in {"pass", "warn"}
    chrf = next(v for v in verdict.metrics if v.metric == "chrf")
    assert chrf.change < 0 and chrf.p_value > 0.05


def test_losing_a_third_of_the_document_fails(baseline):
    verdict = decide(baseline, seed_run(without_paragraphs(SEED_HYP_TEXT, 1, 4)), GateRules())
    assert (verdict.status, verdict.fails) == ("fail", True)
    chrf = next(v for v in verdict.metrics if v.metric == "chrf")
    assert chrf.change <= -1.0 and chrf.p_adjusted < 0.05
    assert "regression: chrF" in verdict.summary


def test_losing_one_paragraph_of_25_sentences_warns_but_cannot_be_significant(baseline):
    """Two omitted sentences out of 25 cost 4 chrF points, but two units are too few to rule out chance."""
    verdict = decide(baseline, seed_run(without_paragraphs(SEED_HYP_TEXT, 4, 4)), GateRules())
    chrf = next(v for v in verdict.metrics if v.metric == "chrf")
    assert (verdict.status, verdict.fails) == ("warn", False)
    assert chrf.change <= -1.0 and chrf.p_adjusted > 0.05
    assert "not significant" in verdict.summary


def test_a_systematic_loss_fails_in_a_long_document(ted_baseline):
    ref, hyp, baseline = ted_baseline
    worse = [line.lower().replace(",", "").replace(".", "") for line in hyp]
    verdict = decide(baseline, run_from_results(results_of(ref, "\n".join(worse) + "\n", aligned=True)), GateRules())
    assert (verdict.status, verdict.fails) == ("fail", True)


def test_a_gain_passes(baseline):
    worse = seed_run(without_paragraphs(SEED_HYP_TEXT, 1, 4))
    verdict = decide(worse, baseline, GateRules())
    assert (verdict.status, verdict.fails) == ("pass", False)


def test_other_settings_are_not_comparable(baseline):
    aligned = dataclasses.replace(baseline, settings={**baseline.settings, "aligned": True})
    verdict = decide(aligned, baseline, GateRules())
    assert (verdict.status, verdict.fails) == ("incomparable", True)
    assert "setting aligned is False now but True in the baseline" in verdict.summary


def test_another_reference_is_not_comparable(baseline):
    other = dataclasses.replace(baseline, reference_sha256="f" * 64)
    problems, _ = comparability(other, baseline)
    assert problems and "the reference differs" in problems[0]


def test_a_signature_change_names_the_field(baseline):
    signatures = {**baseline.signatures, "bleu": baseline.signatures["bleu"].replace("tok:13a", "tok:intl")}
    problems, _ = comparability(dataclasses.replace(baseline, signatures=signatures), baseline)
    assert problems == ["BLEU signature differs: tok:intl -> tok:13a"]


def test_a_library_version_change_only_warns(baseline):
    signatures = {m: s.replace("version:", "version:0.") for m, s in baseline.signatures.items()}
    old = dataclasses.replace(baseline, signatures=signatures, versions={**baseline.versions, "mtqe": "0.0.1"})
    problems, warnings = comparability(old, baseline)
    assert problems == []
    assert any("library version differs" in w for w in warnings) and any("mtqe version" in w for w in warnings)
    assert decide(old, baseline, GateRules()).status == "identical"


def test_too_few_segments_give_no_verdict():
    ref = "One sentence here.\nAnother one there.\nA third line.\n"
    before = run_from_results(results_of(ref, ref, aligned=True))
    after = run_from_results(results_of(ref, "One sentence here.\nNothing alike.\nA third line.\n", aligned=True))
    verdict = decide(before, after, GateRules())
    assert (verdict.status, verdict.fails) == ("inconclusive", False)
    assert "too few segments for a verdict: 3 paired units" in verdict.summary


def test_several_gated_metrics_are_holm_adjusted(baseline):
    rules = GateRules(metrics=("chrf", "bleu", "ter"))
    verdict = decide(baseline, seed_run(without_paragraphs(SEED_HYP_TEXT, 4, 4)), rules)
    gated = {v.metric: v for v in verdict.metrics if v.gated}
    assert set(gated) == {"chrf", "bleu", "ter"}
    assert all(v.p_adjusted >= v.p_value for v in gated.values())
    assert (
        max(v.p_adjusted for v in gated.values())
        == holm({m: v.p_value for m, v in gated.items()})[max(gated, key=lambda m: gated[m].p_adjusted)]
    )


def test_holm_adjustment():
    assert holm({"a": 0.01, "b": 0.04, "c": 0.03}) == pytest.approx({"a": 0.03, "c": 0.06, "b": 0.06})
    assert holm({"a": 0.5}) == {"a": 0.5}


def test_the_seed_is_honoured_seed_zero_included(baseline):
    current = seed_run(without_paragraphs(SEED_HYP_TEXT, 4, 4))

    def p_value(seed: int) -> float:
        return next(v.p_value for v in decide(baseline, current, GateRules(seed=seed)).metrics if v.metric == "chrf")

    assert p_value(0) == p_value(0)
    assert len({p_value(0), p_value(1), p_value(12345)}) == 3


# --- deterministic rules ---------------------------------------------------------------------------------------------

RULES = GateRules(fail_on_omission=True, fail_on_critical=("number", "negation"), fail_on_typography_drop=1.0)


def test_rules_pass_on_the_same_output(baseline):
    verdict = decide(baseline, seed_run(), RULES)
    assert verdict.status == "identical" and not verdict.fails
    rules = ["omission", "critical:number", "critical:negation", "typography:chrf"]
    assert [(r.rule, r.status) for r in verdict.rules] == [(rule, "pass") for rule in rules]


def test_a_new_omission_fails_even_when_the_scores_do_not(baseline):
    paragraphs = [p for p in SEED_HYP_TEXT.split("\n\n") if p.strip()]
    dropped = next(k for k, p in enumerate(paragraphs) if len(p) > 150)
    current = seed_run(without_paragraphs(SEED_HYP_TEXT, dropped, dropped))
    lenient = GateRules(fail_drop=50.0, warn_drop=50.0)  # the test alone would pass this
    assert not decide(baseline, current, lenient).fails
    verdict = decide(baseline, current, dataclasses.replace(lenient, fail_on_omission=True))
    assert verdict.status == "fail" and verdict.fails
    (rule,) = verdict.rules
    assert rule.status == "fail" and "left untranslated" in rule.detail and verdict.summary.startswith("rule failed: ")


def test_a_changed_number_and_a_new_negation_fail_their_rules(baseline):
    assert "100,000" in SEED_HYP_TEXT and "we will have severe sanctions" in SEED_HYP_TEXT
    edited = SEED_HYP_TEXT.replace("100,000", "150,000")
    current = seed_run(edited)
    verdict = decide(baseline, current, GateRules(fail_drop=50.0, warn_drop=50.0, fail_on_critical=("number", "name")))
    assert {r.rule: r.status for r in verdict.rules} == {"critical:number": "fail", "critical:name": "pass"}
    assert verdict.fails
    negated = seed_run(SEED_HYP_TEXT.replace("we will have severe sanctions", "we will not have severe sanctions"))
    verdict = decide(baseline, negated, GateRules(fail_drop=50.0, warn_drop=50.0, fail_on_critical=("negation",)))
    assert [(r.rule, r.status) for r in verdict.rules] == [("critical:negation", "fail")]


def test_a_typography_insensitive_drop_fails_and_typography_alone_does_not(baseline):
    straight = seed_run(SEED_HYP_TEXT.replace("“", '"').replace("”", '"').replace("’", "'"))
    assert straight.scores["chrf"] > baseline.scores["chrf"]  # straight quotes match the reference better
    assert straight.typography["chrf"] == baseline.typography["chrf"]  # and mean nothing once typography is plain
    rules = GateRules(fail_on_typography_drop=0.5, metrics=("chrf", "bleu"))
    assert [r.status for r in decide(baseline, straight, rules).rules] == ["pass", "pass"]
    worse = seed_run(without_paragraphs(SEED_HYP_TEXT, 2, 4))
    verdict = decide(baseline, worse, rules)
    assert [r.status for r in verdict.rules] == ["fail", "fail"] and verdict.fails


def test_rules_that_a_baseline_cannot_tell_are_skipped_not_passed(baseline):
    old = dataclasses.replace(baseline, critical=None, critical_links=None, typography=None)
    verdict = decide(old, seed_run(), RULES)
    assert [r.status for r in verdict.rules] == ["pass", "skip", "skip", "skip"] and not verdict.fails
