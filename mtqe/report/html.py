"""report.html: one self-contained page (no network, no script), every text escaped."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from mtqe import __version__
from mtqe.model import HIGHER_IS_BETTER, METRICS, Evaluation, LinkKind
from mtqe.report.summary import LABELS, count_label

# Quality bands (best first) for colouring a score; lower-is-better metrics are mirrored.
_BANDS_UP = (60.0, 45.0, 30.0, 15.0)
_BANDS_DOWN = (20.0, 35.0, 50.0, 70.0)


def quality_band(metric: str, value: float) -> int:
    """4 (good) .. 0 (bad), for colour."""
    if HIGHER_IS_BETTER[metric]:
        return next((4 - k for k, limit in enumerate(_BANDS_UP) if value >= limit), 0)
    return next((4 - k for k, limit in enumerate(_BANDS_DOWN) if value <= limit), 0)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mtqe.report", "templates"),
        autoescape=True,  # every piece of document text is escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        METRICS=METRICS,
        LABELS=LABELS,
        HIGHER_IS_BETTER=HIGHER_IS_BETTER,
        LinkKind=LinkKind,
        count_label=count_label,
        version=__version__,
    )
    env.filters["band"] = lambda value, metric: quality_band(metric, value)
    return env


def render_html(evaluation: Evaluation) -> str:
    return _environment().get_template("report.html.j2").render(evaluation=evaluation)
