"""Throughput of the Dask engine with one and with two workers (a local cluster on this machine).

    python benchmarks/dask_throughput.py [--pairs 200000]

Writes the pairs as Parquet, runs `mtqe evaluate --engine dask --input pairs.parquet`
with 1 and 2 workers, checks the corpus scores are identical, and prints pairs
per second (cluster start-up included).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from mtqe.cli import main as mtqe
from tests.tedpairs import load_ted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200_000)
    args = parser.parse_args()
    refs, hyps = load_ted()
    folder = Path(tempfile.mkdtemp())
    tags = [f" ({k // len(refs)})" for k in range(args.pairs)]
    pd.DataFrame(
        {
            "ref": [refs[k % len(refs)] + tags[k] for k in range(args.pairs)],
            "hyp": [hyps[k % len(hyps)] + tags[k] for k in range(args.pairs)],
        }
    ).to_parquet(folder / "pairs.parquet", row_group_size=20_000)
    corpus = {}
    for workers in (1, 2):
        out = folder / f"out{workers}"
        start = time.perf_counter()
        code = mtqe(["evaluate", "--engine", "dask", "--input", str(folder / "pairs.parquet"), "-o", str(out),
                     "--workers", str(workers), "-q"])  # fmt: skip
        elapsed = time.perf_counter() - start
        if code != 0:
            raise SystemExit(f"mtqe exited {code}")
        corpus[workers] = json.loads((out / "results.json").read_text(encoding="utf-8"))["systems"][0]["corpus"]
        print(f"{workers} worker{'s' if workers > 1 else ''}: {args.pairs / elapsed:8.0f} pairs/s ({elapsed:.1f} s)")
    print("corpus scores identical:", corpus[1] == corpus[2])


if __name__ == "__main__":
    main()
