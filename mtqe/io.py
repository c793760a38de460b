"""The one file reader: bytes -> checked lines, at once or chunk by chunk, with the same result.

Reading never drops a line: the encoding is decided from the whole file
(:mod:`mtqe.encoding`), line endings become "\\n", and every line passes
through one :class:`~mtqe.textcheck.LineChecker`; anything unusual becomes a
:class:`~mtqe.model.Finding`. :func:`read_text` is :class:`TextReader` read to
the end, so an in-memory run and a streamed run see the same text, the same
findings and the same errors naming the same line.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from mtqe.encoding import BLOCK_BYTES, decide_encoding
from mtqe.errors import InputError
from mtqe.model import Finding, SourceText
from mtqe.textcheck import LineChecker

MEMORY_BYTES = 8 << 20  # files up to this size are read from disk once and kept in memory while decoded


class TextReader:
    """One text file (or bytes already in memory) read as chunks of checked lines.

    Iterating :meth:`chunks` yields lists of lines without their line ending (a
    final line ending does not start another line). ``sha256``, ``encoding``,
    ``findings``, ``lines`` and ``final_newline`` are complete once iteration
    has finished.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        encoding: str | None = None,
        fix_text: bool = False,
        normalize: bool = False,
        data: bytes | None = None,
        check_lines: bool = True,
    ) -> None:
        self.path = str(path)
        self.encoding = encoding or "utf-8"
        self.findings: list[Finding] = []
        self.lines = 0
        self.sha256 = ""
        self.final_newline = False
        self._requested = encoding
        self._fix_text = fix_text
        self._normalize = normalize
        self._data = data
        self._check_lines = check_lines  # False: decoded only (files mtqe wrote), no mojibake or character checks
        if data is None:
            _check_file(self.path)

    def _open(self) -> BinaryIO:
        if self._data is not None:
            return io.BytesIO(self._data)
        try:
            return open(self.path, "rb")
        except FileNotFoundError:
            raise InputError(self.path, "no such file") from None
        except PermissionError:
            raise InputError(self.path, "permission denied") from None
        except OSError as error:
            raise InputError(self.path, f"cannot read: {error.strerror or error}") from None

    def estimated_lines(self) -> int:
        """Line endings in the file (a quick byte count), to size tables before reading."""
        count = 0
        try:
            with self._open() as handle:
                for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
                    count += block.count(b"\n")
        except (OSError, InputError):
            return 0
        return count + 1

    def chunks(self, lines_per_chunk: int = 10_000, block_bytes: int = BLOCK_BYTES) -> Iterator[list[str]]:
        try:
            yield from self._chunks(lines_per_chunk, block_bytes)
        except OSError as error:
            raise InputError(self.path, f"cannot read: {error.strerror or error}") from None

    def _chunks(self, lines_per_chunk: int, block_bytes: int) -> Iterator[list[str]]:
        if self._data is None and os.stat(self.path).st_size <= MEMORY_BYTES:
            with self._open() as handle:
                self._data = handle.read()  # decided and decoded from memory: the disk is read once
        decoding = decide_encoding(self._open, self.path, self._requested)
        self.encoding = decoding.codec
        checker = LineChecker(self.path, fix_text=self._fix_text, normalize=self._normalize)
        decoder = codecs.getincrementaldecoder(decoding.codec)(errors="strict")
        digest = hashlib.sha256()
        counts = {"crlf": 0, "cr": 0}
        pending: list[str] = []
        carry = ""
        newlines = 0  # b"\n" bytes before the current block, to name the line of a decoding error
        any_bytes = any_text = False
        with self._open() as handle:
            while True:
                block = handle.read(block_bytes)
                digest.update(block)
                any_bytes = any_bytes or bool(block)
                if not any_bytes:
                    raise InputError(self.path, "file is empty")
                try:
                    buffered = len(decoder.getstate()[0])
                    text = carry + decoder.decode(block, final=not block)
                except UnicodeDecodeError as error:
                    line = newlines + block.count(b"\n", 0, max(error.start - buffered, 0)) + 1
                    raise decoding.error(self.path, error.reason, line) from None
                except UnicodeError as error:  # e.g. UTF-16 asked for, but the file has no byte-order mark
                    raise decoding.error(self.path, str(error), newlines + 1) from None
                newlines += block.count(b"\n")
                if block and text.endswith("\r"):
                    text, carry = text[:-1], "\r"  # may be the first half of a CRLF
                else:
                    carry = ""
                crlf = text.count("\r\n")
                counts["crlf"] += crlf
                counts["cr"] += text.count("\r") - crlf
                if "\r" in text:
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                parts = text.split("\n")
                if pending and parts:
                    pending[-1] += parts[0]  # the previous block ended inside this line
                    parts = parts[1:]
                pending.extend(parts)
                complete, pending = pending[:-1], pending[-1:]
                any_text = any_text or any(line.strip() for line in complete)
                for start in range(0, len(complete), lines_per_chunk):
                    yield self._checked(checker, complete[start : start + lines_per_chunk])
                if not block:
                    break
        last = pending[0] if pending else ""
        self.final_newline = not last
        if last:
            any_text = any_text or bool(last.strip())
            yield self._checked(checker, [last])
        if not any_text:
            raise InputError(self.path, "file has no text (only white space)")
        self.sha256 = digest.hexdigest()
        endings = [
            Finding("line-endings", f"{counts[kind]} {label} line ending(s) read as LF")
            for kind, label in (("crlf", "CRLF"), ("cr", "CR-only"))
            if counts[kind]
        ]
        self.findings = [*decoding.findings, *endings, *checker.findings()]

    def read(self) -> SourceText:
        """The whole file, read to the end as :meth:`chunks` reads it."""
        lines = [line for chunk in self.chunks() for line in chunk]
        text = "\n".join(lines) + ("\n" if self.final_newline else "")
        return SourceText(
            path=self.path, text=text, sha256=self.sha256, encoding=self.encoding, findings=tuple(self.findings)
        )

    def _checked(self, checker: LineChecker, lines: list[str]) -> list[str]:
        if self._check_lines:
            lines = checker.lines(lines, self.lines + 1)
        self.lines += len(lines)
        return lines


def read_text(
    path: str | Path,
    *,
    encoding: str | None = None,
    fix_text: bool = False,
    normalize: bool = False,
    data: bytes | None = None,
) -> SourceText:
    """Read and decode one whole file (or ``data`` named ``path``); raise :class:`InputError` naming it."""
    return TextReader(path, encoding=encoding, fix_text=fix_text, normalize=normalize, data=data).read()


def read_data(path: str | Path) -> SourceText:
    """Read a file that mtqe wrote (results, baseline, history) as :func:`read_text` does, with the same
    file and decoding errors, but without the text checks (mojibake, invisible characters), which say
    nothing about JSON and would import ftfy into every `mtqe gate`."""
    return TextReader(path, check_lines=False).read()


def _check_file(path: str) -> None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "is not a regular file")
