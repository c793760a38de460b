"""results.json is defined once: the streaming writer gives json.dumps's bytes, lazily."""

from __future__ import annotations

import io
import json

from mtqe.schema import LazyList, render_json, write_json
from tests.helpers import results_of

REF = "The first sentence is here.\nA second one follows.\n"
HYP = "The first sentence is there.\nA second follows.\n"


def test_the_streaming_writer_writes_the_same_bytes_from_a_lazy_segment_list():
    results = results_of(REF, HYP, aligned=True)
    segments = results["systems"][0]["segments"]
    produced = []

    def items():
        for segment in segments:
            produced.append(segment)
            yield segment

    lazy = {**results, "systems": [{**results["systems"][0], "segments": LazyList(len(segments), items)}]}
    out = io.StringIO()
    write_json(out, lazy)
    assert out.getvalue() == render_json(results) == json.dumps(results, ensure_ascii=False, indent=1) + "\n"
    assert len(produced) == len(segments)


def test_results_keep_schema_version_1_field_order():
    results = results_of(REF, HYP)
    assert list(results) == ["schema_version", "mtqe_version", "settings", "reference", "systems", "ranking",
                             "comparisons"]  # fmt: skip
    assert list(results["systems"][0])[:9] == ["name", "path", "sha256", "metadata", "sentences", "sentence_lines",
                                               "encoding", "findings", "counts"]  # fmt: skip
