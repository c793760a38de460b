"""The whole command, stage by stage, against the plain sacrebleu/jiwer loop and sacrebleu's own CLI.

    python benchmarks/stages.py [--pairs 8000] [--pairs 100000] [--sample 8000]

Real MT output (TED, WMT22 en-de and zh-en, tests/data: 6,357 distinct pairs) is repeated to the size
asked for, each repeat made distinct by a tag, and written as two line-aligned files. In the same run,
on the same files, it times:

* the plain loop: read both files, then for each pair sacrebleu's sentence BLEU (effective order),
  chrF, chrF++, TER and jiwer's WER and CER; timed on the first ``--sample`` pairs and scaled up when
  there are more (said so in the output);
* ``sacrebleu REF -i HYP -m bleu chrf ter --confidence`` (corpus scores with bootstrap intervals only,
  three metrics), as a process: wall and CPU time;
* ``mtqe evaluate --aligned REF HYP --timings`` as a process, on every core and on one: wall and CPU
  time, and the time of each stage as mtqe reports it (``mtqe.timing``); "start-up and other" is the
  wall time the stages do not cover (interpreter, imports, numba's cache, parsing the options).

It checks that mtqe's sentence scores of the sampled pairs equal the plain loop's, and prints the
ratios. Run it on an idle machine: the machine's other load is in every number.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scoring_speed import plain_loop as score_loop
from mtqe.model import METRICS
from tests import docpairs

STAGES = ("read", "segment", "align", "score", "analyses", "bootstrap", "significance", "json", "csv", "html", "write")


def real_pairs() -> tuple[list[str], list[str]]:
    refs: list[str] = []
    hyps: list[str] = []
    for source in docpairs.SOURCES:
        source_refs, source_hyps, _ = docpairs.load(source)
        refs += source_refs
        hyps += source_hyps
    return refs, hyps


def write_files(folder: Path, pairs: int) -> tuple[Path, Path, list[str], list[str]]:
    refs, hyps = real_pairs()
    ref_lines, hyp_lines = [], []
    for k in range(pairs):
        tag = f" ({k // len(refs)})" if k >= len(refs) else ""  # a repeat is made distinct: no cache helps
        ref_lines.append(refs[k % len(refs)] + tag)
        hyp_lines.append(hyps[k % len(hyps)] + tag)
    ref_path, hyp_path = folder / "ref.txt", folder / "hyp.txt"
    ref_path.write_text("\n".join(ref_lines) + "\n", encoding="utf-8")
    hyp_path.write_text("\n".join(hyp_lines) + "\n", encoding="utf-8")
    return ref_path, hyp_path, ref_lines, hyp_lines


def plain_loop(ref_path: Path, hyp_path: Path, count: int) -> tuple[float, list[list[float]]]:
    """Seconds for the first ``count`` pairs, reading included, and their scores in METRICS order."""
    start = time.perf_counter()
    refs = ref_path.read_text(encoding="utf-8").split("\n")[:count]
    hyps = hyp_path.read_text(encoding="utf-8").split("\n")[:count]
    scores = score_loop(hyps, refs)  # scoring_speed.py's loop: the same six library calls
    return time.perf_counter() - start, scores


def timed_process(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system, the process and its children) and stderr of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stderr


def stage_times(stderr: str) -> dict[str, float]:
    line = next(line for line in stderr.splitlines() if line.startswith("timings: "))
    return {name: float(seconds) for name, seconds in re.findall(r"(\w+) ([0-9.]+) s", line)}


def mtqe_scores(output: Path, count: int) -> list[list[float]]:
    results = json.loads((output / "results.json").read_text(encoding="utf-8"))
    segments = results["systems"][0]["segments"][:count]
    return [[segment[metric] for metric in METRICS] for segment in segments]


def run_size(pairs: int, sample: int, folder: Path) -> None:
    ref_path, hyp_path, _, _ = write_files(folder, pairs)
    counted = min(sample, pairs)
    plain_seconds, expected = plain_loop(ref_path, hyp_path, counted)
    plain = plain_seconds * pairs / counted
    scaled = "" if counted == pairs else f" (timed on {counted:,} pairs, scaled to {pairs:,})"
    print(f"\n{pairs:,} pairs, {(ref_path.stat().st_size + hyp_path.stat().st_size) / 1e6:.1f} MB of input")
    print(f"  plain sacrebleu/jiwer loop, six metrics     {plain:8.2f} s{scaled}")

    sacrebleu_cli = [sys.executable, "-m", "sacrebleu", str(ref_path), "-i", str(hyp_path), "-m", "bleu", "chrf",
                     "ter", "--confidence", "-w", "2"]  # fmt: skip
    wall, cpu, _ = timed_process(sacrebleu_cli)
    print(f"  sacrebleu CLI --confidence, three metrics   {wall:8.2f} s wall {cpu:8.2f} s CPU   "
          f"(corpus scores only)")  # fmt: skip

    for workers in (0, 1):
        output = folder / f"out-{workers}"
        command = [sys.executable, "-m", "mtqe", "evaluate", "--aligned", str(ref_path), str(hyp_path), "-o",
                   str(output), "-q", "--timings", "--workers", str(workers)]  # fmt: skip
        timed_process(command)  # once to warm the caches (numba's, the template's, the page cache)
        wall, cpu, stderr = timed_process(command)
        stages = stage_times(stderr)
        if mtqe_scores(output, counted) != expected:
            raise SystemExit(f"{pairs} pairs: mtqe's sentence scores differ from the plain loop's")
        cores = f"{os.cpu_count()} cores" if workers == 0 else "1 core"
        print(f"  mtqe evaluate --aligned, {cores:8}          {wall:8.2f} s wall {cpu:8.2f} s CPU   "
              f"{plain / wall:5.1f}x the plain loop, {cpu and plain / cpu:5.1f}x its CPU time; sentence scores "
              f"identical")  # fmt: skip
        covered = sum(stages.values())
        parts = [f"{name} {stages[name]:.2f}" for name in STAGES if name in stages]
        print(f"      stages (s): start-up and other {wall - covered:.2f}, " + ", ".join(parts))
        slowest = max((name for name in stages if name != "score"), key=stages.get, default=None)
        if slowest and stages[slowest] > stages.get("score", 0.0):
            print(f"      slower than scoring: {slowest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, action="append", help="sizes to run (repeatable; default 8,000)")
    parser.add_argument("--sample", type=int, default=8000, help="pairs the plain loop is timed on")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; metrics: {', '.join(METRICS)}")
    with tempfile.TemporaryDirectory() as folder:
        for pairs in args.pairs or [8000]:
            run_size(pairs, args.sample, Path(folder))


if __name__ == "__main__":
    main()
