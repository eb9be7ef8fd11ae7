"""The few Zotero Web API calls a sync needs, behind a small interface.

``Gateway`` is what the sync engine sees.  ``HttpGateway`` implements it over an httpx
client (the one pyzotero configures, see pyzotero_gateway.py) and adds what pyzotero
lacks: client-chosen keys with ``"version": 0`` instead of per-call write tokens,
``If-Unmodified-Since-Version`` per batch with the version taken from each response,
429/503 with ``Retry-After``, the ``Backoff`` header, bounded retries with jitter, and
write reports read object by object.  The API key lives only in the client's headers: it
is never part of a message, an exception or a log line made here.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from ..model import BibkitError
from .defaults import RETRY_BUDGET
from .types import ItemData, JSONObject, WriteReport

MAX_BATCH = 50  # the API takes at most 50 objects per write
MAX_KEYS_PER_READ = 50
MAX_ATTEMPTS = 8


class ZoteroError(BibkitError):
    """A request failed for good (after retries), or the server refused it."""


class PreconditionFailed(ZoteroError):
    """412 on a write: the library changed since the version given."""

    def __init__(self, version: int) -> None:
        super().__init__(f"library changed (now at version {version})")
        self.version = version


@dataclass
class WriteResult:
    version: int  # Last-Modified-Version after the write
    successful: dict[int, JSONObject] = field(default_factory=dict)  # index -> object (with its new version)
    unchanged: dict[int, str] = field(default_factory=dict)  # index -> key
    failed: dict[int, tuple[int, str]] = field(default_factory=dict)  # index -> (code, message)


@dataclass
class Changes:
    version: int
    items: dict[str, int]  # key -> version, for items changed since
    collections: dict[str, int]


class Gateway(Protocol):
    requests: int

    def changes_since(self, version: int) -> Changes | None:
        """What changed since version (None: nothing did). Trashed items included."""
        ...

    def get_items(self, keys: list[str]) -> list[ItemData]: ...

    def write(self, what: str, objects: list[JSONObject], if_unmodified_since: int) -> WriteResult:
        """POST up to 50 objects to "items" or "collections"."""
        ...


@dataclass
class HttpGateway:
    client: httpx.Client
    base: str  # e.g. https://api.zotero.org/groups/123456
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    requests: int = 0
    backoff_until: float = 0.0
    budget: float = RETRY_BUDGET  # seconds one request may spend waiting to retry, in all
    on_retry: Callable[[str, float, float], None] | None = None  # (problem, wait, budget left after it)
    on_attempt: Callable[[str], None] | None = None  # each request, for --verbose

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: JSONObject | None = None,
        headers: JSONObject | None = None,
        body: list[JSONObject] | None = None,
    ) -> httpx.Response:
        """One request, retried while the server is busy or a connection drops mid-way, within the
        retry budget. A server that cannot be reached at all (refused, unknown host, no such
        protocol) fails at once: waiting does not make it appear."""
        started = self.clock()
        problem = ""
        for attempt in range(MAX_ATTEMPTS):
            wait = self.backoff_until - self.clock()
            if wait > 0:
                self.sleep(wait)  # a Backoff header asked for a pause before the next request
            self.requests += 1
            if self.on_attempt:
                self.on_attempt(f"{method} {path} (attempt {attempt + 1})")
            try:
                response = self.client.request(
                    method,
                    self.base + path,
                    params=params,
                    headers=headers,
                    content=json.dumps(body).encode() if body is not None else None,
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
                raise ZoteroError(f"cannot connect to {_origin(self.base)}: {_reason(exc)}") from None
            except httpx.TransportError as exc:
                # A dropped connection: the server may or may not have applied a write. Retrying is
                # safe: creates carry "version": 0 and updates their version, so nothing doubles.
                problem = f"network error: {type(exc).__name__}"
                wait = self._delay(attempt, None)
            else:
                backoff = response.headers.get("Backoff")
                if backoff:
                    self.backoff_until = self.clock() + _seconds(backoff)
                if response.status_code not in (429, 500, 502, 503, 504):
                    return response
                problem = f"HTTP {response.status_code}"
                wait = self._delay(attempt, response.headers.get("Retry-After"))
            spent = self.clock() - started
            if spent + wait > self.budget:
                raise ZoteroError(
                    f"{method} {path}: gave up after {attempt + 1} attempt(s) in {spent:.0f} s "
                    f"({problem}); the retry budget is {self.budget:g} s (--retry-budget)"
                )
            if self.on_retry:
                self.on_retry(problem, wait, self.budget - spent - wait)
            self.sleep(wait)
        raise ZoteroError(f"{method} {path}: gave up after {MAX_ATTEMPTS} attempts ({problem})")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            return _seconds(retry_after)
        return min(60.0, 2.0**attempt) * (0.5 + self.rng.random() / 2)  # exponential, with jitter

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code == 403:
            raise ZoteroError(f"{what}: access denied (check the API key's access to this group)")
        if response.status_code >= 400:
            raise ZoteroError(f"{what}: HTTP {response.status_code}: {response.text[:200]}")

    def changes_since(self, version: int) -> Changes | None:
        params = {"format": "versions", "since": str(version), "includeTrashed": "1"}
        response = self._request("GET", "/items", params=params, headers={"If-Modified-Since-Version": str(version)})
        if response.status_code == 304:
            return None
        self._check(response, "reading item versions")
        items = response.json()
        colls = self._request("GET", "/collections", params={"format": "versions", "since": str(version)})
        self._check(colls, "reading collection versions")
        return Changes(int(response.headers.get("Last-Modified-Version", version)), items, colls.json())

    def _get(self, path: str, key_param: str, keys: list[str]) -> list[JSONObject]:
        out: list[JSONObject] = []
        for i in range(0, len(keys), MAX_KEYS_PER_READ):
            chunk = keys[i : i + MAX_KEYS_PER_READ]
            params = {key_param: ",".join(chunk), "includeTrashed": "1", "limit": "100", "format": "json"}
            response = self._request("GET", path, params=params)
            self._check(response, f"reading {path}")
            out.extend(obj["data"] for obj in response.json())
        return out

    def get_items(self, keys: list[str]) -> list[ItemData]:
        return self._get("/items", "itemKey", keys)

    def write(self, what: str, objects: list[JSONObject], if_unmodified_since: int) -> WriteResult:
        assert len(objects) <= MAX_BATCH
        response = self._request(
            "POST",
            f"/{what}",
            body=objects,
            headers={"If-Unmodified-Since-Version": str(if_unmodified_since), "Content-Type": "application/json"},
        )
        version = int(response.headers.get("Last-Modified-Version", if_unmodified_since))
        if response.status_code == 412:
            raise PreconditionFailed(version)
        self._check(response, f"writing {what}")
        report: WriteReport = response.json()
        result = WriteResult(version)
        for index, obj in report.get("successful", {}).items():
            result.successful[int(index)] = obj.get("data", obj)
        for index, key in report.get("unchanged", {}).items():
            result.unchanged[int(index)] = key
        for index, failure in report.get("failed", {}).items():
            result.failed[int(index)] = (int(failure.get("code", 0)), str(failure.get("message", "")))
        return result


def _origin(base: str) -> str:
    url = httpx.URL(base)
    return f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return "unknown host"
    return text


def _seconds(value: str) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0
