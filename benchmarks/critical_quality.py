"""Precision and recall of the critical-change checks (mtqe.critical), and their speed.

    python benchmarks/critical_quality.py [--per-edit 150] [--show KIND]

* self pairs (tests/criticalpairs.py: a real line against an edited copy, complete labels):
  precision and recall per kind, counted per pair (a pair reports a kind or does not), on the
  tuning part (even lines) and the held-out part (odd lines);
* real pairs (a real reference against its system output with the same edit at a shared place):
  recall of the edit, counted only when a reported change of the edit's kind names the edited words;
  and, on the unedited real pairs, how often each kind is reported (real MT does change numbers and
  names, so this is an upper bound on false alarms, not a measure of them);
* the hand-labelled sample pairs (tests/data/critical/sample_labels.json): precision and recall per
  change (kind and the reference side's text);
* time per 1,000 real (reference, system output) pairs, TED and WMT22, one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtqe.critical import KINDS, critical_changes  # noqa: E402
from tests.criticalpairs import LabelledPair, labelled_pairs, load_sources  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "critical" / "sample_labels.json"


def self_scores(pairs: list[LabelledPair], show: str | None) -> dict[str, tuple[int, int, int]]:
    """Per kind: (true positives, false positives, false negatives) counted per pair."""
    counts = {kind: [0, 0, 0] for kind in KINDS}
    for pair in pairs:
        found = {c.kind for c in critical_changes(pair.ref, pair.hyp, pair.language)}
        for kind in KINDS:
            hit, want = kind in found, kind in pair.expected
            counts[kind][0] += hit and want
            counts[kind][1] += hit and not want
            counts[kind][2] += want and not hit
            if show == kind and hit != want:
                print(f"  [{'FP' if hit else 'FN'} {pair.edit} {pair.source}] {pair.ref!r}\n      -> {pair.hyp!r}")
                print("     ", [c for c in critical_changes(pair.ref, pair.hyp, pair.language) if c.kind == kind])
    return {kind: (a, b, c) for kind, (a, b, c) in counts.items()}


def real_recall(pairs: list[LabelledPair]) -> dict[str, tuple[int, int]]:
    """Per kind: (edits found at their place, edits made)."""
    counts: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    for pair in pairs:
        (kind,) = pair.expected
        changes = [c for c in critical_changes(pair.ref, pair.hyp, pair.language) if c.kind == kind]
        located = any(pair.marker.split()[0] in c.hyp or pair.marker.split()[0] in c.ref for c in changes)
        counts[kind][0] += located
        counts[kind][1] += 1
    return {kind: (a, b) for kind, (a, b) in counts.items()}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def print_self(title: str, scores: dict[str, tuple[int, int, int]]) -> None:
    print(f"{title}: kind      precision  recall   (tp / fp / fn)")
    for kind, (tp, fp, fn) in scores.items():
        print(f"  {kind:10} {_ratio(tp, tp + fp):>9}  {_ratio(tp, tp + fn):>6}   ({tp} / {fp} / {fn})")


def sample_scores() -> dict[str, tuple[int, int, int]]:
    """Per kind, per change: a found change is right when its kind and reference text are labelled."""
    labels = json.loads(SAMPLE.read_text(encoding="utf-8"))
    counts = {kind: [0, 0, 0] for kind in KINDS}
    for segment in labels["segments"]:
        want = Counter((c["kind"], c["ref"]) for c in segment["expected"])
        got = Counter((c.kind, c.ref) for c in critical_changes(segment["ref"], segment["hyp"], labels["language"]))
        for (kind, _), n in (got & want).items():
            counts[kind][0] += n
        for (kind, _), n in (got - want).items():
            counts[kind][1] += n
        for (kind, _), n in (want - got).items():
            counts[kind][2] += n
    return {kind: (a, b, c) for kind, (a, b, c) in counts.items()}


def speed(total: int = 8000) -> tuple[float, dict[str, float]]:
    """Seconds per 1,000 real pairs (TED and WMT22 zh-en and en-de, in turn), and how often each kind fires."""
    pairs = []
    for language, refs, hyps in load_sources().values():
        pairs += [(r, h, language) for r, h in zip(refs, hyps, strict=True)]
    pairs = (pairs * (total // len(pairs) + 1))[:total]
    critical_changes("warm up", "warm-up 1", "en")
    start = time.perf_counter()
    results = [critical_changes(r, h, lang) for r, h, lang in pairs]
    elapsed = time.perf_counter() - start
    fired = {kind: sum(any(c.kind == kind for c in found) for found in results) / len(results) for kind in KINDS}
    return elapsed / len(pairs) * 1000, fired


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-edit", type=int, default=150, help="pairs per edit, source, side and part")
    parser.add_argument("--show", choices=KINDS, help="print the tuning part's errors of this kind")
    args = parser.parse_args()
    pairs = list(labelled_pairs(args.per_edit))
    for part in ("tuning", "held-out"):
        chosen = [p for p in pairs if p.part == part and p.family == "self"]
        print_self(
            f"self pairs, {part} ({len(chosen)} pairs)", self_scores(chosen, args.show if part == "tuning" else None)
        )
    for part in ("tuning", "held-out"):
        chosen = [p for p in pairs if p.part == part and p.family == "real"]
        print(f"real pairs, {part}: edits found at their place")
        for kind, (found, made) in real_recall(chosen).items():
            if made:
                print(f"  {kind:10} {_ratio(found, made)}  ({found} / {made})")
    print_self("sample pairs (hand-labelled, per change)", sample_scores())
    seconds, fired = speed()
    print(f"speed: {seconds * 1000:.1f} ms per 1,000 real pairs (8,000 TED/WMT22 pairs, one core)")
    print("unedited real pairs reporting each kind: " + ", ".join(f"{k} {v:.1%}" for k, v in fired.items()))


if __name__ == "__main__":
    main()
