"""Peak memory and time of `mtqe evaluate --aligned` on a million line-aligned pairs.

    python benchmarks/memory_1m.py [--pairs 1000000]

Writes two line-aligned files made from the TED data (every line made
distinct), runs mtqe on them in a child process (streamed: the files are
large), and prints the wall time, the child's peak resident memory, and the
size of each output.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.tedpairs import load_ted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--timings", action="store_true", help="also print mtqe's time per stage")
    args = parser.parse_args()
    refs, hyps = load_ted()
    folder = Path(tempfile.mkdtemp())
    with open(folder / "ref.txt", "w", encoding="utf-8") as ref, open(folder / "hyp.txt", "w", encoding="utf-8") as hyp:
        for k in range(args.pairs):
            tag = f" ({k // len(refs)})"
            ref.write(refs[k % len(refs)] + tag + "\n")
            hyp.write(hyps[k % len(hyps)] + tag + "\n")
    size = (folder / "ref.txt").stat().st_size + (folder / "hyp.txt").stat().st_size
    print(f"{args.pairs} pairs, {size / 1e6:.0f} MB of input")
    command = [sys.executable, "-m", "mtqe", "evaluate", str(folder / "ref.txt"), str(folder / "hyp.txt"),
               "--aligned", "--quiet", "--workers", str(args.workers), "-o", str(folder / "out"),
               *(["--timings"] if args.timings else [])]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB -> MB, the largest child
    print(f"  {elapsed:.0f} s, {args.pairs / elapsed:.0f} pairs/s end to end; peak memory {peak:.0f} MB")
    for output in sorted((folder / "out").iterdir()):
        print(f"  {output.name}: {output.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
