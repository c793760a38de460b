"""Plain, frozen data passed between the pipeline stages.

Nothing here does work: each stage (io, segment, align, metrics, evaluate) takes
and returns these values, and the report writers render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from mtqe.errors import SettingsError

if TYPE_CHECKING:
    from mtqe.pairstats import PairStats


class FrozenDict(dict):
    """A dict that refuses changes: the mapping fields of frozen classes. It is still a dict to json,
    pickle and ``==``; copies (``dict(d)``, ``{**d}``) are ordinary dicts."""

    def _refuse(self, *_: object, **__: object) -> Any:
        raise TypeError(f"{type(self).__name__} cannot be changed; make a copy with dict(...)")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict]]:
        return (FrozenDict, (dict(self),))


def freeze(instance: object, *names: str) -> None:
    """Make the named mapping fields of a frozen dataclass instance unchangeable (in ``__post_init__``)."""
    for name in names:
        object.__setattr__(instance, name, FrozenDict(getattr(instance, name)))


METRICS: tuple[str, ...] = ("bleu", "chrf", "chrf_pp", "ter", "wer", "cer")
"""Every metric mtqe reports, in report order."""

LABELS: dict[str, str] = {"bleu": "BLEU", "chrf": "chrF", "chrf_pp": "chrF++", "ter": "TER", "wer": "WER", "cer": "CER"}
"""How each metric is written for people."""

RANKING_METRIC = "chrf"
"""The metric systems are ranked by."""

HIGHER_IS_BETTER: dict[str, bool] = {
    "bleu": True,
    "chrf": True,
    "chrf_pp": True,
    "ter": False,
    "wer": False,
    "cer": False,
}


@dataclass(frozen=True)
class Finding:
    """Something noticed while reading a file that the user should know about."""

    kind: str  # "encoding", "bom", "line-endings", "mojibake", "fixed-text", ...
    message: str
    line: int | None = None  # 1-based line in the file, when it helps


@dataclass(frozen=True)
class SourceText:
    """A decoded text file: newlines normalised to "\\n", nothing dropped."""

    path: str
    text: str
    sha256: str  # of the raw bytes on disk
    encoding: str
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int  # 1-based line of the file where the sentence starts
    paragraph: int  # 0-based paragraph index


@dataclass(frozen=True)
class Document:
    """A file split into metadata lines (bylines, datelines) and sentences."""

    path: str
    sha256: str
    encoding: str
    metadata: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


class LinkKind(str, Enum):
    MATCH = "match"
    OMISSION = "omission"  # reference sentences with no hypothesis counterpart
    ADDITION = "addition"  # hypothesis sentences with no reference counterpart


@dataclass(frozen=True)
class Link:
    """Reference sentences ``ref_ids`` correspond to hypothesis sentences ``hyp_ids``."""

    ref_ids: tuple[int, ...]
    hyp_ids: tuple[int, ...]
    confidence: float | None = field(default=None, compare=False)  # how sure the alignment is (mtqe.confidence);
    # None: not rated (lines paired by position)
    uncertain: bool = field(default=False, compare=False)  # an omission or addition that may not be real

    def __post_init__(self) -> None:  # plain Python values, whatever computed them (results are JSON)
        if self.confidence is not None:
            object.__setattr__(self, "confidence", float(self.confidence))
        object.__setattr__(self, "uncertain", bool(self.uncertain))

    @property
    def kind(self) -> LinkKind:
        if not self.hyp_ids:
            return LinkKind.OMISSION
        if not self.ref_ids:
            return LinkKind.ADDITION
        return LinkKind.MATCH


@dataclass(frozen=True)
class SegmentScores:
    """Sentence-level scores on sacrebleu's 0-100 scale (WER/CER as percentages)."""

    bleu: float
    chrf: float
    chrf_pp: float
    ter: float
    wer: float
    cer: float

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in METRICS}


@dataclass(frozen=True)
class Segment:
    link: Link
    ref: str  # the link's reference sentences joined by one space ("" if none)
    hyp: str
    scores: SegmentScores
    critical: tuple[Any, ...] = ()  # numbers, names, negations, content changed (mtqe.critical.Change)


@dataclass(frozen=True)
class CorpusScore:
    score: float
    ci_low: float
    ci_high: float
    signature: str


@dataclass(frozen=True)
class SystemResult:
    name: str
    document: Document
    segments: tuple[Segment, ...]
    corpus: dict[str, CorpusScore]
    analysis: dict[str, Any] = field(default_factory=dict)  # JSON-ready, see mtqe.analysis
    notes: tuple[str, ...] = ()  # what the numbers of this system need said about them
    stats: PairStats | None = field(default=None, compare=False, repr=False)  # per-segment rows
    typography: dict[str, CorpusScore] = field(default_factory=dict)  # scores of typography-insensitive texts

    def __post_init__(self) -> None:
        freeze(self, "corpus", "analysis", "typography")

    def count(self, kind: LinkKind) -> int:
        return sum(1 for s in self.segments if s.link.kind is kind)


class Normalization(str, Enum):
    """How texts are Unicode-normalized before scoring."""

    NONE = "none"
    NFC = "nfc"


class EngineName(str, Enum):
    """Where pairs are scored: in memory, streamed chunk by chunk, or on a Dask cluster."""

    MEMORY = "memory"
    STREAM = "stream"
    DASK = "dask"


MIN_BOOTSTRAP = 100  # fewer resamples cannot place a 95% interval's ends
TOKENIZERS: tuple[str, ...] = ("13a", "intl", "char", "zh", "ja-mecab", "ko-mecab", "none")
"""sacrebleu's BLEU tokenizers that work offline (its flores ones download a model)."""


@dataclass(frozen=True)
class Settings:
    """Everything that changes the numbers, validated; recorded in results.json (``encoding`` as used, per file)."""

    language: str = "en"
    aligned: bool = False  # pair lines one to one instead of segmenting and aligning
    fix_text: bool = False  # repair mojibake while reading
    normalize: Normalization = Normalization.NONE  # NFC: Unicode-normalize the texts while reading
    bootstrap: int = 1000
    seed: int = 12345
    encoding: str | None = None  # decode every input with this encoding instead of deciding per file
    tokenize: str | None = None  # BLEU's tokenizer (sacrebleu's name); None: sacrebleu's default for the language

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "normalize", Normalization(self.normalize))
        except ValueError:
            choices = ", ".join(n.value for n in Normalization)
            raise SettingsError(f"normalize must be one of {choices}, not {self.normalize!r}") from None
        for name in ("aligned", "fix_text"):
            if not isinstance(getattr(self, name), bool):
                raise SettingsError(f"{name} must be true or false, not {getattr(self, name)!r}")
        if not isinstance(self.language, str) or not self.language:
            raise SettingsError(f"language must be a language code such as 'en', not {self.language!r}")
        if not isinstance(self.bootstrap, int) or isinstance(self.bootstrap, bool) or self.bootstrap < MIN_BOOTSTRAP:
            raise SettingsError(f"bootstrap must be a whole number of at least {MIN_BOOTSTRAP}, not {self.bootstrap!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise SettingsError(f"seed must be a whole number of at least 0, not {self.seed!r}")
        if self.encoding is not None and (not isinstance(self.encoding, str) or not self.encoding):
            raise SettingsError(f"encoding must be an encoding name, not {self.encoding!r}")
        if self.tokenize is not None and self.tokenize not in TOKENIZERS:
            raise SettingsError(f"tokenize must be one of {', '.join(TOKENIZERS)}, not {self.tokenize!r}")


@dataclass(frozen=True)
class PairedComparison:
    """How one system differs from another on one metric, over paired units."""

    delta: float  # this system's score minus the other's
    ci_low: float  # 95% paired bootstrap interval of the difference
    ci_high: float
    p_bootstrap: float  # two-sided, paired bootstrap (shift method)
    p_randomization: float  # two-sided, approximate randomization


@dataclass(frozen=True)
class SystemComparison:
    system: str
    against: str
    units: int
    metrics: dict[str, PairedComparison]

    def __post_init__(self) -> None:
        freeze(self, "metrics")


@dataclass(frozen=True)
class Evaluation:
    reference: Document
    systems: tuple[SystemResult, ...]
    settings: Settings
    comparisons: tuple[SystemComparison, ...] = ()  # every other system against the first

    def ranking(self, metric: str = "chrf") -> list[str]:
        """System names, best first by the corpus score of ``metric``."""
        sign = -1.0 if HIGHER_IS_BETTER[metric] else 1.0
        return [s.name for s in sorted(self.systems, key=lambda system: sign * system.corpus[metric].score)]


@dataclass(frozen=True)
class RunStats:
    """One system's run, reduced to what comparing runs needs: per-link statistics, no texts."""

    reference_sha256: str
    reference_sentences: int
    settings: dict[str, Any]  # what changes the numbers: language, aligned, fix_text
    signatures: dict[str, str]  # per metric
    system: str
    ref_ids: tuple[tuple[int, ...], ...]  # per link
    stats: PairStats = field(compare=False, repr=False)  # one row per link
    scores: dict[str, float] = field(default_factory=dict)  # corpus scores
    versions: dict[str, str] = field(default_factory=dict)  # mtqe, sacrebleu, jiwer
    critical: dict[str, int] | None = None  # critical changes per kind (mtqe.critical); None: not counted
    critical_links: tuple[tuple[tuple[str, str], ...], ...] | None = None  # per link: (kind, fingerprint) each
    typography: dict[str, float] | None = None  # typography-insensitive corpus scores; None: not scored

    def __post_init__(self) -> None:
        freeze(self, "settings", "signatures", "scores", "versions")
        freeze(self, *(name for name in ("critical", "typography") if getattr(self, name) is not None))


@dataclass(frozen=True)
class MetricVerdict:
    metric: str
    baseline: float
    current: float
    change: float  # current - baseline
    p_value: float  # one-sided, that the change is a real loss
    p_adjusted: float  # Holm-adjusted over the gated metrics
    gated: bool
    status: str  # "pass", "warn", "fail" (gated metrics); "info" otherwise


class GateStatus(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"  # a significant regression
    IDENTICAL = "identical"
    INCONCLUSIVE = "inconclusive"  # too few paired units for a verdict
    INCOMPARABLE = "incomparable"  # another reference, other settings or signatures
    NO_BASELINE = "no-baseline"


@dataclass(frozen=True)
class Verdict:
    status: GateStatus
    summary: str
    metrics: tuple[MetricVerdict, ...] = ()
    notes: tuple[str, ...] = ()
    units: int = 0
    fails: bool = False  # whether this verdict fails the CI job (a regression, incomparable, a required baseline)
    rules: tuple[RuleVerdict, ...] = ()  # the deterministic rules asked for (mtqe.gate.GateRules), each decided


@dataclass(frozen=True)
class RuleVerdict:
    """One deterministic gate rule: new omissions, new critical changes of a kind, a typography-insensitive drop."""

    rule: str  # "omission", "critical:<kind>", "typography:<metric>"
    status: str  # "pass", "fail", or "skip" (the baseline cannot tell)
    detail: str  # what was found, in mtqe's words and numbers only
