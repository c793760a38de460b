"""Baselines: a run's per-link sufficient statistics, saved so later runs can be tested against it.

A baseline holds no translations: the reference's hash and size, the settings
and signatures that make numbers comparable, and each link's reference
sentence ids and statistics, which is all a paired test needs.
"""

from __future__ import annotations

import json
import math
from importlib.metadata import version
from typing import Any, TypedDict

import numpy as np

from mtqe import shape
from mtqe.errors import BaselineError, StatisticsError, SystemNotFound
from mtqe.model import HIGHER_IS_BETTER, METRICS, RunStats
from mtqe.pairstats import CHRF_COLUMNS, DTYPES, WIDTHS, PairStats

BASELINE_VERSION = "1"
COMPARABLE_SETTINGS = ("language", "aligned", "fix_text", "normalize", "tokenize")
_DEFAULTS = {"normalize": "none", "tokenize": None}  # settings added after schema 1 was first written


def run_from_results(
    results: dict[str, Any],
    system: str | None = None,
    stats: PairStats | None = None,
    workers: int = 1,
    critical: list[list[dict[str, str]]] | None = None,
) -> RunStats:
    """A system of a results.json document with its per-link statistics: ``stats`` as stored beside the
    results (:mod:`mtqe.statfile`), or, when none are given, recomputed from its texts (exactly as scored);
    ``critical``: each link's critical changes when the segments are elsewhere (Dask's segments.parquet)."""
    chosen = choose_system(results["systems"], system)
    segments = chosen["segments"]
    elsewhere = not segments and chosen.get("segments_file")
    if elsewhere and (stats is None or not results["settings"].get("aligned")):
        raise SystemNotFound(
            f"the segments of {chosen['name']!r} are in {chosen['segments_file']}, not in the results, "
            f"and its statistics file ({chosen.get('statistics', {}).get('file', 'statistics.npy')}) cannot be used"
        )
    if elsewhere:  # line-aligned pairs: link k is reference line k
        ref_ids: tuple[tuple[int, ...], ...] = tuple((k,) for k in range(stats.pairs))  # type: ignore[union-attr]
    else:
        ref_ids = tuple(tuple(s["ref_ids"]) for s in segments)
    if stats is None:
        from mtqe.metrics import score_pairs  # compiled scoring: only when the statistics file is not there

        hyps, refs = [s["hyp"] for s in segments], [s["ref"] for s in segments]
        settings = results["settings"]
        stats, _ = score_pairs(hyps, refs, settings.get("language", "en"), workers, settings.get("tokenize"))
    elif stats.pairs != len(ref_ids):
        raise SystemNotFound(f"the statistics of {chosen['name']!r} have {stats.pairs} rows for {len(ref_ids)} links")
    return RunStats(
        reference_sha256=results["reference"]["sha256"],
        reference_sentences=results["reference"]["sentences"],
        settings={key: results["settings"].get(key, _DEFAULTS.get(key)) for key in COMPARABLE_SETTINGS},
        signatures={m: chosen["corpus"][m]["signature"] for m in METRICS},
        system=chosen["name"],
        ref_ids=ref_ids,
        stats=stats,
        scores={m: chosen["corpus"][m]["score"] for m in METRICS},
        versions=_versions(results.get("mtqe_version", "unknown")),
        critical=dict(chosen["critical"]) if "critical" in chosen else None,
        critical_links=_critical_links(segments or [{"critical": c} for c in critical or ()])
        if "critical" in chosen and (segments or critical is not None)
        else None,
        typography={m: chosen["typography"][m]["score"] for m in METRICS} if "typography" in chosen else None,
    )


def _critical_links(segments: list[dict[str, Any]]) -> tuple[tuple[tuple[str, str], ...], ...]:
    from mtqe.critical import fingerprint

    return tuple(tuple((c["kind"], fingerprint(c["kind"], c["ref"], c["hyp"])) for c in s.get("critical", ()))
                 for s in segments)  # fmt: skip


def choose_system(systems: list[dict[str, Any]], name: str | None) -> dict[str, Any]:
    """The system named ``name`` (or the only one whose name ends with it); the first when no name is given."""
    if name is None:
        return systems[0]
    found = [s for s in systems if s["name"] == name] or [s for s in systems if s["name"].endswith(name)]
    if len(found) == 1:
        return found[0]
    problem = "several systems' names end with" if found else "no system named"
    raise SystemNotFound(f"{problem} {name!r}; the results have {', '.join(s['name'] for s in systems)}")


def _versions(mtqe_version: str) -> dict[str, str]:
    return {"mtqe": mtqe_version, "sacrebleu": version("sacrebleu"), "jiwer": version("jiwer")}


def render_baseline(run: RunStats) -> str:
    data = {
        "mtqe_baseline": BASELINE_VERSION,
        "versions": run.versions,
        "reference": {"sha256": run.reference_sha256, "sentences": run.reference_sentences},
        "settings": run.settings,
        "metrics": {m: {"signature": run.signatures[m], "higher_is_better": HIGHER_IS_BETTER[m]} for m in METRICS},
        "system": run.system,
        "scores": run.scores,
        "links": {"ref_ids": [list(ids) for ids in run.ref_ids], "stats": {m: run.stats[m].tolist() for m in METRICS}},
    }
    if run.critical is not None:
        data["critical"] = dict(run.critical)
    if run.critical_links is not None:
        data["links"]["critical"] = [[list(change) for change in link] for link in run.critical_links]
    if run.typography is not None:
        data["typography"] = dict(run.typography)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


class _Reference(TypedDict):
    sha256: str
    sentences: int


class _Metric(TypedDict):
    signature: str
    higher_is_better: bool


class _LaterLinks(TypedDict, total=False):
    critical: list[list[tuple[str, str]]]  # per link, each critical change's kind and fingerprint (no words)


class _Links(_LaterLinks):
    ref_ids: list[list[int]]  # per link, its reference sentences
    stats: dict[str, Any]  # per metric, one row of statistics per link (checked as arrays: see _stats)


class _LaterBaseline(TypedDict, total=False):  # added to version 1 later: a gate rule that needs one says so
    critical: dict[str, int]  # critical changes per kind (mtqe.critical)
    typography: dict[str, float]  # typography-insensitive corpus scores per metric (mtqe.typography)


class BaselineRecord(_LaterBaseline):
    """A baseline file, version 1 (written by :func:`render_baseline`)."""

    mtqe_baseline: str
    versions: dict[str, str]
    reference: _Reference
    settings: dict[str, str | bool | int | float | None]
    metrics: dict[str, _Metric]
    system: str
    scores: dict[str, float]
    links: _Links


def load_baseline(text: str, path: str) -> RunStats:
    """Parse a baseline file; raise :class:`BaselineError` saying what is wrong with it (the first thing)."""
    try:
        data = shape.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(path, f"not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}") from None
    except shape.ShapeError as error:
        raise BaselineError(path, f"not valid JSON: {error.problem}") from None
    if not isinstance(data, dict) or "mtqe_baseline" not in data:
        raise BaselineError(path, "not an mtqe baseline (no mtqe_baseline version)")
    if data["mtqe_baseline"] != BASELINE_VERSION:
        raise BaselineError(path, f'baseline version {data["mtqe_baseline"]!r} is not supported (this mtqe reads "1")')
    try:
        shape.checker(BaselineRecord)(data)
        for part in ("metrics", "scores"):
            missing = [m for m in METRICS if m not in data[part]]
            if missing:
                raise shape.ShapeError(f"{part} lacks the metric {missing[0]!r}")
        _check_later(data)
        ref_ids = tuple(tuple(ids) for ids in data["links"]["ref_ids"])
        stats = _stats(data["links"]["stats"], len(ref_ids))
        critical_links = _stored_critical(data["links"].get("critical"), len(ref_ids))
    except shape.ShapeError as error:
        raise BaselineError(path, f"corrupt baseline: {error}") from None
    except StatisticsError as error:
        raise BaselineError(path, f"corrupt baseline: {error}") from None
    sentences = data["reference"]["sentences"]
    if any(i < 0 or i >= sentences for ids in ref_ids for i in ids):
        raise BaselineError(path, "corrupt baseline: a link names a reference sentence that does not exist")
    if sorted(i for ids in ref_ids for i in ids) != list(range(sentences)):
        raise BaselineError(path, "corrupt baseline: its links do not hold each reference sentence exactly once")
    return RunStats(
        reference_sha256=data["reference"]["sha256"],
        reference_sentences=sentences,
        settings={key: data["settings"].get(key, _DEFAULTS.get(key)) for key in COMPARABLE_SETTINGS},
        signatures={m: data["metrics"][m]["signature"] for m in METRICS},
        system=data["system"],
        ref_ids=ref_ids,
        stats=stats,
        scores={m: float(data["scores"][m]) for m in METRICS},
        versions=data["versions"],
        critical=data.get("critical"),
        critical_links=critical_links,
        typography={m: float(data["typography"][m]) for m in METRICS} if "typography" in data else None,
    )


def _stored_critical(links: list[list[Any]] | None, count: int) -> tuple[tuple[tuple[str, str], ...], ...] | None:
    from mtqe.critical import KINDS

    if links is None:
        return None
    if len(links) != count:
        raise shape.ShapeError("links.critical does not have one entry per link")
    if any(kind not in KINDS for link in links for kind, _ in link):
        raise shape.ShapeError("links.critical: a change of an unknown kind")
    return tuple(tuple((kind, digest) for kind, digest in link) for link in links)


def _check_later(data: dict[str, Any]) -> None:
    """The fields added later, when there: counts whole and not negative, every metric's score finite."""
    from mtqe.critical import KINDS

    counts = data.get("critical", {})
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in counts.values()):
        raise shape.ShapeError("critical: a count is not a whole number of at least 0")
    if "critical" in data and sorted(counts) != sorted(KINDS):
        raise shape.ShapeError(f"critical: the kinds are not {', '.join(KINDS)}")
    scores = data.get("typography")
    if scores is not None:
        missing = [m for m in METRICS if m not in scores]
        if missing:
            raise shape.ShapeError(f"typography lacks the metric {missing[0]!r}")
        if any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0
               for v in scores.values()):  # fmt: skip
            raise shape.ShapeError("typography: a score is not a finite number of at least 0")


_LARGEST = 2**53  # statistics are counts; above this a float64 sum is no longer exact


def _stats(tables: dict[str, Any], count: int) -> PairStats:
    """The stored tables, checked: whole (TER: finite) non-negative numbers below 2**53, one row per link of
    the metric's width, and chrF's equal to chrF++'s character columns."""
    loaded = {}
    for metric in METRICS:
        if metric not in tables:
            raise StatisticsError(f"links.stats lacks {metric}")
        try:
            table = np.array(tables[metric])
        except (ValueError, TypeError):  # rows of different lengths
            raise StatisticsError(f"{metric} statistics do not have one row per link of one width") from None
        if count == 0 and table.size == 0:  # no links: np.array([]) is float64
            table = np.zeros((0, WIDTHS.get(metric, CHRF_COLUMNS)), dtype=np.int64)
        allowed = "iuf" if metric == "ter" else "iu"  # TER's statistics are sacrebleu's floats
        if table.dtype.kind not in allowed:
            raise StatisticsError(f"{metric} statistics are not all whole numbers")
        if table.ndim != 2 or table.shape[0] != count:
            raise StatisticsError(f"{metric} statistics do not have one row per link")
        if not np.isfinite(table).all() or (table < 0).any() or (table >= _LARGEST).any():
            raise StatisticsError(f"{metric} statistics hold a negative or impossibly large count")
        loaded[metric] = table.astype(DTYPES.get(metric, np.int64))
    stats = PairStats.from_metrics(loaded)
    if not np.array_equal(loaded["chrf"], stats["chrf"]):
        raise StatisticsError("chrf statistics are not chrf_pp's character columns")
    return stats
