"""No file name can make mtqe print a CI workflow command."""

from __future__ import annotations

from mtqe.logsafe import MARK, inert, is_command
from tests.conftest import SEED_REF
from tests.helpers import run_in_process

HOSTILE = [
    "::error file=a,line=1::X.txt",
    "  ::warning::spaces first.txt",
    "##[error]old syntax.txt",
    "plain\n::error::after a line break.txt",
    "plain\r::error::after a carriage return.txt",
    "plain\u2028::error::after a line separator.txt",
]


def lines(text: str) -> list[str]:
    """Every line a reader may see: split at every break a runner or viewer may honour."""
    return text.replace("\r\n", "\n").replace("\r", "\n").splitlines()


def test_inert_marks_only_lines_that_are_commands():
    assert inert("a\n::error::x\n  ::set-output name=a::b\nok :: fine\n##[group]g") == (
        f"a\n{MARK}::error::x\n{MARK}  ::set-output name=a::b\nok :: fine\n{MARK}##[group]g"
    )
    assert inert("x\r\n::y") == f"x\r\n{MARK}::y" and inert("no command here") == "no command here"
    assert not any(is_command(line) for line in lines(inert("\n".join(HOSTILE))))


def test_hostile_file_names_issue_no_command_in_the_summary_notes_or_errors(tmp_path):
    reference = SEED_REF.read_text(encoding="utf-8")
    names = []
    for k, name in enumerate(HOSTILE):
        folder = tmp_path / f"h{k}"
        folder.mkdir()
        (folder / name).write_text(reference.replace("the", "a", 3) + "\ufeffword\n", encoding="utf-8")
        names.append(str(folder / name))
    done = run_in_process(["evaluate", str(SEED_REF), *names, "-o", str(tmp_path / "out")], tmp_path)
    assert done.returncode == 0, done.stderr
    missing = run_in_process(["evaluate", str(SEED_REF), str(tmp_path / "::error::missing.txt")], tmp_path)
    assert missing.returncode == 3 and "missing.txt" in missing.stderr
    seen = done.stdout + done.stderr + missing.stdout + missing.stderr
    assert "::error file=a,line=1::X.txt" in seen  # the names are still shown, only marked
    assert not any(is_command(line) for line in lines(seen)), seen
