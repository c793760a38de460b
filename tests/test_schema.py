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
    assert out.getvalue() == render_json(results)
    assert json.loads(out.getvalue()) == results
    assert len(produced) == len(segments)


def test_results_keep_schema_version_1_field_order():
    results = results_of(REF, HYP)
    assert list(results) == ["schema_version", "mtqe_version", "settings", "reference", "systems", "ranking",
                             "comparisons"]  # fmt: skip
    assert list(results["systems"][0])[:9] == ["name", "path", "sha256", "metadata", "sentences", "sentence_lines",
                                               "encoding", "findings", "counts"]  # fmt: skip


def test_results_written_before_the_confidence_fields_are_still_read_rendered_and_gated(tmp_path):
    """Version 1 only gains fields: a results.json from before them reads as links not rated, not uncertain."""
    from mtqe.cli import main
    from mtqe.schema import load_results
    from tests.conftest import SEED_HYP, SEED_REF

    out = tmp_path / "out"
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out), "-q"]) == 0
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for system in data["systems"]:
        del system["uncertain"], system["statistics"]
        for segment in system["segments"]:
            del segment["confidence"], segment["uncertain"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    loaded = load_results(old.read_text(encoding="utf-8"), str(old))
    assert all(s["confidence"] is None and s["uncertain"] is False for s in loaded["systems"][0]["segments"])
    assert main(["report", str(old), "-o", str(tmp_path / "old.html")]) == 0
    assert main(["baseline", "save", str(old), "-o", str(tmp_path / "base.json")]) == 0
    assert main(["gate", str(out / "results.json"), "-b", str(tmp_path / "base.json"), "-q"]) == 0


def test_the_record_types_name_every_metric():
    """The results' TypedDicts declare one field per metric (they are what load_results checks against)."""
    from mtqe.model import METRICS
    from mtqe.schema import CorpusScores, LengthBucket, MetricScores

    assert tuple(MetricScores.__annotations__) == METRICS and tuple(CorpusScores.__annotations__) == METRICS
    assert set(METRICS) <= set(LengthBucket.__annotations__)
