"""The one per-line check of decoded text, shared by every way of reading a file.

Each line is checked for what a reader cannot see or should know: NUL
characters (a binary file), mojibake (``MÃ©lanie``; ftfy, repaired with
``fix_text``), a byte-order mark inside the text, control and invisible
characters, line separators that are not newlines, and text not in Unicode NFC
(normalized with ``normalize``). Whether a file is read at once or streamed in
chunks, its lines pass through one :class:`LineChecker` in order, so the
findings are the same.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from mtqe.errors import InputError
from mtqe.model import Finding

MAX_MOJIBAKE_FINDINGS = 100  # lines with mojibake named one by one; the rest are counted in one finding

# Characters worth a note: controls other than tab, invisible format characters (zero-width space,
# joiners, bidi controls, soft hyphen...), and line separators that are not newlines.
_INVISIBLE = re.compile(
    "[\x01-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]"
)
_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_KINDS = ("bom", "invisible", "separator", "nfd")


class LineChecker:
    """Checks lines in file order; ``findings()`` says what it saw, ``lines()`` returns them repaired as asked."""

    def __init__(self, path: str, *, fix_text: bool = False, normalize: bool = False) -> None:
        self.path = path
        self.fix_text = fix_text
        self.normalize = normalize
        self._mojibake: list[Finding] = []
        self._mojibake_count = 0
        self._counts = dict.fromkeys(_KINDS, 0)
        self._first: dict[str, tuple[int, str]] = {}

    def lines(self, lines: list[str], first_number: int) -> list[str]:
        """Check ``lines`` (numbered from ``first_number``); raise InputError on a NUL character."""
        for offset, line in enumerate(lines):
            number = first_number + offset
            if "\x00" in line:
                raise InputError(self.path, "looks like a binary file (contains NUL bytes)", number)
            if line.isascii():  # ftfy leaves ASCII alone, and ASCII is always NFC
                self._characters(line, number)
                continue
            import ftfy  # only for text that is not ASCII: 0.05 s of start-up

            repaired = ftfy.fix_encoding(line)
            if repaired != line:
                self._note_mojibake(line, repaired, number)
                if self.fix_text:
                    line = lines[offset] = repaired
            self._characters(line, number)
            if not unicodedata.is_normalized("NFC", line):
                self._note("nfd", number, "")
                if self.normalize:
                    lines[offset] = unicodedata.normalize("NFC", line)
        return lines

    def _characters(self, line: str, number: int) -> None:
        if "\ufeff" in line:
            self._note("bom", number, "U+FEFF")
        for kind, pattern in (("invisible", _INVISIBLE), ("separator", _SEPARATORS)):
            found = pattern.search(line)
            if found:
                self._note(kind, number, f"U+{ord(found.group()):04X}")

    def _note(self, kind: str, number: int, example: str) -> None:
        self._counts[kind] += 1
        self._first.setdefault(kind, (number, example))

    def _note_mojibake(self, line: str, repaired: str, number: int) -> None:
        self._mojibake_count += 1
        if self._mojibake_count > MAX_MOJIBAKE_FINDINGS:
            return
        bad, good = _first_difference(line, repaired)
        if self.fix_text:
            self._mojibake.append(Finding("fixed-text", f"repaired mojibake {bad!r} -> {good!r}", number))
        else:
            message = f"possible mojibake {bad!r} (probably {good!r}; --fix-text repairs it)"
            self._mojibake.append(Finding("mojibake", message, number))

    def findings(self) -> list[Finding]:
        """Mojibake line by line (up to a limit), then one finding per kind of character."""
        found = list(self._mojibake)
        if self._mojibake_count > MAX_MOJIBAKE_FINDINGS:
            more = self._mojibake_count - MAX_MOJIBAKE_FINDINGS
            kind = "fixed-text" if self.fix_text else "mojibake"
            adjective = "repaired" if self.fix_text else "possible"
            found.append(Finding(kind, f"{more} more line(s) with {adjective} mojibake"))
        messages = {
            "bom": "{n} line(s) with a byte-order mark character inside the text (U+FEFF), kept as it is",
            "invisible": "{n} line(s) with control or invisible characters (the first: {example}), kept as they are",
            "separator": "{n} line(s) with a line separator that is not a newline (the first: {example}), "
            "kept inside its line",
            "nfd": "{n} line(s) not in Unicode NFC (decomposed accents score differently); "
            + ("normalized to NFC" if self.normalize else "--normalize nfc normalizes them"),
        }
        for kind in _KINDS:
            if self._counts[kind]:
                number, example = self._first[kind]
                message = messages[kind].format(n=self._counts[kind], example=example)
                found.append(Finding("characters", message, number))
        return found


def _first_difference(before: str, after: str) -> tuple[str, str]:
    """The first differing words of two versions of a line, for messages."""
    old, new = before.split(), after.split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            return " ".join(old[i1:i2]), " ".join(new[j1:j2])
    return before, after
