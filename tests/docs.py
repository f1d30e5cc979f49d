"""The README and the docs/ pages as test data: their headings, fenced blocks and the commands of their ```sh blocks.

Every command of every ```sh block is run by a test: ``tests/test_docs_commands.py`` runs each page's commands in
order, except the sections a dedicated test runs and checks more closely (its ``CLAIMED`` table).

Conventions of a ```sh block: one command per line (a trailing ``\\`` continues it); a line starting with ``#`` is a
comment, and so is what follows ``#`` after whitespace outside quotes; a comment starting ``exit N`` gives the exit
code the command must end with (default 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DOCS", "ROOT", "Command", "blocks", "commands", "headings", "pages", "read", "section", "sh_commands"]

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: written by `make mutation`, not by hand: no commands, not a page of the guide
GENERATED = {"mutation.md"}


def pages() -> list[str]:
    """README.md and every hand-written docs/ page, as paths relative to the repository."""
    return ["README.md", *(f"docs/{p.name}" for p in sorted(DOCS.glob("*.md")) if p.name not in GENERATED)]


def read(page: str) -> str:
    return (ROOT / page).read_text(encoding="utf-8")


def _lines_outside_fences(text: str) -> list[tuple[int, str]]:
    out, fenced = [], False
    for number, line in enumerate(text.splitlines()):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            out.append((number, line))
    return out


def headings(page: str) -> list[tuple[int, str]]:
    """(level, title) of each Markdown heading of ``page`` (fenced blocks' ``#`` lines are not headings)."""
    found = []
    for _, line in _lines_outside_fences(read(page)):
        match = re.match(r"^(#{1,6}) (.+)$", line)
        if match:
            found.append((len(match.group(1)), match.group(2).strip()))
    return found


def section(page: str, heading: str | None = None) -> str:
    """The text of ``page`` under ``heading`` (a heading's exact title) up to the next heading of the same or a
    higher level; the whole page without a heading."""
    text = read(page)
    if heading is None:
        return text
    lines = text.splitlines()
    outside = _lines_outside_fences(text)
    start = level = None
    for number, line in outside:
        match = re.match(r"^(#{1,6}) (.+)$", line)
        if not match:
            continue
        if start is None and match.group(2).strip() == heading:
            start, level = number, len(match.group(1))
        elif start is not None and level is not None and len(match.group(1)) <= level:
            return "\n".join(lines[start:number]) + "\n"
    assert start is not None, f"{page} has no heading {heading!r}"
    return "\n".join(lines[start:]) + "\n"


def blocks(text: str, kind: str) -> list[str]:
    """The contents of the fenced blocks of ``kind`` (```sh, ```yaml, ...) in ``text``."""
    return re.findall(rf"^```{kind}\n(.*?)^```", text, flags=re.S | re.M)


@dataclass(frozen=True)
class Command:
    line: str  # the command as shown, continuations joined, its comment removed
    comment: str = ""
    exit: int = 0  # the exit code it must end with

    def __str__(self) -> str:
        return self.line


def _split_comment(line: str) -> tuple[str, str]:
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def commands(block: str) -> list[Command]:
    """The commands of one ```sh block, in order."""
    found = []
    for raw in re.sub(r"\s*\\\n\s*", " ", block).splitlines():
        line, comment = _split_comment(raw.strip())
        if not line:
            continue
        code = re.match(r"exit (\d+)", comment)
        found.append(Command(line, comment, int(code.group(1)) if code else 0))
    return found


def sh_commands(page: str, heading: str | None = None) -> list[Command]:
    """Every command of the ```sh blocks of ``page`` (under ``heading``), in order."""
    return [command for block in blocks(section(page, heading), "sh") for command in commands(block)]
