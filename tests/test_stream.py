"""Streamed evaluation of line-aligned files equals the in-memory pipeline, in bounded memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqe.cli import main
from mtqe.errors import InputError
from mtqe.io import LineStream, read_text
from mtqe.segment import lines_as_sentences
from tests.conftest import DATA


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def streamed_lines(path: Path, block_bytes: int = 7, lines_per_chunk: int = 3) -> tuple[list[str], LineStream]:
    stream = LineStream(path)
    lines = [line for chunk in stream.chunks(lines_per_chunk, block_bytes) for line in chunk]
    return lines, stream


@pytest.mark.parametrize(
    "data",
    [
        b"one\ntwo\r\nthree\rfour",
        b"ends with a newline\n\nand an empty line\n\n",
        "\ufeffbyte-order mark\r\nthen CRLF\r\n".encode(),
        "Zürich — “quoted” 数字 😀\nsecond\n".encode(),  # multi-byte characters cut by small blocks
        "Mélanie Joly said “no” — naïve café.\nGrüße.\n".encode("cp1252"),
        "MÃ©lanie Joly\nplain\n".encode(),
    ],
)
def test_line_stream_reads_what_read_text_reads(tmp_path, data):
    path = write(tmp_path / "doc.txt", data)
    lines, stream = streamed_lines(path)
    source = read_text(path)
    assert [line.strip() for line in lines] == lines_as_sentences(source).texts
    assert stream.sha256 == source.sha256 and stream.encoding == source.encoding
    assert [(f.kind, f.line) for f in stream.findings] == [(f.kind, f.line) for f in source.findings]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "file is empty"),
        (b" \n\t\n", "no text"),
        (b"text\x00more\n", "binary"),
        (bytes(range(128, 256)) * 3, "not valid UTF-8"),
    ],
)
def test_line_stream_refuses_what_read_text_refuses(tmp_path, data, problem):
    path = write(tmp_path / "doc.txt", data)
    with pytest.raises(InputError, match=problem):
        streamed_lines(path, block_bytes=1 << 16)


def test_streamed_run_equals_the_in_memory_run(tmp_path):
    ref, hyp = DATA / "ted" / "reference.en", DATA / "ted" / "system.en"
    crlf = write(tmp_path / "system.en", hyp.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    for name, extra in (("memory", []), ("stream", ["--stream"])):
        assert main(["evaluate", str(ref), str(crlf), "--aligned", "-q", "-o", str(tmp_path / name), *extra]) == 0
    memory, stream = tmp_path / "memory", tmp_path / "stream"
    assert (memory / "segments.csv").read_bytes() == (stream / "segments.csv").read_bytes()
    in_memory = json.loads((memory / "results.json").read_text(encoding="utf-8"))
    streamed = json.loads((stream / "results.json").read_text(encoding="utf-8"))
    assert in_memory["systems"][0]["analysis"].pop("ngrams") and streamed["systems"][0]["analysis"].pop("ngrams") == {}
    assert streamed == in_memory
    page = (stream / "report.html").read_text(encoding="utf-8")
    assert "This run was streamed" in page and "2000 of its 2445 links" in page
    assert sorted(p.name for p in stream.iterdir()) == ["report.html", "results.json", "segments.csv"]


def test_streamed_files_of_different_lengths_exit_3_and_leave_nothing(tmp_path):
    ref = write(tmp_path / "ref.txt", b"".join(b"line %d\n" % k for k in range(50)))
    hyp = write(tmp_path / "hyp.txt", b"".join(b"line %d\n" % k for k in range(49)))
    out = tmp_path / "out"
    assert main(["evaluate", str(ref), str(hyp), "--aligned", "--stream", "-q", "-o", str(out)]) == 3
    assert not out.exists() or list(out.iterdir()) == []


def test_tables_grow_when_the_line_estimate_is_short(tmp_path):
    """CR-only line endings hide the line count from the quick estimate."""
    lines = [f"Sentence {k} has a few words in it." for k in range(30)]
    ref = write(tmp_path / "ref.txt", "\r".join(lines).encode())
    hyp = write(tmp_path / "hyp.txt", "\r".join(line.replace("few", "couple of") for line in lines).encode())
    assert LineStream(ref).estimated_lines() == 1
    for name, extra in (("memory", []), ("stream", ["--stream"])):
        assert main(["evaluate", str(ref), str(hyp), "--aligned", "-q", "-o", str(tmp_path / name), *extra]) == 0
    assert (tmp_path / "memory" / "segments.csv").read_bytes() == (tmp_path / "stream" / "segments.csv").read_bytes()
