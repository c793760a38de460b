"""Typography-insensitive scores: the declared normalization, and scores that are sacrebleu's and jiwer's on the
normalized strings, with intervals over the raw scores' own resamples."""

from __future__ import annotations

import numpy as np
import pytest

from mtqe import typography
from mtqe.engine import MemoryEngine, corpus_scores
from mtqe.metrics import make_metrics, score_pairs
from mtqe.model import METRICS, Settings
from mtqe.pairstats import RowChanges
from mtqe.pipeline import PairList
from mtqe.report.summary import render_summary, typography_costs
from mtqe.schema import evaluation_to_dict
from mtqe.stats import bootstrap_interval
from tests.test_metrics import direct_corpus_scores

pytestmark = pytest.mark.differential


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Canadian Foreign Minister MÃ©lanie Joly", "Canadian Foreign Minister Mélanie Joly"),  # the seed's mojibake
        ("“They’re ready,” he said…", '"They\'re ready," he said...'),
        ("Berlin – so „Die Zeit“ – meldet", 'Berlin - so "Die Zeit" - meldet'),
        ("2019—2020", "2019 - 2020"),
        ("50\u00a0%  of\u2009them ( all ) ,", "50% of them (all),"),
        ("&quot;Yes&quot; &amp; no", '"Yes" & no'),
        ("ﬁnal ＯＫ", "final OK"),
        ("Cafe\u0301", "Café"),  # composed (NFC)
        ("m² and ½ cup", "m² and ½ cup"),  # not NFKC: superscripts and fractions carry meaning
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_normalize_makes_typography_plain_and_keeps_meaning(raw, plain):
    assert typography.normalize(raw) == plain
    assert typography.normalize(plain) == plain  # idempotent


def test_plain_text_is_left_alone(ted):
    refs, _ = ted
    unchanged = [line for line in refs[:500] if line.isascii() and "  " not in line and " ," not in line]
    assert unchanged and all(typography.normalize(line) == line for line in unchanged)


def _normalized_pairs(hyps: list[str], refs: list[str]) -> tuple[list[str], list[str]]:
    return [typography.normalize(h) for h in hyps], [typography.normalize(r) for r in refs]


def test_typography_scores_are_sacrebleus_and_jiwers_on_the_normalized_seed_pairs(seed_evaluation):
    system = seed_evaluation.systems[0]
    hyps, refs = [s.hyp for s in system.segments], [s.ref for s in system.segments]
    plain_hyps, plain_refs = _normalized_pairs(hyps, refs)
    direct = direct_corpus_scores(plain_hyps, plain_refs)
    assert {m: system.typography[m].score for m in METRICS} == direct
    assert direct != direct_corpus_scores(hyps, refs)  # the seed's quotes and mojibake do cost points
    for metric in METRICS:
        assert system.typography[metric].signature == system.corpus[metric].signature + "|typography:v1"


def test_typography_intervals_are_those_of_the_fully_normalized_table(ted):
    """Raw statistics plus the changed rows' deltas, resampled: the same intervals as a second full table."""
    refs, hyps = ted
    refs, hyps = refs[:300], hyps[:300]
    refs[7], hyps[7] = "“Quoted,” she said — twice.", '"Quoted," she said - twice.'
    hyps[9] = hyps[9].replace("'", "’")
    settings = Settings(bootstrap=200, seed=7)
    scored = MemoryEngine().score(PairList(refs, hyps), settings)
    changes = scored.typography
    assert 7 in changes.rows.tolist() and changes.rows.size < len(refs)
    corpus, plain = corpus_scores(scored.stats, settings, changes)
    full, _ = score_pairs(*_normalized_pairs(hyps, refs))
    assert changes.applied(scored.stats).equals(full)
    metrics = make_metrics()
    again = bootstrap_interval(full, {m: metrics[m].corpus_score for m in METRICS}, 200, 7)
    assert {m: (plain[m].ci_low, plain[m].ci_high) for m in METRICS} == again
    raw = bootstrap_interval(scored.stats, {m: metrics[m].corpus_score for m in METRICS}, 200, 7)
    assert {m: (corpus[m].ci_low, corpus[m].ci_high) for m in METRICS} == raw


def test_chunks_and_worker_processes_give_the_same_changes(ted):
    from mtqe.metrics import PairScorer

    refs, hyps = ted
    refs, hyps = refs[:4200], [h.replace("'", "’") for h in hyps[:4200]]
    alone = PairScorer(workers=1).score_and_tally(hyps, refs, tally=False).typography
    with PairScorer(workers=2) as scorer:
        shared = scorer.score_and_tally(hyps, refs, tally=False).typography
    assert np.array_equal(alone.rows, shared.rows) and alone.delta.equals(shared.delta)
    assert RowChanges.concat([(0, RowChanges.none()), (5, RowChanges.none())]).rows.size == 0


def test_results_and_summary_say_what_typography_costs(seed_evaluation):
    results = evaluation_to_dict(seed_evaluation)
    system = results["systems"][0]
    costs = typography_costs(system)
    assert costs["chrf"] == system["typography"]["chrf"]["score"] - system["corpus"]["chrf"]["score"] > 0
    assert costs["ter"] == system["corpus"]["ter"]["score"] - system["typography"]["ter"]["score"] > 0
    assert f"typography costs {costs['chrf']:.2f} chrF points" in render_summary(results)
