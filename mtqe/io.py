"""Reading text files robustly and writing result files atomically.

Reading never drops a line: bytes are decoded (UTF-8, with or without BOM, or a
detected legacy encoding), line endings are normalised to "\\n", and anything
unusual becomes a :class:`~mtqe.model.Finding` the reports show.
"""

from __future__ import annotations

import codecs
import difflib
import fcntl
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import charset_normalizer
import ftfy

from mtqe.errors import InputError, OutputError
from mtqe.model import Finding, SourceText

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(
    path: str | Path, *, encoding: str | None = None, fix_text: bool = False, normalize: bool = False
) -> SourceText:
    """Read and decode one file; raise :class:`InputError` naming it if it cannot be used."""
    name = str(path)
    data = _read_bytes(name)
    text, used, findings = decode_bytes(data, name, encoding=encoding)
    text, newline_findings = normalize_newlines(text)
    findings += newline_findings
    if not text.strip():
        raise InputError(name, "file has no text (only white space)")
    text, mojibake_findings = check_mojibake(text, fix=fix_text)
    findings += mojibake_findings
    characters = CharacterCheck(normalize)
    text = "\n".join(characters.lines(text.split("\n"), 1))
    findings += characters.findings()
    return SourceText(
        path=name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=used,
        findings=tuple(findings),
    )


def _read_bytes(path: str) -> bytes:
    _check_file(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if not data:
        raise InputError(path, "file is empty")
    return data


def decode_bytes(data: bytes, path: str, *, encoding: str | None = None) -> tuple[str, str, list[Finding]]:
    """Decode ``data``; return (text, encoding used, findings)."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding, []
        except LookupError:
            raise InputError(path, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as error:
            raise InputError(path, f"not valid {encoding}: {error.reason}", _line_of(data, error.start)) from None

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise InputError(path, f"starts with a {codec} byte-order mark but is not valid {codec}") from error
            label = "utf-8" if codec == "utf-8-sig" else codec
            return text, codec, [Finding("bom", f"{label} byte-order mark at the start (removed)")]

    if b"\x00" in data:
        raise InputError(path, "looks like a binary file (contains NUL bytes)", _line_of(data, data.index(b"\x00")))

    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        first_bad = error.start
    detected = _detect_encoding(data)
    if detected is None:
        raise InputError(
            path,
            "not valid UTF-8 and no other encoding fits (try --encoding)",
            _line_of(data, first_bad),
        )
    finding = Finding(
        "encoding",
        f"not valid UTF-8 (first bad byte on line {_line_of(data, first_bad)}); decoded as {detected} (detected)",
    )
    return data.decode(detected), detected, [finding]


_WESTERN_SYMBOLS = set("“”‘’‚„–—…•€£¥©®°±·×÷§¶«»¡¿\u00a0")


def _looks_western(data: bytes) -> bool:
    """Mostly ASCII whose other bytes read in cp1252 as letters and common punctuation: Latin-1/cp1252 text.

    Short texts like this fool statistical detectors into CJK multi-byte encodings.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    other = [char for char in text if ord(char) > 127]
    if not other or len(other) > 0.3 * len(text):
        return False
    return all(char.isalpha() or char in _WESTERN_SYMBOLS for char in other)


def _detect_encoding(data: bytes) -> str | None:
    if _looks_western(data):
        return "cp1252"
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    # Short Western texts fit several code pages equally well; cp1252 is by far
    # the most likely of those that decode the bytes to exactly the same text.
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return best.encoding
    if any(match.chaos <= best.chaos and str(match) == western for match in matches):
        return "cp1252"
    return best.encoding


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def normalize_newlines(text: str) -> tuple[str, list[Finding]]:
    """Turn CRLF and lone CR into LF, saying so."""
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    findings = []
    if crlf:
        findings.append(Finding("line-endings", f"{crlf} CRLF line ending(s) read as LF"))
    if lone_cr:
        findings.append(Finding("line-endings", f"{lone_cr} CR-only line ending(s) read as LF"))
    if crlf or lone_cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, findings


def check_mojibake(text: str, *, fix: bool) -> tuple[str, list[Finding]]:
    """Report lines that look like mis-decoded text (``MÃ©lanie``); repair them if ``fix``."""
    findings = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        repaired = ftfy.fix_encoding(line)
        if repaired != line:
            findings.append(_mojibake_finding(line, repaired, number, fix))
            if fix:
                lines[number - 1] = repaired
    return "\n".join(lines), findings


# Characters worth a note: controls other than tab, invisible format characters (zero-width space,
# joiners, bidi controls, soft hyphen...), and line separators that are not newlines.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]"
)
_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class CharacterCheck:
    """Notes on characters a reader cannot see and on text that is not in Unicode NFC; can normalize to NFC."""

    def __init__(self, normalize: bool = False) -> None:
        self.normalize = normalize
        self._counts = {"bom": 0, "invisible": 0, "separator": 0, "nfd": 0}
        self._first: dict[str, tuple[int, str]] = {}

    def lines(self, lines: list[str], first_number: int) -> list[str]:
        for offset, line in enumerate(lines):
            number = first_number + offset
            if "\ufeff" in line:
                self._note("bom", number, "U+FEFF")
            for kind, pattern in (("invisible", _INVISIBLE), ("separator", _SEPARATORS)):
                found = pattern.search(line)
                if found:
                    self._note(kind, number, f"U+{ord(found.group()):04X}")
            if not unicodedata.is_normalized("NFC", line):
                self._note("nfd", number, "")
                if self.normalize:
                    lines[offset] = unicodedata.normalize("NFC", line)
        return lines

    def _note(self, kind: str, number: int, example: str) -> None:
        self._counts[kind] += 1
        self._first.setdefault(kind, (number, example))

    def findings(self) -> list[Finding]:
        messages = {
            "bom": "{n} line(s) with a byte-order mark character inside the text (U+FEFF), kept as it is",
            "invisible": "{n} line(s) with control or invisible characters (the first: {example}), kept as they are",
            "separator": "{n} line(s) with a line separator that is not a newline (the first: {example}), "
            "kept inside its line",
            "nfd": "{n} line(s) not in Unicode NFC (decomposed accents score differently); "
            + ("normalized to NFC" if self.normalize else "--normalize nfc normalizes them"),
        }
        return [
            Finding(
                "characters",
                messages[kind].format(n=self._counts[kind], example=self._first[kind][1]),
                self._first[kind][0],
            )
            for kind in ("bom", "invisible", "separator", "nfd")
            if self._counts[kind]
        ]


def _mojibake_finding(line: str, repaired: str, number: int, fixed: bool) -> Finding:
    bad, good = _first_difference(line, repaired)
    if fixed:
        return Finding("fixed-text", f"repaired mojibake {bad!r} -> {good!r}", number)
    return Finding("mojibake", f"possible mojibake {bad!r} (probably {good!r}; --fix-text repairs it)", number)


def _first_difference(before: str, after: str) -> tuple[str, str]:
    """The first differing words of two versions of a line, for messages."""
    old, new = before.split(), after.split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            return " ".join(old[i1:i2]), " ".join(new[j1:j2])
    return before, after


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 so that ``path`` is either untouched or complete."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
            "w", encoding="utf-8", newline="\n", dir=target.parent, prefix=f".{target.name}.", delete=False
        )
    except OSError as error:
        raise OutputError(str(target), f"cannot write: {error.strerror or error}") from None
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_current_umask())  # mkstemp makes files private
        os.replace(handle.name, target)
    except BaseException as error:
        Path(handle.name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(str(target), f"cannot write: {error.strerror or error}") from None
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def append_line_locked(path: str | Path, line: str, check: Callable[[str], object]) -> None:
    """Append ``line`` to a shared file under an exclusive lock, after ``check`` accepted what is there.

    Concurrent runs queue on the lock, so no line is lost or interleaved;
    ``check`` raising leaves the file untouched.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "a+", encoding="utf-8", newline="\n") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                handle.seek(0)
                existing = handle.read()
                check(existing)
                handle.seek(0, os.SEEK_END)
                handle.write(("\n" if existing and not existing.endswith("\n") else "") + line)
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except UnicodeDecodeError:
        raise InputError(str(target), "is not a UTF-8 text file") from None
    except OSError as error:
        raise OutputError(str(target), f"cannot append: {error.strerror or error}") from None


_SUSPICIOUS = re.compile(
    "[\u00c2\u00c3\u00e2\u00c5\u00ce\u00cf\u00d0\u00d1\u00e3\u00e6\u00ef]"
)  # lead bytes of mis-decoded UTF-8
MAX_STREAM_FINDINGS = 100


class LineStream:
    """A large text file read block by block as chunks of lines, with the same rules as :func:`read_text`.

    Iterating yields lists of lines (without their line ending; a final line
    ending does not start another line). ``sha256``, ``encoding`` and
    ``findings`` are complete once iteration has finished.
    """

    def __init__(
        self, path: str | Path, *, encoding: str | None = None, fix_text: bool = False, normalize: bool = False
    ) -> None:
        self.path = str(path)
        self._characters = CharacterCheck(normalize)
        self.encoding = encoding or "utf-8"
        self.findings: list[Finding] = []  # complete after iteration, in read_text's order
        self._decoding: list[Finding] = []
        self._text: list[Finding] = []
        self.lines = 0
        self.sha256 = ""
        self._requested = encoding
        self._fix = fix_text
        self._mojibake = 0
        _check_file(self.path)

    def estimated_lines(self) -> int:
        """Line endings in the file (a quick byte count), to size tables before reading."""
        count = 0
        try:
            with open(self.path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 22), b""):
                    count += block.count(b"\n")
        except OSError:
            return 0
        return count + 1

    def chunks(self, lines_per_chunk: int = 10_000, block_bytes: int = 1 << 22) -> Iterator[list[str]]:
        digest = hashlib.sha256()
        counts = {"crlf": 0, "cr": 0}
        pending: list[str] = []
        carry = ""
        decoder = None
        any_text = False
        try:
            with open(self.path, "rb") as handle:
                first = True
                while True:
                    block = handle.read(block_bytes)
                    digest.update(block)
                    if first:
                        if not block:
                            raise InputError(self.path, "file is empty")
                        decoder, block = self._start(block)
                        first = False
                    elif (
                        b"\x00" in block
                        and not self.encoding.startswith("utf-16")
                        and not self.encoding.startswith("utf-32")
                    ):
                        raise InputError(self.path, "looks like a binary file (contains NUL bytes)", self.lines + 1)
                    try:
                        text = carry + decoder.decode(block, final=not block)
                    except UnicodeDecodeError as error:
                        raise InputError(
                            self.path, f"not valid {self.encoding}: {error.reason}", self.lines + 1
                        ) from None
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
                        yield self._checked(complete[start : start + lines_per_chunk])
                    if not block:
                        break
        except OSError as error:
            raise InputError(self.path, f"cannot read: {error.strerror or error}") from None
        last = pending[0] if pending else ""
        if last:  # no line ending after the last line
            any_text = any_text or bool(last.strip())
            yield self._checked([last])
        if not any_text:
            raise InputError(self.path, "file has no text (only white space)")
        self.sha256 = digest.hexdigest()
        endings = []
        if counts["crlf"]:
            endings.append(Finding("line-endings", f"{counts['crlf']} CRLF line ending(s) read as LF"))
        if counts["cr"]:
            endings.append(Finding("line-endings", f"{counts['cr']} CR-only line ending(s) read as LF"))
        if self._mojibake > MAX_STREAM_FINDINGS:
            more = self._mojibake - MAX_STREAM_FINDINGS
            self._text.append(Finding("mojibake", f"{more} more lines with possible mojibake"))
        self.findings = self._decoding + endings + self._text + self._characters.findings()

    def _start(self, block: bytes) -> tuple[codecs.IncrementalDecoder, bytes]:
        if self._requested is None:
            for bom, codec in _BOMS:
                if block.startswith(bom):
                    self.encoding = codec
                    label = "utf-8" if codec == "utf-8-sig" else codec
                    self._decoding.append(Finding("bom", f"{label} byte-order mark at the start (removed)"))
                    break
            else:
                if b"\x00" in block:
                    raise InputError(
                        self.path,
                        "looks like a binary file (contains NUL bytes)",
                        _line_of(block, block.index(b"\x00")),
                    )
                try:
                    block.decode("utf-8")
                except UnicodeDecodeError as error:
                    if error.end < len(block) - 3:  # not just a character cut by the block's end
                        detected = _detect_encoding(block)
                        if detected is None:
                            raise InputError(
                                self.path,
                                "not valid UTF-8 and no other encoding fits (try --encoding)",
                                _line_of(block, error.start),
                            ) from None
                        self.encoding = detected
                        self._decoding.append(Finding("encoding", f"not valid UTF-8; decoded as {detected} (detected)"))
        try:
            return codecs.getincrementaldecoder(self.encoding)(errors="strict"), block
        except LookupError:
            raise InputError(self.path, f"unknown encoding {self.encoding!r}") from None

    def _checked(self, lines: list[str]) -> list[str]:
        for offset, line in enumerate(lines):
            if _SUSPICIOUS.search(line):
                repaired = ftfy.fix_encoding(line)
                if repaired != line:
                    self._mojibake += 1
                    if self._mojibake <= MAX_STREAM_FINDINGS:
                        self._text.append(_mojibake_finding(line, repaired, self.lines + offset + 1, self._fix))
                    if self._fix:
                        lines[offset] = repaired
        lines = self._characters.lines(lines, self.lines + 1)
        self.lines += len(lines)
        return lines


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
