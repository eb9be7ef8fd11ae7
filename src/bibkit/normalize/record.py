"""The normalization stage: venue text to a canonical venue, years, canonical links."""

from __future__ import annotations

from dataclasses import replace

from .. import ids
from ..model import Kind, Problem, Record, Venue, VenueKind
from .venues import guess_kind, parse_venue, venue_named, venue_of_acl_id, venue_table


def normalize_record(record: Record) -> tuple[Record, list[Problem]]:
    """Pure: the same record in canonical form, and what was questionable about it."""
    problems: list[Problem] = []
    src = record.source

    def warn(kind: str, message: str) -> None:
        problems.append(Problem(src, kind, message))

    venue = record.venue
    year = record.year
    month = record.month
    remark = record.remark
    if record.venue_text and venue is None:
        parsed = parse_venue(record.venue_text)
        if parsed.typo:
            warn("venue-typo", f"venue {parsed.typo!r} read as {parsed.venue.acronym if parsed.venue else '?'}")
        if parsed.unknown:
            warn("unknown-venue", f"venue {parsed.unknown!r} is not in the venue table; kept as written")
            venue = Venue(parsed.unknown, parsed.unknown, guess_kind(parsed.unknown), year=parsed.year)
        else:
            venue = parsed.venue
        if parsed.year and venue is not None and venue.publishes and year != parsed.year:
            # "EACL 2021" beside "2020.1": the venue's year is the publication's; the other date is
            # the preprint's, and so is its month.
            year, month = parsed.year, None
        year = year or parsed.year
        if (
            venue is not None
            and venue.year is None
            and year
            and parsed.venue is venue
            and venue.acronym in venue_table()
        ):
            venue = venue_named(venue.acronym, year)  # "NAACL" with the item's 2019: the 2019 proceedings
        qualifier = parsed.qualifier.strip()
        if qualifier.lower().endswith(" of"):
            qualifier = qualifier[:-3]
        remark = remark or qualifier

    if record.ids.acl and record.kind == Kind.PAPER:
        # The ACL Anthology id names the event: use it to fill, and to check, the list's venue.
        stated = venue_of_acl_id(record.ids.acl)
        if stated:
            acronym, acl_year = stated
            # The id is exact, the list's year a note by hand: the id wins, and the warning says so.
            if year and year != acl_year:
                warn("acl-year", f"listed as {year} but ACL Anthology {record.ids.acl} is from {acl_year}")
                if venue is not None and venue.year == year and acronym:
                    venue = venue_named(acronym, acl_year)
            if venue is None and acronym:
                venue = venue_named(acronym, acl_year)
            year = acl_year

    arxiv = record.ids.arxiv
    if arxiv and (venue is None or venue.kind == VenueKind.PREPRINT):
        # An arXiv-only paper is dated by its first version (the id's YYMM), not the list's year.
        first_year = ids.arxiv_year(arxiv)
        if year and first_year and year != first_year:
            warn("arxiv-year", f"listed as {year} but arXiv:{arxiv} was first posted in {first_year}")
        if first_year and year != first_year:
            month = None  # the list's month belongs to the year it gave, which the id corrects
        year = first_year or year
        month = month or ids.arxiv_month(arxiv)
    if record.kind == Kind.PAPER and venue is not None and venue.acronym == "arXiv" and not arxiv:
        warn("preprint-without-arxiv", "listed as CoRR/arXiv but no arXiv link is given")

    url = canonical_url(record)
    return (
        replace(record, venue=venue, year=year, month=month, remark=remark, url=url),
        problems,
    )


def canonical_url(record: Record) -> str:
    """The stable form of the main link for identifier-bearing papers; others as written."""
    i = record.ids
    if i.arxiv and (not record.url or ids.identifiers_from_url(record.url).arxiv):
        return ids.arxiv_abs_url(i.arxiv)
    if i.acl and ids.identifiers_from_url(record.url).acl:
        return f"https://aclanthology.org/{i.acl}"
    if i.openreview and ids.identifiers_from_url(record.url).openreview:
        return f"https://openreview.net/forum?id={i.openreview}"
    return record.url
