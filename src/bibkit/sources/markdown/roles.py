"""What a span of an item is -- title, authors, venue, date, alias -- read from evidence, not form.

A form reader (``forms``) finds an item's title; the rest of the item is a run of spans (a line,
an emphasised run, a bracketed marker, a table cell, a sub-bullet). Each span's role is decided
here from what it looks like, whatever the form around it:

- a *date*: a year, ``2021.11``, ``August 2022``, ``Jan. 2022``;
- a *venue marker*: ``CVPR' 19``, ``[ICCV'17]``, ``NIPSW' 16`` (an acronym and a two-digit year);
- a *venue*: a name the venue table knows, or one shaped like a venue (``Proc.``, ``Journal``,
  ``Transactions``, ``Nature ...``, ``Front. Mol. Biosci.``, an acronym with a year);
- *authors*: a run of person names (initials, ``and``, ``et al.``, name-shaped words);
- an *alias*: a short bracketed or parenthesised nickname (``[RetinaNet]``, ``(FTGC)``).

``read_details`` reads the lines below or beside a title (``Authors. Venue, 2021.``,
``*Nature, Jan 2022*``) into the fields they hold, and keeps whatever it cannot place as notes, so
nothing of an item is lost. Every field it fills says which span it came from (``origins``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...normalize.names import split_authors
from ...normalize.venues import VENUE_WORDS, looks_like_venue, parse_venue
from ...text import MONTHS, YEAR, has_cjk

_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "dos", "del", "bin", "al", "el", "y", "ter"}
)
_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# "August 2022", "Jan. 2022", "2022 Aug", "2021.11", "2019/??", "2020-03", or a year alone.
_MONTH_YEAR = re.compile(rf"\b({_MONTH_WORD})\s*,?\s*((?:19|20)\d{{2}})\b", re.I)
_YEAR_MONTH = re.compile(rf"\b((?:19|20)\d{{2}})\s*,?\s*({_MONTH_WORD})(?![a-z])", re.I)
DOTTED_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})[./-](\d{1,2}|\?\?)(?![\d])")
# "CVPR' 19", "[ICCV'17]", "NIPSW' 16", "arXiv' 19": an acronym and a two-digit year.
_MARKER = re.compile(r"^\W*(?P<venue>[A-Za-z][A-Za-z0-9&\-. ]{0,30}?)\s*['’‘`]\s*(?P<yy>\d{2})\W*$")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z0-9\-]*(?:\s+[A-Z][A-Za-z]*)?$")  # TPAMI, ACM MM, SIGKDD
_ALIAS = re.compile(r"^[\[(（]\s*([^\[\]()（）]{1,40}?)\s*[\])）]$")
_NAMEISH = re.compile(r"^[^\W\d_][\w'’\-.]*,?$")


def dated(text: str) -> tuple[int | None, int | None]:
    """'2021.11', '2019/??', 'August 2022', '2020-03', or a bare year, as (year, month)."""
    m = DOTTED_DATE.search(text)
    if m:
        month = int(m.group(2)) if m.group(2).isdigit() else None
        return int(m.group(1)), month if month and 1 <= month <= 12 else None
    m = _MONTH_YEAR.search(text)
    if m:
        return int(m.group(2)), MONTHS.index(m.group(1)[:3].lower()) + 1
    m = _YEAR_MONTH.search(text)
    if m:
        return int(m.group(1)), MONTHS.index(m.group(2)[:3].lower()) + 1
    y = YEAR.search(text)
    return (int(y.group(1)), None) if y else (None, None)


def without_date(text: str) -> str:
    """The text with its date taken out ('Nature, June 2022.' -> 'Nature')."""
    for pattern in (DOTTED_DATE, _MONTH_YEAR, _YEAR_MONTH, YEAR):
        text = pattern.sub(" ", text, count=1) if pattern.search(text) else text
    return " ".join(text.split()).strip(" .,;:()[]-–—")


def venue_marker(text: str) -> tuple[str, int] | None:
    """'CVPR' 19' -> ('CVPR', 2019); None when the text is not such a marker."""
    m = _MARKER.match(text.strip())
    if not m or len(m.group("venue").split()) > 3:
        return None
    yy = int(m.group("yy"))
    return m.group("venue").strip(" .-"), (2000 + yy if yy < 50 else 1900 + yy)


def venue_evidence(text: str, *, acronym: bool = False) -> int:
    """How much the text looks like a venue: 2 the venue table knows it, 1 shaped like one, 0 not.
    An unknown acronym ('TPAMI', 'ACM MM') counts only where ``acronym`` says the place is a venue's
    (a venue column, a year beside it)."""
    t = " ".join(text.split()).strip(" .,;:*()[]")
    if not t or len(t) > 120 or re.search(r"https?://|[!?\"“”]", t):
        return 0
    if looks_like_venue(t) or parse_venue(t).venue is not None:
        return 2
    words = t.split()
    if len(words) <= 12 and VENUE_WORDS.search(t) and not re.search(r"\b(?:we|our|this|is|are)\b", t, re.I):
        return 1
    return 1 if acronym and len(words) <= 2 and _ACRONYM.match(t) else 0


def looks_like_authors(text: str) -> bool:
    """A run of names: short capitalised words separated by commas or 'and', no sentence."""
    t = " ".join(text.split()).strip(" .,;*")
    if not t or len(t) > 1500 or re.search(r"https?://|[!?:;()\[\]]", t):
        return False
    names, others = split_authors(t)
    if not names:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 5:
            return False
        lower = [w for w in words if w[0].isalpha() and w[0].islower() and w not in _PARTICLES]
        if lower and (lower[0] == words[0] or len(lower) > 1):
            return False  # "with commas", "Chainer implementation of": a phrase, not a name
    # One bare word is a name only with company: "Rajpurkar et al.", not "Microsoft".
    return len(names) > 1 or len(names[0].split()) >= 2 or others or not t.isascii()


def is_name_list(text: str) -> bool:
    """Authors, and not a venue or a date that happens to look like names ('Nature Genetics')."""
    t = " ".join(text.split()).strip(" .,;*")
    if not looks_like_authors(t) or dated(t)[0] is not None:
        return False
    names, others = split_authors(t)
    if any(not all(_NAMEISH.match(w) for w in n.split()) for n in names):
        return False
    if len(names) == 1 and not others and venue_evidence(t):
        return False  # "Nature Machine Intelligence", "ACS Catalysis": one "name" that is a venue
    return True


def alias_of(text: str) -> str:
    """'[RetinaNet]', '(FTGC)', '[YOLO v2]': the nickname inside, or ''."""
    m = _ALIAS.match(text.strip())
    if not m:
        return ""
    inner = m.group(1).strip()
    words = inner.split()
    if not words or len(words) > 3 or YEAR.search(inner) or venue_marker(inner) or not re.search("[A-Za-z]", inner):
        return ""
    # A nickname is a name: capitals, digits or a hyphenated coinage, not a phrase of plain words.
    if not any(ch.isupper() or ch.isdigit() for ch in inner) or inner.lower() in ("pdf", "code", "paper"):
        return ""
    return inner


_TAIL_GROUP = re.compile(r"\s*[(（]([^()（）]{1,60})[)）]\s*$")
_BY_NAMES = re.compile(r"^(?P<names>.+?(?:\bet\s+al\.?|\s(?:&|and)\s.+))$")


@dataclass(frozen=True)
class TitleTail:
    """A title with what its closing parentheses held, read by role."""

    title: str
    alias: str = ""
    authors: str = ""
    venue: str = ""
    note: str = ""  # a translation of the title: "Title（中文标题）"


def split_title_tail(title: str) -> TitleTail:
    """'Title (FTGC)' -> alias; 'Title (Kitaev & Klein)', 'Title (See et al.)' -> authors;
    'Title (ICML 2019)' -> venue. A group that is part of the title ('(Almost) Free') stays."""
    m = _TAIL_GROUP.search(title)
    if not m or not title[: m.start()].strip() or len(title[: m.start()].split()) < 2:
        return TitleTail(title)
    inner, head = m.group(1).strip(), title[: m.start()].rstrip()
    if has_cjk(inner) and not has_cjk(head):
        return TitleTail(head, note=inner)  # the title in another script: a note, not the title
    if _BY_NAMES.match(inner) and looks_like_authors(inner.replace("&", ",")):
        return TitleTail(head, authors=inner.replace(" & ", " and "))
    if venue_evidence(inner) == 2 or venue_marker(inner):
        return TitleTail(head, venue=inner)
    alias = alias_of(f"({inner})")
    if alias and " " not in alias and not head.lower().endswith((" of", " for", " and", " with")):
        return TitleTail(head, alias=alias)
    return TitleTail(title)


@dataclass(frozen=True)
class Details:
    """What the lines beside a title say: each field with the span it came from."""

    authors: str = ""
    venue: str = ""
    year: int | None = None
    month: int | None = None
    notes: tuple[str, ...] = ()
    origins: tuple[tuple[str, str], ...] = field(default=())
    volume: str = ""
    issue: str = ""
    pages: str = ""

    @property
    def found(self) -> bool:
        return bool(self.authors or self.venue or self.year)


# A sentence ends at a period after a word of two letters or more ("Xu. arXiv"), not after an
# initial ("J. Smith") or inside an abbreviation with no space after it.
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{2})\.\s+(?=\S)")


# "379(6637):1123-1130" (Vancouver), ", 596(7873), 583–589" (APA), "vol. 12, no. 3, pp. 1-9" (IEEE).
_VOLUME_PAGES = re.compile(
    r"[;,.\s]*(?:vol\.?\s*)?(?P<volume>\d{1,5})\s*(?:\(\s*(?P<issue>[\w\-]{1,10})\s*\)|,?\s*no\.\s*(?P<no>[\w\-]{1,10}))?"
    r"\s*[:,]\s*(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*[-–—]+\s*[A-Za-z]?\d+[A-Za-z]?)?)\s*\.?\s*$"
)


def volume_and_pages(text: str) -> tuple[str, str, str, str]:
    """(text before, volume, issue, pages) of a reference's closing '596(7873), 583–589'; the text
    itself and empty fields when it has none."""
    m = _VOLUME_PAGES.search(text)
    if not m or not m.group("pages"):
        return text, "", "", ""
    pages = re.sub(r"\s*[-–—]+\s*", "--", m.group("pages"))
    return text[: m.start()], m.group("volume"), m.group("issue") or m.group("no") or "", pages


def venue_and_date(text: str) -> tuple[str, int | None, int | None] | None:
    """'Nature, June 2022.', 'ICML, 2023.', 'Preprint, October 2021.', 'CVPR' 19', 'EACL 2021':
    (venue, year, month), or None when the text is not a venue with or without its date."""
    marker = venue_marker(text)
    if marker:
        return f"{marker[0]} {marker[1]}", marker[1], None
    year, month = dated(text)
    venue = without_date(text) if year else " ".join(text.split()).strip(" .,;:*")
    if not venue:
        return ("", year, month) if year and len(text.split()) <= 3 else None
    if len(venue.split()) > 12 or is_name_list(venue):
        return None
    evidence = venue_evidence(venue, acronym=year is not None)
    if evidence == 0 and not (year and len(venue.split()) <= 6 and venue[:1].isupper()):
        return None
    return venue, year, month


def read_details(parts: list[str], where: str) -> Details:
    """Fields from the parts (lines or spans) beside a title: authors from the first part that is a
    list of names, venue and date from the first part that holds them (a part may hold both:
    'A, B, and C. ICML, 2021.'). Parts that are neither are kept as notes."""
    authors = venue = volume = issue = pages = ""
    year = month = None
    notes: list[str] = []
    origins: list[tuple[str, str]] = []
    for n, raw in enumerate(parts, 1):
        text = " ".join(raw.split()).strip(" ,;|")
        if not text:
            continue
        names, rest = _names_then_rest(text)
        if names and not authors:
            authors = names
            origins.append(("authors", f"{where} part {n}"))
            text = rest
            if not text:
                continue
        before, vol, iss, pg = volume_and_pages(text)
        if pg and not pages:
            volume, issue, pages = vol, iss, pg
            origins.append(("pages", f"{where} part {n}"))
            text = before.strip(" ,;.")
            if not text:
                continue
        read = venue_and_date(text) if not (venue and year) else None
        if read is None and not year and dated(text)[0] and not re.search(r"[^\W\d_]{3,}", text):
            read = ("", *dated(text))  # "2023;": a date among numbers
        if read is not None and (read[0] or read[1]):
            v, y, mo = read
            if v and not venue:
                venue = f"{v} {y}" if y and not YEAR.search(v) else v  # the venue with its year, as written
                origins.append(("venue", f"{where} part {n}"))
            if y and not year:
                year, month = y, mo
                origins.append(("year", f"{where} part {n}"))
            continue
        notes.append(text)
    return Details(authors, venue, year, month, tuple(notes), tuple(origins), volume, issue, pages)


def _names_then_rest(text: str) -> tuple[str, str]:
    """'A, B, and C. ICML, 2021.' -> ('A, B, and C', 'ICML, 2021.'); ('', text) when no name list
    leads the text."""
    if is_name_list(text):
        return text.strip(" .,;"), ""
    for m in _SENTENCE_END.finditer(text):
        head, tail = text[: m.start()], text[m.end() :]
        if is_name_list(head) and (venue_and_date(tail) is not None or not is_name_list(tail)):
            return head.strip(" .,;"), tail
    return "", text
