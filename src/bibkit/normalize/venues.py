"""Venue strings as lists write them ("NeuIPS 2019", "SustaiNLP 2020 at EMNLP 2020",
"Invited Review of Science China Technological Sciences 2020") to canonical venues.

The knowledge lives in ``data/venues.toml``; this module only reads it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from ..model import Venue, VenueKind
from ..text import YEAR


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class VenueSpec:
    acronym: str
    kind: VenueKind
    name: str
    ordinal_base: int | None
    years: dict[int, str]
    publisher: str
    institution: str
    other_names: tuple[str, ...] = ()  # further official name templates (other volumes)

    def long_name(self, year: int | None) -> str:
        if year is not None and year in self.years:
            return self.years[year]
        template = self.name
        needs_year = any(f in template for f in ("{year}", "{ordinal}", "{number}"))
        if needs_year and year is None:
            # Without a year the ordinal is unknown: fall back to the plain name.
            template = re.sub(r"\s*\{(?:ordinal|number|year)\}\s*", " ", template).strip()
            return template.replace("Proceedings of the  ", "Proceedings of the ")
        number = (year - self.ordinal_base) if (year and self.ordinal_base) else None
        if number is not None and number > 0:
            template = template.replace("{ordinal}", ordinal(number)).replace("{number}", str(number))
        else:
            template = template.replace(" {ordinal}", "").replace("{ordinal} ", "")
            template = template.replace(" {number}", "")
        return template.replace("{year}", str(year))


@dataclass(frozen=True)
class VenueTable:
    specs: dict[str, VenueSpec]  # by acronym
    aliases: dict[str, str]  # normalised spelling -> acronym
    typos: dict[str, str]  # normalised typo -> acronym
    max_words: int
    acl_letters: dict[str, str]
    acl_events: dict[str, str]


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@lru_cache(maxsize=1)
def load_table() -> VenueTable:
    from importlib import resources  # here: its import costs more than a fast command's work

    raw = tomllib.loads(resources.files("bibkit.data").joinpath("venues.toml").read_text("utf-8"))
    specs: dict[str, VenueSpec] = {}
    aliases: dict[str, str] = {}
    typos: dict[str, str] = {}
    max_words = 1
    for acronym, entry in raw["venues"].items():
        specs[acronym] = VenueSpec(
            acronym=acronym,
            kind=VenueKind(entry["kind"]),
            name=entry["name"],
            ordinal_base=entry.get("ordinal_base"),
            years={int(y): n for y, n in entry.get("years", {}).items()},
            publisher=entry.get("publisher", ""),
            institution=entry.get("institution", ""),
            other_names=tuple(entry.get("other_names", [])),
        )
        for spelling in [acronym, *entry.get("aliases", [])]:
            aliases[_norm(spelling)] = acronym
            max_words = max(max_words, len(spelling.split()))
        for spelling in entry.get("typos", []):
            typos[_norm(spelling)] = acronym
    acl = raw.get("acl_anthology", {})
    return VenueTable(specs, aliases, typos, max_words, acl.get("letters", {}), acl.get("events", {}))


@dataclass(frozen=True)
class ParsedVenue:
    venue: Venue | None
    year: int | None
    qualifier: str  # words beside the venue: "Best Paper", "Invited Review of", "Workshop"
    typo: str = ""  # the misspelling that was read, for a warning
    unknown: str = ""  # venue text that matched nothing in the table


def _find(words: list[str], table: VenueTable) -> tuple[int, int, str, bool] | None:
    """The longest run of words that spells a known venue: (start, end, acronym, is_typo)."""
    for size in range(min(table.max_words + 2, len(words)), 0, -1):
        for start in range(0, len(words) - size + 1):
            spelled = _norm(" ".join(words[start : start + size]))
            if not spelled:
                continue
            if spelled in table.aliases:
                return start, start + size, table.aliases[spelled], False
            if spelled in table.typos:
                return start, start + size, table.typos[spelled], True
    return None


@lru_cache(maxsize=1)
def _official_name_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Regexes of every official long name in the table (templates and per-year names)."""
    table = load_table()
    patterns = []
    for acronym, spec in table.specs.items():
        for name in [*spec.years.values(), spec.name, *spec.other_names]:
            rx = re.escape(name)
            rx = rx.replace(re.escape("{ordinal}"), r"\d+(?:st|nd|rd|th)")
            rx = rx.replace(re.escape("{number}"), r"\d+").replace(re.escape("{year}"), r"(?:19|20)\d{2}")
            # "...Linguistics: Student Research Workshop", "..., Volume 1": still that venue.
            patterns.append((re.compile(rf"^{rx}(?:\s*(?:[:,(]| and ).*)?$", re.I), acronym))
    # Longest names first: "Findings of the ...: EMNLP {year}" before anything shorter.
    return sorted(patterns, key=lambda p: -len(p[0].pattern))


def match_official_name(text: str) -> str | None:
    """The acronym whose official long name this is ("Proceedings of the 57th Annual Meeting of
    the Association for Computational Linguistics" -> "ACL"), or None."""
    text = " ".join(text.split())
    for pattern, acronym in _official_name_patterns():
        if pattern.match(text):
            return acronym
    return None


_AWARD_AT = re.compile(
    r"^\s*((?:best|outstanding|distinguished|honou?rable|spotlight|oral)\b[\w\s\-]*?)\s+(?:at|@)\s+(.+)$", re.I
)


def parse_venue(text: str) -> ParsedVenue:
    """Read "(Venue Year)"-style text, or an official long name. Pure; never raises."""
    table = load_table()
    official = match_official_name(text.strip())  # before stripping: "(EMNLP-IJCNLP)" ends some names
    text = text.strip().strip("()（）[]").strip()
    if official is not None:
        years = [int(y) for y in YEAR.findall(text)]
        spec = table.specs[official]
        year = years[0] if years else None
        return ParsedVenue(
            Venue(official, spec.long_name(year) if year else text, spec.kind, year, spec.publisher, spec.institution),
            year,
            "",
        )
    years = [int(y) for y in YEAR.findall(text)]
    year = years[0] if years else None
    # Glued years: "ICLR2020", "Winter2019".
    spaced = YEAR.sub(" ", text)
    if not spaced.strip(" ,.;-"):
        return ParsedVenue(None, year, "")
    # An award at a conference is a remark on the paper, not a workshop: "Best Paper at ACL 2020".
    award = _AWARD_AT.match(spaced)
    if award:
        hosted = parse_venue(f"{award.group(2)} {year or ''}".strip())
        if hosted.venue is not None:
            remark = " ".join(filter(None, (award.group(1).strip(), hosted.qualifier)))
            return ParsedVenue(hosted.venue, hosted.year, remark, hosted.typo)
    # A workshop held at a conference: "SustaiNLP 2020 at EMNLP 2020", "RepL4NLP@ACL 2019".
    host_split = re.split(r"\s+at\s+|\s*@\s*", spaced, maxsplit=1)
    parts = host_split if len(host_split) == 2 else [spaced]
    words = parts[0].replace(",", " ").split()
    hit = _find(words, table)
    host_hit = None
    if len(parts) == 2:
        host_words = parts[1].split()
        host_hit = _find(host_words, table)
    if hit is None and host_hit is None:
        return ParsedVenue(None, year, "", unknown=" ".join(spaced.split()))
    typo = ""
    if hit is not None:
        start, end, acronym, is_typo = hit
        if is_typo:
            typo = " ".join(words[start:end])
        # The host of a known workshop ("at EMNLP 2020") is implied by the workshop's name.
        rest = words[:start] + words[end:]
    else:
        # Unknown workshop at a known host: keep the workshop's name, the host's standing.
        assert host_hit is not None
        start, end, acronym, is_typo = host_hit
        spec = table.specs[acronym]
        name = f"{' '.join(words)} Workshop at {acronym}"
        venue = Venue(
            acronym=" ".join(words),
            name=name,
            kind=VenueKind.WORKSHOP,
            year=year,
            publisher=spec.publisher,
        )
        return ParsedVenue(venue, year, "")
    spec = table.specs[acronym]
    qualifier = " ".join(rest)
    kind = spec.kind
    if kind in (VenueKind.CONFERENCE,) and re.search(r"\bworkshops?\b", qualifier, re.I):
        # "NeurIPS 2019 Workshop": a workshop of that conference; its own name is unknown.
        kind = VenueKind.WORKSHOP
        venue = Venue(
            acronym=f"{acronym} Workshop",
            name=f"{acronym} {year} Workshop" if year else f"{acronym} Workshop",
            kind=kind,
            year=year,
            publisher=spec.publisher,
        )
        qualifier = re.sub(r"\bworkshops?\b", "", qualifier, flags=re.I).strip()
        return ParsedVenue(venue, year, qualifier, typo)
    venue = Venue(
        acronym=acronym,
        name=spec.long_name(year),
        kind=kind,
        year=year,
        publisher=spec.publisher,
        institution=spec.institution,
    )
    return ParsedVenue(venue, year, qualifier, typo)


# The words journals are named with; with those of proceedings, fields and publishers below, the one
# vocabulary that says a name is a venue's (``VENUE_WORDS``) and which kind of venue (``guess_kind``).
_JOURNAL = (
    r"journal|j\.|transactions|trans\.|letters|lett\.|review|reviews|rev\.|annals|bulletin|magazine|"
    r"nature|science|cell|plos|bioinformatics|biosci\.|biomolecules|catalysis|genetics|genomics|"
    r"biotechnology|opinion|frontiers|front\."
)
_JOURNAL_WORDS = re.compile(rf"\b(?:{_JOURNAL})(?![a-z])", re.I)
VENUE_WORDS = re.compile(
    rf"\b(?:{_JOURNAL}|proc\.?|proceedings|conference|conf\.?|symposium|workshop|biosci|"
    r"biology|biol\.|chemistry|chem\.|medicine|med\.|physics|phys\.|engineering|eng\.|computing|comput\.|"
    r"intelligence|informatics|research|systems|preprint|arxiv|biorxiv|medrxiv|chemrxiv|ssrn|acm|ieee|siam|"
    r"springer|elsevier|communications|commun\.)(?![a-z])",
    re.I,
)
_CONFERENCE_WORDS = re.compile(r"\b(?:proc\.?|proceedings|conference|conf\.|symposium|workshop|meeting)\b", re.I)
_PREPRINT_WORDS = re.compile(r"^(?:preprint|arxiv|biorxiv|medrxiv|chemrxiv|ssrn|research square)(?: preprint)?$", re.I)


def guess_kind(name: str) -> VenueKind:
    """The kind of a venue the table does not know, from its words: 'Nature Genetics', 'Front. Mol.
    Biosci.' are journals, 'Preprint' and 'bioRxiv' preprint servers; anything else stays OTHER."""
    name = " ".join(name.split()).strip(" .,")
    if _PREPRINT_WORDS.match(name):
        return VenueKind.PREPRINT
    if _JOURNAL_WORDS.search(name) and not _CONFERENCE_WORDS.search(name):
        return VenueKind.JOURNAL
    return VenueKind.OTHER


def looks_like_venue(text: str) -> bool:
    """True when text is a venue/year note ("NAACL 2019", "2020", "ICLR2020") rather than prose."""
    text = text.strip().strip("()（）.,;").strip()
    if not text or len(text) > 80:
        return False
    parsed = parse_venue(text)
    if parsed.venue is not None:
        return True
    return bool(YEAR.fullmatch(text))


def venue_of_acl_id(acl_id: str) -> tuple[str, int] | None:
    """'P19-1423' -> ('ACL', 2019); '2020.findings-emnlp.207' -> ('Findings of EMNLP', 2020).

    Workshop ids (W19-4302, 2020.blackboxnlp-1.3) give only the year: ("", year).
    """
    table = load_table()
    m = re.match(r"^([A-Z])(\d{2})-\d{4}$", acl_id)
    if m:
        yy = int(m.group(2))
        year = 1900 + yy if yy >= 60 else 2000 + yy
        return table.acl_letters.get(m.group(1), ""), year
    m = re.match(r"^(\d{4})\.([a-z0-9\-]+)\.\d+$", acl_id)
    if m:
        return table.acl_events.get(m.group(2), ""), int(m.group(1))
    return None


def venue_table() -> dict[str, VenueSpec]:
    """The venues the table knows, by acronym."""
    return load_table().specs


def venue_named(acronym: str, year: int | None) -> Venue:
    spec = load_table().specs[acronym]
    return Venue(
        acronym=acronym,
        name=spec.long_name(year),
        kind=spec.kind,
        year=year,
        publisher=spec.publisher,
        institution=spec.institution,
    )
