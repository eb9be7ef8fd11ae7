"""Reader for curated Markdown lists (awesome-lists, reading lists, notes files, tables).

An identifier-first reader in five stages, one module each:

1. ``blocks``: markdown-it-py tokens to blocks (list item with its continuation lines, table
   row with its header, paragraph, quote, heading, HTML), each with its line;
2. navigation (in-page anchors, badges, tables of contents) marked in ``blocks``;
3. ``forms``: one small reader per item form, each returning a candidate or nothing;
4. ``decide``: the one place that makes items, notes and mentions (identifier links no
   item claims become entries of their own);
5. ``account``: the identifiers a list links, so a build can report any that were lost.

Anything that cannot be read is a ``Problem`` with file and line; the rest still converts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...model import Problem, Record, Source
from .account import LinkedId, linked_identifiers, missing_identifiers
from .decide import parse_markdown
from .segments import Segment, segments_of


@dataclass(frozen=True)
class ListReading:
    records: list[Record]
    problems: list[Problem]
    linked: list[LinkedId]


def read_list(path: Path, list_name: str = "", display_path: str | None = None) -> ListReading:
    """Read a list file. Undecodable bytes are reported, not fatal."""
    shown = display_path or str(path)
    data = path.read_bytes()
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        problems = [Problem(Source(shown, line, list_name), "encoding", "invalid UTF-8 replaced with U+FFFD")]
    reading = read_list_text(text, list_name, shown)
    return ListReading(reading.records, problems + reading.problems, reading.linked)


def read_list_text(text: str, list_name: str, shown: str) -> ListReading:
    """Read a list's text (what a file holds, or what `bibkit pull` would make it)."""
    records, problems = parse_markdown(text, shown, list_name)
    return ListReading(records, problems, linked_identifiers(text, shown, list_name))


__all__ = [
    "ListReading",
    "LinkedId",
    "Segment",
    "linked_identifiers",
    "missing_identifiers",
    "parse_markdown",
    "read_list",
    "read_list_text",
    "segments_of",
]
