"""How to decode a file: one decision, made from the whole file, for every way of reading it.

A requested encoding wins; then a byte-order mark (UTF-8, UTF-16, UTF-32);
then UTF-8 if every byte of the file is valid UTF-8; otherwise the encoding is
detected: Latin-1/cp1252-looking text is cp1252 (statistical detectors read
short Western texts as CJK multi-byte encodings), anything else goes to
charset-normalizer. The file is scanned block by block, so the decision is the
same whether the file is then read at once or streamed.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from mtqe.errors import InputError
from mtqe.model import Finding

BLOCK_BYTES = 1 << 22
DETECT_BYTES = 1 << 22  # charset-normalizer sees at most this much from the start and from the first bad byte

BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN_SYMBOLS = set("“”‘’‚„–—…•€£¥©®°±·×÷§¶«»¡¿\u00a0")
_NON_ASCII = re.compile("[^\x00-\x7f]")

Opener = Callable[[], BinaryIO]


@dataclass(frozen=True)
class Decoding:
    codec: str
    how: str  # "requested", "bom", "utf-8" or "detected": what an error message should say
    findings: tuple[Finding, ...] = ()

    def error(self, path: str, reason: str, line: int) -> InputError:
        """The error for bytes this decoding cannot decode."""
        if self.how == "bom":
            return InputError(path, f"starts with a {self.codec} byte-order mark but is not valid {self.codec}", line)
        return InputError(path, f"not valid {self.codec}: {reason}", line)


def decide_encoding(open_binary: Opener, path: str, requested: str | None = None) -> Decoding:
    """How to decode the file ``open_binary`` opens; raise InputError if nothing fits."""
    if requested is not None:
        try:
            info = codecs.lookup(requested)
        except LookupError:
            raise InputError(path, f"unknown encoding {requested!r}") from None
        if not getattr(info, "_is_text_encoding", True):  # hex, base64, rot13...: bytes to bytes, not text
            raise InputError(path, f"{requested!r} is not a text encoding")
        return Decoding(requested, "requested")
    with open_binary() as handle:
        head = handle.read(4)
    for bom, codec in BOMS:
        if head.startswith(bom):
            label = "utf-8" if codec == "utf-8-sig" else codec
            return Decoding(codec, "bom", (Finding("bom", f"{label} byte-order mark at the start (removed)"),))
    with open_binary() as handle:
        first_bad = _first_invalid_utf8(handle, path)
    if first_bad is None:
        return Decoding("utf-8", "utf-8")
    offset, line = first_bad
    with open_binary() as handle:
        detected = _detect(handle, offset)
    if detected is None:
        raise InputError(path, "not valid UTF-8 and no other encoding fits (try --encoding)", line)
    message = f"not valid UTF-8 (first bad byte on line {line}); decoded as {detected} (detected)"
    return Decoding(detected, "detected", (Finding("encoding", message),))


def _first_invalid_utf8(handle: BinaryIO, path: str) -> tuple[int, int] | None:
    """(offset, line) of the first byte that is not UTF-8, or None; a NUL byte anywhere is a binary file."""
    carry, base, newlines = b"", 0, 0
    first_bad: tuple[int, int] | None = None
    while True:
        block = handle.read(BLOCK_BYTES)
        data = carry + block
        nul = data.find(b"\x00")
        if nul >= 0:
            line = newlines + data.count(b"\n", 0, nul) + 1
            raise InputError(path, "looks like a binary file (contains NUL bytes)", line)
        consumed = len(data)
        if first_bad is None:
            try:
                _, consumed = codecs.utf_8_decode(data, "strict", not block)
            except UnicodeDecodeError as error:
                first_bad = (base + error.start, newlines + data.count(b"\n", 0, error.start) + 1)
        newlines += data.count(b"\n", 0, consumed)
        carry, base = data[consumed:], base + consumed
        if not block:
            return first_bad


def _detect(handle: BinaryIO, first_bad: int) -> str | None:
    if _looks_western(handle):
        return "cp1252"
    sample = _sample(handle, first_bad)
    import charset_normalizer

    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    # Short Western texts fit several code pages equally well; cp1252 is by far
    # the most likely of those that decode the bytes to exactly the same text.
    try:
        western = sample.decode("cp1252")
    except UnicodeDecodeError:
        return best.encoding
    if any(match.chaos <= best.chaos and str(match) == western for match in matches):
        return "cp1252"
    return best.encoding


def _looks_western(handle: BinaryIO) -> bool:
    """Mostly ASCII whose other bytes read in cp1252 as letters and common punctuation: Latin-1/cp1252 text."""
    handle.seek(0)
    characters = other = 0
    for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
        try:
            text = block.decode("cp1252")  # one byte, one character: blocks decode independently
        except UnicodeDecodeError:
            return False
        found = _NON_ASCII.findall(text)
        if not all(char.isalpha() or char in _WESTERN_SYMBOLS for char in found):
            return False
        characters += len(text)
        other += len(found)
    return 0 < other <= 0.3 * characters


def _sample(handle: BinaryIO, first_bad: int) -> bytes:
    """The start of the file and the lines from the first bad byte on, cut at line ends."""
    handle.seek(0)
    head = handle.read(2 * DETECT_BYTES + 1)
    if len(head) <= 2 * DETECT_BYTES:
        return head  # the whole file
    start = head[:DETECT_BYTES]
    start = start[: start.rfind(b"\n") + 1] or start
    region = max(first_bad - 4096, len(start))  # from the line of the first bad byte, if it starts nearby
    handle.seek(region)
    bad = handle.read(DETECT_BYTES)
    line_start = bad.rfind(b"\n", 0, max(first_bad - region, 0))
    bad = bad[line_start + 1 :]
    return start + (bad[: bad.rfind(b"\n") + 1] or bad)
