from __future__ import annotations

import os
from pathlib import Path

import pytest

from mtqe.errors import InputError, OutputError
from mtqe.io import read_text
from mtqe.writing import atomic_write_text
from tests.conftest import SEED_REF


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def kinds(source) -> list[str]:
    return [finding.kind for finding in source.findings]


def test_plain_utf8_reads_unchanged_with_no_findings(tmp_path):
    path = write(tmp_path, "Zürich is in Switzerland.\nSo is Genève.\n".encode())
    source = read_text(path)
    assert source.text == "Zürich is in Switzerland.\nSo is Genève.\n"
    assert source.encoding == "utf-8"
    assert source.findings == ()


def test_utf8_bom_is_removed_and_reported(tmp_path):
    source = read_text(write(tmp_path, b"\xef\xbb\xbfHello there.\n"))
    assert source.text == "Hello there.\n"
    assert kinds(source) == ["bom"]


def test_crlf_and_lone_cr_become_lf_and_are_reported(tmp_path):
    source = read_text(write(tmp_path, b"one.\r\ntwo.\r\nthree.\rfour.\n"))
    assert source.text == "one.\ntwo.\nthree.\nfour.\n"
    messages = [f.message for f in source.findings]
    assert any("2 CRLF" in m for m in messages) and any("1 CR-only" in m for m in messages)


def test_cp1252_is_detected_and_reported(tmp_path):
    text = "Mélanie Joly said “no” — naïve café résumé.\n"
    source = read_text(write(tmp_path, text.encode("cp1252")))
    assert source.text == text
    assert source.encoding == "cp1252"
    assert kinds(source) == ["encoding"]
    assert "line 1" in source.findings[0].message


def test_latin1_text_is_read_as_the_same_characters(tmp_path):
    text = "Grüße aus Köln, naïve façade.\n"
    source = read_text(write(tmp_path, text.encode("latin-1")))
    assert source.text == text


def test_utf16_with_bom_is_decoded(tmp_path):
    source = read_text(write(tmp_path, "Ünïcode text.\n".encode("utf-16")))
    assert source.text == "Ünïcode text.\n"
    assert kinds(source) == ["bom"]


def test_explicit_encoding_is_used(tmp_path):
    source = read_text(write(tmp_path, "Łódź.\n".encode("cp1250")), encoding="cp1250")
    assert source.text == "Łódź.\n"


def test_sha256_is_of_the_raw_bytes(tmp_path):
    import hashlib

    data = b"\xef\xbb\xbfsame text\r\n"
    assert read_text(write(tmp_path, data)).sha256 == hashlib.sha256(data).hexdigest()


def test_mojibake_is_reported_on_its_line_but_kept(tmp_path):
    source = read_text(SEED_REF)
    mojibake = [f for f in source.findings if f.kind == "mojibake"]
    assert [f.line for f in mojibake] == [17]
    assert "MÃ©lanie" in mojibake[0].message and "Mélanie" in mojibake[0].message
    assert "MÃ©lanie" in source.text


def test_fix_text_repairs_mojibake_and_says_so(tmp_path):
    source = read_text(SEED_REF, fix_text=True)
    assert "Mélanie" in source.text and "MÃ©lanie" not in source.text
    assert [f.kind for f in source.findings] == ["fixed-text"]
    # only the mojibake changes: curly quotes and everything else stay as written
    assert source.text.replace("Mélanie", "MÃ©lanie") == read_text(SEED_REF).text


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: write(d, b""), "file is empty"),
        (lambda d: write(d, b"  \n\t\n\n"), "no text"),
        (lambda d: write(d, b"PK\x03\x04\x00\x00binary\x00"), "binary"),
        (lambda d: write(d, bytes(range(128, 256)) * 3), "not valid UTF-8"),
    ],
)
def test_unusable_files_raise_input_error_naming_the_file(tmp_path, setup, problem):
    path = setup(tmp_path)
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_undecodable_bytes_name_the_line(tmp_path):
    path = write(tmp_path, b"fine line\nanother\n" + bytes(range(128, 256)) * 3)
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert caught.value.line == 3


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, b"secret\n")
    real_open = open

    def refuse(file, mode="r", *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(InputError, match="permission denied"):
        read_text(path)


def test_unknown_explicit_encoding_is_an_input_error():
    with pytest.raises(InputError, match="unknown encoding"):
        read_text("x.txt", data=b"abc", encoding="no-such-codec")


def test_atomic_write_creates_parents_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "out" / "results.json"
    atomic_write_text(target, "first\n")
    atomic_write_text(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in target.parent.iterdir()] == ["results.json"]
    assert target.stat().st_mode & 0o644 == 0o644


def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    target.write_text("old\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Grüße aus Köln, naive Fassade.\n", "latin-1"),  # short German text that detectors read as Big5
        ("Привет, как дела? Всё хорошо, спасибо большое.\n", "cp1251"),
    ],
)
def test_legacy_encodings_are_told_apart(tmp_path, text, codec):
    source = read_text(write(tmp_path, text.encode(codec)))
    assert source.text == text


@pytest.mark.parametrize(("encoding", "problem"), [("utf-16", "not valid utf-16"), ("hex", "not a text encoding")])
def test_a_requested_encoding_that_cannot_decode_is_an_input_error(encoding, problem):
    with pytest.raises(InputError, match=problem):
        read_text("x.txt", data=b"plain ASCII text\n", encoding=encoding)
