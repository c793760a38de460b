from __future__ import annotations

import json

import numpy as np
import pytest

from mtqe.baseline import load_baseline, render_baseline, run_from_results
from mtqe.errors import BaselineError, SystemNotFound
from mtqe.metrics import make_metrics
from mtqe.model import METRICS
from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import results_of


@pytest.fixture(scope="module")
def results():
    return results_of(SEED_REF.read_text(encoding="utf-8"), SEED_HYP.read_text(encoding="utf-8"))


def test_baseline_statistics_give_back_the_corpus_scores(results):
    run = run_from_results(results)
    metrics = make_metrics()
    for metric in METRICS:
        assert (
            metrics[metric].corpus_score(run.stats[metric].sum(axis=0))
            == results["systems"][0]["corpus"][metric]["score"]
        )
    assert run.ref_ids == tuple(tuple(s["ref_ids"]) for s in results["systems"][0]["segments"])


def test_baseline_round_trips_and_holds_no_text(results):
    run = run_from_results(results)
    text = render_baseline(run)
    loaded = load_baseline(text, "b.json")
    assert loaded == run
    assert all(np.array_equal(loaded.stats[m], run.stats[m]) for m in METRICS)
    assert "Zelensky" not in text and "Biden" not in text and "Mlanie" not in text  # changes only as fingerprints
    assert loaded.critical == results["systems"][0]["critical"] and loaded.critical_links == run.critical_links
    assert any(run.critical_links) and loaded.typography == {
        m: results["systems"][0]["typography"][m]["score"] for m in METRICS}  # fmt: skip
    data = json.loads(text)
    assert data["metrics"]["ter"]["higher_is_better"] is False
    assert data["reference"] == {"sha256": results["reference"]["sha256"], "sentences": 25}


def test_unknown_system_is_named():
    with pytest.raises(SystemNotFound, match="no system named 'x'"):
        run_from_results(results_of("A b.\n", "A b.\n"), "x")


def _edit_stat(text, metric, value):
    data = json.loads(text)
    data["links"]["stats"][metric][1][0] = value
    return json.dumps(data)  # NaN is written as NaN, as a careless editor would


def _edited(text, where, value):
    """The baseline with the field at path ``where`` set to ``value``."""
    root = json.loads(text)
    node = root
    *path, last = where
    for key in path:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return json.dumps(root)


def _edit_score(text, metric, value):
    data = json.loads(text)
    data["scores"][metric] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: "[]", "not an mtqe baseline"),
        (lambda text: text.replace('"mtqe_baseline":"1"', '"mtqe_baseline":"7"'), "baseline version '7'"),
        (lambda text: text.replace('"stats":{', '"statz":{'), "links: lacks the field 'stats'"),
        (lambda text: text.replace('"ref_ids":[[', '"ref_ids":[[99,'), "does not exist"),
        (lambda text: text.replace('"ref_ids":[[0]', '"ref_ids":[[]'), "each reference sentence exactly once"),
        (lambda text: text.replace('"ref_ids":[[0]', '"ref_ids":[["0"]'), r"links.ref_ids\[0\]\[0\]: is not a whole"),
        (lambda text: text.replace('"bleu":[[', '"bleu":[[-1,', 1), "bleu statistics do not have one row"),
        (lambda text: _edit_stat(text, "bleu", -3), "negative or impossibly large"),
        (lambda text: _edit_stat(text, "wer", 10**30), "wer statistics are not all whole numbers"),
        (lambda text: _edit_stat(text, "cer", 2.5), "cer statistics are not all whole numbers"),
        (lambda text: _edit_stat(text, "chrf_pp", "7"), "chrf_pp statistics are not all whole numbers"),
        (lambda text: _edit_stat(text, "ter", float("nan")), "NaN is not a number JSON allows"),
        (lambda text: _edit_score(text, "chrf", float("inf")), "Infinity is not a number JSON allows"),
        (lambda text: _edit_score(text, "chrf", "76"), "scores.chrf: is not a number"),
        (lambda text: _edited(text, ("critical", "name"), -1), "critical: a count is not a whole number"),
        (lambda text: _edited(text, ("critical", "name"), 1.5), "critical.name: is not a whole number"),
        (lambda text: _edited(text, ("critical", "dates"), 1), "critical: the kinds are not"),
        (lambda text: _edited(text, ("typography", "chrf"), float("nan")), "NaN is not a number JSON allows"),
        (lambda text: _edited(text, ("typography", "chrf"), -2.0), "typography: a score is not a finite number"),
        (lambda text: _edited(text, ("typography",), {"chrf": 1.0}), "typography lacks the metric 'bleu'"),
        (lambda text: _edited(text, ("links", "critical"), []), "links.critical does not have one entry per link"),
        (lambda text: _edited(text, ("links", "critical", "3"), [["dates", "ab"]]), "a change of an unknown kind"),
        (
            lambda text: text.replace('"settings":{', '"settings":[{', 1).replace('},"metrics"', '}],"metrics"', 1),
            "settings: is not an object",
        ),
        (
            lambda text: text.replace('"versions":{', '"versions":[{', 1).replace('},"reference"', '}],"reference"', 1),
            "versions: is not an object",
        ),
    ],
)
def test_corrupt_baselines_are_refused(results, edit, problem):
    text = edit(render_baseline(run_from_results(results)))
    with pytest.raises(BaselineError, match=problem):
        load_baseline(text, "b.json")


def test_truncated_statistics_are_refused(results):
    data = json.loads(render_baseline(run_from_results(results)))
    data["links"]["stats"]["chrf"].pop()
    with pytest.raises(BaselineError, match="chrf statistics do not have one row per link"):
        load_baseline(json.dumps(data), "b.json")
