from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis keeps no example database in the source tree (.hypothesis/): every run starts from the seeds it draws.
settings.register_profile("mtqe", database=None)
settings.load_profile("mtqe")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SEED_REF = ROOT / "seeds" / "002_27e87b73d9c2024c.txt"
SEED_HYP = ROOT / "seeds" / "000_47139297fadea2d9.txt"


@pytest.fixture(autouse=True)
def _compiled_kernels_in_differential_tests(request):
    """A differential test checks the compiled kernels (with numba's bounds checks in CI's second run), so
    its kernels run compiled however small the input; elsewhere they run as a real run would."""
    if request.node.get_closest_marker("differential") is None:
        yield
        return
    from mtqe.kernel import compiled_only

    with compiled_only():
        yield


@pytest.fixture(scope="session")
def gold() -> dict:
    """The hand-made sentence alignment of the seed pair (a copy of ../shared/gold)."""
    return json.loads((DATA / "gold" / "seed_alignment.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ted() -> tuple[list[str], list[str]]:
    from tests.tedpairs import load_ted

    return load_ted()


@pytest.fixture(scope="session")
def seed_evaluation():
    """The sample pair evaluated in memory with default settings."""
    from mtqe.io import read_text
    from mtqe.model import Settings
    from mtqe.pipeline import evaluate
    from mtqe.segment import segment_document

    return evaluate(segment_document(read_text(SEED_REF)), [segment_document(read_text(SEED_HYP))], Settings())
