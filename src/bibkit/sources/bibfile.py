"""Reader for existing .bib files (a thesis bibliography, a Zotero export, bibkit's own output).

The fast scanner (bibscan.py) splits the file; blocks it cannot parse are kept (with
their line) and reported, never dropped.  Each entry also becomes a ``Record`` so the deduplication and
resolution engines work on .bib input as on lists.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, TypeVar

from .. import ids
from ..forked import Child
from ..identity import MatchKey, conflict_ids, family_names, strong_tokens_of, title_words
from ..keys import key_base
from ..model import Identifiers, Kind, Problem, Record, Severity, Source, Venue, VenueKind
from ..normalize.latex import strip_latex
from ..normalize.names import invalid_names, parse_people, special_characters_folded
from ..normalize.richtext import latex_to_rich
from ..text import month_number, year_in
from ..worktype import ENTRY_TYPES, TYPES, kind_of
from .bibscan import BlockKind, ScannedBlock, UnreadBlock, block_start, scan

_REPOSITORY_HINT = re.compile(r"repository|github|gitlab|software", re.I)
_PAPER_HINT = re.compile(r"arxiv|preprint|corr\b|report|thesis|proceedings|conference|workshop|journal", re.I)
_ARXIV_JOURNAL = re.compile(r"arxiv(?:\s+preprint)?(?:\s+arxiv:\s*(\S+))?|^corr$", re.I)


@dataclass(frozen=True)
class Reading:
    """How a file's entries become records (see ``record_from_fields``)."""

    file: str
    list_name: str = ""
    with_authors: bool = False


@dataclass(frozen=True)
class BibItem:
    """One entry of a .bib file: the scanned block, its record (read when first asked for), and
    where it starts."""

    block: ScannedBlock
    reading: Reading

    @cached_property
    def record(self) -> Record:
        block, how = self.block, self.reading
        return record_from_fields(
            block.entry_type,
            block.key,
            block.fields,
            how.file,
            block.line,
            with_authors=how.with_authors,
            list_name=how.list_name,
        )

    @property
    def key(self) -> str:
        return self.block.key

    @property
    def line(self) -> int:
        return self.block.line

    def families(self) -> list[str]:
        """Author family names in author order, folded for matching, parsed on demand."""
        return family_names(parse_people(special_characters_folded(self.block.people()), strip_latex)[0])

    def author_count(self) -> int:
        names = self.block.fields.get("author", "")
        return len(re.split(r"\s+and\s+", names.strip())) if names.strip() else 0


@dataclass(frozen=True)
class BibFile:
    blocks: list[ScannedBlock]  # every block in file order, failed ones included; texts join to the file
    items: list[BibItem]
    problems: list[Problem]


_EXTRA_IDS = {"lccn": "LCCN", "mrnumber": "MR", "zmnumber": "Zbl", "pmid": "PMID", "pmcid": "PMCID"}
_EPRINT_TYPES = {"jstor": "JSTOR", "pubmed": "PMID", "hdl": "HDL", "googlebooks": "GoogleBooksID"}
_KEYWORD_SEP = re.compile(r"[,;]")
_LINK = re.compile(r"^\s*(https?://|mailto:)")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_MASTERS = re.compile(r"^(master'?s?|ms|msc|ma|diplom\w*)(\s*thesis)?$", re.I)


def work_of_entry(etype: str, f: dict[str, str], identifiers: Identifiers, arxiv_journal: bool, url: str) -> str:
    """The work type of a .bib entry, decided once: the entry type's (Zotero's importer's table),
    refined where bibkit's own output says more (an arXiv preprint, a repository, a blog post)."""
    work = ENTRY_TYPES.get(etype, "")
    if not work:  # an unknown type: the nearest by its name
        work = next((w for t, w in ENTRY_TYPES.items() if t in etype), "document")
    if work in ("journalArticle", "document") and (arxiv_journal or (work == "document" and identifiers.arxiv)):
        return "preprint"
    if work != "document":
        return work
    howpublished = f.get("howpublished", "")
    if _REPOSITORY_HINT.search(howpublished) or (url and ids.repository_of(url)):
        return "computerProgram"
    if url and ids.article_site(url):
        return "blogPost"
    if (
        url
        and howpublished
        and strip_latex(howpublished).lower() in (ids.host_of(url), ids.host_of(url).removeprefix("www."))
    ):
        return "webpage"  # bibkit writes a web page as @misc{howpublished = {its host}}
    if url and ids.is_paper_url(url) or identifiers.doi or _PAPER_HINT.search(howpublished):
        return "preprint"
    return "document"


_BY_LENGTH = frozenset({"book", "thesis", "manuscript"})  # their "pages" count the pages
_VENUE_KINDS = {
    "conferencePaper": VenueKind.CONFERENCE,
    "journalArticle": VenueKind.JOURNAL,
    "report": VenueKind.REPORT,
    "preprint": VenueKind.PREPRINT,
}


def _venue(work: str, f: dict[str, str], text: Callable[[str], str], journal: str) -> Venue | None:
    """Where the work appeared (the container the work-type table names), as a venue. ``journal``
    is the journal field's text, already converted."""
    name = _venue_name(work, f, text, journal)
    if not name:
        return None
    kind = _VENUE_KINDS.get(work, VenueKind.OTHER)
    return Venue(acronym="", name=name, kind=kind, institution=name if work == "report" else "")


def _venue_name(work: str, f: dict[str, str], text: Callable[[str], str], journal: str) -> str:
    """The name of the work's venue, "" where it has none (see ``_venue``)."""
    if work in ("blogPost", "webpage"):
        return ""
    if work == "journalArticle":  # a full journal name (fjournal) before its abbreviation
        return text(f["fjournal"]) if f.get("fjournal") else journal or text(f.get("journaltitle", ""))
    if work == "thesis":
        return text(f.get("school") or f.get("institution") or "")
    if work == "report":
        return text(f.get("institution") or f.get("organization") or "")
    container = TYPES[work].container[0]
    return text(f.get(container, "")) if container and container != "journal" else ""


def _files(raw: str) -> tuple[str, ...]:
    """The paths of a file field (JabRef/Zotero "title:path:type;...", Mendeley ":C$\\backslash$:/...:pdf")."""
    raw = raw.replace("$\\backslash$", "\\")
    raw = re.sub(r"\\(.)\{\}", r"\1", raw)  # Mendeley writes ~ as \~{}
    paths = []
    for record in re.split(r"(?<!\\);", raw):
        parts = [re.sub(r"\\(.)", r"\1", p) for p in re.split(r"(?<!\\):", record)]
        if len(parts) == 3:
            path = parts[1].strip()
        elif len(parts) == 1:
            path = parts[0].strip()
        else:
            continue  # an unescaped drive letter: not a path record Zotero or bibkit can read
        if path:
            paths.append(path)
    return tuple(paths)


def _identity(etype: str, f: dict[str, str], journal: str) -> tuple[Identifiers, str, str]:
    """An entry's identifiers, main link and work type, from its fields (``journal`` is the
    journal field as text): what identifies the work, read the same for matching and display."""
    found: dict[str, str | None] = {}
    eprint = f.get("eprint", "")
    prefix = (f.get("archiveprefix", "") or f.get("eprinttype", "")).lower()
    if eprint and (prefix in ("", "arxiv")):
        found["arxiv"] = ids.parse_arxiv_id(eprint)
        found["arxiv_class"] = f.get("primaryclass") or f.get("eprintclass") or None
    m = _ARXIV_JOURNAL.search(journal) if journal else None
    if m and m.group(1) and not found.get("arxiv"):
        found["arxiv"] = ids.parse_arxiv_id(m.group(1))
    if f.get("doi"):
        found["doi"] = ids.normalize_doi(ids.unescape_url(f["doi"]))
    url = ids.unescape_url(f.get("url", "")) if f.get("url") else ""
    howpublished = f.get("howpublished", "")
    if not url and _LINK.match(howpublished):
        url = ids.unescape_url(howpublished.strip())  # Zotero's importer reads such a howpublished as the URL
    if url:  # the link's identifiers fill those the fields do not name (one construction, no replace)
        linked = ids.url_identifiers(url)
        if linked:
            found = {**linked, **{name: value for name, value in found.items() if value}}
    identifiers = Identifiers(**found)
    return identifiers, url, work_of_entry(etype, f, identifiers, bool(m), url)


def match_key(block: ScannedBlock) -> MatchKey:
    """What deduplication compares of an entry, read from its fields without building its
    record (see ``identity.MatchKey``); its text folded with ``strip_latex``, which folds to the
    same words as the record's (a property test in tests/test_richtext.py)."""
    f = block.fields
    title = f.get("title", "")
    journal = strip_latex(f["journal"]) if f.get("journal") else ""
    identifiers, url, work = _identity(block.entry_type.lower(), f, journal)
    # A published version: a venue that publishes (its kind, from the work type), named.
    published = _VENUE_KINDS.get(work, VenueKind.OTHER).publishes and bool(_venue_name(work, f, str.strip, journal))
    kind = kind_of(work)
    return MatchKey(
        title_words(strip_latex(title).strip() if title else ""),
        strong_tokens_of(identifiers, url, kind),
        _year(f),
        kind,
        published,
        conflict_ids(identifiers),
    )


def _year(f: dict[str, str]) -> int | None:
    """The year field's year, or the BibLaTeX date's."""
    date = _DATE.match(f["date"]) if "date" in f else None
    return year_in(f.get("year", "")) or (int(date.group(1)) if date else None)


def record_from_fields(
    entry_type: str,
    key: str,
    f: dict[str, str],
    file: str,
    line: int,
    with_authors: bool = True,
    list_name: str = "",
) -> Record:
    """A record from an entry's fields (lower-case names, values without delimiters).

    ``with_authors=False`` leaves names unparsed (the costliest part) for callers that
    parse them on demand (see ``BibItem.families``). Matching reads its own key instead
    (``match_key``)."""

    def text(value: str) -> str:  # Zotero's text: Unicode, rich-text tags
        return latex_to_rich(value) if value else ""

    etype = entry_type.lower()
    journal = text(f.get("journal", ""))
    identifiers, url, work = _identity(etype, f, journal)
    authors, others = parse_people(f.get("author", "")) if with_authors else ((), False)
    date = _DATE.match(f["date"]) if "date" in f else None
    source = Source(file, line, list_name)
    record = Record(  # the core, then the details that need it
        kind=kind_of(work),
        title=text(f.get("title", "")).strip(),
        sources=(source,),
        authors=authors,
        others=others,
        year=_year(f),
        venue=_venue(work, f, text, journal),
        ids=identifiers,
        url=url,
        key=key,
        work=work,
    )
    return replace(record, **_details(record, source, etype, f, text, with_authors, journal, date))


def _details(
    record: Record,
    source: Source,
    etype: str,
    f: dict[str, str],
    text: Callable[[str], str],
    with_authors: bool,
    journal: str,
    date: re.Match[str] | None,
) -> dict[str, Any]:
    """What a whole reading adds to matching's record: the places it is filed under (keywords),
    pages, publisher, notes, identifiers for Extra, editors, ISBN..."""
    work = record.work
    raw_keywords = f.get("keywords", "") or f.get("keyword", "")
    keywords = [k.strip() for k in _KEYWORD_SEP.split(text(raw_keywords)) if k.strip()] if raw_keywords else []
    # Each keyword is a place the work is filed under: a category path, levels split on "/".
    paths = tuple(tuple(p.strip() for p in k.split("/") if p.strip()) for k in keywords) or ((),)
    publisher = text(f.get("publisher", ""))
    if not publisher and work not in ("report", "thesis"):
        publisher = text(f.get("institution", "") or f.get("organization", ""))
    howpublished = f.get("howpublished", "")
    extra = [f"{label}: {f[name].strip()}" for name, label in _EXTRA_IDS.items() if f.get(name, "").strip()]
    eprint = f.get("eprint", "").strip()
    prefix = (f.get("archiveprefix", "") or f.get("eprinttype", "")).lower()
    if eprint and prefix in _EPRINT_TYPES:
        extra.append(f"{_EPRINT_TYPES[prefix]}: {eprint}")
    elif eprint and prefix in ("", "arxiv") and not record.ids.arxiv:
        extra.append(f"arXiv: {eprint}")  # not an arXiv id bibkit knows: kept, not lost
    notes = []
    note = text(f.get("note", ""))
    if note and any(note.startswith(label) for label in _EXTRA_IDS.values()):
        extra.append(note)  # "PMID: 23439512" in a note is an identifier, as Zotero reads it
    elif note:
        notes.append(note)
    notes += [text(f[name]) for name in ("annote", "annotation", "comment", "review") if f.get(name)]
    if f.get("address") and f.get("location") and work == "conferencePaper":
        extra.append(f"event-place: {text(f['location'])}")
    if howpublished and not _LINK.match(howpublished):
        if work not in ("blogPost", "webpage", "computerProgram", "preprint"):
            extra.append(f"Published: {text(howpublished)}")
    type_label = text(f.get("type", ""))
    if work == "thesis" and (not type_label or _MASTERS.match(type_label)):
        type_label = "Master's Thesis" if etype == "mastersthesis" or type_label else "PhD Thesis"
    journal_abbrev = text(f.get("shortjournal", ""))
    if f.get("fjournal") and f.get("journal") and work == "journalArticle":
        journal_abbrev = journal_abbrev or journal
    title = record.title
    subtitle = text(f.get("subtitle", "")).strip()
    if subtitle:
        title = f"{title}{'' if re.search(r'[-–—:!?.;]$', title) else ':'} {subtitle}".strip()
    day = f.get("day", "") or (date.group(3) if date and date.group(3) else "")
    return {
        "sources": (source,) * len(paths),
        "categories": paths,
        "pages": "" if work in _BY_LENGTH else f.get("pages", "").strip(),
        "site": text(howpublished) if work in ("blogPost", "webpage") and not _LINK.match(howpublished) else "",
        "nickname": text(f.get("shorttitle", "")),
        "month": month_number(f.get("month", "")) or (int(date.group(2)) if date and date.group(2) else None),
        "volume": f.get("volume", "").strip(),
        "issue": (f.get("number", "") or f.get("issue", "")).strip(),
        "publisher": publisher,
        "place": text(f.get("address", "") or f.get("location", "")),
        "abstract": text(f.get("abstract", "")),
        "language": text(f.get("language", "") or f.get("langid", "")),
        "title": title,
        "notes": tuple(notes),
        "extra": tuple(extra),
        "editors": parse_people(f.get("editor", ""))[0] if with_authors and f.get("editor") else (),
        "translators": parse_people(f.get("translator", ""))[0] if with_authors and f.get("translator") else (),
        "day": int(day) if day.strip().isdigit() and 1 <= int(day) <= 31 else None,
        "isbn": f.get("isbn", "").strip(),
        "issn": f.get("issn", "").strip(),
        "edition": text(f.get("edition", "")),
        "series": text(f.get("series", "")),
        "rights": text(f.get("copyright", "")),
        "access_date": (f.get("urldate", "") or f.get("lastchecked", "")).strip(),
        "journal_abbrev": journal_abbrev,
        "type_label": type_label,
        "num_pages": f.get("pagetotal", "").strip() or (f.get("pages", "").strip() if work in _BY_LENGTH else ""),
        "volumes": f.get("volumes", "").strip(),
        "event": text(f.get("eventtitle", "")),
        "files": _files(f["file"]) if f.get("file") else (),
    }


# Entry types BibTeX and BibLaTeX define; others (Mendeley's @book_section, EndNote's @web_page,
# @patent, @video...) are read as the nearest kind, with a warning.
STANDARD_TYPES = frozenset(
    "article book booklet collection conference electronic inbook incollection inproceedings manual "
    "mastersthesis misc mvbook online patent phdthesis proceedings report software techreport thesis "
    "unpublished www dataset".split()
)


def _entry_problems(block: ScannedBlock, file: str) -> list[Problem]:
    if block.key and block.entry_type in STANDARD_TYPES and not invalid_names(block.fields):
        return []  # every entry of a large file but a few
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


def _keyless_key(block: ScannedBlock, taken: dict[str, ScannedBlock]) -> str:
    """A key for an entry written without one: from its title and year, unique in the file
    (``taken``: the keys in use, lower-cased)."""
    record = record_from_fields(block.entry_type, "", block.fields, "", block.line, with_authors=True)
    base = key_base(record) or f"entry{block.line}"
    return next(k for k in (base, *(f"{base}{n}" for n in range(2, 10_000))) if k.lower() not in taken)


# What names the container itself, not the paper in it: the proceedings' DOI, link, arXiv id or
# DBLP record, inherited by each of its papers, would make them all one work.
_NOT_INHERITED = frozenset(
    {"ids", "crossref", "keywords", "doi", "url", "eprint", "archiveprefix", "eprinttype", "primaryclass"}
    | {"eprintclass", "biburl", "pmid"}
)
# A @proceedings or @book a paper cross-references lends its title as the paper's booktitle.
_CONTAINERS = frozenset({"proceedings", "book", "mvbook", "collection", "mvcollection", "mvproceedings"})


def inherit_crossrefs(
    by_key: dict[str, ScannedBlock], referring: list[ScannedBlock], file: str
) -> tuple[list[Problem], list[ScannedBlock]]:
    """BibTeX's crossref: an entry of ``referring`` (those with a crossref field) takes the fields
    it lacks from the entry it names (``by_key``: the file's entries by lower-cased key, the first
    of a key used twice, as BibTeX reads it): booktitle, year, editor, publisher... of its
    proceedings. Only the fields read change, never the text. Returns the problems and the
    entries that took fields."""
    problems = []
    changed = []
    for block in referring:
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
        changed.append(block)
        for name, value in parent.fields.items():
            if name == "title" and parent.entry_type in _CONTAINERS:
                block.fields.setdefault("booktitle", value)
            elif name not in _NOT_INHERITED:
                block.fields.setdefault(name, value)
    return problems, changed


def _block_problems(block: ScannedBlock, file: str) -> list[Problem]:
    if block.kind == "failed":
        first = block.text.strip().splitlines()[0][:60] if block.text.strip() else ""
        message = f"cannot parse {first!r} ({block.error}); kept unchanged"
        return [Problem(Source(file, block.line), "unparsable-block", message, Severity.ERROR)]
    return _entry_problems(block, file) if block.kind == "entry" else []


@dataclass(frozen=True)
class _Part:
    """What reading one part of a file found, before crossrefs are followed (they may name an
    entry of another part): its blocks, its entries, the problems of each block (by index), the
    match key of each entry (when matching), and the entries with a crossref field, each as (its
    block's index, its index among the entries). The entries are listed as they are read: a pass
    over every block of a large file afterwards costs more than the listing."""

    blocks: list[ScannedBlock]
    entries: list[ScannedBlock]
    problems: dict[int, list[Problem]]
    keys: list[MatchKey]
    referring: list[tuple[int, int]]


def _read_part(text: str, file: str, first_line: int = 1, with_keys: bool = False) -> _Part:
    blocks = scan(text)
    if first_line != 1:
        for block in blocks:
            block.line += first_line - 1
    problems = {i: found for i, block in enumerate(blocks) if (found := _block_problems(block, file))}
    entries: list[ScannedBlock] = []
    referring: list[tuple[int, int]] = []
    for i, block in enumerate(blocks):
        if block.kind == "entry":
            if "crossref" in block.fields:
                referring.append((i, len(entries)))
            entries.append(block)
    return _Part(blocks, entries, problems, [match_key(b) for b in entries] if with_keys else [], referring)


# A part as a child sends it back: each block's kind, length, line, entry type, key, error and (for
# an entry) people: its author or editor list, which matching reads wherever titles meet. Texts
# (and offsets) follow from the lengths and the parent's copy of the file; fields are read again
# where used. Spans, match keys (as tuples, the kind by its value) and crossrefs go as one
# ``marshal`` string: plain values, read and written several times faster than pickle would; the
# few problems are pickled.
_Span = tuple[BlockKind, int, int, str, str, str, str]
_Sent = tuple[bytes, dict[int, list[Problem]]]


def _sent(part: _Part) -> _Sent:
    spans = [
        (b.kind, len(b.text), b.line, b.entry_type, b.key, b.error, b.people() if b.kind == "entry" else "")
        for b in part.blocks
    ]
    keys = [(k.words, k.tokens, k.year, k.kind.value, k.published, k.ids) for k in part.keys]
    return marshal.dumps((spans, keys, part.referring)), part.problems


def _received(sent: _Sent, text: str, first_offset: int) -> _Part:
    packed, problems = sent
    spans: list[_Span]
    spans, plain_keys, referring = marshal.loads(packed)
    kinds = {kind.value: kind for kind in Kind}
    keys = [MatchKey(words, tokens, year, kinds[kind], *rest) for words, tokens, year, kind, *rest in plain_keys]
    blocks: list[ScannedBlock] = []
    entries: list[ScannedBlock] = []
    at = 0
    for kind, length, line, entry_type, key, error, people in spans:
        block_text = text[at : at + length]
        at += length
        if kind == "entry":
            block: ScannedBlock = UnreadBlock(block_text, line, entry_type, key, people, first_offset + at - length)
            entries.append(block)
        else:
            block = ScannedBlock(
                kind, block_text, line, entry_type, key, error=error, offset=first_offset + at - length
            )
        blocks.append(block)
    return _Part(blocks, entries, problems, keys, referring)


def _assemble(parts: list[_Part], reading: Reading) -> tuple[BibFile, list[MatchKey]]:
    """The parts of a file, in order, as one: keys used twice reported, crossrefs followed across
    the whole file (the problems and match keys of the entries that took fields read again), and
    keys given to entries written without one."""
    blocks: list[ScannedBlock] = []
    entries: list[ScannedBlock] = []
    keys: list[MatchKey] = []
    by_block: dict[int, list[Problem]] = {}
    referring: list[tuple[int, int]] = []  # (block index, entry index) in the whole file
    for part in parts:
        by_block |= {len(blocks) + i: found for i, found in part.problems.items()}
        referring += [(len(blocks) + i, len(entries) + e) for i, e in part.referring]
        blocks += part.blocks
        entries += part.entries
        keys += part.keys
    items = [BibItem(block, reading) for block in entries]
    by_key: dict[str, ScannedBlock] = {}  # the first entry of each key, lower-cased
    twice: list[ScannedBlock] = []
    keyless: list[ScannedBlock] = []
    for block in entries:
        if not block.key:
            keyless.append(block)
        elif by_key.setdefault(block.key.lower(), block) is not block:
            twice.append(block)
    problems, changed = inherit_crossrefs(by_key, [entries[e] for _, e in referring], reading.file)
    if changed:
        where = {id(entries[e]): (i, e) for i, e in referring}
        for block in changed:
            i, e = where[id(block)]
            by_block[i] = _block_problems(block, reading.file)
            if keys:
                keys[e] = match_key(block)
    problems += [p for i in sorted(by_block) for p in by_block[i]]
    for block in twice:
        message = f"key {block.key!r} already used on line {by_key[block.key.lower()].line}"
        problems.append(Problem(Source(reading.file, block.line), "duplicate-key", message, Severity.ERROR))
    for block in keyless:  # named after crossrefs are followed, apart from every key of the file
        block.key = _keyless_key(block, by_key)
        by_key[block.key.lower()] = block
    return BibFile(blocks, items, problems), keys


def read_bib(text: str, file: str, with_authors: bool = False, list_name: str = "") -> BibFile:
    """Scan a .bib file; every entry becomes a record, read when first used (authors left to
    ``BibItem.families`` unless ``with_authors``), every failed block a problem."""
    return _assemble([_read_part(text, file)], Reading(file, list_name, with_authors))[0]


# Below this size a file is read in one process: a child's start and the transfer of its half
# would cost more than they save.
SPLIT_MIN_CHARS = 1_000_000
_DEFINES_MACROS = re.compile(r"(?i)@[ \t]*string\b")  # anywhere, even in a value: a false alarm costs only time


def _split_point(text: str) -> int | None:
    """Where a large file is cut in two for reading on two cores: the start of the first block
    after 55% of it (the child also sends its part back, which takes it longer; measured on 20,000
    entries, 55% made the parent wait least). None for a small file, and for one with @string
    macros, whose entries read differently alone (see ``UnreadBlock``)."""
    if len(text) < SPLIT_MIN_CHARS or _DEFINES_MACROS.search(text):
        return None
    return block_start(text, len(text) * 11 // 20)


def read_for_matching(text: str, file: str, split: bool = True) -> tuple[BibFile, list[MatchKey]]:
    """``read_bib(text, file)`` and the match key of every entry. A large file
    is read in two halves, the second in a forked child (see ``forked``), and the halves are
    joined as if read at once: the same blocks, lines, problems and keys."""
    bib, keys, _ = read_and_pair(text, file, None, split)
    return bib, keys


P = TypeVar("P")


def read_and_pair(
    text: str, file: str, pairs: Callable[[list[str]], P] | None, split: bool = True
) -> tuple[BibFile, list[MatchKey], Callable[[list[str]], P] | None]:
    """``read_for_matching``, and ``pairs`` (deduplication's search for similar titles) to run on
    the folded titles of every entry (``MatchKey.title``). Where the file is read in two halves,
    the child that read the second half runs ``pairs`` on the titles of both, while this process
    joins the halves and compares equal titles. The function returned gives ``pairs`` of the
    titles as finally read: the child's result, or one computed here if following a crossref
    changed a title (or the child failed)."""
    cut = _split_point(text) if split else None
    if cut is None:
        return *_assemble([_read_part(text, file, with_keys=True)], Reading(file)), pairs
    first_line = text.count("\n", 0, cut) + 1
    tail_titles: list[str] = []  # in the child

    def read_tail() -> _Sent:
        part = _read_part(text[cut:], file, first_line, with_keys=True)
        tail_titles.extend(key.title for key in part.keys)
        return _sent(part)

    def pair_all(head_titles: list[str]) -> P:
        assert pairs is not None
        return pairs(head_titles + tail_titles)

    child: Child[_Sent, list[str], P] = Child(read_tail, pair_all if pairs else None)
    head = _read_part(text[:cut], file, with_keys=True)
    head_titles = [key.title for key in head.keys]
    if pairs:
        child.send(head_titles)
    tail = _received(child.result(), text[cut:], cut)
    bib, keys = _assemble([head, tail], Reading(file))
    if pairs is None:
        return bib, keys, None
    searched = head_titles + [key.title for key in tail.keys]  # before crossrefs were followed
    found = pairs

    def paired(titles: list[str]) -> P:
        if titles == searched:
            return child.last()
        child.abandon()
        return found(titles)

    return bib, keys, paired
