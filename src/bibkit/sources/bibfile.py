"""Reader for existing .bib files (a thesis bibliography, a Zotero export, bibkit's own output).

bibtexparser v2 splits the file; blocks it cannot parse are kept (with their line) and
reported, never dropped.  Each entry also becomes a ``Record`` so the deduplication and
resolution engines work on .bib input as on lists.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import bibtexparser
from bibtexparser.model import Block, Entry, ParsingFailedBlock
from pybtex.database import Person as PybtexPerson

from .. import ids
from ..model import Identifiers, Kind, Person, Problem, Record, Source, Venue, VenueKind
from ..normalize.latex import to_text

_REPOSITORY_HINT = re.compile(r"repository|github|gitlab|software", re.I)
_ARXIV_JOURNAL = re.compile(r"arxiv(?:\s+preprint)?(?:\s+arxiv:\s*(\S+))?|^corr$", re.I)


@dataclass(frozen=True)
class BibItem:
    """One entry of a .bib file: the parsed entry, its record, and where it starts."""

    entry: Entry
    record: Record
    line: int  # 1-based


@dataclass(frozen=True)
class BibFile:
    blocks: list[Block]  # every block in file order, failed ones included
    items: list[BibItem]
    problems: list[Problem]


def _fields(entry: Entry) -> dict[str, str]:
    return {f.key.lower(): str(f.value) for f in entry.fields}


def parse_people(raw: str) -> tuple[tuple[Person, ...], bool]:
    """A BibTeX name list ("Doe, Jane and {Google} and others") as Person values."""
    people = []
    others = False
    for part in re.split(r"\s+and\s+", raw.strip()):
        part = part.strip()
        if not part:
            continue
        if part.lower() == "others":
            others = True
            continue
        if part.startswith("{") and part.endswith("}") and part.count("{") == 1:
            people.append(Person(last=to_text(part), literal=True))
            continue
        parsed = PybtexPerson(part)
        last = to_text(" ".join(parsed.last_names))
        if not last:
            people.append(Person(last=to_text(part), literal=True))
            continue
        people.append(
            Person(
                last=last,
                first=to_text(" ".join(parsed.first_names + parsed.middle_names)),
                von=to_text(" ".join(parsed.prelast_names)),
                jr=to_text(" ".join(parsed.lineage_names)),
            )
        )
    return tuple(people), others


def entry_to_record(entry: Entry, file: str, line: int) -> Record:
    f = _fields(entry)
    etype = entry.entry_type.lower()
    found = Identifiers()
    eprint = f.get("eprint", "")
    prefix = (f.get("archiveprefix", "") or f.get("eprinttype", "")).lower()
    if eprint and (prefix in ("", "arxiv")):
        found = Identifiers(arxiv=ids.parse_arxiv_id(eprint), arxiv_class=f.get("primaryclass") or None)
    journal = to_text(f.get("journal", ""))
    m = _ARXIV_JOURNAL.search(journal) if journal else None
    if m and m.group(1):
        found = ids.merge_identifiers(found, Identifiers(arxiv=ids.parse_arxiv_id(m.group(1))))
    if f.get("doi"):
        found = ids.merge_identifiers(found, Identifiers(doi=ids.normalize_doi(f["doi"])))
    url = f.get("url", "").strip()
    if url:
        found = ids.merge_identifiers(found, ids.identifiers_from_url(url))

    venue = None
    if f.get("booktitle"):
        venue = Venue(acronym="", name=to_text(f["booktitle"]), kind=VenueKind.CONFERENCE)
    elif journal:
        kind = VenueKind.PREPRINT if m else VenueKind.JOURNAL
        venue = Venue(acronym="", name=journal, kind=kind)

    if etype in ("article", "inproceedings", "incollection", "conference", "proceedings", "unpublished"):
        kind = Kind.PAPER
    elif etype in ("phdthesis", "mastersthesis", "thesis"):
        kind = Kind.THESIS
    elif etype in ("techreport", "report"):
        kind = Kind.REPORT
    elif etype in ("book", "inbook"):
        kind = Kind.BOOK
    elif etype == "software" or _REPOSITORY_HINT.search(f.get("howpublished", "")):
        kind = Kind.REPOSITORY
    elif found.arxiv or found.doi or found.acl or found.openreview:
        kind = Kind.PAPER
    else:
        kind = Kind.WEBPAGE
    authors, others = parse_people(f.get("author", "") or f.get("editor", ""))
    year_match = re.search(r"(?:19|20)\d{2}", f.get("year", "") or f.get("date", ""))
    keywords = [k.strip() for k in to_text(f.get("keywords", "")).split(",") if k.strip()]
    source = Source(file, line, "")
    return Record(
        kind=kind,
        title=to_text(f.get("title", "")).strip(),
        sources=(source,),
        authors=authors,
        others=others,
        year=int(year_match.group(0)) if year_match else None,
        venue=venue,
        ids=found,
        url=url,
        categories=(tuple(keywords),),
        pages=f.get("pages", ""),
        key=entry.key,
    )


def read_bib(text: str, file: str) -> BibFile:
    # bibtexparser logs each failed block; they are reported here as problems with a line instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text)
    problems: list[Problem] = []
    items: list[BibItem] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, ParsingFailedBlock):
            raw = (block.raw or "").strip().splitlines()
            first = raw[0][:60] if raw else ""
            reason = next(iter(str(block.error).strip().splitlines()[-1:]), type(block.error).__name__)
            problems.append(
                Problem(Source(file, line), "unparsable-block",
                        f"cannot parse {first!r} ({reason.strip()}); kept unchanged", "error")
            )
        elif isinstance(block, Entry):
            items.append(BibItem(block, entry_to_record(block, file, line), line))
    seen: dict[str, int] = {}
    for item in items:
        low = item.entry.key.lower()
        if low in seen:
            problems.append(Problem(Source(file, item.line), "duplicate-key",
                                    f"key {item.entry.key!r} already used on line {seen[low]}", "error"))
        else:
            seen[low] = item.line
    return BibFile(list(library.blocks), items, problems)
