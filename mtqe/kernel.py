"""Loop kernels, compiled by numba only when the work pays for it.

Every loop-heavy function of mtqe (statistics, TER, the alignment searches) is written once, in the
subset of Python that numba compiles, and decorated with :func:`kernel`. Numba costs about 0.25 s to
import and 0.4 s more on the first call even when the machine code comes from its cache, which is
most of the time of a run on a few sentences. So a kernel runs as plain Python while a process has
given it little to do, and compiled (loaded from numba's on-disk cache) from the first call with
more than :data:`SMALL` units of work (array elements, unless the kernel says how to count its work),
or once the process has done :data:`BUDGET` units in plain Python; from then on every kernel of the
process runs compiled. The kernels a plain-Python kernel calls run in plain Python too, their work
counted in their caller's.

Both ways run the same code on the same values: integers fit in 64 bits (the kernels make sure of
it, and numba's bounds checks run in CI), floats are IEEE doubles with no fast-math, and the
functions the kernels call (``math.log``, ``math.sqrt``, ``numpy.rint``) give the same results in
Python and compiled. tests/test_kernels.py runs whole evaluations both ways and compares the bytes.
"""

from __future__ import annotations

import contextlib
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# Chosen on TED line-aligned subsets, whole command: 100 pairs take 1.6 s in plain Python and 2.1 s compiled
# from a warm cache, 300 pairs 3.1 s and 2.1 s; compiling into a cold cache (a fresh install) costs ~10 s more,
# so the sample pair (25 links) runs in plain Python: 1.5 s instead of 12.5 s on a fresh machine.
SMALL = 100_000  # units of work (array elements) of one call: more, and the call is compiled
BUDGET = 300_000  # units of work done in plain Python by the process before every kernel is compiled

_state: dict[str, Any] = {"compiled": False, "forced": None, "spent": 0}  # forced: None, "python" or "compiled"
_calls = threading.local()  # .inside: this thread's plain-Python kernel calls running (callees count as theirs)
_kernels: list[Kernel] = []  # every kernel defined, in import order


class Kernel:
    """A function that runs as plain Python on small inputs and compiled by numba on large ones."""

    def __init__(self, function: Callable[..., Any], work: Callable[..., int] | None = None) -> None:
        self.py_func = function
        self._work = work
        self.__name__, self.__qualname__, self.__doc__ = function.__name__, function.__qualname__, function.__doc__
        self.__module__ = function.__module__
        self._compiled: Any = None
        _kernels.append(self)

    def __call__(self, *args: Any) -> Any:
        if _state["forced"] == "python" or getattr(_calls, "inside", 0):  # a callee: its caller counted it
            return self.py_func(*args)
        if not _state["compiled"] and _state["forced"] is None:
            work = self._work(*args) if self._work else sum(arg.size for arg in args if isinstance(arg, np.ndarray))
            if work <= SMALL and _state["spent"] + work <= BUDGET:
                _state["spent"] += work
                _calls.inside = 1
                try:
                    return self.py_func(*args)
                finally:
                    _calls.inside = 0
            _state["compiled"] = True
        return self.compiled(*args)

    @property
    def compiled(self) -> Any:
        """The numba dispatcher (machine code from numba's cache when the source is unchanged), whose calls
        of other kernels are compiled calls too."""
        if self._compiled is None:
            _load_numba()
            from numba import njit

            function = self.py_func
            namespace = dict(function.__globals__)
            for name in function.__code__.co_names:  # the kernels it calls: their compiled dispatchers
                if isinstance(namespace.get(name), Kernel):
                    namespace[name] = namespace[name].compiled
            clone = types.FunctionType(
                function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
            )
            clone.__qualname__, clone.__module__ = function.__qualname__, function.__module__
            self._compiled = njit(cache=True)(clone)
        return self._compiled


def _load_numba() -> None:
    """Import numba with its array implementations, skipping their check for a BLAS: numba looks for one by
    importing scipy.linalg (0.25-0.45 s here) so that ``np.dot`` can compile, and no kernel uses it. Left
    as numba does it when scipy.linalg is loaded anyway."""
    import sys

    blas = "scipy.linalg.cython_blas"
    if "numba.np.arraymath" in sys.modules or blas in sys.modules:
        return
    sys.modules[blas] = None  # type: ignore[assignment]  # importing it raises ImportError: numba has no BLAS
    try:
        import numba.np.arraymath  # noqa: F401 - loaded now, with the check answered
    finally:
        if sys.modules.get(blas, 0) is None:
            del sys.modules[blas]


def kernel(function: Callable[..., Any] | None = None, *, work: Callable[..., int] | None = None) -> Any:
    """Decorate a numba-compilable function: plain Python for small work, compiled for large. ``work``: its
    work in units of an array element's, from its arguments, where that is far from their sizes (TER's
    shift search is quadratic in the sentence's words)."""
    if function is None:
        return lambda function: Kernel(function, work)
    return Kernel(function, work)


def cache_use() -> tuple[list[str], list[str]]:
    """The kernels this process has called compiled: those whose machine code came from numba's on-disk
    cache, and those it compiled anew (a kernel called by others is compiled with them; when they come from
    the cache, it is in neither list). An installed package's second run must compile none (CI checks)."""
    called = [k for k in _kernels if k._compiled is not None]
    loaded = sorted(k.__qualname__ for k in called if k._compiled.stats.cache_hits)
    compiled = sorted(k.__qualname__ for k in called if k._compiled.stats.cache_misses)
    return loaded, compiled


def compile_from_now() -> None:
    """Run every kernel compiled from now on in this process (e.g. before worker processes fork, so that
    they inherit the loaded machine code)."""
    _state["compiled"] = True


@contextlib.contextmanager
def python_only() -> Iterator[None]:
    """Every kernel as plain Python while inside (the tests compare both ways)."""
    with _forced("python"):
        yield


@contextlib.contextmanager
def compiled_only() -> Iterator[None]:
    """Every kernel compiled while inside, however small its work (the differential tests)."""
    with _forced("compiled"):
        yield


@contextlib.contextmanager
def _forced(mode: str) -> Iterator[None]:
    before = _state["forced"]
    _state["forced"] = mode
    try:
        yield
    finally:
        _state["forced"] = before
