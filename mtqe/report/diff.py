"""Word-level differences between a reference and a hypothesis, for display.

The edit script is the Levenshtein alignment of whitespace-separated words
that jiwer uses for WER (rapidfuzz opcodes). Words that are deleted in one
place and inserted in another are marked as *moved*, the way TER counts a
shift. The compact codes travel in the report's embedded data and the page's
script draws the same marks the server-side rows show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

EQUAL, DELETE, INSERT, SUBSTITUTE, MOVE = "eq", "del", "ins", "sub", "mov"


@dataclass(frozen=True)
class WordDiff:
    ops: str  # "=3 ~1:2 -1 +2": equal, substitute (ref:hyp words), delete, insert; counts of words
    moved: str  # "4 9;2": reference word indices, then hypothesis word indices, that moved


_OPS = {
    "equal": lambda a, _: f"={a}",
    "delete": lambda a, _: f"-{a}",
    "insert": lambda _, b: f"+{b}",
    "replace": lambda a, b: f"~{a}:{b}",
}
MAX_DIFF_WORDS = 2000  # longer links are shown without word differences (the alignment takes seconds)


def word_diff(ref: str, hyp: str) -> WordDiff:
    ref_words, hyp_words = ref.split(), hyp.split()
    if max(len(ref_words), len(hyp_words)) > MAX_DIFF_WORDS:
        return WordDiff("", "")
    codes = Levenshtein.opcodes(ref_words, hyp_words).as_list()  # tuples: 3x faster to walk than Opcode objects
    ops = " ".join(_OPS[tag](i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in codes)
    deleted = [i for tag, i1, i2, _, _ in codes if tag != "equal" for i in range(i1, i2)]
    inserted = [j for tag, _, _, j1, j2 in codes if tag != "equal" for j in range(j1, j2)]
    ref_moved, hyp_moved = _moved(ref_words, deleted, hyp_words, inserted)
    moved = " ".join(map(str, ref_moved)) + ";" + " ".join(map(str, hyp_moved)) if ref_moved else ""
    return WordDiff(ops, moved)


def _moved(
    ref_words: list[str], deleted: list[int], hyp_words: list[str], inserted: list[int]
) -> tuple[list[int], list[int]]:
    """Positions of words that left the reference at one place and came back at another."""
    if (
        not deleted
        or not inserted
        or set(map(ref_words.__getitem__, deleted)).isdisjoint(map(hyp_words.__getitem__, inserted))
    ):
        return [], []  # most links: nothing both left and came back
    both = Counter(ref_words[i] for i in deleted) & Counter(hyp_words[j] for j in inserted)
    return _take(ref_words, deleted, Counter(both)), _take(hyp_words, inserted, Counter(both))


def _take(words: list[str], positions: list[int], budget: Counter[str]) -> list[int]:
    chosen = []
    for position in positions:
        if budget[words[position]] > 0:
            budget[words[position]] -= 1
            chosen.append(position)
    return chosen


def decode(ref: str, hyp: str, diff: WordDiff) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(word, mark) lists for both sides; marks are eq, del/ins, sub and mov (all eq when not computed)."""
    ref_words, hyp_words = ref.split(), hyp.split()
    if not diff.ops:
        return [(word, EQUAL) for word in ref_words], [(word, EQUAL) for word in hyp_words]
    ref_marks: list[str] = []
    hyp_marks: list[str] = []
    for op in diff.ops.split():
        if op.startswith("~"):
            a, b = op[1:].split(":")
            ref_marks += [SUBSTITUTE] * int(a)
            hyp_marks += [SUBSTITUTE] * int(b)
        elif op.startswith("="):
            ref_marks += [EQUAL] * int(op[1:])
            hyp_marks += [EQUAL] * int(op[1:])
        elif op.startswith("-"):
            ref_marks += [DELETE] * int(op[1:])
        else:
            hyp_marks += [INSERT] * int(op[1:])
    if diff.moved:
        ref_part, hyp_part = diff.moved.split(";")
        for i in map(int, ref_part.split()):
            ref_marks[i] = MOVE
        for j in map(int, hyp_part.split()):
            hyp_marks[j] = MOVE
    return list(zip(ref_words, ref_marks, strict=True)), list(zip(hyp_words, hyp_marks, strict=True))
