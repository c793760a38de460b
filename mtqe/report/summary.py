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
    return "\n".join(lines) + "\n"
