"""The short plain-text summary printed after a run, rendered from results.json data."""

from __future__ import annotations

from typing import Any

from mtqe.logsafe import inert
from mtqe.model import HIGHER_IS_BETTER, LABELS, METRICS, RANKING_METRIC, LinkKind

SUMMARY_METRICS = ("bleu", "chrf", "ter")
TYPOGRAPHY_METRIC = "chrf"  # the metric that "typography costs N points" speaks of first


def plural(count: int, word: str) -> str:
    """``1 match``, ``2 matches``, ``0 omissions``."""
    if count != 1:
        word += "es" if word.endswith("ch") else "s"
    return f"{count} {word}"


def render_summary(results: dict[str, Any]) -> str:
    reference, systems = results["reference"], results["systems"]
    units = "lines" if results["settings"].get("aligned") else "sentences"  # --aligned pairs lines, not sentences
    lines = [
        f"reference {reference['path']}: {reference['sentences']} {units}"
        + (f", {len(reference['metadata'])} metadata lines set aside" if reference["metadata"] else "")
    ]
    name_width = max(len("system"), *(len(system["name"]) for system in systems))
    header = "system".ljust(name_width) + "".join(
        f"  {LABELS[m] + (' ↑' if HIGHER_IS_BETTER[m] else ' ↓'):>17}" for m in METRICS
    )
    lines += ["", header]
    for system in systems:
        cells = []
        for metric in METRICS:
            score = system["corpus"][metric]
            text = f"{score['score']:.2f} [{score['ci_low']:.1f}-{score['ci_high']:.1f}]"
            cells.append(f"  {text:>17}")
        lines.append(system["name"].ljust(name_width) + "".join(cells))
    lines.append("")
    for system in systems:
        counts = system["counts"]
        links = sum(counts.values())
        described = ", ".join(plural(counts[kind.value], kind.value) for kind in LinkKind)
        aside = f"; {len(system['metadata'])} metadata lines set aside" if system.get("metadata") else ""
        lines.append(f"{system['name']}: {links} links ({described}){aside}")
        uncertain = system.get("uncertain", {})
        if any(uncertain.values()):
            doubtful = " and ".join(f"{n} of the {kind}s" for kind, n in uncertain.items() if n)
            lines.append(f"  uncertain: {doubtful} (short, or next to a similar or loose neighbour: check them)")
        critical = system.get("critical")
        if critical is not None:
            lines.append(f"  {describe_critical(critical)}")
        costs = typography_costs(system)
        if costs:
            lines.append(f"  {describe_typography(costs)}")
    if results.get("comparisons"):
        lines += ["", *render_ranking(results)]
    return inert("\n".join(lines)) + "\n"  # no file name can issue a CI workflow command (mtqe.logsafe)


def typography_costs(system: dict[str, Any]) -> dict[str, float]:
    """How many points of each metric typography costs a system: its typography-insensitive score's gain
    over the raw one, in the metric's direction (empty when results carry no such scores)."""
    plain = system.get("typography")
    if not plain:
        return {}
    sign = {metric: 1.0 if HIGHER_IS_BETTER[metric] else -1.0 for metric in METRICS}
    costs = {m: sign[m] * (plain[m]["score"] - system["corpus"][m]["score"]) for m in METRICS}
    return {m: cost if abs(cost) >= 0.005 else 0.0 for m, cost in costs.items()}  # never "-0.00"


def describe_typography(costs: dict[str, float]) -> str:
    """One sentence on :func:`typography_costs`, the same in the summary and the report."""
    others = ", ".join(f"{LABELS[m]} {costs[m]:.2f}" for m in SUMMARY_METRICS if m != TYPOGRAPHY_METRIC)
    return (f"typography costs {costs[TYPOGRAPHY_METRIC]:.2f} {LABELS[TYPOGRAPHY_METRIC]} points ({others}): "
            "the scores with quotes, dashes, spaces and mojibake made plain on both sides")  # fmt: skip


CRITICAL_WORDS = {"number": "number", "name": "name", "negation": "negation", "content": "content change"}


def describe_critical(counts: dict[str, int]) -> str:
    """The critical changes of a system, counted per kind (mtqe.critical), for the summary."""
    found = [plural(n, CRITICAL_WORDS.get(kind, kind)) for kind, n in counts.items() if n]
    if not found:
        return "critical changes: none found (numbers, names, negations and content agree)"
    return f'critical changes: {", ".join(found)} (changed, missing or added: each link\'s "critical" in results.json)'


def render_ranking(results: dict[str, Any]) -> list[str]:
    comparisons = results["comparisons"]
    first = comparisons[0]
    scores = {system["name"]: system["corpus"][RANKING_METRIC]["score"] for system in results["systems"]}
    order = ", ".join(f"{k}. {name} ({scores[name]:.2f})" for k, name in enumerate(results["ranking"]["systems"], 1))
    lines = [
        f"ranking by {LABELS[RANKING_METRIC]}: {order}",
        f"against {first['against']} over {first['units']} paired units (Δ; two-sided p: paired bootstrap / "
        "approximate randomization; * both below 0.05):",
    ]
    width = max(len(c["system"]) for c in comparisons)
    for comparison in comparisons:
        cells = []
        for metric in SUMMARY_METRICS:
            c = comparison["metrics"][metric]
            star = "*" if max(c["p_bootstrap"], c["p_randomization"]) < 0.05 else " "
            cells.append(
                f"{LABELS[metric]} {c['delta']:+6.2f} (p {c['p_bootstrap']:.3f}/{c['p_randomization']:.3f}){star}"
            )
        lines.append(f"  {comparison['system'].ljust(width)}  " + "   ".join(cells))
    return lines
