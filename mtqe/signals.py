"""Stop signals as one exception, so that a run stopped by SIGTERM, SIGHUP or Ctrl-C cleans up and says so.

By default SIGTERM (what CI runners, ``timeout`` and ``kill`` send) and SIGHUP (a closed terminal) end the
process at once: no ``finally`` runs, and the temporaries of the outputs being written stay behind in the
output folder. While :func:`as_interrupts` is active, they and SIGINT raise :class:`Terminated` instead, so
every ``with`` that cleans up on an error cleans up on them too, and the CLI exits with 128 + the signal's
number (130, 143, 129). It is not a ``KeyboardInterrupt``, which typer turns into a silent exit 130. Worker
processes (:func:`in_worker`) leave Ctrl-C to their parent, which stops them (a terminal sends it to every
process of the group: no traceback from each worker), and end at once, silently, on SIGTERM and SIGHUP,
as a process should that a system stopping sends them to.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))  # not on Windows
_CAUGHT = (signal.SIGINT, *_STOPS)


class Terminated(BaseException):
    """The process received a stop signal (:attr:`signum`); a BaseException, so no ``except Exception``
    takes it for an error."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _raise(signum: int, _frame: object) -> None:
    signal.signal(signum, signal.SIG_IGN)  # once: a second one must not cut the clean-up short
    raise Terminated(signum)


@contextlib.contextmanager
def as_interrupts() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise :class:`Terminated` inside the block (main thread only; else a no-op), and
    their previous handlers come back after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise) for signum in _CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def in_worker() -> None:
    """A worker process's initializer: Ctrl-C ignored, SIGTERM and SIGHUP back to their default action."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _STOPS:
        signal.signal(signum, signal.SIG_DFL)
