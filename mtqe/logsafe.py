"""Text that reaches a CI log made inert: no line of it is a workflow command, whatever file names hold.

GitHub Actions runs a line of a job's output as a command when, its leading white space trimmed, it
starts with "::" (or "##[", the runner's older syntax). mtqe's own wording never does, but file names
and document text can: a hypothesis named "::error file=a,line=1::X.txt", or a name holding a line
break followed by one. :func:`inert` splits text at every line break a reader may honour (``\\n``,
``\\r`` and the others :meth:`str.splitlines` knows) and puts "> " before each line that would be read
as a command; every other line is left as it is.
"""

from __future__ import annotations

import re

_BREAK = re.compile("(\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])")  # kept: the text reads as before
_COMMANDS = ("::", "##[")
MARK = "> "


def inert(text: str) -> str:
    """``text`` with every line that a CI runner would take for a workflow command marked with "> "."""
    parts = _BREAK.split(text)
    for k in range(0, len(parts), 2):  # the lines; the odd parts are the breaks between them
        if parts[k].lstrip().startswith(_COMMANDS):
            parts[k] = MARK + parts[k]
    return "".join(parts)


def is_command(line: str) -> bool:
    """Whether a runner would take ``line`` (one line, no break) for a workflow command."""
    return line.lstrip().startswith(_COMMANDS)
