"""Stage 1 and 2 of the reader: markdown-it-py tokens to blocks, and navigation marked.

A block is one list item (its own paragraphs and continuation lines, not its nested items),
one table row (with its table's header), one paragraph, one paragraph inside a blockquote,
one heading or one HTML block.  Every block keeps its first line and the heading path above
it.  Nothing here decides what is an item: that is ``decide``'s work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

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
    depth: int = 0  # list items: 0 for a top-level item, 1 for an item nested in one, ...

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


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


def _token_line(tok: Token) -> int:
    return tok.map[0] + 1 if tok.map else 0


def _inline(node: SyntaxTreeNode) -> tuple[list[Segment], list[str]]:
    """The segments of a paragraph, heading or cell (its one inline child)."""
    inline = next((c for c in node.children if c.type == "inline"), None)
    return segments_of(inline.token) if inline is not None and inline.token is not None else ([], [])


def blocks_of(text: str) -> Iterator[Block]:
    """Every block of a Markdown document, in order."""
    yield from _blocks(SyntaxTreeNode(markdown_parser().parse(text)).children, quoted=False)


def _blocks(nodes: list[SyntaxTreeNode], *, quoted: bool, depth: int = 0) -> Iterator[Block]:
    for node in nodes:
        kind = node.type
        if kind == "heading":
            segments, stray = _inline(node)
            yield Block("heading", _line(node), tuple(segments), level=int(node.tag[1:]), stray_html=tuple(stray))
        elif kind == "paragraph":
            segments, stray = _inline(node)
            yield Block("quote" if quoted else "paragraph", _line(node), tuple(segments), stray_html=tuple(stray))
        elif kind in ("bullet_list", "ordered_list"):
            for item in node.children:
                yield from _list_item(item, quoted=quoted, depth=depth)
        elif kind == "blockquote":
            yield from _blocks(node.children, quoted=True)
        elif kind == "table":
            yield from _table(node)
        elif kind == "html_block" and node.token is not None:
            yield from _html_block(node.token)
        elif kind in ("fence", "code_block") and node.content.strip():
            yield Block("code", _line(node), text=node.content.strip())


def _list_item(item: SyntaxTreeNode, *, quoted: bool, depth: int) -> Iterator[Block]:
    """A list item is one block: its paragraphs up to its first nested list (the item's own
    lines). Its nested items follow as blocks of their own; later paragraphs as paragraphs."""
    if quoted:
        yield from _blocks(item.children, quoted=True)
        return
    own = []
    for child in item.children:
        if child.type != "paragraph":
            break
        own.append(child)
    if own:
        paragraphs = [_inline(p) for p in own]
        stray = tuple(tag for _, tags in paragraphs for tag in tags)
        first, *more = (tuple(segments) for segments, _ in paragraphs)
        yield Block("item", _line(item), first, stray_html=stray, more=tuple(more), depth=depth)
    yield from _blocks(item.children[len(own) :], quoted=False, depth=depth + 1)


def _table(table: SyntaxTreeNode) -> Iterator[Block]:
    """Each body row, with the header's cell texts (lower-cased) for the row reader."""
    header: tuple[str, ...] = ()
    for part in table.children:
        for row in part.children:
            cells = [_inline(cell) for cell in row.children]
            if part.type == "thead":
                header = tuple(heading_text(segments).lower() for segments, _ in cells)
                continue
            segs = tuple(tuple(segments) for segments, _ in cells)
            flat = tuple(s for cell in segs for s in (*cell, Segment(" | ")))
            stray = tuple(tag for _, tags in cells for tag in tags)
            yield Block("row", _line(row), flat, header=header, cells=segs, stray_html=stray)


def _html_block(tok: Token) -> Iterator[Block]:
    heading = _HTML_HEADING.match(tok.content)
    if heading:
        segments, stray = segments_of_html(heading.group(2))
        yield Block("heading", _token_line(tok), tuple(segments), level=int(heading.group(1)), stray_html=tuple(stray))
        return
    segments, stray = segments_of_html(tok.content)
    if not any(s.is_link for s in segments) and _HTML_SKIPPED.match(tok.content):
        return  # layout: <details>, <summary>Click to see more</summary>, comments, images
    if plain(segments).strip() or any(s.is_link for s in segments):
        yield Block("html", _token_line(tok), tuple(segments), stray_html=tuple(stray))
