"""The pure pipeline: documents -> aligned, scored :class:`~mtqe.model.Evaluation`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mtqe.align import align_sentences, pair_lines
from mtqe.analysis import by_length, ngram_errors, reference_lengths
from mtqe.errors import InputError
from mtqe.fast_stats import ter_capped
from mtqe.metrics import Metric, make_metrics, score_pairs
from mtqe.model import (
    HIGHER_IS_BETTER,
    METRICS,
    CorpusScore,
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
from mtqe.pairing import unit_of_links, unit_stats
from mtqe.stats import approximate_randomization, bootstrap_interval, paired_bootstrap


def evaluate(reference: Document, hypotheses: Sequence[Document], settings: Settings) -> Evaluation:
    """Align each hypothesis to the reference and score every link and the corpus."""
    if not reference.sentences:
        raise InputError(reference.path, "no sentences to score (only metadata lines)")
    systems = []
    for name, hypothesis in zip(system_names([h.path for h in hypotheses]), hypotheses, strict=True):
        links = link_documents(reference, hypothesis, aligned=settings.aligned)
        systems.append(score_system(name, reference, hypothesis, links, settings))
    comparisons = compare_systems(systems, len(reference.sentences), settings)
    return Evaluation(reference=reference, systems=tuple(systems), settings=settings, comparisons=comparisons)


def link_documents(reference: Document, hypothesis: Document, *, aligned: bool) -> list[Link]:
    if not aligned:
        return align_sentences(reference.texts, hypothesis.texts)
    ref_count, hyp_count = len(reference.sentences), len(hypothesis.sentences)
    if ref_count != hyp_count:
        raise InputError(
            hypothesis.path,
            f"has {hyp_count} lines but the reference {reference.path} has {ref_count}; "
            "--aligned needs the same number of lines",
        )
    return pair_lines(ref_count, hyp_count)


def score_system(
    name: str, reference: Document, hypothesis: Document, links: Sequence[Link], settings: Settings
) -> SystemResult:
    refs = [" ".join(reference.sentences[i].text for i in link.ref_ids) for link in links]
    hyps = [" ".join(hypothesis.sentences[j].text for j in link.hyp_ids) for link in links]
    metrics = make_metrics(settings.language)
    stats, sentence_scores = score_pairs(hyps, refs, settings.language, settings.workers)
    segments = tuple(
        Segment(link=link, ref=ref, hyp=hyp, scores=SegmentScores(*row))
        for link, ref, hyp, row in zip(links, refs, hyps, sentence_scores.tolist(), strict=True)
    )

    corpus = corpus_scores(stats, metrics, settings)
    analysis = {"by_length": by_length(reference_lengths(refs), stats, metrics), "ngrams": ngram_errors(refs, hyps)}
    notes = tuple(capped_ter_notes(refs, hyps))
    return SystemResult(
        name=name, document=hypothesis, segments=segments, corpus=corpus, analysis=analysis, stats=stats, notes=notes
    )


def corpus_scores(
    stats: dict[str, np.ndarray], metrics: dict[str, Metric], settings: Settings
) -> dict[str, CorpusScore]:
    """Each metric's corpus score from summed statistics, its bootstrap interval and its signature."""
    score = {metric: scorer.corpus_score for metric, scorer in metrics.items()}
    intervals = bootstrap_interval(stats, score, settings.bootstrap, settings.seed)
    return {
        metric: CorpusScore(
            score=scorer.corpus_score(stats[metric].sum(axis=0)),
            ci_low=intervals[metric][0],
            ci_high=intervals[metric][1],
            signature=scorer.signature(settings.bootstrap, settings.seed),
        )
        for metric, scorer in metrics.items()
    }


def capped_ter_notes(refs: Sequence[str], hyps: Sequence[str], start: int = 0) -> list[str]:
    """Notes on the links too long for TER's shift search (see :func:`mtqe.fast_stats.ter_capped`)."""
    notes = []
    for k, (ref, hyp) in enumerate(zip(refs, hyps, strict=True), start=start):
        hyp_words, ref_words = len(hyp.lower().split()), len(ref.lower().split())
        if ter_capped(hyp_words, ref_words):
            notes.append(
                f"link {k}: TER without shifts ({hyp_words} x {ref_words} words is beyond TER's shift search); "
                "its TER is the plain word edit distance, an upper bound"
            )
    return notes


def compare_systems(
    systems: Sequence[SystemResult], reference_sentences: int, settings: Settings
) -> tuple[SystemComparison, ...]:
    """Every system against the first: paired bootstrap and approximate randomization over paired units."""
    if len(systems) < 2:
        return ()
    count, assignments = unit_of_links(
        [[s.link.ref_ids for s in system.segments] for system in systems], reference_sentences
    )
    per_unit = [
        {m: unit_stats(system.stats[m], units, count) for m in METRICS}
        for system, units in zip(systems, assignments, strict=True)
    ]
    metrics = make_metrics(settings.language)
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
