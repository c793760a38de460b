"""Sufficient statistics of many pairs at once, compiled, equal to sacrebleu's and jiwer's.

Each metric keeps its library's own text processing (13a tokenization, chrF's
whitespace removal and punctuation splitting, TER's lower-casing, jiwer's
default transforms), done in batches; the counting (n-gram matches, TER's
shifts and edit distances) runs in numba on integer ids. Where the compiled
path cannot represent an input exactly (an alphabet too large to pack
n-grams into 64 bits, a TER trace it cannot follow), it says so and the
caller falls back to the library for that pair. The tests compare every
statistic with sacrebleu and jiwer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from mtqe.fast_ter import ter_edits
from mtqe.kernel import compile_from_now, kernel

# --- text processing, batched -------------------------------------------------

# sacrebleu's 13a post-tokenizer, rule 1 ("([\{-\~\[-\` -\&\(-\+\:-\@\/])" -> " \1 ") is a pure
# character substitution, done here with str.replace; rules 2-4 look at neighbours and stay regexes, with
# replacement functions (Python 3.11 expands a template like r"\1 \2 " in Python, 40% slower).
_13A_CHARACTERS = "".join(chr(c) for c in range(128) if re.match(r"[\{-\~\[-\` -\&\(-\+\:-\@\/]", chr(c)))
_13A_RULES = (
    (re.compile(r"([^0-9])([\.,])"), lambda m: m[1] + " " + m[2] + " "),
    (re.compile(r"([\.,])([^0-9])"), lambda m: " " + m[1] + " " + m[2]),
    (re.compile(r"([0-9])(-)"), lambda m: m[1] + " - "),
)
_SEPARATOR = "\x00"  # in no rule's character class, and never in mtqe's text
_CHRF_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MULTIPLE_SPACES = re.compile(r"\s\s+")
_last_13a: tuple[list[str], list[list[str]]] = ([], [])  # the last call's lines and tokens


def tokenize_13a(lines: Sequence[str]) -> list[list[str]]:
    """sacrebleu's Tokenizer13a on many lines at once, split into tokens (shared with the last call's
    caller when the lines are the same strings: not to be changed)."""
    global _last_13a
    if len(lines) == len(_last_13a[0]) and all(a is b for a, b in zip(lines, _last_13a[0], strict=True)):
        return _last_13a[1]  # the same strings again (the n-gram analysis after BLEU)
    if any(_SEPARATOR in line for line in lines):
        from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

        tokenizer = Tokenizer13a()
        return [tokenizer(line.rstrip()).split() for line in lines]
    prepared = []
    for line in lines:
        line = line.rstrip().replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
        if "&" in line:
            line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        prepared.append(f" {line} ")
    text = _SEPARATOR.join(prepared)
    for character in _13A_CHARACTERS:
        if character != " " and character in text:  # spaced-out spaces are collapsed next anyway
            text = text.replace(character, f" {character} ")
    # Runs of white space play no part in rules 2-4 beyond being one non-digit, so collapse them first.
    joined = " " + " ".join(text.split()) + " "
    for rule, replacement in _13A_RULES:
        joined = rule.sub(replacement, joined)
    tokens = [part.split() for part in joined.split(_SEPARATOR)]
    _last_13a = (list(lines), tokens)
    return tokens


def tokenize_13a_lowered(lines: Sequence[str]) -> list[list[str]]:
    """:func:`tokenize_13a` of the lines lower-cased. Lower-casing maps no character into or out of the
    13a rules' classes, digits or white space (checked over all of Unicode), so this is the tokens of the
    lines as they are, lower-cased (the last call's, when BLEU has just tokenized them); a line that may
    hold an entity or "<skipped>" that only its lower-cased form spells ("&" or "<") is tokenized again."""
    lowered = [[token.lower() for token in sequence] for sequence in tokenize_13a(lines)]
    odd = [k for k, line in enumerate(lines) if "&" in line or "<" in line]
    for k, tokens in zip(odd, tokenize_13a([lines[k].lower() for k in odd]) if odd else [], strict=True):
        lowered[k] = tokens
    return lowered


def chrf_words(sentence: str) -> list[str]:
    """sacrebleu's CHRF._remove_punctuation."""
    words: list[str] = []
    for word in sentence.split():
        if len(word) == 1:
            words.append(word)
        elif word[-1] in _CHRF_PUNCTUATION:
            words += [word[:-1], word[-1]]
        elif word[0] in _CHRF_PUNCTUATION:
            words += [word[0], word[1:]]
        else:
            words.append(word)
    return words


def jiwer_words(sentence: str) -> list[str]:
    """jiwer's wer_default: collapse runs of white space, strip, split on spaces."""
    return [word for word in _MULTIPLE_SPACES.sub(" ", sentence).strip().split(" ") if word]


def jiwer_words_batch(sentences: Sequence[str]) -> list[list[str]]:
    """:func:`jiwer_words` of many sentences, with one regex pass over them all (a run of white space
    never crosses the NUL that joins them)."""
    if any("\x00" in sentence for sentence in sentences):
        return [jiwer_words(sentence) for sentence in sentences]
    collapsed = _MULTIPLE_SPACES.sub(" ", "\x00".join(sentences))
    return [[word for word in part.strip().split(" ") if word] for part in collapsed.split("\x00")]


# --- packing token sequences -------------------------------------------------


def _ids(sequences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated integer ids (equal strings, equal ids) and offsets."""
    vocabulary: dict[str, int] = {}
    flat = [vocabulary.setdefault(token, len(vocabulary)) for sequence in sequences for token in sequence]
    offsets = np.zeros(len(sequences) + 1, dtype=np.int64)
    np.cumsum([len(sequence) for sequence in sequences], out=offsets[1:])
    return np.asarray(flat, dtype=np.int64), offsets


def _code_points(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    offsets = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in strings], out=offsets[1:])
    return codes, offsets


# --- compiled counting ---------------------------------------------------------


@kernel
def _packed(symbols, max_order, bits, out) -> None:
    """out[k] = symbols[k : k + max_order] packed, first symbol most significant, 0 past the end."""
    n = len(symbols)
    for k in range(n):
        key = 0
        for t in range(max_order):
            key = (key << bits) | (symbols[k + t] if k + t < n else 0)
        out[k] = key


@kernel
def _matches(a, b, shift, mask) -> int:
    """Sum over distinct n-grams of min(count in a, count in b).

    a and b are sorted packed keys; the n-gram of a key is key >> shift, and
    it exists only if its last symbol (key >> shift) & mask is not 0.
    """
    i = j = 0
    total = 0
    while i < len(a) and j < len(b):
        x, y = a[i] >> shift, b[j] >> shift
        if x & mask == 0:
            i += 1
        elif y & mask == 0:
            j += 1
        elif x < y:
            i += 1
        elif x > y:
            j += 1
        else:
            count_a = 0
            while i < len(a) and (a[i] >> shift) == x:
                count_a += 1
                i += 1
            count_b = 0
            while j < len(b) and (b[j] >> shift) == x:
                count_b += 1
                j += 1
            total += min(count_a, count_b)
    return total


@kernel
def _ngram_stats(ids, offsets, max_order, bits, out) -> None:
    """Per pair and order n: hyp n-grams, ref n-grams, clipped matches (out[p, 3(n-1) : 3n]).

    Pair p's hypothesis is ids[offsets[2p] : offsets[2p+1]], its reference the
    next span. ids are dense (0 < id < 2**bits), so the max_order symbols from
    each position pack into one int64 exactly (the caller makes sure
    bits * max_order <= 62). One sort per side serves every order: lexicographic
    order of the longest n-grams is also the order of their prefixes.
    """
    longest = 0
    for k in range(len(offsets) - 1):
        longest = max(longest, offsets[k + 1] - offsets[k])
    hyp_keys = np.empty(longest, dtype=np.int64)
    ref_keys = np.empty(longest, dtype=np.int64)
    mask = (1 << bits) - 1
    for p in range((len(offsets) - 1) // 2):
        hyp = ids[offsets[2 * p] : offsets[2 * p + 1]]
        ref = ids[offsets[2 * p + 1] : offsets[2 * p + 2]]
        h, r = hyp_keys[: len(hyp)], ref_keys[: len(ref)]
        _packed(hyp, max_order, bits, h)
        _packed(ref, max_order, bits, r)
        h.sort()
        r.sort()
        for n in range(1, max_order + 1):
            count_hyp = max(len(hyp) - n + 1, 0)
            count_ref = max(len(ref) - n + 1, 0)
            out[p, 3 * (n - 1)] = count_hyp
            out[p, 3 * (n - 1) + 1] = count_ref
            if count_hyp and count_ref:
                out[p, 3 * (n - 1) + 2] = _matches(h, r, bits * (max_order - n), mask)
            else:
                out[p, 3 * (n - 1) + 2] = 0


def _ter_work(ids: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> int:
    """TER's search costs about (hypothesis words) x (reference words) per pair, each a few dozen times an
    n-gram count's cost per word: one unit a cell (a call of more than 100,000 is about 250 TED pairs)."""
    lengths = np.diff(offsets)
    return int((lengths[0::2] * lengths[1::2]).sum())


@kernel(work=_ter_work)
def _ter_batch(ids, offsets, out) -> None:
    for p in range((len(offsets) - 1) // 2):
        out[p] = ter_edits(ids[offsets[2 * p] : offsets[2 * p + 1]], ids[offsets[2 * p + 1] : offsets[2 * p + 2]])


def _dense(ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber ids as 1..k in order of value (0 stands for no symbol); returns them and k."""
    if not len(ids):
        return ids.astype(np.int64), 0
    present = np.zeros(int(ids.max()) + 1, dtype=np.int64)
    present[ids] = 1
    rank = np.cumsum(present)
    return rank[ids], int(rank[-1])


def _ngrams(sequences_hyp, sequences_ref, max_order: int, *, characters: bool) -> tuple[np.ndarray, np.ndarray]:
    """n-gram statistics of many pairs; pairs whose symbols cannot be packed exactly are marked not ok."""
    pairs = len(sequences_hyp)
    interleaved = [s for pair in zip(sequences_hyp, sequences_ref, strict=True) for s in pair]
    ids, offsets = _code_points(interleaved) if characters else _ids(interleaved)
    dense, symbols = _dense(ids)
    bits = max(int(symbols + 1).bit_length(), 1)
    out = np.zeros((pairs, 3 * max_order), dtype=np.int64)
    if bits * max_order <= 62:
        _ngram_stats(dense, offsets, max_order, bits, out)
        return out, np.ones(pairs, dtype=np.bool_)
    # Too many distinct symbols in this batch: pack pair by pair, each with its own symbols.
    ok = np.zeros(pairs, dtype=np.bool_)
    for p in range(pairs):
        span = dense[offsets[2 * p] : offsets[2 * p + 2]]
        local_symbols, local = np.unique(span, return_inverse=True)
        local_bits = max(int(len(local_symbols) + 1).bit_length(), 1)
        if local_bits * max_order <= 62:
            local_offsets = offsets[2 * p : 2 * p + 3] - offsets[2 * p]
            _ngram_stats(local.astype(np.int64) + 1, local_offsets, max_order, local_bits, out[p : p + 1])
            ok[p] = True
    return out, ok


# --- per metric, sacrebleu's and jiwer's layouts ------------------------------


def bleu_stats(hyps: Sequence[str], refs: Sequence[str], max_order: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """[hyp_len, ref_len, correct_1..4, total_1..4] per pair (sacrebleu BLEU, 13a, one reference)."""
    tokens = tokenize_13a([*hyps, *refs])
    hyp_tokens, ref_tokens = tokens[: len(hyps)], tokens[len(hyps) :]
    counts, ok = _ngrams(hyp_tokens, ref_tokens, max_order, characters=False)
    stats = np.empty((len(hyps), 2 + 2 * max_order), dtype=np.int64)
    stats[:, 0] = [len(t) for t in hyp_tokens]
    stats[:, 1] = [len(t) for t in ref_tokens]
    stats[:, 2 : 2 + max_order] = counts[:, 2::3]
    stats[:, 2 + max_order :] = counts[:, 0::3]
    return stats, ok


def chrf_stats(hyps: Sequence[str], refs: Sequence[str], word_order: int) -> tuple[np.ndarray, np.ndarray]:
    """[hyp, ref, match] per character order 1-6, then per word order (sacrebleu CHRF defaults)."""
    chars, ok = _ngrams(["".join(h.split()) for h in hyps], ["".join(r.split()) for r in refs], 6, characters=True)
    parts = [chars]
    if word_order:
        words, words_ok = _ngrams(
            [chrf_words(h) for h in hyps], [chrf_words(r) for r in refs], word_order, characters=False
        )
        parts.append(words)
        ok &= words_ok
    stats = np.concatenate(parts, axis=1)
    # sacrebleu counts no hypothesis n-grams of an order the reference has none of
    stats[:, 0::3] = np.where(stats[:, 1::3] > 0, stats[:, 0::3], 0)
    return stats, ok


TER_MAX_CELLS = 4_000_000  # hypothesis words x reference words beyond which TER's shift search is skipped


def ter_words(text: str) -> list[str]:
    """The words TER counts and aligns (sacrebleu's defaults: lower-cased, split at white space)."""
    return text.lower().split()


def ter_capped(hyp_words: int, ref_words: int) -> bool:
    """Whether a pair is too long for TER's shift search (it would take minutes and gigabytes)."""
    return hyp_words * ref_words > TER_MAX_CELLS


def ter_stats(hyps: Sequence[str], refs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """[edits, reference length] per pair (sacrebleu TER defaults: case-insensitive, tercom tokens).

    A pair longer than :data:`TER_MAX_CELLS` allows gets the word edit distance (:func:`edit_distance`), TER without
    shifts (an upper bound of its edits); the caller reports it.
    """
    hyp_words = [ter_words(h) for h in hyps]
    ref_words = [ter_words(r) for r in refs]
    capped = [ter_capped(len(h), len(r)) for h, r in zip(hyp_words, ref_words, strict=True)]
    interleaved = [
        s
        for pair, skip in zip(zip(hyp_words, ref_words, strict=True), capped, strict=True)
        for s in (([], []) if skip else pair)
    ]
    ids, offsets = _ids(interleaved)
    edits = np.zeros(len(hyps), dtype=np.int64)
    _ter_batch(ids, offsets, edits)
    for k in np.flatnonzero(capped):
        edits[k] = edit_distance(ref_words[k], hyp_words[k])
    stats = np.empty((len(hyps), 2), dtype=np.float64)
    stats[:, 0] = edits
    stats[:, 1] = [len(r) for r in ref_words]
    return stats, edits >= 0


def error_rate_stats(hyps: Sequence[str], refs: Sequence[str], *, words: bool) -> np.ndarray:
    """[edits, reference length, hypothesis length] per pair, with jiwer's default transforms; edits are
    exact unless :func:`edit_bounded` says otherwise."""
    if words:
        hyp_units: Sequence[Sequence[str]] = jiwer_words_batch(hyps)
        ref_units: Sequence[Sequence[str]] = jiwer_words_batch(refs)
    else:
        hyp_units, ref_units = [h.strip() for h in hyps], [r.strip() for r in refs]
    rows = [(edit_distance(r, h), len(r), len(h)) for h, r in zip(hyp_units, ref_units, strict=True)]
    return np.array(rows, dtype=np.int64).reshape(len(hyps), 3)


EDIT_MAX_CELLS = 4 * 10**9  # units x units of the longest exact edit distance (about 0.1 s; 1.1M x 1.1M: 30 s)


def _exact_band(ref_units: int, hyp_units: int) -> int | None:
    """None when a pair's full edit distance is cheap; else the most edits a banded search finds exactly
    within the same work."""
    if ref_units * hyp_units <= EDIT_MAX_CELLS:
        return None
    return EDIT_MAX_CELLS // max(ref_units, hyp_units)


def edit_distance(ref: Sequence[Any], hyp: Sequence[Any]) -> int:
    """Levenshtein distance, exact when the pair is short enough or close enough (a banded search); beyond
    that, an upper bound within bounded work: the sum of the distances of the two sides cut into the same
    number of consecutive pieces (joined, the pieces' edits turn one side into the other)."""
    band = _exact_band(len(ref), len(hyp))
    if band is None:
        return Levenshtein.distance(ref, hyp)
    close = Levenshtein.distance(ref, hyp, score_cutoff=band)
    if close <= band:
        return close
    n, m = len(ref), len(hyp)
    pieces = -(-n * m // EDIT_MAX_CELLS)
    return sum(
        Levenshtein.distance(ref[k * n // pieces : (k + 1) * n // pieces], hyp[k * m // pieces : (k + 1) * m // pieces])
        for k in range(pieces)
    )


def edit_bounded(edits: int, ref_units: int, hyp_units: int) -> bool:
    """Whether :func:`edit_distance` gave an upper bound, not the exact distance, for this row of statistics."""
    band = _exact_band(ref_units, hyp_units)
    return band is not None and edits > band


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel, e.g. before forking workers."""
    compile_from_now()
    bleu_stats(["a b"], ["a c"])
    chrf_stats(["a b"], ["a c"], 2)
    ter_stats(["a b"], ["b a"])
