"""The alignment benchmark's document pairs: their gold is consistent and their words are the units' words."""

from __future__ import annotations

import pytest

from mtqe.model import Link, SourceText
from mtqe.segment import segment_document
from tests import docpairs


@pytest.mark.parametrize("source", list(docpairs.SOURCES))
@pytest.mark.parametrize("lowercase", [False, True])
def test_gold_covers_every_unit_once_and_sentences_map_to_units(source, lowercase):
    pair = docpairs.make_pair(source, 7, size=80, edits=docpairs.Edits(lowercase=lowercase, merge=0.15, split=0.1))
    refs = sorted(u for r, _ in pair.gold for u in r)
    pieces = sorted(p for _, h in pair.gold for p in h)
    assert refs == list(range(len(pair.ref_units))) and pieces == list(range(len(pair.hyp_pieces)))
    kinds = {pair.gold_type(link) for link in pair.gold}
    assert {"1-1", "1-2"} <= kinds and kinds & {"2-1", "3-1", "4-1"}
    for text, units in ((pair.ref_text, pair.ref_units), (pair.hyp_text, pair.hyp_pieces)):
        document = segment_document(SourceText("doc.txt", text, "", "utf-8"), pair.language)
        assert " ".join(document.texts).split() == " ".join(units).split()  # ownership by word position holds


def test_the_gold_itself_scores_perfectly():
    pair = docpairs.make_pair("ted", 3, size=60)
    ref_owners = [{u} for u in range(len(pair.ref_units))]  # one sentence a unit: the gold is a sentence alignment
    hyp_owners = [{p} for p in range(len(pair.hyp_pieces))]
    links = [Link(tuple(sorted(r)), tuple(sorted(h))) for r, h in pair.gold]
    predicted = docpairs.project(links, ref_owners, hyp_owners, len(pair.ref_units), len(pair.hyp_pieces))
    scores = docpairs.LinkScores()
    scores.add(predicted, pair.gold, set(), [])
    assert scores.f1() == (1.0, 1.0, 1.0) and scores.f1(lax=True) == (1.0, 1.0, 1.0)


def test_sentence_gold_joins_the_links_of_units_that_one_reference_sentence_spans():
    gold = [(frozenset({0}), frozenset({0})), (frozenset({1}), frozenset({1})), (frozenset({2}), frozenset()),
            (frozenset(), frozenset({2})), (frozenset({3}), frozenset({3}))]  # fmt: skip
    ref_owners = [{0}, {1, 2}, {3}]  # unit 1 lost its full stop: one sentence spans units 1 and 2
    joined = docpairs.sentence_gold(gold, ref_owners)
    assert sorted(joined, key=lambda link: min(link[0] | {99})) == [
        (frozenset({0}), frozenset({0})), (frozenset({1, 2}), frozenset({1})), (frozenset({3}), frozenset({3})),
        (frozenset(), frozenset({2})),
    ]  # fmt: skip
    assert docpairs.sentence_gold(gold, [{0}, {1}, {2}, {3}]) == gold
