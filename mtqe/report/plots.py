"""Inline SVG plots for the HTML report (pure: numbers in, markup out).

Only numbers and our own labels go into the markup, and labels are escaped
anyway, so the plots are safe to embed as-is. Large corpora are summarised
(binned or evenly subsampled) so that a plot stays a few hundred elements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

MAX_POINTS = 1500  # points drawn in a scatter or an alignment map
MAX_COLUMNS = 300  # columns of the along-the-document plot

KIND_COLOURS = {"match": "#4c78a8", "omission": "#b3261e", "addition": "#8a4b00"}


def _n(value: float) -> str:
    return f"{value:.1f}"


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    title = escape(label)
    return Markup(
        f'<svg class="plot" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{"".join(body)}</svg>'
    )


def _evenly(count: int, limit: int) -> list[int]:
    """At most ``limit`` indices spread evenly over range(count), first and last included."""
    if count <= limit:
        return list(range(count))
    return sorted({round(k * (count - 1) / (limit - 1)) for k in range(limit)})


def histogram(values: Sequence[float], *, label: str, higher_is_better: bool, bins: int = 20) -> Markup:
    """Distribution of sentence scores over 0-100, in bins of 5 (100 in the last); scores over 100 (TER,
    WER and CER can exceed it) in a bar of their own past a gap, labelled "over 100", never in the last bin."""
    width, height, left, bottom = 214, 140, 34, 22
    right = 12
    scores = np.asarray(values, dtype=np.float64)
    over = int((scores > 100).sum())
    positions = np.clip((scores[scores <= 100] / (100 / bins)).astype(np.int64), 0, bins - 1)
    counts = np.bincount(positions, minlength=bins).tolist()
    top = max(*counts, over) or 1
    plot_w, plot_h = width - left - right, height - bottom - 18
    slots = bins + 2 if over else bins  # the bar of scores over 100 sits one slot past the scale
    bar_w = plot_w / slots
    body = [f'<text x="{left}" y="12" class="plot-title">{escape(label)} {"↑" if higher_is_better else "↓"}</text>']
    bars = [(k, count, f"{k * 100 // bins}-{(k + 1) * 100 // bins}") for k, count in enumerate(counts)]
    if over:
        bars.append((bins + 1, over, "over 100"))
    for k, count, span in bars:
        bar_h = plot_h * count / top
        x, y = left + k * bar_w, height - bottom - bar_h
        body.append(
            f'<rect x="{_n(x + 0.5)}" y="{_n(y)}" width="{_n(bar_w - 1)}" height="{_n(bar_h)}" class="bar">'
            f"<title>{span}: {count:,} segment{'' if count == 1 else 's'}</title></rect>"
        )
    scale = bins / slots
    ticks = [(0, "0"), (0.5 * scale, "50"), (scale, "100")] + ([((bins + 1.5) / slots, ">100")] if over else [])
    body += _axes(left, height - bottom, plot_w, plot_h, x_ticks=ticks, y_max=top)
    return _svg(width, height, f"{label} distribution", body)


def along_document(values: Sequence[float], kinds: Sequence[str], *, label: str) -> Markup:
    """A metric along the document (mean per column when there are many links); gaps marked below."""
    width, height, left, bottom = 900, 170, 34, 30
    plot_w, plot_h = width - left - 6, height - bottom - 18
    values = np.asarray(values, dtype=np.float64)
    count = len(values)
    columns = min(count, MAX_COLUMNS) or 1
    body = [f'<text x="{left}" y="12" class="plot-title">{escape(label)} along the document</text>']
    for c in range(columns):
        start, stop = c * count // columns, max((c + 1) * count // columns, c * count // columns + 1)
        chunk = values[start:stop]
        mean = float(chunk.mean()) if len(chunk) else 0.0
        bar_h = plot_h * min(max(mean, 0.0), 100.0) / 100
        x = left + c * plot_w / columns
        span = f"links {start}-{stop - 1}" if stop - start > 1 else f"link {start}"
        body.append(
            f'<rect x="{_n(x)}" y="{_n(height - bottom - bar_h)}" width="{_n(max(plot_w / columns - 0.5, 0.5))}" '
            f'height="{_n(bar_h)}" class="bar"><title>{span}: {mean:.1f}</title></rect>'
        )
    gaps = [index for index, kind in enumerate(kinds) if kind != "match"]
    for index in (gaps[k] for k in _evenly(len(gaps), MAX_POINTS)):
        x = left + (index + 0.5) * plot_w / max(count, 1)
        y = height - bottom + 6
        body.append(
            f'<line x1="{_n(x)}" y1="{y}" x2="{_n(x)}" y2="{y + 8}" stroke="{KIND_COLOURS[kinds[index]]}" '
            f'stroke-width="2"><title>link {index}: {kinds[index]}</title></line>'
        )
    body += _axes(left, height - bottom, plot_w, plot_h, x_ticks=[], y_max=100)
    body.append(
        f'<text x="{left + plot_w}" y="{height - 2}" class="axis" text-anchor="end">'
        "document order → (red ticks: omissions, brown: additions)</text>"
    )
    return _svg(width, height, f"{label} along the document", body)


def scatter(xs: Sequence[float], ys: Sequence[float], *, x_label: str, y_label: str) -> Markup:
    """y (a score, 0-100) against x (e.g. sentence length), evenly subsampled."""
    width, height, left, bottom = 440, 220, 34, 30
    plot_w, plot_h = width - left - 14, height - bottom - 18
    x_max = float(max(xs, default=1)) or 1.0
    body = [f'<text x="{left}" y="12" class="plot-title">{escape(y_label)} by {escape(x_label)}</text>']
    for k in _evenly(len(xs), MAX_POINTS):
        x = left + plot_w * float(xs[k]) / x_max
        y = height - bottom - plot_h * min(max(float(ys[k]), 0.0), 100.0) / 100
        body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.2" class="dot"/>')
    ticks = [(0, "0"), (0.5, f"{x_max / 2:.0f}"), (1, f"{x_max:.0f}")]
    body += _axes(left, height - bottom, plot_w, plot_h, x_ticks=ticks, y_max=100)
    body.append(f'<text x="{left + plot_w}" y="{height - 2}" class="axis" text-anchor="end">{escape(x_label)}</text>')
    return _svg(width, height, f"{y_label} by {x_label}", body)


def alignment_map(links: Sequence[tuple[Sequence[int], Sequence[int]]], ref_count: int, hyp_count: int) -> Markup:
    """Reference sentence index (x) against hypothesis sentence index (y): the alignment path.

    Matches are boxes on the path; omissions are red marks under the x axis,
    additions brown marks left of the y axis.
    """
    size, margin = 420, 40
    plot = size - margin - 10
    sx, sy = plot / max(ref_count, 1), plot / max(hyp_count, 1)
    body = ['<text x="40" y="12" class="plot-title">Alignment: reference sentence → hypothesis sentence</text>']
    for k in _evenly(len(links), MAX_POINTS):
        ref_ids, hyp_ids = links[k]
        label = f"ref {_span(ref_ids)} ↔ hyp {_span(hyp_ids)}"
        if ref_ids and hyp_ids:
            x, y = margin + ref_ids[0] * sx, size - margin - (hyp_ids[-1] + 1) * sy
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(len(ref_ids) * sx, 1.5))}" '
                f'height="{_n(max(len(hyp_ids) * sy, 1.5))}" class="link"><title>{label}</title></rect>'
            )
        elif ref_ids:
            x = margin + (ref_ids[0] + 0.5) * sx
            body.append(
                f'<line x1="{_n(x)}" y1="{size - margin + 4}" x2="{_n(x)}" y2="{size - margin + 14}" '
                f'stroke="{KIND_COLOURS["omission"]}" stroke-width="2.5"><title>omitted: {label}</title></line>'
            )
        else:
            y = size - margin - (hyp_ids[0] + 0.5) * sy
            body.append(
                f'<line x1="{margin - 14}" y1="{_n(y)}" x2="{margin - 4}" y2="{_n(y)}" '
                f'stroke="{KIND_COLOURS["addition"]}" stroke-width="2.5"><title>added: {label}</title></line>'
            )
    body.append(
        f'<rect x="{margin}" y="{size - margin - plot}" width="{plot}" height="{plot}" class="frame"/>'
        f'<text x="{margin + plot}" y="{size - 6}" class="axis" text-anchor="end">'
        f"reference sentences ({ref_count})</text>"
        f'<text x="12" y="{size - margin}" class="axis" transform="rotate(-90 12 {size - margin})">'
        f"hypothesis sentences ({hyp_count})</text>"
    )
    return _svg(size, size, "Alignment map", body)


def _span(ids: Sequence[int]) -> str:
    if not ids:
        return "–"
    return str(ids[0]) if len(ids) == 1 else f"{ids[0]}-{ids[-1]}"


def _axes(left: float, base: float, plot_w: float, plot_h: float, *, x_ticks, y_max: float) -> list[str]:
    parts = [
        f'<line x1="{left}" y1="{_n(base)}" x2="{_n(left + plot_w)}" y2="{_n(base)}" class="axis-line"/>',
        f'<line x1="{left}" y1="{_n(base)}" x2="{left}" y2="{_n(base - plot_h)}" class="axis-line"/>',
        f'<text x="{left - 4}" y="{_n(base)}" class="axis" text-anchor="end">0</text>',
        f'<text x="{left - 4}" y="{_n(base - plot_h + 8)}" class="axis" text-anchor="end">{_short(y_max)}</text>',
    ]
    for fraction, text in x_ticks:
        parts.append(
            f'<text x="{_n(left + fraction * plot_w)}" y="{_n(base + 12)}" class="axis" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
    return parts


def _short(value: float) -> str:
    """An axis end that fits its margin, never cut: 950, 9,500, 24.9k, 1.25M."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Run:
    """One gate run of one system, as a trend plot draws it."""

    position: int  # its line in the history, oldest 0
    value: float
    status: str  # the gate's verdict: pass, warn, fail, identical...
    label: str  # run number and commit


_SERIES_CLASSES = 4  # line styles for systems (.series-0 .. .series-3, repeated)


def trend(series: Mapping[str, Sequence[Run]], runs: int, *, label: str, higher_is_better: bool,
          baseline: float | None = None) -> Markup:  # fmt: skip
    """A metric over successive gate runs (oldest left): one line per system, each point coloured by the
    gate's verdict and titled with its run, the latest baseline as a dashed line, and the first and last
    runs' labels under the axis."""
    width, height, left, bottom = 440, 200, 40, 40
    plot_w, plot_h = width - left - 14, height - bottom - 34
    values = [run.value for system_runs in series.values() for run in system_runs]
    if baseline is not None:
        values.append(baseline)
    low, high = min(values, default=0.0), max(values, default=1.0)
    if high - low < 1.0:
        low, high = low - 0.5, high + 0.5

    def x_of(position: int) -> float:
        return left + (plot_w * position / (runs - 1) if runs > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return height - bottom - plot_h * (value - low) / (high - low)

    arrow = "↑" if higher_is_better else "↓"
    systems = f", {len(series)} systems" if len(series) > 1 else ""
    body = [f'<text x="{left}" y="12" class="plot-title">{escape(label)} {arrow} over {runs} runs{systems}</text>']
    if baseline is not None:
        y = _n(y_of(baseline))
        body.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" class="baseline"><title>the latest '
                    f"run's baseline: {baseline:.2f}</title></line>")  # fmt: skip
    for k, (system, system_runs) in enumerate(series.items()):
        style = f"series-{k % _SERIES_CLASSES}"
        if len(system_runs) > 1:
            path = " ".join(f"{_n(x_of(run.position))},{_n(y_of(run.value))}" for run in system_runs)
            body.append(f'<polyline points="{path}" class="trend {style}"><title>{escape(system)}</title></polyline>')
        for index in _evenly(len(system_runs), MAX_POINTS):
            run = system_runs[index]
            body.append(
                f'<circle cx="{_n(x_of(run.position))}" cy="{_n(y_of(run.value))}" r="3.5" '
                f'class="run status-{escape(run.status)}"><title>{escape(run.label)}, {escape(system)}: '
                f"{run.value:.2f} ({escape(run.status)})</title></circle>"
            )
    if len(series) > 1:  # a key: each system's line style and name, under the title
        for k, system in enumerate(list(series)[:_SERIES_CLASSES]):
            x = left + 110 * k
            body.append(f'<line x1="{x}" y1="24" x2="{x + 18}" y2="24" class="trend series-{k}"/>'
                        f'<text x="{x + 22}" y="27" class="axis">{escape(system[:14])}</text>')  # fmt: skip
    ends = sorted({run.position: run.label for system_runs in series.values() for run in system_runs}.items())
    axis = height - bottom
    body += [
        f'<line x1="{left}" y1="{axis}" x2="{left + plot_w}" y2="{axis}" class="axis-line"/>',
        f'<text x="{left - 4}" y="{axis}" class="axis" text-anchor="end">{low:.1f}</text>',
        f'<text x="{left - 4}" y="{axis - plot_h + 8}" class="axis" text-anchor="end">{high:.1f}</text>',
        f'<text x="{left + plot_w}" y="{height - 4}" class="axis" text-anchor="end">runs, oldest first →</text>',
    ]
    if ends:
        body.append(f'<text x="{left}" y="{axis + 12}" class="axis">{escape(ends[0][1])}</text>')
    if len(ends) > 1:
        body.append(f'<text x="{left + plot_w}" y="{axis + 12}" class="axis" text-anchor="end">'
                    f"{escape(ends[-1][1])}</text>")  # fmt: skip
    return _svg(width, height, f"{label} over runs", body)
