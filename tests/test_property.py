"""Random Unicode documents through the whole pipeline: no crash, every score in its range."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtqe.errors import InputError
from mtqe.io import read_text
from mtqe.model import HIGHER_IS_BETTER, METRICS, Settings
from mtqe.pipeline import evaluate
from mtqe.report.html import render_html
from mtqe.schema import evaluation_to_dict, render_json
from mtqe.segment import lines_as_sentences, segment_document

WORDS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=12
)
LINES = st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=8).map("\n".join)


def as_document(text: str, aligned: bool):
    try:
        source = read_text("doc.txt", data=text.encode("utf-8", "surrogatepass"))
    except InputError:
        return None  # empty or white space only: refused with a clear error (tested in test_io)
    return lines_as_sentences(source) if aligned else segment_document(source)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reference=LINES, hypothesis=LINES, aligned=st.booleans())
def test_random_documents_never_crash_and_scores_stay_in_range(reference, hypothesis, aligned):
    ref, hyp = as_document(reference, aligned), as_document(hypothesis, aligned)
    if ref is None or hyp is None or not ref.sentences or (aligned and len(ref.sentences) != len(hyp.sentences)):
        return  # refused with a clear error elsewhere (tested in test_cli)
    result = evaluate(ref, [hyp], Settings(aligned=aligned, bootstrap=100))
    for segment in result.systems[0].segments:
        for metric, value in segment.scores.as_dict().items():
            assert math.isfinite(value) and value >= 0
            if HIGHER_IS_BETTER[metric]:
                assert value <= 100 + 1e-9
    for metric in METRICS:
        corpus = result.systems[0].corpus[metric]
        assert math.isfinite(corpus.score) and corpus.ci_low <= corpus.ci_high
    data = evaluation_to_dict(result)
    render_json(data)
    assert render_html(data).count("<script") == 2  # the data block and the page's own script, nothing injected
