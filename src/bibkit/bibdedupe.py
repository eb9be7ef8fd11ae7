"""`bibkit dedupe`: the deduplication engine applied to any existing .bib file.

Entries that are not duplicates, comments, @string/@preamble blocks and blocks that
cannot be parsed are written back exactly as they were.  Each group of duplicates
becomes its lead entry (a published version over a preprint, then the fuller one)
with the fields the lead lacks taken from the others, keywords united, and the keys
of the merged-away entries kept in BibLaTeX's ``ids`` field.
"""

from __future__ import annotations

from dataclasses import dataclass

import bibtexparser
from bibtexparser import Library
from bibtexparser.model import Entry, Field

from .dedupe import Findings, find_duplicates, is_published
from .sources.bibfile import BibFile, BibItem, read_bib


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
    suspects: list[tuple[str, str, float, str]]
    bib: BibFile
    entries_before: int
    entries_after: int


def _lead(items: list[BibItem]) -> BibItem:
    return max(items, key=lambda it: (is_published(it.record), len(it.record.authors), bool(it.record.year)))


def _split_keywords(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def merge_entries(items: list[BibItem]) -> Entry:
    lead = _lead(items)
    fields = {f.key.lower(): f for f in lead.entry.fields}
    order = [f.key for f in lead.entry.fields]
    for item in items:
        if item is lead:
            continue
        for f in item.entry.fields:
            low = f.key.lower()
            if low == "keywords" and "keywords" in fields:
                merged = _split_keywords(str(fields["keywords"].value))
                merged += [k for k in _split_keywords(str(f.value)) if k not in merged]
                fields["keywords"] = Field(fields["keywords"].key, ", ".join(merged))
            elif low not in fields and low != "ids":
                fields[low] = Field(f.key, f.value)
                order.append(f.key)
    aliases = []
    for item in items:
        if "ids" in {f.key.lower() for f in item.entry.fields}:
            aliases += _split_keywords(str(next(f.value for f in item.entry.fields if f.key.lower() == "ids")))
        if item is not lead:
            aliases.append(item.entry.key)
    aliases = [a for a in dict.fromkeys(aliases) if a != lead.entry.key]
    if aliases:
        fields["ids"] = Field("ids", ", ".join(aliases))
        if "ids" not in order:
            order.append("ids")
    return Entry(lead.entry.entry_type, lead.entry.key, [fields[k.lower()] for k in order])


def _write_entry(entry: Entry) -> str:
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = "auto"
    fmt.block_separator = "\n"
    fmt.trailing_comma = True
    return bibtexparser.write_string(Library([entry]), bibtex_format=fmt).strip()


def dedupe_text(text: str, file: str) -> DedupeResult:
    bib = read_bib(text, file)
    records = [it.record for it in bib.items]
    findings: Findings = find_duplicates(records)
    by_index = {id(it.entry): i for i, it in enumerate(bib.items)}
    group_of: dict[int, int] = {}
    for g_index, group in enumerate(findings.groups):
        for member in group.members:
            group_of[member] = g_index
    merged_entries: dict[int, Entry] = {}
    groups: list[DedupeGroup] = []
    for g_index, group in enumerate(findings.groups):
        items = [bib.items[i] for i in group.members]
        entry = merge_entries(items)
        merged_entries[g_index] = entry
        groups.append(DedupeGroup(entry.key, tuple(it.entry.key for it in items if it.entry.key != entry.key),
                                  group.reason, tuple(it.line for it in items)))

    out: list[str] = []
    written_groups: set[int] = set()
    for block in bib.blocks:
        index = by_index.get(id(block))
        if index is None or index not in group_of:
            out.append((block.raw or "").strip("\n"))
            continue
        g_index = group_of[index]
        if g_index in written_groups:
            continue  # merged into the group's entry, written where the group first appears
        written_groups.add(g_index)
        out.append(_write_entry(merged_entries[g_index]))
    new_text = "\n\n".join(b for b in out if b) + "\n"
    suspects = [(bib.items[s.a].entry.key, bib.items[s.b].entry.key, s.score, s.why_not) for s in findings.suspects]
    removed = sum(len(g.members) - 1 for g in findings.groups)
    return DedupeResult(new_text, groups, suspects, bib, len(bib.items), len(bib.items) - removed)
