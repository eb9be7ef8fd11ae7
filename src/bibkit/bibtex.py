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

import re
from dataclasses import dataclass
from pathlib import Path

from bibtexparser.entrypoint import write_string as bibtexparser_write
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from .identity import tokens_from_fields
from .model import Person, Problem, Record, Source
from .normalize.latex import escape, to_ascii, to_text
from .normalize.names import format_person
from .normalize.richtext import rich_to_latex
from .normalize.titles import protect_title
from .sources.bibscan import scan
from .text import MONTHS
from .worktype import work_type

_MASTERS = re.compile(r"^master", re.I)

FIELD_ORDER = (
    "author",
    "editor",
    "title",
    "shorttitle",
    "booktitle",
    "journal",
    "series",
    "edition",
    "institution",
    "school",
    "volume",
    "volumes",
    "number",
    "pages",
    "pagetotal",
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
    "isbn",
    "issn",
    "url",
    "urldate",
    "note",
    "ids",
    "copyright",
    "keywords",
    "abstract",
    "code",
    "links",
    "annote",
)
# Values written as-is: links and identifiers are not LaTeX text.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "code", "links", "month", "ids", "isbn", "issn", "urldate"})
# Record attributes written as they are, when set: (attribute, BibTeX field).
PLAIN_FIELDS = (
    ("pages", "pages"),
    ("volume", "volume"),
    ("issue", "number"),
    ("publisher", "publisher"),
    ("place", "address"),
    ("abstract", "abstract"),
    ("isbn", "isbn"),
    ("issn", "issn"),
    ("edition", "edition"),
    ("series", "series"),
    ("access_date", "urldate"),
    ("rights", "copyright"),
    ("num_pages", "pagetotal"),
    ("volumes", "volumes"),
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
    """The entry type and the field values (plain text; escaping happens in ``render_fields``).
    The work type (``worktype.TYPES``) gives the entry type and the container's field."""
    fields: dict[str, str] = {}
    venue = record.venue
    arxiv = record.ids.arxiv
    work = work_type(record)
    entry_type = work.bibtex
    container = work.container[0]
    if container and venue and venue.name and container != "howpublished":
        fields[container] = _venue_name(record, options) if container in ("booktitle", "journal") else venue.name
    name = work.zotero
    if name == "conferencePaper" and venue and venue.publisher:
        fields["publisher"] = venue.publisher
    elif name == "report" and venue:
        fields["institution"] = venue.institution or venue.name
        fields["type"] = record.type_label or (venue.name if not record.work else "")
    elif name == "thesis":
        if _MASTERS.match(record.type_label):
            entry_type = "mastersthesis"
        elif record.type_label and record.type_label != "PhD Thesis":
            fields["type"] = record.type_label
    elif name == "preprint" and arxiv and options.scholar_arxiv:
        entry_type = "article"
        fields["journal"] = f"arXiv preprint arXiv:{arxiv}"
    elif name == "presentation":
        fields["howpublished"] = "Slides" + (f", {venue.acronym}" if venue else "")
    elif name == "computerProgram":
        fields["howpublished"] = f"{_site_name(record.site or 'GitHub')} repository"
    elif name in ("blogPost", "webpage") and record.site:
        fields["howpublished"] = record.site
    elif name == "manuscript" and record.type_label:
        fields["type"] = record.type_label
    if record.authors or record.others:
        fields["author"] = "\0authors"  # placeholder: authors are formatted, not escaped
    if record.editors:
        fields["editor"] = "\0editors"
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
        elif name == "editor":
            value = format_authors(record.editors, False)
        elif name in ("title", "shorttitle"):
            value = rich_to_latex(value, protect_title)  # Zotero's <i>...</i> back as \textit{...}
        elif name == "links":
            value = " ; ".join(f"{escape(link.label)}: {link.url}" for link in record.links)
        elif name not in VERBATIM_FIELDS:
            value = rich_to_latex(value, escape)
        if options.ascii and name not in VERBATIM_FIELDS:
            value = to_ascii(value)
        out.append((name, value))
    return entry_type, out


def to_entry(record: Record, options: WriteOptions = WriteOptions()) -> Entry:
    entry_type, pairs = render_fields(record, options)
    fields = [Field(name, value if name == "month" else f"{{{value}}}") for name, value in pairs]
    return Entry(entry_type, record.key, fields)


def bibtex_format(value_column: int | str = "auto") -> BibtexFormat:
    """bibkit's layout: two-space indent, aligned values, trailing commas, one blank line between
    entries. Values start after the longest field name of the file ("auto"), or at the column
    given (bibtexparser then need not copy the format to fill it in)."""
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent = "  "
    fmt.value_column = value_column
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
