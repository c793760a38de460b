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
from collections.abc import Collection, Iterable
from dataclasses import dataclass

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
    idioms: re.Pattern[str]  # look like negations, are not
    stopwords: frozenset[str]
    titles: frozenset[str]


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
    negation=re.compile(
        r"\b(?:not|no|never|nobody|nothing|none|neither|nor|without|cannot|nowhere|noone)\b|(?<=[a-z])n't\b"
        r"|\b(?:do|does|did|is|are|was|were|could|would|should|wo|ca|has|have|had|must|need)nt\b"
    ),
    idioms=re.compile(
        r"\bno (?:less|more|fewer) than\b|\bnot only\b|\bnothing but\b|\bno doubt\b|\bno matter\b|\bwhether or not\b"
        r"|\bnot to mention\b|\bnone the less\b|\bnever mind\b|\bnot least\b|(?:^|[.!?]\s+)[\"'“‘]?no(?=\s*[,.!?])"
    ),
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
    negation=re.compile(
        r"\b(?:nicht|kein|keine|keinen|keinem|keiner|keines|keins|nie|niemals|niemand|niemandem|niemanden|nichts"
        r"|weder|ohne|nirgends|nirgendwo|keinesfalls|keineswegs)\b"
    ),
    idioms=re.compile(r"\bnicht nur\b|\bnicht zuletzt\b|\bohne zweifel\b|\bnicht weniger als\b|\bnicht mehr als\b"),
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
)

# --- one side of a pair, tokenised once ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # U.S., u.s., U.K.: read as US, us, UK
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


class _Side:
    """One side's words (with their spans), case-folded forms and look-up sets, built once per pair."""

    __slots__ = ("folds", "joined", "lang", "lower_set", "prefixes", "starts", "text", "words")

    def __init__(self, text: str, lang: _Language) -> None:
        self.text = text
        self.lang = lang
        scan = _DOTTED.sub(lambda m: m.group().replace(".", "") + " " * m.group().count("."), text)
        matches = list(_WORD.finditer(scan))
        spans = [m.span() for m in matches]
        self.words = [scan[a:b] for a, b in spans]
        self.starts = [a for a, _ in spans]
        low = scan.lower()
        if len(low) == len(scan) and "'" not in scan and "’" not in scan:
            self.folds = [low[a:b] for a, b in spans]  # one lower() for the text, not one per word
        else:
            self.folds = [_fold(w) for w in self.words]
        self.lower_set = set(self.folds)
        self.joined: dict[int, str] = {}  # word -> its hyphenated compound written as one word ("co-operation")
        for k in range(len(matches) - 1):
            if scan[matches[k].end() : matches[k + 1].start()] == "-":
                joined = self.folds[k] + self.folds[k + 1]
                self.joined[k] = self.joined[k + 1] = joined
                self.lower_set.add(joined)
        if not _ALIAS_WORDS.isdisjoint(self.lower_set):
            for acronym, words in _ALIASES.items():
                if acronym in self.lower_set:
                    self.lower_set.update(words)
                elif all(w in self.lower_set for w in words):
                    self.lower_set.add(acronym)
        self.prefixes: dict[str, list[str]] | None = None  # built when first needed

    def prefix_table(self) -> dict[str, list[str]]:
        """The side's words by their first four letters, for :meth:`has_word`."""
        if self.prefixes is None:
            self.prefixes = {}
            for fold in self.lower_set:
                self.prefixes.setdefault(fold[:4], []).append(fold)
        return self.prefixes

    def has_word(self, fold: str) -> bool:
        """Whether this side has ``fold`` or an inflection of it ("russia"/"russian", "ukraine"/"ukrainian")."""
        if fold in self.lower_set:
            return True
        if len(fold) >= 4:
            for other in self.prefix_table().get(fold[:4], ()):
                if _inflection(fold, other):
                    return True
            if self.lang.code == "de" and len(fold) >= 5 and fold in self.text.casefold():
                return True  # a compound part: "stadt" in "Hauptstadt"
        return False

    def span(self, first: int, last: int) -> str:
        """The original text of words ``first`` to ``last`` (inclusive)."""
        end = self.starts[last] + len(self.words[last])
        if self.text[self.starts[last] : end] != self.words[last]:  # a dotted acronym: "U.S." read as "US"
            end = _DOTTED.match(self.text, self.starts[last]).end()
        return self.text[self.starts[first] : end]


_ENDINGS = frozenset(_words("s es n an ans ian ians ese e a y i er ers en ern ish isch ische ischen ischer")) | {""}
_SHORT_ENDINGS = frozenset({"", "e", "a", "y"})


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
_NUMERIC = re.compile(r"(?<!\w)([^\W\d_]+-?)?(\d+(?:[.,:\u00a0\u202f\u2009]\d+)*)(-?[^\W\d_]+)?")
_NUMBER_SUFFIXES = frozenset(
    _words("st nd rd th s er ern km kg g m cm mm mi ml l h min mph pm am x bn mn k ft lb oz kw mw gw ha sec")
)
_AFTER_SPACE = re.compile(r"[\s\u00a0]*([^\W\d_]+)\.?")
_PERCENT_SIGN = re.compile(r"[\s\u00a0]?%|\s+(?:percent|per cent|prozent)\b", re.IGNORECASE)  # kept in the report
_HYPHEN_NUMBER_WORD = re.compile(r"-")


@dataclass(frozen=True)
class _Mention:
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
        if mention.qualifier and partner.qualifier and mention.qualifier != partner.qualifier:
            changes.append(Change("number", _mention_text(ref.text, mention), _mention_text(hyp.text, partner)))
    missing = [m for m in missing if not m.soft]
    added = [m for m in unmatched_right if not m.soft]
    for k in range(max(len(missing), len(added))):
        old = _mention_text(ref.text, missing[k]) if k < len(missing) else ""
        new = _mention_text(hyp.text, added[k]) if k < len(added) else ""
        changes.append(Change("number", old, new))
    return changes


def _may_have_numbers(side: _Side, lang: _Language) -> bool:
    """A cheap test that skips the number pass for texts with no digit, number word or month."""
    return _DIGIT.search(side.text) is not None or _has_number_words(side, lang)


def _has_number_words(side: _Side, lang: _Language) -> bool:
    if not _NUMBER_WORD_SETS[lang.code].isdisjoint(side.lower_set):
        return True
    return lang.code == "de" and any(f.endswith(_GERMAN_COMPOUND_ENDS) for f in side.lower_set)


def _mention_text(text: str, mention: _Mention) -> str:
    start = mention.qualifier_start if mention.qualifier else mention.start
    return text[start : mention.end]


def _mentions(side: _Side, lang: _Language) -> list[_Mention]:
    """Every number on one side in text order: digits (with scale words), number words, dates merged."""
    digits = [_digit_mention(side.text, m, lang) for m in _NUMERIC.finditer(side.text)]
    taken = [(m.start, m.end) for m in digits]
    words = []
    if _has_number_words(side, lang):
        words = [m for m in _word_mentions(side, lang) if not any(a <= m.start < b for a, b in taken)]
    mentions = sorted(digits + words, key=lambda m: m.start)
    mentions = _merge_dates(side, mentions, lang)
    return [_qualified(side.text, m, lang) for m in mentions]


def _digit_mention(text: str, match: re.Match[str], lang: _Language) -> _Mention:
    prefix, digits, suffix = match.groups()
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
    return float(f"{value:.12g}")


_NUMBER_WORD_SETS = {
    lang.code: frozenset({*lang.units, *lang.scales, *lang.ordinals, *lang.months}) for lang in (_ENGLISH, _GERMAN)
}
_GERMAN_COMPOUND_ENDS = ("zig", "ßig", "hundert", "tausend", "zehn")


_JOINS = frozenset({" ", "-"})  # between the words of one number: "twenty-five", "two hundred", not "five, ten"


def _word_mentions(side: _Side, lang: _Language) -> Iterable[_Mention]:
    """Numbers written in words: runs of number words ("twenty-five", "two hundred", "zwei Millionen")."""
    k = 0
    folds = side.folds
    while k < len(folds):
        fold = folds[k]
        if fold in lang.ordinals:
            yield _Mention(float(lang.ordinals[fold]), side.starts[k], side.starts[k] + len(side.words[k]), soft=True)
            k += 1
            continue
        value = _number_word(fold, lang)
        if value is None or (fold in ("a", "an") and (k + 1 >= len(folds) or folds[k + 1] not in lang.scales)):
            k += 1
            continue
        first, total, current = k, 0.0, float(value)
        k += 1
        while k < len(folds) and side.text[side.starts[k - 1] + len(side.words[k - 1]) : side.starts[k]] in _JOINS:
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
        yield _Mention(_round(total + current), side.starts[first], side.starts[k - 1] + len(side.words[k - 1]), soft)


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
    out = list(mentions)
    for k, fold in enumerate(side.folds):
        month = lang.months.get(fold.rstrip("."))
        if month is None or fold in lang.ordinals or fold in lang.units:
            continue
        start, end = side.starts[k], side.starts[k] + len(side.words[k])
        day = _adjacent_day(side.text, out, start, end)
        if day is not None:
            out.remove(day)
            lo, hi = min(start, day.start), max(end, day.end)
            out.append(_Mention(("date", month, day.value), lo, hi))
        elif side.words[k][0].isupper() and fold not in _MONTH_AMBIGUOUS:
            out.append(_Mention(("month", month), start, end))
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
    missing = [k for k in _name_words(ref, hyp, lang, known_lower) if not _has_name(ref, k, hyp)]
    added = [k for k in _name_words(hyp, ref, lang, known_lower) if not _has_name(hyp, k, ref)]
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
            changes.append(Change("name", ref.span(first, last), _counterpart(ref, first, last, hyp)))
    for k, (first, last) in enumerate(new_spans):
        if k not in used:
            changes.append(Change("name", _counterpart(hyp, first, last, ref), hyp.span(first, last)))
    return changes


def _has_name(side: _Side, k: int, other: _Side) -> bool:
    """Whether ``other`` has word ``k`` of ``side``, alone or as the compound it is part of ("Co-operation")."""
    return other.has_word(side.folds[k]) or (k in side.joined and other.has_word(side.joined[k]))


def _name_words(side: _Side, other: _Side, lang: _Language, known_lower: Collection[str]) -> list[int]:
    """Indexes of the words of ``side`` that are names (see the module docstring for the rules)."""
    out = []
    for k, word in enumerate(side.words):
        if not word[0].isupper():
            continue
        fold = side.folds[k]
        acronym = len(word) >= 2 and word.isupper()
        if not acronym and (fold in lang.stopwords or fold in lang.months or fold in known_lower):
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
    return any(
        s.folds[j] == fold and s.words[j][0].isupper() and not _is_initial(s.text, s.starts[j])
        for s in (side, other)
        for j in range(len(s.words))
    )


def _capital_neighbour(side: _Side, k: int, step: int, lang: _Language) -> bool:
    """Whether the word beside word ``k`` (only a space between) is capitalised and not a stopword."""
    j = k + step
    if not 0 <= j < len(side.words):
        return False
    a, b = (j, k) if step < 0 else (k, j)
    gap = side.text[side.starts[a] + len(side.words[a]) : side.starts[b]]
    return gap in (" ", "-") and side.words[j][0].isupper() and side.folds[j] not in lang.stopwords


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
    if last + 1 < len(side.words):
        anchor = side.folds[last + 1]
        hits = [j for j, f in enumerate(other.folds) if f == anchor]
        if len(hits) == 1 and hits[0] > 0:
            return hits[0] - 1
    if first > 0:
        anchor = side.folds[first - 1]
        hits = [j for j, f in enumerate(other.folds) if f == anchor]
        if len(hits) == 1 and hits[0] + 1 < len(other.words):
            return hits[0] + 1
    return None


def _counterpart(side: _Side, first: int, last: int, other: _Side) -> str:
    """What the other side says in this name's place ("deputy" for "Assistant"), or "" if it has nothing there."""
    j = _counterpart_index(side, first, last, other)
    if j is None or other.has_word(side.folds[first]) or side.has_word(other.folds[j]):
        return ""
    return other.words[j]


# --- negation -----------------------------------------------------------------------------------------------------


def _negation_changes(ref: _Side, hyp: _Side, lang: _Language) -> list[Change]:
    """One change per negation that one side has more of, with the words around it."""
    if lang.negation.search(ref.text.lower()) is None and lang.negation.search(hyp.text.lower()) is None:
        return []
    left, right = _cues(ref.text, lang), _cues(hyp.text, lang)
    if len(left) == len(right):
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


def _cues(text: str, lang: _Language) -> list[int]:
    """Positions of the negation cues in ``text``, idioms removed, "neither ... nor" counted once."""
    folded = text.lower().replace("’", "'")  # lower(), not casefold(): positions must stay
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
    lonely = [k for k in words if not other.has_word(side.folds[k]) and not _stem_in(side.folds[k], other)]
    if len(lonely) < RUN:
        return []
    vocabulary = [other.folds[j] for j in other_words]
    runs, run = [], []
    lonely_set = set(lonely)
    for k in words:
        if k in lonely_set and not _fuzzy_in(side.folds[k], vocabulary):
            run.append(k)
            continue
        if len(run) >= RUN:
            runs.append(run)
        run = []
    if len(run) >= RUN:
        runs.append(run)
    return [r for r in runs if len(r) <= surplus + 1]


def _stem_in(fold: str, other: _Side) -> bool:
    return len(fold) >= 5 and any(f.startswith(fold[:5]) for f in other.prefix_table().get(fold[:4], ()))


def _fuzzy_in(fold: str, vocabulary: list[str]) -> bool:
    from rapidfuzz import fuzz, process

    return process.extractOne(fold, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY) is not None
