"""`bibkit dedupe`: the deduplication engine applied to any existing .bib file.

Entries that are not duplicates, comments, @string/@preamble blocks and blocks that
cannot be parsed are written back exactly as they were.  Each group of duplicates
becomes its lead entry (a published version over a preprint, then the fuller one)
with the fields the lead lacks taken from the others, keywords united, and the keys
of the merged-away entries kept in BibLaTeX's ``ids`` field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from .dedupe import FUZZY_THRESHOLD, Findings, close_pairs, find_duplicate_keys, key_rank
from .identity import MatchKey
from .model import Source, Suspect
from .sources.bibfile import BibFile, BibItem, read_and_pair
from .sources.bibscan import block_start


@dataclass(frozen=True)
class DedupeGroup:
    key: str  # the surviving key
    merged: tuple[str, ...]  # keys merged into it
    reason: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class DedupeResult:
    text: str
    groups: list[DedupeGroup]
    suspects: list[Suspect]
    bib: BibFile
    entries_before: int
    entries_after: int


# Where and how a version was published: taken only from an entry of the lead's own type.
VENUE_FIELDS = frozenset(
    {
        "journal",
        "journaltitle",
        "booktitle",
        "howpublished",
        "publisher",
        "organization",
        "school",
        "institution",
        "type",
        "series",
        "volume",
        "number",
        "pages",
        "address",
        "note",
        "eventtitle",
        "venue",
    }
)


def _lead(items: list[BibItem], keys: list[MatchKey]) -> BibItem:
    """The lead of a group (see ``dedupe.lead_rank``), from the entries' match keys."""
    ranked = max(range(len(items)), key=lambda i: key_rank(keys[i], items[i].author_count()))
    return items[ranked]


def _split_list(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def merge_entries(items: list[BibItem], keys: list[MatchKey]) -> Entry:
    """The lead's fields as written, plus the fields only the others have; keywords united;
    merged-away keys in `ids`."""
    lead = _lead(items, keys)
    raw = dict(lead.block.raw)
    names = {n.lower(): n for n in lead.block.field_names}
    keywords = _split_list(lead.block.fields.get("keywords", ""))
    aliases = _split_list(lead.block.fields.get("ids", ""))
    for item in items:
        if item is lead:
            continue
        aliases += [item.key, *_split_list(item.block.fields.get("ids", ""))]
        keywords += [k for k in _split_list(item.block.fields.get("keywords", "")) if k not in keywords]
        same_type = item.block.entry_type.lower() == lead.block.entry_type.lower()
        for name in item.block.field_names:
            low = name.lower()
            if not same_type and low in VENUE_FIELDS:
                continue  # a preprint's "journal = {arXiv preprint ...}" is not the paper's venue
            if low not in raw and low not in ("ids", "keywords"):
                raw[low] = item.block.raw[low]
                names[low] = name
    if keywords:
        raw["keywords"] = "{" + ", ".join(keywords) + "}"
        names.setdefault("keywords", "keywords")
    aliases = [a for a in dict.fromkeys(aliases) if a != lead.key]
    if aliases:
        raw["ids"] = "{" + ", ".join(aliases) + "}"
        names.setdefault("ids", "ids")
    return Entry(lead.block.entry_type, lead.key, [Field(names[low], value) for low, value in raw.items()])


def _write_entry(entry: Entry) -> str:
    from .bibtex import bibtex_format  # the build's writer and its imports, needed only for merged entries

    # The layout's "auto" column for one entry: after its longest field name and " = ".
    column = max((len(f.key) for f in entry.fields), default=0) + len(" = ")
    return write_string(Library([entry]), bibtex_format=bibtex_format(column), unparse_stack=[]).strip() + "\n"


def dedupe_text(text: str, file: str) -> DedupeResult:
    """Read the file, find its duplicates (the similar-title search on the second core, see
    ``read_and_pair``), and write it back with each group merged."""
    bib, keys, similar = read_and_pair(text, file, partial(close_pairs, threshold=FUZZY_THRESHOLD))
    findings = find_duplicate_keys(keys, lambda i: bib.items[i].families(), similar=similar)
    return deduplicated(text, file, bib, keys, findings)


def deduplicated(text: str, file: str, bib: BibFile, keys: list[MatchKey], findings: Findings) -> DedupeResult:
    """The file with each group of ``findings`` merged (see ``merge_entries``), and the report."""
    merged: dict[int, Entry] = {}
    groups: list[DedupeGroup] = []
    for g, group in enumerate(findings.groups):
        items = [bib.items[i] for i in group.members]
        entry = merge_entries(items, [keys[i] for i in group.members])
        merged[g] = entry
        groups.append(
            DedupeGroup(
                entry.key,
                tuple(it.key for it in items if it.key != entry.key),
                group.reason,
                tuple(it.line for it in items),
            )
        )
    # The file is written back as slices of its text around the entries that change: each group
    # where its first entry was, the others left out with the blank lines after them. Untouched
    # text is copied byte for byte.
    crlf = "\r\n" in text  # a Windows file's merged entries are written with its line endings
    out: list[str] = []
    at = 0
    changed = sorted(
        (bib.items[i].block.offset, g, i) for g, group in enumerate(findings.groups) for i in group.members
    )
    for offset, g, index in changed:
        block = bib.items[index].block
        out.append(text[at:offset])
        end = offset + len(block.text)
        if findings.groups[g].members[0] == index:  # with that block's line endings
            ending = block.text[len(block.text.rstrip("\r\n")) :]
            written = _write_entry(merged[g]).rstrip("\n")
            out.append((written.replace("\n", "\r\n") if crlf else written) + ending)
            at = end
        else:
            following = block_start(text, end)
            gap_end = len(text) if following is None else following
            at = gap_end if not text[end:gap_end].strip() else end
    out.append(text[at:])
    new_text = "".join(out)
    suspects = [
        Suspect(
            Source(file, bib.items[s.a].line),
            Source(file, bib.items[s.b].line),
            s.score,
            s.why_not,
            (bib.items[s.a].key, bib.items[s.b].key),
        )
        for s in findings.suspects
    ]
    removed = sum(len(g.members) - 1 for g in findings.groups)
    return DedupeResult(new_text, groups, suspects, bib, len(bib.items), len(bib.items) - removed)
