"""A labelled set for the critical-change checks, built from real MT data by edits at known places.

Two families, from the TED lines (English), WMT22 zh-en (English) and WMT22 en-de (German):

* **self** pairs: a real line (a reference or a system output) against a copy of itself with one
  edit. The labels are complete by construction: an edit that changes a number, a name, a negation
  or drops a clause expects exactly that kind; harmless edits (typography, a synonym, lower case,
  format-only number changes such as "1,000" -> "1000", "10" -> "ten", "$5" -> "5 dollars") and the
  line against itself expect nothing. Precision and recall are measured here.
* **real** pairs: a real reference against its real system output, the same edit made in the system
  output at a place both sides share. Real MT differs from its reference in many ways, so only the
  edit's kind is known: this family measures whether the edit is found (recall, the change must
  name the edited words) among real paraphrase.

Line k of a source goes to the tuning part when k is even, to the held-out part when it is odd.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _words(text: str) -> list[str]:
    """A table written as words separated by spaces."""
    return text.split()


@dataclass(frozen=True)
class LabelledPair:
    ref: str
    hyp: str
    language: str
    expected: frozenset[str]  # kinds that must be reported (self pairs: all of them; real pairs: the edit's)
    edit: str  # the edit's name
    marker: str  # words the edit touched, which a reported change of that kind must contain ("" when none)
    family: str  # "self" | "real"
    part: str  # "tuning" | "held-out"
    source: str


def load_sources() -> dict[str, tuple[str, list[str], list[str]]]:
    """Each source's language and its line-aligned reference and system lines."""

    def lines(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").rstrip("\n").split("\n")

    wmt = DATA / "wmt22"
    return {
        "ted": ("en", lines(DATA / "ted" / "reference.en"), lines(DATA / "ted" / "system.en")),
        "zh-en": (
            "en",
            lines(wmt / "generaltest2022.zh-en.ref.A.en"),
            lines(wmt / "generaltest2022.zh-en.hyp.Online-B.en"),
        ),
        "en-de": (
            "de",
            lines(wmt / "generaltest2022.en-de.ref.A.de"),
            lines(wmt / "generaltest2022.en-de.hyp.Online-B.de"),
        ),
    }


# --- edits: each returns (edited text, marker) or None when the line offers no place for it ---------------------

Edit = Callable[[str, str, random.Random], "tuple[str, str] | None"]
_PLAIN_NUMBER = re.compile(r"(?<![\w.,:$€£%-])\d{1,4}(?![\w.,%:-]|\s*(?:%|percent|Prozent))")
_THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w.,])")
_THOUSANDS_DE = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.,])")
_DOLLARS = re.compile(r"\$(\d+(?:\.\d+)?)(?:\s+(million|billion))?(?![\w.,])")
_PERCENT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?%")
_SMALL = _words("zero one two three four five six seven eight nine ten eleven twelve")
_SMALL_DE = _words("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf")
_CAPITAL_WORD = re.compile(r"(?<=[a-z,;] )[A-Z][a-zé]{3,}(?: [A-Z][a-zé]{2,})*(?=[ ,.;])")
_CAPITAL_RUN_DE = re.compile(r"(?<=[a-zäöüß,;] )[A-ZÄÖÜ][a-zäöüß]{2,}(?: [A-ZÄÖÜ][a-zäöüß]{2,})+(?=[ ,.;])")
_STOP_CAPITALS = frozenset(
    _words(
        "The This That These Those There They Then When What Which While After Before January February "
        "March April May June July August September October November December Monday Tuesday Wednesday "
        "Thursday Friday Saturday Sunday Laughter Applause"
    )
)
_PRONOUNS_DE = frozenset(
    _words("Ihr Ihre Ihrem Ihren Ihrer Ihres Sie Der Die Das Den Dem Des Ein Eine Einen Einem Einer Mein Meine Unser")
)
_TITLES = {"President": "Vice President", "Minister": "Deputy Minister", "Secretary": "Undersecretary"}
_TITLES_DE = {"Präsident": "Vizepräsident", "Minister": "Staatssekretär", "Kanzler": "Vizekanzler"}
_AUX = re.compile(
    r"\b(is|was|are|were|will|can|would|could|should|has|have|had|did|does|do)\b"
    r"(?= (?!more than|less than|fewer than|only)[a-z]{3,})"
)
_AUX_DE = re.compile(r"\b(ist|sind|war|waren|wird|werden|hat|haben|kann|können)\b(?= [a-zäöüß]{3,})")
_NEG = re.compile(r" (not|never)\b(?! only)|n't\b")
_NEG_DE = re.compile(r" (nicht)\b|\bk(eine[nmrs]?|ein)\b")
_SYNONYMS = {
    "big": "large",
    "start": "begin",
    "help": "assist",
    "buy": "purchase",
    "quickly": "rapidly",
    "often": "frequently",
    "important": "significant",
    "show": "demonstrate",
    "wichtig": "bedeutend",
    "schnell": "rasch",
    "oft": "häufig",
    "beginnen": "anfangen",
}
_NEGATION_WORDS = re.compile(
    r"\b(?:not|no|never|nothing|none|without|nicht|kein\w*|nie|nichts|ohne|cannot)\b|n't", re.IGNORECASE
)

_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join(_SMALL[2:] + _SMALL_DE[2:]) + r"|hundred|thousand|million|billion|first|second|third)\b",
    re.IGNORECASE,
)


def _choose(rng: random.Random, matches: list[re.Match[str]]) -> re.Match[str] | None:
    return rng.choice(matches) if matches else None


def _replace(text: str, match: re.Match[str], new: str) -> str:
    return text[: match.start()] + new + text[match.end() :]


def number_value(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    match = _choose(rng, list(_PLAIN_NUMBER.finditer(text)))
    if match is None:
        return None
    new = str(int(match.group()) + rng.randint(1, 9))
    return _replace(text, match, new), new


def number_drop(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    match = _choose(rng, list(_PLAIN_NUMBER.finditer(text)))
    if match is None:
        return None
    return re.sub(r"  +", " ", _replace(text, match, "")), match.group()


def number_format(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    """A number written another way with the same value (must not be flagged)."""
    pattern = _THOUSANDS_DE if language == "de" else _THOUSANDS
    options: list[tuple[re.Match[str], str]] = [(m, re.sub(r"[.,]", "", m.group())) for m in pattern.finditer(text)]
    words = _SMALL_DE if language == "de" else _SMALL
    options += [(m, words[int(m.group())]) for m in _PLAIN_NUMBER.finditer(text) if 2 <= int(m.group()) <= 12]
    if language == "en":
        options += [
            (m, f"{m.group(1)} {m.group(2) + ' ' if m.group(2) else ''}dollars".replace("  ", " "))
            for m in _DOLLARS.finditer(text)
        ]
        options += [(m, f"{m.group(1)} percent") for m in _PERCENT.finditer(text)]
    else:
        options += [(m, f"{m.group(1)} Prozent") for m in _PERCENT.finditer(text)]
    if not options:
        return None
    match, new = rng.choice(options)
    return _replace(text, match, new), ""


def _names(text: str, language: str) -> list[re.Match[str]]:
    pattern = _CAPITAL_RUN_DE if language == "de" else _CAPITAL_WORD
    return [m for m in pattern.finditer(text) if _editable_name(text, m.group())]


def _editable_name(text: str, name: str) -> bool:
    """A name said once (dropping one of two mentions loses no name), with no month or number word in it."""
    if set(name.split()) & _STOP_CAPITALS or _NUMBER_WORD.search(name) or name.split()[0] in _PRONOUNS_DE:
        return False
    words = re.findall(r"\w+", text.lower())
    return all(words.count(w) == 1 for w in name.lower().split())


def name_drop(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    match = _choose(rng, _names(text, language))
    if match is None:
        return None
    return re.sub(r"  +", " ", _replace(text, match, "")), match.group()


def name_letter(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    """One letter of a name dropped or changed ("Mélanie" -> "Mlanie")."""
    match = _choose(rng, _names(text, language))
    if match is None:
        return None
    word = max(match.group().split(), key=len)
    if len(word) < 5:
        return None
    k = rng.randrange(1, len(word) - 1)
    letter = rng.choice([c for c in "aeiourstn" if c != word[k]])
    new = word[:k] + ("" if rng.random() < 0.5 else letter) + word[k + 1 :]
    start = match.start() + match.group().index(word)
    return text[:start] + new + text[start + len(word) :], new


def title_swap(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    titles = _TITLES_DE if language == "de" else _TITLES
    matches = [m for m in re.finditer(r"\b(" + "|".join(titles) + r")\b", text) if m.start() > 0]
    match = _choose(rng, matches)
    if match is None:
        return None
    new = titles[match.group()]
    return _replace(text, match, new), new.split()[0]


def negation_insert(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    if _NEGATION_WORDS.search(text):
        return None  # keep the count difference clean: one side has none
    match = _choose(rng, list((_AUX_DE if language == "de" else _AUX).finditer(text)))
    if match is None:
        return None
    word = "nicht" if language == "de" else "not"
    return _replace(text, match, f"{match.group()} {word}"), word


def negation_remove(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    matches = list((_NEG_DE if language == "de" else _NEG).finditer(text))
    if len(matches) != len(_NEGATION_WORDS.findall(text)):
        return None  # only lines whose every negation this edit can see
    match = _choose(rng, matches)
    if match is None:
        return None
    if match.group() == "n't" and text[match.start() - 2 : match.start()] in ("ca", "wo"):
        return None  # "can't" -> "ca" is no word
    new = "" if match.group().startswith(" ") or match.group() == "n't" else match.group()[1:]  # keine -> eine
    return _replace(text, match, new), match.group().strip()


def clause_drop(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    """A comma-delimited clause of at least six plain lower-case words of four letters or more removed."""
    clauses = [m for m in re.finditer(r", ([^,;.!?]+)(?=,)", text) if _droppable(m.group(1))]
    match = _choose(rng, clauses)
    if match is None:
        return None
    return _replace(text, match, ""), match.group(1)


def _droppable(clause: str) -> bool:
    if re.search(r"\d|[A-ZÄÖÜ]", clause) or _NEGATION_WORDS.search(clause) or _NUMBER_WORD.search(clause):
        return False
    return len([w for w in clause.split() if len(w) >= 4]) >= 6


def typography(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    new = text.replace('"', "“", 1).replace("'", "’").replace(" -- ", " — ").rstrip(".")
    if new == text:
        new = text + "  "
    return new, ""


def synonym(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    matches = [m for m in re.finditer(r"\b\w+\b", text) if m.group() in _SYNONYMS]
    match = _choose(rng, matches)
    if match is None:
        return None
    return _replace(text, match, _SYNONYMS[match.group()]), ""


def lowercase(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    return text.lower(), ""


def identical(text: str, language: str, rng: random.Random) -> tuple[str, str] | None:
    return text, ""


EDITS: dict[str, tuple[Edit, frozenset[str]]] = {
    "number_value": (number_value, frozenset({"number"})),
    "number_drop": (number_drop, frozenset({"number"})),
    "number_format": (number_format, frozenset()),
    "name_drop": (name_drop, frozenset({"name"})),
    "name_letter": (name_letter, frozenset({"name"})),
    "title_swap": (title_swap, frozenset({"name"})),
    "negation_insert": (negation_insert, frozenset({"negation"})),
    "negation_remove": (negation_remove, frozenset({"negation"})),
    "clause_drop": (clause_drop, frozenset({"content"})),
    "typography": (typography, frozenset()),
    "synonym": (synonym, frozenset()),
    "lowercase": (lowercase, frozenset()),
    "identical": (identical, frozenset()),
}
REAL_EDITS = ("number_value", "number_drop", "name_letter", "title_swap", "negation_insert", "clause_drop")
_PER_EDIT = 150  # pairs per edit, source, side and part: enough for stable figures, fast to score


def labelled_pairs(per_edit: int = _PER_EDIT) -> Iterator[LabelledPair]:
    """Every labelled pair, in a fixed order (the same on every run)."""
    for source, (language, refs, hyps) in load_sources().items():
        for name, (edit, expected) in EDITS.items():
            for part, parity in (("tuning", 0), ("held-out", 1)):
                job = _Job(source, language, refs, hyps, name, edit, expected, part, parity, per_edit)
                yield from _self_pairs(job)
                if name in REAL_EDITS:
                    yield from _real_pairs(job)


@dataclass(frozen=True)
class _Job:
    """One edit made to one source's lines of one part (tuning: even lines, held out: odd ones)."""

    source: str
    language: str
    refs: list[str]
    hyps: list[str]
    name: str
    edit: Edit
    expected: frozenset[str]
    part: str
    parity: int
    per_edit: int

    def pair(self, ref: str, hyp: str, marker: str, family: str) -> LabelledPair:
        return LabelledPair(ref, hyp, self.language, self.expected, self.name, marker, family, self.part, self.source)


def _self_pairs(job: _Job) -> Iterator[LabelledPair]:
    for side, lines in (("ref", job.refs), ("hyp", job.hyps)):
        made = 0
        for k in range(job.parity, len(lines), 2):
            if made >= job.per_edit:
                break
            text = lines[k]
            rng = random.Random(f"{job.source}/{side}/{job.name}/{k}")
            result = job.edit(text, job.language, rng) if text.strip() else None
            if result is None or (result[0] == text and job.name != "identical"):
                continue
            made += 1
            yield job.pair(text, result[0], result[1], "self")


def _real_pairs(job: _Job) -> Iterator[LabelledPair]:
    made = 0
    for k in range(job.parity, len(job.refs), 2):
        if made >= job.per_edit:
            break
        ref, hyp = job.refs[k], job.hyps[k]
        rng = random.Random(f"{job.source}/real/{job.name}/{k}")
        result = job.edit(hyp, job.language, rng) if hyp.strip() else None
        if result is None or not _shared_place(ref, hyp, result[0], job.name):
            continue
        made += 1
        yield job.pair(ref, result[0], result[1], "real")


def _shared_place(ref: str, hyp: str, edited: str, name: str) -> bool:
    """Whether the edited place is one the reference agrees with, so the edit is the change there."""
    if name in ("number_value", "number_drop"):
        numbers = re.findall(r"\d+", ref)
        return sorted(numbers) == sorted(re.findall(r"\d+", hyp))  # the MT had the reference's numbers
    if name in ("name_letter", "title_swap"):
        before = set(re.findall(r"\w+", hyp)) - set(re.findall(r"\w+", edited))
        return bool(before) and before <= set(re.findall(r"\w+", ref))  # the MT had the reference's name
    if name == "negation_insert":
        return not _NEGATION_WORDS.search(ref)
    return True
