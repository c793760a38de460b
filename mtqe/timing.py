"""Wall time of each stage of a run, when asked for (``mtqe evaluate --timings``, benchmarks/stages.py).

Stages are marked where the work is done (``with stage("align"): ...``) and cost nothing unless a
:func:`recording` is active in this thread. Times are exclusive: a stage inside another is not counted
in the outer one, so the stages add up to the time they cover. Work done in worker processes is
counted in the stage that waits for it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar


class Timings:
    """Seconds per stage, in the order the stages first ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._open: list[str] = []
        self._since = 0.0

    def _switch(self, now: float) -> None:
        if self._open:
            name = self._open[-1]
            self.seconds[name] = self.seconds.get(name, 0.0) + now - self._since
        self._since = now

    def enter(self, name: str) -> None:
        self._switch(time.perf_counter())
        self.seconds.setdefault(name, 0.0)
        self._open.append(name)

    def leave(self) -> None:
        self._switch(time.perf_counter())
        self._open.pop()

    def line(self) -> str:
        """``read 0.012 s, segment 0.300 s, ...``"""
        return ", ".join(f"{name} {seconds:.3f} s" for name, seconds in self.seconds.items())


_current: ContextVar[Timings | None] = ContextVar("mtqe_timings", default=None)


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the time inside as stage ``name`` of the active recording, if any."""
    timings = _current.get()
    if timings is None:
        yield
        return
    timings.enter(name)
    try:
        yield
    finally:
        timings.leave()


@contextlib.contextmanager
def recording() -> Iterator[Timings]:
    """Record the stages run inside."""
    timings = Timings()
    token = _current.set(timings)
    try:
        yield timings
    finally:
        _current.reset(token)
