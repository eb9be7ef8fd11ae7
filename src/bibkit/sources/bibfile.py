"""Reader for existing .bib files (a thesis bibliography, a Zotero export, bibkit's own output).

The fast scanner (bibscan.py) splits the file; blocks it cannot parse are kept (with
their line) and reported, never dropped.  Each entry also becomes a ``Record`` so the deduplication and
resolution engines work on .bib input as on lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import ids
from ..identity import normalized_title
from ..keys import key_base
from ..model import Identifiers, Kind, Problem, Record, Severity, Source, Venue, VenueKind
from ..normalize.latex import strip_latex, to_text
from ..normalize.names import invalid_names, parse_people
from ..text import month_number, year_in
from .bibscan import ScannedBlock, scan

_REPOSITORY_HINT = re.compile(r"repository|github|gitlab|software", re.I)
_PAPER_HINT = re.compile(r"arxiv|preprint|corr\b|report|thesis|proceedings|conference|workshop|journal", re.I)
_ARXIV_JOURNAL = re.compile(r"arxiv(?:\s+preprint)?(?:\s+arxiv:\s*(\S+))?|^corr$", re.I)


@dataclass(frozen=True)
class BibItem:
    """One entry of a .bib file: the scanned block, its record, and where it starts."""

    block: ScannedBlock
    record: Record

    @property
    def key(self) -> str:
        return self.block.key

    @property
    def line(self) -> int:
        return self.block.line

    def families(self) -> list[str]:
        """Author family names in author order, parsed on demand."""
        people, _ = parse_people(self.block.fields.get("author", "") or self.block.fields.get("editor", ""))
        return [f for f in (normalized_title(p.last) for p in people) if f]

    def author_count(self) -> int:
        names = self.block.fields.get("author", "")
        return len(re.split(r"\s+and\s+", names.strip())) if names.strip() else 0


@dataclass(frozen=True)
class BibFile:
    blocks: list[ScannedBlock]  # every block in file order, failed ones included; texts join to the file
    items: list[BibItem]
    problems: list[Problem]


def record_from_fields(
    entry_type: str,
    key: str,
    f: dict[str, str],
    file: str,
    line: int,
    with_authors: bool = True,
    list_name: str = "",
    exact_text: bool = True,
) -> Record:
    """A record from an entry's fields (lower-case names, values without delimiters).

    ``with_authors=False`` leaves names unparsed (the costliest part) for callers that
    parse them on demand (see ``BibItem.families``)."""
    # Display needs the exact text; matching (dedupe) only folded letters, which is much cheaper.
    text = to_text if exact_text else strip_latex
    etype = entry_type.lower()
    found: dict[str, str | None] = {}
    eprint = f.get("eprint", "")
    prefix = (f.get("archiveprefix", "") or f.get("eprinttype", "")).lower()
    if eprint and (prefix in ("", "arxiv")):
        found["arxiv"] = ids.parse_arxiv_id(eprint)
        found["arxiv_class"] = f.get("primaryclass") or None
    journal = text(f.get("journal", ""))
    m = _ARXIV_JOURNAL.search(journal) if journal else None
    if m and m.group(1) and not found.get("arxiv"):
        found["arxiv"] = ids.parse_arxiv_id(m.group(1))
    if f.get("doi"):
        found["doi"] = ids.normalize_doi(ids.unescape_url(f["doi"]))
    url = ids.unescape_url(f.get("url", "")) if f.get("url") else ""
    from_url = ids.identifiers_from_url(url) if url else Identifiers()
    identifiers = ids.merge_identifiers(Identifiers(**found), from_url) if url else Identifiers(**found)

    venue = None
    if f.get("booktitle"):
        venue = Venue(acronym="", name=text(f["booktitle"]), kind=VenueKind.CONFERENCE)
    elif journal:
        venue = Venue(acronym="", name=journal, kind=VenueKind.PREPRINT if m else VenueKind.JOURNAL)

    if etype in ("phdthesis", "mastersthesis", "thesis"):
        venue = (
            Venue(acronym="", name=text(f.get("school", "") or f.get("institution", "")), kind=VenueKind.OTHER)
            if (f.get("school") or f.get("institution"))
            else None
        )
        kind = Kind.THESIS
    elif etype in ("techreport", "report"):
        kind = Kind.REPORT
        if f.get("institution"):
            venue = Venue(
                acronym="", name=text(f["institution"]), kind=VenueKind.REPORT, institution=text(f["institution"])
            )
    elif etype in ("book", "proceedings", "booklet", "collection", "mvbook", "mvcollection"):
        kind = Kind.BOOK
    elif etype in ("incollection", "inbook", "book_section", "booksection", "inreference", "suppbook"):
        kind = Kind.CHAPTER
    elif etype in ("patent", "legislation", "standard", "manual", "government_document"):
        kind = Kind.REPORT
    elif etype == "software" or _REPOSITORY_HINT.search(f.get("howpublished", "")):
        kind = Kind.REPOSITORY
    elif etype in ("online", "electronic", "www", "webpage", "web_page", "video", "movie", "audio", "dataset"):
        kind = Kind.WEBPAGE
    elif (
        etype == "misc"
        and f.get("howpublished")
        and not (identifiers.arxiv or identifiers.doi or m or _PAPER_HINT.search(f["howpublished"]))
    ):
        # bibkit writes posts as @misc{howpublished = {Zhihu}}; a BibLaTeX user writes @online.
        kind = Kind.ARTICLE if url else Kind.WEBPAGE
    else:
        # @article, @inproceedings, and any other @misc: in a bibliography a @misc is most
        # often a preprint, so it is compared with papers.
        kind = Kind.PAPER
    authors, others = parse_people(f.get("author", "") or f.get("editor", "")) if with_authors else ((), False)
    year = year_in(f.get("year", "") or f.get("date", ""))
    keywords = [k.strip() for k in text(f.get("keywords", "")).split(",") if k.strip()]
    # Each keyword is a place the work is filed under: a category path, levels split on "/".
    paths = tuple(tuple(p.strip() for p in k.split("/") if p.strip()) for k in keywords) or ((),)
    return Record(
        kind=kind,
        title=text(f.get("title", "")).strip(),
        sources=(Source(file, line, list_name),) * len(paths),
        authors=authors,
        others=others,
        year=year,
        venue=venue,
        ids=identifiers,
        url=url,
        categories=paths,
        pages=f.get("pages", ""),
        key=key,
        site=text(f.get("howpublished", "")) if kind in (Kind.ARTICLE, Kind.WEBPAGE, Kind.REPOSITORY) else "",
        nickname=text(f.get("shorttitle", "")),
        month=month_number(f.get("month", "")),
        notes=tuple(n for n in [text(f.get("annote", "") or f.get("annotation", ""))] if n),
        volume=f.get("volume", ""),
        issue=f.get("number", "") or f.get("issue", ""),
        publisher=text(f.get("publisher", "")),
        place=text(f.get("address", "") or f.get("location", "")),
        abstract=text(f.get("abstract", "")),
        language=text(f.get("language", "") or f.get("langid", "")),
    )


# Entry types BibTeX and BibLaTeX define; others (Mendeley's @book_section, EndNote's @web_page,
# @patent, @video...) are read as the nearest kind, with a warning.
STANDARD_TYPES = frozenset(
    "article book booklet collection conference electronic inbook incollection inproceedings manual "
    "mastersthesis misc mvbook online patent phdthesis proceedings report software techreport thesis "
    "unpublished www dataset".split()
)


def _entry_problems(block: ScannedBlock, file: str) -> list[Problem]:
    where = Source(file, block.line)
    problems = []
    if block.entry_type not in STANDARD_TYPES:
        problems.append(
            Problem(
                where,
                "unknown-type",
                f"@{block.entry_type} is not a BibTeX type; read as the nearest kind",
                key=block.key,
            )
        )
    if not block.key:
        problems.append(Problem(where, "missing-key", "the entry has no key; it is read with one made from it"))
    for name in invalid_names(block.fields):
        problems.append(
            Problem(
                Source(file, block.field_line("author")),
                "bad-name",
                f"{name!r} has more than two commas (names are joined with 'and'); read as Last, First pairs",
                key=block.key,
            )
        )
    return problems


def _keyless_key(block: ScannedBlock, items: list[BibItem]) -> str:
    """A key for an entry written without one: from its title and year, unique in the file."""
    record = record_from_fields(block.entry_type, "", block.fields, "", block.line, with_authors=True)
    base = key_base(record) or f"entry{block.line}"
    taken = {it.key for it in items}
    return next(k for k in (base, *(f"{base}{n}" for n in range(2, 10_000))) if k not in taken)


# A @proceedings or @book a paper cross-references lends its title as the paper's booktitle.
_CONTAINERS = frozenset({"proceedings", "book", "mvbook", "collection", "mvcollection", "mvproceedings"})


def inherit_crossrefs(entries: list[ScannedBlock], file: str) -> list[Problem]:
    """BibTeX's crossref: an entry takes the fields it lacks from the entry it names (booktitle,
    year, editor, publisher... of its proceedings). Only the fields read change, never the text."""
    by_key = {b.key.lower(): b for b in entries if b.key}
    problems = []
    for block in entries:
        ref = block.fields.get("crossref", "").strip()
        if not ref:
            continue
        parent = by_key.get(ref.lower())
        if parent is None:
            problems.append(
                Problem(
                    Source(file, block.field_line("crossref")),
                    "missing-crossref",
                    f"crossref {ref!r} names no entry of this file",
                    key=block.key,
                )
            )
            continue
        for name, value in parent.fields.items():
            if name == "title" and parent.entry_type in _CONTAINERS:
                block.fields.setdefault("booktitle", value)
            elif name not in ("ids", "crossref", "keywords"):
                block.fields.setdefault(name, value)
    return problems


def read_bib(text: str, file: str, with_authors: bool = False, list_name: str = "", exact_text: bool = True) -> BibFile:
    """Scan a .bib file; every entry becomes a record (authors left to ``BibItem.families``),
    every failed block a problem."""
    blocks = scan(text)
    problems: list[Problem] = []
    items: list[BibItem] = []
    problems += inherit_crossrefs([b for b in blocks if b.kind == "entry"], file)
    for block in blocks:
        if block.kind == "failed":
            first = block.text.strip().splitlines()[0][:60] if block.text.strip() else ""
            problems.append(
                Problem(
                    Source(file, block.line),
                    "unparsable-block",
                    f"cannot parse {first!r} ({block.error}); kept unchanged",
                    Severity.ERROR,
                )
            )
        elif block.kind == "entry":
            problems += _entry_problems(block, file)
            if not block.key:
                block.key = _keyless_key(block, items)
            record = record_from_fields(
                block.entry_type,
                block.key,
                block.fields,
                file,
                block.line,
                with_authors=with_authors,
                list_name=list_name,
                exact_text=exact_text,
            )
            items.append(BibItem(block, record))
    seen: dict[str, int] = {}
    for item in items:
        low = item.key.lower()
        if low in seen:
            problems.append(
                Problem(
                    Source(file, item.line),
                    "duplicate-key",
                    f"key {item.key!r} already used on line {seen[low]}",
                    Severity.ERROR,
                )
            )
        else:
            seen[low] = item.line
    return BibFile(blocks, items, problems)
