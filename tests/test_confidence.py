"""Confidence per link: matches carry their similarity, and gaps that may be alignment errors are flagged."""

from __future__ import annotations

from collections import Counter

import pytest

from mtqe.confidence import rate_links
from mtqe.model import Link, LinkKind, SourceText
from mtqe.pipeline import align_documents
from mtqe.report.html import render_html
from mtqe.report.summary import render_summary
from mtqe.schema import evaluation_to_dict
from mtqe.segment import segment_document
from tests import docpairs
from tests.helpers import evaluate_texts
from tests.tedpairs import sentence_lines

STORY = [
    "The river rose two metres overnight after three days of rain.",
    "Farmers moved their cattle to higher ground before dawn.",
    "Was it expected?",
    "The mayor said the flood barriers had been ordered last spring but never delivered.",
    "Schools in the valley will stay closed until Thursday.",
]


def test_a_loose_translation_of_a_short_sentence_is_an_uncertain_gap_not_a_certain_one():
    hypothesis = [*STORY[:2], "I would not say that they planned for this.", *STORY[3:]]
    links = rate_links(STORY, hypothesis, [Link((0,), (0,)), Link((1,), (1,)), Link((2,), ()), Link((), (2,)),
                                           Link((3,), (3,)), Link((4,), (4,))])  # fmt: skip
    gaps = [link for link in links if link.kind is not LinkKind.MATCH]
    assert [link.uncertain for link in gaps] == [True, True]  # an omission beside an addition
    assert all(link.confidence == pytest.approx(1.0) for link in links if link.kind is LinkKind.MATCH)


def test_a_real_omission_of_a_long_sentence_is_certain():
    hypothesis = [STORY[0], STORY[1], STORY[2], STORY[4]]
    ref = segment_document(SourceText("ref.txt", " ".join(STORY) + "\n", "", "utf-8"))
    hyp = segment_document(SourceText("hyp.txt", " ".join(hypothesis) + "\n", "", "utf-8"))
    _, links, _ = align_documents(ref, hyp)
    omissions = [link for link in links if link.kind is LinkKind.OMISSION]
    assert [o.ref_ids for o in omissions] == [(3,)]
    assert not omissions[0].uncertain and omissions[0].confidence > 0.8


def test_a_short_omitted_sentence_is_uncertain():
    hypothesis = [STORY[0], STORY[1], STORY[3], STORY[4]]
    links = rate_links(STORY, hypothesis, [Link((0,), (0,)), Link((1,), (1,)), Link((2,), ()), Link((3,), (2,)),
                                           Link((4,), (3,))])  # fmt: skip
    assert links[2].uncertain  # "Was it expected?" may have been merged or loosely rendered


def test_on_real_documents_the_flag_marks_false_omissions_far_more_often_than_true_ones():
    """Held-out TED and WMT22 documents: most wrongly reported omissions are flagged, few real ones."""
    flags: Counter = Counter()
    for source in ("ted", "wmt22-en"):
        for seed in (100, 101):
            pair = docpairs.make_pair(source, seed, 200, docpairs.Edits(drop=0.05))
            ref, hyp = (
                segment_document(SourceText(name, text, "", "utf-8"), pair.language)
                for name, text in (("r", pair.ref_text), ("h", pair.hyp_text))
            )
            hyp, links, _ = align_documents(ref, hyp)
            owners = sentence_lines(ref.texts, pair.ref_units)
            partnered = {u for r, h in pair.gold if h for u in r}
            for link in links:
                for i in link.ref_ids if link.kind is LinkKind.OMISSION else ():
                    flags[bool(owners[i] & partnered), link.uncertain] += 1
    false_rate = flags[True, True] / max(flags[True, True] + flags[True, False], 1)
    true_rate = flags[False, True] / max(flags[False, True] + flags[False, False], 1)
    assert flags[False, False] + flags[False, True] >= 10 and flags[True, False] + flags[True, True] >= 5
    assert false_rate >= 0.4 and true_rate <= 0.35 and false_rate >= 1.5 * true_rate, (false_rate, true_rate, flags)


def test_uncertain_gaps_reach_the_results_the_summary_and_the_report():
    reference = " ".join(STORY) + "\n"
    hypothesis = " ".join([STORY[0], STORY[1], STORY[3], STORY[4]]) + "\n"
    results = evaluation_to_dict(evaluate_texts(reference, hypothesis))
    system = results["systems"][0]
    omitted = [s for s in system["segments"] if s["kind"] == "omission"]
    assert [s["uncertain"] for s in omitted] == [True] and system["uncertain"] == {"omission": 1, "addition": 0}
    assert "uncertain: 1 of the omissions" in render_summary(results)
    page = render_html(results)
    assert 'class="omission uncertain"' in page and "omission?" in page and "(1 uncertain)" in page


def test_an_omission_that_resembles_its_neighbour_is_uncertain_and_its_record_is_json():
    """A long omitted sentence much like the hypothesis sentence beside it: uncertain, and plain JSON values."""
    import json

    from mtqe.schema import segment_record

    reference = [*STORY[:3], "The mayor said the flood barriers had been ordered last spring but never arrived.",
                 *STORY[3:]]  # fmt: skip
    links = rate_links(reference, STORY, [Link((0,), (0,)), Link((1,), (1,)), Link((2,), (2,)), Link((3,), ()),
                                          Link((4,), (3,)), Link((5,), (4,))])  # fmt: skip
    omission = links[3]
    assert omission.uncertain is True and omission.confidence < 0.6  # a bool, not numpy's: results are JSON
    record = segment_record("omission", [3], [], reference[3], "", {}, omission.confidence, omission.uncertain)
    assert json.loads(json.dumps(record))["uncertain"] is True


def test_lines_paired_by_position_are_not_rated(tmp_path):
    """--aligned links were never compared: no confidence in the results, the CSV or the report's tooltip."""
    import pandas as pd

    from mtqe.cli import main

    for name, lines in (("ref.txt", STORY), ("hyp.txt", [*STORY[1:], STORY[0]])):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["evaluate", "--aligned", str(tmp_path / "ref.txt"), str(tmp_path / "hyp.txt"), "-o", str(out), "-q",
                 "--bootstrap", "100"]) == 0  # fmt: skip
    import json

    segments = json.loads((out / "results.json").read_text(encoding="utf-8"))["systems"][0]["segments"]
    assert [s["confidence"] for s in segments] == [None] * len(STORY)
    assert pd.read_csv(out / "segments.csv")["confidence"].isna().all()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "paired by position" in page and "alignment similarity 1.00" not in page
