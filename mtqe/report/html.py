"""report.html: one self-contained page rendered from results.json data.

The page is built from the same plain data that results.json holds, so
``mtqe report results.json`` re-renders it exactly. The first rows of every
table are rendered on the server (readable with JavaScript off); all segments
travel as JSON in a ``<script type="application/json">`` block, from which a
small inline script (allowed by its hash in the Content-Security-Policy, the
only thing the page may run) adds sorting, filtering, search and paging.
Every piece of document text is escaped by Jinja2's autoescape in the
template, or set with ``textContent`` by the script.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import itertools
import json
import pickle
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from mtqe.model import HIGHER_IS_BETTER, LABELS, METRICS
from mtqe.report import plots
from mtqe.report.diff import WordDiff, decode, word_diff
from mtqe.report.summary import CRITICAL_WORDS, describe_critical, describe_typography, plural, typography_costs

SERVER_ROWS = 200  # segments per system rendered into the HTML itself
KIND_CODES = {"match": 0, "omission": 1, "addition": 2}
# Quality bands for colouring a score, per metric, best first: a score of at least the limit (BLEU, chrF) or
# at most it (TER, WER, CER). Rules of thumb, not significance: BLEU after the common reading (under 20 the
# gist is hard to get, 30-40 understandable to good, over 50 very high quality), chrF about 20 points above
# BLEU on the same output, TER and WER about where such outputs fall, CER where their characters do.
QUALITY_BANDS: dict[str, tuple[float, float, float, float]] = {
    "bleu": (50.0, 40.0, 30.0, 20.0),
    "chrf": (70.0, 60.0, 50.0, 40.0),
    "chrf_pp": (70.0, 60.0, 50.0, 40.0),
    "ter": (25.0, 40.0, 55.0, 70.0),
    "wer": (25.0, 40.0, 55.0, 70.0),
    "cer": (10.0, 20.0, 30.0, 45.0),
}
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def quality_band(metric: str, value: float | None) -> int | str:
    """4 (good) .. 0 (bad), for colour; "na" when there is no value."""
    if value is None:
        return "na"
    value = round(value, 1)  # the value as shown, so a cell's colour agrees with its number
    limits = QUALITY_BANDS[metric]
    if HIGHER_IS_BETTER[metric]:
        return next((4 - k for k, limit in enumerate(limits) if value >= limit), 0)
    return next((4 - k for k, limit in enumerate(limits) if value <= limit), 0)


SIGNIFICANCE = 0.05  # the level of the report's better/worse verdicts


def comparison_verdict(metric: str, comparison: dict[str, Any]) -> str:
    """ "better", "worse" or "same" (no significant difference) for a system against the baseline system, in
    the metric's direction, by paired approximate randomization (the bootstrap's p-value is a detail)."""
    if not comparison["p_randomization"] < SIGNIFICANCE or comparison["delta"] == 0:
        return "same"
    return "better" if (comparison["delta"] > 0) == HIGHER_IS_BETTER[metric] else "worse"


def band_ranges(metric: str) -> list[str]:
    """What each band of ``metric`` holds, best first, for the legend: "≥ 50", "40–50", ..., "< 20"."""
    limits = [f"{limit:g}" for limit in QUALITY_BANDS[metric]]
    if HIGHER_IS_BETTER[metric]:
        return [f"≥ {limits[0]}", *(f"{low}–{high}" for high, low in itertools.pairwise(limits)), f"< {limits[-1]}"]
    return [f"≤ {limits[0]}", *(f"{low}–{high}" for low, high in itertools.pairwise(limits)), f"> {limits[-1]}"]


# Bidirectional embedding, override and isolate controls can reorder what a reader sees
# (the "Trojan Source" trick); the report shows each as a visible marker instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> Markup:
    """Escaped text with every bidi control shown as a marker such as ⟨U+202E⟩."""
    escaped = str(escape(text))
    return Markup(
        _BIDI_CONTROLS.sub(lambda m: f'<span class="ctl" title="bidi control">⟨U+{ord(m.group()):04X}⟩</span>', escaped)
    )


def render_html(
    results: dict[str, Any], history: list[dict[str, Any]] | None = None, overview: Overview | None = None
) -> str:
    """The report for a results.json document (as returned by ``evaluation_to_dict``), with the
    trend of a gate history when one is given.

    For a streamed run the results hold only a sample of the segments (each with its "index");
    ``overview`` then gives every pair's scores and reference length for the plots."""
    script = resources.files("mtqe.report").joinpath("templates/report.js").read_text(encoding="utf-8")
    style = resources.files("mtqe.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    diffs = [[word_diff(s["ref"], s["hyp"]) for s in system["segments"]] for system in results["systems"]]
    template = _environment().get_template("report.html.j2")
    return template.render(
        results=results,
        reference=results["reference"],
        systems=[
            _system_view(system, results["reference"], system_diffs, overview)
            for system, system_diffs in zip(results["systems"], diffs, strict=True)
        ],
        comparison=_comparison(results["systems"]),
        data=Markup(embed_json(_page_data(results, diffs))),
        script=Markup(script),
        style=Markup(style),
        script_hash=f"sha256-{digest}",
        trends=_trends(history) if history else [],
    )


def render_history(entries: list[dict[str, Any]], path: str) -> str:
    """A page of the history's trend: one plot per metric, one row per run."""
    style = resources.files("mtqe.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    template = _environment().get_template("history.html.j2")
    return template.render(entries=entries, path=path, plots=_trends(entries), style=Markup(style))


def _trends(entries: list[dict[str, Any]]) -> list[Markup]:
    """One plot per metric: each system's runs as a line, points coloured by the gate's verdict, and the
    baseline that the latest run was compared with."""
    labels = [
        f"run {k + 1}" + (f" ({entry['commit']})" if entry.get("commit") else "") for k, entry in enumerate(entries)
    ]
    trends = []
    for metric in METRICS:
        series: dict[str, list[plots.Run]] = {}
        for position, (label, entry) in enumerate(zip(labels, entries, strict=True)):
            if metric in entry["scores"]:
                run = plots.Run(position, entry["scores"][metric], entry.get("status", "unknown"), label)
                series.setdefault(entry.get("system", "?"), []).append(run)
        if series:
            latest = entries[-1].get("baseline", {}).get(metric)
            trends.append(plots.trend(series, len(entries), label=LABELS[metric],
                                      higher_is_better=HIGHER_IS_BETTER[metric], baseline=latest))  # fmt: skip
    return trends


def embed_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no "<", ">", "&" or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for character, escaped in _JSON_ESCAPES:  # str.replace: 18x faster than a translate table on 1 MB
        if character in text:
            text = text.replace(character, escaped)
    return text


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja2's compiled templates, kept in its per-user temporary folder (checked against the template's
    source, so an edited or upgraded template is compiled again): compiling the report's template takes
    longer than rendering a small report. A cache that cannot be read or written is only not used."""

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError, pickle.UnpicklingError):  # a cut-short file
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _template_cache() -> BytecodeCache | None:
    try:
        return _TemplateCache()
    except (OSError, RuntimeError):  # no safe temporary folder of this user's
        return None


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mtqe.report", "templates"),
        bytecode_cache=_template_cache(),
        autoescape=True,  # every piece of document text is escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(METRICS=METRICS, LABELS=LABELS, HIGHER_IS_BETTER=HIGHER_IS_BETTER, SERVER_ROWS=SERVER_ROWS)
    env.filters["band"] = lambda value, metric: quality_band(metric, value)
    env.globals.update(band_ranges=band_ranges, comparison_verdict=comparison_verdict)
    env.globals.update(typography_costs=typography_costs, describe_typography=describe_typography)
    env.globals.update(describe_critical=describe_critical, CRITICAL_WORDS=CRITICAL_WORDS)
    env.filters["plural"] = plural
    env.filters["link_title"] = link_title
    env.filters["visible"] = visible
    return env


def _lines(ids: list[int], sentence_lines: list[int]) -> str:
    return ", ".join(f"line {sentence_lines[i]}" for i in ids if i < len(sentence_lines))


@dataclass(frozen=True)
class Overview:
    """Every pair of a streamed run, for the plots: sentence scores (pairs x METRICS), reference words."""

    scores: np.ndarray
    ref_lengths: np.ndarray


# What the kind label's tooltip says about how sure the alignment is of a link; "{c}" is its confidence to two
# places and "{kind}" its kind. The page's script fills the same wording in for the rows it draws.
LINK_TITLES = {
    "position": "paired by position (--aligned): the two sides were not compared",
    "match": "alignment similarity {c}",
    "uncertain": "uncertain (confidence {c}): may be an alignment error, not a real {kind}",
    "sure": "confidence {c}: nothing nearby on the other side resembles it",
}


def link_title(segment: dict[str, Any]) -> str:
    """What the kind label's tooltip says about how sure the alignment is of the link."""
    confidence = segment.get("confidence")
    if confidence is None:
        return LINK_TITLES["position"]
    which = "match" if segment["kind"] == "match" else "uncertain" if segment.get("uncertain") else "sure"
    return LINK_TITLES[which].replace("{c}", f"{confidence:.2f}").replace("{kind}", segment["kind"])


def _system_view(
    system: dict[str, Any], reference: dict[str, Any], diffs: list[WordDiff], overview: Overview | None
) -> dict[str, Any]:
    segments = system["segments"]
    rows = []
    for position, (segment, diff) in enumerate(zip(segments[:SERVER_ROWS], diffs, strict=False)):
        index = segment.get("index", position)
        ref_marked, hyp_marked = decode(segment["ref"], segment["hyp"], diff)
        rows.append(
            {
                "index": index,
                "segment": segment,
                "ref_lines": _lines(segment["ref_ids"], reference.get("sentence_lines", [])),
                "hyp_lines": _lines(segment["hyp_ids"], system.get("sentence_lines", [])),
                "ref_marked": ref_marked,
                "hyp_marked": hyp_marked,
            }
        )
    if overview is None:
        kinds = [segment["kind"] for segment in segments]
        columns = {m: [segment[m] for segment in segments] for m in METRICS}
        lengths = [len(segment["ref"].split()) for segment in segments]
    else:
        kinds = ["match"] * len(overview.scores)
        columns = {m: overview.scores[:, k] for k, m in enumerate(METRICS)}
        lengths = overview.ref_lengths
    return {
        **system,
        "rows": rows,
        "plots": {
            "histograms": [
                plots.histogram(columns[m], label=LABELS[m], higher_is_better=HIGHER_IS_BETTER[m]) for m in METRICS
            ],
            "along": plots.along_document(columns["chrf"], kinds, label="chrF"),
            "length": plots.scatter(lengths, columns["chrf"], x_label="reference length (words)", y_label="chrF"),
            "alignment": plots.alignment_map(
                [(s["ref_ids"], s["hyp_ids"]) for s in segments], reference["sentences"], system["sentences"]
            ),
        },
    }


def _comparison(systems: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Side by side: for each link of the first system, what every system made of the same reference sentences."""
    if len(systems) < 2:
        return None
    owners = [_link_of_sentence(system["segments"]) for system in systems]
    rows = []
    for index, segment in enumerate(systems[0]["segments"]):
        if not segment["ref_ids"]:
            continue
        cells = []
        for system, owner in zip(systems, owners, strict=True):
            linked = sorted({owner[i] for i in segment["ref_ids"] if i in owner})
            cells.append(
                {
                    "hyp": " ".join(system["segments"][k]["hyp"] for k in linked),
                    "chrf": [system["segments"][k]["chrf"] for k in linked],
                }
            )
        rows.append({"index": index, "ref": segment["ref"], "cells": cells})
    return rows


def _link_of_sentence(segments: list[dict[str, Any]]) -> dict[int, int]:
    return {i: k for k, segment in enumerate(segments) for i in segment["ref_ids"]}


def _page_data(results: dict[str, Any], diffs: list[list[WordDiff]]) -> dict[str, Any]:
    """Everything the page script needs, column by column (compact for 100,000 segments)."""
    systems = []
    for system, system_diffs in zip(results["systems"], diffs, strict=True):
        segments = system["segments"]
        total = system.get("segments_total", len(segments))
        index = [s.get("index", k) for k, s in enumerate(segments)]
        confidence = [s.get("confidence") for s in segments]
        systems.append(
            {
                "name": system["name"],
                "total": total,  # links in the run; more than the table's when a streamed run kept a sample
                "index": None if index == list(range(len(segments))) else index,  # None: 0, 1, 2, ...
                "sentenceLines": system.get("sentence_lines", []),
                "kind": [KIND_CODES[s["kind"]] for s in segments],
                "uncertain": [int(s.get("uncertain", False)) for s in segments],
                # None for every link of a run paired by position; else to two places, as the titles show it
                "confidence": None if all(c is None for c in confidence) else [_two_places(c) for c in confidence],
                "refIds": [s["ref_ids"] for s in segments],
                "hypIds": [s["hyp_ids"] for s in segments],
                "ref": [s["ref"] for s in segments],
                "hyp": [s["hyp"] for s in segments],
                "scores": [[round(s[m], 1) for s in segments] for m in METRICS],  # a column per metric, as shown
                # each link's critical changes as [kind, ref, hyp], only for the links that have any
                "critical": {
                    str(k): [[c["kind"], c["ref"], c["hyp"]] for c in s["critical"]]
                    for k, s in enumerate(segments)
                    if s.get("critical")
                },
                "ops": [d.ops for d in system_diffs],
                "moved": [d.moved for d in system_diffs],
            }
        )
    return {
        "metrics": list(METRICS),
        "labels": LABELS,
        "higher": HIGHER_IS_BETTER,
        "bands": QUALITY_BANDS,
        "kinds": list(KIND_CODES),
        "criticalWords": CRITICAL_WORDS,
        "titles": LINK_TITLES,
        "aligned": bool(results["settings"].get("aligned")),  # lines paired by position: no link shapes to show
        "referenceLines": results["reference"].get("sentence_lines", []),
        "systems": systems,
    }


def _two_places(confidence: float | None) -> float | None:
    """The confidence as the tooltip shows it (``f"{c:.2f}"``), as a number the script prints with toFixed(2)."""
    return None if confidence is None else float(f"{confidence:.2f}")
