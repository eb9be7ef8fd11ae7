"""The online metadata sources, one class each, over the shared HTTP layer.

Each turns a service's documented answer into ``Found`` values and nothing else: which entries
to ask about and what to adopt is decided in ``online.py``.  Base URLs come from the environment
(``BIBKIT_ARXIV_API``...), then bibkit.toml, then the public defaults, so a mirror or a local
test server can stand in.

- arXiv API (user manual, "Details of Query Construction"): ``id_list`` with many ids per GET,
  ``max_results`` as many; Atom entries with ``arxiv:primary_category``, ``arxiv:doi``,
  ``arxiv:journal_ref``; a malformed id gives one error entry (``/api/errors#...``).
- Semantic Scholar Graph API: ``POST /paper/batch`` with up to 500 ids (``ARXIV:``, ``ACL:``,
  ``DOI:``), ``fields=`` as a query parameter; the answer is a list in the same order, ``null`` for
  an id it does not know; an optional ``x-api-key``.
- DBLP: ``/rec/KEY.bib`` (the record's BibTeX) and ``/search/publ/api?q=&format=json&h=`` (hits with
  ``info.key``, ``info.title`` ending in a full stop, ``info.authors.author`` as one object or a list).
- Crossref: ``/works/{doi}`` (``message.author[].given/family``, ``container-title``,
  ``issued.date-parts``), ``mailto=`` for the polite pool; 404 for an unknown DOI.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from .. import ids
from ..http import Malformed, Refused, Requester
from ..identity import normalized_title
from ..model import Person
from ..normalize.names import parse_person
from ..text import year_in
from .lock import Found
from .official_index import DBLP_NUMBER, bibtex_pages, parse_official

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
ARXIV_BATCH = 100  # ids per arXiv request: 10 requests per 1,000 ids, URLs well under 4 kB
S2_BATCH = 500  # the documented maximum of /paper/batch
S2_FIELDS = "title,authors,year,venue,publicationVenue,externalIds,journal,publicationDate"


def _people(names: list[str]) -> tuple[Person, ...]:
    return tuple(parse_person(DBLP_NUMBER.sub("", n)) for n in names if n.strip())


def _text(node: ET.Element | None) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def _is_arxiv_doi(doi: str) -> bool:
    return doi.lower().startswith("10.48550/")


@dataclass
class ArxivSource:
    http: Requester
    name: str = "arxiv"
    batch: int = ARXIV_BATCH

    def fetch(self, arxiv_ids: list[str]) -> dict[str, Found]:
        """One request for up to ``batch`` ids; the ids arXiv knows, by id (without version)."""
        params = {"id_list": ",".join(arxiv_ids), "max_results": str(len(arxiv_ids)), "start": "0"}
        return self.http.request("GET", "", params=params, parse=_parse_atom)


def refuse(response: httpx.Response, service: str) -> None:
    """A 4xx answer other than 404 and 429 is the service's final word on this request."""
    if response.status_code >= 400:
        hint = " (check S2_API_KEY)" if response.status_code in (401, 403) and service == "Semantic Scholar" else ""
        raise Refused(f"{service} refused the request: HTTP {response.status_code}{hint}")


def _parse_atom(response: httpx.Response) -> dict[str, Found]:
    if "<feed" not in response.text:
        refuse(response, "arXiv")
    root = ET.fromstring(response.content)
    if root.tag != f"{ATOM}feed":
        raise Malformed("not an Atom feed")
    found: dict[str, Found] = {}
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = _text(entry.find(f"{ATOM}id"))
        if "/api/errors" in entry_id:
            # The whole query was refused (a malformed id): say so; the caller asks again in halves.
            raise ArxivQueryError(_text(entry.find(f"{ATOM}summary")) or entry_id)
        arxiv_id = ids.identifiers_from_url(entry_id).arxiv
        title = _text(entry.find(f"{ATOM}title"))
        if not arxiv_id or not title:
            continue  # an id arXiv does not have comes back empty or not at all
        published = _text(entry.find(f"{ATOM}published"))
        primary = entry.find(f"{ARXIV_NS}primary_category")
        doi = _text(entry.find(f"{ARXIV_NS}doi"))
        found[arxiv_id.lower()] = Found(
            source="arxiv",
            title=title,
            authors=_people([_text(a.find(f"{ATOM}name")) for a in entry.iter(f"{ATOM}author")]),
            year=year_in(published[:4]),
            month=int(published[5:7]) if re.match(r"\d{4}-\d\d", published) else None,
            doi="" if _is_arxiv_doi(doi) else doi,
            arxiv=arxiv_id,
            arxiv_class=primary.get("term", "") if primary is not None else "",
        )
    return found


class ArxivQueryError(Exception):
    """arXiv's error entry: the query (not the service) was at fault."""


def s2_id(key: str) -> str:
    scheme, _, value = key.partition(":")
    return {"arxiv": "ARXIV", "acl": "ACL", "doi": "DOI"}[scheme] + ":" + value


@dataclass
class SemanticScholarSource:
    http: Requester
    name: str = "s2"
    batch: int = S2_BATCH

    def fetch(self, keys: list[str]) -> dict[str, Found]:
        """One POST for up to 500 lock keys (arxiv:/acl:/doi:); the papers it knows, by key."""
        body = httpx.Request("POST", "http://x", json={"ids": [s2_id(k) for k in keys]}).content
        answer = self.http.request(
            "POST",
            "/paper/batch",
            params={"fields": S2_FIELDS},
            headers={"Content-Type": "application/json"},
            content=body,
            parse=_json_list,
        )
        if len(answer) != len(keys):
            raise Malformed(f"{len(answer)} answers for {len(keys)} ids")
        return {k: _s2_found(p) for k, p in zip(keys, answer, strict=True) if isinstance(p, dict) and p.get("title")}


def _json_list(response: httpx.Response) -> list[Any]:
    refuse(response, "Semantic Scholar")
    data = response.json()
    if not isinstance(data, list):
        raise Malformed("not a JSON list")
    return data


_PREPRINT_VENUE = re.compile(r"^(arxiv(\.org)?|corr|biorxiv|medrxiv|ssrn)$", re.I)


def _s2_found(paper: dict[str, Any]) -> Found:
    external = paper.get("externalIds") or {}
    journal = paper.get("journal") or {}
    pub_venue = paper.get("publicationVenue") or {}
    venue = str(pub_venue.get("name") or journal.get("name") or paper.get("venue") or "").strip()
    venue_type = str(pub_venue.get("type") or "").lower()
    if _PREPRINT_VENUE.match(venue):
        venue = ""
    entry_type = ""
    if venue:
        entry_type = (
            "article"
            if venue_type == "journal" or (journal.get("name") and venue_type != "conference")
            else "inproceedings"
        )
    date = str(paper.get("publicationDate") or "")
    doi = str(external.get("DOI") or "")
    dblp = str(external.get("DBLP") or "")
    return Found(
        source="s2",
        title=" ".join(str(paper.get("title") or "").split()),
        authors=_people([str(a.get("name") or "") for a in paper.get("authors") or [] if isinstance(a, dict)]),
        year=paper.get("year") if isinstance(paper.get("year"), int) else None,
        month=int(date[5:7]) if re.match(r"\d{4}-\d\d", date) else None,
        entry_type=entry_type,
        venue=venue,
        pages=bibtex_pages(str(journal.get("pages") or "")) if venue else "",
        volume=str(journal.get("volume") or "").strip() if venue else "",
        doi="" if _is_arxiv_doi(doi) else doi,
        arxiv=str(external.get("ArXiv") or ""),
        acl=str(external.get("ACL") or ""),
        dblp="" if dblp.startswith("journals/corr/") else dblp,
    )


@dataclass
class DblpSource:
    http: Requester
    name: str = "dblp"

    def record(self, key: str) -> Found | None:
        """The official BibTeX of one DBLP record (None when DBLP has no such record)."""
        return self.http.request("GET", f"/rec/{quote(key)}.bib", parse=lambda r: _dblp_bib(r, key))

    def search(self, title: str) -> list[dict[str, Any]]:
        """Title search: the hits' ``info`` objects (key, title, authors, year, venue, type)."""
        params = {"q": title, "format": "json", "h": "10"}
        return self.http.request("GET", "/search/publ/api", params=params, parse=_dblp_hits)


def _dblp_bib(response: httpx.Response, key: str) -> Found | None:
    if response.status_code == 404:
        return None
    refuse(response, "DBLP")
    text = response.text
    if not text.lstrip().startswith("@") or text.count("{") != text.count("}"):
        raise Malformed("not a whole BibTeX record")
    official = parse_official(text, f"dblp:{key}")
    if official is None or not official.title:
        raise Malformed("no entry in the BibTeX record")
    corr = key.startswith("journals/corr/")
    return Found(
        source="dblp",
        title=official.title.rstrip("."),
        authors=tuple(Person(DBLP_NUMBER.sub("", p.last), p.first, p.von, p.jr, p.literal) for p in official.authors),
        year=official.year,
        entry_type="" if corr else official.entry_type,
        venue="" if corr else official.venue_name,
        publisher=official.publisher,
        pages=official.pages,
        volume=official.volume,
        number=official.issue,
        doi="" if _is_arxiv_doi(official.doi) else official.doi,
        url="" if corr or "arxiv.org" in official.url else official.url,
        dblp="" if corr else key,
    )


def _dblp_hits(response: httpx.Response) -> list[dict[str, Any]]:
    refuse(response, "DBLP")
    data = response.json()
    hits = data["result"]["hits"].get("hit", [])
    return [h["info"] for h in hits if isinstance(h, dict) and isinstance(h.get("info"), dict)]


def hit_families(info: dict[str, Any]) -> set[str]:
    authors = (info.get("authors") or {}).get("author", [])
    authors = authors if isinstance(authors, list) else [authors]
    names = [a.get("text", "") if isinstance(a, dict) else str(a) for a in authors]
    return {normalized_title(p.last) for p in _people(names)} - {""}


def hit_title(info: dict[str, Any]) -> str:
    return normalized_title(str(info.get("title", "")))


@dataclass
class CrossrefSource:
    http: Requester
    mailto: str = ""
    name: str = "crossref"

    def work(self, doi: str) -> Found | None:
        params = {"mailto": self.mailto} if self.mailto else None
        return self.http.request("GET", f"/works/{quote(doi, safe='/')}", params=params, parse=_crossref_work)


_CROSSREF_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "monograph": "book",
    "report": "techreport",
    "dissertation": "phdthesis",
}


def _crossref_work(response: httpx.Response) -> Found | None:
    if response.status_code == 404:
        return None
    refuse(response, "Crossref")
    message = response.json()["message"]
    people = []
    for author in message.get("author") or []:
        if author.get("family"):
            people.append(Person(last=author["family"], first=author.get("given", "")))
        elif author.get("name"):
            people.append(Person(last=author["name"], literal=True))
    parts = ((message.get("issued") or {}).get("date-parts") or [[None]])[0]
    entry_type = _CROSSREF_TYPES.get(str(message.get("type")), "")
    containers = message.get("container-title") or []
    venue = str(containers[0]) if containers and entry_type else ""
    titles = message.get("title") or [""]
    return Found(
        source="crossref",
        title=" ".join(str(titles[0]).split()),
        authors=tuple(people),
        year=parts[0] if parts and isinstance(parts[0], int) else None,
        month=parts[1] if len(parts) > 1 and isinstance(parts[1], int) else None,
        entry_type=entry_type if venue else "",
        venue=venue,
        publisher=str(message.get("publisher") or "") if venue else "",
        pages=bibtex_pages(str(message.get("page") or "")) if venue else "",
        volume=str(message.get("volume") or "") if venue else "",
        number=str(message.get("issue") or "") if venue else "",
        doi=str(message.get("DOI") or ""),
    )
