from __future__ import annotations

import pytest
from lxml import etree

from mtqe.baseline import run_from_results
from mtqe.gate import GateRules, decide, missing_baseline
from mtqe.model import GateStatus, MetricVerdict, Verdict
from mtqe.report.ci import render_junit, render_markdown
from tests.conftest import DATA
from tests.helpers import results_of

HOSTILE_NAME = "@octocat [click](https://evil.example) <img src=x> ::error::boom \x1b[31m\x00"
SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "junit" / "junit.xsd")))


@pytest.fixture(scope="module")
def verdicts():
    ref = "".join(f"Sentence number {k} says something about the weather today.\n" for k in range(30))
    worse = "".join(f"Sentence {k} says nothing at all.\n" for k in range(30))
    paths = ("ref.txt", HOSTILE_NAME)
    before = run_from_results(results_of(ref, ref, aligned=True, paths=paths))
    after = run_from_results(results_of(ref, worse, aligned=True, paths=paths))
    rules = GateRules()
    return {
        "fail": decide(before, after, rules),
        "identical": decide(before, before, rules),
        "incomparable": decide(before, run_from_results(results_of(ref, ref, paths=paths)), rules),
        "no-baseline": missing_baseline("base.json", fail=True),
    }


@pytest.mark.parametrize("status", ["fail", "identical", "incomparable", "no-baseline"])
def test_junit_xml_validates(verdicts, status):
    document = etree.fromstring(render_junit(verdicts[status], GateRules()).encode("utf-8"))
    SCHEMA.assertValid(document)
    assert "timestamp" not in render_junit(verdicts[status], GateRules())


def test_junit_has_one_test_case_per_metric_and_fails_the_regression(verdicts):
    document = etree.fromstring(render_junit(verdicts["fail"], GateRules()).encode("utf-8"))
    cases = document.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["bleu", "chrf", "chrf_pp", "ter", "wer", "cer"]
    assert [c.get("name") for c in cases if c.find("failure") is not None] == ["chrf"]
    assert document.get("failures") == "1"


def test_junit_strips_characters_xml_cannot_hold():
    metric = MetricVerdict("chrf", 50, 40, -10, 0.001, 0.001, True, "fail")
    verdict = Verdict(GateStatus.FAIL, "x", (metric,), fails=True)
    bad = Verdict(GateStatus.INCOMPARABLE, "bad \x00\x1b\ud800 chars \ufffe here", fails=True)
    for v in (verdict, bad):
        SCHEMA.assertValid(etree.fromstring(render_junit(v, GateRules()).encode("utf-8")))
    assert "bad  chars  here" in render_junit(bad, GateRules())


def test_markdown_carries_numbers_not_names(verdicts):
    for verdict in verdicts.values():
        text = render_markdown(verdict, GateRules())
        for fragment in ("@octocat", "evil.example", "<img", "::error::", "\x1b", "base.json", "hyp"):
            assert fragment not in text
    fail = render_markdown(verdicts["fail"], GateRules())
    assert fail.startswith("### mtqe gate failed: regression")
    assert "| **chrF** ↑ |" in fail and "| fail |" in fail


def test_markdown_golden_shape(verdicts):
    lines = render_markdown(verdicts["identical"], GateRules()).splitlines()
    assert lines[0] == "### mtqe gate passed: identical to the baseline"
    assert lines[2].startswith("| metric | baseline | current |")
    assert len(lines) == 12  # title, blank, header, rule, six metrics, blank, how the verdict was reached


def test_a_drop_of_one_point_is_one_point():
    from mtqe.report.ci import points

    assert [points(amount) for amount in (1.0, 0.5, 2.0, 1.25)] == ["1 point", "0.5 points", "2 points", "1.25 points"]


def test_junit_text_holds_no_workflow_command_whatever_the_summary_says():
    from mtqe.logsafe import is_command

    verdict = Verdict(GateStatus.INCOMPARABLE, "a.txt differs\n::error file=a::boom\r##[error]x", fails=True)
    document = etree.fromstring(render_junit(verdict, GateRules()).encode("utf-8"))
    texts = [document.find(".//error").get("message"), *(node.text or "" for node in document.iter())]
    lines = [line for text in texts for line in text.replace("\r", "\n").splitlines()]
    assert "::error file=a::boom" in " ".join(lines) and not any(is_command(line) for line in lines)
