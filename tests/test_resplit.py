"""Guided splitting: lower-cased, unpunctuated hypotheses are cut where the reference's sentences end."""

from __future__ import annotations

import numpy as np
import pytest

from mtqe.align import align_sentences
from mtqe.model import Link, SourceText
from mtqe.resplit import SplitParams, _words, guided_split, split_if_needed, undersegmented
from mtqe.segment import segment_document
from tests import docpairs
from tests.tedpairs import sentence_lines

pytestmark = pytest.mark.differential  # the splitter's kernels, run again with numba's bounds checks in CI


def documents(pair: docpairs.DocPair):
    return tuple(
        segment_document(SourceText(name, text, "", "utf-8"), pair.language)
        for name, text in (("ref.txt", pair.ref_text), ("hyp.txt", pair.hyp_text))
    )


def strict_f1(pair: docpairs.DocPair, ref, hyp, links=None) -> float:
    links = align_sentences(ref.texts, hyp.texts) if links is None else links
    ref_owners, hyp_owners = sentence_lines(ref.texts, pair.ref_units), sentence_lines(hyp.texts, pair.hyp_pieces)
    predicted = docpairs.project(links, ref_owners, hyp_owners, len(pair.ref_units), len(pair.hyp_pieces))
    scores = docpairs.LinkScores()
    scores.add(predicted, pair.gold, set(), [])
    return scores.f1()[2]


@pytest.mark.parametrize("source", list(docpairs.SOURCES))
def test_lowercased_unpunctuated_output_is_split_and_aligns(source):
    pair = docpairs.make_pair(source, 3, size=120, edits=docpairs.Edits(lowercase=True))
    ref, hyp = documents(pair)
    assert undersegmented(ref.texts, hyp.texts)
    split, notes = split_if_needed(ref, hyp)
    assert len(notes) == 1 and "few sentence boundaries" in notes[0]
    assert " ".join(split.texts).split() == " ".join(hyp.texts).split()  # cut between words, nothing lost
    assert len(split.texts) >= 0.8 * len(pair.hyp_pieces)
    before, after = strict_f1(pair, ref, hyp), strict_f1(pair, ref, split)
    assert after > 0.5 and after > before + 0.3, (before, after)


@pytest.mark.parametrize("source", list(docpairs.SOURCES))
def test_ordinary_output_is_left_as_the_splitter_made_it(source):
    pair = docpairs.make_pair(source, 3, size=120)
    ref, hyp = documents(pair)
    assert not undersegmented(ref.texts, hyp.texts)
    assert split_if_needed(ref, hyp) == (hyp, ())


def test_pieces_keep_their_lines_and_paragraphs_and_never_join_sentences():
    pair = docpairs.make_pair("ted", 5, size=80, edits=docpairs.Edits(lowercase=True))
    ref, hyp = documents(pair)
    split, cuts = guided_split(ref, hyp)
    assert len(split.sentences) == len(hyp.sentences) + cuts
    pieces = iter(split.sentences)
    for sentence in hyp.sentences:  # each original sentence is its pieces, in order, on its line
        text = ""
        while len(text) < len(sentence.text):
            piece = next(pieces)
            assert (piece.line, piece.paragraph) == (sentence.line, sentence.paragraph)
            text = f"{text} {piece.text}".strip()
        assert text.split() == sentence.text.split()


def test_punctuated_lowercase_text_is_cut_at_its_full_stops():
    reference = (
        "The committee met on Monday. It approved the budget for next year. Members argued about schools. "
        "The vote was close. A final report will follow in March. Critics called the plan too small."
    )
    hypothesis = (
        "the committee met on monday. it approved next year's budget. the members argued over schools. "
        "the vote was tight. a final report follows in march. critics said the plan was too small."
    )
    ref = segment_document(SourceText("ref.txt", reference + "\n", "", "utf-8"))
    hyp = segment_document(SourceText("hyp.txt", hypothesis + "\n", "", "utf-8"))
    assert len(hyp.sentences) == 1  # the splitter wants a capital letter after a full stop
    split, notes = split_if_needed(ref, hyp)
    assert [s.text for s in split.sentences] == [
        "the committee met on monday.", "it approved next year's budget.", "the members argued over schools.",
        "the vote was tight.", "a final report follows in march.", "critics said the plan was too small.",
    ]  # fmt: skip
    assert notes


def test_cjk_text_without_spaces_may_be_cut_between_characters():
    assert [key for _, key, _ in _words("我们去了。他来了 ok.")] == ["我", "们", "去", "了", "", "他", "来", "了", "ok"]
    assert [stop for *_, stop in _words("他来了。 yes. no")] == [False, False, False, True, True, False]


def test_an_evaluation_records_the_split_in_its_notes(tmp_path):
    from mtqe.cli import main
    from mtqe.schema import load_results

    pair = docpairs.make_pair("wmt22-en", 4, size=60, edits=docpairs.Edits(lowercase=True))
    (tmp_path / "ref.txt").write_text(pair.ref_text, encoding="utf-8")
    (tmp_path / "hyp.txt").write_text(pair.hyp_text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["evaluate", str(tmp_path / "ref.txt"), str(tmp_path / "hyp.txt"), "-o", str(out), "-q"]) == 0
    results = load_results((out / "results.json").read_text(encoding="utf-8"), "results.json")
    system = results["systems"][0]
    assert any("few sentence boundaries" in note for note in system["notes"])
    assert system["sentences"] == len({j for s in system["segments"] for j in s["hyp_ids"]})


def test_boundary_odds_say_how_often_a_word_starts_or_ends_a_reference_sentence():
    from mtqe.resplit import _boundary_odds, _count_uses

    # vocabulary 0 "so", 1 "we", 2 "went", 3 "right"; the hypothesis's words are 0, 3, 1, and an unknown one
    odds = _boundary_odds(_count_uses([[0, 1, 2, 3], [0, 2], [1, 0, 3]], 4), np.array([0, 3, 1, -1]))
    starts, ends = odds
    assert starts.tolist() == pytest.approx([2 / 5, 0.0, 1 / 4, 0.0])  # "so" starts 2 of its 3 uses (+2)
    assert ends.tolist() == pytest.approx([0.0, 2 / 4, 0.0, 0.0])  # "right" ends both of its uses


def test_log_odds_tell_a_word_that_never_ends_a_sentence_from_a_rare_one():
    from mtqe.resplit import _count_uses, _log_odds

    # vocabulary 0 "the", 1 "cat", 2 "sat", 3 "right", 4 "so": "the" is used 4 times and never ends a sentence
    sentences = _count_uses([[4, 0, 1, 2, 3], [0, 1, 2, 0, 1], [4, 0, 2, 3]], 5)
    starts, ends = _log_odds(sentences, np.array([0, 3, 4, -1]))
    assert ends[0] < -1.0 < 1.0 < ends[1]  # "the" far below any word, "right" (ends both uses) far above
    assert starts[2] > 1.0 and starts[3] == ends[3] == 0.0  # "so" starts sentences; an unknown word says nothing
    hyp_ends = _log_odds(sentences, np.array([1]), edges=[(2, 1), (4, 1)])[1]  # the hypothesis ends "cat" twice
    assert hyp_ends[0] > _log_odds(sentences, np.array([1]))[1][0]


def test_inner_pairs_mark_words_that_stand_side_by_side_inside_a_reference_sentence():
    from mtqe.resplit import _inner_pairs, _learn

    learned = _learn(["Now the restaurant is calling.", "It is late."])
    ids = np.array([learned.vocabulary.get(key, -1) for key in ("late", "now", "the", "resta", "unknown", "is")])
    assert _inner_pairs(learned, ids).tolist() == [0.0, 0.0, 1.0, 1.0, 0.0, 0.0]  # "late now" ends and starts


def test_sentence_start_odds_place_cuts_in_unpunctuated_text_better():
    without = SplitParams(boundary=0.0, boundary_unpunctuated=0.0, odds_unpunctuated=0.0)
    gains = []
    for source in docpairs.SOURCES:
        pair = docpairs.make_pair(source, 4, size=120, edits=docpairs.Edits(lowercase=True))
        ref, hyp = documents(pair)
        gains.append(
            strict_f1(pair, ref, guided_split(ref, hyp)[0]) - strict_f1(pair, ref, guided_split(ref, hyp, without)[0])
        )
    assert sum(gains) > 0.05, gains


MERGED_REF = (
    "The storm reached the coast on Tuesday. Thousands of homes lost power. Schools stayed closed for two days. "
    "The mayor asked people to stay inside. Repairs will take a week.\n"
)
MERGED_HYP = (
    "The storm hit the coast on Tuesday, and thousands of homes lost electricity; the schools remained closed "
    "for two days. The mayor asked residents to stay indoors. Repairs will take one week.\n"
)


def test_a_sentence_that_merges_several_reference_sentences_is_cut_into_their_parts():
    from mtqe.resplit import split_merged

    ref = segment_document(SourceText("ref.txt", MERGED_REF, "", "utf-8"))
    hyp = segment_document(SourceText("hyp.txt", MERGED_HYP, "", "utf-8"))
    links = align_sentences(ref.texts, hyp.texts)
    assert (links[0].ref_ids, links[0].hyp_ids) == ((0, 1, 2), (0,))  # one link, three sentences to one
    split, renumbered, parts = split_merged(ref, hyp, links)
    assert list(parts) == [0] and len(parts[0]) == 3  # three parts, no words left over as a fourth
    assert " ".join(parts[0]).split() == hyp.texts[0].split()
    assert split.texts == [*parts[0], *hyp.texts[1:]]
    assert [(link.ref_ids, link.hyp_ids) for link in renumbered] == [((0, 1, 2), (0, 1, 2)), ((3,), (3,)), ((4,), (4,))]
    assert all(s.line == hyp.sentences[0].line for s in split.sentences[:3])


def test_after_the_cut_each_reference_sentence_is_linked_to_its_own_part():
    from mtqe.pipeline import align_documents

    ref = segment_document(SourceText("ref.txt", MERGED_REF, "", "utf-8"))
    hyp = segment_document(SourceText("hyp.txt", MERGED_HYP, "", "utf-8"))
    split, links, notes = align_documents(ref, hyp)
    assert [(link.ref_ids, link.hyp_ids) for link in links] == [((i,), (i,)) for i in range(5)]
    assert "thousands of homes" in split.texts[1] and split.texts[2].endswith("for two days.")
    assert notes == ("hyp.txt: 1 sentence that translates several reference sentences was cut where those "
                     "sentences end, so each reference sentence is scored against its own part",)  # fmt: skip


def test_cutting_merged_sentences_aligns_real_mt_closer_to_the_gold():
    from mtqe.pipeline import align_documents

    gains = []
    for source in docpairs.SOURCES:
        pair = docpairs.make_pair(source, 6, size=120, edits=docpairs.Edits(merge=0.25))
        ref, hyp = documents(pair)
        split, links, _ = align_documents(ref, hyp)
        before = strict_f1(pair, ref, hyp)
        after = strict_f1(pair, ref, split, links)
        assert after >= before - 0.005, (source, before, after)
        gains.append(after - before)
    assert sum(gains) > 0.03, gains


def test_a_sentence_that_ran_two_lines_together_is_cut_for_the_sentence_beside_it_left_out():
    from mtqe.pipeline import align_documents

    reference = (
        "I have used this shop many times, and today I had the worst experience. Totally unacceptable. "
        "Okay, fine. But you need to remind the restaurant and the delivery person. "
        "I want to know the exact delivery time.\n"
    )
    hypothesis = (  # the MT's lines lost their full stops: "Okay, fine." is inside the first sentence
        "Used this shop many times, today is the worst experience. totally unacceptable Yes, ok\n"
        "But also remind restaurants and riders. I would like to know the exact delivery time.\n"
    )
    ref = segment_document(SourceText("ref.txt", reference, "", "utf-8"))
    hyp = segment_document(SourceText("hyp.txt", hypothesis, "", "utf-8"))
    first = align_sentences(ref.texts, hyp.texts)
    assert any(link.ref_ids == (2,) and not link.hyp_ids for link in first)  # "Okay, fine." omitted at first
    split, links, _ = align_documents(ref, hyp)
    assert split.texts[:3] == ["Used this shop many times, today is the worst experience.", "totally unacceptable",
                               "Yes, ok"]  # fmt: skip
    assert [(link.ref_ids, link.hyp_ids) for link in links] == [((i,), (i,)) for i in range(5)]


def test_a_part_has_room_for_an_omitted_sentence_whose_words_it_holds_beyond_its_own_sentences():
    from mtqe.resplit import _learn, _room

    reference = [
        "It is there, and it is big.",
        "There it is, and it survives.",
        "So for us, the next step actually is really finishing our field trials.",
        "And it is the end of it.",
    ]
    learned = _learn(reference)
    # TED: the MT merged sentences 1 and 2 and garbled the first; no longer than sentence 2, but "survivor"
    assert _room(reference, learned, "Here's a survivor; our next goal is to finish the landscape test.", 2, 1)
    assert not _room(reference, learned, "Our next goal is to finish the landscape test this year.", 2, 1)


def test_sentences_whose_boundaries_fall_inside_the_references_are_joined_and_cut_again():
    from mtqe.pipeline import align_documents

    reference = (  # WMT22 zh-en, reference and a system's output: the MT moved "I wish you ..." across
        "We would also love to thank you for your support and likes out of your busy schedule, and we wish you "
        "a happy meal time and good mood every day! I don’t think this act is helpful at all!\n"
    )
    hypothesis = (
        "Secondly, I would like to thank you for your support and praise during your busy schedule. "
        "I wish you a happy meal and a good mood every day; i don't think this move helps.\n"
    )
    ref = segment_document(SourceText("ref.txt", reference, "", "utf-8"))
    hyp = segment_document(SourceText("hyp.txt", hypothesis, "", "utf-8"))
    assert [(link.ref_ids, link.hyp_ids) for link in align_sentences(ref.texts, hyp.texts)] == [((0, 1), (0, 1))]
    split, links, notes = align_documents(ref, hyp)
    assert split.texts == [
        "Secondly, I would like to thank you for your support and praise during your busy schedule. "
        "I wish you a happy meal and a good mood every day;",
        "i don't think this move helps.",
    ]
    assert [(link.ref_ids, link.hyp_ids) for link in links] == [((0,), (0,)), ((1,), (1,))]
    assert notes == ("hyp.txt: 1 run of sentences whose boundaries fall inside the reference's sentences was cut "
                     "again where the reference's sentences end, so each reference sentence is scored against its "
                     "own part",)  # fmt: skip


def test_sentences_of_different_paragraphs_are_not_joined():
    from mtqe.resplit import split_merged

    ref = segment_document(SourceText("ref.txt", "A cat sat on the mat. It was warm.\n", "", "utf-8"))
    links = [Link((0, 1), (0, 1))]
    one = segment_document(SourceText("hyp.txt", "A cat sat. On the mat it was warm.\n", "", "utf-8"))
    assert split_merged(ref, one, links)[2] == {0: ("A cat sat. On the mat", "it was warm."), 1: ()}
    two = segment_document(SourceText("hyp.txt", "A cat sat.\n\nOn the mat it was warm.\n", "", "utf-8"))
    assert split_merged(ref, two, links)[2] == {}
