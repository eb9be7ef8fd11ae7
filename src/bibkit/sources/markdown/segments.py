"""Inline Markdown to a flat run of segments: text with emphasis flags, and links.

markdown-it-py does the Markdown (emphasis, links with nested brackets, autolinks and bare
URLs through linkify, inline HTML); this module only flattens its inline tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Segment:
    text: str
    href: str | None = None  # set for links
    strong: bool = False
    em: bool = False
    image: bool = False  # a link whose only content is an image (a badge)
    line_start: bool = False  # the segment opens a new line of its block (after a line break)

    @property
    def is_link(self) -> bool:
        return self.href is not None


_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_QUIET_TAGS = frozenset(
    {
        "p",
        "span",
        "sup",
        "sub",
        "img",
        "div",
        "li",
        "ul",
        "ol",
        "font",
        "picture",
        "source",
        "details",
        "summary",
        "center",
        "kbd",
        "code",
        "u",
        "s",
        "del",
        "small",
        "big",
    }
)


@cache
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "linkify"])
    assert md.linkify is not None  # linkify-it-py, from markdown-it-py's "linkify" extra
    md.linkify.set({"fuzzy_link": False})  # only scheme:// and www. links, never "exbert.net" in prose
    return md


@dataclass
class _InlineState:
    strong: int = 0
    em: int = 0
    link_href: str | None = None
    link_text: list[str] = field(default_factory=list)
    link_image: bool = False
    segments: list[Segment] = field(default_factory=list)
    stray_html: list[str] = field(default_factory=list)
    at_line_start: bool = False  # a line break was just read: the next segment opens a line

    def add_text(self, text: str) -> None:
        if self.link_href is not None:
            self.link_text.append(text)
            return
        seg = Segment(text, strong=self.strong > 0, em=self.em > 0, line_start=self.at_line_start)
        last = self.segments[-1] if self.segments else None
        if (
            last is not None
            and not last.is_link
            and not self.at_line_start
            and (last.strong, last.em) == (seg.strong, seg.em)
        ):
            self.segments[-1] = replace(last, text=last.text + text)
        else:
            self.segments.append(seg)
        self.at_line_start = False

    def line_break(self, text: str) -> None:
        """A soft or hard line break: kept as white space, and the next segment opens a line."""
        self.add_text(text)
        if self.link_href is None:
            self.at_line_start = True

    def open_link(self, href: str) -> None:
        self.close_link()
        self.link_href = href
        self.link_text = []
        self.link_image = False

    def close_link(self) -> None:
        if self.link_href is None:
            return
        text = "".join(self.link_text)
        image = self.link_image and not text.strip()
        self.segments.append(
            Segment(
                text,
                href=self.link_href,
                strong=self.strong > 0,
                em=self.em > 0,
                image=image,
                line_start=self.at_line_start,
            )
        )
        self.link_href = None
        self.at_line_start = False

    def html(self, fragment: str) -> None:
        """Inline HTML: <a href> links, <b>/<i>/<br>; unknown tags are stray and reported."""
        pos = 0
        for m in _HTML_TAG.finditer(fragment):
            if m.start() > pos:
                self.add_text(fragment[pos : m.start()])
            pos = m.end()
            closing, tag, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if tag == "a":
                href = _HREF.search(attrs)
                if closing:
                    self.close_link()
                elif href:  # <a id="..."> / <a name="..."> is an anchor, not a link
                    self.open_link(next((g for g in href.groups() if g is not None), ""))
            elif tag in ("b", "strong"):
                self.strong = max(0, self.strong + (-1 if closing else 1))
            elif tag in ("i", "em"):
                self.em = max(0, self.em + (-1 if closing else 1))
            elif tag == "br":
                self.line_break("  ")
            elif tag == "img":
                self.link_image = True
            elif tag not in _QUIET_TAGS and not re.fullmatch(r"h[1-6]", tag):
                self.stray_html.append(m.group(0))
        if pos < len(fragment):
            self.add_text(fragment[pos:])


def segments_of(inline: Token) -> tuple[list[Segment], list[str]]:
    """Flatten an inline token into segments; also return stray HTML tags seen."""
    state = _InlineState()
    for child in inline.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            state.add_text(child.content)
        elif kind == "softbreak":
            state.line_break(" ")
        elif kind == "hardbreak":
            state.line_break("  ")
        elif kind in ("strong_open", "strong_close"):
            state.strong += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            state.em += 1 if kind == "em_open" else -1
        elif kind == "link_open":
            state.open_link(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            state.close_link()
        elif kind == "html_inline":
            state.html(child.content)
        elif kind == "image":
            state.link_image = True
    state.close_link()
    return state.segments, state.stray_html


def segments_of_html(html: str) -> tuple[list[Segment], list[str]]:
    state = _InlineState()
    state.html(" ".join(html.split()))
    state.close_link()
    return state.segments, state.stray_html


def lines_of(segments: list[Segment] | tuple[Segment, ...]) -> list[list[Segment]]:
    """The segments cut at line breaks: one list per line of the block."""
    lines: list[list[Segment]] = []
    for seg in segments:
        if seg.line_start or not lines:
            lines.append([])
        lines[-1].append(seg)
    return lines


def plain(segments: list[Segment] | tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments)


def render_note(segments: list[Segment] | tuple[Segment, ...]) -> str:
    """Segments as note text: a link keeps its target beside its text."""
    out = []
    for s in segments:
        if s.is_link and s.href and s.text.strip() and s.text.strip() != s.href:
            out.append(f"{s.text} ({s.href})")
        elif s.is_link:
            out.append(s.href or s.text)
        else:
            out.append(s.text)
    return " ".join("".join(out).split())
