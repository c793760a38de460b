"""The CI gate (pure): is a run a real regression against its baseline?

1. Runs are compared only when they measure the same thing: the same
   reference, settings and metric signatures (a library version alone only
   warns).
2. Identical statistics pass at once.
3. Otherwise a paired bootstrap over paired units (:mod:`mtqe.pairing`) gives
   each metric's one-sided p-value for "the new run is worse"; with several
   gated metrics the p-values are Holm-adjusted. A gated metric fails only when
   it lost at least ``fail_drop`` points **and** its adjusted p-value is below
   ``alpha``; a smaller or non-significant loss of at least ``warn_drop`` warns.
4. Deterministic rules, each asked for on its own, fail the gate whatever the
   test says (:func:`check_rules`): any reference sentence omitted now that was
   not omitted in the baseline; more critical changes of a chosen kind than the
   baseline had (:mod:`mtqe.critical`); a gated metric's typography-insensitive
   score (:mod:`mtqe.typography`) down by at least a chosen number of points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mtqe.model import HIGHER_IS_BETTER, LABELS, METRICS, GateStatus, MetricVerdict, RuleVerdict, RunStats, Verdict
from mtqe.pairing import unit_of_links
from mtqe.stats import paired_bootstrap

_VOLATILE_SIGNATURE_FIELDS = ("version", "bs", "seed")
_IN_SIGNATURES = ("tokenize",)  # settings that the metric signatures record (BLEU's tok:)


@dataclass(frozen=True)
class GateRules:
    metrics: tuple[str, ...] = ("chrf",)
    fail_drop: float = 1.0  # points lost that, when significant, fail the gate
    warn_drop: float = 0.5  # points lost that warn
    alpha: float = 0.05
    samples: int = 1000
    seed: int = 12345
    min_units: int = 10  # fewer paired units than this give no verdict
    fail_on_omission: bool = False  # any reference sentence omitted now but not in the baseline fails
    fail_on_critical: tuple[str, ...] = ()  # kinds (mtqe.critical.KINDS, or "any") of which more changes fail
    fail_on_typography_drop: float | None = None  # points of a gated metric's typography-insensitive score


def comparability(baseline: RunStats, current: RunStats) -> tuple[list[str], list[str]]:
    """What makes the two runs incomparable (problems) and what merely differs (warnings)."""
    problems, warnings = [], []
    if baseline.reference_sha256 != current.reference_sha256:
        problems.append(
            f"the reference differs (sha256 {baseline.reference_sha256[:12]}… in the baseline, "
            f"{current.reference_sha256[:12]}… now)"
        )
    elif baseline.reference_sentences != current.reference_sentences:
        problems.append(
            f"the reference has {current.reference_sentences} sentences now but {baseline.reference_sentences} "
            "in the baseline (segmentation changed)"
        )
    for key in sorted(set(baseline.settings) | set(current.settings)):
        if key in _IN_SIGNATURES:
            continue  # compared below, as the signatures say it: "13a" asked for is 13a by default
        before, now = baseline.settings.get(key), current.settings.get(key)
        if before != now:
            problems.append(f"setting {key} is {now!r} now but {before!r} in the baseline")
    for metric in METRICS:
        before, now = _fields(baseline.signatures[metric]), _fields(current.signatures[metric])
        changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        real = [k for k in changed if k not in _VOLATILE_SIGNATURE_FIELDS]
        if real:
            details = ", ".join(f"{k}:{before.get(k, '-')} -> {k}:{now.get(k, '-')}" for k in real)
            problems.append(f"{LABELS[metric]} signature differs: {details}")
        elif "version" in changed:
            warnings.append(
                f"{LABELS[metric]} library version differs: {before.get('version')} -> {now.get('version')}"
            )
    for tool in sorted(set(baseline.versions) | set(current.versions)):
        if tool != "sacrebleu" and tool != "jiwer" and baseline.versions.get(tool) != current.versions.get(tool):
            warnings.append(f"{tool} version differs: {baseline.versions.get(tool)} -> {current.versions.get(tool)}")
    return problems, warnings


def _fields(signature: str) -> dict[str, str]:
    return dict(part.split(":", 1) for part in signature.split("|") if ":" in part)


def identical(baseline: RunStats, current: RunStats) -> bool:
    return baseline.ref_ids == current.ref_ids and baseline.stats.equals(current.stats)


def decide(baseline: RunStats, current: RunStats, rules: GateRules) -> Verdict:
    """The significance verdict (:func:`significance`) with the deterministic rules asked for (:func:`check_rules`):
    a rule that fails makes a comparable run's verdict a failure."""
    verdict = significance(baseline, current, rules)
    if verdict.status is GateStatus.INCOMPARABLE:
        return verdict
    checked = check_rules(baseline, current, rules)
    failed = [rule for rule in checked if rule.status == "fail"]
    if not failed:
        return replace(verdict, rules=checked)
    broken = "; ".join(rule.detail for rule in failed)
    summary = f"{broken}; {verdict.summary}" if verdict.status is GateStatus.FAIL else f"rule failed: {broken}"
    return replace(verdict, status=GateStatus.FAIL, summary=summary, rules=checked, fails=True)


def check_rules(baseline: RunStats, current: RunStats, rules: GateRules) -> tuple[RuleVerdict, ...]:
    """Each deterministic rule of ``rules`` decided on the two runs, in a fixed order."""
    checked = []
    if rules.fail_on_omission:
        checked.append(_omission_rule(baseline, current))
    for kind in rules.fail_on_critical:
        checked.append(_critical_rule(baseline, current, kind))
    if rules.fail_on_typography_drop is not None:
        checked += [_typography_rule(baseline, current, m, rules.fail_on_typography_drop) for m in rules.metrics]
    return tuple(checked)


def omitted_sentences(run: RunStats) -> set[int]:
    """The reference sentences of a run's links with nothing on the hypothesis side (CER counts no characters):
    omissions, and the empty lines of a line-aligned hypothesis."""
    cer = run.stats["cer"]
    return {i for ids, row in zip(run.ref_ids, cer.tolist(), strict=True) if row[2] == 0 and row[1] > 0 for i in ids}


def _omission_rule(baseline: RunStats, current: RunStats) -> RuleVerdict:
    new = sorted(omitted_sentences(current) - omitted_sentences(baseline))
    if not new:
        return RuleVerdict(
            "omission", "pass", "no reference sentence is left untranslated that the baseline translated"
        )
    what = _count(len(new), "reference sentence") + " left untranslated that the baseline translated"
    return RuleVerdict("omission", "fail", f"{what} ({_numbers(new)})")


def _numbers(sentences: list[int]) -> str:
    """Reference sentences as people count them (the first is no. 1; results.json's ids count from 0)."""
    shown = ", ".join(str(i + 1) for i in sentences[:10]) + (", ..." if len(sentences) > 10 else "")
    return f"{'no.' if len(sentences) == 1 else 'nos.'} {shown}"


def _critical_rule(baseline: RunStats, current: RunStats, kind: str) -> RuleVerdict:
    """New critical changes of ``kind``: changes of a link's reference sentences that the baseline's link of
    the same sentences did not have (by fingerprint), or, when a run kept no links' changes (Dask), more of
    them than the baseline had."""
    rule = f"critical:{kind}"
    words = "critical change" if kind == "any" else f"{kind} change"
    if baseline.critical_links is not None and current.critical_links is not None:
        before, now = (_changes_by_sentences(run, kind) for run in (baseline, current))
        new = sorted(now - before)
        if not new:
            return RuleVerdict(rule, "pass", f"no new {words}: {len(now)} now, {len(before)} in the baseline")
        where = _numbers(sorted({ids[0] for ids, _, _ in new}))
        return RuleVerdict(rule, "fail", f"{_count(len(new), 'new ' + words)} (reference sentence {where})")
    if baseline.critical is None or current.critical is None:
        which = "baseline" if baseline.critical is None else "run"
        return RuleVerdict(rule, "skip", f"the {which} has no critical changes counted (made by an older mtqe)")
    before, now = (sum(counts.values()) if kind == "any" else counts.get(kind, 0)
                   for counts in (baseline.critical, current.critical))  # fmt: skip
    detail = f"{_count(now, words)} now, {before} in the baseline"
    return RuleVerdict(rule, "fail" if now > before else "pass", detail)


def _changes_by_sentences(run: RunStats, kind: str) -> set[tuple[tuple[int, ...], str, str]]:
    links = run.critical_links or ()
    return {(ids, k, digest) for ids, changes in zip(run.ref_ids, links, strict=True) for k, digest in changes
            if kind in ("any", k)}  # fmt: skip


def _typography_rule(baseline: RunStats, current: RunStats, metric: str, drop: float) -> RuleVerdict:
    rule = f"typography:{metric}"
    if baseline.typography is None or current.typography is None:
        which = "baseline" if baseline.typography is None else "run"
        return RuleVerdict(rule, "skip", f"the {which} has no typography-insensitive scores (made by an older mtqe)")
    old, new = baseline.typography[metric], current.typography[metric]
    loss = (old - new) if HIGHER_IS_BETTER[metric] else (new - old)
    detail = f"typography-insensitive {LABELS[metric]} {old:.2f} -> {new:.2f} ({new - old:+.2f})"
    return RuleVerdict(rule, "fail" if loss >= drop else "pass", detail)


def _count(n: int, words: str) -> str:
    return f"{n} {words}" if n == 1 else f"{n} {words}s"


def significance(baseline: RunStats, current: RunStats, rules: GateRules) -> Verdict:
    """Steps 1-3: comparable, identical, or the paired test's verdict."""
    problems, warnings = comparability(baseline, current)
    if problems:
        return Verdict(
            GateStatus.INCOMPARABLE,
            "not comparable with the baseline: " + "; ".join(problems),
            notes=tuple(problems + warnings),
            fails=True,
        )
    if identical(baseline, current):
        unchanged = tuple(
            MetricVerdict(
                m,
                baseline.scores[m],
                baseline.scores[m],
                0.0,
                1.0,
                1.0,
                m in rules.metrics,
                "pass" if m in rules.metrics else "info",
            )
            for m in METRICS
        )
        units = len(baseline.ref_ids)
        return Verdict(GateStatus.IDENTICAL, "identical to the baseline", unchanged, tuple(warnings), units)

    count, (units_before, units_now) = unit_of_links([baseline.ref_ids, current.ref_ids], baseline.reference_sentences)
    before = baseline.stats.by_unit(units_before, count)
    now = current.stats.by_unit(units_now, count)
    from mtqe.metrics import make_metrics

    metrics = make_metrics(current.settings.get("language") or "en", current.settings.get("tokenize"))
    score = {m: metrics[m].corpus_score for m in METRICS}
    paired = paired_bootstrap(before, now, score, HIGHER_IS_BETTER, rules.samples, rules.seed)
    adjusted = holm({m: paired[m].p_worse for m in rules.metrics})

    verdicts = []
    for metric in METRICS:
        old, new = score[metric](before[metric].sum(axis=0)), score[metric](now[metric].sum(axis=0))
        loss = (old - new) if HIGHER_IS_BETTER[metric] else (new - old)
        gated = metric in rules.metrics
        p_adjusted = adjusted.get(metric, paired[metric].p_worse)
        if not gated:
            status = "info"
        elif count < rules.min_units:
            status = "warn" if loss >= rules.warn_drop else "pass"
        elif loss >= rules.fail_drop and p_adjusted < rules.alpha:
            status = "fail"
        elif loss >= rules.warn_drop:
            status = "warn"
        else:
            status = "pass"
        verdicts.append(MetricVerdict(metric, old, new, new - old, paired[metric].p_worse, p_adjusted, gated, status))

    statuses = {v.status for v in verdicts if v.gated}
    gated = [v for v in verdicts if v.gated]
    if count < rules.min_units:
        overall = GateStatus.INCONCLUSIVE
        summary = (
            f"too few segments for a verdict: {count} paired units (at least {rules.min_units} are needed); "
            + "; ".join(_change(v) for v in gated)
        )
    elif "fail" in statuses:
        overall = GateStatus.FAIL
        summary = "regression: " + "; ".join(_change(v, rules.alpha) for v in gated if v.status == "fail")
    elif "warn" in statuses:
        overall = GateStatus.WARN
        summary = "warning: " + "; ".join(_change(v, rules.alpha) for v in gated if v.status == "warn")
    else:
        overall = GateStatus.PASS
        summary = "no regression: " + "; ".join(_change(v, rules.alpha) for v in gated)
    return Verdict(overall, summary, tuple(verdicts), tuple(warnings), count, fails=overall is GateStatus.FAIL)


def _change(verdict: MetricVerdict, alpha: float | None = None) -> str:
    text = f"{LABELS[verdict.metric]} {verdict.baseline:.2f} -> {verdict.current:.2f} ({verdict.change:+.2f})"
    if alpha is not None:
        significant = "significant" if verdict.p_adjusted < alpha else "not significant"
        text += f", p = {verdict.p_adjusted:.3f} ({significant} at {alpha:g})"
    return text


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm-Bonferroni adjusted p-values (step-down, monotone)."""
    ordered = sorted(p_values.items(), key=lambda item: (item[1], item[0]))
    adjusted, running = {}, 0.0
    for rank, (name, p) in enumerate(ordered):
        running = max(running, min(1.0, (len(ordered) - rank) * p))
        adjusted[name] = running
    return adjusted


def missing_baseline(path: str, fail: bool) -> Verdict:
    message = f"no baseline at {path}: nothing to compare with; save one with 'mtqe baseline save'"
    return Verdict(GateStatus.NO_BASELINE, message, fails=fail)


def misstated_scores(run: RunStats) -> list[tuple[str, float, float]]:
    """Corpus scores stored with ``run`` that are not what its statistics give (metric, stored, computed): a
    number edited by hand, or statistics that belong to another run. Either is corrupt state."""
    from mtqe.metrics import make_metrics

    metrics = make_metrics(run.settings.get("language") or "en", run.settings.get("tokenize"))
    wrong = []
    for metric in METRICS:
        computed = metrics[metric].corpus_score(run.stats[metric].sum(axis=0))
        if not abs(computed - run.scores[metric]) <= _SCORE_TOLERANCE:
            wrong.append((metric, run.scores[metric], computed))
    return wrong


_SCORE_TOLERANCE = 1e-6  # points: sums of TER's float statistics may differ in their last bits between engines
