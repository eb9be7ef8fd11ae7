"""Stage 1 and 2 of the reader: markdown-it-py tokens to blocks, and navigation marked.

A block is one list item (its own paragraphs and continuation lines, not its nested items),
one table row (with its table's header), one paragraph, one paragraph inside a blockquote,
one heading or one HTML block.  Every block keeps its first line and the heading path above
it.  Nothing here decides what is an item: that is ``decide``'s work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from markdown_it.token import Token

from .segments import Segment, markdown_parser, plain, segments_of, segments_of_html

BlockForm = Literal["heading", "item", "row", "paragraph", "quote", "html", "code"]


@dataclass(frozen=True)
class Block:
    form: BlockForm
    line: int
    segments: tuple[Segment, ...] = ()
    level: int = 0  # headings: 1-6
    header: tuple[str, ...] = ()  # table rows: the header cells, lower-cased
    cells: tuple[tuple[Segment, ...], ...] = ()  # table rows: each cell's segments
    stray_html: tuple[str, ...] = ()
    text: str = ""  # code blocks
    more: tuple[tuple[Segment, ...], ...] = ()  # list items: the paragraphs after the first

    @property
    def links(self) -> list[Segment]:
        return [s for s in self.segments if s.is_link]


_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*$", re.I | re.S)
_HTML_SKIPPED = re.compile(r"^\s*</?(?:details|summary|p|div|br|hr|center|img|picture|table)\b|^\s*<!--", re.I)
_CONTENTS = re.compile(r"^(?:table\s+of\s+contents?|contents?|toc|index|目录|目錄|outline)$", re.I)


def is_navigation_link(seg: Segment) -> bool:
    """In-page anchors ('#intro', './#top'), 'back to top', badges (a link around an image only)."""
    href = (seg.href or "").strip()
    if seg.image:
        return True
    if re.match(r"^(?:\.?/)?(?:README\.md)?#", href, re.I):
        return True
    return bool(re.fullmatch(r"\W*(?:back\s+to\s+(?:top|contents?)|top|返回顶部)\W*", seg.text.strip(), re.I))


def is_contents_heading(text: str) -> bool:
    return bool(_CONTENTS.match(re.sub(r"[^\w\s]", "", text).strip()))


def heading_text(segments: list[Segment] | tuple[Segment, ...]) -> str:
    return " ".join(plain(segments).split()).strip(" #:：")


@dataclass
class _Item:
    line: int
    paragraphs: list[tuple[Segment, ...]] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    done: bool = False

    def add(self, segments: list[Segment], stray: list[str]) -> None:
        self.paragraphs.append(tuple(segments))
        self.stray.extend(stray)

    def block(self) -> Block:
        self.done = True
        first, *more = self.paragraphs
        return Block("item", self.line, first, stray_html=tuple(self.stray), more=tuple(more))


def _line(tok: Token) -> int:
    return tok.map[0] + 1 if tok.map else 0


def blocks_of(text: str) -> Iterator[Block]:
    """Every block of a Markdown document, in order."""
    tokens = markdown_parser().parse(text)
    items: list[_Item] = []  # open list items, innermost last
    quote_depth = 0
    header: tuple[str, ...] = ()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if kind == "list_item_open":
            items.append(_Item(_line(tok)))
        elif kind == "list_item_close":
            item = items.pop()
            if not item.done and item.paragraphs:
                yield item.block()
        elif kind in ("bullet_list_open", "ordered_list_open") and items and not items[-1].done:
            if items[-1].paragraphs:
                yield items[-1].block()  # the parent before its nested items
            items[-1].done = True
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "heading_open":
            segments, stray = segments_of(tokens[i + 1])
            yield Block("heading", _line(tok), tuple(segments), level=int(tok.tag[1:]), stray_html=tuple(stray))
            i += 3
            continue
        elif kind == "thead_open":
            cells = []
            j = i + 1
            while tokens[j].type != "thead_close":
                if tokens[j].type == "inline":
                    cells.append(heading_text(segments_of(tokens[j])[0]).lower())
                j += 1
            header = tuple(cells)
            i = j + 1
            continue
        elif kind == "tr_open":
            row: list[tuple[Segment, ...]] = []
            stray_all: list[str] = []
            j = i + 1
            while tokens[j].type != "tr_close":
                if tokens[j].type == "inline":
                    segs, stray = segments_of(tokens[j])
                    row.append(tuple(segs))
                    stray_all.extend(stray)
                j += 1
            flat = tuple(s for cell in row for s in (*cell, Segment(" | ")))
            yield Block("row", _line(tok), flat, header=header, cells=tuple(row), stray_html=tuple(stray_all))
            i = j + 1
            continue
        elif kind == "table_close":
            header = ()
        elif kind == "paragraph_open":
            segments, stray = segments_of(tokens[i + 1])
            if items and not items[-1].done and not quote_depth:
                items[-1].add(segments, stray)
            else:
                form: BlockForm = "quote" if quote_depth else "paragraph"
                yield Block(form, _line(tok), tuple(segments), stray_html=tuple(stray))
            i += 3
            continue
        elif kind == "html_block":
            yield from _html_block(tok)
        elif kind in ("fence", "code_block") and tok.content.strip():
            yield Block("code", _line(tok), text=tok.content.strip())
        i += 1


def _html_block(tok: Token) -> Iterator[Block]:
    heading = _HTML_HEADING.match(tok.content)
    if heading:
        segments, stray = segments_of_html(heading.group(2))
        yield Block("heading", _line(tok), tuple(segments), level=int(heading.group(1)), stray_html=tuple(stray))
        return
    segments, stray = segments_of_html(tok.content)
    if not any(s.is_link for s in segments) and _HTML_SKIPPED.match(tok.content):
        return  # layout: <details>, <summary>Click to see more</summary>, comments, images
    if plain(segments).strip() or any(s.is_link for s in segments):
        yield Block("html", _line(tok), tuple(segments), stray_html=tuple(stray))
