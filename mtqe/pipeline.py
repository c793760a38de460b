"""The pure pipeline: documents -> aligned, scored :class:`~mtqe.model.Evaluation`.

Each hypothesis is linked to the reference (aligned, or paired line by line),
its pairs are scored by an engine (:mod:`mtqe.engine`, in memory by default)
and summarized by the tail every engine shares.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from mtqe.engine import Engine, MemoryEngine, PairChunk, summarize
from mtqe.errors import InputError
from mtqe.model import (
    HIGHER_IS_BETTER,
    METRICS,
    Document,
    Evaluation,
    Link,
    PairedComparison,
    Segment,
    SegmentScores,
    Settings,
    SystemComparison,
    SystemResult,
)
from mtqe.pairing import unit_of_links
from mtqe.stats import approximate_randomization, paired_bootstrap
from mtqe.timing import stage


def evaluate(
    reference: Document, hypotheses: Sequence[Document], settings: Settings, engine: Engine | None = None
) -> Evaluation:
    """Align each hypothesis to the reference and score every link and the corpus."""
    if not reference.sentences:
        raise InputError(reference.path, "no sentences to score (only metadata lines)")
    engine = engine or MemoryEngine()
    systems = []
    for name, hypothesis in zip(system_names([h.path for h in hypotheses]), hypotheses, strict=True):
        notes: tuple[str, ...] = ()
        if settings.aligned:
            links = paired_lines(reference, hypothesis)
        else:
            with stage("align"):
                hypothesis, links, notes = align_documents(reference, hypothesis)
        systems.append(score_system(name, reference, hypothesis, links, settings, engine, notes))
    with stage("significance"):
        comparisons = compare_systems(systems, len(reference.sentences), settings)
    return Evaluation(reference=reference, systems=tuple(systems), settings=settings, comparisons=comparisons)


class PairList:
    """Pairs already in memory, as one chunk."""

    def __init__(self, refs: list[str], hyps: list[str]) -> None:
        self.refs, self.hyps = refs, hyps

    def chunks(self) -> Iterator[PairChunk]:
        yield self.refs, self.hyps

    def expected_pairs(self) -> int:
        return len(self.refs)


def align_documents(reference: Document, hypothesis: Document) -> tuple[Document, list[Link], tuple[str, ...]]:
    """Align a hypothesis to its reference: the hypothesis as aligned (cut by :mod:`mtqe.resplit` if its
    sentences could not be split, and where one of them translates several reference sentences), its links
    with their confidence (:mod:`mtqe.confidence`), and notes."""
    from mtqe.align import align_sentences, vectorize, with_parts  # scipy.sparse: imported to align, not to pair
    from mtqe.confidence import rate_links
    from mtqe.resplit import merged_note, split_if_needed, split_merged

    hypothesis, notes = split_if_needed(reference, hypothesis)
    vectors = vectorize(reference.texts, hypothesis.texts) if reference.texts and hypothesis.texts else None
    links = align_sentences(reference.texts, hypothesis.texts, vectors=vectors)
    split, renumbered, parts = split_merged(reference, hypothesis, links)
    if parts and vectors:  # aligned again, with the parts, near the first alignment
        hypothesis, notes = split, (*notes, merged_note(hypothesis.path, parts))
        vectors = with_parts(vectors, parts)
        links = align_sentences(reference.texts, hypothesis.texts, vectors=vectors, near=renumbered)
    return hypothesis, rate_links(reference.texts, hypothesis.texts, links, vectors), notes


def paired_lines(reference: Document, hypothesis: Document) -> list[Link]:
    """The links of line-aligned documents (``--aligned``): line k with line k."""
    ref_count, hyp_count = len(reference.sentences), len(hypothesis.sentences)
    if ref_count != hyp_count:
        raise InputError(
            hypothesis.path,
            f"has {hyp_count} lines but the reference {reference.path} has {ref_count}; "
            "--aligned needs the same number of lines",
        )
    return [Link((i,), (i,)) for i in range(ref_count)]


def score_system(
    name: str,
    reference: Document,
    hypothesis: Document,
    links: Sequence[Link],
    settings: Settings,
    engine: Engine | None = None,
    notes: tuple[str, ...] = (),
) -> SystemResult:
    refs = [" ".join(reference.sentences[i].text for i in link.ref_ids) for link in links]
    hyps = [" ".join(hypothesis.sentences[j].text for j in link.hyp_ids) for link in links]
    scored = (engine or MemoryEngine()).score(PairList(refs, hyps), settings)
    summary = summarize(scored, settings)
    segments = tuple(
        Segment(link=link, ref=ref, hyp=hyp, scores=SegmentScores(*row), critical=critical)
        for link, ref, hyp, row, critical in zip(
            links, refs, hyps, scored.scores.tolist(), scored.critical, strict=True
        )
    )
    return SystemResult(
        name=name,
        document=hypothesis,
        segments=segments,
        corpus=summary.corpus,
        analysis=summary.analysis,
        stats=scored.stats,
        notes=notes + summary.notes,
        typography=summary.typography,
    )


def compare_systems(
    systems: Sequence[SystemResult], reference_sentences: int, settings: Settings
) -> tuple[SystemComparison, ...]:
    """Every system against the first: paired bootstrap and approximate randomization over paired units."""
    if len(systems) < 2:
        return ()
    count, assignments = unit_of_links(
        [[s.link.ref_ids for s in system.segments] for system in systems], reference_sentences
    )
    per_unit = [system.stats.by_unit(units, count) for system, units in zip(systems, assignments, strict=True)]
    from mtqe.metrics import make_metrics

    metrics = make_metrics(settings.language, settings.tokenize)
    score = {m: metrics[m].corpus_score for m in METRICS}
    comparisons = []
    for system, stats in zip(systems[1:], per_unit[1:], strict=True):
        paired = paired_bootstrap(per_unit[0], stats, score, HIGHER_IS_BETTER, settings.bootstrap, settings.seed)
        randomized = approximate_randomization(per_unit[0], stats, score, settings.bootstrap, settings.seed)
        comparisons.append(
            SystemComparison(
                system=system.name,
                against=systems[0].name,
                units=count,
                metrics={
                    m: PairedComparison(
                        paired[m].delta, paired[m].ci_low, paired[m].ci_high, paired[m].p_two_sided, randomized[m]
                    )
                    for m in METRICS
                },
            )
        )
    return tuple(comparisons)


def system_names(paths: Sequence[str]) -> list[str]:
    """File stems, made unique with ``#2``, ``#3`` ... in order."""
    names: list[str] = []
    for path in paths:
        stem = Path(path).stem or path
        name, copy = stem, 1
        while name in names:
            copy += 1
            name = f"{stem}#{copy}"
        names.append(name)
    return names
