from __future__ import annotations

import dataclasses

import pytest

from mtqe.align import AlignParams, align_sentences
from mtqe.model import Link, LinkKind, SourceText
from mtqe.segment import segment_document
from tests import tedpairs

pytestmark = pytest.mark.differential  # the aligner's kernel, run again with numba's bounds checks in CI


def sentences(text: str) -> list[str]:
    return segment_document(SourceText("doc.txt", text, "", "utf-8")).texts


def as_pairs(links: list[Link]) -> list[list[list[int]]]:
    return [[list(link.ref_ids), list(link.hyp_ids)] for link in links]


def test_seed_alignment_equals_the_gold(gold):
    links = align_sentences(gold["reference_sentences"], gold["hypothesis_sentences"])
    assert as_pairs(links) == gold["links"]
    assert links[0].kind is LinkKind.OMISSION


def test_every_sentence_is_in_exactly_one_link_in_order(ted):
    pair = tedpairs.make_pair(seed=11, size=200, corpus=ted)
    ref, hyp = sentences(pair.ref_text), sentences(pair.hyp_text)
    links = align_sentences(ref, hyp)
    assert [i for link in links for i in link.ref_ids] == list(range(len(ref)))
    assert [j for link in links for j in link.hyp_ids] == list(range(len(hyp)))
    assert all(len(link.ref_ids) <= 3 and len(link.hyp_ids) <= 3 for link in links)


def test_identical_documents_align_one_to_one(ted):
    lines = ted[0][:150]
    links = align_sentences(lines, lines)
    assert links == [Link((i,), (i,)) for i in range(150)]


def test_empty_sides():
    assert align_sentences([], ["a.", "b."]) == [Link((), (0,)), Link((), (1,))]
    assert align_sentences(["a."], []) == [Link((0,), ())]
    assert align_sentences([], []) == []


@pytest.mark.parametrize(("n", "m"), [(1, 8), (8, 1), (1, 1), (2, 3), (3, 2), (1, 2)])
def test_tiny_documents_align_completely(ted, n, m):
    ref, hyp = ted[0][:n], ted[1][40 : 40 + m]
    links = align_sentences(ref, hyp)
    assert [i for link in links for i in link.ref_ids] == list(range(n))
    assert [j for link in links for j in link.hyp_ids] == list(range(m))


def test_one_to_two_and_two_to_one_links_are_found():
    ref = [
        "The committee approved the budget on Tuesday after a long debate about the costs of the new bridge.",
        "Nobody expected that.",
        "Officials in Geneva said the talks would resume next month.",
    ]
    hyp = [
        "On Tuesday, the committee approved the budget.",
        "This followed a long debate about the costs of the new bridge.",
        "Nobody expected that. Officials in Geneva said the talks would resume next month.",
    ]
    assert as_pairs(align_sentences(ref, hyp)) == [[[0], [0, 1]], [[1, 2], [2]]]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_real_mt_documents_align_close_to_the_gold(ted, seed):
    """Real Slovak->English MT (BLEU 23), glued into paragraphs, with lines dropped and added."""
    outcome = tedpairs.align_pair(tedpairs.make_pair(seed=seed, size=300, corpus=ted))
    hits = outcome.predicted & outcome.gold
    precision, recall = len(hits) / len(outcome.predicted), len(hits) / len(outcome.gold)
    assert precision >= 0.9 and recall >= 0.95, (precision, recall)
    # Naive pairing in order gets almost nothing right once paragraphs and gaps differ.
    assert len(outcome.naive & outcome.gold) / len(outcome.gold) < 0.5


def test_omissions_and_additions_are_found_in_real_mt(ted):
    found_omissions = found_additions = omitted = added = false_alarms = 0
    for seed in range(4):
        outcome = tedpairs.align_pair(tedpairs.make_pair(seed=seed, size=300, drop=0.04, add=0.03, corpus=ted))
        found_omissions += len(outcome.unlinked_ref & outcome.omitted)
        found_additions += len(outcome.unlinked_hyp & outcome.added)
        omitted += len(outcome.omitted)
        added += len(outcome.added)
        false_alarms += len(outcome.unlinked_ref - outcome.omitted) + len(outcome.unlinked_hyp - outcome.added)
    assert found_omissions >= 0.8 * omitted
    assert found_additions >= 0.8 * added
    assert false_alarms <= 0.2 * (omitted + added)


def test_few_sentences_are_left_out_when_nothing_was_dropped(ted):
    """Poor translations must stay linked, not become omissions and additions."""
    left_out = sentences_in_all = 0
    for seed in (50, 51, 52):
        outcome = tedpairs.align_pair(tedpairs.make_pair(seed=seed, size=300, drop=0.0, add=0.0, corpus=ted))
        left_out += outcome.false_omissions + outcome.false_additions
        sentences_in_all += outcome.sentences
    assert left_out <= 0.04 * sentences_in_all


def test_band_widens_until_the_result_equals_the_full_search(ted):
    """A whole passage missing pushes the path far off the diagonal."""
    ref_all, hyp_all = ted
    ref = ref_all[:400]
    hyp = hyp_all[:150] + hyp_all[230:400]  # 80 consecutive lines omitted
    narrow = dataclasses.replace(AlignParams(), band=4)
    full = dataclasses.replace(AlignParams(), band=10_000)
    links = align_sentences(ref, hyp, narrow)
    assert links == align_sentences(ref, hyp, full)
    omitted = [i for link in links if link.kind is LinkKind.OMISSION for i in link.ref_ids]
    assert len(set(omitted) & set(range(150, 230))) >= 70


def test_a_loose_translation_of_a_short_sentence_is_a_link_not_an_omission_and_an_addition():
    ref = ["The committee met on Tuesday to discuss the budget.", "Would they approve it?", "No.",
           "The chairman said the vote would be held next week."]  # fmt: skip
    hyp = ["The committee met on Tuesday to discuss the budget.", "Will they approve it?", "I don't think so.",
           "The chairman said the vote would take place next week."]  # fmt: skip
    assert as_pairs(align_sentences(ref, hyp)) == [[[k], [k]] for k in range(4)]


def test_the_rows_of_a_sentences_parts_add_up_to_its_row(ted):
    from mtqe.align import vectorize, with_parts

    ref, hyp = ted[0][:60], ted[1][:60]
    vectors = vectorize(ref, hyp)
    cut = {3: tuple(_halves(hyp[3])), 10: tuple(_halves(hyp[10]))}
    parted = with_parts(vectors, cut)
    assert parted.hyp.shape == (62, vectors.hyp.shape[1]) and (parted.ref != vectors.ref).nnz == 0
    rows = [*range(3), (3, 4), *range(5, 11), (11, 12), *range(13, 62)]  # each old row: its new row(s)
    for old, new in enumerate(rows):
        summed = parted.hyp[list(new)].sum(axis=0) if isinstance(new, tuple) else parted.hyp[new].toarray()
        assert abs(summed - vectors.hyp[old].toarray()).max() < 1e-9, old  # words are features: parts add up
    assert (parted.hyp[3] != vectors.hyp[3]).nnz > 0


def _halves(text: str) -> list[str]:
    words = text.split()
    return [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]


def test_a_search_near_a_previous_alignment_gives_the_full_searchs_links(ted):
    ref_all, hyp_all = ted
    ref = ref_all[:400]
    hyp = hyp_all[:150] + hyp_all[230:400]  # 80 consecutive lines omitted
    links = align_sentences(ref, hyp)
    assert align_sentences(ref, hyp, near=links) == links
    diagonal = [Link((i,), (i,)) for i in range(len(hyp))] + [Link((i,), ()) for i in range(len(hyp), len(ref))]
    assert align_sentences(ref, hyp, near=diagonal) == links  # far off: the band widens until the path fits
