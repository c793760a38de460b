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
from sacrebleu.metrics.lib_ter import translation_edit_rate

from mtqe import fast_stats
from mtqe.fast_ter import edits
from mtqe.kernel import Kernel
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


def compiled_kernels() -> dict[str, Kernel]:
    """Every numba-compiled function in the mtqe package."""
    package = Path(importlib.import_module("mtqe").__file__).parent
    kernels = {}
    for path in sorted(package.rglob("*.py")):
        if "@kernel" not in path.read_text(encoding="utf-8"):
            continue
        name = ".".join(("mtqe", *path.relative_to(package).with_suffix("").parts))
        module = importlib.import_module(name)
        kernels.update(
            {
                f"{name}.{attr}": value
                for attr, value in vars(module).items()
                if isinstance(value, Kernel) and value.py_func.__module__ == name  # defined here, not imported
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
    untouched = sorted(name for name, kernel in kernels.items() if not kernel.compiled.signatures)
    assert not untouched, f"compiled kernels no differential test reaches: {untouched}; add them to tests/"


# --- plain Python and compiled: the same numbers ------------------------------------------------------


def both_ways(function):
    """``function()`` with every kernel as plain Python, and again compiled (mtqe.kernel)."""
    from mtqe.kernel import compiled_only, python_only

    with python_only():
        plain = function()
    with compiled_only():
        compiled = function()
    return plain, compiled


def test_the_statistics_kernels_give_the_same_counts_as_plain_python_and_compiled(ted):
    pairs = [*MOVED_REPEATED_WORD, *generate(11, 60, ted[0][:200])]
    hyps, refs = [h for h, _ in pairs], [r for _, r in pairs]

    def counts():
        bleu, chrf, ter = fast_stats.bleu_stats, fast_stats.chrf_stats, fast_stats.ter_stats
        return [bleu(hyps, refs), chrf(hyps, refs, 2), ter(hyps, refs)]

    plain, compiled = both_ways(counts)
    for (plain_stats, plain_ok), (compiled_stats, compiled_ok) in zip(plain, compiled, strict=True):
        assert plain_stats.tolist() == compiled_stats.tolist()
        assert plain_ok.tolist() == compiled_ok.tolist()


@pytest.mark.parametrize("case", ["seeds", "lowercased", "chinese"])
def test_a_whole_evaluation_writes_the_same_results_as_plain_python_and_compiled(case):
    """Alignment, the guided split of unsplittable text, the cut of merged sentences and every score, on the
    sample pair (mojibake, curly quotes), a lower-cased unpunctuated TED document and Chinese without spaces."""
    import json

    from tests import docpairs
    from tests.conftest import SEED_HYP, SEED_REF
    from tests.helpers import results_of
    from tests.test_cjk import pair as chinese_pair

    if case == "seeds":
        ref, hyp = SEED_REF.read_text(encoding="utf-8"), SEED_HYP.read_text(encoding="utf-8")
    elif case == "lowercased":
        made = docpairs.make_pair("ted", 5, size=24, edits=docpairs.Edits(lowercase=True))
        ref, hyp = made.ref_text, made.hyp_text
    else:
        _, _, ref, hyp, _ = chinese_pair()
    plain, compiled = both_ways(lambda: json.dumps(results_of(ref, hyp), sort_keys=True))
    assert plain == compiled
    assert json.loads(compiled)["systems"][0]["segments"]


def test_a_small_run_imports_no_numba_and_a_large_one_compiles(tmp_path):
    """The policy of mtqe.kernel, in a fresh process: two lines and the sample pair stay plain Python (numba
    costs most of a small run's time), the TED test set is compiled."""
    import subprocess
    import sys

    (tmp_path / "r.txt").write_text("The cat sat on the mat.\nIt was warm.\n", encoding="utf-8")
    (tmp_path / "h.txt").write_text("The cat sat on a mat.\nIt was hot.\n", encoding="utf-8")
    script = (
        "import sys\nfrom mtqe.cli import main\nimport mtqe.kernel as kernel\n"
        "code = main(sys.argv[1:])\n"
        "print(code, 'numba' in sys.modules, kernel._state['compiled'])\n"
    )
    ted = Path(__file__).parent / "data" / "ted"
    runs = {
        "small": ["evaluate", "r.txt", "h.txt", "-o", "small", "-q"],
        "sample": ["evaluate", "-o", "sample", "-q"],  # the README's main job: 12 s more if compiled on a fresh machine
        "large": ["evaluate", "--aligned", str(ted / "reference.en"), str(ted / "system.en"), "-o", "large", "-q"],
    }
    seen = {}
    for name, argv in runs.items():
        done = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp_path, capture_output=True, text=True,
                              check=False)  # fmt: skip
        seen[name] = done.stdout.split()
    assert seen == {"small": ["0", "False", "False"], "sample": ["0", "False", "False"], "large": ["0", "True", "True"]}


def test_loading_the_kernels_skips_numbas_blas_check_and_leaves_scipy_linalg_importable():
    import subprocess
    import sys

    script = (
        "import sys\nfrom mtqe import fast_stats\nfast_stats.warm_up()\n"
        "print('scipy.linalg' in sys.modules)\n"
        "import scipy.linalg.cython_blas\nprint(sys.modules['scipy.linalg'] is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_cache_use_tells_a_kernel_loaded_from_numbas_cache_from_one_compiled_anew(tmp_path):
    """What CI's check of the installed package relies on: a fresh process compiles a kernel and caches
    it, and the kernel it calls with it; the next process loads it, and its callee is then in neither list."""
    import subprocess
    import sys

    (tmp_path / "tiny.py").write_text(
        "import numpy as np\nfrom mtqe.kernel import kernel\n\n\n"
        "@kernel\ndef double(x):\n    return 2 * x\n\n\n"
        "@kernel\ndef total(values):\n    s = 0\n    for v in values:\n        s += double(v)\n    return s\n",
        encoding="utf-8",
    )
    script = (
        "import numpy as np, tiny\nfrom mtqe import kernel\n"
        "with kernel.compiled_only():\n    assert tiny.total(np.arange(5)) == 20\n"
        "print(kernel.cache_use())\n"
    )
    command = [sys.executable, "-c", script]
    seen = [subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
            for _ in range(2)]  # fmt: skip
    assert seen == ["([], ['double', 'total'])", "(['total'], [])"]


def test_the_kernels_a_plain_kernel_calls_count_in_its_work_not_again(monkeypatch):
    """TER's search calls other kernels; their arrays are part of the work its own estimate counted."""
    import numpy as np

    from mtqe import fast_stats, kernel

    for key, value in (("compiled", False), ("spent", 0), ("forced", None)):  # the policy as a fresh process has it
        monkeypatch.setitem(kernel._state, key, value)
    ids, offsets = fast_stats._ids([["a", "b", "c", "d"], ["b", "a", "d", "c", "e"]] * 3)
    out = np.zeros(3, dtype=np.int64)
    fast_stats._ter_batch(ids, offsets, out)
    assert kernel._state["spent"] == 3 * 4 * 5 and not kernel._state["compiled"]  # its own estimate, callees free
