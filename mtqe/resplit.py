"""Sentence splitting guided by the other document, for text the sentence splitter cannot split.

Lower-cased, tokenized or unpunctuated MT output glued into paragraphs has
almost no boundaries the Moses-style splitter recognises (it wants a capital
letter after the full stop), so a paragraph of ten sentences stays one
"sentence" and no alignment of it can be right. When a hypothesis has far
fewer boundaries than its reference (:func:`undersegmented`), its sentences
are cut where the reference's sentences end, found by a dynamic programme over
the hypothesis's words:

* each reference sentence in turn takes a span of consecutive hypothesis words
  (never across a sentence or paragraph boundary the hypothesis already has),
  gaining the IDF weight of the span's words that are also in that sentence
  (and, times ``pair``, of its consecutive word pairs that are pairs of the
  sentence), and ``edge`` for each of its first and last two words among the
  sentence's first and last three, less ``length`` times the span's distance from the expected length (the
  sentence's length times the documents' length ratio), and ``boundary`` times
  how often its first word starts and its last word ends a reference sentence
  (of all that word's uses there: "so" and "but" often start one, "right"
  often ends one), or, in text without punctuation, ``odds`` times the log-odds of it (learnt also from the
  first and last words of the hypothesis's own sentences), which tell a cut after "the" (never an end) from
  one before it, less ``inner`` for a cut between two words that stand side by side inside a reference
  sentence ("the restaurant"); a sentence may also take nothing (an omission);
* words no sentence takes form pieces of their own (additions), each costing
  ``piece``;
* ending a span right after a full stop, question or exclamation mark earns
  ``stop``, so punctuated lower-cased text is cut at its punctuation.

Words are compared by their first five letters, lower-cased and without punctuation, so "re-ordered" in
the hypothesis counts as the reference's "re-order" and "purchasing" as "purchase".

Only a band around the length-proportional diagonal is searched, doubled when
the best path touches its edge as long as its table stays small
(``_MAX_CELLS``): a hypothesis missing a long stretch then gets cuts from
the widest affordable band instead of a search of hours. The pieces then go to the ordinary aligner,
which can still merge them; the split is only where boundaries may be.

After alignment, a hypothesis sentence that one link matches with several
reference sentences (MT that merges "A. B. C." into "a, and b; c", or chat
lines that lost their full stops glued into one sentence) is cut the same way,
with only that link's reference sentences (:func:`split_merged`); several
hypothesis sentences of one paragraph that one link matches with several
reference sentences (boundaries that fall elsewhere: "A B. C." against
"A. B C.") are joined and cut again the same way. Both cuts learn word weights
and how often words start and end sentences from the whole reference, not from
the link's few sentences. The document is then aligned again, and each
reference sentence is scored against its own part, as mwerSegmenter
re-segments MT output for evaluation; a sentence that spans two lines of the
source is no longer forced into one link.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from mtqe.kernel import kernel
from mtqe.model import Document, Link, Sentence

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")  # where a cut may fall: between words, or CJK characters
_NOT_KEY = re.compile(r"[\W_]+")  # a word is compared without case and punctuation, by its first _STEM letters
_STOP = re.compile(r"""[.!?。！？…]["'”’»)\]]*$""")  # a word that ends a sentence
_EDGE = 3  # words at each end of a reference sentence that a span's ends are compared with
_MAX_CELLS = 4_000_000  # the band is widened only while its table stays this small (about 70 MB)
_MIN_SENTENCES = 4  # fewer reference sentences give too little to go by
_COVERED = 0.3  # an omitted sentence with this share of its word weight in its neighbour's part is part of it
_STEM = 5  # words are compared by this many first letters ("re-ordered" is "re-order", "Regierungen" "Regierung")
_RATIO = 2.0  # a hypothesis with sentences this many times longer (in words) than the reference's is split


@dataclass(frozen=True)
class SplitParams:
    length: float = 0.3  # per word of distance from the expected length, times the mean word weight
    piece: float = 2.0  # per piece of words no sentence takes, times the mean word weight
    stop: float = 3.0  # for a span that ends at sentence punctuation, times the mean word weight
    edge: float = 1.0  # per first (last) two words of a span among its sentence's first (last) three
    edge_unpunctuated: float = 2.0  # in text with (almost) no sentence punctuation, where they tell most,
    piece_unpunctuated: float = 0.5  # ... and where words left over are cheaper pieces of their own
    pair: float = 1.0  # per pair of consecutive span words that is a pair of its sentence, times their weight,
    pair_unpunctuated: float = 2.0  # ... twice as telling where nothing else holds a phrase together
    boundary: float = 2.0  # for a span whose first (last) word often starts (ends) reference sentences,
    boundary_unpunctuated: float = 0.0  # ... but not without punctuation, where the log-odds below tell more:
    odds: float = 0.0  # per unit of log-odds that a span's first (last) word starts (ends) a sentence
    odds_unpunctuated: float = 1.0  # ... in text without punctuation ("the" never ends one, "so" often starts one)
    inner_unpunctuated: float = 1.5  # there, for a cut between two words side by side in a reference sentence
    band: int = 200  # initial half-width of the search band, in words


def undersegmented(reference: Sequence[str], hypothesis: Sequence[str]) -> bool:
    """Whether the hypothesis's sentences are far longer than the reference's (few boundaries found)."""
    if len(reference) < _MIN_SENTENCES or not hypothesis:
        return False
    return _mean_words(hypothesis) >= _RATIO * max(_mean_words(reference), 1.0)


def _mean_words(texts: Sequence[str]) -> float:
    return sum(len(_TOKEN.findall(text)) for text in texts) / max(len(texts), 1)


def _words(text: str) -> list[tuple[int, str, bool]]:
    """Each word's start, its key (lower-cased, without punctuation; may be empty) and whether it ends a sentence."""
    return [(m.start(), *_key(m.group())) for m in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=65536)
def _key(word: str) -> tuple[str, bool]:
    return _NOT_KEY.sub("", word.lower())[:_STEM], bool(_STOP.search(word))


@dataclass(frozen=True)
class _Learned:
    """What a split takes from the whole reference, however few of its sentences it cuts for: each word's
    id, each sentence's word ids and each word's IDF weight."""

    vocabulary: dict[str, int]
    sentences: list[list[int]]
    idf: np.ndarray

    @functools.cached_property
    def uses(self) -> _Uses:
        """How often each word is used, starts and ends a sentence (counted once: cuts of single links are many)."""
        return _count_uses(self.sentences, len(self.vocabulary))

    @functools.cached_property
    def inner_pairs(self) -> np.ndarray:
        """Every pair of consecutive words of a sentence, as ``first * len(vocabulary) + second``, sorted."""
        size = len(self.vocabulary)
        pairs = {a * size + b for sentence in self.sentences for a, b in itertools.pairwise(sentence)}
        return np.array(sorted(pairs), dtype=np.int64)


def _learn(reference: Sequence[str]) -> _Learned:
    vocabulary: dict[str, int] = {}
    sentences = [[vocabulary.setdefault(key, len(vocabulary)) for _, key, _ in _words(text) if key]
                 for text in reference]  # fmt: skip
    frequency = np.bincount([i for ids in sentences for i in set(ids)], minlength=len(vocabulary))
    return _Learned(vocabulary, sentences, np.log((len(sentences) + 1) / (frequency + 1)) + 0.1)


def _punctuated(tokens: list[list[tuple[int, str, bool]]]) -> bool:
    """Whether text has sentence punctuation inside its sentences (full stops the splitter did not cut at)."""
    words = sum(len(sentence) for sentence in tokens)
    inside = sum(stop for sentence in tokens for _, _, stop in sentence[:-1])
    return inside >= 0.01 * words


def guided_split(reference: Document, hypothesis: Document, params: SplitParams | None = None) -> tuple[Document, int]:
    """The hypothesis with its sentences cut where the reference's sentences end; and how many cuts."""
    tokens = [_words(s.text) for s in hypothesis.sentences]
    learned = _learn(reference.texts)
    return _split(learned, learned.sentences, hypothesis, tokens, params or SplitParams(), _punctuated(tokens))


def _split(
    learned: _Learned,
    ref_words: list[list[int]],
    hypothesis: Document,
    tokens: list[list[tuple[int, str, bool]]],
    params: SplitParams,
    punctuated: bool,
) -> tuple[Document, int]:
    """:func:`guided_split` of the hypothesis's sentences (their ``tokens``) against reference sentences
    ``ref_words``, with what was ``learned`` from the whole reference, in ``punctuated`` text or not."""
    vocabulary = learned.vocabulary
    words = [key for sentence in tokens for _, key, _ in sentence]
    if not words or not any(ref_words):
        return hypothesis, 0
    ref_lengths = np.array([len(ids) for ids in ref_words], dtype=np.float64)
    ids = np.array([vocabulary.get(key, -1) if key else -1 for key in words], dtype=np.int64)
    weights = np.where(ids >= 0, learned.idf[np.maximum(ids, 0)], 0.0)
    segment = np.repeat(np.arange(len(tokens)), [len(t) for t in tokens]).astype(np.int64)
    stops = np.zeros(len(words) + 1)  # stops[b]: word b-1 ends a sentence (or its hypothesis sentence)
    ends_of_sentences = np.cumsum([len(t) for t in tokens])
    stops[1:] = [float(stop) for sentence in tokens for _, _, stop in sentence]
    stops[ends_of_sentences] = 1.0
    ends = np.full((len(ref_words), 2, _EDGE), -1, dtype=np.int64)  # each sentence's first and last words
    for k, sentence_ids in enumerate(ref_words):
        size = min(_EDGE, len(sentence_ids))
        if size:
            ends[k, 0, :size], ends[k, 1, :size] = sentence_ids[:size], sentence_ids[-size:]
    pairs = [sorted({a * len(vocabulary) + b for a, b in itertools.pairwise(ids)}) for ids in ref_words]
    pair_ptr = np.cumsum([0, *(len(p) for p in pairs)]).astype(np.int64)
    pair_flat = np.array([key for p in pairs for key in p], dtype=np.int64)
    ref_sets = [sorted(set(ids)) for ids in ref_words]
    ptr = np.cumsum([0, *(len(ids) for ids in ref_sets)]).astype(np.int64)
    flat = np.array([i for ids in ref_sets for i in ids], dtype=np.int64)
    scale = float(weights[weights > 0].mean()) if (weights > 0).any() else 1.0
    ratio = len(words) / max(ref_lengths.sum(), 1.0)
    edge = params.edge if punctuated else params.edge_unpunctuated
    piece = params.piece if punctuated else params.piece_unpunctuated
    boundary = params.boundary if punctuated else params.boundary_unpunctuated
    pair = params.pair if punctuated else params.pair_unpunctuated
    costs = np.array([params.length, piece, params.stop, edge, pair, 1.0])
    costs[:4] *= scale
    odds = params.odds if punctuated else params.odds_unpunctuated
    opener, closer = _boundary_odds(learned.uses, ids)
    opener, closer = scale * boundary * opener, scale * boundary * closer  # the kernel's boundary weight is 1
    if odds:
        edges = [(vocabulary.get(words[0][1], -1), vocabulary.get(words[-1][1], -1)) for words in tokens if words]
        log_opener, log_closer = _log_odds(learned.uses, ids, edges)
        opener, closer = opener + scale * odds * log_opener, closer + scale * odds * log_closer
        opener = opener - scale * params.inner_unpunctuated * _inner_pairs(learned, ids)
    width = params.band
    while True:
        cuts, touched = _search(ids, weights, segment, stops, ptr, flat, pair_ptr, pair_flat, ends, ref_lengths,
                                len(vocabulary), ratio, costs, width, opener, closer)  # fmt: skip
        if not touched or width >= len(words) or (len(ref_words) + 1) * (4 * width + 1) > _MAX_CELLS:
            break  # the best path fits the band, or a wider band would cost too much: these cuts will do
        width *= 2
    return _cut(hypothesis, tokens, set(cuts.tolist()))


# cut into its sentences' parts, no word left; with the linear start/end odds and no log-odds or inner pairs,
# which were tuned for text the splitter could not split: in split_merged's cuts of well-split documents
# (which count as unpunctuated: no stops inside their sentences) they raised TED's false omissions
_WHOLE = SplitParams(piece=math.inf, piece_unpunctuated=math.inf, pair_unpunctuated=1.0, boundary_unpunctuated=8.0,
                     odds_unpunctuated=0.0, inner_unpunctuated=0.0)  # fmt: skip


def split_merged(
    reference: Document, hypothesis: Document, links: Sequence[Link]
) -> tuple[Document, list[Link], dict[int, tuple[str, ...]]]:
    """The hypothesis with every sentence that translates several reference sentences cut where those
    sentences end (:func:`guided_split` with only them): one that a link matches alone with several, or
    whose part at either end has room for an omitted reference sentence beside it (:func:`_room`), and the
    sentences of one paragraph that a link matches with several, joined; the links with the hypothesis's
    sentences numbered as now; and the texts of the parts of each sentence ``j`` that was cut (by its old
    number; ``()`` for a sentence joined to the one before it)."""
    parts: dict[int, tuple[Sentence, ...]] = {}
    ref_texts = reference.texts
    learned = _learn(ref_texts)
    tokens = [_words(text) for text in hypothesis.texts]
    cut_into = functools.partial(_cut_into, learned, hypothesis, tokens, _punctuated(tokens))
    for k, link in enumerate(links):
        if len(link.ref_ids) > 1 and len(link.hyp_ids) > 1 and _one_paragraph(hypothesis, link.hyp_ids):
            cut = cut_into(link.ref_ids, link.hyp_ids)  # boundaries that moved: "A B. C." against "A. B C."
            if tuple(part.text for part in cut) != tuple(hypothesis.texts[j] for j in link.hyp_ids):
                parts.update({link.hyp_ids[0]: cut, **{j: () for j in link.hyp_ids[1:]}})
            continue
        if len(link.hyp_ids) != 1 or not link.ref_ids:
            continue
        (j,) = link.hyp_ids
        before, after = (_omitted(links[k + step]) if 0 <= k + step < len(links) else None for step in (-1, 1))
        cut = cut_into(link.ref_ids, link.hyp_ids) if len(link.ref_ids) > 1 else (hypothesis.sentences[j],)
        wider = _with_room(cut, ref_texts, link.ref_ids, before, after, learned)
        if wider != link.ref_ids:
            cut = cut_into(wider, link.hyp_ids)
        if len(cut) > 1:
            parts[j] = cut
    if not parts:
        return hypothesis, list(links), {}
    sizes = [len(parts.get(j, (sentence,))) for j, sentence in enumerate(hypothesis.sentences)]
    starts = np.concatenate(([0], np.cumsum(sizes))).tolist()
    renumbered = [Link(link.ref_ids, tuple(k for j in link.hyp_ids for k in range(starts[j], starts[j + 1])))
                  for link in links]  # fmt: skip
    sentences = tuple(part for j, sentence in enumerate(hypothesis.sentences) for part in parts.get(j, (sentence,)))
    texts = {j: tuple(part.text for part in cut) for j, cut in parts.items()}  # () for one joined to another
    return replace(hypothesis, sentences=sentences), renumbered, texts


def _omitted(link: Link) -> int | None:
    """The reference sentence of an omission of one sentence."""
    return link.ref_ids[0] if not link.hyp_ids and len(link.ref_ids) == 1 else None


def _with_room(cut: Sequence[Sentence], reference: Sequence[str], ref_ids: tuple[int, ...], before: int | None,
               after: int | None, learned: _Learned) -> tuple[int, ...]:  # fmt: skip
    """A link's reference sentences and the omitted ones beside them (``before``, ``after``) that the
    parts at its ends have room for."""
    room = functools.partial(_room, reference, learned)
    first = (before,) if before is not None and room(cut[0].text, ref_ids[0], before) else ()
    last = (after,) if after is not None and room(cut[-1].text, ref_ids[-1], after) else ()
    return (*first, *ref_ids, *last)


def _room(reference: Sequence[str], learned: _Learned, part: str, linked: int, omitted: int) -> bool:
    """Whether a hypothesis part linked to reference sentence ``linked`` also translates the omitted sentence
    beside it: it is nearer in length to both than to the linked one alone (MT that ran two lines together:
    "Totally unacceptable." and "Okay, fine." in "totally unacceptable Yes, ok"), or it holds enough of the
    omitted sentence's words that the linked one has not (:func:`_covered`; MT that garbled the second)."""
    alone = len(part) - len(reference[linked])
    if abs(alone - len(reference[omitted])) < abs(alone):
        return True
    return _covered(learned, part, learned.sentences[linked], learned.sentences[omitted]) >= _COVERED


def _covered(learned: _Learned, part: str, linked: list[int], omitted: list[int]) -> float:
    """The share of an omitted reference sentence's word weight (IDF, each word once) that a hypothesis part
    has and the reference sentence it is linked to has not; words compared by their first
    :data:`_STEM` letters (as every key is), so that "survives" finds "survivor" and "Regierung" "Regierungen"."""
    found = {learned.vocabulary.get(key) for _, key, _ in _words(part) if key}
    taken = set(linked)
    words = set(omitted)
    total = sum(learned.idf[i] for i in words)
    gained = sum(learned.idf[i] for i in words if i in found and i not in taken)
    return gained / total if total > 0 else 0.0


def _cut_into(learned: _Learned, hypothesis: Document, tokens: list[list[tuple[int, str, bool]]], punctuated: bool,
              ref_ids: Sequence[int], hyp_ids: Sequence[int]) -> tuple[Sentence, ...]:  # fmt: skip
    """Hypothesis sentences ``hyp_ids`` (one, or several of one paragraph, joined) cut into the parts of
    reference sentences ``ref_ids``, by the whole documents' statistics (IDF, how often words start and end
    sentences, punctuated or not)."""
    if len(hyp_ids) == 1:
        sentence, words = hypothesis.sentences[hyp_ids[0]], [tokens[hyp_ids[0]]]
    else:
        first = hypothesis.sentences[hyp_ids[0]]
        sentence = replace(first, text=" ".join(hypothesis.sentences[j].text for j in hyp_ids))
        words = [_words(sentence.text)]
    alone = replace(hypothesis, sentences=(sentence,))
    return _split(learned, [learned.sentences[i] for i in ref_ids], alone, words, _WHOLE, punctuated)[0].sentences


def _one_paragraph(hypothesis: Document, hyp_ids: Sequence[int]) -> bool:
    return len({hypothesis.sentences[j].paragraph for j in hyp_ids}) == 1


class _Uses(NamedTuple):
    """How often each reference word is used, starts a sentence and ends one."""

    uses: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def _count_uses(ref_words: list[list[int]], vocabulary: int) -> _Uses:
    uses = np.bincount([i for sentence in ref_words for i in sentence], minlength=vocabulary).astype(np.float64)
    starts = np.bincount([sentence[0] for sentence in ref_words if sentence], minlength=vocabulary)
    ends = np.bincount([sentence[-1] for sentence in ref_words if sentence], minlength=vocabulary)
    return _Uses(uses, starts, ends)


def _boundary_odds(counted: _Uses, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each hypothesis word, how often its word starts and how often it ends a reference sentence, of all
    its uses in the reference (smoothed): "so" and "but" often start one, "right" often ends one."""
    known = np.maximum(ids, 0)
    odds = [np.where(ids >= 0, (counts / (counted.uses + 2.0))[known], 0.0) for counts in counted[1:]]
    return odds[0], odds[1]


def _inner_pairs(learned: _Learned, ids: np.ndarray) -> np.ndarray:
    """For each hypothesis word, whether it and the word before it stand side by side inside some reference
    sentence ("the restaurant", "till now"): a cut between them is unlikely, whatever each word's own odds."""
    inside = learned.inner_pairs
    flags = np.zeros(len(ids))
    if len(ids) > 1 and inside.size:
        keys = ids[:-1] * len(learned.vocabulary) + ids[1:]
        found = inside[np.minimum(np.searchsorted(inside, keys), inside.size - 1)] == keys
        flags[1:] = (ids[:-1] >= 0) & (ids[1:] >= 0) & found
    return flags


_PRIOR = 2.0  # uses by which a word's start (end) share is drawn toward that of all words


def _log_odds(counted: _Uses, ids: np.ndarray, edges: Sequence[tuple[int, int]] = ()) -> tuple[np.ndarray, np.ndarray]:
    """For each hypothesis word, the log-odds that it starts and that it ends a sentence, less those of any
    word (0 for a word the reference lacks). Linear odds put "the" (0 of 200 uses) and a rare word (0 of 2)
    both near 0, yet a cut after "the" is far less likely: only the logarithm tells them apart. Counted over
    the reference's sentences and the first and last words (``edges``, word ids) of the hypothesis's own
    sentences, whose boundaries are real: the MT's own ways of starting and ending one ("laughter")."""
    uses, starts, ends = counted
    base = max(starts.sum(), 1) / max(uses.sum(), 1.0)  # a share of every word, from the reference alone
    first = np.bincount([a for a, _ in edges if a >= 0], minlength=len(uses))
    last = np.bincount([b for _, b in edges if b >= 0], minlength=len(uses))
    starts, ends, uses = starts + first, ends + last, uses + first + last
    known = np.maximum(ids, 0)
    odds = []
    for counts in (starts, ends):
        share = (counts + _PRIOR * base) / (uses + _PRIOR)  # below 1: counts never exceed uses, base < 1
        logit = np.log(share / (1.0 - share)) - math.log(base / (1.0 - base))
        odds.append(np.where(ids >= 0, logit[known], 0.0))
    return odds[0], odds[1]


def _cut(hypothesis: Document, tokens: list[list[tuple[int, str, bool]]], cuts: set[int]) -> tuple[Document, int]:
    sentences: list[Sentence] = []
    made, first = 0, 0
    for sentence, sentence_tokens in zip(hypothesis.sentences, tokens, strict=True):
        starts = [start for n, (start, _, _) in enumerate(sentence_tokens) if n > 0 and first + n in cuts]
        bounds = [0, *starts, len(sentence.text)]
        for a, b in itertools.pairwise(bounds):
            piece = sentence.text[a:b].strip()
            if piece:
                sentences.append(Sentence(text=piece, line=sentence.line, paragraph=sentence.paragraph))
        made += len(starts)
        first += len(sentence_tokens)
    return replace(hypothesis, sentences=tuple(sentences)), made


@kernel
def _search(ids, weights, segment, stops, ptr, flat, pair_ptr, pair_flat, ends, ref_lengths, vocabulary, ratio,
            costs, width, opener, closer):  # fmt: skip
    """Word positions where a piece starts, and whether the best path touched the band's edge."""
    length, piece, stop, edge, pair, boundary = costs[0], costs[1], costs[2], costs[3], costs[4], costs[5]
    words, sentences = ids.shape[0], ref_lengths.shape[0]
    expected = np.zeros(sentences + 1)
    for k in range(sentences):
        expected[k + 1] = expected[k] + ref_lengths[k] * ratio
    lo = np.empty(sentences + 1, np.int64)
    hi = np.empty(sentences + 1, np.int64)
    for k in range(sentences + 1):
        centre = int(expected[k] * words / max(expected[sentences], 1.0))
        lo[k] = max(0, centre - width)
        hi[k] = min(words, centre + width)
    lo[0], hi[sentences] = 0, words
    span = 2 * width + 1
    best = np.full((sentences + 1, span), -np.inf)
    back = np.full((sentences + 1, span), -1, np.int64)  # the previous position
    kind = np.zeros((sentences + 1, span), np.int8)  # 0 start, 1 omit, 2 match, 3 piece of added words
    best[0, 0] = 0.0
    flags = np.zeros(vocabulary, np.bool_)
    gained = np.zeros(words + 1)
    paired = np.zeros(words + 1)  # paired[x]: weight of the sentence's word pairs (w-1, w) for w < x
    front = np.zeros(words + 1)  # front[a]: of words a, a+1, how many are among the sentence's first three
    back_end = np.zeros(words + 1)  # back_end[b]: of words b-1, b-2, how many are among its last three
    for k in range(sentences + 1):
        if k > 0:  # row k from row k-1: reference sentence k-1 omitted, or matched to a span ending at b
            for i in range(ptr[k - 1], ptr[k]):
                flags[flat[i]] = True
            a0 = lo[k - 1]
            gained[a0] = 0.0
            for w in range(a0, hi[k]):
                gained[w + 1] = gained[w] + (weights[w] if ids[w] >= 0 and flags[ids[w]] else 0.0)
            for i in range(ptr[k - 1], ptr[k]):
                flags[flat[i]] = False
            _edge_counts(ids, ends[k - 1], a0, hi[k], words, front, back_end)
            keys = pair_flat[pair_ptr[k - 1] : pair_ptr[k]]
            paired[a0] = 0.0
            for w in range(a0, hi[k]):
                found = 0.0
                if w > a0 and ids[w - 1] >= 0 and ids[w] >= 0 and keys.shape[0] > 0:
                    key = ids[w - 1] * vocabulary + ids[w]
                    at = np.searchsorted(keys, key)
                    if at < keys.shape[0] and keys[at] == key:
                        found = 0.5 * (weights[w - 1] + weights[w])
                paired[w + 1] = paired[w] + found
            target = ref_lengths[k - 1] * ratio
            longest = int(3.0 * target + 10.0)
            for b in range(lo[k], hi[k] + 1):
                column = b - lo[k]
                if lo[k - 1] <= b <= hi[k - 1] and best[k - 1, b - lo[k - 1]] > best[k, column]:
                    best[k, column] = best[k - 1, b - lo[k - 1]]
                    back[k, column], kind[k, column] = b, 1
                for a in range(max(lo[k - 1], b - longest), min(b, hi[k - 1] + 1)):
                    if segment[a] != segment[b - 1]:
                        continue
                    before = best[k - 1, a - lo[k - 1]]
                    if before == -np.inf:
                        continue
                    value = before + gained[b] - gained[a] - length * abs((b - a) - target) + stop * stops[b]
                    if b - a >= 2:
                        edges = front[a] + back_end[b]
                    else:  # a one-word span: its only word, at its start and at its end
                        edges = (1.0 if _among(ids[a], ends[k - 1, 0]) else 0.0) + (
                            1.0 if _among(ids[a], ends[k - 1, 1]) else 0.0
                        )
                    value += edge * edges + pair * (paired[b] - paired[a + 1]) + boundary * (opener[a] + closer[b - 1])
                    if value > best[k, column]:
                        best[k, column] = value
                        back[k, column], kind[k, column] = a, 2
        # pieces of words no sentence takes, within one hypothesis sentence: the best start so far
        start_value, start_at = -np.inf, -1
        for b in range(lo[k], hi[k] + 1):
            column = b - lo[k]
            if start_at >= 0 and b > start_at and segment[start_at] == segment[b - 1]:
                value = start_value - piece + stop * stops[b]
                if value > best[k, column]:
                    best[k, column] = value
                    back[k, column], kind[k, column] = start_at, 3
            if b < words and (start_at < 0 or best[k, column] > start_value or segment[start_at] != segment[b]):
                start_value, start_at = best[k, column], b
    cuts = []
    touched = False
    k, b = sentences, words
    while k > 0 or b > 0:
        column = b - lo[k]
        if (b == lo[k] and lo[k] > 0) or (b == hi[k] and hi[k] < words):
            touched = True
        step, previous = kind[k, column], back[k, column]
        if step == 1:
            k -= 1
        elif step == 2:
            cuts.append(previous)
            b, k = previous, k - 1
        elif step == 3:
            cuts.append(previous)
            b = previous
        else:
            break
    return np.array(cuts, np.int64), touched


@kernel
def _edge_counts(ids, ends, first, last, words, front, back_end):
    """For every span of two words or more: how many of its first two words are among its sentence's first
    three (``front`` at its start) and of its last two among the last three (``back_end`` at its end)."""
    for w in range(first, last + 1):
        front[w], back_end[w] = 0.0, 0.0
        for i in range(2):
            if w + i < words and _among(ids[w + i], ends[0]):
                front[w] += 1.0
            if w - 1 - i >= 0 and _among(ids[w - 1 - i], ends[1]):
                back_end[w] += 1.0


@kernel
def _among(word, candidates):
    if word < 0:
        return False
    for candidate in candidates:  # noqa: SIM110 - a compiled loop, not a generator
        if candidate == word:
            return True
    return False


def split_if_needed(reference: Document, hypothesis: Document) -> tuple[Document, tuple[str, ...]]:
    """The hypothesis, split by :func:`guided_split` if it is :func:`undersegmented`; and a note saying so."""
    if not undersegmented(reference.texts, hypothesis.texts):
        return hypothesis, ()
    split, cuts = guided_split(reference, hypothesis)
    return split, (_note(hypothesis.path, cuts, reference.texts, hypothesis.texts),) if cuts else ()


def merged_note(path: str, parts: Mapping[int, Sequence[str]]) -> str:
    """What :func:`split_merged` did, from the parts it returned: sentences cut alone, and runs of sentences
    joined and cut again (their texts after the first are ``()``)."""
    runs = sum(1 for j, cut in parts.items() if cut and parts.get(j + 1) == ())
    alone = sum(1 for cut in parts.values() if cut) - runs
    said = []
    if alone:
        what = "1 sentence that translates" if alone == 1 else f"{alone} sentences that each translate"
        verb = "was" if alone == 1 else "were"
        said.append(f"{what} several reference sentences {verb} cut where those sentences end")
    if runs:
        what = "1 run" if runs == 1 else f"{runs} runs"
        said.append(f"{what} of sentences whose boundaries fall inside the reference's sentences "
                    f"{'was' if runs == 1 else 'were'} cut again where the reference's sentences end")  # fmt: skip
    return f"{path}: {'; '.join(said)}, so each reference sentence is scored against its own part"


def _note(path: str, cuts: int, reference: Sequence[str], hypothesis: Sequence[str]) -> str:
    return (
        f"{path} has few sentence boundaries ({_mean_words(hypothesis):.0f} words a sentence against "
        f"{_mean_words(reference):.0f} in the reference: lower-cased or unpunctuated text?); its sentences were cut "
        f"in {cuts} more places, where the reference's sentences end"
    )
