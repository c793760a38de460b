"""Typography-insensitive text: one declared, named normalization, applied to both sides of a pair.

Much of a round trip's score loss is only typography: curly against straight
quotes, apostrophes, dashes, ellipses, odd spaces, escaped entities and
mojibake ("MÃ©lanie"). :func:`normalize` removes those differences, so that a
metric scored on normalized text next to the raw one says how many points
typography costs. Raw scores are never changed: they stay sacrebleu's. The
normalization, :data:`NAME`, is recorded in the signature of every normalized
score; a change to what it does gets a new name.

What it does, in order:

* mojibake repaired (ftfy's ``fix_encoding``, as ``--fix-text`` repairs it),
  Unicode composed (NFC), fullwidth ASCII and Latin ligatures made plain; NFKC
  as a whole is not applied, since it also rewrites superscripts and fractions
  ("m²", "½"), which carry meaning;
* quotation marks made straight (``“ ” „ « »`` -> ``"``, ``‘ ’ ‚ ‹ › ′`` -> ``'``);
* dashes: an en or em dash, spaced or not, becomes `` - ``; other hyphens and
  the minus sign ``-``; ``…`` becomes ``...``;
* the entities tokenizers write (``&quot; &apos; &#39; &amp; &lt; &gt;``) unescaped;
* spaces: no-break, thin and other wide spaces become one space, zero-width
  spaces and stray byte-order marks go, runs of spaces become one, and no space
  stays before ``, . ; : ! ? % ) ] }`` or after ``( [ {``.

Text in plain ASCII skips the Unicode steps, so most pairs cost a regular
expression or two.
"""

from __future__ import annotations

import re
import unicodedata

NAME = "typography:v1"
"""The normalization's name, as signatures record it (not ``norm:``, which is TER's own option)."""

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‘’‚‛′‹›`´", "'"),
        **dict.fromkeys("‐‑‒−", "-"),
        **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a", " "),
        **dict.fromkeys("\u202f\u205f\u3000", " "),
        **dict.fromkeys("\u200b\u2060\ufeff", ""),  # zero-width joiners stay: some scripts need them
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},  # fullwidth ASCII
        **{"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"},  # Latin ligatures
        "…": "...",
    }
)
_TYPOGRAPHIC = re.compile(f"[{re.escape(''.join(chr(code) for code in _TRANSLATE))}]")  # what _TRANSLATE changes
_DASH = re.compile(r"\s*[–—―]\s*")
_ENTITY = re.compile(r"&(?:quot|apos|amp|lt|gt|#39);")
_ENTITIES = {"&quot;": '"', "&apos;": "'", "&#39;": "'", "&amp;": "&", "&lt;": "<", "&gt;": ">"}
_BEFORE = re.compile(r" ([,.;:!?%)\]}])")
_AFTER = re.compile(r"([(\[{]) ")


# A character that UTF-8 lead bytes become when misread as Latin-1 or Windows-1252, then one that a
# continuation byte becomes: where mojibake can be, and so where ftfy is asked (it costs 20-100 us a line)
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def normalize(text: str) -> str:
    """``text`` with its typography made plain (see the module's docstring)."""
    if not text.isascii():
        if _MOJIBAKE.search(text):
            import ftfy  # imported for text that may hold mojibake, not at start-up

            text = ftfy.fix_encoding(text)
        text = unicodedata.normalize("NFC", text)
        if _TYPOGRAPHIC.search(text):
            text = text.translate(_TRANSLATE)
        if "–" in text or "—" in text or "―" in text:
            text = _DASH.sub(" - ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda match: _ENTITIES[match.group()], text)
    text = " ".join(text.split())  # str.split: every Unicode space, faster than a regular expression
    if _BEFORE.search(text):
        text = _BEFORE.sub(r"\1", text)
    if "( " in text or "[ " in text or "{ " in text:
        text = _AFTER.sub(r"\1", text)
    return text


def signature(raw: str) -> str:
    """A raw score's signature as the normalized score's: the normalization named in it."""
    return f"{raw}|{NAME}"
