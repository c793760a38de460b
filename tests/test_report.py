from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from mtqe.model import METRICS
from mtqe.report.csv import render_csv
from mtqe.report.html import quality_band, render_html
from mtqe.report.json import render_json
from mtqe.report.summary import render_summary
from tests.helpers import evaluate_texts

REFERENCE = "Plain opening sentence about the weather today.\nHe wrote something harmless.\nA final closing sentence.\n"
HOSTILE = (
    "Plain opening sentence about the weather today.\n"
    'He wrote <script>alert(1)</script> and </script><img src=x onerror="alert(2)"> in the text.\n'
    "A final & closing sentence with <b>bold</b> tags.\n"
)


@pytest.fixture(scope="module")
def hostile_evaluation():
    return evaluate_texts(REFERENCE, HOSTILE)


def test_json_follows_schema_version_1(hostile_evaluation):
    data = json.loads(render_json(hostile_evaluation))
    assert data["schema_version"] == "1"
    assert {"path", "sha256", "metadata", "sentences"} <= data["reference"].keys()
    system = data["systems"][0]
    assert {"name", "path", "sha256", "corpus", "segments"} <= system.keys()
    assert list(system["corpus"]) == list(METRICS)
    for entry in system["corpus"].values():
        assert set(entry) == {"score", "ci_low", "ci_high", "signature"}
        assert all(isinstance(entry[k], float) for k in ("score", "ci_low", "ci_high"))
    segment = system["segments"][0]
    assert set(segment) == {"kind", "ref_ids", "hyp_ids", "ref", "hyp", *METRICS}
    assert segment["kind"] in {"match", "omission", "addition"}


def test_json_is_deterministic(hostile_evaluation):
    again = evaluate_texts(REFERENCE, HOSTILE)
    assert render_json(hostile_evaluation) == render_json(again)


def test_html_escapes_every_document_text(hostile_evaluation):
    page = render_html(hostile_evaluation)
    assert "<script" not in page  # the page has no script at all, so any <script is injected
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "onerror=&#34;alert(2)&#34;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_html_loads_nothing_from_the_network(hostile_evaluation):
    page = render_html(hostile_evaluation)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_html_shows_scores_kinds_and_texts(hostile_evaluation):
    page = render_html(hostile_evaluation)
    system = hostile_evaluation.systems[0]
    assert f"{system.corpus['chrf'].score:.2f}" in page
    for segment in system.segments:
        assert f'<tr class="{segment.link.kind.value}">' in page
    assert page.count("<tr class=") == len(system.segments)


def test_csv_has_one_row_per_segment_with_all_scores(hostile_evaluation):
    frame = pd.read_csv(io.StringIO(render_csv(hostile_evaluation)), keep_default_na=False)
    segments = hostile_evaluation.systems[0].segments
    assert list(frame.columns) == ["system", "segment", "kind", "ref_ids", "hyp_ids", "ref", "hyp", *METRICS]
    assert len(frame) == len(segments)
    assert list(frame["hyp"]) == [s.hyp for s in segments]
    assert list(frame["chrf"]) == [s.scores.chrf for s in segments]


def test_summary_names_each_system_and_its_counts(hostile_evaluation):
    text = render_summary(hostile_evaluation)
    assert "hyp0" in text and "BLEU" in text and "CER" in text
    assert re.search(r"hyp0: \d+ links \(\d+ match(es)?, \d+ omissions?, \d+ additions?\)", text)


@pytest.mark.parametrize(
    ("metric", "value", "band"),
    [("chrf", 80.0, 4), ("chrf", 50.0, 3), ("chrf", 10.0, 0), ("ter", 10.0, 4), ("ter", 90.0, 0), ("wer", 40.0, 2)],
)
def test_quality_bands(metric, value, band):
    assert quality_band(metric, value) == band
