"""JSON text in mtqe's layout: indented by one space, with chosen lists written one compact item a line.

Everything is laid out exactly as ``json.JSONEncoder(ensure_ascii=False, indent=1, allow_nan=False)``
lays it out (:func:`text`, checked against it by the tests), except the lists under the keys given as
``one_line`` (a system's segments): each of their items is :func:`line`, the standard library's compact C
encoding, on a line of its own. Indented encoding runs in pure Python and took 35 us a segment; one line
takes 15 us, and a streamed run writes each segment's line once, to a scratch file whose lines become
results.json unchanged (:class:`Raw`). Lists and dicts of more than :data:`LAZY` items, and those holding
one, are yielded item by item (:func:`pieces`), so a lazy list read from disk is never held whole.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterator
from json.encoder import encode_basestring  # the C string encoder when the accelerator is there (CPython)
from typing import Any

LAZY = 256  # a list or dict with more items is yielded item by item
_LINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


class Raw:
    """An item of a one-line list whose :func:`line` is already made (read back from a scratch file)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def line(value: Any) -> str:
    """``value`` as compact JSON on one line (the C encoder): an item of a one-line list."""
    return _LINE.encode(value)


def pieces(value: Any, level: int = 0, one_line: Collection[str] = ()) -> Iterator[str]:
    """The JSON text of ``value`` at nesting ``level``, in pieces whose concatenation is the whole; the lists
    under keys in ``one_line`` one :func:`line` an item."""
    if not _expand(value, one_line):
        yield text(value, level)
        return
    pad = "\n" + " " * (level + 1)
    if isinstance(value, dict):
        for k, (key, item) in enumerate(value.items()):
            yield ("{" if k == 0 else ",") + pad + _key(key) + ": "
            if key in one_line and isinstance(item, list):
                yield from _lines(item, level + 1)
            else:
                yield from pieces(item, level + 1, one_line)
        yield "\n" + " " * level + "}"
    else:
        for k, item in enumerate(value):
            yield ("[" if k == 0 else ",") + pad
            yield from pieces(item, level + 1, one_line)
        yield "\n" + " " * level + "]"


def _lines(items: list[Any], level: int) -> Iterator[str]:
    if not items:
        yield "[]"
        return
    pad = "\n" + " " * (level + 1)
    for k, item in enumerate(items):
        yield ("[" if k == 0 else ",") + pad + (item.text if isinstance(item, Raw) else _LINE.encode(item))
    yield "\n" + " " * level + "]"


def _expand(value: Any, one_line: Collection[str]) -> bool:
    """Whether ``value`` is, or holds, a list or dict of more than :data:`LAZY` items or a one-line list."""
    if isinstance(value, (list, tuple)):
        return len(value) > LAZY or any(_expand(item, one_line) for item in value)
    if isinstance(value, dict):
        return (
            len(value) > LAZY
            or any(key in one_line and isinstance(item, list) for key, item in value.items())
            or any(_expand(item, one_line) for item in value.values())
        )
    return False


def text(value: Any, level: int = 0) -> str:
    """The JSON text of ``value`` at nesting ``level`` as the standard encoder indents it by one, as one string."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad = ",\n" + " " * (level + 1)
        return "[" + pad[1:] + pad.join([text(item, level + 1) for item in value]) + "\n" + " " * level + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = ",\n" + " " * (level + 1)
        items = [_key(key) + ": " + text(item, level + 1) for key, item in value.items()]
        return "{" + pad[1:] + pad.join(items) + "\n" + " " * level + "}"
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("Out of range float values are not JSON compliant: " + repr(value))
    return float.__repr__(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, float):
        return '"' + _float(key) + '"'
    if key is True or key is False or key is None:
        return '"' + {True: "true", False: "false", None: "null"}[key] + '"'
    if isinstance(key, int):
        return '"' + int.__repr__(key) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
