"""Writing an item into a list, in the style the list already uses (for `bibkit pull`).

The style is read from the item lines around the place the new line goes: the bullet (``-``,
``*``, ``1.``), the indent, and the form of the line: a bold title with italic authors and a
parenthesised venue (``- **Title**. *A, B*. (ACL 2020) [[paper]](url)``), a linked title
(``- [Title](url)``), or a citation (``- A. Smith and B. Jones, "Title," ACL, 2020. [pdf](url)``). The line is
then built from the new item's parts in that form, so the reader reads it back into the same
entry (tested as a property for every form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...model import Person

_BULLET = re.compile(r"^(?P<indent>\s*)(?P<bullet>[-*+]|\d+[.)])(?P<space>\s+)(?P<body>.*)$")
_LABEL = re.compile(r"\[\[?([^\]\[]+)\]?\]\(")


@dataclass(frozen=True)
class NewEntry:
    """What a line says of a work."""

    title: str
    authors: tuple[Person, ...] = ()
    year: int | None = None
    venue: str = ""
    url: str = ""  # the identifier link (DOI, arXiv) or the page


@dataclass(frozen=True)
class Style:
    indent: str = ""
    bullet: str = "-"
    space: str = " "
    form: str = "link"  # bold | link | citation
    authors: bool = False  # the form names authors
    venue: bool = False  # the form names venue and year
    label: str = "paper"  # the link label of bold and citation lines
    double: bool = True  # [[paper]](url) rather than [paper](url)


def detect_style(template: str | None) -> Style:
    """The style of an item line (a plain linked title when there is none to copy)."""
    if not template:
        return Style()
    m = _BULLET.match(template)
    if not m:
        return Style()
    body = m.group("body")
    label = _LABEL.search(body)
    base = Style(
        indent=m.group("indent"),
        bullet=m.group("bullet"),
        space=m.group("space"),
        label=label.group(1) if label else "paper",
        double="[[" in body,
    )
    if body.startswith("**"):
        authors = bool(re.search(r"\*\*[^*]+\*\*.*?\*[^*]+\*", body))
        return replace(base, form="bold", authors=authors, venue="(" in body)
    if body.startswith("["):
        tail = body[body.find(")") + 1 :] if ")" in body else ""
        return replace(base, form="link", venue=bool(re.search(r"\d{4}", tail)))
    return replace(base, form="citation", authors=True, venue=True)


def _names(authors: tuple[Person, ...]) -> str:
    shown = [p.last if p.literal else f"{p.first} {p.von} {p.last}".replace("  ", " ").strip() for p in authors]
    return ", ".join(shown)


def _escape(text: str) -> str:
    """Markdown-safe text: brackets and emphasis marks would change what the line means."""
    return re.sub(r"([\[\]*_`])", r"\\\1", " ".join(text.split()))


def render_line(style: Style, entry: NewEntry, number: int | None = None) -> str:
    """The new item's line in the style."""
    bullet = f"{number}{style.bullet[-1]}" if number is not None and style.bullet[0].isdigit() else style.bullet
    title = _escape(entry.title)
    link = f"[[{style.label}]]({entry.url})" if style.double else f"[{style.label}]({entry.url})"
    when = " ".join(x for x in (entry.venue, str(entry.year) if entry.year else "") if x)
    parts: list[str]
    if style.form == "bold":
        parts = [f"**{title}**."]
        if style.authors and entry.authors:
            parts.append(f"*{_escape(_names(entry.authors))}*.")
        if style.venue and when:
            parts.append(f"({_escape(when)})")
        if entry.url:
            parts.append(link)
    elif style.form == "citation":  # IEEE's order: authors, "title," venue, year
        names = " and ".join(_escape(_names((p,))) for p in entry.authors)
        parts = [f"{names}, " if names else ""]
        parts[0] += f'"{title},"'
        if when:
            parts.append(f"{_escape(', '.join(x for x in (entry.venue, str(entry.year or '')) if x))}.")
        if entry.url:
            parts.append(link)
    else:  # a linked title; the reader takes no authors after it, so none are written (see pull's overrides)
        parts = [f"[{title}]({entry.url})" if entry.url else title]
        if style.venue and when:
            parts.append(f"({_escape(when)})")
    return f"{style.indent}{bullet}{style.space}{' '.join(parts)}"


def block_end(lines: list[str], start: int) -> int:
    """The index just past an item that starts at ``start`` (its indented continuation lines)."""
    end = start + 1
    while (
        end < len(lines) and lines[end].strip() and lines[end][:1].isspace() and not _BULLET.match(lines[end].lstrip())
    ):
        end += 1
    return end


def next_number(template: str | None) -> int | None:
    m = _BULLET.match(template or "")
    return int(m.group("bullet")[:-1]) + 1 if m and m.group("bullet")[0].isdigit() else None
