"""Critical changes between one aligned pair: numbers, names, negations and dropped or added content.

BLEU and chrF barely move when a translation says "January 12" for "January 10", drops a "not" or
misspells a minister's name, yet those are the errors a reader acts on. :func:`critical_changes`
lists them for one aligned pair (reference, hypothesis), deterministically and without I/O:

* **number**: numbers, amounts, percentages, dates and times, compared as values ("$240 million" =
  "240 million dollars", "1,000" = "1000", German "1.000" = "1000" and "2,5" = 2.5, "ten" = "10",
  "1st" = "first", "January 10" = "10 January"). Units and currency are ignored: the value is what
  MT gets wrong, and "$5" against "5 dollars" must not be flagged. A quantity qualifier counts when
  both sides have one and they say different things ("As many as 100,000" against "No less than
  100,000"); a qualifier present on one side only ("100,000" against "No less than 100,000") does
  not, since MT adds and drops them freely. Letters glued to digits make a code compared as a
  string ("COVID-19", "G7", "F-16"). Number words that are mostly not numbers ("one", "a",
  ordinal words like "first", German "ein") only *match* a value on the other side; missing, they
  are not reported.
* **name**: capitalised words that the other side lacks, compared case-insensitively and
  accent-sensitively (so a lower-cased hypothesis loses nothing, while "Mlanie" for "Mélanie" is a
  change), with inflections allowed ("Russia"/"Russian", "Ukraine"/"Ukrainian") and a few country
  aliases ("US" = "U.S." = "United States"). Sentence-initial capitals count only where the word
  looks like a name (an acronym, followed by another capitalised word, or capitalised elsewhere in
  the middle of a sentence). German capitalises every noun, so in German only acronyms, words of
  runs of two or more capitalised words ("Olaf Scholz", "Präsident Biden") and words with letters
  German does not use ("Mélanie") are names. A changed title ("deputy" for "Assistant" before
  "Secretary of State") is reported as the word that changed, found by its matching neighbour.
* **negation**: negation cues counted per side (en: not, n't, no, never, nothing, without, ...;
  de: nicht, kein..., nie, nichts, ohne, ...); a different count is a change. Idioms that are not
  negations are removed first: "no less than", "no more than", "not only", "nothing but",
  "no doubt", "no matter", "whether or not", German "nicht nur", "nicht zuletzt", "ohne Zweifel",
  and "No" as an answer ("No, ..."); "neither ... nor" and "weder ... noch" count once.
* **content**: a run of at least :data:`RUN` content words (not stopwords, three letters or more)
  on one side, none of which the other side has (the same word, the same five-letter stem, a
  compound part in German, or a rapidfuzz ratio of at least :data:`FUZZY`), and only when that side
  is longer by at least as many content words as the run has minus one, as an omission makes it.
  Paraphrase replaces words one for one and rarely passes both tests; this kind is conservative on
  purpose (precision over recall).

Why no library: the checks run on every aligned pair (up to a million), so the budget is about
0.1 ms a pair. dateparser and quantulum3 take milliseconds per sentence and seconds to import;
text2num's ``alpha2digit`` is fast (6 µs a sentence) but rewrites the text, so the reported words
would not be the document's ("10" where it says "ten") and its English "a million" and German
"ein" handling do not fit; price-parser, number-parser and word2number parse one amount, not a
sentence. One regular expression for digits, a small number-word table per language and one pass
over the words of each side do it in pure Python (``benchmarks/critical_quality.py`` times it),
with rapidfuzz, already a dependency, imported only when a content run needs a fuzzy look-up.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import itemgetter
from typing import Any, NamedTuple

KINDS = ("number", "name", "negation", "content")
RUN = 4  # content words in a row with no counterpart: an omitted or added clause
FUZZY = 85  # rapidfuzz ratio at which two content words are the same word misspelt or inflected
_CONTEXT = 2  # words either side of a negation cue in its report


def _words(text: str) -> list[str]:
    """A table written as words separated by spaces."""
    return text.split()


@dataclass(frozen=True)
class Change:
    """One critical difference: what the reference has and what the hypothesis has ("" for nothing)."""

    kind: str  # "number" | "name" | "negation" | "content"
    ref: str
    hyp: str


def critical_changes(ref: str, hyp: str, language: str = "en", known_lower: Collection[str] = ()) -> tuple[Change, ...]:
    """The critical changes from ``ref`` to ``hyp``, ordered by kind (:data:`KINDS`), then by position.

    ``known_lower`` may hold words the document writes in lower case (case-folded): a capitalised
    word among them is a common word at a sentence start, not a name. Without it the pair alone decides.
    """
    if ref == hyp:
        return ()
    lang = _GERMAN if language.lower().startswith("de") else _ENGLISH
    left, right = _Side(ref, lang), _Side(hyp, lang)
    return (
        *_number_changes(left, right, lang),
        *_name_changes(left, right, lang, known_lower),
        *_negation_changes(left, right, lang),
        *_content_changes(left, right, lang),
    )


def count_kinds(changes: Iterable[Iterable[Change]], counts: dict[str, int] | None = None) -> dict[str, int]:
    """How many changes of each kind (every kind of :data:`KINDS` named) the pairs' ``changes`` hold, added to
    ``counts``: what results.json says per system, whichever engine counted."""
    counts = counts if counts is not None else {}
    for kind in KINDS:
        counts.setdefault(kind, 0)
    for found in changes:
        for change in found:
            counts[change.kind] += 1
    return counts


def fingerprint(kind: str, ref: str, hyp: str) -> str:
    """A change's identity without its words (baselines hold no translations): the start of a SHA-256."""
    import hashlib

    return hashlib.sha256(f"{kind}\0{ref}\0{hyp}".encode()).hexdigest()[:16]


# --- language tables ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Language:
    code: str
    decimal_comma: bool
    units: dict[str, int]  # number words with their values
    soft: frozenset[str]  # number words that are usually not numbers: they match, but are not reported missing
    scales: dict[str, float]  # words after a number that multiply it
    ordinals: dict[str, int]
    months: dict[str, int]
    qualifiers: re.Pattern[str]  # a quantity qualifier right before a number (groups: one per class)
    negation: re.Pattern[str]
    cue_words: frozenset[str]  # the words ``negation`` matches whole (all it matches but "n't")
    idioms: re.Pattern[str]  # look like negations, are not
    idiom_hint: re.Pattern[str]  # matches wherever ``idioms`` does, and fast: no word boundary to test first
    stopwords: frozenset[str]
    titles: frozenset[str]
    not_names: frozenset[str] = frozenset()  # capitalised (even all-capital) words that are never names
    name_joins: tuple[str, ...] = (" ", "-")  # what may stand between two words of one name
    not_name_ends: tuple[str, ...] = ()  # endings of words that are never names ("We're", "Don't")


def _qualifiers(classes: dict[str, str]) -> re.Pattern[str]:
    """One pattern whose named group says which class of qualifier ends the text before a number."""
    groups = "|".join(f"(?P<{name}>{words})" for name, words in classes.items())
    return re.compile(rf"(?:^|(?<=\W))(?:{groups})[\s$€£¥~]*$", re.IGNORECASE)


_EN_UNITS = dict(
    zip(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen"
        ),
        range(20),
        strict=True,
    )
)
_EN_UNITS |= dict(zip(_words("twenty thirty forty fifty sixty seventy eighty ninety"), range(20, 100, 10), strict=True))
_EN_UNITS |= {"dozen": 12, "a": 1, "an": 1}
_DE_UNITS = dict(
    zip(
        _words(
            "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
            "sechzehn siebzehn achtzehn neunzehn"
        ),
        range(20),
        strict=True,
    )
)
_DE_UNITS |= dict(
    zip(_words("zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig"), range(20, 100, 10), strict=True)
)
_DE_UNITS |= {"ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "dutzend": 12}
_MONTHS_EN = _words("january february march april may june july august september october november december")
_MONTHS_DE = _words("januar februar märz april mai juni juli august september oktober november dezember")


def _months(names: list[str], extra: dict[str, int]) -> dict[str, int]:
    table = {name: k for k, name in enumerate(names, 1)}
    table |= {name[:3]: k for k, name in enumerate(names, 1) if len(name) > 4}
    return table | extra


_EN_CUES = _words("not no never nobody nothing none neither nor without cannot nowhere noone")
_EN_CONTRACTED = _words("do does did is are was were could would should wo ca has have had must need")  # + "nt"
_EN_IDIOMS = (
    "no (?:less|more|fewer) than",
    "not only",
    "nothing but",
    "no doubt",
    "no matter",
    "whether or not",
    "not to mention",
    "none the less",
    "never mind",
    "not least",
)
_DE_CUES = _words(
    "nicht kein keine keinen keinem keiner keines keins nie niemals niemand niemandem niemanden nichts "
    "weder ohne nirgends nirgendwo keinesfalls keineswegs"
)
_DE_IDIOMS = ("nicht nur", "nicht zuletzt", "ohne zweifel", "nicht weniger als", "nicht mehr als")

_ENGLISH = _Language(
    code="en",
    decimal_comma=False,
    units=_EN_UNITS,
    soft=frozenset({"one", "a", "an", "zero"}),
    scales={"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9},
    ordinals=dict(
        zip(
            _words("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"),
            range(1, 13),
            strict=True,
        )
    ),
    months=_months(_MONTHS_EN, {"sept": 9}),
    qualifiers=_qualifiers(
        {
            "upto": r"as many as|as much as|up to|no more than|not more than|at most|a maximum of|as high as",
            "atleast": r"no less than|no fewer than|not less than|at least|more than|over|upwards of|a minimum of"
            r"|in excess of|above",
            "below": r"less than|fewer than|under|below|just under",
            "about": r"about|around|approximately|roughly|nearly|almost|some|close to|an estimated|estimated",
        }
    ),
    negation=re.compile(rf"\b(?:{'|'.join(_EN_CUES)})\b|(?<=[a-z])n't\b|\b(?:{'|'.join(_EN_CONTRACTED)})nt\b"),
    cue_words=frozenset(_EN_CUES) | {f"{word}nt" for word in _EN_CONTRACTED},
    idioms=re.compile("|".join(rf"\b{idiom}\b" for idiom in _EN_IDIOMS) + r"|(?:^|[.!?]\s+)[\"'“‘]?no(?=\s*[,.!?])"),
    idiom_hint=re.compile("|".join(_EN_IDIOMS) + r"|no(?=\s*[,.!?])"),
    stopwords=frozenset(
        _words(
            "a about above after again against all also am an and any are as at be because been before being "
            "below between both but by can could did do does doing down during each few for from further had "
            "has have having he her here hers herself him himself his how i if in into is it its itself just "
            "me more most my myself no nor not now of off on once only or other our ours ourselves out over "
            "own same she should so some such than that the their theirs them themselves then there these "
            "they this those through to too under until up us very was we were what when where which while "
            "who whom why will with would you your yours yourself yourselves said says say one two also may "
            "might must shall let lets get got like well even much many still yet back way ever another "
            "every within without upon across along around among however whether though although since"
        )
    ),
    titles=frozenset(
        _words(
            "president vice deputy assistant secretary minister prime foreign general chancellor king queen "
            "prince princess senator governor mayor director chairman chairwoman chair ceo spokesman "
            "spokeswoman spokesperson ambassador commissioner chief head leader judge justice attorney "
            "representative sen rep gov gen col lt dr mr mrs ms sir lord lady pope bishop cardinal premier "
            "treasurer state"
        )
    ),
    # "I" and its contractions, interjections and TED's stage directions: capitalised, never names
    not_names=frozenset(
        _words(
            "i i'm i've i'd i'll ok okay oh hey yes yeah no wow hi hello thanks please well laughter applause "
            "music cheers sorry"
        )
    ),
    not_name_ends=("'re", "'ve", "'ll", "'d", "'m", "n't"),  # not "'s": "McDonald's" is a name
)

_GERMAN = _Language(
    code="de",
    decimal_comma=True,
    units=_DE_UNITS,
    soft=frozenset({"eins", "ein", "eine", "einen", "einem", "einer", "null"}),
    scales={
        "hundert": 1e2,
        "tausend": 1e3,
        "tsd": 1e3,
        "million": 1e6,
        "millionen": 1e6,
        "mio": 1e6,
        "milliarde": 1e9,
        "milliarden": 1e9,
        "mrd": 1e9,
        "billion": 1e12,
        "billionen": 1e12,
    },
    ordinals={
        f"{stem}{ending}": value
        for value, stem in enumerate(_words("erst zweit dritt viert fünft sechst siebt acht neunt zehnt"), 1)
        for ending in ("e", "er", "en", "em", "es")
    },
    months=_months(_MONTHS_DE, {"jänner": 1, "sept": 9}),
    qualifiers=_qualifiers(
        {
            "upto": r"bis zu|höchstens|maximal|nicht mehr als",
            "atleast": r"mindestens|wenigstens|mehr als|über|nicht weniger als|minimal",
            "below": r"weniger als|unter|knapp unter",
            "about": r"etwa|rund|ungefähr|circa|ca\.|fast|beinahe|nahezu|knapp|zirka",
        }
    ),
    negation=re.compile(rf"\b(?:{'|'.join(_DE_CUES)})\b"),
    cue_words=frozenset(_DE_CUES),
    idioms=re.compile("|".join(rf"\b{idiom}\b" for idiom in _DE_IDIOMS)),
    idiom_hint=re.compile("|".join(_DE_IDIOMS)),
    stopwords=frozenset(
        _words(
            "aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes "
            "auch auf aus bei bin bis bist da damit dann der den des dem die das dass daß du dies diese "
            "diesem diesen dieser dieses doch dort durch ein eine einem einen einer eines er es etwas euch "
            "euer eure für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen "
            "ihr ihre ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jetzt "
            "kann können könnte machen man manche mein meine mich mir mit muss musste nach nicht noch nun "
            "nur ob oder ohne sehr sein seine seinem seinen seiner sich sie sind so solche soll sollte "
            "sondern sonst über um und uns unser unter viel vom von vor war waren warum was weil welche wenn "
            "wer werde werden wie wieder will wir wird wirst wo wollen wurde wurden zu zum zur zwar zwischen "
            "sagte sagt gibt bereits schon immer mehr sowie laut"
        )
    ),
    titles=frozenset(
        _words(
            "präsident präsidentin vizepräsident minister ministerin außenminister außenministerin "
            "bundeskanzler kanzler kanzlerin stellvertretende stellvertretender staatssekretär "
            "staatssekretärin sprecher sprecherin chef chefin direktor direktorin könig königin herr frau dr"
        )
    ),
    # amounts and currencies are nouns ("75 Millionen Pfund"): numbers, not names
    not_names=frozenset(
        _words(
            "ok okay ja nein hallo millionen million milliarden milliarde billionen pfund dollar euro franken "
            "yen yuan prozent us-dollar"
        )
    ),
    name_joins=(" ",),  # German joins nouns with hyphens ("Power-Taste"): only names of several words count
)

# --- one side of a pair, tokenised once ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_ASCII_WORD_SPLIT = re.compile(r"([A-Za-z]+(?:'[A-Za-z]+)*)")  # the same on ASCII text
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # U.S., u.s., U.K.: read as US, us, UK
_DOTTED_HINT = re.compile(r"\.[A-Za-z]\.")  # in every _DOTTED match; a fast search (it starts with a literal)
_POSSESSIVE = re.compile(r"['’]s?$")
_ALIASES = {  # country names written as an acronym on one side and in words on the other
    "us": ("united", "states"),
    "usa": ("united", "states"),
    "uk": ("united", "kingdom"),
    "un": ("united", "nations"),
    "eu": ("european", "union"),
    "uae": ("united", "arab", "emirates"),
}

_ALIAS_WORDS = frozenset(_ALIASES) | {"united", "european"}


_LAST_CHARACTER = chr(sys.maxunicode)  # no word has it: a word that starts with p sorts below p + it


class _cached:  # a decorator, named like functools.cached_property
    """functools.cached_property without the lock Python 3.10 and 3.11 take on every first access (about
    a twentieth of a pair's time went there): the value is computed once and stored on the instance."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class _Side:
    """One side's words (with their spans), case-folded forms and look-up sets, built once per pair."""

    def __init__(self, text: str, lang: _Language) -> None:
        self.text = text
        self.lang = lang
        scan = _DOTTED.sub(_undot, text) if _DOTTED_HINT.search(text) else text
        self.dotted = scan is not text
        self.has_digit = _DIGIT.search(text) is not None  # every pair asks (numbers)
        # gap, word, gap, word, ..., gap: one pass, no match objects (in ASCII a word is [A-Za-z]: a faster class)
        self.parts = parts = (_ASCII_WORD_SPLIT if scan.isascii() else _WORD_SPLIT).split(scan)
        self.words = parts[1::2]
        low = scan.lower()
        self.aligned = len(low) == len(scan)  # lower-casing kept every character in its place (no "İ")
        self.apostrophes = "'" in scan or "’" in scan
        self.folds = _folds(self, scan, low, self.aligned and not self.apostrophes)
        self.lower_set = set(self.folds)
        self.joined: dict[int, str] = {}  # word -> its hyphenated compound written as one word ("co-operation")
        if "-" in scan:
            for gap in range(2, len(parts) - 2, 2):  # the gaps between two words
                if parts[gap] == "-":
                    k = gap // 2 - 1
                    joined = self.folds[k] + self.folds[k + 1]
                    self.joined[k] = self.joined[k + 1] = joined
                    self.lower_set.add(joined)
        if not _ALIAS_WORDS.isdisjoint(self.lower_set):
            for acronym, spelled in _ALIASES.items():
                if acronym in self.lower_set:
                    self.lower_set.update(spelled)
                elif all(w in self.lower_set for w in spelled):
                    self.lower_set.add(acronym)

    @_cached
    def offsets(self) -> list[int]:
        """Where each part of the scan ends: word k starts at offset 2k and ends at offset 2k + 1. Spans are
        built when first needed, as half the sides never ask."""
        return list(accumulate(map(len, self.parts)))

    @_cached
    def starts(self) -> list[int]:
        """Where each word starts in the text."""
        return self.offsets[:-1:2]

    @_cached
    def ends(self) -> list[int]:
        """Where each word ends in the text."""
        return self.offsets[1::2]

    @_cached
    def gaps(self) -> list[str]:
        """The text between word k - 1 and word k (k = 0: before the first word), as :func:`_capital_neighbour`
        reads it: the text's, not the scan's, where a dotted acronym was read without its dots."""
        if not self.dotted:
            return self.parts[::2]
        bounds = zip([0, *self.ends], [*self.starts, len(self.text)], strict=True)
        return [self.text[a:b] for a, b in bounds]

    def starting(self, prefix: str) -> list[str]:
        """The side's words (its look-up set) that start with ``prefix``, for :meth:`has_word`: a slice of
        the words sorted, as every word from ``prefix`` up to ``prefix`` + the last code point starts with it."""
        ordered = self.ordered
        return ordered[bisect_left(ordered, prefix) : bisect_left(ordered, prefix + _LAST_CHARACTER)]

    @_cached
    def ordered(self) -> list[str]:
        """The look-up set sorted, built when first needed: most pairs never look a word up by its start."""
        return sorted(self.lower_set)

    @_cached
    def casefolded(self) -> str:
        """The text case-folded, for the compound parts :meth:`has_word` finds in German."""
        return self.text.casefold()

    @_cached
    def capitals(self) -> list[int]:
        """Indexes of the words that start with a capital letter: the only ones that can be names."""
        return list(compress(range(len(self.words)), map(str.isupper, map(itemgetter(0), self.words))))

    @_cached
    def lowered(self) -> str:
        """The text lower-cased, character for character where :attr:`aligned`, for the negation patterns."""
        return self.text.lower()

    def has_word(self, fold: str) -> bool:
        """Whether this side has ``fold`` or an inflection of it ("russia"/"russian", "ukraine"/"ukrainian")."""
        if fold in self.lower_set:
            return True
        if len(fold) >= 4:
            for other in self.starting(fold[:4]):
                if _inflection(fold, other):
                    return True
            if self.lang.code == "de" and len(fold) >= 5 and fold in self.casefolded:
                return True  # a compound part: "stadt" in "Hauptstadt"
        return False

    def span(self, first: int, last: int) -> str:
        """The original text of words ``first`` to ``last`` (inclusive)."""
        end = self.ends[last]
        if self.text[self.starts[last] : end] != self.words[last]:  # a dotted acronym: "U.S." read as "US"
            end = _DOTTED.match(self.text, self.starts[last]).end()
        return self.text[self.starts[first] : end]


_ENDINGS = frozenset(_words("s es n an ans ian ians ese e a y i er ers en ern ish isch ische ischen ischer")) | {""}
_SHORT_ENDINGS = frozenset({"", "e", "a", "y"})


def _undot(match: re.Match[str]) -> str:
    """A dotted acronym without its dots, padded to its length: "U.S." -> "US  " (spans stay the text's)."""
    return match.group().replace(".", "") + " " * match.group().count(".")


def _folds(side: _Side, scan: str, low: str, simple: bool) -> list[str]:
    """Each word's :func:`_fold`, or when ``simple`` (no apostrophe, lower-casing ``scan`` into ``low`` kept
    every place) its place in ``low``. Lower-casing is per character except for a capital sigma (final or
    not depends on the neighbours), so without one the words are lower-cased in one call, joined."""
    words = side.words
    if "Σ" in scan:
        if simple:
            return [low[a : a + len(w)] for a, w in zip(side.starts, words, strict=True)]
        return [_fold(w) for w in words]
    lowered = "\0".join(words).lower().split("\0")
    if simple or not words:
        return lowered if words else []
    return [_POSSESSIVE.sub("", f.replace("’", "'")) if "'" in f or "’" in f else f for f in lowered]


def _fold(word: str) -> str:
    """The word as compared: lower case (accents kept), without a possessive "'s"."""
    fold = word.lower()
    if "'" in fold or "’" in fold:
        fold = _POSSESSIVE.sub("", fold.replace("’", "'"))
    return fold


def _inflection(a: str, b: str) -> bool:
    """Two forms of one word: a shared start of four letters or more, then endings such as "" / "n"
    ("russia"/"russian"), "e" / "ian" ("ukraine"/"ukrainian"), "a" / "ese" ("china"/"chinese"). A
    letter dropped or changed inside ("walker"/"walkr", "siemens"/"siemes") is not an ending."""
    common = 0
    for x, y in zip(a, b, strict=False):  # words of different lengths
        if x != y:
            break
        common += 1
    if common < 4:
        return False
    shorter, longer = sorted((a[common:], b[common:]), key=len)
    return shorter in _SHORT_ENDINGS and longer in _ENDINGS


# --- numbers ------------------------------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
# The letters before the digits taken whole (a lookahead and its back-reference: Python 3.10 has no "++"):
# giving some back cannot help, as a letter is neither "-" nor a digit, and trying cost a third of the pass.
# Groups 1, 3 and 4: prefix, digits, suffix.
_NUMERIC = re.compile(r"(?<!\w)((?=([^\W\d_]+))\2-?)?(\d+(?:[.,:\u00a0\u202f\u2009]\d+)*)(-?[^\W\d_]+)?")
_NUMBER_SUFFIXES = frozenset(
    _words("st nd rd th s er ern km kg g m cm mm mi ml l h min mph pm am x bn mn k ft lb oz kw mw gw ha sec")
)
_AFTER_SPACE = re.compile(r"[\s\u00a0]*([^\W\d_]+)\.?")
_PERCENT_SIGN = re.compile(r"[\s\u00a0]?%|\s+(?:percent|per cent|prozent)\b", re.IGNORECASE)  # kept in the report
_HYPHEN_NUMBER_WORD = re.compile(r"-")


class _Mention(NamedTuple):  # a tuple: made by the dozen per pair, a frozen dataclass is three times slower
    value: object  # a float, or a tuple for dates, times and codes
    start: int
    end: int
    soft: bool = False
    qualifier: str = ""
    qualifier_start: int = -1


def _number_changes(ref: _Side, hyp: _Side, lang: _Language) -> list[Change]:
    """Values one side has and the other lacks, paired in order; qualifiers that disagree on a shared value."""
    if not (_may_have_numbers(ref, lang) or _may_have_numbers(hyp, lang)):
        return []
    left, right = _mentions(ref, lang), _mentions(hyp, lang)
    changes: list[Change] = []
    unmatched_right = list(right)
    missing: list[_Mention] = []
    for mention in left:
        partner = next((m for m in unmatched_right if m.value == mention.value), None)
        if partner is None:
            missing.append(mention)
            continue
        unmatched_right.remove(partner)
        mention = _qualified(ref.text, mention, lang)  # a qualifier never changes the value: found only when asked
        if mention.qualifier:
            partner = _qualified(hyp.text, partner, lang)
            if partner.qualifier and mention.qualifier != partner.qualifier:
                changes.append(Change("number", _mention_text(ref.text, mention), _mention_text(hyp.text, partner)))
    missing = [_qualified(ref.text, m, lang) for m in missing if not m.soft]
    added = [_qualified(hyp.text, m, lang) for m in unmatched_right if not m.soft]
    for k in range(max(len(missing), len(added))):
        old = _mention_text(ref.text, missing[k]) if k < len(missing) else ""
        new = _mention_text(hyp.text, added[k]) if k < len(added) else ""
        changes.append(Change("number", old, new))
    return changes


def _may_have_numbers(side: _Side, lang: _Language) -> bool:
    """A cheap test that skips the number pass for texts with no digit, number word or month."""
    return side.has_digit or _has_number_words(side, lang)


def _has_number_words(side: _Side, lang: _Language) -> bool:
    if not _NUMBER_WORD_SETS[lang.code].isdisjoint(side.lower_set):
        return True
    return lang.code == "de" and any(f.endswith(_GERMAN_COMPOUND_ENDS) for f in side.lower_set)


def _mention_text(text: str, mention: _Mention) -> str:
    start = mention.qualifier_start if mention.qualifier else mention.start
    return text[start : mention.end]


def _mentions(side: _Side, lang: _Language) -> list[_Mention]:
    """Every number on one side in text order: digits (with scale words), number words, dates merged; the
    qualifiers before them (:func:`_qualified`) are looked for only where the comparison needs them."""
    digits = [_digit_mention(side.text, m, lang) for m in _NUMERIC.finditer(side.text)] if side.has_digit else []
    taken = [(m.start, m.end) for m in digits]
    words = []
    if _has_number_words(side, lang):
        words = [m for m in _word_mentions(side, lang) if not any(a <= m.start < b for a, b in taken)]
    if not digits or not words:
        return _merge_dates(side, digits or words, lang)  # each comes in text order
    return _merge_dates(side, sorted(digits + words, key=lambda m: m.start), lang)


def _digit_mention(text: str, match: re.Match[str], lang: _Language) -> _Mention:
    prefix, digits, suffix = match.group(1, 3, 4)
    if prefix or (suffix and not suffix.startswith("-") and suffix.casefold() not in _NUMBER_SUFFIXES):
        code = (prefix or "") + digits + (suffix or "")
        return _Mention(("code", code.casefold().replace("-", "")), match.start(), match.end())
    if ":" in digits:
        return _Mention(("time", tuple(int(p) for p in digits.split(":"))), match.start(), match.end())
    value = _digit_value(digits, lang)
    end = match.end()
    if not suffix:
        after = _AFTER_SPACE.match(text, end)
        if after and after.group(1).casefold() in lang.scales:
            value *= lang.scales[after.group(1).casefold()]
            end = after.end()
    percent = _PERCENT_SIGN.match(text, end)
    if percent:
        end = percent.end()
    return _Mention(_round(value), match.start(), end)


def _digit_value(digits: str, lang: _Language) -> float:
    """The value of digits with group and decimal separators, read as the language writes them."""
    for space in "\u00a0\u202f\u2009":
        digits = digits.replace(space, "")
    group, decimal = (".", ",") if lang.decimal_comma else (",", ".")
    parts = digits.split(group)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        digits = "".join(parts)
    elif len(parts) > 1 and decimal not in digits:
        digits = digits.replace(group, decimal, 1).replace(group, "")  # "1.5" in German, "3,5" in English MT
    whole, _, fraction = digits.replace(decimal, ".", 1).partition(".")
    fraction = fraction.replace(group, "").replace(decimal, "")
    return float(f"{whole}.{fraction or 0}")


def _round(value: float) -> float:
    if value.is_integer() and abs(value) < 1e12:
        return value  # twelve digits hold it exactly: the format would give it back
    return float(f"{value:.12g}")


_NUMBER_WORD_SETS = {
    lang.code: frozenset({*lang.units, *lang.scales, *lang.ordinals, *lang.months}) for lang in (_ENGLISH, _GERMAN)
}
_NUMBER_STARTS = {  # the words a number in words starts with: with "a" and "an", and without
    lang.code: (frozenset({*lang.units, *lang.ordinals}), frozenset({*lang.units, *lang.ordinals} - {"a", "an"}))
    for lang in (_ENGLISH, _GERMAN)
}
_GERMAN_COMPOUND_ENDS = ("zig", "ßig", "hundert", "tausend", "zehn")


_JOINS = frozenset({" ", "-"})  # between the words of one number: "twenty-five", "two hundred", not "five, ten"


def _word_mentions(side: _Side, lang: _Language) -> Iterable[_Mention]:
    """Numbers written in words: runs of number words ("twenty-five", "two hundred", "zwei Millionen")."""
    k = 0
    folds = side.folds
    for first in _number_word_starts(side, lang):
        if first < k:
            continue  # a word of the number before
        fold = folds[first]
        k = first + 1
        if fold in lang.ordinals:
            yield _Mention(float(lang.ordinals[fold]), side.starts[first], side.ends[first], soft=True)
            continue
        value = _number_word(fold, lang)
        if value is None or (fold in ("a", "an") and (k >= len(folds) or folds[k] not in lang.scales)):
            continue
        total, current = 0.0, float(value)
        while k < len(folds) and side.gaps[k] in _JOINS:
            if folds[k] == "and" and k + 1 < len(folds) and _number_word(folds[k + 1], lang) is not None:
                k += 1
                continue
            scale = lang.scales.get(folds[k])
            nxt = _number_word(folds[k], lang) if scale is None else None
            if scale is not None:
                current = (current or 1) * scale
                if scale >= 1e3:
                    total, current = total + current, 0.0
            elif nxt is not None and folds[k] not in ("a", "an", "ein", "eine"):
                current += nxt
            else:
                break
            k += 1
        soft = k - first == 1 and fold in lang.soft
        yield _Mention(_round(total + current), side.starts[first], side.ends[k - 1], soft)


def _number_word_starts(side: _Side, lang: _Language) -> list[int]:
    """The words a number in words may start at: an ordinal or a word :func:`_number_word` can read (a
    German compound has "tausend" or "und", as "hundert" does), so the rest are never looked at."""
    with_articles, starts = _NUMBER_STARTS[lang.code]
    if not lang.scales.keys().isdisjoint(side.lower_set):
        starts = with_articles  # "a" starts a number only before a scale word: "a million"
    if lang.code != "de":
        return [] if starts.isdisjoint(side.lower_set) else [k for k, f in enumerate(side.folds) if f in starts]
    return [
        k
        for k, fold in enumerate(side.folds)
        if fold in starts or (len(fold) >= 7 and ("und" in fold or "tausend" in fold))
    ]


def _number_word(fold: str, lang: _Language) -> float | None:
    """The value of one number word, German compounds included ("fünfundzwanzig", "zweihundert")."""
    if fold in lang.units:
        return float(lang.units[fold])
    if lang.code != "de" or len(fold) < 7:
        return None
    for scale_word, scale in (("tausend", 1e3), ("hundert", 1e2)):
        left, found, right = fold.partition(scale_word)
        if found and (left or right):
            head = _number_word(left, lang) if left else 1.0
            tail = _number_word(right, lang) if right else 0.0
            if head is not None and tail is not None:
                return head * scale + tail
    left, found, right = fold.partition("und")
    if found and left in lang.units and right in lang.units and lang.units[right] >= 20:
        return float(lang.units[left] + lang.units[right])
    return None


_DAY_LINK = re.compile(r"(?:\.|st|nd|rd|th)?\s*(?:of\s+(?:the\s+)?)?$", re.IGNORECASE)
_MONTH_AMBIGUOUS = frozenset({"may", "march", "mar", "aug", "jan", "dec", "mai"})


def _merge_dates(side: _Side, mentions: list[_Mention], lang: _Language) -> list[_Mention]:
    """Merge a month name with the day beside it ("January 10", "10 January", "10. Januar") into one date."""
    if lang.months.keys().isdisjoint(side.lower_set):
        return mentions  # sorted by position already
    out = list(mentions)
    lowered = side.text.islower()  # the whole text lower-cased: a month's capital was lost, not never there
    for k, fold in enumerate(side.folds):
        month = lang.months.get(fold)  # a word has no full stop: "Jan." is "jan"
        if month is None or fold in lang.ordinals or fold in lang.units:
            continue
        start, end = side.starts[k], side.ends[k]
        day = _adjacent_day(side.text, out, start, end)
        if day is not None:
            out.remove(day)
            lo, hi = min(start, day.start), max(end, day.end)
            out.append(_Mention(("date", month, day.value), lo, hi))
        elif (side.words[k][0].isupper() or lowered) and fold not in _MONTH_AMBIGUOUS:
            out.append(_Mention(("month", month), start, end))  # in lower-cased text, "juni" is "Juni"
    return sorted(out, key=lambda m: m.start)


def _adjacent_day(text: str, mentions: list[_Mention], start: int, end: int) -> _Mention | None:
    for mention in mentions:
        if not (isinstance(mention.value, float) and mention.value.is_integer() and 1 <= mention.value <= 31):
            continue
        if 0 <= mention.start - end <= 2 and not text[end : mention.start].strip(" .,"):
            return mention  # "January 10", "Jan. 10"
        between = text[mention.end : start]
        if 0 <= start - mention.end <= 12 and _DAY_LINK.fullmatch(between.strip() + " " if between else ""):
            return mention  # "10 January", "10. Januar", "10th of January"
    return None


def _qualified(text: str, mention: _Mention, lang: _Language) -> _Mention:
    """The mention with the quantity qualifier written right before it, if any ("at least", "as many as")."""
    before = text[max(0, mention.start - 24) : mention.start]
    found = lang.qualifiers.search(before)
    if found is None or found.lastgroup is None:
        return mention
    qualifier_start = mention.start - len(before) + found.start()
    return _Mention(mention.value, mention.start, mention.end, mention.soft, found.lastgroup, qualifier_start)


# --- names --------------------------------------------------------------------------------------------------------

_OPENERS = frozenset(" \t\n\u00a0\"'“”‘’„«»()[]—–-")
_ENDERS = frozenset(".!?:;…")


def _is_initial(text: str, position: int) -> bool:
    """Whether a word at ``position`` starts a sentence (or a quotation): only quotes, brackets, dashes and
    spaces between it and the start of the text or a full stop, colon or the like."""
    k = position - 1
    while k >= 0 and text[k] in _OPENERS:
        k -= 1
    return k < 0 or text[k] in _ENDERS


_GERMAN_TITLE_ENDS = ("präsident", "präsidentin", "minister", "ministerin", "kanzler", "kanzlerin", "sekretär")
_GERMAN_LETTERS = re.compile(r"^[a-zäöüß'-]+$")


def _name_changes(ref: _Side, hyp: _Side, lang: _Language, known_lower: Collection[str]) -> list[Change]:
    """Names one side has and the other lacks, a misspelt name paired with its misspelling."""
    missing = _missing_names(ref, hyp, lang, known_lower)
    added = _missing_names(hyp, ref, lang, known_lower)
    if not missing and not added:
        return []
    old_spans = _name_spans(ref, missing, lang)
    new_spans = _name_spans(hyp, added, lang)
    changes: list[Change] = []
    used: set[int] = set()
    for first, last in old_spans:
        partner = _partner_span(ref, (first, last), hyp, new_spans, used)
        if partner is not None:
            used.add(partner)
            changes.append(Change("name", ref.span(first, last), hyp.span(*new_spans[partner])))
        else:
            changes.append(Change("name", ref.span(first, last), _counterpart(ref, first, last, hyp, lang)))
    for k, (first, last) in enumerate(new_spans):
        if k not in used:
            changes.append(Change("name", _counterpart(hyp, first, last, ref, lang), hyp.span(first, last)))
    return changes


def _has_name(side: _Side, k: int, other: _Side) -> bool:
    """Whether ``other`` has word ``k`` of ``side``, alone or as the compound it is part of ("Co-operation")."""
    return other.has_word(side.folds[k]) or (k in side.joined and other.has_word(side.joined[k]))


def _missing_names(side: _Side, other: _Side, lang: _Language, known_lower: Collection[str]) -> list[int]:
    """Indexes of the words of ``side`` that are names ``other`` lacks. Whether ``other`` has the word is
    asked first: a set look-up, where the name rules look at the neighbours and the other words."""
    out = []
    for k in side.capitals:
        word = side.words[k]
        fold = side.folds[k]
        acronym = len(word) >= 2 and word.isupper()
        if fold in lang.not_names or (lang.not_name_ends and fold.endswith(lang.not_name_ends)):
            continue
        if not acronym and (fold in lang.stopwords or fold in lang.months or fold in known_lower):
            continue
        if fold in other.lower_set or _has_name(side, k, other):  # the first test of _has_name, inlined
            continue
        if acronym or _looks_like_name(side, other, k, lang):
            out.append(k)
    return out


def _looks_like_name(side: _Side, other: _Side, k: int, lang: _Language) -> bool:
    initial = _is_initial(side.text, side.starts[k])
    if lang.code == "de":
        if not _GERMAN_LETTERS.match(side.folds[k]):
            return True  # "Mélanie", "Chávez": not a German word
        if side.folds[k].endswith(_GERMAN_TITLE_ENDS):
            return True  # a title: "Vizepräsident" for "Präsident"
        return not initial and (_capital_neighbour(side, k, -1, lang) or _capital_neighbour(side, k, 1, lang))
    if not initial:
        return True
    if _capital_neighbour(side, k, 1, lang):
        return True  # "Joe Biden said"
    fold = side.folds[k]
    return any(s.folds[j] == fold and not _is_initial(s.text, s.starts[j]) for s in (side, other) for j in s.capitals)


def _capital_neighbour(side: _Side, k: int, step: int, lang: _Language) -> bool:
    """Whether the word beside word ``k`` (only a space between) is capitalised and not a stopword."""
    j = k + step
    if not 0 <= j < len(side.words):
        return False
    gap = side.gaps[max(j, k)]
    fold = side.folds[j]
    return (
        gap in lang.name_joins
        and side.words[j][0].isupper()
        and fold not in lang.stopwords
        and (fold not in lang.not_names)
    )


def _name_spans(side: _Side, changed: list[int], lang: _Language) -> list[tuple[int, int]]:
    """The changed words grown over the capitalised non-title words beside them: "Mélanie" -> "Mélanie Joly"."""
    spans: list[tuple[int, int]] = []
    for k in changed:
        if spans and spans[-1][0] <= k <= spans[-1][1]:
            continue
        first = last = k
        if side.folds[k] not in lang.titles:
            while first > 0 and _growable(side, first, -1, lang):
                first -= 1
            while last + 1 < len(side.words) and _growable(side, last, 1, lang):
                last += 1
        spans.append((first, last))
    return spans


def _growable(side: _Side, k: int, step: int, lang: _Language) -> bool:
    return _capital_neighbour(side, k, step, lang) and side.folds[k + step] not in lang.titles


def _partner_span(
    side: _Side, span: tuple[int, int], other: _Side, spans: list[tuple[int, int]], used: set[int]
) -> int | None:
    """The other side's changed name that this one became: a similar spelling, or the same place between anchors."""
    from rapidfuzz.fuzz import ratio

    text = side.span(*span).casefold()
    best, best_score = None, 60.0
    for k, candidate in enumerate(spans):
        if k in used:
            continue
        score = ratio(text, other.span(*candidate).casefold())
        if score >= best_score:
            best, best_score = k, score
    if best is None:
        counterpart = _counterpart_index(side, span[0], span[1], other)
        best = next((k for k, (a, b) in enumerate(spans) if k not in used and counterpart in range(a, b + 1)), None)
    return best


def _counterpart_index(side: _Side, first: int, last: int, other: _Side) -> int | None:
    """The word of ``other`` between the same neighbours as words ``first``-``last`` of ``side``, if one is."""
    folds = other.folds
    if last + 1 < len(side.words):
        anchor = side.folds[last + 1]
        if folds.count(anchor) == 1 and folds.index(anchor) > 0:
            return folds.index(anchor) - 1
    if first > 0:
        anchor = side.folds[first - 1]
        if folds.count(anchor) == 1 and folds.index(anchor) + 1 < len(other.words):
            return folds.index(anchor) + 1
    return None


def _counterpart(side: _Side, first: int, last: int, other: _Side, lang: _Language) -> str:
    """What the other side says in this name's place ("deputy" for "Assistant"), or "" if it has nothing there."""
    j = _counterpart_index(side, first, last, other)
    if j is None or other.has_word(side.folds[first]) or side.has_word(other.folds[j]):
        return ""
    word, fold = other.words[j], other.folds[j]  # a name or a title in its place ("deputy"), not "the" for "Clon"
    if fold in lang.not_names:
        return ""
    return word if word[0].isupper() or fold in lang.titles or side.folds[first] in lang.titles else ""


# --- negation -----------------------------------------------------------------------------------------------------


def _negation_changes(ref: _Side, hyp: _Side, lang: _Language) -> list[Change]:
    """One change per negation that one side has more of, with the words around it."""
    left, right = _cues(ref, lang), _cues(hyp, lang)
    if len(left) == len(right):
        return []
    # Whether the pattern finds a cue in either text as written (curly apostrophes left alone) decides
    # only now: where the counts agree there is no change either way, and most pairs stop above.
    if not _negates(ref, lang) and not _negates(hyp, lang):
        return []
    more, fewer, ref_has_more = (left, right, True) if len(left) > len(right) else (right, left, False)
    side, other = (ref, hyp) if ref_has_more else (hyp, ref)
    unmatched = [c for c in more if not any(_same_place(side, c, other, d) for d in fewer)]
    extra = (unmatched + [c for c in more if c not in unmatched])[: len(more) - len(fewer)]
    changes = []
    for cue in sorted(extra):
        here = _context(side.text, cue)
        there = _context_of_next_word(side.text, cue, other.text)
        changes.append(Change("negation", here, there) if ref_has_more else Change("negation", there, here))
    return changes


def _negates(side: _Side, lang: _Language) -> bool:
    """Whether the negation pattern matches the side's lower-cased text (curly apostrophes left as they are)."""
    return _may_negate(side, lang, "n't") and lang.negation.search(side.lowered) is not None


def _may_negate(side: _Side, lang: _Language, *contractions: str) -> bool:
    """False only where the negation pattern cannot match the side's lower-cased text, told from its words
    (a set look-up, not a scan of the text). A cue matches a whole word (``\\b`` either side), and a whole
    word of the text is a word of the side or, beside an apostrophe, a part of one; "n't" (one of
    ``contractions``) needs its apostrophe. Where lower-casing moved characters ("İ") the words do not tell."""
    if not side.aligned:
        return True
    if not side.apostrophes:
        return not lang.cue_words.isdisjoint(side.lower_set)
    if any(contraction in side.lowered for contraction in contractions):
        return True
    parts = "'".join(side.folds).replace("’", "'").split("'")  # every word cut at its apostrophes
    return not lang.cue_words.isdisjoint(parts)


def _cues(side: _Side, lang: _Language) -> list[int]:
    """Positions of the negation cues in the side's text, idioms removed, "neither ... nor" counted once."""
    if not _may_negate(side, lang, "n't", "n’t"):
        return []
    folded = side.lowered.replace("’", "'")  # lower(), not casefold(): positions must stay
    if lang.idiom_hint.search(folded):
        folded = lang.idioms.sub(lambda m: " " * len(m.group()), folded)
    cues = []
    paired = False
    for match in lang.negation.finditer(folded):
        word = match.group()
        if word in ("nor",) and paired:
            paired = False
            continue
        paired = paired or word in ("neither", "weder")
        cues.append(match.start())
    return cues


_WORD_AFTER = re.compile(r"[\W\d_]*([^\W\d_]+)")


def _same_place(side: _Side, cue: int, other: _Side, other_cue: int) -> bool:
    """Whether two cues negate the same word (the first word after each is the same)."""
    a = _WORD_AFTER.match(side.text, cue + _cue_length(side.text, cue))
    b = _WORD_AFTER.match(other.text, other_cue + _cue_length(other.text, other_cue))
    return bool(a and b and a.group(1).casefold()[:5] == b.group(1).casefold()[:5])


def _cue_length(text: str, start: int) -> int:
    match = _WORD.match(text, start)
    if match is None:  # "n't" starts inside a word
        return 3
    return len(match.group())


def _context(text: str, position: int) -> str:
    """The cue at ``position`` with up to :data:`_CONTEXT` words either side."""
    words = list(_WORD.finditer(text))
    index = next((k for k, m in enumerate(words) if m.start() <= position < m.end()), None)
    if index is None:
        index = next((k for k, m in enumerate(words) if m.start() >= position), len(words) - 1)
    first, last = max(0, index - _CONTEXT), min(len(words) - 1, index + _CONTEXT)
    return text[words[first].start() : words[last].end()]


def _context_of_next_word(text: str, cue: int, other: str) -> str:
    """The other side's words around the word this cue negates, if the other side has that word; else ""."""
    after = _WORD_AFTER.match(text, cue + _cue_length(text, cue))
    if after is None:
        return ""
    stem = re.escape(after.group(1).casefold()[:5])
    found = re.search(rf"\b{stem}", other.casefold())
    return _context(other, found.start()) if found else ""


# --- content ------------------------------------------------------------------------------------------------------


def _content_changes(ref: _Side, hyp: _Side, lang: _Language) -> list[Change]:
    """Runs of content words that only one side has, on the side that is longer by about that run."""
    left, right = _content_words(ref, lang), _content_words(hyp, lang)
    changes = []
    for run in _lonely_runs(ref, left, hyp, right):
        changes.append(Change("content", ref.span(run[0], run[-1]), ""))
    for run in _lonely_runs(hyp, right, ref, left):
        changes.append(Change("content", "", hyp.span(run[0], run[-1])))
    return changes


def _content_words(side: _Side, lang: _Language) -> list[int]:
    return [k for k, f in enumerate(side.folds) if len(f) >= 3 and f not in lang.stopwords]


def _lonely_runs(side: _Side, words: list[int], other: _Side, other_words: list[int]) -> list[list[int]]:
    """Runs of at least :data:`RUN` content words of ``side`` with no counterpart in ``other``."""
    surplus = len(words) - len(other_words)
    if surplus < RUN - 1:
        return []
    folds, other_set = side.folds, other.lower_set  # a shared word is the common case: has_word's first test, inlined
    lonely = [
        k for k in words if folds[k] not in other_set and not other.has_word(folds[k]) and not _stem_in(folds[k], other)
    ]
    if len(lonely) < RUN:
        return []
    from rapidfuzz import fuzz, process  # once a run may be there, not once a word

    vocabulary = [other.folds[j] for j in other_words]
    runs, run = [], []
    lonely_set = set(lonely)
    for k in words:
        if k in lonely_set and process.extractOne(folds[k], vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY) is None:
            run.append(k)
            continue
        if len(run) >= RUN:
            runs.append(run)
        run = []
    if len(run) >= RUN:
        runs.append(run)
    return [r for r in runs if len(r) <= surplus + 1]


def _stem_in(fold: str, other: _Side) -> bool:
    return len(fold) >= 5 and bool(other.starting(fold[:5]))
