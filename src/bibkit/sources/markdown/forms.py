"""Stage 3 of the reader: one small pure reader per item form.

Each reader is given a block's segments and returns a ``Candidate`` when it recognises its
form, or None.  A candidate says what the title is and which segments remain to be read for
links, venue and notes (``record.build_record`` reads those the same way for every form).

- ``citation``: ``Authors. 2019. [Title](url). *Venue*.``
- ``label-first``: ``[arXiv:1810.04805](url), Title, Authors: A, B``
- ``tool-paper``: ``[owner/repo](github), Paper Title https://arxiv.org/abs/...`` → the paper, the
  repository as its code
- ``bold``: ``**Title**. Venue. *Authors*. [[pdf]](url), 2021.11`` (over several lines)
- ``link``: ``[Title](url) (Venue 2019) - description``, ``[Author / Title](url)``, ``[owner / repo](url)``
- ``plain``: ``Title (Venue Year) [[paper]](url)``
- ``table``: a table row read by its header (Title/Paper, Authors, Venue, Date/Year, Code)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from ... import ids
from ...normalize.venues import looks_like_venue
from .roles import (
    DOTTED_DATE,
    Details,
    alias_of,
    dated,
    is_name_list,
    looks_like_authors,
    read_details,
    split_title_tail,
    venue_and_date,
    venue_marker,
)
from .segments import Segment, lines_of, plain
from .titles import is_generic, is_label, is_url_text, strip_decorations

Form = Literal["citation", "label-first", "tool-paper", "bold", "link", "plain", "table"]


@dataclass(frozen=True)
class Candidate:
    form: Form
    title: str
    title_link: Segment | None = None  # the link whose target is the work itself
    authors_text: str = ""
    venue_text: str = ""
    year: int | None = None
    month: int | None = None
    rest: tuple[Segment, ...] = ()  # what is left to read: links, nickname, venue, description
    code: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # the item's own prose: a lead-in, a table's description cell
    alias: str = ""  # a nickname the item gives ("[RetinaNet]", "(FTGC)")
    volume: str = ""
    issue: str = ""
    pages: str = ""
    origins: tuple[tuple[str, str], ...] = ()  # (field, the span it was read from)


_PAREN_GROUP = re.compile(r"[（(]([^()（）]*)[)）]")
# "Authors. 2019. [Title]", "Authors (2019). [Title]" (APA), "Authors. [Title]",
# "Authors . 2021 . Short Name: [Title]"
_CITATION_HEAD = re.compile(
    r"^(?P<authors>\S.*?)\s*(?:[.,]\s*|\s(?=\())(?:\(?(?P<year>(?:19|20)\d{2})[a-z]?\)?\s*[.,:]?)?\s*"
    r"(?P<extra>[^.]{0,40})$",
    re.S,
)
# IEEE: '[1] J. Devlin, M. Chang, "BERT: Pre-training of ...," in NAACL, 2019.'
_QUOTED_CITATION = re.compile(
    r"^\s*(?:\[\d+\]\s*)?(?P<authors>[^\"“”]+?),?\s*[\"“](?P<title>[^\"“”]{8,}?)[,.]?[\"”],?\s*"
    r"(?:in\s+)?(?P<venue>[^\"“”]*?)(?P<year>(?:19|20)\d{2})?\W*(?:\[online\]\W*|available\W*)*$",
    re.I | re.S,
)
_AUTHORS_LABEL = re.compile(r"[,;.]?\s*\b(?:authors?|by)\s*[:：]\s*", re.I)


def _is_blank(seg: Segment) -> bool:
    return not seg.is_link and not seg.text.strip(" \t.-–—|:：,;")


def _first_link(segs: list[Segment], *, titled: bool) -> int | None:
    for i, s in enumerate(segs):
        if s.is_link and (not titled or not is_label(s.text)):
            return i
    return None


# ---------------------------------------------------------------------------------------------
# The readers


def read_citation(segs: list[Segment]) -> Candidate | None:
    k = _first_link(segs, titled=True)
    if k is None or k == 0:
        return None
    head = _CITATION_HEAD.match(plain(segs[:k]).strip())
    if not head or not looks_like_authors(head.group("authors")):
        return None
    if not head.group("year") and head.group("extra").strip():
        return None
    title = strip_decorations(segs[k].text)
    if not title or is_generic(title):
        return None
    rest = segs[k + 1 :]
    venue = next((s.text for s in rest if s.em and not s.is_link and s.text.strip(" .")), "")
    venue = re.sub(r"^\s*(?:in\s+)?", "", venue, flags=re.I).strip(" .")
    rest = [s for s in rest if not (s.em and s.text == venue)]
    year = int(head.group("year")) if head.group("year") else None
    return Candidate("citation", title, segs[k], head.group("authors"), venue, year, None, tuple(rest))


def read_label_first(segs: list[Segment]) -> Candidate | None:
    """'[arXiv:1810.04805](url), Title, Authors: A, B'."""
    lead = next((i for i, s in enumerate(segs) if not _is_blank(s)), None)
    if lead is None or not segs[lead].is_link or not is_label(segs[lead].text):
        return None
    after = segs[lead + 1 :]
    k = next((i for i, s in enumerate(after) if s.is_link), len(after))
    text = plain(after[:k])
    if not re.match(r"^\s*[,:：\-–—]\s*\S", text):
        return None
    title, authors = text, ""
    m = _AUTHORS_LABEL.search(text)
    if m:
        title, authors = text[: m.start()], text[m.end() :]
    title = strip_decorations(title.strip(" ,:：-–—"))
    if len(title.split()) < 2 or is_generic(title):
        return None
    return Candidate("label-first", title, segs[lead], authors.strip(" ,.[("), rest=tuple(after[k:]))


_QUOTED = re.compile(r"[\"'“‘]([^\"'“”‘’]{12,})[\"'”’]")


def read_tool_paper(segs: list[Segment]) -> Candidate | None:
    """A repository item that names the paper it implements, with the paper's identifier link."""
    k = _first_link(segs, titled=True)
    if k is None or any(not _is_blank(s) for s in segs[:k]) or not ids.repository_of(segs[k].href or ""):
        return None
    p = next(
        (i for i in range(k + 1, len(segs)) if segs[i].is_link and ids.link_identifiers(segs[i].href).as_pairs()),
        None,
    )
    if p is None:
        return None
    between = plain(segs[k + 1 : p])
    title = ""
    if not is_generic(segs[p].text) and not is_url_text(segs[p].text):
        title = strip_decorations(segs[p].text)
    if not title:
        quoted = _QUOTED.search(between)
        text = quoted.group(1) if quoted else re.sub(r"(?i)\b(?:paper|pdf|arxiv)\s*[:：]?\s*$", "", between)
        text = re.sub(r"(?i)^\W*(?:(?:the\s+)?(?:official\s+)?implementation\s+of(?:\s+the\s+paper)?)\s*", "", text)
        title = strip_decorations(text.strip(" ,:：-–—"))
    if not title or is_generic(title):
        title = strip_decorations(segs[k].text)
    rest = (*segs[k + 1 : p], *segs[p + 1 :])
    return Candidate("tool-paper", title, segs[p], rest=tuple(rest), code=(segs[k].href or "",))


def read_bold(segs: list[Segment]) -> Candidate | None:
    first = next((i for i, s in enumerate(segs) if not _is_blank(s)), None)
    if first is None or segs[first].is_link or not segs[first].strong:
        return None
    i = first
    parts = []
    while i < len(segs) and not segs[i].is_link and segs[i].strong:
        parts.append(segs[i].text)
        i += 1
    title = strip_decorations("".join(parts))
    rest = _merged_runs(segs[i:])
    if "".join(parts).rstrip().endswith((":", "：")) or plain(rest).lstrip().startswith((":", "：")):
        return None  # "**System report**: ...": a label, not a title
    alias = alias_of("".join(parts))
    if alias:  # "**[RetinaNet]** Focal Loss for Dense Object Detection | **[ICCV' 17]**"
        after = _title_after_alias(rest)
        if after is None:
            alias = ""
        else:
            title, rest = after
    # "*Authors*": the first emphasised run before the first link, after a venue at most.
    authors = ""
    venue_bits: list[str] = []
    for j, seg in enumerate(rest):
        if seg.is_link:
            break
        if seg.em and not seg.strong and (_names_span(seg.text) or _same_words(seg.text, title)):
            authors = seg.text
            venue_bits = [s.text for s in rest[:j]]
            rest = rest[:j] + rest[j + 1 :]
            break
    if not authors:
        authors, rest = _plain_authors(rest)
    year, month = dated(plain([s for s in rest if not s.is_link]))
    venue = " ".join("".join(venue_bits).split()).strip(" .,")
    if venue and looks_like_venue(venue):
        rest = [r for r in rest if r.text not in venue_bits or r.is_link]
        rest.insert(0, Segment(f"({venue})"))
    if not DOTTED_DATE.search(plain(rest)):
        year, month = None, None  # a year alone is the venue's, read with it
    details = _details_of(rest)
    if not (authors or venue or year or details.found or any(s.is_link for s in rest) or _venue_near(plain(rest))):
        return None  # a bold phrase with nothing of a work around it
    venue_text = "" if venue and looks_like_venue(venue) else details.venue
    # The fields the lines gave, where the emphasised authors did not already give them.
    origins = tuple((f, w) for f, w in details.origins if not (f == "authors" and authors))
    return Candidate(
        "bold",
        title,
        None,
        authors or details.authors,
        venue_text,
        year or details.year,
        month if year else details.month,
        tuple(rest),
        alias=alias,
        volume=details.volume,
        issue=details.issue,
        pages=details.pages,
        origins=(("title", "bold span" if not alias else "text after the bold alias"), *origins),
    )


def _names_span(text: str) -> bool:
    """An emphasised span that is a list of names, not a venue and date ('*Nature, Jan 2022*')."""
    return looks_like_authors(text) and venue_and_date(text) is None


def _merged_runs(segs: list[Segment]) -> list[Segment]:
    """Adjacent text segments of the same emphasis as one run (a span wrapped onto the next line)."""
    out: list[Segment] = []
    for seg in segs:
        last = out[-1] if out else None
        if last is not None and not (seg.is_link or last.is_link) and (last.strong, last.em) == (seg.strong, seg.em):
            out[-1] = Segment(last.text + seg.text, strong=seg.strong, em=seg.em, line_start=last.line_start)
        else:
            out.append(seg)
    return out


def _title_after_alias(rest: list[Segment]) -> tuple[str, list[Segment]] | None:
    """The title written after a bold nickname, up to a '|' or the next bold or linked span;
    None when no title-like text follows."""
    k = next((i for i, s in enumerate(rest) if s.is_link or s.strong or s.em), len(rest))
    text = plain(rest[:k])
    title, bar, tail = text.partition(" |")
    title = strip_decorations(title)
    if len(title.split()) < 2 or is_generic(title):
        return None
    return title, [Segment(bar + tail), *rest[k:]] if (bar or tail.strip()) else list(rest[k:])


def _details_of(rest: list[Segment]) -> Details:
    """The lines and spans beside a title (not its links) read by role."""
    spans: list[str] = []
    for line in lines_of(rest):
        for seg in line:
            if seg.is_link or (seg.strong and not venue_marker(seg.text)):
                spans.append("")  # a link, or a bold nickname ("***GPT***"), ends a span
            elif seg.em or seg.strong or not spans or seg.line_start:
                spans.append(seg.text)
            else:
                spans[-1] += seg.text
    return read_details([s for s in spans if s.strip(" .,;:|-–—()")], "line")


_YEAR_LEAD = re.compile(r"^\s*(?:\(\s*((?:19|20)\d{2})\s*\))?[\s,.;:\-–—]*")


def _plain_authors(rest: list[Segment]) -> tuple[str, list[Segment]]:
    """'**Title** (2015), G. Hinton et al. [[pdf]](url)': authors written plain, after the title
    and its year, before the first link. Returns the authors and the rest without them."""
    k = next((i for i, s in enumerate(rest) if s.is_link), len(rest))
    if k == 0 or any(s.strong or s.em for s in rest[:k]):
        return "", rest
    text = plain(rest[:k])
    lead = _YEAR_LEAD.match(text)
    names = text[lead.end() :].strip(" .,;") if lead else ""
    if not names or not looks_like_authors(names):
        return "", rest
    year = lead.group(1) if lead else None
    return names, ([Segment(f"({year})")] if year else []) + rest[k:]


def _same_words(a: str, b: str) -> bool:
    return re.sub(r"\W", "", a.lower()) == re.sub(r"\W", "", b.lower()) != ""


def venue_in(text: str) -> str:
    """First venue-like piece of free text: '(ICML 2015)', 'NAACL 2019.', 'Venue2019'."""
    for m in _PAREN_GROUP.finditer(text):
        if looks_like_venue(m.group(1)):
            return m.group(1).strip()
    for piece in re.split(r"[.;|]\s+|\s+-\s+|\s*\|\s*", text):
        piece = piece.strip(" .,|-–—")
        if piece and looks_like_venue(piece):
            return piece
    return ""


def _venue_near(text: str) -> bool:
    return any(looks_like_venue(m.group(1)) for m in _PAREN_GROUP.finditer(text)) or looks_like_venue(text)


def read_link(segs: list[Segment]) -> Candidate | None:
    """'[Title](url) ...', with a short prose lead-in allowed: '中文ulmfit：[url](url)'."""
    k = next((i for i, s in enumerate(segs) if s.is_link), None)
    if k is None or is_label(segs[k].text) or ids.is_not_a_work(segs[k].href or ""):
        return None  # a dataset file, a mail address, a pull request: a note of the list, not a work
    lead_note = ""
    if k:
        lead = plain(segs[:k]).strip()
        if any(s.strong for s in segs[:k]) or not (len(lead) <= 30 and lead.endswith((":", "："))):
            if lead.strip(" \t.-–—|:：,;"):
                return None
        lead_note = lead.rstrip(":：").strip()
    title = segs[k].text if is_url_text(segs[k].text) else strip_decorations(segs[k].text)
    if not title or (not is_url_text(title) and is_generic(title)):
        return None
    return Candidate("link", title, segs[k], rest=tuple(segs[k + 1 :]), notes=(lead_note,) if lead_note else ())


def split_paren_venue(text: str) -> tuple[str, str]:
    """'Title (NAACL 2019) ' -> ('Title', 'NAACL 2019'); venue '' when the last group is not one."""
    text = text.rstrip()
    groups = list(_PAREN_GROUP.finditer(text))
    if groups:
        last = groups[-1]
        if not text[last.end() :].strip(" .,") and looks_like_venue(last.group(1)):
            return text[: last.start()].rstrip(" .,"), last.group(1).strip()
    return text, ""


# "Title (2017), Jonas Gehring et al." and "Title, R. Al-Rfou et al.": plain references.
_TITLE_YEAR_AUTHORS = re.compile(
    r"^(?P<title>.+?)\s*\((?P<year>(?:19|20)\d{2})\)\s*[,.]?\s+(?P<authors>[^()]+?)[\s.,]*$"
)
_TITLE_INITIALS = re.compile(
    r"^(?P<title>.+?),\s+(?P<authors>(?:[A-Z]\.\s*)+[A-Z][\w'\-]+(?:\s+et\s+al\.?"
    r"|(?:,?\s*(?:and\s+)?(?:[A-Z]\.\s*)+[A-Z][\w'\-]+)*))[\s.,]*$"
)
# Words a sentence may end on before a link, but a title never does.
_FUNCTION_WORDS = frozenset(
    "a an the my our your their his her its to of in on at by for from with via and or see read "
    "here this that these is are was follow check visit use using".split()
)


def read_plain(segs: list[Segment]) -> Candidate | None:
    """'Title (Venue Year) [[paper]](url)' or 'Title. Authors. Venue Year. [[pdf]](url)': the first
    link names what it is."""
    k = next((i for i, s in enumerate(segs) if s.is_link), None)
    if k is None:
        return _unlinked_reference(segs)
    if k == 0 or not is_label(segs[k].text):
        return None
    head = plain(segs[:k]).strip()
    cited = _TITLE_YEAR_AUTHORS.match(head) or _TITLE_INITIALS.match(head)
    if cited and looks_like_authors(cited.group("authors")):  # "Title (2017), J. Gehring et al."
        title = strip_decorations(cited.group("title"))
        year = int(cited.group("year")) if cited.groupdict().get("year") else None
        if title and not is_generic(title):
            return Candidate("plain", title, authors_text=cited.group("authors"), year=year, rest=tuple(segs[k:]))
    head, marked = _cut_at_bars(head)
    title, venue = split_paren_venue(head)
    venue = venue or marked
    if title.split() and title.split()[-1].lower().strip(".,:;") in _FUNCTION_WORDS:
        return None  # "... follow my [twitter](url)": a sentence around a link, not a title
    authors = ""
    sentences = re.split(r"(?<=[^\s.]{2})\.\s+", title.strip())
    if len(sentences) >= 2 and looks_like_authors(sentences[1]):  # "Title. Authors. Venue Year."
        title, authors = sentences[0], sentences[1]
        venue = venue or " ".join(sentences[2:]).strip(" .")
    elif len(sentences) >= 2 and is_name_list(sentences[0]) and len(sentences[1].split()) >= 2:
        # "Lin Z, Akin H, et al. Title. Science. 2023;379(6637):1123-1130. [doi](…)": Vancouver/AMA.
        found = read_details(sentences[2:], "reference part")
        return Candidate(
            "plain",
            strip_decorations(sentences[1]),
            authors_text=sentences[0],
            venue_text=found.venue,
            year=found.year,
            rest=tuple(segs[k:]),
            notes=found.notes,
            volume=found.volume,
            issue=found.issue,
            pages=found.pages,
            origins=(("authors", "first sentence"), ("title", "second sentence"), *found.origins),
        )
    elif len(sentences) >= 2 and all(len(x.split()) >= 4 for x in sentences[:2]) and len(title.split()) > 20:
        return None  # two long sentences before a [Link]: prose about a paper, not its title
    title = strip_decorations(title)
    if not title or len(title.split()) > 40 or is_generic(title):
        return None
    rest = [Segment(f"({venue})")] if venue else []
    return Candidate("plain", title, authors_text=authors, rest=(*rest, *segs[k:]))


def _cut_at_bars(head: str) -> tuple[str, str]:
    """'Title | **[CVPR' 19]** |' -> ('Title', 'CVPR 2019'): the text before the first ' | ', and a
    venue marker or venue among the pieces after it."""
    pieces = [p.strip() for p in re.split(r"\s+\|\s*|\s*\|\s+|\s*\|$", head)]
    if len(pieces) < 2 or len(pieces[0].split()) < 2:
        return head, ""
    for piece in pieces[1:]:
        read = venue_and_date(piece) if piece else None
        if read is not None and read[0]:
            venue, year = read[0], read[1]
            return pieces[0], venue if year is None or str(year) in venue else f"{venue} {year}"
    return pieces[0], ""


def _unlinked_reference(segs: list[Segment]) -> Candidate | None:
    """A reference with no link at all is still a work when it names its authors the way
    references do: 'Title, R. Al-Rfou et al.', 'Title (2016), G. Brockman et al.'."""
    text = plain(segs).strip()
    cited = _TITLE_INITIALS.match(text) or _TITLE_YEAR_AUTHORS.match(text)
    if not cited or not re.search(r"\bet\s+al\b|(?:^|\s)[A-Z]\.\s*[A-Z]", cited.group("authors")):
        return None
    if not looks_like_authors(cited.group("authors")):
        return None
    title = strip_decorations(cited.group("title"))
    year = int(cited.group("year")) if cited.groupdict().get("year") else None
    return Candidate("plain", title, authors_text=cited.group("authors"), year=year) if title else None


def read_quoted_citation(segs: list[Segment]) -> Candidate | None:
    """IEEE-style references: 'A. Author, B. Author, "Title," in Venue, 2019.' with a link."""
    first_link = next((i for i, s in enumerate(segs) if s.is_link), None)
    if first_link is None or not re.search(r"[\"“][^\"“”]{8,}[\"”]", plain(segs[:first_link])):
        return None  # the reference comes first, quoted title included; its links follow
    k = next((i for i, s in enumerate(segs) if s.is_link and ids.link_identifiers(s.href).as_pairs()), first_link)
    text = plain([s for s in segs if not s.is_link])
    m = _QUOTED_CITATION.match(text)
    if not m or not looks_like_authors(m.group("authors")):
        return None
    title = strip_decorations(m.group("title"))
    venue = m.group("venue").strip(" ,.")
    year = int(m.group("year")) if m.group("year") else None
    rest = tuple(s for i, s in enumerate(segs) if s.is_link and i != k)
    return Candidate("citation", title, segs[k], m.group("authors"), venue, year, None, rest)


# The order is the ranking: the more specific form, with more evidence, first.
ITEM_READERS = (
    read_citation,
    read_quoted_citation,
    read_label_first,
    read_tool_paper,
    read_bold,
    read_link,
    read_plain,
)


_LABEL_PREFIX = re.compile(r"^\s*([^\s:：][^:：]{0,28}?)\s*[:：]\s*")


def after_label(segs: list[Segment]) -> tuple[str, list[Segment]] | None:
    """'**System report**: Authors. 2019. [Title](url)' or 'Paper: [Title](url)': what follows
    a short field label, or None when the item does not start with one."""
    k = next((i for i, s in enumerate(segs) if s.is_link), len(segs))
    head = plain(segs[:k])
    m = _LABEL_PREFIX.match(head)
    if not m or len(m.group(1).split()) > 4 or m.end() >= len(head.rstrip()) and k == len(segs):
        return None
    cut, out = m.end(), []
    for seg in segs:
        if cut <= 0 or seg.is_link:
            out.append(seg)
        elif len(seg.text) <= cut:
            cut -= len(seg.text)
        else:
            out.append(Segment(seg.text[cut:], strong=seg.strong, em=seg.em))
            cut = 0
    return m.group(1).strip(), out


def read_item(segs: list[Segment]) -> Candidate | None:
    labelled = after_label(segs)
    if labelled is not None:
        label, after = labelled
        for reader in ITEM_READERS:
            found = reader(after)
            if found is not None and found.title_link is not None and has_title(found):
                return replace(found, notes=(label, *found.notes))
    for reader in ITEM_READERS:
        found = reader(segs)
        if found is not None and has_title(found):
            return found
    return None


def has_title(candidate: Candidate) -> bool:
    """A title is never a generic text ('Paper', '[', 'arXiv:...'); a URL only names a page or
    repository, whose title the record derives from it."""
    return bool(candidate.title) and (is_url_text(candidate.title) or not is_generic(candidate.title))


# ---------------------------------------------------------------------------------------------
# Tables, read by their header

_COLUMNS = {
    "title": re.compile(r"^(?:title|paper|papers|paper title|name|论文|题目|标题|work)s?$"),
    "authors": re.compile(r"^(?:authors?|作者)$"),
    "venue": re.compile(r"^(?:venue|conference|conf|journal|publication|published|where|source|会议|期刊)"),
    "date": re.compile(r"^(?:date|year|time|published on|日期|时间|年份)"),
    "code": re.compile(r"^(?:code|github|implementation|repo|代码)"),
}


def columns(header: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        for role, pattern in _COLUMNS.items():
            if role not in found and pattern.match(name.strip(" *")):
                found[role] = i
    return found


# Where a title cell's description starts: a wide gap or line break, a spaced dash, or the
# words descriptions open with ("This paper presents", "Proposes").
_DESCRIPTION_START = re.compile(
    r"\s{2,}|\s+[-–—]\s+|\s+(?=(?:This|The|Our|In this) (?:paper|work|study|report|survey)\b"
    r"|(?:Proposes|Introduces|Presents|Shows|Demonstrates)\b)"
)


def split_description(text: str) -> tuple[str, str]:
    """'1) Title  This paper introduces...' -> ('1) Title', 'This paper introduces...')."""
    text = text.strip()
    m = _DESCRIPTION_START.search(text)
    return (text[: m.start()], text[m.end() :]) if m else (text, "")


def _title_cell(cell: list[Segment]) -> tuple[str, Segment | None, str]:
    """(title, the title's link if the cell leads with one, the cell's description)."""
    lead = next((s for s in cell if s.is_link or strip_decorations(s.text)), None)
    if lead is not None and lead.is_link and not is_label(lead.text) and not is_url_text(lead.text):
        return strip_decorations(lead.text), lead, ""
    bold = "".join(s.text for s in cell if s.strong and not s.is_link).strip()
    text = plain([s for s in cell if not s.is_link])
    if bold:
        title, notes = bold, text.split(bold, 1)[1] if bold in text else ""
    else:
        title, notes = split_description(text)
    return strip_decorations(title), None, " ".join(notes.split()).strip(" -–—:")


def read_row(cells: tuple[tuple[Segment, ...], ...], header: tuple[str, ...]) -> Candidate | None:
    cols = {role: i for role, i in columns(header).items() if i < len(cells)}
    if "title" not in cols:
        return None
    title_cell = list(cells[cols["title"]])
    title, link, notes = _title_cell(title_cell)
    if not title or is_generic(title):
        return None

    def cell(role: str) -> str:
        text = plain(cells[cols[role]]).strip() if role in cols else ""
        return text if text.strip(" -–—/?") and len(text) <= 120 and not is_url_text(text) else ""

    # What the title cell's closing parentheses hold: a nickname, the authors, a venue.
    tail = split_title_tail(title)
    origins = [("title", f"column {header[cols['title']]!r}")]
    origins += [(f, f"column {header[cols[f]]!r}") for f in ("authors", "venue", "date") if cell(f)]
    rest: list[Segment] = [Segment(f"({v})") for v in (cell("date"), cell("venue")) if v and looks_like_venue(v)]
    rest += [s for s in title_cell if s.is_link and s is not link]
    year, month = dated(cell("date")) if "date" in cols else (None, None)
    code = []
    for i, links in enumerate(cells):
        for seg in (s for s in links if s.is_link and i != cols["title"]):
            if cols.get("code") == i and not is_label(seg.text) and not ids.is_paper_url(seg.href or ""):
                code.append(seg.href or "")
            else:
                rest.append(seg)
    return Candidate(
        "table",
        tail.title,
        link,
        cell("authors") or tail.authors,
        cell("venue") or tail.venue,  # the column says it is the venue, known to the table or not
        year,
        month,
        tuple(rest),
        tuple(code),
        (notes,) if notes else (),
        alias=tail.alias,
        origins=tuple(origins),
    )
