"""Stage 4 of the reader: the one place that decides what is an item, navigation or a note.

Per block: navigation is dropped; a heading moves the category path (a "Contents" heading is
not a category); an item, row, paragraph or HTML block is an item when a form reader
recognises it; what is not an item is a note of the item before it in the same section.
Every identifier link that no item claims becomes an entry of its own, a *mention*, placed
where it stands, so no paper a list links is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ... import ids
from ...model import STAND_IN_TITLE, Kind, Problem, Record, Source
from ...normalize.names import parse_authors
from ...normalize.titles import clean_title
from ...normalize.venues import looks_like_venue
from ...text import YEAR
from .blocks import Block, blocks_of, heading_text, is_contents_heading, is_navigation_link
from .forms import Candidate, read_item, read_link, read_row
from .record import Context, build_record, markdown_residue
from .roles import read_details
from .segments import Segment, plain, render_note
from .titles import is_label, strip_decorations, title_or_empty


def _without_navigation(segments: tuple[Segment, ...]) -> tuple[list[Segment], int]:
    """Navigation links as plain text, and how many links were navigation."""
    out: list[Segment] = []
    nav = 0
    for seg in segments:
        if seg.is_link and is_navigation_link(seg):
            nav += 1
            if seg.text.strip():
                out.append(Segment(seg.text, strong=seg.strong, em=seg.em))
        else:
            out.append(seg)
    return out, nav


def _is_navigation(block: Block, segments: list[Segment], nav_links: int) -> bool:
    """All its links are in-page anchors or badges, and it says little beside them."""
    if not nav_links or any(s.is_link for s in segments):
        return False
    return len(plain(segments).split()) <= 12 * nav_links or block.form == "item"


@dataclass
class _Reader:
    file: str
    list_name: str
    title_level: int | None
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    in_contents: bool = False
    pending_notes: list[str] = field(default_factory=list)
    last_item: int | None = None  # index into records of the section's last item

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for level, text in self.headings if level != self.title_level)

    def context(self, line: int) -> Context:
        return Context(self.file, self.list_name, self.path, line)

    def heading(self, block: Block, segments: list[Segment]) -> None:
        text = heading_text(segments)
        self.headings = [(lv, t) for lv, t in self.headings if lv < block.level]
        self.in_contents = is_contents_heading(text)
        if not self.in_contents and text:
            self.headings.append((block.level, text))
        self.pending_notes = []
        self.last_item = None

    def add(self, record: Record) -> None:
        if self.pending_notes:
            record = replace(record, notes=tuple(self.pending_notes) + record.notes)
            self.pending_notes = []
        self.records.append(record)
        self.last_item = len(self.records) - 1

    def note(self, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if self.last_item is None:
            self.pending_notes.append(text)
            return
        rec = self.records[self.last_item]
        self.records[self.last_item] = replace(rec, notes=rec.notes + (text,))

    def mention(self, seg: Segment, segments: list[Segment], ctx: Context) -> None:
        """An identifier link no item claims: an entry of its own, titled by its text or sentence."""
        title = title_or_empty(seg.text)
        origin = "text of a link no item claims"
        if not title:
            sentence = plain([s for s in segments if s is not seg and not s.is_link])
            title = title_or_empty(_sentence_title(sentence))
            origin = STAND_IN_TITLE
        found = ids.link_identifiers(seg.href)
        record = Record(
            origins=(("title", origin),),
            kind=Kind.PAPER,
            title=title,
            sources=(ctx.source,),
            ids=found,
            url=ids.clean_url(seg.href or ""),
            categories=(ctx.path,),
        )
        if not title:
            self.problems.append(ctx.problem("untitled-paper", f"{seg.href} is linked without a title; entry kept"))
        self.records.append(record)

    def block(self, block: Block) -> None:
        ctx = self.context(block.line)
        for tag in block.stray_html:
            self.problems.append(ctx.problem("stray-html", f"HTML tag {tag} ignored"))
        if block.form == "code":
            self.note(block.text)
            return
        segments, nav_links = _without_navigation(block.segments)
        if block.form == "heading":
            self.heading_block(block, segments, ctx)
        elif not _is_navigation(block, segments, nav_links) and not self.contents_only(segments):
            self.content_block(block, segments, ctx)

    def heading_block(self, block: Block, segments: list[Segment], ctx: Context) -> None:
        if _starts_with_titled_link(segments):  # "#### [Title](url)": a paper as a heading
            self.headings = [(lv, t) for lv, t in self.headings if lv < block.level]
            self.last_item = None
            self.item(read_link(segments), segments, ctx, prose_ok=False)
        else:
            self.heading(block, segments)
            self.mentions([s for s in segments if s.is_link], segments, ctx)

    def contents_only(self, segments: list[Segment]) -> bool:
        """Under a Contents heading, a block without a paper link is the table of contents."""
        return self.in_contents and not any(ids.link_identifiers(s.href).as_pairs() for s in segments if s.is_link)

    def details(self, block: Block, segments: list[Segment]) -> bool:
        """A nested item without links under an item, read by role: '  - A, B, and C. ICML, 2021.'
        gives the item above its authors, venue and year (what it already has stays). True when
        the nested item was read so."""
        if block.depth == 0 or self.last_item is None or any(s.is_link for s in segments) or block.more:
            return False
        found = read_details([plain(segments)], "nested item")
        if not (found.authors or (found.venue and found.year)):
            return False
        record = self.records[self.last_item]
        authors, others = parse_authors(found.authors) if found.authors and not record.authors else ((), False)
        filled = replace(
            record,
            authors=record.authors or authors,
            others=record.others or others,
            venue_text=record.venue_text or found.venue,
            year=record.year or found.year,
            month=record.month if record.year else found.month,
            notes=record.notes + found.notes,
            origins=record.origins + tuple((f, f"{w}, line {block.line}") for f, w in found.origins),
        )
        self.records[self.last_item] = filled
        return True

    def content_block(self, block: Block, segments: list[Segment], ctx: Context) -> None:
        if self.details(block, segments):
            return
        prose: list[list[Segment]] = []
        for paragraph in block.more:  # an item's further lines: its details, or notes on it
            more, _ = _without_navigation(paragraph)
            if is_prose(more):
                prose.append(more)
            else:
                segments += [Segment("  "), *more]
        candidate = read_row(block.cells, block.header) if block.form == "row" else None
        if block.form == "row" and candidate is None:
            segments = _row_as_item(list(block.cells))
        if candidate is None and block.form != "quote":
            candidate = read_item(segments)
            if candidate is not None and block.form in ("paragraph", "html") and _runs_on(candidate):
                candidate = None  # "[WMT](url) is the most important...": a sentence, a note
        self.item(candidate, segments, ctx, prose_ok=block.form != "row")
        for note in prose:
            self.item(None, note, ctx, prose_ok=True)

    def item(self, candidate: Candidate | None, segments: list[Segment], ctx: Context, *, prose_ok: bool) -> None:
        """An entry from the candidate; or, without one, a note or a reported line. Identifier
        links no entry claims become mentions either way."""
        if candidate is not None:
            record, problems, unclaimed = build_record(candidate, ctx)
            self.problems.extend(problems)
            if record is not None:
                self.add(record)
                self.mentions(unclaimed, segments, ctx)
                return
            # build_record reported why there is no entry: the text is no one's note.
        else:
            self.leftover(segments, ctx, prose_ok=prose_ok)
        self.mentions([s for s in segments if s.is_link], segments, ctx)

    def leftover(self, segments: list[Segment], ctx: Context, *, prose_ok: bool) -> None:
        """What is not an item: unreadable Markdown is reported, prose is a note, and a table row
        that is neither is reported."""
        if markdown_residue(segments):
            self.problems.append(
                ctx.problem("unparsable-item", f"cannot read this item: {plain(segments).strip()[:80]!r}")
            )
        elif prose_ok:
            self.note(render_note(segments))
        elif any(not s.is_link and s.text.strip(" |") for s in segments) and not _identifier_links(segments):
            self.problems.append(ctx.problem("unreadable-row", f"cannot read this row: {plain(segments)[:80]!r}"))

    def mentions(self, links: list[Segment], segments: list[Segment], ctx: Context) -> None:
        """Each identifier among these links an entry of its own (once per identifier)."""
        seen: set[tuple[tuple[str, str], ...]] = set()
        for seg in links:
            key = tuple(ids.link_identifiers(seg.href).as_pairs())
            if key and key not in seen:
                seen.add(key)
                self.mention(seg, segments, ctx)


def _runs_on(candidate: Candidate) -> bool:
    """A link that opens a sentence: the text after it continues in lower case, at length."""
    after = plain([s for s in candidate.rest if not s.is_link]).strip()
    return candidate.form == "link" and bool(re.match(r"^[a-z]", after)) and len(after.split()) > 6


def is_prose(segments: list[Segment]) -> bool:
    """A paragraph that is a note on the item, not its details: details are short lines of
    authors (emphasised), links, or a date such as '2021.11'."""
    text = plain([s for s in segments if not s.is_link and not s.em])
    if any(s.is_link or s.em for s in segments):
        return len(text.strip()) > 80
    return not re.fullmatch(r"\W*(?:19|20)\d\d(?:[./-]\d{1,2})?\W*", text)


def _identifier_links(segments: list[Segment]) -> list[Segment]:
    return [s for s in segments if s.is_link and ids.link_identifiers(s.href).as_pairs()]


def _sentence_title(text: str) -> str:
    """The words around a bare identifier link, as a stand-in title: the longest clause."""
    clauses = [c.strip(" -–—:：,.;") for c in re.split(r"[,;:：，。|]\s+|\s+[-–—]\s+|\.\s+", text)]
    best = max(clauses, key=len, default="")
    best = re.sub(r"(?i)^(?:paper|pdf|arxiv|implementation of|see|code for)\b\W*", "", best)
    return clean_title(best) if len(best.split()) >= 2 else ""


def _starts_with_titled_link(segments: list[Segment]) -> bool:
    for s in segments:
        if s.is_link:
            return not is_label(s.text) and bool(s.text.strip())
        if s.text.strip():
            return False
    return False


def _row_as_item(cells: list[tuple[Segment, ...]]) -> list[Segment]:
    """A table without a known header: the first titled link leads, the cells before it are
    its venue or year, the cells after follow as text."""
    flat = [s for cell in cells for s in (*cell, Segment(" | "))]
    lead = next((i for i, s in enumerate(flat) if s.is_link and not is_label(s.text)), None)
    if lead is None:
        return flat
    extra = []
    for seg in flat[:lead]:
        text = strip_decorations(seg.text.strip(" |")) if not seg.is_link else ""
        if not text:
            continue
        if looks_like_venue(text):
            extra.append(Segment(f" ({text})"))
        elif (year := YEAR.search(text)) is not None:  # "2019/??"
            extra.append(Segment(f" ({year.group(1)})"))
    return [flat[lead], *extra, *flat[lead + 1 :]]


def _title_level(blocks: list[Block]) -> int | None:
    """'# ATPapers': a single H1 that opens the list is its title, not a category."""
    headings = [b for b in blocks if b.form == "heading"]
    h1 = [b for b in headings if b.level == 1]
    return 1 if len(h1) == 1 and headings and headings[0] is h1[0] else None


def parse_markdown(text: str, file: str, list_name: str = "") -> tuple[list[Record], list[Problem]]:
    """Every item of a Markdown list as a record, and every problem met, with file:line."""
    if not text.strip():
        return [], [Problem(Source(file, 1, list_name), "empty-list", "the list is empty")]
    blocks = list(blocks_of(text))
    reader = _Reader(file, list_name, _title_level(blocks))
    for block in blocks:
        reader.block(block)
    return reader.records, reader.problems
