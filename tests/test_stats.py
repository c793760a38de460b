from __future__ import annotations

import numpy as np
import pytest

from mtqe.metrics import make_metrics
from mtqe.model import HIGHER_IS_BETTER
from mtqe.stats import approximate_randomization, paired_bootstrap, percentile_interval, resample_indices


def test_resamples_are_sacrebleus_draws_in_blocks():
    blocks = np.concatenate(list(resample_indices(segments=7, samples=1000, seed=3)))
    expected = np.random.default_rng(3).choice(7, size=(1000, 7), replace=True)
    assert (blocks == expected).all()


def test_percentile_interval_takes_ranks_n_over_40():
    values = [float(v) for v in range(1000)]
    assert percentile_interval(values[::-1]) == (25.0, 974.0)


@pytest.fixture(scope="module")
def chrf_units(ted):
    refs, hyps = ted[0][:200], ted[1][:200]
    metric = make_metrics()["chrf"]
    worse = [" ".join(h.split()[: max(1, len(h.split()) // 2)]) for h in hyps]  # every hypothesis halved
    return metric, metric.statistics(hyps, refs), metric.statistics(worse, refs)


def test_identical_runs_show_no_difference(chrf_units):
    metric, good, _ = chrf_units
    result = paired_bootstrap({"chrf": good}, {"chrf": good}, {"chrf": metric.corpus_score}, HIGHER_IS_BETTER, 500, 1)
    assert result["chrf"].delta == 0.0
    assert result["chrf"].p_worse == 1.0 and result["chrf"].p_better == 1.0
    assert approximate_randomization({"chrf": good}, {"chrf": good}, {"chrf": metric.corpus_score}, 200, 1) == {
        "chrf": 1.0
    }


def test_a_real_loss_is_significant_both_ways(chrf_units):
    metric, good, bad = chrf_units
    score = {"chrf": metric.corpus_score}
    result = paired_bootstrap({"chrf": good}, {"chrf": bad}, score, HIGHER_IS_BETTER, 500, 1)["chrf"]
    assert result.delta == metric.corpus_score(bad.sum(axis=0)) - metric.corpus_score(good.sum(axis=0)) < -5
    assert result.p_worse < 0.01 and result.p_better == 1.0 and result.p_two_sided < 0.01
    assert result.ci_low <= result.delta <= result.ci_high < 0
    assert approximate_randomization({"chrf": good}, {"chrf": bad}, score, 300, 1)["chrf"] < 0.01


def test_paired_tests_are_seeded(chrf_units):
    metric, good, bad = chrf_units
    mixed = good.copy()
    mixed[:20] = bad[:20]  # a small, noisy loss
    score = {"chrf": metric.corpus_score}

    def run(seed: int):
        return paired_bootstrap({"chrf": good}, {"chrf": mixed}, score, HIGHER_IS_BETTER, 300, seed)["chrf"]

    assert run(0) == run(0)
    assert (run(0).ci_low, run(0).ci_high) != (run(1).ci_low, run(1).ci_high)
