"""Unaligned document pairs with a known alignment, built from real MT output.

``../shared/data/ted`` holds a reference and a real system output, line-aligned.
We cut a window of lines, drop some hypothesis lines (omissions), insert lines
from far away in the system output (additions), and glue each side's lines into
paragraphs with independent boundaries. The gold alignment is known from the
line numbers: reference line k corresponds to hypothesis line k.

Used by the aligner's tests and by ``benchmarks/``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

TED = Path(__file__).resolve().parent / "data" / "ted"


@dataclass(frozen=True)
class DocPair:
    ref_text: str
    hyp_text: str
    ref_lines: list[str]  # reference lines in document order
    hyp_lines: list[str]  # hypothesis lines in document order
    hyp_sources: list[int | None]  # for each hypothesis line, its reference line (None: an addition)
    omitted: frozenset[int]  # reference lines with no hypothesis line


def load_ted() -> tuple[list[str], list[str]]:
    ref = (TED / "reference.en").read_text(encoding="utf-8").split("\n")
    hyp = (TED / "system.en").read_text(encoding="utf-8").split("\n")
    if ref[-1] == "" and hyp[-1] == "":
        ref, hyp = ref[:-1], hyp[:-1]
    return ref, hyp


def make_pair(
    seed: int,
    size: int = 300,
    drop: float = 0.04,
    add: float = 0.03,
    corpus: tuple[list[str], list[str]] | None = None,
) -> DocPair:
    ref_all, hyp_all = corpus or load_ted()
    rng = random.Random(seed)
    start = rng.randrange(0, max(1, len(ref_all) - size))
    window = range(start, min(start + size, len(ref_all)))
    ref_lines = [ref_all[k] for k in window]
    hyp_lines: list[str] = []
    sources: list[int | None] = []
    omitted = set()
    for local, k in enumerate(window):
        if rng.random() < add:
            far = (k + len(ref_all) // 2 + rng.randrange(100)) % len(ref_all)
            hyp_lines.append(hyp_all[far])
            sources.append(None)
        if rng.random() < drop:
            omitted.add(local)
            continue
        hyp_lines.append(hyp_all[k])
        sources.append(local)
    return DocPair(
        ref_text=_glue(ref_lines, rng, blank=False),
        hyp_text=_glue(hyp_lines, rng, blank=True),
        ref_lines=ref_lines,
        hyp_lines=hyp_lines,
        hyp_sources=sources,
        omitted=frozenset(omitted),
    )


def _glue(lines: list[str], rng: random.Random, *, blank: bool) -> str:
    """Lines -> paragraphs of 1-5 lines, one per line (or blank-line separated)."""
    paragraphs, k = [], 0
    while k < len(lines):
        take = rng.randint(1, 5)
        paragraphs.append(" ".join(line.strip() for line in lines[k : k + take]))
        k += take
    return ("\n\n" if blank else "\n").join(paragraphs) + "\n"


def line_pairs(links, ref_sentence_lines: list[set[int]], hyp_sentence_lines: list[set[int]]) -> set[tuple[int, int]]:
    """The (reference line, hypothesis line) pairs a sentence alignment implies."""
    pairs = set()
    for link in links:
        ref_lines = set().union(*(ref_sentence_lines[i] for i in link.ref_ids)) if link.ref_ids else set()
        hyp_lines = set().union(*(hyp_sentence_lines[j] for j in link.hyp_ids)) if link.hyp_ids else set()
        pairs.update((r, h) for r in ref_lines for h in hyp_lines)
    return pairs


def gold_pairs(pair: DocPair) -> set[tuple[int, int]]:
    return {(source, h) for h, source in enumerate(pair.hyp_sources) if source is not None}


def sentence_lines(sentences: list[str], lines: list[str]) -> list[set[int]]:
    """For each sentence (in order), the source lines it draws its words from."""
    # Walk words: the sentences' words are the lines' words in the same order.
    owner = [index for index, line in enumerate(lines) for _ in line.split()]
    result, position = [], 0
    for sentence in sentences:
        count = len(sentence.split())
        result.append(set(owner[position : position + count]))
        position += count
    return result
