"""An in-memory stand-in for the Zotero Web API v3, group-library subset, as a WSGI app.

It enforces the rules in ../shared/docs/zotero-sync-notes.md (each cited beside its code):
keys and versions, Last-Modified-Version, If-Unmodified-Since-Version (412, 428),
If-Modified-Since-Version (304), per-object write reports, the 50-object limit (413),
since= / format=versions reads with paging (limit <= 100, Link, Total-Results), per-type
field validity, write tokens, Backoff and Retry-After -- and it can inject faults: 429 with
Retry-After, 503, a Backoff header, a response dropped after the write was committed (see
``FaultyTransport``), and a concurrent writer that edits the library between requests.

Use it attached to httpx directly (``transport()``) for unit tests, or served on 127.0.0.1
(``serve()``) for end-to-end tests of the command line.
"""

from __future__ import annotations

import copy
import json
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx

KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")  # "exactly 8 characters from ..."
COMMON = {
    "title",
    "creators",
    "date",
    "url",
    "shortTitle",
    "language",
    "extra",
    "citationKey",
    "abstractNote",
    "accessDate",
    "rights",
    "archive",
    "archiveLocation",
    "libraryCatalog",
    "callNumber",
}
# Fields per type: a conferencePaper takes proceedingsTitle, not publicationTitle (the API rejects it).
FIELDS = {
    "conferencePaper": COMMON
    | {"proceedingsTitle", "conferenceName", "publisher", "place", "pages", "DOI", "volume", "series", "ISBN"},
    "journalArticle": COMMON
    | {
        "publicationTitle",
        "volume",
        "issue",
        "pages",
        "DOI",
        "journalAbbreviation",
        "ISSN",
        "series",
        "seriesTitle",
        "seriesText",
    },
    "preprint": COMMON | {"repository", "archiveID", "DOI", "place", "genre", "series", "seriesNumber"},
    "blogPost": COMMON | {"blogTitle", "websiteType"},
    "webpage": COMMON | {"websiteTitle", "websiteType"},
    "computerProgram": COMMON
    | {"company", "place", "versionNumber", "programmingLanguage", "system", "seriesTitle", "ISBN"},
    "book": COMMON
    | {"publisher", "place", "edition", "volume", "numPages", "ISBN", "series", "seriesNumber", "numberOfVolumes"},
    "bookSection": COMMON
    | {
        "bookTitle",
        "publisher",
        "place",
        "pages",
        "ISBN",
        "edition",
        "volume",
        "series",
        "seriesNumber",
        "numberOfVolumes",
    },
    "report": COMMON | {"institution", "reportNumber", "reportType", "place", "pages", "seriesTitle", "publisher"},
    "thesis": COMMON | {"university", "thesisType", "place", "numPages"},
    "presentation": COMMON | {"presentationType", "meetingName", "place"},
    "document": COMMON | {"publisher"},
    "manuscript": COMMON | {"manuscriptType", "place", "numPages"},
    "letter": COMMON | {"letterType"},
    "film": COMMON | {"distributor", "genre", "videoRecordingFormat", "runningTime"},
    "artwork": COMMON | {"artworkMedium", "artworkSize"},
    "audioRecording": COMMON
    | {"audioRecordingFormat", "seriesTitle", "volume", "numberOfVolumes", "place", "label", "ISBN"},
    "videoRecording": COMMON
    | {"videoRecordingFormat", "seriesTitle", "volume", "numberOfVolumes", "place", "studio", "ISBN"},
    "dataset": COMMON | {"identifier", "type", "versionNumber", "repository", "place", "format", "size", "DOI"},
    "encyclopediaArticle": COMMON
    | {
        "encyclopediaTitle",
        "series",
        "seriesNumber",
        "volume",
        "numberOfVolumes",
        "edition",
        "place",
        "publisher",
        "pages",
        "ISBN",
    },
    "bill": COMMON
    | {"billNumber", "code", "codeVolume", "section", "codePages", "legislativeBody", "session", "history"},
    # Zotero's schema: a case has caseName and dateDecided, a patent issueDate, in place of title and date.
    "case": (COMMON - {"title", "date"})
    | {"caseName", "court", "dateDecided", "docketNumber", "reporter", "reporterVolume", "firstPage", "history"},
    "patent": (COMMON - {"date"})
    | {
        "place",
        "country",
        "assignee",
        "issuingAuthority",
        "patentNumber",
        "filingDate",
        "pages",
        "applicationNumber",
        "issueDate",
    },
    "note": {"note", "parentItem"},
}
ALWAYS = {"key", "version", "itemType", "tags", "collections", "relations", "deleted", "dateAdded", "dateModified"}
CREATOR_TYPES = {
    "author",
    "editor",
    "contributor",
    "programmer",
    "presenter",
    "translator",
    "reviewedAuthor",
    "inventor",
    "director",
    "artist",
    "sponsor",
    "performer",
}


@dataclass
class Faults:
    """Fault injection. Rates are per request; scripted faults are consumed first, in order."""

    rate: float = 0.0  # share of requests that get a random fault from `kinds`
    kinds: tuple[str, ...] = ("429", "503", "backoff", "drop")
    script: list[str] = field(default_factory=list)  # e.g. ["429", "drop"]: the next requests' faults
    retry_after: str = "0"  # seconds, as the header carries them
    seed: int = 0
    concurrent_edits: int = 0  # writes by "a colleague" between bibkit's write requests
    rng: random.Random = field(init=False)
    fired: list[str] = field(default_factory=list)  # every fault injected, for tests to check

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def next(self) -> str | None:
        fault = None
        if self.script:
            fault = self.script.pop(0)
        elif self.rate and self.rng.random() < self.rate:
            fault = self.rng.choice(self.kinds)
        if fault:
            self.fired.append(fault)
        return fault


class ZoteroServer:
    def __init__(self, group_id: int = 123456, api_key: str = "sekrit-test-key", write_access: bool = True) -> None:
        self.group_id = group_id
        self.api_key = api_key
        self.write_access = write_access
        self.version = 0  # library version
        self.items: dict[str, dict] = {}
        self.collections: dict[str, dict] = {}
        self.deleted: dict[str, int] = {}  # key -> version at permanent deletion
        self.write_tokens: set[str] = set()
        self.faults = Faults()
        self.requests: list[tuple[str, str]] = []  # (method, path?query) of every request
        self.lock = threading.Lock()
        self.pending_drop = False  # set when the current write must be "dropped" after commit
        self.meta: dict[str, dict] = {}  # key -> {"lastModifiedByUser": {...}} (the API's "meta" object)

    def _touch(self, key: str, user: str) -> None:
        """Who changed an item last, and when (``meta.lastModifiedByUser``, ``data.dateModified``)."""
        self.meta[key] = {"lastModifiedByUser": {"id": abs(hash(user)) % 10**6, "username": user, "name": user.title()}}
        stamp = f"2026-12-01T{10 + self.version // 60 % 10:02d}:{self.version % 60:02d}:00Z"
        item = self.items.get(key)
        if item is not None:
            item.setdefault("dateAdded", stamp)
            item["dateModified"] = stamp

    # -- helpers for tests --------------------------------------------------------------

    def add_item(self, data: dict, user: str = "colleague") -> dict:
        """Seed the library as another client would (no validation shortcuts on versions)."""
        with self.lock:
            self.version += 1
            item = {"tags": [], "collections": [], "relations": {}, **copy.deepcopy(data), "version": self.version}
            self.items[item["key"]] = item
            self._touch(item["key"], user)
            return item

    def edit_item(self, key: str, user: str = "colleague", **changes: Any) -> None:
        """A colleague's edit in Zotero."""
        with self.lock:
            self.version += 1
            self.items[key].update(copy.deepcopy(changes))
            self.items[key]["version"] = self.version
            self._touch(key, user)

    def delete_item(self, key: str) -> None:
        """A colleague empties the trash: the item is gone, listed by /deleted."""
        with self.lock:
            self.version += 1
            del self.items[key]
            self.deleted[key] = self.version

    def live_items(self, item_type: str | None = None) -> list[dict]:
        return [
            i for i in self.items.values() if not i.get("deleted") and (item_type is None or i["itemType"] == item_type)
        ]

    def concurrent_edit(self) -> None:
        """A colleague adds a tag to some item, or creates an unrelated one, bumping the version."""
        rng = self.faults.rng
        regular = [k for k, i in self.items.items() if i["itemType"] != "note"]
        if regular and rng.random() < 0.7:
            key = rng.choice(sorted(regular))
            self.version += 1
            self.items[key]["tags"] = self.items[key].get("tags", []) + [
                {"tag": f"colleague-{self.version}", "type": 0}
            ]
            self.items[key]["version"] = self.version
        else:
            self.version += 1
            key = "".join(rng.choice("23456789ABCDEFGHIJKLMNPQRSTUVWXYZ") for _ in range(8))
            self.items[key] = {
                "key": key,
                "version": self.version,
                "itemType": "webpage",
                "title": "colleague page",
                "tags": [],
                "collections": [],
                "relations": {},
                "creators": [],
            }

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        with self.lock:
            status, headers, body = self.handle(environ)
        start_response(status, list(headers.items()))
        return [body]

    def handle(self, environ: dict) -> tuple[str, dict[str, str], bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        self.requests.append((method, path + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")))
        headers = {"Content-Type": "application/json"}

        fault = self.faults.next()
        if fault == "429":  # over the rate limit: 429 with Retry-After
            return "429 Too Many Requests", {**headers, "Retry-After": self.faults.retry_after}, b"Too many requests"
        if fault == "500":  # a server error with no Retry-After
            return "500 Internal Server Error", headers, b"Internal server error"
        if fault == "503":  # "500/503 can happen at any time, 503 possibly with Retry-After"
            return (
                "503 Service Unavailable",
                {**headers, "Retry-After": self.faults.retry_after},
                b"Service unavailable",
            )
        extra_headers = {"Backoff": self.faults.retry_after} if fault == "backoff" else {}
        self.pending_drop = fault == "drop" and method == "POST"

        # Auth: Zotero-API-Key or Authorization: Bearer; an unknown key answers 403.
        given = environ.get("HTTP_ZOTERO_API_KEY") or environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if given != self.api_key:
            return "403 Forbidden", headers, b"Invalid key"
        if environ.get("HTTP_ZOTERO_API_VERSION") not in (None, "3"):
            return "400 Bad Request", headers, b"API version 3 only"
        prefix = f"/groups/{self.group_id}"
        if not path.startswith(prefix):
            return "404 Not Found", headers, b"Not found"
        rest = path[len(prefix) :]
        if method == "GET":
            status, out_headers, body = self.read(rest, query, environ)
        elif method == "POST":
            if not self.write_access:
                return "403 Forbidden", headers, b"Write access denied"
            status, out_headers, body = self.write(rest, environ)
            if status.startswith("200") and self.faults.concurrent_edits:
                self.faults.concurrent_edits -= 1
                self.concurrent_edit()
        else:
            return "405 Method Not Allowed", headers, b""
        return status, {**headers, **out_headers, **extra_headers}, body

    # -- reads --------------------------------------------------------------------------------

    def read(self, rest: str, query: dict, environ: dict) -> tuple[str, dict[str, str], bytes]:
        store = {"/items": self.items, "/collections": self.collections}.get(rest)
        if rest == "/deleted":
            since = int(query.get("since", ["0"])[0])
            body = {"items": [k for k, v in self.deleted.items() if v > since], "collections": []}
            return "200 OK", {"Last-Modified-Version": str(self.version)}, json.dumps(body).encode()
        if store is None:
            return "404 Not Found", {}, b"Not found"
        lmv = {"Last-Modified-Version": str(self.version)}
        ims = environ.get("HTTP_IF_MODIFIED_SINCE_VERSION")
        if ims is not None and int(ims) >= self.version:  # 304 when nothing changed since N
            return "304 Not Modified", lmv, b""
        since = int(query.get("since", ["0"])[0])
        objects = [o for o in store.values() if o["version"] > since]
        if "includeTrashed" not in query or query["includeTrashed"][0] != "1":
            objects = [o for o in objects if not o.get("deleted")]  # trashed hidden unless includeTrashed=1
        if "itemKey" in query or "collectionKey" in query:
            keys = set((query.get("itemKey") or query.get("collectionKey"))[0].split(","))
            if len(keys) > 50:
                return "400 Bad Request", lmv, b"Too many keys"
            objects = [o for o in objects if o["key"] in keys]
        objects.sort(key=lambda o: o["key"])
        if query.get("format", ["json"])[0] == "versions":  # {"KEY": version} for all matches, no limit
            return "200 OK", lmv, json.dumps({o["key"]: o["version"] for o in objects}).encode()
        limit = min(int(query.get("limit", ["25"])[0]), 100)  # default 25, max 100
        start = int(query.get("start", ["0"])[0])
        page = objects[start : start + limit]
        headers = {**lmv, "Total-Results": str(len(objects))}
        if start + limit < len(objects):
            qs = "&".join(f"{k}={v[0]}" for k, v in query.items() if k != "start")
            headers["Link"] = f'<{environ.get("PATH_INFO")}?{qs}&start={start + limit}>; rel="next"'
        body = [
            {
                "key": o["key"],
                "version": o["version"],
                "library": {"type": "group", "id": self.group_id},
                "meta": self.meta.get(o["key"], {}),
                "data": o,
            }
            for o in page
        ]
        return "200 OK", headers, json.dumps(body).encode()

    # -- writes -------------------------------------------------------------------------------

    def write(self, rest: str, environ: dict) -> tuple[str, dict[str, str], bytes]:
        store = {"/items": self.items, "/collections": self.collections}.get(rest)
        if store is None:
            return "404 Not Found", {}, b"Not found"
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            objects = json.loads(environ["wsgi.input"].read(length) or b"null")
        except json.JSONDecodeError:
            return "400 Bad Request", {}, b"Invalid JSON"
        if not isinstance(objects, list):
            return "400 Bad Request", {}, b"Body must be a JSON array"
        if len(objects) > 50:  # a JSON array of at most 50 objects; more: 413 for the whole request
            return "413 Request Entity Too Large", {}, b"Only 50 objects can be written at a time"
        lmv = {"Last-Modified-Version": str(self.version)}
        iusv = environ.get("HTTP_IF_UNMODIFIED_SINCE_VERSION")
        if iusv is not None and int(iusv) != self.version:  # library changed since N: 412, whole request
            return "412 Precondition Failed", lmv, b"Library has been modified since the specified version"
        token = environ.get("HTTP_ZOTERO_WRITE_TOKEN")
        if token is not None:
            if not 5 <= len(token) <= 32:
                return "400 Bad Request", lmv, b"Invalid write token"
            if token in self.write_tokens:  # reuse answers 412 "Write token already used"
                return "412 Precondition Failed", lmv, b"Write token already used"
        report: dict[str, dict] = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
        for index, obj in enumerate(objects):
            code, message, result = self.write_one(store, obj, iusv is not None, rest == "/items")
            i = str(index)
            if code == 200:
                report["successful"][i] = {"key": result["key"], "version": result["version"], "data": result}
                report["success"][i] = result["key"]
            elif code == 204:
                report["unchanged"][i] = result["key"]
            else:
                report["failed"][i] = {
                    "key": obj.get("key", "") if isinstance(obj, dict) else "",
                    "code": code,
                    "message": message,
                }
        if token is not None and not report["failed"]:
            self.write_tokens.add(token)  # remembered only after success
        return "200 OK", {"Last-Modified-Version": str(self.version)}, json.dumps(report).encode()

    def write_one(self, store: dict, obj: Any, has_iusv: bool, is_item: bool) -> tuple[int, str, dict]:
        if not isinstance(obj, dict):
            return 400, "Object must be a JSON object", {}
        key = obj.get("key")
        if key is not None and not KEY_RE.match(key):
            return 400, f"Invalid key '{key}'", {}
        existing = store.get(key) if key else None
        version = obj.get("version")
        if key is not None and version is None and not has_iusv:
            # A keyed object with neither a version nor If-Unmodified-Since-Version: 428.
            return 428, "Either a version or If-Unmodified-Since-Version must be provided", {}
        if existing is None:
            if key is not None and version not in (0, None):
                return 404, f"{'Item' if is_item else 'Collection'} doesn't exist", {}
        else:
            if version == 0:  # "version": 0 for a key that exists: 412 for that object
                return 412, f"{'Item' if is_item else 'Collection'} already exists", {}
            if version is not None and version != existing["version"]:
                return 412, f"{'Item' if is_item else 'Collection'} has been modified since version {version}", {}
        merged = copy.deepcopy(existing) if existing else {}
        merged.update({k: v for k, v in obj.items() if k != "version"})
        problem = self.validate(merged, is_item)
        if problem:
            return 400, problem, {}
        if existing is not None and {k: v for k, v in merged.items() if k != "version"} == {
            k: v for k, v in existing.items() if k != "version"
        }:
            return 204, "", existing
        if key is None:
            key = "".join(random.choice("23456789ABCDEFGHIJKLMNPQRSTUVWXYZ") for _ in range(8))
            merged["key"] = key
        self.version += 1  # each object in a batch gets its own version (since 2026)
        merged["version"] = self.version
        if is_item:
            merged.setdefault("tags", [])
            merged.setdefault("collections", [])
            merged.setdefault("relations", {})
        store[key] = merged
        if is_item:
            self._touch(key, "bibkit-bot")
        return 200, "", copy.deepcopy(merged)

    def validate(self, obj: dict, is_item: bool) -> str:
        if not is_item:
            if not obj.get("name"):
                return "Collection name cannot be empty"
            parent = obj.get("parentCollection", False)
            if parent not in (False, None) and parent not in self.collections:
                return f"Parent collection {parent} doesn't exist"
            return ""
        itype = obj.get("itemType")
        if itype not in FIELDS:
            return f"'{itype}' is not a valid itemType"
        for name in obj:
            if name not in ALWAYS and name not in FIELDS[itype]:
                return f"'{name}' is not a valid field for type '{itype}'"
        for c in obj.get("creators", []):
            if c.get("creatorType") not in CREATOR_TYPES:
                return f"'{c.get('creatorType')}' is not a valid creator type"
            if "name" in c and ("firstName" in c or "lastName" in c):
                return "'name' and 'firstName'/'lastName' cannot both be set"
        for t in obj.get("tags", []):
            if not isinstance(t, dict) or not t.get("tag"):
                return "Tag must be an object with a non-empty 'tag'"
        for coll in obj.get("collections", []):
            if coll not in self.collections:
                return f"Collection {coll} doesn't exist"
        if itype == "note" and obj.get("parentItem") and obj["parentItem"] not in self.items:
            return f"Parent item {obj['parentItem']} doesn't exist"
        return ""

    # -- transports -----------------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        return FaultyTransport(self)


class FaultyTransport(httpx.BaseTransport):
    """httpx transport onto the WSGI app that can drop a response after the write committed."""

    def __init__(self, server: ZoteroServer) -> None:
        self.server = server
        self.inner = httpx.WSGITransport(app=server)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.server.pending_drop:
            self.server.pending_drop = False
            raise httpx.ReadError("connection dropped after the write was committed", request=request)
        return response


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def serve(server: Callable, handler: type[WSGIRequestHandler] = _QuietHandler) -> tuple[str, Callable[[], None]]:
    """Serve a WSGI app on 127.0.0.1 (a free port) in a thread; returns (base URL, stop)."""
    httpd = make_server("127.0.0.1", 0, server, handler_class=handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        httpd.shutdown()
        httpd.server_close()

    return f"http://127.0.0.1:{httpd.server_port}", stop
