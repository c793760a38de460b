"""Domain errors. The CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations


class MtqeError(Exception):
    """Base class of every error mtqe reports to the user."""

    exit_code = 70


class InputError(MtqeError):
    """A file the user gave cannot be used: missing, unreadable, empty, binary..."""

    exit_code = 3

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class OutputError(MtqeError):
    """A result cannot be written where the user asked."""

    exit_code = 3

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {problem}")


class BaselineError(MtqeError):
    """A baseline or history file is corrupt, or a run cannot be compared with it."""

    exit_code = 4

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
