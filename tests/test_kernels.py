"""The compiled kernels equal sacrebleu and jiwer where indexing errors hide: short repeated words that move.

Every file marked ``differential`` runs twice in CI: in the normal suite, and again with
``NUMBA_BOUNDSCHECK=1`` and a fresh numba cache (see ``.ci/run``), so an out-of-bounds read or write
in any kernel is an ``IndexError`` here rather than a silently wrong score or a corrupted heap.
"""

from __future__ import annotations

import importlib
import itertools
import os
from pathlib import Path

import numba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba.core.dispatcher import Dispatcher
from sacrebleu.metrics.lib_ter import translation_edit_rate

from mtqe import fast_stats
from mtqe.fast_ter import edits
from tests.fuzz_kernels import generate, mismatches

pytestmark = pytest.mark.differential

MOVED_REPEATED_WORD = [  # each read and wrote past its arrays before the fix
    ("the the cat", "the cat the"),
    ("a b b", "b b a"),
    ("la la land", "la land la"),
    ("a a c", "a c b"),
    (", , , .", ", , . ,"),
]


MOVED_REPEATED_WORD_PAIRS = [(hyp.split(), ref.split()) for hyp, ref in MOVED_REPEATED_WORD]


def sequences(vocabulary: tuple[str, ...], longest: int) -> list[list[str]]:
    return [list(words) for n in range(longest + 1) for words in itertools.product(vocabulary, repeat=n)]


def assert_equal_to_the_libraries(pairs: list[tuple[list[str], list[str]]]) -> None:
    for hyp, ref in pairs:
        assert edits(hyp, ref) == translation_edit_rate(hyp, ref)[0], (hyp, ref)
    assert mismatches([" ".join(h) for h, _ in pairs], [" ".join(r) for _, r in pairs]) == []


def test_bounds_checking_is_on_when_asked():
    """The CI job that sets NUMBA_BOUNDSCHECK must really compile the kernels with bounds checks."""
    if os.environ.get("NUMBA_BOUNDSCHECK") == "1":
        assert numba.config.BOUNDSCHECK


@pytest.mark.parametrize(("hyp", "ref"), MOVED_REPEATED_WORD)
def test_a_moved_repeated_word(hyp, ref):
    assert_equal_to_the_libraries([(hyp.split(), ref.split())])


def test_every_ordering_of_up_to_four_words_from_two():
    words = sequences(("a", "b"), 4)  # 31 sequences, the empty one included
    assert_equal_to_the_libraries(list(itertools.product(words, words)))


def test_every_ordering_of_up_to_three_words_from_three():
    words = sequences(("the", "cat", ","), 3)
    assert_equal_to_the_libraries(list(itertools.product(words, words)))


VOCABULARY = st.lists(st.sampled_from(["the", "cat", "a", ",", ".", "la", "land", "b"]), min_size=1, max_size=4)


@st.composite
def repeated_word_pairs(draw) -> tuple[list[str], list[str]]:
    vocabulary = draw(VOCABULARY)
    ref = draw(st.lists(st.sampled_from(vocabulary), max_size=9))
    how = draw(st.sampled_from(["permutation", "rotation", "independent"]))
    if how == "permutation":
        hyp = draw(st.permutations(ref))
    elif how == "rotation":
        k = draw(st.integers(0, max(len(ref) - 1, 0)))
        hyp = ref[k:] + ref[:k]
    else:
        hyp = draw(st.lists(st.sampled_from(vocabulary), max_size=9))
    return list(hyp), ref


@settings(max_examples=300, deadline=None)
@given(pair=repeated_word_pairs())
def test_short_repeated_word_pairs_and_reorderings(pair):
    assert_equal_to_the_libraries([pair])


def test_fuzzed_pairs():
    from tests.tedpairs import load_ted

    refs, _ = load_ted()
    pairs = list(generate(20261202, 1_500, refs))
    assert mismatches([h for h, _ in pairs], [r for _, r in pairs]) == []


def compiled_kernels() -> dict[str, Dispatcher]:
    """Every numba-compiled function in the mtqe package."""
    package = Path(importlib.import_module("mtqe").__file__).parent
    kernels = {}
    for path in sorted(package.rglob("*.py")):
        if "numba" not in path.read_text(encoding="utf-8"):
            continue
        name = ".".join(("mtqe", *path.relative_to(package).with_suffix("").parts))
        module = importlib.import_module(name)
        kernels.update(
            {
                f"{name}.{attr}": value
                for attr, value in vars(module).items()
                if isinstance(value, Dispatcher) and value.py_func.__module__ == name  # defined here, not imported
            }
        )
    return kernels


@pytest.mark.skipif(
    os.environ.get("NUMBA_BOUNDSCHECK") != "1",
    reason="needs the bounds-checked run's fresh numba cache: kernels loaded from a cache compile no callees",
)
def test_every_compiled_kernel_is_exercised_by_this_file():
    """A kernel added later must be reached here, so the bounds-checked run covers it too."""
    assert_equal_to_the_libraries(MOVED_REPEATED_WORD_PAIRS)
    wide = "".join(chr(0x4E00 + k) for k in range(700))  # too many symbols to pack: the pair-by-pair path
    mismatches(["the the cat", wide, "a b"], ["the cat the", wide[::-1], "a c"])
    fast_stats.warm_up()
    from mtqe.align import align_sentences
    from mtqe.model import SourceText
    from mtqe.resplit import guided_split
    from mtqe.segment import segment_document
    from tests import docpairs

    pair = docpairs.make_pair("ted", 2, size=40, edits=docpairs.Edits(lowercase=True))  # the splitter's kernels
    ref, hyp = (segment_document(SourceText(name, text, "", "utf-8")) for name, text in
                (("ref.txt", pair.ref_text), ("hyp.txt", pair.hyp_text)))  # fmt: skip
    split, _ = guided_split(ref, hyp)
    align_sentences(ref.texts, split.texts)  # and the aligner's
    kernels = compiled_kernels()
    assert "mtqe.fast_ter.ter_edits" in kernels
    untouched = sorted(name for name, kernel in kernels.items() if not kernel.signatures)
    assert not untouched, f"compiled kernels no differential test reaches: {untouched}; add them to tests/"
