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
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from ..http import HttpError, Requester
from .defaults import RETRY_BUDGET
from .types import ItemData, JSONObject, WriteReport

MAX_BATCH = 50  # the API takes at most 50 objects per write
MAX_KEYS_PER_READ = 50


class ZoteroError(HttpError):
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

    def changes_since(self, version: int, collections: bool = True) -> Changes | None:
        """What changed since version (None: nothing did). Trashed items included."""
        ...

    def get_items(self, keys: list[str]) -> list[ItemData]: ...

    def get_items_with_meta(self, keys: list[str]) -> list[tuple[ItemData, JSONObject]]: ...

    def deleted_since(self, version: int) -> list[str]: ...

    def write(self, what: str, objects: list[JSONObject], if_unmodified_since: int) -> WriteResult:
        """POST up to 50 objects to "items" or "collections"."""
        ...


@dataclass
class HttpGateway(Requester):
    """The Zotero calls over the shared HTTP layer (retries, Retry-After, Backoff, budget)."""

    name: str = "Zotero"
    budget: float = RETRY_BUDGET
    budget_hint: str = " (--retry-budget)"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: JSONObject | None = None,
        headers: JSONObject | None = None,
        body: list[JSONObject] | None = None,
    ) -> httpx.Response:
        # Retrying a write after a dropped connection is safe: creates carry "version": 0 and
        # updates their version, so nothing doubles.
        content = json.dumps(body).encode() if body is not None else None
        try:
            return self.request(method, path, params=params, headers=headers, content=content)
        except HttpError as exc:
            raise ZoteroError(str(exc)) from None

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code == 403:
            raise ZoteroError(f"{what}: access denied (check the API key's access to this group)")
        if response.status_code >= 400:
            raise ZoteroError(f"{what}: HTTP {response.status_code}: {response.text[:200]}")

    def changes_since(self, version: int, collections: bool = True) -> Changes | None:
        params = {"format": "versions", "since": str(version), "includeTrashed": "1"}
        response = self._request("GET", "/items", params=params, headers={"If-Modified-Since-Version": str(version)})
        if response.status_code == 304:
            return None
        self._check(response, "reading item versions")
        items = response.json()
        colls: dict[str, int] = {}
        if collections:
            answer = self._request("GET", "/collections", params={"format": "versions", "since": str(version)})
            self._check(answer, "reading collection versions")
            colls = answer.json()
        return Changes(int(response.headers.get("Last-Modified-Version", version)), items, colls)

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

    def get_items_with_meta(self, keys: list[str]) -> list[tuple[ItemData, JSONObject]]:
        """Items with their ``meta`` (``lastModifiedByUser``: who changed them last)."""
        out: list[tuple[ItemData, JSONObject]] = []
        for i in range(0, len(keys), MAX_KEYS_PER_READ):
            params = {"itemKey": ",".join(keys[i : i + MAX_KEYS_PER_READ]), "includeTrashed": "1", "limit": "100"}
            response = self._request("GET", "/items", params=params)
            self._check(response, "reading /items")
            out.extend((obj["data"], obj.get("meta", {})) for obj in response.json())
        return out

    def deleted_since(self, version: int) -> list[str]:
        """Keys of items deleted for good (not trashed) since the version."""
        response = self._request("GET", "/deleted", params={"since": str(version)})
        self._check(response, "reading /deleted")
        return list(response.json().get("items", []))

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
