"""Streamed evaluation of line-aligned files equals the in-memory pipeline, in bounded memory."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from mtqe.cli import main
from mtqe.errors import InputError
from mtqe.io import TextReader, read_text
from mtqe.segment import lines_as_sentences
from tests.conftest import DATA


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def streamed_lines(path: Path, block_bytes: int = 7, lines_per_chunk: int = 3) -> tuple[list[str], TextReader]:
    stream = TextReader(path)
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
    assert in_memory["systems"][0]["analysis"]["ngrams"]["2"]["missed"]  # the n-gram analysis too
    assert streamed == in_memory
    assert (memory / "results.json").read_bytes() == (stream / "results.json").read_bytes()
    page = (stream / "report.html").read_text(encoding="utf-8")
    assert "This run was streamed" in page and "2000 of its 2445 links" in page
    assert sorted(p.name for p in stream.iterdir()) == ["report.html", "results.json", "segments.csv", "statistics.npy"]
    assert (memory / "statistics.npy").read_bytes() == (stream / "statistics.npy").read_bytes()


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
    assert TextReader(ref).estimated_lines() == 1
    for name, extra in (("memory", []), ("stream", ["--stream"])):
        assert main(["evaluate", str(ref), str(hyp), "--aligned", "-q", "-o", str(tmp_path / name), *extra]) == 0
    assert (tmp_path / "memory" / "segments.csv").read_bytes() == (tmp_path / "stream" / "segments.csv").read_bytes()


@pytest.fixture(params=["in memory", "from disk"])
def block_source(request, monkeypatch):
    """Files are decoded from memory up to MEMORY_BYTES and block by block from disk above it: test both."""
    if request.param == "from disk":
        monkeypatch.setattr("mtqe.io.MEMORY_BYTES", 0)
    return request.param


def test_a_late_legacy_line_is_read_the_same_at_once_and_streamed(tmp_path, block_source):
    """The encoding is decided from the whole file: a cp1252 line 200,001 lines in, mojibake after it."""
    lines = [f"Line {k} is plain ASCII text." for k in range(200_000)]
    lines += ["Mélanie Joly a dit « non » — naïve café.", "MÃ©lanie Joly again", "the end"]
    path = write(tmp_path / "late.txt", ("\n".join(lines) + "\n").encode("cp1252"))
    streamed, stream = streamed_lines(path, block_bytes=1 << 16, lines_per_chunk=5_000)
    source = read_text(path)
    assert streamed == lines == source.text.split("\n")[:-1]
    assert stream.encoding == source.encoding == "cp1252"
    assert stream.findings == list(source.findings)
    assert [(f.kind, f.line) for f in source.findings] == [("encoding", None), ("mojibake", 200_002)]
    assert "line 200001" in source.findings[0].message
    fixed = TextReader(path, fix_text=True)
    assert [line for chunk in fixed.chunks() for line in chunk][-2] == "Mélanie Joly again"


def test_a_late_invalid_byte_is_the_same_error_at_once_and_streamed(tmp_path, block_source):
    data = codecs.BOM_UTF8 + b"".join(b"line %d\n" % k for k in range(150_000)) + b"bad \xff byte\n"
    path = write(tmp_path / "bad.txt", data)
    with pytest.raises(InputError) as at_once:
        read_text(path)
    with pytest.raises(InputError) as streamed:
        streamed_lines(path, block_bytes=1 << 16)
    assert str(at_once.value) == str(streamed.value)
    assert at_once.value.line == 150_001 and "byte-order mark" in at_once.value.problem
