"""The short plain-text summary printed after a run."""

from __future__ import annotations

from mtqe.model import HIGHER_IS_BETTER, LABELS, METRICS, Evaluation, LinkKind


def count_label(count: int, kind: LinkKind) -> str:
    """``1 match``, ``2 matches``, ``0 omissions``."""
    word = kind.value
    if count != 1:
        word += "es" if word.endswith("ch") else "s"
    return f"{count} {word}"


def render_summary(evaluation: Evaluation) -> str:
    reference = evaluation.reference
    lines = [
        f"reference {reference.path}: {len(reference.sentences)} sentences"
        + (f", {len(reference.metadata)} metadata lines set aside" if reference.metadata else "")
    ]
    name_width = max(len("system"), *(len(system.name) for system in evaluation.systems))
    header = "system".ljust(name_width) + "".join(
        f"  {LABELS[m] + (' ↑' if HIGHER_IS_BETTER[m] else ' ↓'):>17}" for m in METRICS
    )
    lines += ["", header]
    for system in evaluation.systems:
        cells = []
        for metric in METRICS:
            score = system.corpus[metric]
            cells.append(f"  {f'{score.score:.2f} [{score.ci_low:.1f}-{score.ci_high:.1f}]':>17}")
        lines.append(system.name.ljust(name_width) + "".join(cells))
    lines.append("")
    for system in evaluation.systems:
        counts = ", ".join(count_label(system.count(kind), kind) for kind in LinkKind)
        lines.append(f"{system.name}: {len(system.segments)} links ({counts})")
    if evaluation.comparisons:
        lines += ["", *render_ranking(evaluation)]
    return "\n".join(lines) + "\n"


RANKING_METRIC = "chrf"
SUMMARY_METRICS = ("bleu", "chrf", "ter")


def render_ranking(evaluation: Evaluation) -> list[str]:
    first = evaluation.comparisons[0]
    scores = {system.name: system.corpus[RANKING_METRIC].score for system in evaluation.systems}
    order = ", ".join(
        f"{k}. {name} ({scores[name]:.2f})" for k, name in enumerate(evaluation.ranking(RANKING_METRIC), 1)
    )
    lines = [
        f"ranking by {LABELS[RANKING_METRIC]}: {order}",
        f"against {first.against} over {first.units} paired units (Δ; two-sided p: paired bootstrap / "
        "approximate randomization; * both below 0.05):",
    ]
    width = max(len(c.system) for c in evaluation.comparisons)
    for comparison in evaluation.comparisons:
        cells = []
        for metric in SUMMARY_METRICS:
            c = comparison.metrics[metric]
            star = "*" if max(c.p_bootstrap, c.p_randomization) < 0.05 else " "
            cells.append(f"{LABELS[metric]} {c.delta:+6.2f} (p {c.p_bootstrap:.3f}/{c.p_randomization:.3f}){star}")
        lines.append(f"  {comparison.system.ljust(width)}  " + "   ".join(cells))
    return lines
