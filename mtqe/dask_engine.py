"""Scoring huge line-aligned corpora on a Dask cluster (optional: ``pip install -e ".[dask]"``).

Each partition of (ref, hyp) pairs is scored on a worker by the same code as
the local scorer (:func:`mtqe.metrics.score_pairs`); the per-pair sufficient
statistics come back to the client, where corpus scores and bootstrap
intervals are computed exactly as in a local run, so the numbers are
identical. Per-pair scores are written by the workers as partitioned Parquet.
Nothing else in mtqe imports Dask.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtqe import __version__
from mtqe.analysis import by_length
from mtqe.evaluate import corpus_scores
from mtqe.metrics import make_metrics, score_pairs
from mtqe.model import METRICS, Settings
from mtqe.report.json import SCHEMA_VERSION, corpus_dict, settings_dict
from mtqe.report.summary import RANKING_METRIC

STORED = tuple(m for m in METRICS if m != "chrf")  # chrF's statistics are chrF++'s first 18 columns
SAMPLE = 1000
_EMPTY_PAIRS = pd.DataFrame(
    {"segment": np.zeros(0, dtype=np.int64), "ref": pd.Series([], dtype="str"), "hyp": pd.Series([], dtype="str")}
)


@dataclass(frozen=True)
class DaskRun:
    results: dict[str, Any]  # results.json data; the segments are in segments.parquet
    scores: np.ndarray  # pairs x METRICS
    ref_lengths: np.ndarray
    sample: list[dict[str, Any]]  # the first and the worst links by chrF, each with its "index"


def _stat_columns() -> dict[str, int]:
    metrics = make_metrics()
    widths = {m: metrics[m].statistics(["a"], ["a"]).shape[1] for m in STORED}
    return widths


def score_partition(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """One partition's pairs -> their sentence scores and sufficient statistics (runs on a worker)."""
    hyps, refs = frame["hyp"].astype(str).tolist(), frame["ref"].astype(str).tolist()
    stats, scores = score_pairs(hyps, refs, language)
    columns: dict[str, Any] = {
        "segment": frame["segment"].to_numpy(),
        "ref": pd.Series(refs, dtype="str"),
        "hyp": pd.Series(hyps, dtype="str"),
        "ref_words": np.array([len(ref.split()) for ref in refs], dtype=np.int64),
    }
    for k, metric in enumerate(METRICS):
        columns[metric] = scores[:, k] if len(refs) else np.zeros(0)
    for metric in STORED:
        table = stats[metric] if len(refs) else np.zeros((0, _stat_columns()[metric]))
        for c in range(table.shape[1]):
            columns[f"{metric}_s{c}"] = table[:, c].astype(np.float64)
    return pd.DataFrame(columns)


def _meta(language: str) -> pd.DataFrame:
    return score_partition(_EMPTY_PAIRS, language)


def evaluate_pairs(pairs: Any, settings: Settings, output_dir: Path, source: dict[str, Any]) -> DaskRun:
    """Score a Dask DataFrame of pairs (columns segment, ref, hyp) on the current Dask client."""
    scored = pairs.map_partitions(score_partition, settings.language, meta=_meta(settings.language))
    scored = scored.persist()
    scored[["segment", "ref", "hyp", *METRICS]].to_parquet(output_dir / "segments.parquet", write_index=False)
    wanted = ["segment", "ref_words", *METRICS, *(c for c in scored.columns if "_s" in c)]
    local = scored[wanted].compute().sort_values("segment", kind="stable")
    count = len(local)
    stats: dict[str, np.ndarray] = {
        m: local[[c for c in local.columns if c.startswith(f"{m}_s")]].to_numpy(np.float64) for m in STORED
    }
    stats["chrf"] = stats["chrf_pp"][:, :18]
    stats = {m: stats[m] for m in METRICS}
    scores = local[list(METRICS)].to_numpy(np.float64)
    ref_lengths = local["ref_words"].to_numpy(np.int64)
    first = scored[["segment", "ref", "hyp", *METRICS]].head(SAMPLE, npartitions=-1)
    worst = scored[["segment", "ref", "hyp", *METRICS]].nsmallest(SAMPLE, "chrf").compute()
    sample_frame = pd.concat([first, worst]).drop_duplicates("segment").sort_values("segment")
    sample = [
        {"kind": "match", "ref_ids": [int(row.segment)], "hyp_ids": [int(row.segment)], "ref": row.ref,
         "hyp": row.hyp, **{m: float(getattr(row, m)) for m in METRICS}, "index": int(row.segment)}
        for row in sample_frame.itertuples(index=False)
    ]  # fmt: skip
    return DaskRun(_results(stats, ref_lengths, count, settings, source), scores, ref_lengths, sample)


def _results(
    stats: dict[str, np.ndarray], ref_lengths: np.ndarray, count: int, settings: Settings, source: dict[str, Any]
) -> dict[str, Any]:
    metrics = make_metrics(settings.language)
    corpus = corpus_scores(stats, metrics, settings)
    lines = list(range(1, count + 1))
    document = {"metadata": [], "sentences": count, "sentence_lines": lines, "encoding": "utf-8", "findings": []}
    return {
        "schema_version": SCHEMA_VERSION,
        "mtqe_version": __version__,
        "settings": settings_dict(settings),
        "reference": {"path": source["reference"], "sha256": source["reference_sha256"], **document},
        "systems": [
            {
                "name": source["system"],
                "path": source["hypothesis"],
                "sha256": source["hypothesis_sha256"],
                **document,
                "counts": {"match": count, "omission": 0, "addition": 0},
                "corpus": corpus_dict(corpus),
                "segments": [],
                "segments_file": "segments.parquet",
                "analysis": {"by_length": by_length(ref_lengths, stats, metrics), "ngrams": {}},
                "notes": [],
            }
        ],
        "ranking": {"metric": RANKING_METRIC, "systems": [source["system"]]},
        "comparisons": [],
    }


def pairs_from_table(path: Path) -> Any:
    """A Parquet file or directory, or a JSON Lines file, with ref and hyp columns (partitions: row groups,
    or 8 MB blocks of JSON Lines)."""
    import dask.dataframe as dd

    if path.suffix in {".jsonl", ".json"}:
        frame = dd.read_json(str(path), lines=True, blocksize=8_000_000)  # about 40,000 pairs a partition
    else:  # one partition per row group: write files with row groups of some 10,000-50,000 pairs
        frame = dd.read_parquet(str(path), columns=["ref", "hyp"], split_row_groups=True)
    missing = {"ref", "hyp"} - set(frame.columns)
    if missing:
        raise ValueError(f"lacks the column(s) {', '.join(sorted(missing))}")
    return _numbered(frame[["ref", "hyp"]])


def pairs_from_chunks(chunks: Iterator[tuple[list[str], list[str]]]) -> Any:
    """Line-aligned chunks read on the client, as a Dask DataFrame (one partition a chunk)."""
    import dask.dataframe as dd

    frames, start = [], 0
    for refs, hyps in chunks:
        frames.append(
            pd.DataFrame(
                {"segment": np.arange(start, start + len(refs)), "ref": pd.Series(refs, dtype="str"),
                 "hyp": pd.Series(hyps, dtype="str")}
            )
        )  # fmt: skip
        start += len(refs)
    if not frames:
        frames.append(_EMPTY_PAIRS)
    return dd.from_map(lambda frame: frame, frames)


def _numbered(frame: Any) -> Any:
    """Add a global 0-based segment number across partitions."""
    sizes = frame.map_partitions(len).compute().tolist()
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).tolist()

    def number(part: pd.DataFrame, partition_info: dict | None = None) -> pd.DataFrame:
        start = offsets[partition_info["number"]] if partition_info else 0
        return part.assign(segment=np.arange(start, start + len(part)))[["segment", "ref", "hyp"]]

    return frame.map_partitions(number, meta=_EMPTY_PAIRS)
