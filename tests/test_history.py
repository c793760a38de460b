from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from mtqe.errors import BaselineError
from mtqe.history import parse_history, render_entry
from mtqe.writing import append_line_locked

ENTRY = {"mtqe_history": "1", "commit": "abc", "system": "s", "status": "pass", "scores": {"chrf": 50.0}}


def test_entries_parse_in_order():
    text = render_entry(ENTRY) + "\n" + render_entry({**ENTRY, "commit": "def"})
    assert [e["commit"] for e in parse_history(text, "h.jsonl")] == ["abc", "def"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"mtqe_history": "1", "scores": {"chrf": 5', "corrupt history line"),
        ('{"scores": {}}', "not an mtqe history line"),
        ('{"mtqe_history": "1", "scores": {"chrf": "high"}}', "scores.chrf: is not a number"),
        ('{"mtqe_history": "1", "scores": {"chrf": NaN}}', "NaN is not a number JSON allows"),
        ('{"mtqe_history": "1", "scores": {"chrf": -Infinity}}', "-Infinity is not a number JSON allows"),
        ('{"mtqe_history": "1", "scores": {"chrf": 1e999}}', "scores.chrf: is not a finite number"),
        ('{"mtqe_history": "1", "scores": {"chrf": 1.0}, "baseline": {"chrf": NaN}}', "NaN"),
        ('{"mtqe_history": "1", "scores": {"chrf": 1.0}, "commit": 7}', "commit: is not a string and is not null"),
        ('{"mtqe_history": "1", "scores": {"meteor": 1.0}}', "unknown metric"),
    ],
)
def test_a_corrupt_line_is_an_error_naming_it(line, problem):
    text = render_entry(ENTRY) + line + "\n" + render_entry(ENTRY)
    with pytest.raises(BaselineError, match=problem) as caught:
        parse_history(text, "h.jsonl")
    assert str(caught.value).startswith("h.jsonl:2:")


def test_appending_refuses_a_corrupt_history_and_leaves_it_alone(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(render_entry(ENTRY) + "garbage\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(BaselineError):
        append_line_locked(path, render_entry(ENTRY), lambda text: parse_history(text, str(path)))
    assert path.read_bytes() == before


def test_a_full_disk_part_way_through_a_line_leaves_the_history_as_it_was(tmp_path, monkeypatch):
    import errno
    import io
    import os

    from mtqe import writing
    from mtqe.errors import OutputError

    path = tmp_path / "h.jsonl"
    path.write_text(render_entry(ENTRY), encoding="utf-8")
    before = path.read_bytes()

    class FillingDisk(io.FileIO):
        """A file on a disk that takes 10 bytes of what is written, then is full."""

        def write(self, data):
            if len(data) > 10:
                return super().write(bytes(data[:10]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writing, "open", lambda name, mode, buffering: FillingDisk(name, mode), raising=False)
    with pytest.raises(OutputError, match=r"h\.jsonl: cannot append: No space left on device"):
        append_line_locked(path, render_entry(ENTRY), lambda text: parse_history(text, str(path)))
    monkeypatch.undo()
    assert path.read_bytes() == before
    parse_history(path.read_text(encoding="utf-8"), str(path))


def _append_many(path: str, worker: int) -> None:
    for k in range(40):
        entry = {**ENTRY, "commit": f"{worker}-{k}"}
        append_line_locked(path, render_entry(entry), lambda text: parse_history(text, path))


def test_concurrent_runs_each_append_whole_lines(tmp_path):
    path = str(tmp_path / "h.jsonl")
    workers = [multiprocessing.Process(target=_append_many, args=(path, w)) for w in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    text = Path(path).read_text(encoding="utf-8")
    entries = parse_history(text, path)
    assert sorted(e["commit"] for e in entries) == sorted(f"{w}-{k}" for w in range(3) for k in range(40))
    assert all(json.loads(line) for line in text.splitlines())
