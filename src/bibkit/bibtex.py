"""Records to BibTeX (written through bibtexparser v2), and old output read back for keys.

The entry type follows from what the item is and where it appeared:

==========================  ==============================  =========================
item                        BibTeX                          BibLaTeX equivalent
==========================  ==============================  =========================
conference/workshop paper   @inproceedings + booktitle      same
journal paper               @article + journal              same
arXiv/CoRR-only preprint    @misc + eprint/archivePrefix    @online, eprinttype=arxiv
blog post, web article      @misc + howpublished + url      @online
repository                  @misc + howpublished + url      @software
book / slides / report      @book / @misc / @techreport     same
==========================  ==============================  =========================

Field order, brace rules and the key pattern are data here, not scattered in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bibtexparser.entrypoint import write_string as bibtexparser_write
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from .identity import tokens_from_fields
from .model import Kind, Person, Problem, Record, Source, VenueKind
from .normalize.latex import escape, to_ascii, to_text
from .normalize.names import format_person
from .normalize.titles import protect_title
from .sources.bibscan import scan
from .text import MONTHS

FIELD_ORDER = (
    "author",
    "title",
    "shorttitle",
    "booktitle",
    "journal",
    "institution",
    "school",
    "volume",
    "number",
    "pages",
    "year",
    "month",
    "publisher",
    "address",
    "howpublished",
    "type",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "doi",
    "url",
    "note",
    "ids",
    "keywords",
    "abstract",
    "code",
    "links",
    "annote",
)
# Values written as-is: links and identifiers are not LaTeX text.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "code", "links", "month", "ids"})
# Record attributes written as they are, when set: (attribute, BibTeX field).
PLAIN_FIELDS = (
    ("pages", "pages"),
    ("volume", "volume"),
    ("issue", "number"),
    ("publisher", "publisher"),
    ("place", "address"),
    ("abstract", "abstract"),
)


@dataclass(frozen=True)
class WriteOptions:
    ascii: bool = False  # LaTeX-encode non-ASCII characters for classic BibTeX
    short_venues: bool = False  # "NAACL 2019" instead of the official proceedings name
    scholar_arxiv: bool = False  # arXiv preprints as @article{journal = {arXiv preprint arXiv:...}}


def format_authors(authors: tuple[Person, ...], others: bool) -> str:
    names = []
    for person in authors:
        text = escape(format_person(person))
        names.append(f"{{{text}}}" if person.literal else text)
    if others:
        names.append("others")
    return " and ".join(names)


def keyword_part(heading: str) -> str:
    """A heading as one level of a keyword path: ',' separates keywords and '/' levels, so a
    heading's own comma becomes ';' and its own slash the full-width '／'."""
    return heading.replace(",", ";").replace("/", "\uff0f")


def keywords_of(categories: tuple[tuple[str, ...], ...]) -> str:
    """Heading paths as comma-separated keywords, levels joined by '/'."""
    paths = ["/".join(keyword_part(part) for part in path) for path in categories if path]
    return ", ".join(dict.fromkeys(paths))


def _venue_name(record: Record, options: WriteOptions) -> str:
    venue = record.venue
    assert venue is not None
    if options.short_venues and venue.acronym:  # an official name from the index has no acronym: kept whole
        return f"{venue.acronym} {record.year}" if record.year else venue.acronym
    return venue.name


def entry_type_and_fields(record: Record, options: WriteOptions = WriteOptions()) -> tuple[str, dict[str, str]]:
    """The entry type and the field values (plain text; escaping happens in ``render_fields``)."""
    fields: dict[str, str] = {}
    venue = record.venue
    arxiv = record.ids.arxiv
    entry_type = "misc"
    if record.kind == Kind.PAPER:
        kind = venue.kind if venue else None
        if kind in (VenueKind.CONFERENCE, VenueKind.WORKSHOP):
            entry_type = "inproceedings"
            fields["booktitle"] = _venue_name(record, options)
            if venue and venue.publisher:
                fields["publisher"] = venue.publisher
        elif kind == VenueKind.JOURNAL:
            entry_type = "article"
            fields["journal"] = _venue_name(record, options)
        elif kind == VenueKind.REPORT:
            entry_type = "techreport"
            fields["institution"] = venue.institution or venue.name if venue else ""
            fields["type"] = venue.name if venue else ""
        elif arxiv and options.scholar_arxiv:
            entry_type = "article"
            fields["journal"] = f"arXiv preprint arXiv:{arxiv}"
        elif kind == VenueKind.OTHER and venue:
            fields["howpublished"] = venue.name
    elif record.kind == Kind.BOOK:
        entry_type = "book"
    elif record.kind == Kind.REPORT:
        entry_type = "techreport"
    elif record.kind == Kind.THESIS:
        entry_type = "phdthesis"
        if venue:
            fields["school"] = venue.name
    elif record.kind == Kind.CHAPTER:
        entry_type = "incollection"
        if venue:
            fields["booktitle"] = venue.name
    elif record.kind == Kind.SLIDES:
        fields["howpublished"] = "Slides" + (f", {venue.acronym}" if venue else "")
    elif record.kind == Kind.REPOSITORY:
        host = record.site or "GitHub"
        fields["howpublished"] = f"{_site_name(host)} repository"
    elif record.kind in (Kind.ARTICLE, Kind.WEBPAGE):
        if record.site:
            fields["howpublished"] = record.site
    if record.authors or record.others:
        fields["author"] = "\0authors"  # placeholder: authors are formatted, not escaped
    fields["title"] = record.title
    if record.nickname and record.nickname.lower() != record.title.lower():
        fields["shorttitle"] = record.nickname
    if record.year:
        fields["year"] = str(record.year)
    if record.month:
        fields["month"] = MONTHS[record.month - 1]
    if arxiv:
        fields["eprint"] = arxiv
        fields["archiveprefix"] = "arXiv"
        if record.ids.arxiv_class:
            fields["primaryclass"] = record.ids.arxiv_class
    if record.ids.doi:
        fields["doi"] = record.ids.doi
    if record.url:
        fields["url"] = record.url
    if record.remark:
        fields["note"] = record.remark
    for attribute, name in PLAIN_FIELDS:
        value = getattr(record, attribute)
        if value and name not in fields:  # a venue's publisher, set above, wins
            fields[name] = value
    if record.aliases:
        fields["ids"] = ", ".join(record.aliases)  # BibLaTeX: keys this entry also answers to
    keywords = keywords_of(record.categories)
    if keywords:
        fields["keywords"] = keywords
    if record.code:
        fields["code"] = " ".join(record.code)
    if record.links:
        fields["links"] = " ; ".join(f"{link.label}: {link.url}" for link in record.links)
    if record.notes:
        fields["annote"] = "\n\n".join(record.notes)
    return entry_type, fields


def _site_name(host: str) -> str:
    return {"github.com": "GitHub", "gitlab.com": "GitLab", "gitee.com": "Gitee", "bitbucket.org": "Bitbucket"}.get(
        host, host
    )


def render_fields(record: Record, options: WriteOptions = WriteOptions()) -> tuple[str, list[tuple[str, str]]]:
    """Entry type and (field, LaTeX value) pairs in the fixed field order."""
    entry_type, fields = entry_type_and_fields(record, options)
    out = []
    for name in FIELD_ORDER:
        if name not in fields or fields[name] == "":
            continue
        value = fields[name]
        if name == "author":
            value = format_authors(record.authors, record.others)
        elif name in ("title", "shorttitle"):
            value = protect_title(value)
        elif name == "links":
            value = " ; ".join(f"{escape(link.label)}: {link.url}" for link in record.links)
        elif name not in VERBATIM_FIELDS:
            value = escape(value)
        if options.ascii and name not in VERBATIM_FIELDS:
            value = to_ascii(value)
        out.append((name, value))
    return entry_type, out


def to_entry(record: Record, options: WriteOptions = WriteOptions()) -> Entry:
    entry_type, pairs = render_fields(record, options)
    fields = [Field(name, value if name == "month" else f"{{{value}}}") for name, value in pairs]
    return Entry(entry_type, record.key, fields)


def bibtex_format() -> BibtexFormat:
    """bibkit's layout: two-space indent, aligned values, trailing commas, one blank line between entries."""
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent = "  "
    fmt.value_column = "auto"
    fmt.block_separator = "\n"
    fmt.trailing_comma = True
    return fmt


def write_string(records: list[Record], options: WriteOptions = WriteOptions(), header: str = "") -> str:
    """Deterministic BibTeX text for the records, in the order given."""
    library = Library([to_entry(r, options) for r in records])
    body = bibtexparser_write(library, bibtex_format=bibtex_format(), unparse_stack=[])
    return header + body


def non_ascii_fields(records: list[Record], options: WriteOptions) -> list[tuple[Record, str]]:
    """(record, field) pairs that keep characters with no LaTeX form (CJK) in ASCII mode."""
    found = []
    for record in records:
        _, pairs = render_fields(record, options)
        for name, value in pairs:
            if not value.isascii() and name not in VERBATIM_FIELDS:
                found.append((record, name))
    return found


def previous_keys(paths: list[Path]) -> tuple[dict[str, str], list[Problem]]:
    """Identity token -> key for every entry in earlier output; and problems reading it."""
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            blocks = scan(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(Source(str(path), 0), "previous-output", f"cannot read previous output: {exc}"))
            continue
        for block in blocks:
            if block.kind == "failed":
                problems.append(
                    Problem(
                        Source(str(path), block.line),
                        "previous-output",
                        f"unparsable block in previous output ({block.error}); its key is not kept",
                    )
                )
            elif block.kind == "entry":
                title = to_text(block.fields.get("title", ""))
                for token in tokens_from_fields(block.fields, title):
                    mapping.setdefault(token, block.key)
    return mapping, problems
