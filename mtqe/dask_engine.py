"""The Dask engine: pairs scored on a cluster (optional: ``pip install -e ".[dask]"``).

Each partition of (ref, hyp) pairs is scored on a worker by the local scorer
(:func:`mtqe.metrics.score_pairs`); the per-pair sufficient statistics come
back to the client, where the shared tail (:func:`mtqe.engine.summarize`)
computes corpus scores and intervals exactly as a local run does. Per-pair
scores are written by the workers as partitioned Parquet. Pairs come from two
line-aligned files read on the client (:class:`mtqe.stream.LinePairs`, so
encodings, findings and settings are those of a local run) or from a Parquet
or JSON Lines table read by the workers (:class:`TablePairs`). Nothing else in
mtqe imports Dask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mtqe.engine import PairSource, Scored, bound_notes
from mtqe.errors import EngineError, InputError
from mtqe.model import METRICS, EngineName, Normalization, Settings
from mtqe.pairstats import PairStats, RowChanges
from mtqe.schema import DocumentRecord, document_record, segment_record

CONNECT_TIMEOUT = "10s"  # how long to wait for a scheduler given with --scheduler
SAMPLE = 1000  # links of each kind (first, worst by chrF) kept for the HTML report
_EMPTY_PAIRS = pd.DataFrame(
    {"segment": np.zeros(0, dtype=np.int64), "ref": pd.Series([], dtype="str"), "hyp": pd.Series([], dtype="str")}
)


class TablePairs:
    """A Parquet file or directory, or a JSON Lines file, with ref and hyp columns, read by the workers."""

    def __init__(self, path: Path, settings: Settings) -> None:
        if settings.fix_text or settings.normalize is not Normalization.NONE or settings.encoding:
            raise InputError(str(path), "--fix-text, --normalize and --encoding apply to text files, not to --input")
        if not path.exists():
            raise InputError(str(path), "no such file")
        self.path = path
        self.system = path.stem
        self.reference = self  # named in errors by its path

    def __str__(self) -> str:
        return str(self.path)

    def frame(self) -> Any:
        """Partitions: one per Parquet row group, or 8 MB blocks of JSON Lines."""
        import dask.dataframe as dd

        try:
            if self.path.suffix in {".jsonl", ".json"}:
                frame = dd.read_json(str(self.path), lines=True, blocksize=8_000_000)  # about 40,000 pairs
            else:  # write files with row groups of some 10,000-50,000 pairs
                frame = dd.read_parquet(str(self.path), columns=["ref", "hyp"], split_row_groups=True)
        except (ValueError, OSError, KeyError) as error:
            raise InputError(str(self.path), " ".join(str(error).split())) from None
        missing = {"ref", "hyp"} - set(frame.columns)
        if missing:
            raise InputError(str(self.path), f"lacks the column(s) {', '.join(sorted(missing))}")
        return _numbered(frame[["ref", "hyp"]])

    def documents(self, pairs: int) -> tuple[DocumentRecord, DocumentRecord]:
        lines = range(1, pairs + 1)
        record = document_record(str(self.path), "", "utf-8", [], lines)
        return record, dict(record)  # type: ignore[return-value]


class DaskEngine:
    """Scores on the Dask scheduler at ``scheduler`` (default: a local cluster of ``workers`` processes);
    the command line gives it a temporary folder that replaces ``segments.parquet`` only when the run succeeds."""

    name: ClassVar[EngineName] = EngineName.DASK
    segments_file = "segments.parquet"

    def __init__(self, segments_dir: Path, scheduler: str | None = None, workers: int = 1) -> None:
        self.segments_dir = segments_dir  # where the workers write the per-pair scores (a Parquet folder)
        self.scheduler = scheduler
        self.workers = workers

    def score(self, source: PairSource, settings: Settings, sink: Any = None) -> Scored:
        import distributed

        try:
            if self.scheduler:
                client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
                cluster = None
            else:
                cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1, dashboard_address=None)
                client = distributed.Client(cluster)
        except (OSError, TimeoutError, ValueError) as error:
            where = self.scheduler or "of a local cluster"
            raise EngineError(f"cannot reach the Dask scheduler {where}: {error}") from None
        try:
            with client:
                frame = source.frame() if isinstance(source, TablePairs) else _from_chunks(source)
                return _score_frame(frame, settings, self.segments_dir)
        finally:
            if cluster is not None:
                cluster.close()


def score_partition(frame: pd.DataFrame, language: str, tokenize: str | None = None) -> pd.DataFrame:
    """One partition's pairs -> their sentence scores and sufficient statistics (runs on a worker)."""
    from mtqe.engine import hyp_words, reference_lengths
    from mtqe.metrics import PairScorer

    hyps, refs = frame["hyp"].astype(str).tolist(), frame["ref"].astype(str).tolist()
    chunk = PairScorer(language, tokenize=tokenize).score_and_tally(hyps, refs, tally=False)
    stats, scores, changes = chunk.stats, chunk.scores, chunk.typography
    columns: dict[str, Any] = {
        "segment": frame["segment"].to_numpy(),
        "ref": pd.Series(refs, dtype="str"),
        "hyp": pd.Series(hyps, dtype="str"),
        "ref_words": reference_lengths(refs),
        "hyp_words": hyp_words(hyps),  # for the notes on upper bounds (mtqe.engine.bound_notes)
        "critical": pd.Series([_critical_text(found) for found in chunk.critical], dtype="str"),
        **{_COUNT + kind: count for kind, count in _kind_counts(chunk.critical).items()},
    }
    for k, metric in enumerate(METRICS):
        columns[metric] = scores[:, k]
    columns.update(stats.columns())
    changed = np.zeros(len(hyps), dtype=bool)
    changed[changes.rows] = True
    columns[_TYPOGRAPHY] = changed  # and what the typography-insensitive texts change, 0 where nothing
    delta = PairStats.empty(len(hyps))
    for metric, table in delta.tables.items():
        table[changes.rows] = changes.delta.tables[metric]
    columns.update({_TYPOGRAPHY + name: column for name, column in delta.columns().items()})
    return pd.DataFrame(columns)


def _critical_text(changes: tuple[Any, ...]) -> str:
    """A pair's critical changes as the JSON of their records, a cell of segments.parquet."""
    import json

    return json.dumps([{"kind": c.kind, "ref": c.ref, "hyp": c.hyp} for c in changes], ensure_ascii=False)


_COUNT = "critical_"  # the prefix of a partition's columns counting each pair's critical changes of a kind


def _kind_counts(changes: list[tuple[Any, ...]]) -> dict[str, np.ndarray]:
    """Each pair's critical changes of each kind (summed on the client: :func:`mtqe.critical.count_kinds`'s)."""
    from mtqe.critical import count_kinds

    per_pair = [count_kinds([found]) for found in changes]
    return {kind: np.array([counts[kind] for counts in per_pair], dtype=np.int64) for kind in count_kinds([])}


_TYPOGRAPHY = "typography"  # a partition's column saying which pairs mtqe.typography changes; its prefix of deltas


def _typography(scored: Any) -> RowChanges:
    """The statistics that the typography-insensitive texts change, of the changed pairs only, in order."""
    names = [c for c in scored.columns if c.startswith(_TYPOGRAPHY) and c != _TYPOGRAPHY]
    changed = scored[scored[_TYPOGRAPHY]][["segment", *names]].compute().sort_values("segment", kind="stable")
    delta = PairStats.from_columns({name[len(_TYPOGRAPHY) :]: changed[name].to_numpy() for name in names})
    return RowChanges(changed["segment"].to_numpy(np.int64), delta)


def _score_frame(pairs: Any, settings: Settings, segments_path: Path) -> Scored:
    meta = score_partition(_EMPTY_PAIRS, settings.language, settings.tokenize)
    scored = pairs.map_partitions(score_partition, settings.language, settings.tokenize, meta=meta).persist()
    shown = ["segment", "ref", "hyp", *METRICS, "critical"]
    scored[shown].to_parquet(segments_path, write_index=False)
    numbers = [c for c in meta.columns if c not in ("ref", "hyp", "critical") and not c.startswith(_TYPOGRAPHY)]
    local = scored[numbers].compute().sort_values("segment", kind="stable")
    first = scored[shown].head(SAMPLE, npartitions=-1)
    worst = scored[shown].nsmallest(SAMPLE, "chrf").compute()
    sample_frame = pd.concat([first, worst]).drop_duplicates("segment").sort_values("segment")
    sample = tuple(
        {**segment_record("match", [int(row.segment)], [int(row.segment)], row.ref, row.hyp,
                          {m: float(getattr(row, m)) for m in METRICS}, critical=_changes(row.critical)),
         "index": int(row.segment)}
        for row in sample_frame.itertuples(index=False)
    )  # fmt: skip
    stats = PairStats.from_columns({c: local[c].to_numpy() for c in local.columns if "_s" in c})
    scores = local[list(METRICS)].to_numpy(np.float64)
    notes = tuple(bound_notes(stats, local["hyp_words"].to_numpy(np.int64)))
    ngrams = _ngrams(scored)
    counts = {c[len(_COUNT) :]: int(local[c].sum()) for c in local.columns if c.startswith(_COUNT)}
    return Scored(stats, scores, local["ref_words"].to_numpy(np.int64), ngrams, notes, sample, _typography(scored),
                  critical_counts=counts)  # fmt: skip


def _changes(text: str) -> tuple[Any, ...]:
    """The critical changes of a segments.parquet cell (:func:`_critical_text`)."""
    import json

    from mtqe.critical import Change

    return tuple(Change(**record) for record in json.loads(text))


def _tally(frame: pd.DataFrame) -> Any:
    from mtqe.analysis import NgramTally

    tally = NgramTally()
    tally.add(frame["ref"].tolist(), frame["hyp"].tolist())
    return tally


def _ngrams(scored: Any) -> dict[str, Any]:
    """The n-gram analysis: one tally per partition on the workers, merged here."""
    import dask

    from mtqe.analysis import NgramTally

    tallies = dask.compute(*[dask.delayed(_tally)(part) for part in scored[["ref", "hyp"]].to_delayed()])
    merged = NgramTally()
    for tally in tallies:
        merged.merge(tally)
    return merged.result()


def _from_chunks(source: PairSource) -> Any:
    """Chunks read on the client, as a Dask DataFrame (one partition a chunk)."""
    import dask.dataframe as dd

    frames, start = [], 0
    for refs, hyps in source.chunks():
        numbers = np.arange(start, start + len(refs))
        frames.append(pd.DataFrame({"segment": numbers, "ref": pd.Series(refs, dtype="str"),
                                    "hyp": pd.Series(hyps, dtype="str")}))  # fmt: skip
        start += len(refs)
    return dd.from_map(lambda frame: frame, frames or [_EMPTY_PAIRS])


def _numbered(frame: Any) -> Any:
    """Add a global 0-based segment number across partitions."""
    sizes = frame.map_partitions(len).compute().tolist()
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).tolist()

    def number(part: pd.DataFrame, partition_info: dict | None = None) -> pd.DataFrame:
        start = offsets[partition_info["number"]] if partition_info else 0
        return part.assign(segment=np.arange(start, start + len(part)))[["segment", "ref", "hyp"]]

    return frame.map_partitions(number, meta=_EMPTY_PAIRS)
