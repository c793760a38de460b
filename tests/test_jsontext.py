"""mtqe's JSON layout: the standard encoder's indent=1 text, segments one compact line each."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtqe import jsontext
from mtqe.schema import LazyList, render_json, write_json
from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import results_of

STANDARD = json.JSONEncoder(ensure_ascii=False, indent=1, allow_nan=False)
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
)  # fmt: skip
KEYS = st.text(max_size=8) | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
KEYS = KEYS | st.none()
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=30
)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_text_is_the_standard_encoders_indented_text(value):
    assert jsontext.text(value) == STANDARD.encode(value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(VALUES)
def test_pieces_of_large_containers_join_to_the_same_text(monkeypatch, value):
    monkeypatch.setattr(jsontext, "LAZY", 1)  # every container of two or more items is yielded item by item
    assert "".join(jsontext.pieces(value)) == STANDARD.encode(value)


def test_what_the_standard_encoder_refuses_is_refused():
    for bad in (float("nan"), [1.0, float("inf")], {"a": {"b": -float("inf")}}):
        with pytest.raises(ValueError, match="Out of range float"):
            jsontext.text(bad)
    for bad in ({1, 2}, [b"bytes"], {(1, 2): 3}):
        with pytest.raises(TypeError):
            jsontext.text(bad)


def test_results_are_indented_with_each_segment_on_one_compact_line():
    results = results_of(SEED_REF.read_text(encoding="utf-8"), SEED_HYP.read_text(encoding="utf-8"))
    written = render_json(results)
    assert json.loads(written) == results
    segments = results["systems"][0]["segments"]
    lines = written.splitlines()
    compact = ["    " + json.dumps(segment, ensure_ascii=False) for segment in segments]
    assert set(compact) <= {text.removesuffix(",") for text in lines}  # alone on its line, as json.dumps writes it
    without = {**results, "systems": [{**system, "segments": []} for system in results["systems"]]}
    outside = render_json(without)
    assert outside == STANDARD.encode(without) + "\n"  # all else is the standard indented layout
    assert len(lines) == len(outside.splitlines()) + len(segments) + 1  # "[]" opened into "[", lines, "]"


def test_raw_lines_of_a_lazy_list_are_written_as_they_are():
    results = results_of("The cat sat.\nIt was warm.\n", "The cat sat.\nIt was hot.\n", aligned=True)
    segments = results["systems"][0]["segments"]
    raw = LazyList(len(segments), lambda: (jsontext.Raw(jsontext.line(s)) for s in segments))
    out = io.StringIO()
    write_json(out, {**results, "systems": [{**results["systems"][0], "segments": raw}]})
    assert out.getvalue() == render_json(results)
