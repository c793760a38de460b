"""Gate verdicts for CI systems: a Markdown summary and JUnit XML (pure renderers).

Both carry numbers and mtqe's own words only, never document text or file
names, so untrusted input cannot inject links, mentions or markup. Neither
has a timestamp.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from mtqe.gate import GateRules
from mtqe.logsafe import inert
from mtqe.model import HIGHER_IS_BETTER, LABELS, Verdict

_HEADLINES = {
    "pass": "passed",
    "warn": "passed with warnings",
    "fail": "failed: regression",
    "identical": "passed: identical to the baseline",
    "inconclusive": "no verdict: too few segments",
    "incomparable": "error: not comparable with the baseline",
    "no-baseline": "no baseline to compare with",
}
# Characters XML 1.0 cannot hold at all.
_ILLEGAL_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_markdown(verdict: Verdict, rules: GateRules) -> str:
    lines = [f"### mtqe gate {_HEADLINES[verdict.status]}", ""]
    if verdict.metrics:
        lines += [
            "| metric | baseline | current | change | p (one-sided, Holm) | verdict |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for v in verdict.metrics:
            arrow = "↑" if HIGHER_IS_BETTER[v.metric] else "↓"
            name = f"**{LABELS[v.metric]}** {arrow}" if v.gated else f"{LABELS[v.metric]} {arrow}"
            p_value = f"{v.p_adjusted:.3f}" if v.gated else f"{v.p_value:.3f}"
            lines.append(f"| {name} | {v.baseline:.2f} | {v.current:.2f} | {v.change:+.2f} | {p_value} | {v.status} |")
        lines += [
            "",
            f"{verdict.units} paired segments; paired bootstrap with {rules.samples} resamples (seed {rules.seed}). "
            f"A gated metric (bold) fails when it loses at least {points(rules.fail_drop)} with p < {rules.alpha:g}, "
            f"and warns when it loses at least {rules.warn_drop:g}.",
        ]
    elif verdict.status == "incomparable":
        lines.append(f"{len(verdict.notes)} difference(s) between this run and the baseline; the job log lists them.")
    if verdict.rules:
        lines += ["", "| rule | verdict | found |", "| --- | --- | --- |"]
        lines += [f"| {RULE_NAMES.get(r.rule.split(':')[0], r.rule)} ({r.rule}) | {r.status} | {r.detail} |"
                  for r in verdict.rules]  # fmt: skip
    return inert("\n".join(lines)) + "\n"  # the job summary: no line a runner would take for a command


RULE_NAMES = {"omission": "no new omission", "critical": "no more critical changes",
              "typography": "no typography-insensitive drop"}  # fmt: skip


def points(amount: float) -> str:
    """A score difference in words: "1 point", "0.5 points"."""
    return f"{amount:g} point" if amount == 1 else f"{amount:g} points"


def render_junit(verdict: Verdict, rules: GateRules) -> str:
    """One test case per metric (or one for comparability); valid JUnit XML, no timestamps."""
    suite = ET.Element("testsuite", name="mtqe gate", time="0")
    cases = 0
    failures = errors = skipped = 0
    if verdict.status in {"incomparable", "no-baseline"}:
        case = ET.SubElement(suite, "testcase", classname="mtqe.gate", name="baseline", time="0")
        if verdict.fails:
            errors += 1
            ET.SubElement(case, "error", message=_clean(verdict.summary), type=verdict.status.value)
        else:
            ET.SubElement(case, "system-out").text = _clean(verdict.summary)
        cases = 1
    for v in verdict.metrics:
        case = ET.SubElement(suite, "testcase", classname="mtqe.gate", name=v.metric, time="0")
        detail = (
            f"{LABELS[v.metric]}: {v.baseline:.2f} -> {v.current:.2f} ({v.change:+.2f}), "
            f"p = {v.p_adjusted if v.gated else v.p_value:.4f}; {v.status}"
        )
        if v.status == "fail":
            failures += 1
            failure = ET.SubElement(case, "failure", message=_clean(detail), type="regression")
            failure.text = (
                f"lost at least {points(rules.fail_drop)} with p < {rules.alpha:g} over {verdict.units} paired segments"
            )
        ET.SubElement(case, "system-out").text = _clean(detail)
        cases += 1
    for rule in verdict.rules:
        case = ET.SubElement(suite, "testcase", classname="mtqe.gate.rules", name=rule.rule, time="0")
        if rule.status == "fail":
            failures += 1
            ET.SubElement(case, "failure", message=_clean(rule.detail), type="rule")
        elif rule.status == "skip":
            skipped += 1
            ET.SubElement(case, "skipped", message=_clean(rule.detail))
        ET.SubElement(case, "system-out").text = _clean(f"{rule.rule}: {rule.detail}; {rule.status}")
        cases += 1
    suite.attrib.update(tests=str(cases), failures=str(failures), errors=str(errors), skipped=str(skipped))
    root = ET.Element("testsuites", name="mtqe", tests=str(cases), failures=str(failures), errors=str(errors), time="0")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _clean(text: str) -> str:
    """Text for JUnit: characters XML cannot hold removed, and no line a CI runner reading it back would
    take for a workflow command (:mod:`mtqe.logsafe`)."""
    return inert(_ILLEGAL_XML.sub("", text))


def render_verdict(verdict: Verdict, quiet: bool = False) -> str:
    """The verdict as the gate prints it: one line, then (unless quiet) a table of the metrics."""
    lines = [f"mtqe gate: {verdict.status.value.upper()}: {verdict.summary}"]
    if not quiet and verdict.metrics:
        lines += ["", f"{'metric':10}{'baseline':>10}{'current':>10}{'change':>10}{'p':>9}  verdict"]
        for v in verdict.metrics:
            label = f"{LABELS[v.metric]} {'↑' if HIGHER_IS_BETTER[v.metric] else '↓'}{' *' if v.gated else ''}"
            p = v.p_adjusted if v.gated else v.p_value
            lines.append(f"{label:10}{v.baseline:10.2f}{v.current:10.2f}{v.change:+10.2f}{p:9.3f}  {v.status}")
        lines.append(
            f"(* gated; {verdict.units} paired segments; p: one-sided paired bootstrap, Holm-adjusted over the "
            "gated metrics on their rows)"
        )
    if not quiet:
        lines += [f"rule {rule.rule}: {rule.status.upper()}: {rule.detail}" for rule in verdict.rules]
    return "\n".join(lines) + "\n"
