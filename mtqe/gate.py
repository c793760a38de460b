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
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqe.model import HIGHER_IS_BETTER, LABELS, METRICS, GateStatus, MetricVerdict, RunStats, Verdict
from mtqe.pairing import unit_of_links
from mtqe.stats import paired_bootstrap

_VOLATILE_SIGNATURE_FIELDS = ("version", "bs", "seed")


@dataclass(frozen=True)
class GateRules:
    metrics: tuple[str, ...] = ("chrf",)
    fail_drop: float = 1.0  # points lost that, when significant, fail the gate
    warn_drop: float = 0.5  # points lost that warn
    alpha: float = 0.05
    samples: int = 1000
    seed: int = 12345
    min_units: int = 10  # fewer paired units than this give no verdict


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

    metrics = make_metrics(current.settings.get("language") or "en")
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

    metrics = make_metrics(run.settings.get("language") or "en")
    wrong = []
    for metric in METRICS:
        computed = metrics[metric].corpus_score(run.stats[metric].sum(axis=0))
        if not abs(computed - run.scores[metric]) <= _SCORE_TOLERANCE:
            wrong.append((metric, run.scores[metric], computed))
    return wrong


_SCORE_TOLERANCE = 1e-6  # points: sums of TER's float statistics may differ in their last bits between engines
