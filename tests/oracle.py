"""sacrebleu's answers on inputs too slow to ask it again in every test run, frozen into tables.

The tests compare mtqe's compiled statistics with these tables; this script
writes them, calling sacrebleu itself. Run it after changing a case generator
or upgrading sacrebleu (the tests check that each table's inputs are still the
generator's)::

    python -m tests.oracle
"""

from __future__ import annotations

import json
import random
from importlib.metadata import version
from pathlib import Path

ORACLE = Path(__file__).resolve().parent / "data" / "oracle"
TER_HARD_CASES = ORACLE / "ter_hard_cases.json"


def ter_hard_cases() -> list[tuple[list[str], list[str]]]:
    """Long, repetitive and reordered segments: the shift search runs into its limits."""
    rng = random.Random(5)
    cases = []
    for _ in range(40):
        vocabulary = [str(k) for k in range(rng.choice([2, 3, 5, 50]))]
        ref = [rng.choice(vocabulary) for _ in range(rng.randint(0, 70))]
        if ref and rng.random() < 0.5:
            hyp = ref[len(ref) // 3 :] + ref[: len(ref) // 3]
        else:
            hyp = [rng.choice(vocabulary) for _ in range(rng.choice([0, 3, 40, 90]))]
        cases.append((hyp, ref))
    return cases


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    from sacrebleu.metrics.lib_ter import translation_edit_rate

    rows = [{"hyp": hyp, "ref": ref, "edits": translation_edit_rate(hyp, ref)[0]} for hyp, ref in ter_hard_cases()]
    table = {"sacrebleu": version("sacrebleu"), "cases": rows}
    ORACLE.mkdir(parents=True, exist_ok=True)
    TER_HARD_CASES.write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {TER_HARD_CASES}: {len(rows)} cases from sacrebleu {table['sacrebleu']}")


if __name__ == "__main__":
    main()
