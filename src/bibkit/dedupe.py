"""One entry per work: records that share an identity token are merged.

This stage merges on the decisive tier only -- a shared arXiv, ACL Anthology,
OpenReview, DOI or PMLR id, or the same main link (blog posts and repositories
listed twice).  Grouping is a union-find over tokens, so it is linear in the number
of records.  Merging never drops anything: every source with its category, every
link, note and nickname is kept, and each merge says why it happened.
"""

from __future__ import annotations

from dataclasses import replace

from . import ids
from .model import Merge, Record, VenueKind


def _identity(record: Record) -> list[str]:
    tokens = [f"{scheme}:{value}" for scheme, value in record.ids.as_pairs()]
    if record.url:
        tokens.append(f"url:{ids.url_identity(record.url)}")
    return tokens


def is_published(record: Record) -> bool:
    venue = record.venue
    return venue is not None and venue.kind not in (VenueKind.PREPRINT, VenueKind.OTHER)


def _rank(record: Record) -> tuple[int, int, int]:
    """Which record leads a merge: a published version over a preprint, then the fuller one."""
    return (1 if is_published(record) else 0, len(record.authors), 1 if record.year else 0)


def _dedup(items: tuple) -> tuple:
    return tuple(dict.fromkeys(items))


def merge_records(group: list[Record]) -> Record:
    """Merge records of one work; the best-ranked leads, the others fill gaps."""
    lead = max(group, key=_rank)  # max() keeps the first of equals: deterministic
    rest = [r for r in group if r is not lead]
    merged = lead
    for other in rest:
        merged = replace(
            merged,
            authors=merged.authors or other.authors,
            others=merged.others if merged.authors else other.others,
            year=merged.year or other.year,
            # A preprint's month (from its arXiv id) does not date the published version.
            month=merged.month or (None if is_published(merged) else other.month),
            venue=merged.venue or other.venue,
            venue_text=merged.venue_text or other.venue_text,
            remark=merged.remark or other.remark,
            ids=ids.merge_identifiers(merged.ids, other.ids),
            url=merged.url or other.url,
            nickname=merged.nickname or other.nickname,
            site=merged.site or other.site,
        )
    ordered = sorted(group, key=lambda r: r.source)
    sources: list = []
    categories: list = []
    for r in ordered:
        sources.extend(r.sources)
        categories.extend(r.categories)
    pairs = sorted(zip(sources, categories, strict=True))
    return replace(
        merged,
        sources=tuple(s for s, _ in pairs),
        categories=tuple(c for _, c in pairs),
        code=_dedup(tuple(c for r in ordered for c in r.code)),
        links=_dedup(tuple(link for r in ordered for link in r.links if link.url != merged.url)),
        notes=_dedup(tuple(n for r in ordered for n in r.notes)),
    )


def deduplicate(records: list[Record]) -> tuple[list[Record], list[Merge]]:
    """Merge records that share an identifier or main link. Order: first appearance."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    reason: dict[int, str] = {}
    for i, record in enumerate(records):
        for token in _identity(record):
            if token in owner:
                a, b = find(owner[token]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
                    reason.setdefault(min(a, b), token)
            else:
                owner[token] = i
    groups: dict[int, list[Record]] = {}
    for i, record in enumerate(records):
        groups.setdefault(find(i), []).append(record)
    merged: list[Record] = []
    merges: list[Merge] = []
    for root in sorted(groups):
        group = groups[root]
        if len(group) == 1:
            merged.append(group[0])
            continue
        record = merge_records(group)
        merged.append(record)
        merges.append(Merge(key="", reason=reason.get(root, "identity"), sources=record.sources))
    return merged, merges
