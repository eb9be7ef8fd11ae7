"""Local stand-ins for the four metadata services `bibkit resolve` asks, as one WSGI app.

Written from the public documentation of each service, with the shapes and limits bibkit relies
on (each cited beside its code), served on 127.0.0.1 under four prefixes:

- ``/arxiv/api/query`` -- arXiv API user manual: ``id_list`` (comma-separated), ``max_results``
  (default 10, so a client that forgets it gets 10 entries), Atom 1.0 with ``arxiv:`` extensions
  (``primary_category``, ``doi``, ``journal_ref``), versioned ids in ``<id>``; a malformed id makes
  the whole answer one error entry whose id is ``http://arxiv.org/api/errors#...``.
- ``/s2/graph/v1/paper/batch`` -- Semantic Scholar Graph API: POST ``{"ids": [...]}`` with
  ``ARXIV:``/``ACL:``/``DOI:`` prefixes, at most 500 ids (400 otherwise), ``fields`` as a query
  parameter (only those fields come back, plus ``paperId``), one answer per id in order, ``null``
  for an unknown id; ``x-api-key`` checked when the stand-in is given a key.
- ``/dblp/rec/KEY.bib`` and ``/dblp/search/publ/api?q=&format=json&h=`` -- DBLP: BibTeX with
  ``DBLP:`` keys; search hits under ``result.hits.hit[].info`` with titles ending in a full stop and
  ``authors.author`` an object for one author and a list for more; overload answered by 429 with
  an HTML page and ``Retry-After``.
- ``/crossref/works/{doi}`` -- Crossref REST API: ``{"status": "ok", "message": {...}}`` with
  ``author[].given/family``, ``container-title``, ``issued.date-parts``; 404 "Resource not found.".

Faults (per request, scripted or at a rate): ``429`` (with Retry-After), ``503``, ``drop`` (the
connection closes with no answer), ``malformed`` (a truncated body), ``slow`` (an answer later than
the client's timeout).  ``requests`` counts requests per service.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from .zotero_server import _QuietHandler  # noqa: E402
from .zotero_server import serve as serve_wsgi  # noqa: E402

ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


@dataclass
class Work:
    title: str
    authors: list[str]  # "First Last"
    year: int
    arxiv: str = ""
    month: int = 1
    primary: str = "cs.CL"
    doi: str = ""  # of the published version
    acl: str = ""
    venue: str = ""  # published venue's name; "" for a preprint only
    venue_type: str = "conference"
    dblp: str = ""  # DBLP key of the published version
    pages: str = ""
    publisher: str = ""
    journal_ref: str = ""


@dataclass
class Faults:
    rate: float = 0.0
    kinds: tuple[str, ...] = ("429", "503", "drop", "malformed", "slow")
    script: list[str] = field(default_factory=list)
    seed: int = 0
    slow_seconds: float = 1.5
    fired: list[str] = field(default_factory=list)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def next(self) -> str | None:
        fault = self.script.pop(0) if self.script else None
        if fault is None and self.rate and self.rng.random() < self.rate:
            fault = self.rng.choice(self.kinds)
        if fault:
            self.fired.append(fault)
        return fault


def synthetic_work(scheme: str, value: str, title: str = "") -> Work:
    """A deterministic made-up work for any identifier (for measuring coverage on whole lists):
    every other one was published, with a DBLP record and a DOI."""
    h = int(hashlib.sha256(f"{scheme}:{value}".encode()).hexdigest(), 16)
    year = 2000 + int(value[:2]) if scheme == "arxiv" and value[:2].isdigit() else 2019
    published = h % 2 == 0
    return Work(
        title=title or f"Synthetic work {value}",
        authors=[f"Ada{h % 97} Lovelace{h % 89}", f"Alan{h % 83} Turing{h % 79}"],
        year=year,
        arxiv=value if scheme == "arxiv" else "",
        month=1 + h % 12,
        doi=f"10.5555/synthetic.{h % 10**8}" if published else (value if scheme == "doi" else ""),
        acl=value if scheme == "acl" else "",
        venue="Proceedings of the Conference on Synthetic Results" if published else "",
        dblp=f"conf/synth/W{h % 10**8}" if published else "",
        pages=f"{h % 500 + 1}--{h % 500 + 11}" if published else "",
        publisher="Synthetic Press" if published else "",
    )


class MetadataServer:
    def __init__(self, works: list[Work] | None = None, synthesize: dict[str, str] | None = None, s2_key: str = ""):
        self.works = list(works or [])
        self.synthesize = synthesize  # None: only the given works; else any id, titles by "scheme:value"
        self.s2_key = s2_key
        self.faults = Faults()
        self.requests: Counter[str] = Counter()
        self.log: list[str] = []
        self.lock = threading.Lock()

    # -- look-ups ---------------------------------------------------------------------------------

    def find(self, scheme: str, value: str) -> Work | None:
        key, value = value, value.lower()
        for work in self.works:
            if (scheme == "arxiv" and work.arxiv.lower() == value) or (scheme == "acl" and work.acl.lower() == value):
                return work
            if scheme == "doi" and work.doi.lower() == value:
                return work
            if scheme == "dblp" and work.dblp == key:
                return work
        if self.synthesize is not None and scheme in ("arxiv", "acl", "doi"):
            work = synthetic_work(scheme, value, self.synthesize.get(f"{scheme}:{value}", ""))
            self.works.append(work)
            return work
        return None

    # -- WSGI -------------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        with self.lock:
            status, headers, body = self.handle(environ)
        start_response(status, list(headers.items()))
        return [body]

    def handle(self, environ: dict) -> tuple[str, dict[str, str], bytes]:
        path = environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        service = path.strip("/").split("/")[0]
        self.requests[service] += 1
        self.log.append(f"{environ['REQUEST_METHOD']} {path}")
        fault = environ.get("bibkit.fault")
        if fault == "429":
            page = b"<html><body>Too many requests</body></html>"
            return "429 Too Many Requests", {"Retry-After": "0", "Content-Type": "text/html"}, page
        if fault == "503":
            return "503 Service Unavailable", {"Retry-After": "0", "Content-Type": "text/plain"}, b"busy"
        if fault == "slow":
            time.sleep(self.faults.slow_seconds)
        routes = {"arxiv": self.arxiv, "s2": self.s2, "dblp": self.dblp, "crossref": self.crossref}
        if service not in routes:
            return "404 Not Found", {}, b"no such service"
        status, headers, body = routes[service](path, query, environ)
        if fault == "malformed":
            body = body[: len(body) // 2]
        return status, headers, body

    def arxiv(self, path: str, query: dict, environ: dict) -> tuple[str, dict[str, str], bytes]:
        ids = [i for i in ",".join(query.get("id_list", [""])).split(",") if i]
        max_results = int(query.get("max_results", ["10"])[0])  # the documented default is 10
        bad = [i for i in ids if not ARXIV_ID.match(i)]
        entries = []
        if bad:
            entries.append(
                f"<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad[0])}</id>"
                f"<title>Error</title><summary>incorrect id format for {escape(bad[0])}</summary>"
                "<updated>2026-12-02T00:00:00-05:00</updated><link href='http://arxiv.org/api/errors' rel='alternate' "
                "type='text/html'/><author><name>arXiv api core</name></author></entry>"
            )
        else:
            for arxiv_id in ids[:max_results]:
                work = self.find("arxiv", re.sub(r"v\d+$", "", arxiv_id))
                if work is None:
                    continue
                authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in work.authors)
                extra = f"<arxiv:doi>{escape(work.doi)}</arxiv:doi>" if work.doi else ""
                if work.journal_ref:
                    extra += f"<arxiv:journal_ref>{escape(work.journal_ref)}</arxiv:journal_ref>"
                entries.append(
                    f"<entry><id>http://arxiv.org/abs/{work.arxiv}v2</id>"
                    f"<updated>{work.year}-{work.month:02d}-20T10:00:00Z</updated>"
                    f"<published>{work.year}-{work.month:02d}-12T17:57:34Z</published>"
                    f"<title>{_folded(work.title)}</title>"
                    f"<summary>An abstract.</summary>{authors}{extra}"
                    f"<link href='http://arxiv.org/abs/{work.arxiv}v2' rel='alternate' type='text/html'/>"
                    f"<arxiv:primary_category xmlns:arxiv='http://arxiv.org/schemas/atom' term='{work.primary}' "
                    "scheme='http://arxiv.org/schemas/atom'/>"
                    f"<category term='{work.primary}' scheme='http://arxiv.org/schemas/atom'/></entry>"
                )
        feed = (
            "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:opensearch='http://a9.com/-/spec/opensearch/1.1/' xmlns:arxiv='http://arxiv.org/schemas/atom'>"
            f"<title>arXiv Query</title><opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
            f"{''.join(entries)}</feed>"
        )
        return "200 OK", {"Content-Type": "application/atom+xml; charset=utf-8"}, feed.encode()

    def s2(self, path: str, query: dict, environ: dict) -> tuple[str, dict[str, str], bytes]:
        if self.s2_key and environ.get("HTTP_X_API_KEY") != self.s2_key:
            return "403 Forbidden", {"Content-Type": "application/json"}, b'{"message": "Forbidden"}'
        if environ["REQUEST_METHOD"] != "POST" or not path.endswith("/paper/batch"):
            return "404 Not Found", {}, b'{"error": "Not found"}'
        length = int(environ.get("CONTENT_LENGTH") or 0)
        ids = json.loads(environ["wsgi.input"].read(length) or b"{}").get("ids", [])
        if len(ids) > 500:
            return (
                "400 Bad Request",
                {"Content-Type": "application/json"},
                b'{"error": "Cannot process more than 500 ids"}',
            )
        fields = set(",".join(query.get("fields", ["title"])).split(","))
        out: list[Any] = []
        for requested in ids:
            prefix, _, value = requested.partition(":")
            work = self.find({"ARXIV": "arxiv", "ACL": "acl", "DOI": "doi"}.get(prefix.upper(), "?"), value)
            if work is None:
                out.append(None)
                continue
            external = {"ArXiv": work.arxiv or None, "DOI": work.doi or None, "ACL": work.acl or None}
            external["DBLP"] = work.dblp or (
                f"journals/corr/abs-{work.arxiv.replace('.', '-')}" if work.arxiv else None
            )
            paper = {
                "paperId": hashlib.sha1(work.title.encode()).hexdigest(),
                "externalIds": {k: v for k, v in external.items() if v},
                "title": work.title,
                "authors": [{"authorId": str(i), "name": a} for i, a in enumerate(work.authors)],
                "year": work.year,
                "venue": work.venue or "arXiv.org",
                "publicationVenue": {"id": "x", "name": work.venue, "type": work.venue_type} if work.venue else None,
                "journal": {"name": work.venue or "ArXiv", "pages": work.pages or None, "volume": None}
                if work.venue
                else {"name": "ArXiv", "volume": f"abs/{work.arxiv}"},
                "publicationDate": f"{work.year}-{work.month:02d}-12",
            }
            out.append({k: v for k, v in paper.items() if k in fields or k == "paperId"})
        return "200 OK", {"Content-Type": "application/json"}, json.dumps(out).encode()

    def dblp(self, path: str, query: dict, environ: dict) -> tuple[str, dict[str, str], bytes]:
        m = re.match(r"^/dblp/rec/(.+)\.bib$", unquote(path))
        if m:
            work = self.find("dblp", m.group(1))
            if work is None:
                return "404 Not Found", {"Content-Type": "text/html"}, b"<html>Error 404: not found</html>"
            return "200 OK", {"Content-Type": "application/x-bibtex; charset=utf-8"}, _dblp_bib(work).encode()
        if path == "/dblp/search/publ/api":
            words = [w.lower() for w in re.findall(r"\w+", query.get("q", [""])[0])]
            hits = [w for w in self.works if w.dblp and all(x in w.title.lower() for x in words)]
            hits = hits[: int(query.get("h", ["30"])[0])]
            body = {
                "result": {
                    "query": query.get("q", [""])[0],
                    "status": {"@code": "200", "text": "OK"},
                    "hits": {
                        "@total": str(len(hits)),
                        "@sent": str(len(hits)),
                        "@first": "0",
                        "hit": [_hit(w) for w in hits],
                    },
                }
            }
            if not hits:
                del body["result"]["hits"]["hit"]
            return "200 OK", {"Content-Type": "application/json"}, json.dumps(body).encode()
        return "404 Not Found", {}, b"not found"

    def crossref(self, path: str, query: dict, environ: dict) -> tuple[str, dict[str, str], bytes]:
        m = re.match(r"^/crossref/works/(.+)$", unquote(path))
        work = self.find("doi", m.group(1)) if m else None
        if work is None or not work.venue:
            return "404 Not Found", {"Content-Type": "text/plain"}, b"Resource not found."
        message = {
            "DOI": work.doi,
            "type": "journal-article" if work.venue_type == "journal" else "proceedings-article",
            "title": [work.title],
            "author": [
                {"given": " ".join(a.split()[:-1]), "family": a.split()[-1], "sequence": "first"} for a in work.authors
            ],
            "container-title": [work.venue],
            "issued": {"date-parts": [[work.year, work.month]]},
            "page": work.pages.replace("--", "-"),
            "publisher": work.publisher,
        }
        body = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
        return "200 OK", {"Content-Type": "application/json"}, json.dumps(body).encode()


def _folded(title: str) -> str:
    """arXiv's Atom titles are folded at spaces onto indented lines."""
    cut = title.find(" ", 30)
    return escape(title) if cut < 0 else f"{escape(title[:cut])}\n  {escape(title[cut + 1 :])}"


def _dblp_bib(work: Work) -> str:
    entry = "article" if work.venue_type == "journal" else "inproceedings"
    venue_field = "journal" if entry == "article" else "booktitle"
    authors = " and\n                  ".join(work.authors)
    lines = [
        f"@{entry}{{DBLP:{work.dblp},",
        f"  author       = {{{authors}}},",
        f"  title        = {{{work.title}}},",
        f"  {venue_field:<12} = {{{work.venue}}},",
        f"  pages        = {{{work.pages}}},",
        f"  publisher    = {{{work.publisher}}},",
        f"  year         = {{{work.year}}},",
    ]
    if work.doi:
        lines.append(f"  doi          = {{{work.doi}}},")
    lines += [
        f"  biburl       = {{https://dblp.org/rec/{work.dblp}.bib}},",
        "  bibsource    = {dblp computer science bibliography, https://dblp.org}",
        "}",
    ]
    return "\n".join(lines) + "\n\n"


def _hit(work: Work) -> dict[str, Any]:
    people = [{"@pid": str(i), "text": a} for i, a in enumerate(work.authors)]
    return {
        "@score": "9",
        "@id": "1",
        "info": {
            "authors": {"author": people[0] if len(people) == 1 else people},
            "title": work.title + ".",
            "venue": "SYNTH",
            "year": str(work.year),
            "type": "Conference and Workshop Papers",
            "key": work.dblp,
            "url": f"https://dblp.org/rec/{work.dblp}",
        },
    }


class _Handler(_QuietHandler):
    def handle(self) -> None:
        app: MetadataServer = self.server.get_app()  # type: ignore[attr-defined]
        with app.lock:
            fault = app.faults.next()
        if fault == "drop":  # read the request, then close the connection without a word
            self.raw_requestline = self.rfile.readline(65537)
            with app.lock:
                app.requests["dropped"] += 1
            return
        self._fault = fault
        super().handle()

    def get_environ(self) -> dict[str, Any]:
        env = super().get_environ()
        env["bibkit.fault"] = getattr(self, "_fault", None)
        return env


def serve(app: MetadataServer) -> tuple[str, Callable[[], None]]:
    """Serve on 127.0.0.1 (a free port) in a thread, with dropped connections; returns (base URL, stop)."""
    return serve_wsgi(app, _Handler)


def environment(base: str) -> dict[str, str]:
    """The environment that points bibkit at the stand-ins, with politeness delays off."""
    return {
        "BIBKIT_ARXIV_API": f"{base}/arxiv/api/query",
        "BIBKIT_S2_API": f"{base}/s2/graph/v1",
        "BIBKIT_DBLP_API": f"{base}/dblp",
        "BIBKIT_CROSSREF_API": f"{base}/crossref",
        "BIBKIT_MIN_INTERVAL": "0",
    }
