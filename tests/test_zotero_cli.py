"""`bibkit sync` end to end: the command line against the stand-in served on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import build_project, invoke, make_project
from .zotero_server import ZoteroServer, serve

KEY = "sekrit-test-key-4711"


@pytest.fixture()
def served():
    server = ZoteroServer(4242, KEY)
    url, stop = serve(server)
    yield server, url
    stop()


run = invoke


def test_offline_dry_run_of_any_bib_file(tmp_path: Path) -> None:
    bib = tmp_path / "thesis.bib"
    bib.write_text(
        "@inproceedings{devlin2019bert, title = {{BERT}: Pre-training}, author = {Devlin, Jacob and "
        "Chang, Ming-Wei}, booktitle = {NAACL}, year = {2019}, keywords = {Models/Encoders}}\n",
        "utf-8",
    )
    result = run(["sync", "--dry-run", "--json", str(bib)], tmp_path, env={"ZOTERO_API_KEY": ""})
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    (item,) = plan["items_to_create"]
    assert item["itemType"] == "conferencePaper"
    assert item["proceedingsTitle"] == "NAACL"
    assert item["citationKey"] == "devlin2019bert"
    assert item["title"] == "BERT: Pre-training"
    assert [c["name"] for c in plan["collections_to_create"]] == ["thesis", "Models", "Encoders"]


def test_missing_group_and_missing_key_are_clear_errors(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{a, title = {A}}\n", "utf-8")
    no_group = run(["sync", str(bib)], tmp_path, env={"ZOTERO_API_KEY": KEY})
    assert no_group.exit_code != 0
    assert "--group" in no_group.stderr
    no_key = run(["sync", str(bib), "--group", "1"], tmp_path, env={"ZOTERO_API_KEY": ""})
    assert no_key.exit_code != 0
    assert "ZOTERO_API_KEY" in no_key.stderr


def test_key_in_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bibkit.toml").write_text("[zotero]\ngroup = 1\napi_key = 'abc'\n", "utf-8")
    result = run(["sync", "--dry-run"], tmp_path)
    assert result.exit_code != 0
    assert "api_key is not allowed" in result.stderr
    assert "abc" not in result.output


def test_sync_the_project_twice_over_http(tmp_path: Path, served) -> None:
    server, url = served
    project = make_project(tmp_path)
    build_project(project)
    env = {"ZOTERO_API_KEY": KEY, "ZOTERO_API_URL": url}
    first = run(["sync", "--group", "4242", "--json"], project, env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["ok"]
    assert len(report["created"]) > 400
    assert KEY not in first.output
    assert KEY not in (project / "bib" / ".zotero-sync-4242.json").read_text()
    second = run(["sync", "--group", "4242"], project, env=env)
    assert second.exit_code == 0
    assert "create 0, update 0" in second.stdout
    assert "1 requests" in second.stdout
    assert KEY not in second.output


def test_wrong_key_is_reported_without_the_key(tmp_path: Path, served) -> None:
    server, url = served
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{a, title = {A}, year = {2020}}\n", "utf-8")
    wrong = "wrong-key-0815"
    result = run(["sync", str(bib), "--group", "4242", "--endpoint", url], tmp_path, env={"ZOTERO_API_KEY": wrong})
    assert result.exit_code != 0
    assert "access denied" in result.stderr
    assert wrong not in result.output


# --- unreachable, malformed and failing endpoints: fast, clear, bounded --------------------------


def _bib(tmp_path: Path) -> Path:
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{k, author = {A, B}, title = {A Title}, year = {2020}}\n", "utf-8")
    return bib


def test_an_unreachable_endpoint_fails_at_once(tmp_path: Path) -> None:
    import socket
    import time

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.monotonic()
    result = run(
        ["sync", str(_bib(tmp_path)), "--group", "4242", "--endpoint", f"http://127.0.0.1:{port}"],
        tmp_path,
        env={"ZOTERO_API_KEY": KEY},
    )
    assert result.exit_code == 1
    assert time.monotonic() - start < 5
    assert f"cannot connect to Zotero at http://127.0.0.1:{port}: connection refused" in result.stderr


@pytest.mark.parametrize("endpoint", ["not a url", "ftp://example.org", "http://"])
def test_a_malformed_endpoint_is_refused_before_any_request(tmp_path: Path, endpoint: str) -> None:
    result = run(
        ["sync", str(_bib(tmp_path)), "--group", "4242", "--endpoint", endpoint], tmp_path, env={"ZOTERO_API_KEY": KEY}
    )
    assert result.exit_code == 1
    assert "is not a URL" in result.stderr


def test_server_errors_are_retried_visibly_within_the_budget(tmp_path: Path, served) -> None:
    import time

    server, url = served
    server.faults.script = ["500"] * 100
    start = time.monotonic()
    result = run(
        ["sync", str(_bib(tmp_path)), "--group", "4242", "--endpoint", url, "--retry-budget", "2", "--verbose"],
        tmp_path,
        env={"ZOTERO_API_KEY": KEY},
    )
    elapsed = time.monotonic() - start
    assert result.exit_code == 1
    assert elapsed < 6
    assert "HTTP 500 from the server; retrying in" in result.stderr
    assert "(attempt 2)" in result.stderr
    assert "gave up after" in result.stderr
    assert "the retry budget is 2 s (--retry-budget)" in result.stderr
    assert KEY not in result.stderr + result.stdout
    assert server.faults.fired.count("500") >= 2


def test_every_zotero_import_case_syncs_to_a_group_the_api_accepts(tmp_path: Path, served) -> None:
    """Zotero's own BibTeX import cases, pushed for real: the stand-in checks every field against
    its item type as the Web API does, so a work type whose fields the table gets wrong fails here."""
    from .zotero_cases import load_cases

    server, url = served
    for i, case in enumerate(load_cases()):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        bib = folder / f"case{i}.bib"
        # Cases 11 and 12 share a key; in one group they would be one item. Keys get the case's number.
        bib.write_text(
            re.sub(r"(@\s*(?!string)\w+\s*[{(]\s*)([^,\s]+,)", rf"\1c{i}-\2", case["input"], flags=re.I), "utf-8"
        )
        result = run(
            ["sync", str(bib), "--group", "4242", "--endpoint", url, "--json"], folder, env={"ZOTERO_API_KEY": KEY}
        )
        assert result.exit_code == 0, (i, result.output)
        assert json.loads(result.stdout)["failed"] == [], i
    types = {item["itemType"] for item in server.live_items()}
    assert {"document", "thesis", "report", "bookSection", "webpage", "conferencePaper", "book"} <= types
