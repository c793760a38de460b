"""SIGTERM, SIGHUP and Ctrl-C in the middle of a run: one line, exit 128 + the signal (130 for Ctrl-C), the
previous outputs untouched and no temporary left behind, in memory with worker processes and streamed."""

from __future__ import annotations

import os
import signal

import pytest

from mtqe import metrics
from tests.helpers import run_in_process

_score_chunk = metrics._score_chunk


_SENT: dict[str, int] = {}  # the process running the CLI and the signal to send it


def _signalling_chunk(hyps, refs, language, tally=False, extras=False, tokenize=None):
    """_score_chunk that first sends the signal to the process running the CLI: from a worker process when
    the chunks are scored in a pool, as a CI runner's stop arrives while the parent waits for them."""
    os.kill(_SENT["parent"], _SENT["signum"])
    return _score_chunk(hyps, refs, language, tally, extras, tokenize)


@pytest.fixture
def lines(tmp_path, ted):
    refs, hyps = ted
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("".join(f"{line}\n" for line in refs[:2400]), encoding="utf-8")
    hyp.write_text("".join(f"{line}\n" for line in hyps[:2400]), encoding="utf-8")
    return ref, hyp


def _outputs(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("engine", "signum"),
    [("memory", signal.SIGTERM), ("stream", signal.SIGTERM), ("memory", signal.SIGHUP), ("stream", signal.SIGINT)],
)
def test_a_termination_signal_while_scoring_keeps_the_previous_outputs(tmp_path, lines, monkeypatch, engine, signum):
    ref, hyp = lines
    out = tmp_path / "out"
    base = ["evaluate", "--aligned", str(ref), str(hyp), "-o", str(out), "--bootstrap", "100", "-q"]
    assert run_in_process(base, tmp_path).returncode == 0
    before = _outputs(out)
    monkeypatch.setattr(metrics, "_score_chunk", _signalling_chunk)
    monkeypatch.setitem(_SENT, "parent", os.getpid())
    monkeypatch.setitem(_SENT, "signum", signum)
    done = run_in_process([*base, "--engine", engine, "--workers", "2"], tmp_path)
    assert done.returncode == 128 + signum
    stopped = "interrupted" if signum == signal.SIGINT else f"terminated ({signal.Signals(signum).name})"
    assert done.stderr == f"mtqe: {stopped}; no output was left half-written\n"
    assert _outputs(out) == before  # byte for byte, and nothing else: no temporary left
    if signum != signal.SIGINT:
        assert signal.getsignal(signum) is signal.SIG_DFL  # the handler is the CLI's only while it runs


def test_a_termination_signal_in_the_main_process_while_writing(tmp_path, lines, monkeypatch):
    from mtqe import outputs

    ref, hyp = lines
    out = tmp_path / "out"
    commit = outputs.OutputSet.commit

    def terminated_then_commit(self):
        os.kill(os.getpid(), signal.SIGTERM)
        return commit(self)

    monkeypatch.setattr(outputs.OutputSet, "commit", terminated_then_commit)
    done = run_in_process(["evaluate", "--aligned", str(ref), str(hyp), "-o", str(out), "-q"], tmp_path)
    assert done.returncode == 143 and "terminated (SIGTERM)" in done.stderr
    assert not out.exists()  # made by this run and left empty: removed


def test_a_full_disk_while_streaming_is_one_line_and_keeps_the_previous_outputs(tmp_path, lines, monkeypatch):
    import errno

    from mtqe.report import csv

    ref, hyp = lines
    out = tmp_path / "out"
    base = ["evaluate", "--aligned", str(ref), str(hyp), "-o", str(out), "--bootstrap", "100", "-q"]
    assert run_in_process(base, tmp_path).returncode == 0
    before = _outputs(out)
    write_rows = csv.write_rows
    chunks = []

    def fills_up(handle, rows, header):  # the disk is full at the second chunk
        chunks.append(len(rows))
        if len(chunks) == 2:
            handle.write("half a row,")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write_rows(handle, rows, header=header)

    monkeypatch.setattr(csv, "write_rows", fills_up)
    monkeypatch.setattr("mtqe.stream.CHUNK_LINES", 1000)
    done = run_in_process([*base, "--engine", "stream"], tmp_path)
    assert len(chunks) == 2, "the run must be streamed in more than one chunk for this test"
    assert (done.returncode, done.stderr) == (
        3,
        f"mtqe: error: {out / 'segments.csv'}: cannot write: No space left on device\n",
    )
    assert _outputs(out) == before
