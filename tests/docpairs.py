"""Unaligned document pairs with a known alignment, built from real line-aligned MT data.

Sources: TED (Slovak-English MT, sentence per line) and WMT22 news (German output of en-de, English
output of zh-en; segments often several sentences long). Line k of a reference corresponds to line k
of its system output; each line is a *unit*. A document pair is a window of units, edited on the
hypothesis side as real MT output is: units dropped (omissions) or inserted from far away
(additions), 2-4 consecutive units merged into one sentence, a unit split in two, the whole output
lower-cased and stripped of punctuation, a headline and a byline above the text, and both sides glued
into paragraphs with independent breaks, except that a unit whose reference has no final punctuation
(a WMT headline or subhead) stays on a line of its own on both sides, as such lines do in real layouts.

The gold alignment is at unit level: each gold link is (reference units, hypothesis pieces), where a
piece is a unit, a merge of units or half of a split unit as it appears in the hypothesis. A predicted
sentence alignment is projected onto units through the words each sentence draws from each unit
(tests/tedpairs.py's sentence_lines), and scored strictly (a predicted link equals a gold link) and
laxly (it overlaps one), as Bleualign and vecalign score, per gold link type. Used by
benchmarks/align_quality.py.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SOURCES = {
    "ted": (DATA / "ted" / "reference.en", DATA / "ted" / "system.en", "en"),
    "wmt22-de": (
        DATA / "wmt22" / "generaltest2022.en-de.ref.A.de",
        DATA / "wmt22" / "generaltest2022.en-de.hyp.Online-B.de",
        "de",
    ),
    "wmt22-en": (
        DATA / "wmt22" / "generaltest2022.zh-en.ref.A.en",
        DATA / "wmt22" / "generaltest2022.zh-en.hyp.Online-B.en",
        "en",
    ),
}
_PUNCTUATION = re.compile(r"[^\w\s'’-]")
_CLOSED = re.compile(r"""[.!?…:;"'”’»)\]]\s*$""")  # a unit that ends a sentence


def load(source: str) -> tuple[list[str], list[str], str]:
    ref_path, hyp_path, language = SOURCES[source]
    refs = ref_path.read_text(encoding="utf-8").split("\n")
    hyps = hyp_path.read_text(encoding="utf-8").split("\n")
    if refs[-1] == "" and hyps[-1] == "":
        refs, hyps = refs[:-1], hyps[:-1]
    keep = [k for k, (r, h) in enumerate(zip(refs, hyps, strict=True)) if r.strip() and h.strip()]
    return [refs[k].strip() for k in keep], [hyps[k].strip() for k in keep], language


@dataclass(frozen=True)
class Edits:
    drop: float = 0.03
    add: float = 0.02
    merge: float = 0.06  # chance that a unit starts a merge of 2-4 units
    split: float = 0.04
    lowercase: bool = False  # the whole output lower-cased and without punctuation
    keep_punctuation: bool = False  # ... lower-cased only, its punctuation kept
    headline: bool = True  # a title line above the first paragraph
    byline: bool = True  # a byline and a dateline under the title (metadata: set aside, in no link)
    paragraph: tuple[int, int] = (1, 5)  # units per paragraph


@dataclass(frozen=True)
class DocPair:
    source: str
    language: str
    ref_text: str
    hyp_text: str
    ref_units: list[str]  # the reference's units in document order
    hyp_pieces: list[str]  # the hypothesis's pieces in document order
    gold: list[tuple[frozenset[int], frozenset[int]]]  # (reference units, hypothesis pieces); omissions/additions
    headline: bool = field(default=False)

    def gold_type(self, link: tuple[frozenset[int], frozenset[int]]) -> str:
        return f"{len(link[0])}-{len(link[1])}"


def make_pair(source: str, seed: int, size: int = 200, edits: Edits | None = None, corpus=None) -> DocPair:
    edits = edits or Edits()
    refs, hyps, language = corpus or load(source)
    rng = random.Random(f"{source}:{seed}")
    start = rng.randrange(0, max(1, len(refs) - size))
    window = list(range(start, min(start + size, len(refs))))
    ref_units = [refs[k] for k in window]
    pieces: list[str] = []
    gold: list[tuple[frozenset[int], frozenset[int]]] = []
    local = 0
    while local < len(window):
        if rng.random() < edits.add:
            far = (window[local] + len(refs) // 2 + rng.randrange(100)) % len(refs)
            gold.append((frozenset(), frozenset({len(pieces)})))
            pieces.append(hyps[far])
        roll = rng.random()
        if roll < edits.drop:
            gold.append((frozenset({local}), frozenset()))
            local += 1
        elif roll < edits.drop + edits.merge and local + 1 < len(window):
            count = min(rng.randint(2, 4), len(window) - local)
            parts = [hyps[window[local + k]] for k in range(count)]
            gold.append((frozenset(range(local, local + count)), frozenset({len(pieces)})))
            pieces.append(_merged(parts, rng))
            local += count
        elif roll < edits.drop + edits.merge + edits.split and _splittable(hyps[window[local]]):
            first, second = _split(hyps[window[local]])
            gold.append((frozenset({local}), frozenset({len(pieces), len(pieces) + 1})))
            pieces += [first, second]
            local += 1
        else:
            gold.append((frozenset({local}), frozenset({len(pieces)})))
            pieces.append(hyps[window[local]])
            local += 1
    shown = [_lowercased(p, edits.keep_punctuation) for p in pieces] if edits.lowercase else pieces
    titles = {k for k, unit in enumerate(ref_units) if not _CLOSED.search(unit)}  # headlines, subheads
    piece_titles = {p for r, h in gold if len(r) == 1 and set(r) <= titles for p in h}
    ref_text = _glue(ref_units, rng, edits.paragraph, blank=False, alone=titles)
    hyp_text = _glue(shown, rng, edits.paragraph, blank=True, alone=piece_titles)
    if edits.headline:  # a title line directly above the first paragraph, a unit of its own on both sides
        title = " ".join(ref_units[0].split()[:6]).rstrip(".,;:")
        hyp_title = _lowercased(title, edits.keep_punctuation) if edits.lowercase else title
        byline = ("Von Anna Weber, dpa\nAktualisiert: 3. März 2022" if language == "de"
                  else "By Anna Weber, Reuters\nPublished: 3 March 2022") if edits.byline else ""  # fmt: skip
        # a lower-cased copy has only the dateline: a lower-cased name cannot tell a byline from text
        hyp_byline = _lowercased(byline.split("\n")[-1], edits.keep_punctuation) if edits.lowercase else byline
        ref_text = f"{title}\n{byline}\n{ref_text}" if byline else f"{title}\n{ref_text}"
        hyp_text = f"{hyp_title}\n{hyp_byline}\n{hyp_text}" if byline else f"{hyp_title}\n{hyp_text}"
        ref_units, shown = [title, *ref_units], [hyp_title, *shown]
        gold = [(frozenset({0}), frozenset({0}))] + [
            (frozenset(u + 1 for u in r), frozenset(p + 1 for p in h)) for r, h in gold
        ]
    return DocPair(source, language, ref_text, hyp_text, ref_units, shown, gold, edits.headline)


def _merged(parts: list[str], rng: random.Random) -> str:
    """Units joined into one sentence, as MT output that merges sentences does."""
    joined = parts[0].rstrip(" .!?")
    for part in parts[1:]:
        glue = rng.choice([", and ", "; ", ", "])
        joined += glue + (part[:1].lower() + part[1:]).rstrip(" .!?")
    return joined + "."


def _splittable(text: str) -> bool:
    return ", " in text and len(text.split()) >= 10


def _split(text: str) -> tuple[str, str]:
    commas = [m.start() for m in re.finditer(", ", text)]
    middle = min(commas, key=lambda at: abs(at - len(text) / 2))
    first, second = text[:middle], text[middle + 2 :]
    return first + ".", second[:1].upper() + second[1:]


def _lowercased(text: str, keep_punctuation: bool = False) -> str:
    return text.lower() if keep_punctuation else " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


def _glue(units: list[str], rng: random.Random, per: tuple[int, int], *, blank: bool, alone=frozenset()) -> str:
    """Units joined into paragraphs of ``per`` units; those in ``alone`` (titles) on a line of their own."""
    paragraphs, k = [], 0
    while k < len(units):
        take = 1 if k in alone else rng.randint(*per)
        take = next((t for t in range(1, take) if k + t in alone), take)  # a title starts a new line
        paragraphs.append(" ".join(units[k : k + take]))
        k += take
    return ("\n\n" if blank else "\n").join(paragraphs) + "\n"


# --- scoring ---------------------------------------------------------------------------------------


def best_sentence_links(gold: list, ref_owners: list[set[int]], hyp_owners: list[set[int]]) -> list:
    """The best alignment of whole sentences: sentences that share a gold link (through their units) are
    one link. What no sentence aligner can beat when sentences span units; the benchmark's ceiling."""
    from mtqe.model import Link

    parent: dict = {}
    find = functools.partial(_find, parent)

    link_of = {
        (side, unit): k for k, (r, h) in enumerate(gold) for side, units in (("r", r), ("h", h)) for unit in units
    }
    for side, owners in (("r", ref_owners), ("h", hyp_owners)):
        for index, units in enumerate(owners):
            find((side.upper(), index))
            for unit in units:
                parent[find((side.upper(), index))] = find(("link", link_of[side, unit]))
    groups: dict = defaultdict(lambda: ([], []))
    for index in range(len(ref_owners)):
        groups[find(("R", index))][0].append(index)
    for index in range(len(hyp_owners)):
        groups[find(("H", index))][1].append(index)
    return [Link(tuple(r), tuple(h)) for r, h in groups.values()]


def sentence_gold(gold: list, ref_owners: list[set[int]]) -> list:
    """The gold links joined where one reference sentence spans their units (a unit without final punctuation
    glued to the next): the gold a human would mark on the reference as it is written, whose sentences an
    aligner links but never cuts. Hypothesis sentences that span units still count against the aligner."""
    parent: dict[int, int] = {}
    find = functools.partial(_find, parent)

    link_of = {unit: k for k, (r, _) in enumerate(gold) for unit in r}
    for units in ref_owners:
        ks = [link_of[u] for u in units if u in link_of]
        for k in ks[1:]:
            parent[find(k)] = find(ks[0])
    groups: dict = defaultdict(lambda: (set(), set()))
    for k, (r, h) in enumerate(gold):
        groups[find(k)][0].update(r)
        groups[find(k)][1].update(h)
    return [(frozenset(r), frozenset(h)) for r, h in groups.values()]


def project(links, ref_owners: list[set[int]], hyp_owners: list[set[int]], units: int, pieces: int) -> list:
    """Predicted sentence links -> unit-level links: connected groups of units and pieces.

    ``ref_owners``/``hyp_owners`` give each sentence's units (:func:`tests.tedpairs.sentence_lines`)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}
    find = functools.partial(_find, parent)

    for u in range(units):
        find(("r", u))
    for p in range(pieces):
        find(("h", p))
    for link in links:
        nodes = [("r", u) for i in link.ref_ids for u in ref_owners[i]]
        nodes += [("h", p) for j in link.hyp_ids for p in hyp_owners[j]]
        for node in nodes[1:]:
            a, b = find(nodes[0]), find(node)
            if a != b:
                parent[a] = b
    groups: dict = defaultdict(lambda: (set(), set()))
    for u in range(units):
        groups[find(("r", u))][0].add(u)
    for p in range(pieces):
        groups[find(("h", p))][1].add(p)
    return [(frozenset(r), frozenset(h)) for r, h in groups.values()]


@dataclass
class LinkScores:
    """Strict and lax link precision/recall, per gold link type, summed over documents."""

    strict_hits: int = 0
    lax_hits: int = 0
    predicted: int = 0
    lax_predicted_hits: int = 0
    gold: int = 0
    by_type: Counter = field(default_factory=Counter)  # gold links per type
    found_by_type: Counter = field(default_factory=Counter)  # of those, predicted exactly
    false_omissions: int = 0  # reference sentences predicted omitted whose unit has a partner
    false_unit_omissions: int = 0  # ... of those, sentences of units left out whole (every sentence omitted)
    ref_sentences: int = 0

    def add(self, predicted: list, gold: list, ref_units_with_partner: set[int], omitted_sentences: list[set[int]]):
        gold_set, predicted_set = set(gold), set(predicted)
        self.strict_hits += len(gold_set & predicted_set)
        self.predicted += len(predicted_set)
        self.gold += len(gold_set)
        for link in gold:
            kind = f"{len(link[0])}-{len(link[1])}"
            self.by_type[kind] += 1
            self.found_by_type[kind] += link in predicted_set
            self.lax_hits += any(_overlap(link, other) for other in predicted_set)
        self.lax_predicted_hits += sum(any(_overlap(link, g) for g in gold_set) for link in predicted_set)
        self.false_omissions += sum(1 for units in omitted_sentences if units & ref_units_with_partner)
        linked = {unit for r, h in predicted if h for unit in r}  # units some predicted match covers
        self.false_unit_omissions += sum(
            1 for units in omitted_sentences if units & ref_units_with_partner and not units & linked
        )

    def f1(self, lax: bool = False) -> tuple[float, float, float]:
        hits_p = self.lax_predicted_hits if lax else self.strict_hits
        hits_r = self.lax_hits if lax else self.strict_hits
        p, r = hits_p / max(self.predicted, 1), hits_r / max(self.gold, 1)
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def _find(parent: dict, node):
    """The root of ``node``'s group in a union-find forest kept as ``parent`` (a node not in it is a root)."""
    while parent.setdefault(node, node) != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _overlap(a, b) -> bool:
    """Lax correctness: the links share a reference and a hypothesis unit, or are omissions (additions)
    of a shared unit."""
    if a[0] and a[1] and b[0] and b[1]:
        return bool(a[0] & b[0]) and bool(a[1] & b[1])
    if not a[1] and not b[1]:
        return bool(a[0] & b[0])
    if not a[0] and not b[0]:
        return bool(a[1] & b[1])
    return False
