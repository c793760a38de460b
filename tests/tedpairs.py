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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mtqe.align import align_sentences
from mtqe.model import Link, SourceText
from mtqe.segment import segment_document

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


@dataclass(frozen=True)
class Outcome:
    """An alignment of a DocPair, seen as (reference line, hypothesis line) pairs."""

    predicted: set[tuple[int, int]]
    gold: set[tuple[int, int]]
    naive: set[tuple[int, int]]  # pairing sentences by position
    best_possible: set[tuple[int, int]]  # the best alignment of whole sentences
    unlinked_ref: set[int]  # reference lines the alignment left out (found omissions)
    unlinked_hyp: set[int]  # hypothesis lines the alignment left out (found additions)
    omitted: frozenset[int]
    added: frozenset[int]
    false_omissions: int  # reference sentences left out though their line has a partner
    false_additions: int  # hypothesis sentences left out though their line translates a reference line
    sentences: int  # reference and hypothesis sentences in all


def align_pair(pair: DocPair, align: Callable[[list[str], list[str]], list[Link]] = align_sentences) -> Outcome:
    """Segment both documents as mtqe does, align them, and compare with the gold."""
    ref, hyp = _sentences(pair.ref_text), _sentences(pair.hyp_text)
    ref_lines, hyp_lines = sentence_lines(ref, pair.ref_lines), sentence_lines(hyp, pair.hyp_lines)
    links = align(ref, hyp)
    predicted = line_pairs(links, ref_lines, hyp_lines)
    added = frozenset(h for h, source in enumerate(pair.hyp_sources) if source is None)
    naive = [Link((k,), (k,)) for k in range(min(len(ref), len(hyp)))]
    return Outcome(
        predicted=predicted,
        gold=gold_pairs(pair),
        naive=line_pairs(naive, ref_lines, hyp_lines),
        best_possible=line_pairs(best_possible_links(pair, ref_lines, hyp_lines), ref_lines, hyp_lines),
        unlinked_ref=set(range(len(pair.ref_lines))) - {r for r, _ in predicted},
        unlinked_hyp=set(range(len(pair.hyp_lines))) - {h for _, h in predicted},
        omitted=pair.omitted,
        added=added,
        false_omissions=sum(
            1 for link in links for i in link.ref_ids if not link.hyp_ids and not ref_lines[i] <= pair.omitted
        ),
        false_additions=sum(
            1 for link in links for j in link.hyp_ids if not link.ref_ids and not hyp_lines[j] <= added
        ),
        sentences=len(ref) + len(hyp),
    )


def _sentences(text: str) -> list[str]:
    return segment_document(SourceText("doc.txt", text, "", "utf-8")).texts


def line_pairs(
    links: list[Link], ref_sentence_lines: list[set[int]], hyp_sentence_lines: list[set[int]]
) -> set[tuple[int, int]]:
    """The (reference line, hypothesis line) pairs a sentence alignment implies."""
    pairs = set()
    for link in links:
        ref_lines = set().union(*(ref_sentence_lines[i] for i in link.ref_ids))
        hyp_lines = set().union(*(hyp_sentence_lines[j] for j in link.hyp_ids))
        pairs.update((r, h) for r in ref_lines for h in hyp_lines)
    return pairs


def gold_pairs(pair: DocPair) -> set[tuple[int, int]]:
    return {(source, h) for h, source in enumerate(pair.hyp_sources) if source is not None}


def sentence_lines(sentences: list[str], lines: list[str]) -> list[set[int]]:
    """For each sentence (in order), the source lines it draws its words from."""
    # The splitter only changes white space, so the sentences' words are the lines' words in order.
    owner = [index for index, line in enumerate(lines) for _ in line.split()]
    result, position = [], 0
    for sentence in sentences:
        count = len(sentence.split())
        result.append(set(owner[position : position + count]))
        position += count
    return result


def best_possible_links(pair: DocPair, ref_lines: list[set[int]], hyp_lines: list[set[int]]) -> list[Link]:
    """Sentences that share gold line pairs, grouped into one link each: the best whole-sentence alignment."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    sentences_of = {"r": defaultdict(set), "h": defaultdict(set)}
    for side, per_sentence in (("r", ref_lines), ("h", hyp_lines)):
        for index, lines in enumerate(per_sentence):
            find((side, index))
            for line in lines:
                sentences_of[side][line].add(index)
    for ref_line, hyp_line in gold_pairs(pair):
        for i in sentences_of["r"][ref_line]:
            for j in sentences_of["h"][hyp_line]:
                parent[find(("r", i))] = find(("h", j))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in range(len(ref_lines)):
        groups[find(("r", i))][0].append(i)
    for j in range(len(hyp_lines)):
        groups[find(("h", j))][1].append(j)
    return [Link(tuple(r), tuple(h)) for r, h in groups.values()]
