"""Domain errors. They carry no exit codes: the CLI's one table maps each class to its documented code."""

from __future__ import annotations


class MtqeError(Exception):
    """Base class of every error mtqe reports to the user."""


class SettingsError(MtqeError, ValueError):
    """Settings that cannot drive a run (a bootstrap of 0 resamples, an unknown normalization...)."""


class PairsError(MtqeError, ValueError):
    """Pairs that cannot be scored together: lists of hypotheses and references of different lengths."""


class StatisticsError(MtqeError, ValueError):
    """Sufficient statistics of the wrong shape or content (a corrupt baseline, for example)."""


class SystemNotFound(MtqeError, LookupError):
    """A system name that the results do not have."""


class EngineError(MtqeError):
    """The engine cannot run: a Dask scheduler that cannot be reached, an extra that is not installed."""


class InputError(MtqeError):
    """A file the user gave cannot be used: missing, unreadable, empty, binary..."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class OutputError(MtqeError):
    """A result cannot be written where the user asked."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {problem}")


class BaselineError(MtqeError):
    """A baseline or history file is corrupt, or a run cannot be compared with it."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
