"""Corrupt results.json and baseline files, as a hand edit, a bad merge or another tool leaves them: every
command that reads them stops with one line naming the file and the value (exit 3 for results, 4 for
baselines), never an internal error, never a verdict drawn from them, never a number shown that their
statistics do not give."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import run_in_process


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert run_in_process(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out), "-q"], out).returncode == 0
    assert run_in_process(["baseline", "save", str(out / "results.json"), "-o", str(out / "base.json")],
                          out).returncode == 0  # fmt: skip
    return out


def _system(data):
    return data["systems"][0]


def _segment(data):
    return data["systems"][0]["segments"][0]


def _edited_results(seed_run, folder, edit):
    """The seed run's results.json changed by ``edit`` (written with NaN as NaN, as json.dumps does), beside a
    copy of its statistics file."""
    data = json.loads((seed_run / "results.json").read_text(encoding="utf-8"))
    edit(data)
    edited = folder / "results.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.copy(seed_run / "statistics.npy", folder / "statistics.npy")
    return edited


RESULTS_EDITS = {
    "no mtqe_version": (lambda d: d.pop("mtqe_version"), "lacks the field 'mtqe_version'"),
    "no ranking": (lambda d: d.pop("ranking"), "lacks the field 'ranking'"),
    "an unknown ranking metric": (lambda d: d["ranking"].update(metric="meteor"), "ranking.metric: is 'meteor'"),
    "counts without matches": (lambda d: _system(d)["counts"].pop("match"), "counts: lacks the field 'match'"),
    "analysis without n-grams": (lambda d: _system(d)["analysis"].pop("ngrams"), "analysis: lacks the field 'ngrams'"),
    "a match with no reference": (
        lambda d: _system(d)["segments"][1].update(ref_ids=[]),
        "segments[1].kind: is 'match', but the link has 0 reference",
    ),
    "systems is an object": (lambda d: d.update(systems={}), "systems: is not a list"),
    "a negative critical count": (lambda d: _system(d)["critical"].update(name=-1), "critical.name: is a negative"),
    "a critical change without its words": (
        lambda d: _system(d)["segments"][3]["critical"].append({"kind": "name"}),
        "segments[3].critical[0]: lacks the field 'ref'",
    ),
    "a typography score above 100": (
        lambda d: _system(d)["typography"]["chrf"].update(score=140.0),
        "systems[0].typography.chrf.score:",
    ),
    "no systems": (lambda d: d.update(systems=[]), "systems: is an empty list"),
    "a score is text": (
        lambda d: _system(d)["corpus"]["chrf"].update(score="76.5"),
        "systems[0].corpus.chrf.score: is not a number",
    ),
    "a segment score is text": (lambda d: _segment(d).update(chrf="x"), "systems[0].segments[0].chrf: is not a number"),
    "a score is NaN": (lambda d: _system(d)["corpus"]["bleu"].update(score=float("nan")), "NaN is not a number"),
    "a score above 100": (lambda d: _segment(d).update(bleu=150.0), "segments[0].bleu: is not a score from 0 to 100"),
    "a negative score": (lambda d: _segment(d).update(ter=-1.0), "segments[0].ter: is not a finite number of at"),
    "ids are text": (lambda d: _segment(d).update(ref_ids=["0"]), "segments[0].ref_ids[0]: is not a whole number"),
    "a reference id out of range": (
        lambda d: _segment(d).update(ref_ids=[999]),
        "segments[0].ref_ids: names a sentence that does not exist",
    ),
    "a hypothesis id out of range": (
        lambda d: _system(d)["segments"][1].update(hyp_ids=[-1]),
        "segments[1].hyp_ids: names a sentence that does not exist",
    ),
    "a text is a number": (lambda d: _segment(d).update(ref=5), "segments[0].ref: is not a string"),
    "a metric missing": (lambda d: _system(d)["corpus"].pop("ter"), "systems[0].corpus: lacks the field 'ter'"),
    "corpus is a number": (lambda d: _system(d).update(corpus=5), "systems[0].corpus: is not an object"),
    "a name is a number": (lambda d: _system(d).update(name=5), "systems[0].name: is not a string"),
    "settings is a list": (lambda d: d.update(settings=[]), "settings: is not an object"),
    "an unknown link kind": (lambda d: _segment(d).update(kind="zzz"), "segments[0].kind: is 'zzz'"),
    "sentences is text": (lambda d: d["reference"].update(sentences="25"), "sentences: is not a whole number"),
    "n-grams are not pairs": (
        lambda d: _system(d)["analysis"]["ngrams"]["1"].update(missed=[["the"]]),
        "ngrams.1.missed[0]: is not a list of 2",
    ),
}


@pytest.mark.parametrize("name", RESULTS_EDITS)
@pytest.mark.parametrize("command", ["gate", "report", "baseline"])
def test_a_corrupt_results_file_is_one_line_naming_the_value(seed_run, tmp_path, name, command):
    edit, problem = RESULTS_EDITS[name]
    broken = _edited_results(seed_run, tmp_path, edit)
    args = {
        "gate": ["gate", str(broken), "-b", str(seed_run / "base.json")],
        "report": ["report", str(broken), "-o", str(tmp_path / "page.html")],
        "baseline": ["baseline", "save", str(broken), "-o", str(tmp_path / "b.json")],
    }[command]
    done = run_in_process(args, tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"mtqe: error: {broken}: ")
    assert problem in done.stderr
    assert not (tmp_path / "page.html").exists() and not (tmp_path / "b.json").exists()


@pytest.mark.parametrize("metric", ["chrf", "ter"])
def test_an_edited_baseline_score_is_refused_not_shown(seed_run, tmp_path, metric):
    """The statistics are the baseline; a stored number that they do not give was edited, and is refused
    whether or not the run is identical to the baseline."""
    data = json.loads((seed_run / "base.json").read_text(encoding="utf-8"))
    data["scores"][metric] = 99.0
    edited = tmp_path / "base.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    done = run_in_process(["gate", str(seed_run / "results.json"), "-b", str(edited)], tmp_path)
    assert done.returncode == 4 and done.stdout == ""
    assert done.stderr.startswith(f"mtqe: error: {edited}: corrupt: its stored ") and "99.0000" in done.stderr


def test_an_edited_results_score_never_becomes_a_baseline(seed_run, tmp_path):
    edited = _edited_results(seed_run, tmp_path, lambda d: _system(d)["corpus"]["chrf"].update(score=55.0))
    done = run_in_process(["baseline", "save", str(edited), "-o", str(tmp_path / "b.json")], tmp_path)
    assert done.returncode == 3 and "chrF score 55.0000 is not what its statistics give" in done.stderr
    assert done.stdout == "" and not (tmp_path / "b.json").exists()


def test_an_edited_results_score_is_refused_by_the_gate(seed_run, tmp_path):
    edited = _edited_results(seed_run, tmp_path, lambda d: _system(d)["corpus"]["chrf"].update(score=80.0))
    done = run_in_process(["gate", str(edited), "-b", str(seed_run / "base.json")], tmp_path)
    assert done.returncode == 3 and "chrF score 80.0000 is not what its statistics give" in done.stderr


def test_an_untouched_pair_still_passes_as_identical(seed_run, tmp_path):
    done = run_in_process(["gate", str(seed_run / "results.json"), "-b", str(seed_run / "base.json")], tmp_path)
    assert done.returncode == 0 and "IDENTICAL" in done.stdout, done.stderr
