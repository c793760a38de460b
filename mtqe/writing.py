"""Writing result files so that a reader sees the old file or the new one, never a part."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from mtqe.errors import InputError, OutputError


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 so that ``path`` is either untouched or complete."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
            "w", encoding="utf-8", newline="\n", dir=target.parent, prefix=f".{target.name}.", delete=False
        )
    except OSError as error:
        raise OutputError(str(target), f"cannot write: {error.strerror or error}") from None
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, file_mode())  # mkstemp makes files private
        os.replace(handle.name, target)
    except BaseException as error:
        Path(handle.name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(str(target), f"cannot write: {error.strerror or error}") from None
        raise


def file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (0o666 less the umask); temporaries start private."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def append_line_locked(path: str | Path, line: str, check: Callable[[str], object]) -> None:
    """Append ``line`` to a shared file under an exclusive lock, after ``check`` accepted what is there.

    Concurrent runs queue on the lock, so no line is lost or interleaved;
    ``check`` raising leaves the file untouched, and so does a write that fails part way (a full disk).
    """
    import fcntl  # POSIX only: imported where it is used, so that mtqe imports everywhere

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "a+b", buffering=0) as handle:  # unbuffered: nothing is left to flush at close
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                handle.seek(0)
                existing = handle.readall().decode("utf-8")
                check(existing)
                end = handle.seek(0, os.SEEK_END)
                data = (("\n" if existing and not existing.endswith("\n") else "") + line).encode("utf-8")
                try:
                    view = memoryview(data)
                    while view:
                        view = view[handle.write(view) :]
                    os.fsync(handle.fileno())
                except OSError:  # a full disk can take part of the line: cut the file back to what it was
                    os.ftruncate(handle.fileno(), end)
                    raise
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except UnicodeDecodeError:
        raise InputError(str(target), "is not a UTF-8 text file") from None
    except OSError as error:
        raise OutputError(str(target), f"cannot append: {error.strerror or error}") from None
