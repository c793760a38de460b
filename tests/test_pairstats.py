"""Per-pair statistics: one owner of their columns, sums, units and the chrF-from-chrF++ rule."""

from __future__ import annotations

import numpy as np
import pytest
from sacrebleu.metrics import CHRF

from mtqe.metrics import score_pairs
from mtqe.pairstats import WIDTHS, PairStats

HYPS = ["The cat sat on the mat.", "A dog barked.", "Nothing in common here", ""]
REFS = ["The cat sat on a mat.", "The dog barked loudly.", "Completely different words", "An omitted sentence."]


def test_chrf_statistics_are_chrf_plus_plus_character_columns_equal_to_sacrebleu():
    stats, _ = score_pairs(HYPS, REFS)
    direct = np.asarray(CHRF()._extract_corpus_statistics(HYPS, [REFS]))
    assert (stats["chrf"] == direct).all()
    assert list(stats) == ["bleu", "chrf", "chrf_pp", "ter", "wer", "cer"]


def test_sums_units_columns_and_concatenation():
    stats, _ = score_pairs(HYPS, REFS)
    grouped = stats.by_unit(np.array([0, 0, 1, 1]), 2)
    for metric in stats:
        assert (grouped[metric].sum(axis=0) == stats.total(metric)).all()
        assert (grouped[metric][0] == stats[metric][:2].sum(axis=0)).all()
    assert PairStats.from_columns(stats.columns()).equals(stats)
    assert PairStats.concat([stats.take(slice(0, 1)), stats.take(slice(1, 4))]).equals(stats)
    assert PairStats.empty(3).pairs == 3


def test_a_table_of_the_wrong_width_is_refused():
    tables = {m: np.zeros((2, w)) for m, w in WIDTHS.items()}
    tables["ter"] = np.zeros((2, 3))
    with pytest.raises(ValueError, match="ter statistics have shape"):
        PairStats(tables)
