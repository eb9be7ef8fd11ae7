"""The Web API stand-in itself keeps the documented rules (so the sync tests mean something)."""

from __future__ import annotations

import json

import httpx
import pytest

from .zotero_server import ZoteroServer

KEY = "k-123"


@pytest.fixture()
def api():
    server = ZoteroServer(1, KEY)
    client = httpx.Client(
        transport=httpx.WSGITransport(app=server),
        base_url="http://z/groups/1",
        headers={"Zotero-API-Key": KEY, "Zotero-API-Version": "3"},
    )
    return server, client


def post(client: httpx.Client, what: str, objects, **headers: str) -> httpx.Response:
    return client.post(f"/{what}", content=json.dumps(objects), headers=headers)


def item(key: str, **fields) -> dict:
    return {"key": key, "itemType": "webpage", "title": f"T {key}", **fields}


def test_auth(api) -> None:
    server, client = api
    assert client.get("/items", headers={"Zotero-API-Key": "nope"}).status_code == 403
    bearer = httpx.Client(
        transport=httpx.WSGITransport(app=server),
        base_url="http://z/groups/1",
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert bearer.get("/items").status_code == 200
    server.write_access = False
    assert post(client, "items", [item("AAAAAAAA", version=0)]).text == "Write access denied"


def test_versions_and_preconditions(api) -> None:
    server, client = api
    r = post(
        client,
        "items",
        [item("AAAAAAAA", version=0), item("BBBBBBBB", version=0)],
        **{"If-Unmodified-Since-Version": "0"},
    )
    report = r.json()
    assert r.headers["Last-Modified-Version"] == "2"  # each object its own version
    assert report["successful"]["0"]["version"] == 1
    assert report["successful"]["1"]["version"] == 2
    stale = post(client, "items", [item("CCCCCCCC", version=0)], **{"If-Unmodified-Since-Version": "1"})
    assert stale.status_code == 412
    assert stale.headers["Last-Modified-Version"] == "2"
    again = post(client, "items", [item("AAAAAAAA", version=0)]).json()
    assert again["failed"]["0"]["code"] == 412  # "version": 0 for an existing key
    assert post(client, "items", [{"key": "AAAAAAAA", "title": "x"}]).json()["failed"]["0"]["code"] == 428
    old = post(client, "items", [{"key": "AAAAAAAA", "version": 5, "title": "x"}]).json()
    assert old["failed"]["0"]["code"] == 412  # stale object version
    same = post(client, "items", [{"key": "AAAAAAAA", "version": 1, "title": "T AAAAAAAA"}]).json()
    assert same["unchanged"] == {"0": "AAAAAAAA"}


def test_limits_and_validation(api) -> None:
    server, client = api
    keys = [f"AAAAAA{a}{b}" for a in "23456789" for b in "23456789"][:51]
    assert post(client, "items", [item(k, version=0) for k in keys]).status_code == 413
    bad = post(
        client,
        "items",
        [{"key": "DDDDDDDD", "version": 0, "itemType": "conferencePaper", "title": "x", "publicationTitle": "NeurIPS"}],
    ).json()
    assert bad["failed"]["0"]["code"] == 400
    assert "publicationTitle" in bad["failed"]["0"]["message"]
    assert post(client, "items", [item("badkey!!", version=0)]).json()["failed"]["0"]["code"] == 400
    token = {"Zotero-Write-Token": "abcdefgh"}
    assert post(client, "items", [item("EEEEEEEE", version=0)], **token).status_code == 200
    assert post(client, "items", [item("FFFFFFFF", version=0)], **token).status_code == 412


def test_reads_since_paging_and_not_modified(api) -> None:
    server, client = api
    for i in range(30):
        server.add_item(item("K" + "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"[i].rjust(7, "Z")))
    versions = client.get("/items", params={"format": "versions", "since": "10"}).json()
    assert len(versions) == 20
    assert min(versions.values()) == 11
    page = client.get("/items", params={"limit": "200"})
    assert len(page.json()) == 30  # limit is capped at 100
    first = client.get("/items", params={"limit": "25"})
    assert len(first.json()) == 25
    assert 'rel="next"' in first.headers["Link"]
    assert first.headers["Total-Results"] == "30"
    assert client.get("/items", headers={"If-Modified-Since-Version": "30"}).status_code == 304
    server.items["KZZZZZZ2"]["deleted"] = 1
    assert len(client.get("/items", params={"format": "versions"}).json()) == 29  # trashed hidden
    assert len(client.get("/items", params={"format": "versions", "includeTrashed": "1"}).json()) == 30


def test_faults(api) -> None:
    server, client = api
    server.faults.script = ["429", "503", "backoff"]
    server.faults.retry_after = "7"
    r1, r2, r3 = client.get("/items"), client.get("/items"), client.get("/items")
    assert (r1.status_code, r1.headers["Retry-After"]) == (429, "7")
    assert r2.status_code == 503
    assert (r3.status_code, r3.headers["Backoff"]) == (200, "7")
