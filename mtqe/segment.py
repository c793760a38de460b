"""Documents -> metadata lines + paragraphs -> sentences.

Sentences come from ``sentence-splitter`` (Koehn and Schroeder's Moses splitter),
which on the sample documents gets every boundary right, ``region. ”`` and
``U.S.`` included. Paragraphs are found first so that no sentence crosses one.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections import Counter
from dataclasses import dataclass

import sentence_splitter

from mtqe.model import Document, Sentence, SourceText

_MONTH = (
    r"(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|ma[iy]|june?|juni|july?|juli|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|de[cz](?:ember)?|janvier|février|mars|avril|juin"
    r"|juillet|août|septembre|octobre|novembre|décembre)\.?"
)
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{1,4}|\s*[+-]\d{2}:?\d{2})?)?"
_DATE = (
    (  # a date, with its time and zone if any, and nothing else
        r"(?:(?:DAY\s+)?\d{1,2}\.?\s+MONTH\s+\d{4}|(?:DAY\s+)?MONTH\s+\d{1,2},?\s+\d{4}"
        r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)TIME"
    )
    .replace("MONTH", _MONTH)
    .replace("DAY", _DAY)
    .replace("TIME", _TIME)
)
_COPYRIGHT = r"(?:copyright\s*©?|©|\(c\))\s*(?:\d{4}|by\b).*|all\s+rights\s+reserved\.?"  # © 2021 CNN
_METADATA_LINE = re.compile(
    r"""^\s*(?:
        (?:updated|published|posted|source|sources|date|dateline|author|authors|credits?|photo|photograph|image
         |picture|video|caption|filed|last\s+updated|first\s+published|last\s+modified|written\s+by|reporting\s+by
         |edited\s+by|editing\s+by|additional\s+reporting|image\s+(?:copyright|caption|source)|read\s+more|related
         |tags|topics|filed\s+under|aktualisiert|veröffentlicht|quelle|stand|mis\s+à\s+jour|publié)\s*:.*
      | (?:updated|published|posted|last\s+updated|first\s+published|aktualisiert|veröffentlicht|stand|publié)
        \s+(?:on\s+|am\s+|le\s+)?(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{1,4})?,?\s+)?DATE
                                                                       # Updated 10:32 AM ET, Fri December 31, 2021
      | COPYRIGHT
      | DATE                                                           # Fri, 31 Dec 2021 20:38:52 GMT; 2021-12-31
    )\s*$""".replace("DATE", _DATE).replace("COPYRIGHT", _COPYRIGHT),
    re.IGNORECASE | re.VERBOSE,
)
# A byline names someone: "By" (or its German, French, Spanish, Dutch word) and a capitalised name, no sentence.
_BYLINE = re.compile(
    r"^\s*(?!.*[.!?][\"')\]]*\s*$)(?i:by|von|par|por|door)\s+[A-Z\u00C0-\u00DE][\w.'’-]*(?:[\s,]+[\w.'’&-]+){0,8}\s*$"
)
_TRAILER_LINE = re.compile(  # lines that close an article: credits and copyright, set aside at the end only
    r"""^\s*(?:\(?(?i:reporting|writing|editing|additional\s+reporting)\s+by\s+[A-Z][^.!?]*\)?
      | (?i:COPYRIGHT) | (?i:source)\s*:.*)\s*$""".replace("COPYRIGHT", _COPYRIGHT),
    re.VERBOSE,
)
_TOP_LINES = 8  # metadata is looked for among a document's first non-blank lines
_METADATA_MAX_CHARS = 120
_HEADLINE_MAX_WORDS = 12
# A line that ends like this closes a sentence, so a line break after it is no wrap.
_SENTENCE_END = re.compile(r"""[.!?…:;"'”’»)\]]\s*$""")


@dataclass(frozen=True)
class Paragraph:
    text: str
    lines: tuple[int, ...]  # 1-based line number of each joined line
    offsets: tuple[int, ...]  # where each of those lines starts in ``text``


CJK_LANGUAGES = ("ja", "ko", "zh")  # split at their own sentence punctuation, not by the Moses splitter
# A CJK sentence ends at its full stop, question or exclamation mark (and any closing quotes or brackets).
_CJK_SENTENCE = re.compile(r"""[^。！？!?]*(?:[。！？!?]+[」』”’"')）\]》]*|$)""")
# Where the Moses splitter does not break but a capital word starts a new sentence: after a colon or a
# closing bracket ("the sizes are as follows: A2 series ...", "(source of video: YouTube) On December 11
# ..."; a quotation after "said:" stays with its sentence), and in English after "no."
# and "etc.", which its list never breaks after ("They say no. So we asked ...").
_CAPITAL = "A-ZÀ-ÖØ-ÞΑ-ΩА-Я"
_BRACKET_BREAK = re.compile(rf"(?<=[:)\]])\s+(?=[{_CAPITAL}])")
_BREAK_MIN_WORDS = 4
_TAG = re.compile(r"(?:\s*\([^()]{1,30}\))+")
_ENGLISH_BREAK = re.compile(rf"(?:(?<=\bno\.)|(?<=\betc\.))\s+(?=[\"'“‘(\[]*[{_CAPITAL}])")
# A capitalised word (group 1) after a word that ends in a letter or digit and does not start with a capital.
_LOST_STOP = re.compile(rf"(?<!\S)[^\s{_CAPITAL}]\S*[^\W_]\s+([{_CAPITAL}][^\W\d_{_CAPITAL}]+)(?=[,;:]?\s)")
# A sentence end, any closing quotes, then an opening quote the splitter does not know as one: German and
# Polish low quotes are Unicode open punctuation, not initial quotes, so "... sagte er. „Wir ..." stays one
# sentence there. Group 1 ends the sentence; not after a one-letter abbreviation ("z. B. „Nie“ ...").
_LOW_QUOTE_BREAK = re.compile(rf"""((?<!\b\w)[.!?…]["'”’“»«)\]]*)\s+(?=[„‚][{_CAPITAL}\d])""")
_KOREAN_SENTENCE = re.compile(r"""\S.*?(?:[.!?。！？]+["'”’)）\]]*(?=\s|$)|$)""")


def supported_languages() -> tuple[str, ...]:
    folder = os.path.join(os.path.dirname(sentence_splitter.__file__), "non_breaking_prefixes")
    moses = {name.removesuffix(".txt") for name in os.listdir(folder) if name.endswith(".txt")}
    return tuple(sorted(moses | set(CJK_LANGUAGES)))


def _split_text(text: str, language: str) -> list[str]:
    if language == "ko":
        return [m.group() for m in _KOREAN_SENTENCE.finditer(text) if m.group().strip()]
    if language in CJK_LANGUAGES:
        return [m.group() for m in _CJK_SENTENCE.finditer(text) if m.group().strip()]
    sentences = [part for whole in _splitter(language).split(text) for part in _split_at(_LOW_QUOTE_BREAK, whole)]
    if language == "en":
        sentences = [part for sentence in sentences for part in _ENGLISH_BREAK.split(sentence)]
    return [part for sentence in sentences for part in _after_colons_and_brackets(sentence)]


def _split_at(pattern: re.Pattern[str], sentence: str) -> list[str]:
    """``sentence`` cut after group 1 of each match of ``pattern``."""
    parts, start = [], 0
    for match in pattern.finditer(sentence):
        parts.append(sentence[start : match.end(1)])
        start = match.end()
    return [*parts, sentence[start:]]


def _after_colons_and_brackets(sentence: str) -> list[str]:
    """``sentence`` broken after each colon or closing bracket before a capital word, where that ends at
    least four words (so speaker labels, "BL: That's ...", stay one sentence) or a sentence that is only
    bracketed tags ("(Laughter) (Applause)", which transcripts put at the end of the line before as often
    as at the start of the next)."""
    parts, start = [], 0
    for match in _BRACKET_BREAK.finditer(sentence):
        before = sentence[start : match.start()]
        if len(before.split()) >= _BREAK_MIN_WORDS or _TAG.fullmatch(before):
            parts.append(sentence[start : match.start()])
            start = match.end()
    return [*parts, sentence[start:]]


def segment_document(source: SourceText, language: str = "en") -> Document:
    """Split a decoded file into leading metadata lines and sentences."""
    metadata, lines = split_metadata(source.text.split("\n"))
    paragraphs = split_paragraphs(lines)
    texts = [_split_text(paragraph.text, language) for paragraph in paragraphs]
    if language not in CJK_LANGUAGES:
        texts = _break_unpunctuated(texts)
    sentences = [
        sentence
        for index, (paragraph, parts) in enumerate(zip(paragraphs, texts, strict=True))
        for sentence in _located(paragraph, index, parts)
    ]
    return Document(
        path=source.path,
        sha256=source.sha256,
        encoding=source.encoding,
        metadata=tuple(metadata),
        sentences=tuple(sentences),
        findings=source.findings,
    )


def lines_as_sentences(source: SourceText) -> Document:
    """One sentence per line, for line-aligned input (``--aligned``): nothing is split or set aside."""
    lines = source.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start another
    sentences = tuple(
        Sentence(text=line.strip(), line=number, paragraph=number - 1) for number, line in enumerate(lines, 1)
    )
    return Document(source.path, source.sha256, source.encoding, (), sentences, source.findings)


def split_metadata(lines: list[str]) -> tuple[list[str], list[str]]:
    """Bylines, datelines, source and copyright lines set aside: those among the first non-blank lines (one
    title line among them stays text) and credit or copyright lines at the end. Returns them in document
    order, and the lines with each of them blanked (so line numbers stay, and they separate paragraphs)."""
    body = list(lines)
    aside: list[int] = []
    seen, titles = 0, 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if seen >= _TOP_LINES:
            break
        seen += 1
        if _is_metadata(line, _METADATA_LINE) or _is_metadata(line, _BYLINE):
            aside.append(index)
        elif titles == 0 and _is_title(line.strip()):
            titles += 1  # a headline above its byline
        else:
            break  # the text has begun
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].strip():
            continue
        if index in aside or not _is_metadata(lines[index], _TRAILER_LINE):
            break
        aside.append(index)
    for index in aside:
        body[index] = ""
    return [lines[index].strip() for index in sorted(aside)], body


def _is_metadata(line: str, pattern: re.Pattern[str]) -> bool:
    return len(line) <= _METADATA_MAX_CHARS and bool(pattern.match(line))


def _is_title(line: str) -> bool:
    """A line short enough to be a title above a byline (a question or an exclamation may be one)."""
    return len(line.split()) <= _HEADLINE_MAX_WORDS and not line.endswith(".")


def _is_headline(line: str) -> bool:
    """A short line without final punctuation: a title, which stays text, not metadata."""
    return len(line.split()) <= _HEADLINE_MAX_WORDS and not _SENTENCE_END.search(line)


def split_paragraphs(lines: list[str], start: int = 0) -> list[Paragraph]:
    """Paragraphs as the document uses them: one per line, or blank-line separated
    blocks of hard-wrapped lines."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for index in range(start, len(lines)):
        if lines[index].strip():
            current.append(index)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)

    if not _is_hard_wrapped(lines, blocks):
        blocks = [[index] for block in blocks for index in block]
    else:
        blocks = [part for block in blocks for part in _headline_apart(lines, block)]
    return [_join(lines, block) for block in blocks]


def _headline_apart(lines: list[str], block: list[int]) -> list[list[int]]:
    """A short first line without final punctuation, above much longer lines, is a headline: its own unit."""
    if len(block) < 2:
        return [block]
    first, rest = lines[block[0]].strip(), [lines[index].strip() for index in block[1:]]
    headline = _is_headline(first) and len(first) * 2 < max(len(line) for line in rest)
    return [block[:1], block[1:]] if headline else [block]


def _is_hard_wrapped(lines: list[str], blocks: list[list[int]]) -> bool:
    """Blank-line separated blocks whose lines mostly stop mid-sentence."""
    inner = [index for block in blocks for index in block[:-1]]
    if len(blocks) < 2 or not inner:
        return False  # without blank lines, every line is its own paragraph
    open_ended = sum(1 for index in inner if not _SENTENCE_END.search(lines[index]))
    return open_ended * 2 > len(inner)


def _join(lines: list[str], block: list[int]) -> Paragraph:
    parts, offsets, position = [], [], 0
    for index in block:
        part = lines[index].strip()
        offsets.append(position)
        parts.append(part)
        position += len(part) + 1
    return Paragraph(" ".join(parts), tuple(index + 1 for index in block), tuple(offsets))


@functools.lru_cache(maxsize=8)
def _splitter(language: str) -> sentence_splitter.SentenceSplitter:
    return sentence_splitter.SentenceSplitter(language=language)


def _break_unpunctuated(texts: list[list[str]]) -> list[list[str]]:
    """Each paragraph's sentences, also broken where a sentence lost its final punctuation (MT output and
    chat text that drop full stops: "... received it yet Just ordered a takeaway ..."): before a capitalised
    word (perhaps with a comma after it, never the sentence's last) after a lower-case word or a number
    without punctuation (:data:`_LOST_STOP`), when the document writes that word in lower case at least
    twice, and at least twice as often as it capitalises it there. So "The" and "Just" break there; names
    ("of the Party") and German nouns, which the document capitalises, do not."""
    words = Counter(word for parts in texts for sentence in parts for word in sentence.split())
    candidates = [[list(_LOST_STOP.finditer(sentence)) for sentence in parts] for parts in texts]
    capitalised = Counter(match.group(1) for per in candidates for found in per for match in found)

    def breaks(word: str) -> bool:
        seen = words[word.lower()]  # a word in lower case is its own lower case: only those count
        return seen >= 2 and seen >= 2 * capitalised[word]

    result = []
    for parts, per in zip(texts, candidates, strict=True):
        pieces = []
        for sentence, found in zip(parts, per, strict=True):
            start = 0
            for match in found:
                if breaks(match.group(1)):
                    pieces.append(sentence[start : match.start(1)].strip())
                    start = match.start(1)
            pieces.append(sentence[start:].strip())
        result.append(pieces)
    return result


def _located(paragraph: Paragraph, index: int, texts: list[str]) -> list[Sentence]:
    """Paragraph ``index``'s sentence texts as sentences, each with the line it starts on."""
    sentences = []
    cursor = 0
    for text in texts:
        text = text.strip()
        if not text:
            continue
        found = paragraph.text.find(text.split(None, 1)[0], cursor)
        if found >= 0:
            cursor = found
        line = paragraph.lines[bisect.bisect_right(paragraph.offsets, cursor) - 1]
        sentences.append(Sentence(text=text, line=line, paragraph=index))
    return sentences
