"""Stage times: exclusive, recorded only when asked for, and never a change to the outputs."""

from __future__ import annotations

import itertools

from mtqe import timing
from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import run_in_process


def test_stages_are_timed_exclusively_and_only_inside_a_recording(monkeypatch):
    clock = itertools.count()  # one second per reading of the clock
    monkeypatch.setattr(timing.time, "perf_counter", lambda: float(next(clock)))
    with timing.stage("ignored"):
        pass
    with timing.recording() as recorded:
        with timing.stage("outer"), timing.stage("inner"):  # outer reads 0, inner 1 and 2, leaving outer 3
            pass
        with timing.stage("inner"):  # reads 4 and 5
            pass
    assert recorded.seconds == {"outer": 2.0, "inner": 2.0}
    assert recorded.line() == "outer 2.000 s, inner 2.000 s"
    with timing.stage("ignored"):
        pass
    assert recorded.seconds == {"outer": 2.0, "inner": 2.0}


def test_timings_name_every_stage_of_a_run_and_change_no_output(tmp_path):
    argv = ["evaluate", str(SEED_REF), str(SEED_HYP), "--bootstrap", "200"]
    plain = run_in_process([*argv, "-o", "plain"], tmp_path)
    timed = run_in_process([*argv, "-o", "timed", "--timings", "-q"], tmp_path)
    assert plain.returncode == timed.returncode == 0
    [line] = timed.stderr.splitlines()
    assert line.startswith("timings: ")
    named = [part.rsplit(" ", 2)[0] for part in line.removeprefix("timings: ").split(", ")]
    assert named == ["read", "segment", "align", "score", "analyses", "bootstrap", "significance", "json", "html",
                     "csv", "write"]  # fmt: skip
    for name in ("results.json", "segments.csv", "report.html"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "timed" / name).read_bytes()
    assert "timings" not in plain.stderr
