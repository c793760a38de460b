"""Checking parsed JSON against the TypedDicts that define it (results, baselines, history lines).

The TypedDicts stay the one definition of each file's layout: :func:`checker`
turns one into a function that walks a parsed document and raises
:class:`ShapeError` at the first value that does not fit, with the path to it
("systems[0].segments[3].chrf: is not a finite number"). Numbers must be
finite (JSON's NaN and Infinity are refused at parsing: :func:`loads`), whole
numbers must be ints (not bools, not floats), texts must be strings. The
checkers are built once per type and do no string work until something fails,
so 100,000 segments are checked in a fraction of a second.
"""

from __future__ import annotations

import functools
import json
import math
import types
from collections.abc import Callable, Sequence
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

Check = Callable[[Any], None]


class ShapeError(ValueError):
    """A value that does not fit its declared type; ``where`` is its path in the document ("" for the top)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.steps: list[str] = []  # innermost first

    @property
    def where(self) -> str:
        path = ""
        for step in reversed(self.steps):
            path += step if step.startswith("[") else (f".{step}" if path else step)
        return path

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}" if self.steps else self.problem


def loads(text: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and -Infinity, which mtqe never writes (they are not JSON)."""
    return json.loads(text, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> None:
    raise ShapeError(f"{name} is not a number JSON allows")


@functools.cache
def checker(kind: Any) -> Check:
    """A function raising :class:`ShapeError` when its argument does not fit ``kind``: a TypedDict, list,
    Sequence, tuple (a list of that length), dict, Union or ``X | None``, Literal, str, int, float, bool
    or Any."""
    if kind is Any:
        return _anything
    if is_typeddict(kind):
        return _typed_dict(kind)
    origin, args = get_origin(kind), get_args(kind)
    if origin in (list, Sequence):
        return _list(checker(args[0]))
    if origin is dict:
        return _dict(checker(args[1]))
    if origin is tuple:
        return _tuple(tuple(checker(arg) for arg in args))
    if origin is Union or origin is types.UnionType:
        return _union(tuple(checker(arg) for arg in args if arg is not type(None)), type(None) in args)
    if origin is Literal:
        return _literal(args)
    if kind in _SCALARS:
        return _SCALARS[kind]
    raise TypeError(f"no checker for {kind!r}")


def _anything(value: Any) -> None:
    return None


def _typed_dict(kind: Any) -> Check:
    fields = [
        (key, checker(hint), key in kind.__required_keys__, _PLAIN.get(hint))  # plain: a type needing no call
        for key, hint in get_type_hints(kind).items()
    ]

    def check(value: Any) -> None:
        if type(value) is not dict:
            raise ShapeError("is not an object")
        for key, check_field, required, plain in fields:
            if key in value:
                item = value[key]
                if type(item) is plain and (plain is not float or item - item == 0.0):  # (inf - inf and NaN: NaN)
                    continue
                try:
                    check_field(item)
                except ShapeError as error:
                    error.steps.append(key)
                    raise
            elif required:
                raise ShapeError(f"lacks the field {key!r}")

    return check


def _list(check_item: Check) -> Check:
    def check(value: Any) -> None:
        if type(value) is not list:
            raise ShapeError("is not a list")
        for k, item in enumerate(value):
            try:
                check_item(item)
            except ShapeError as error:
                error.steps.append(f"[{k}]")
                raise

    return check


def _tuple(check_items: tuple[Check, ...]) -> Check:
    def check(value: Any) -> None:
        if type(value) is not list or len(value) != len(check_items):
            raise ShapeError(f"is not a list of {len(check_items)}")
        for k, (check_item, item) in enumerate(zip(check_items, value, strict=True)):
            try:
                check_item(item)
            except ShapeError as error:
                error.steps.append(f"[{k}]")
                raise

    return check


def _dict(check_value: Check) -> Check:
    def check(value: Any) -> None:
        if type(value) is not dict:
            raise ShapeError("is not an object")
        for key, item in value.items():
            try:
                check_value(item)
            except ShapeError as error:
                error.steps.append(str(key))
                raise

    return check


def _union(options: tuple[Check, ...], optional: bool) -> Check:
    def check(value: Any) -> None:
        if value is None and optional:
            return
        problems = []
        for option in options:
            try:
                option(value)
                return
            except ShapeError as error:
                if error.steps:  # it had the right kind but something inside it is wrong: say that
                    raise
                problems.append(error.problem)
        raise ShapeError(" and ".join(problems) + (" and is not null" if optional else ""))

    return check


def _literal(allowed: tuple[Any, ...]) -> Check:
    def check(value: Any) -> None:
        if value not in allowed or type(value) is bool:
            raise ShapeError(f"is {value!r}, not one of {', '.join(repr(a) for a in allowed)}")

    return check


def _string(value: Any) -> None:
    if type(value) is not str:
        raise ShapeError("is not a string")


def _whole(value: Any) -> None:
    if type(value) is not int:
        raise ShapeError("is not a whole number")


def _number(value: Any) -> None:
    if type(value) is float:
        if not math.isfinite(value):
            raise ShapeError("is not a finite number")
    elif type(value) is not int:
        raise ShapeError("is not a number")


def _boolean(value: Any) -> None:
    if type(value) is not bool:
        raise ShapeError("is not true or false")


_SCALARS: dict[Any, Check] = {str: _string, int: _whole, float: _number, bool: _boolean}
_PLAIN: dict[Any, type] = {str: str, int: int, bool: bool, float: float}  # what is checked without a call
