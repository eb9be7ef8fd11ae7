"""Reader for curated Markdown lists (awesome-lists, reading lists, notes files).

markdown-it-py does the Markdown (emphasis, links with nested brackets, tables,
HTML) and gives every block its line numbers; this module turns each block into a
flat run of ``Segment`` values and then reads the item forms that curated lists use:

- ``**Title**. *Authors*. (Venue Year) [[paper]](url)[[code]](url) - ***Nickname***``
- ``Title (Venue Year) [[paper]](url) - ***Nickname***`` and numbered variants
- ``[Author / Title](url)`` posts, ``[owner / repo](url) - description`` repositories
- ``[Title](url)`` links in notes files, followed by paragraphs of notes
- table rows, papers written as headings, HTML ``<a href>`` links

Headings give each item its category path.  Anything that cannot be read is a
``Problem`` with file and line; the rest of the list still converts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .. import ids
from ..model import Identifiers, Kind, Link, Person, Problem, Record, Source
from ..normalize.names import parse_authors, parse_creator
from ..normalize.titles import clean_title
from ..normalize.venues import YEAR, looks_like_venue


@dataclass(frozen=True)
class Segment:
    text: str
    href: str | None = None  # set for links
    strong: bool = False
    em: bool = False

    @property
    def is_link(self) -> bool:
        return self.href is not None


# Link labels that name what a link is rather than being a title.
_PAPER_LABELS = {"paper", "pdf", "arxiv", "abs", "paper & code", "paper&code", "article", "report",
                 "论文", "原文"}
_LABEL_WORDS = _PAPER_LABELS | {
    "code", "slides", "slide", "book", "video", "blog", "post", "project", "homepage", "demo",
    "data", "dataset", "poster", "talk", "website", "web", "doc", "docs", "notes", "github",
    "model", "models", "bibtex", "link", "page", "中文翻译", "代码", "视频", "博客",
}
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_PAREN_GROUP = re.compile(r"[（(]([^()（）]*)[)）]")
_MD_RESIDUE = re.compile(r"\]\(|\[\[|\*\*|\[[^\]]*$|<a\s")


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


# ---------------------------------------------------------------------------
# Inline tokens -> segments


@dataclass
class _InlineState:
    strong: int = 0
    em: int = 0
    link_href: str | None = None
    link_text: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    stray_html: list[str] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        if self.link_href is not None:
            self.link_text.append(text)
            return
        seg = Segment(text, strong=self.strong > 0, em=self.em > 0)
        if self.segments and not self.segments[-1].is_link and (
            self.segments[-1].strong,
            self.segments[-1].em,
        ) == (seg.strong, seg.em):
            self.segments[-1] = replace(self.segments[-1], text=self.segments[-1].text + text)
        else:
            self.segments.append(seg)

    def open_link(self, href: str) -> None:
        self.link_href = href
        self.link_text = []

    def close_link(self) -> None:
        if self.link_href is None:
            return
        self.segments.append(
            Segment("".join(self.link_text), href=self.link_href, strong=self.strong > 0, em=self.em > 0)
        )
        self.link_href = None

    def html(self, fragment: str) -> None:
        """Inline HTML: <a href> links, <b>/<i>/<br>; other tags are stray and reported."""
        pos = 0
        for m in _HTML_TAG.finditer(fragment):
            if m.start() > pos:
                self.add_text(fragment[pos : m.start()])
            pos = m.end()
            closing, tag, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if tag == "a":
                if closing:
                    self.close_link()
                else:
                    href = _HREF.search(attrs)
                    self.open_link(next((g for g in href.groups() if g is not None), "") if href else "")
            elif tag in ("b", "strong"):
                self.strong += -1 if closing else 1
            elif tag in ("i", "em"):
                self.em += -1 if closing else 1
            elif tag == "br":
                self.add_text(" ")
            elif tag not in ("p", "span", "sup", "sub", "img", "div", "li", "ul", "ol", "font"):
                self.stray_html.append(m.group(0))
            elif tag == "img":
                continue
        if pos < len(fragment):
            self.add_text(fragment[pos:])


def segments_of(inline: Token) -> tuple[list[Segment], list[str]]:
    """Flatten an inline token into segments; also return stray HTML tags seen."""
    state = _InlineState()
    for child in inline.children or []:
        t = child.type
        if t in ("text", "code_inline"):
            state.add_text(child.content)
        elif t in ("softbreak", "hardbreak"):
            state.add_text(" ")
        elif t == "strong_open":
            state.strong += 1
        elif t == "strong_close":
            state.strong -= 1
        elif t == "em_open":
            state.em += 1
        elif t == "em_close":
            state.em -= 1
        elif t == "link_open":
            state.open_link(str(child.attrs.get("href", "")))
        elif t == "link_close":
            state.close_link()
        elif t == "html_inline":
            state.html(child.content)
        elif t == "image":
            continue
    state.close_link()
    return state.segments, state.stray_html


def segments_of_html(html: str) -> tuple[list[Segment], list[str]]:
    state = _InlineState()
    state.html(" ".join(html.split()))
    state.close_link()
    return state.segments, state.stray_html


def _plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def _is_label_link(seg: Segment) -> bool:
    text = seg.text.strip()
    if text.startswith("[") and text.endswith("]"):
        return True
    return text.lower() in _LABEL_WORDS or text.lower().rstrip("s") in _LABEL_WORDS


def _label(seg: Segment) -> str:
    return seg.text.strip().strip("[]").strip()


def _is_blank(seg: Segment) -> bool:
    return not seg.is_link and not seg.text.strip(" \t.-–—|:：,")


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?://|www\.)\S+$", text.strip()))


# ---------------------------------------------------------------------------
# Segments -> one record


@dataclass
class _Context:
    file: str
    list_name: str
    path: tuple[str, ...]
    line: int

    @property
    def source(self) -> Source:
        return Source(self.file, self.line, self.list_name)

    def problem(self, kind: str, message: str, severity: str = "warning") -> Problem:
        return Problem(self.source, kind, message, severity)


def _split_paren_venue(text: str) -> tuple[str, str]:
    """'Title (NAACL 2019) ' -> ('Title', 'NAACL 2019'); venue '' when the last group is not one."""
    text = text.rstrip()
    groups = list(_PAREN_GROUP.finditer(text))
    if groups:
        last = groups[-1]
        if not text[last.end() :].strip(" .,") and looks_like_venue(last.group(1)):
            return text[: last.start()].rstrip(" .,"), last.group(1).strip()
    return text, ""


def _venue_in(text: str) -> str:
    """First venue-like piece of free text: '(ICML 2015)', 'NAACL 2019.', 'Venue2019'."""
    for m in _PAREN_GROUP.finditer(text):
        if looks_like_venue(m.group(1)):
            return m.group(1).strip()
    for piece in re.split(r"[.;|]\s+|\s+-\s+|\s*\|\s*", text):
        piece = piece.strip(" .,|")
        if piece and looks_like_venue(piece):
            return piece
    return ""


def _resolve_href(seg: Segment, ctx: _Context, problems: list[Problem]) -> str:
    href = seg.href or ""
    if not href.strip():
        problems.append(ctx.problem("empty-link", f"link [{_label(seg)}] has no target; skipped"))
        return ""
    if not ids.has_scheme(href.strip()) and not href.startswith(("#", "/", "mailto:")):
        fixed = ids.clean_url(href)
        problems.append(
            ctx.problem("link-without-scheme", f"link [{_label(seg)}]({href}) has no scheme; read as {fixed}")
        )
        return fixed
    return ids.clean_url(href)


def interpret(segments: list[Segment], ctx: _Context) -> tuple[Record | None, list[Problem]]:
    """Read one list item (or paragraph, table row, heading) as a record, or None for prose."""
    problems: list[Problem] = []
    segs = [s for s in segments if s.is_link or s.text]
    while segs and _is_blank(segs[0]):
        segs.pop(0)
    if not segs:
        return None, problems
    text_all = _plain(segs)
    residue = _MD_RESIDUE.search(" ".join(s.text for s in segs if not s.is_link))
    has_links = any(s.is_link for s in segs)

    # Prose with a short lead-in before the link: "中文ulmfit：[url](url)".
    lead_note = ""
    first_link = next((i for i, s in enumerate(segs) if s.is_link), None)
    if (
        first_link
        and not any(s.strong for s in segs[:first_link])
        and not _is_label_link(segs[first_link])
    ):
        lead = _plain(segs[:first_link]).strip()
        if len(lead) <= 30 and lead.endswith((":", "：")):
            lead_note = lead.rstrip(":：").strip()
            segs = segs[first_link:]

    first = segs[0]
    title = ""
    authors_text = ""
    title_link: Segment | None = None
    rest: list[Segment]
    form: str
    if not first.is_link and first.strong:
        form = "bold"
        i = 0
        parts = []
        while i < len(segs) and not segs[i].is_link and segs[i].strong:
            parts.append(segs[i].text)
            i += 1
        title = "".join(parts)
        # "*Authors*" follows after ". "
        j = i
        while j < len(segs) and _is_blank(segs[j]):
            j += 1
        if j < len(segs) and not segs[j].is_link and segs[j].em and not segs[j].strong:
            authors_text = segs[j].text
            j += 1
        rest = segs[j:]
    elif first.is_link and not _is_label_link(first):
        form = "link"
        title_link = first
        title = first.text
        rest = segs[1:]
    elif not first.is_link and has_links and _is_label_link(next(s for s in segs if s.is_link)):
        # "Title (Venue Year) [[paper]](url)": the first link names what it is. Prose with a
        # titled link in it ("see [this post](url)") is not an item but a note.
        form = "plain"
        k = next(i for i, s in enumerate(segs) if s.is_link)
        before = _plain(segs[:k])
        title, venue_text = _split_paren_venue(before)
        rest = [Segment(f"({venue_text})")] if venue_text else []
        rest += segs[k:]
        if not title.strip():
            return None, problems
    else:
        if residue:
            problems.append(
                ctx.problem("unparsable-item", f"cannot read this item: {text_all.strip()[:80]!r}")
            )
        return None, problems

    if residue:
        problems.append(
            ctx.problem(
                "markdown-residue",
                f"unbalanced Markdown near {residue.group(0)!r}; read as well as possible",
            )
        )

    # Links, nickname, venue, trailing description from the rest.
    url = ""
    paper_urls: list[str] = []
    code: list[str] = []
    links: list[Link] = []
    labels: set[str] = set()
    nickname = ""
    free_text: list[str] = []
    for seg in rest:
        if seg.is_link:
            if not _is_label_link(seg) and form != "link":
                # A second titled link inside an item: keep it as a related link.
                href = _resolve_href(seg, ctx, problems)
                if href:
                    links.append(Link(clean_title(seg.text) or "link", href))
                continue
            label = _label(seg)
            low = label.lower()
            href = _resolve_href(seg, ctx, problems)
            if not href:
                continue
            labels.add(low)
            if "code" in low and "paper" not in low or "implementation" in low or low in ("github", "代码"):
                if href not in code:
                    code.append(href)
            elif low in _PAPER_LABELS or low in ("book", "slides", "slide"):
                if "code" in low:
                    code.append(href)
                paper_urls.append(href)
            else:
                links.append(Link(label, href))
        elif seg.strong and seg.text.strip(" ()（）-"):
            nickname = nickname or seg.text.strip(" ()（）")
        else:
            free_text.append(seg.text)
    if title_link is not None:
        href = _resolve_href(title_link, ctx, problems)
        if href:
            paper_urls.insert(0, href)
    url = paper_urls[0] if paper_urls else ""
    # Further paper links (an [[arXiv]] beside the [[paper]]) are kept as links too.
    links += [Link("paper", u) for u in dict.fromkeys(paper_urls[1:]) if u != url and "arxiv.org/abs/" not in u]
    rest_text = " ".join("".join(free_text).split())

    venue_text = _venue_in(rest_text)
    description = ""
    by_author = ""
    if form == "link":
        m = re.match(r"^by\s+([^,]+?),?\s+((?:19|20)\d{2})\b\s*(?:[-–—:]\s*(.*))?$", rest_text)
        if m:
            by_author, venue_text, description = m.group(1), m.group(2), m.group(3) or ""
        else:
            dm = re.search(r"(?:^|\s)[-–—:：]\s+(.+)$", rest_text)
            if dm and not looks_like_venue(dm.group(1)):
                description = dm.group(1).strip()
            elif rest_text and not venue_text:
                description = rest_text.strip(" -–—")

    title = clean_title(title)
    if not title:
        problems.append(ctx.problem("empty-title", f"item has no title: {text_all.strip()[:80]!r}"))
        return None, problems

    kind = _kind_of(form, title, url, labels, venue_text, ctx.path)
    authors: tuple[Person, ...] = ()
    others = False
    if authors_text:
        if _same_text(authors_text, title):
            problems.append(
                ctx.problem("authors-repeat-title", "the authors part repeats the title; authors left empty")
            )
        else:
            authors, others = parse_authors(authors_text)
    elif by_author:
        authors = (parse_creator(by_author),)

    site = ""
    if kind in (Kind.ARTICLE, Kind.WEBPAGE, Kind.REPOSITORY):
        title, authors = _creator_and_title(kind, title, url, authors)
        if url:
            # Repositories name their code host; posts their site, or the bare host when unknown.
            site = ids.host_of(url) if kind == Kind.REPOSITORY else (ids.article_site(url) or ids.host_of(url))
    identifiers = Identifiers()
    for href in paper_urls:
        identifiers = ids.merge_identifiers(identifiers, ids.identifiers_from_url(href))

    year = None
    month = None
    if kind in (Kind.ARTICLE, Kind.WEBPAGE) and url:
        dated = ids.date_from_url(url)
        if dated:
            year, month = dated

    notes = tuple(n for n in (lead_note, description) if n)
    record = Record(
        kind=kind,
        title=title,
        sources=(ctx.source,),
        authors=authors,
        others=others,
        year=year,
        month=month,
        venue_text=venue_text,
        ids=identifiers,
        url=url,
        code=tuple(code),
        links=tuple(links),
        nickname=clean_title(nickname),
        site=site,
        categories=(ctx.path,),
        notes=notes,
    )
    return record, problems


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W", "", s.lower())

    return norm(a) == norm(b)


def _kind_of(
    form: str, title: str, url: str, labels: set[str], venue_text: str, path: tuple[str, ...]
) -> Kind:
    if "book" in labels:
        return Kind.BOOK
    if labels & {"slides", "slide"} and not labels & _PAPER_LABELS:
        return Kind.SLIDES
    if form in ("bold", "plain"):
        return Kind.PAPER
    section = " ".join(path[-1:]).lower()
    if url and ids.is_paper_url(url):
        return Kind.PAPER
    if url and ids.repository_of(url):
        return Kind.REPOSITORY
    if venue_text:
        return Kind.PAPER
    if url and ids.article_site(url):
        return Kind.ARTICLE
    if any(w in section for w in ("blog", "post", "article", "博客", "文章")):
        return Kind.ARTICLE
    return Kind.WEBPAGE


def _creator_and_title(
    kind: Kind, title: str, url: str, authors: tuple[Person, ...]
) -> tuple[str, tuple[Person, ...]]:
    """'Author / Title' link texts, 'owner / repo' repositories, and bare-URL titles."""
    repo = ids.repository_of(url) if url else None
    if _looks_like_url(title) or title.rstrip("/") == url.rstrip("/"):
        if repo:
            return repo[1], authors or (Person(last=repo[0], literal=True),)
        shown = re.sub(r"^https?://(www\.)?", "", title).rstrip("/")
        return shown, authors
    if " / " in title:
        creator, _, rest = title.partition(" / ")
        if creator.strip() and rest.strip():
            return rest.strip(), authors or (parse_creator(creator.strip()),)
    if repo and not authors:
        return title, (Person(last=repo[0], literal=True),)
    return title, authors


# ---------------------------------------------------------------------------
# Block structure: headings, lists, paragraphs, tables, HTML


@dataclass
class _Walker:
    file: str
    list_name: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    title_level: int | None = None  # heading level used for the list's own title
    pending_notes: list[str] = field(default_factory=list)
    last_in_section: int | None = None  # index into records

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for level, text in self.headings if level != self.title_level)

    def heading(self, level: int, text: str) -> None:
        self.headings = [(lv, t) for lv, t in self.headings if lv < level]
        self.headings.append((level, text))
        self.pending_notes = []
        self.last_in_section = None

    def candidate(self, segments: list[Segment], line: int, stray: list[str], *, prose_ok: bool) -> None:
        ctx = _Context(self.file, self.list_name, self.path, line)
        for tag in stray:
            self.problems.append(ctx.problem("stray-html", f"HTML tag {tag} ignored"))
        record, problems = interpret(segments, ctx)
        self.problems.extend(problems)
        if record is None:
            text = " ".join(_render_note(segments).split())
            if text and prose_ok:
                self.note(text)
            return
        if self.pending_notes:
            record = replace(record, notes=tuple(self.pending_notes) + record.notes)
            self.pending_notes = []
        self.records.append(record)
        self.last_in_section = len(self.records) - 1

    def note(self, text: str) -> None:
        if self.last_in_section is None:
            self.pending_notes.append(text)
            return
        rec = self.records[self.last_in_section]
        self.records[self.last_in_section] = replace(rec, notes=rec.notes + (text,))


def _render_note(segments: list[Segment]) -> str:
    out = []
    for s in segments:
        if s.is_link and s.href and s.text.strip() and s.text.strip() != s.href:
            out.append(f"{s.text} ({s.href})")
        elif s.is_link:
            out.append(s.href or s.text)
        else:
            out.append(s.text)
    return "".join(out)


def parse_markdown(text: str, file: str, list_name: str = "") -> tuple[list[Record], list[Problem]]:
    """Every item of a Markdown list as a record, and every problem met, with file:line."""
    walker = _Walker(file, list_name)
    if not text.strip():
        walker.problems.append(Problem(Source(file, 1, list_name), "empty-list", "the list is empty"))
        return [], walker.problems
    tokens = _md().parse(text)
    h1 = [t for t in tokens if t.type == "heading_open" and t.tag == "h1"]
    first_heading = next((t for t in tokens if t.type == "heading_open"), None)
    if len(h1) == 1 and first_heading is h1[0]:
        walker.title_level = 1  # "# ATPapers": the list's title, not a category

    i = 0
    list_depth = 0
    in_tbody = False
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            segments, stray = segments_of(inline)
            level = int(tok.tag[1:])
            if any(s.is_link for s in segments) and not _is_label_link(
                next(s for s in segments if s.is_link)
            ) and _plain([s for s in segments if s.is_link]).strip() and _starts_with_link(segments):
                # "#### [Title](url)": a paper written as a heading, its notes follow.
                walker.headings = [(lv, t) for lv, t in walker.headings if lv < level]
                walker.last_in_section = None
                walker.candidate(segments, line, stray, prose_ok=False)
            else:
                walker.heading(level, _heading_text(segments))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "tbody_open":
            in_tbody = True
        elif tok.type == "tbody_close":
            in_tbody = False
        elif tok.type == "tr_open" and in_tbody:
            j = i + 1
            cells: list[Segment] = []
            stray_all: list[str] = []
            while tokens[j].type != "tr_close":
                if tokens[j].type == "inline":
                    segs, stray = segments_of(tokens[j])
                    cells.extend(segs)
                    cells.append(Segment(" | "))
                    stray_all.extend(stray)
                j += 1
            walker.candidate(_table_row(cells), line, stray_all, prose_ok=False)
            i = j + 1
            continue
        elif tok.type == "paragraph_open":
            inline = tokens[i + 1]
            segments, stray = segments_of(inline)
            walker.candidate(segments, line, stray, prose_ok=True)
            i += 3
            continue
        elif tok.type == "html_block":
            segments, stray = segments_of_html(tok.content)
            if any(s.is_link for s in segments):
                walker.candidate(segments, line, stray, prose_ok=True)
            elif _plain(segments).strip():
                walker.note(" ".join(_plain(segments).split()))
        elif tok.type in ("fence", "code_block"):
            if tok.content.strip():
                walker.note(tok.content.strip())
        i += 1
    return walker.records, walker.problems


def _starts_with_link(segments: list[Segment]) -> bool:
    for s in segments:
        if s.is_link:
            return True
        if s.text.strip():
            return False
    return False


def _heading_text(segments: list[Segment]) -> str:
    text = " ".join(_plain(segments).split())
    return text.strip(" #")


def _table_row(cells: list[Segment]) -> list[Segment]:
    """A table row as one item: the first titled link leads, the other cells follow as text."""
    lead = next(
        (i for i, s in enumerate(cells) if s.is_link and not _is_label_link(s) and not _looks_like_url(s.text)),
        None,
    )
    if lead is None:
        return cells
    after = cells[lead + 1 :]
    year_or_venue = []
    for cell in cells[:lead]:
        text = cell.text.strip(" |")
        if cell.is_link or not text:
            continue
        if looks_like_venue(text):
            year_or_venue.append(Segment(f" ({text})"))
        elif (year := YEAR.search(text)) is not None:  # "2019/??"
            year_or_venue.append(Segment(f" ({year.group(1)})"))
    return [cells[lead], *year_or_venue, *after]


def read_list(path: Path, list_name: str = "", display_path: str | None = None) -> tuple[list[Record], list[Problem]]:
    """Read a list file. Undecodable bytes are reported, not fatal."""
    shown = display_path or str(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
        problems: list[Problem] = []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        problems = [Problem(Source(shown, line, list_name), "encoding", "invalid UTF-8 replaced with U+FFFD")]
    records, more = parse_markdown(text, shown, list_name)
    return records, problems + more


__all__ = ["parse_markdown", "read_list", "interpret", "segments_of", "Segment"]
