"""bibkit sync against the local Zotero Web API stand-in (tests/zotero_server.py)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from bibkit.model import Identifiers, Kind, Person, Record, Source, Venue, VenueKind
from bibkit.zotero.gateway import HttpGateway, ZoteroError
from bibkit.zotero.mapping import MARKER_TAG, collection_key, item_key, note_key, to_item
from bibkit.zotero.pyzotero_gateway import connect
from bibkit.zotero.sync import SyncState, desired_state, sync

from .zotero_server import FIELDS, Faults, ZoteroServer

GROUP = 123456
KEY = "sekrit-test-key"


def gateway_for(server: ZoteroServer) -> HttpGateway:
    gw = connect(GROUP, KEY, "http://zotero.test", transport=server.transport())
    gw.sleep = lambda seconds: None  # Retry-After and Backoff are honoured, in no time
    return gw


def rec(
    key: str,
    title: str,
    line: int,
    *,
    path: tuple[str, ...] = ("A",),
    list_name: str = "L",
    kind: Kind = Kind.PAPER,
    venue: Venue | None = None,
    notes: tuple[str, ...] = (),
    **ids: str,
) -> Record:
    return Record(
        kind=kind,
        title=title,
        sources=(Source("l.md", line, list_name),),
        categories=(path,),
        authors=(Person(last="Vaswani", first="Ashish"), Person(last="Google", literal=True)),
        year=2017,
        venue=venue,
        ids=Identifiers(**ids),
        key=key,
        notes=notes,
        url=f"https://arxiv.org/abs/{ids['arxiv']}" if "arxiv" in ids else "",
    )


NEURIPS = Venue(
    "NeurIPS",
    "Advances in Neural Information Processing Systems 30",
    VenueKind.CONFERENCE,
    2017,
    publisher="Curran Associates, Inc.",
)


def sample(n: int = 5) -> list[Record]:
    out = [
        rec(
            "vaswani2017attention",
            "Attention is All you Need",
            1,
            venue=NEURIPS,
            arxiv="1706.03762",
            path=("Transformer", "Papers"),
            notes=("Read this first.",),
        )
    ]
    out += [
        rec(f"paper{i}", f"Paper number {i}", 10 + i, arxiv=f"2001.{i:05d}", path=("A", f"S{i % 2}"))
        for i in range(n - 1)
    ]
    return out


# --- mapping -------------------------------------------------------------------------------------


def test_conference_paper_mapping() -> None:
    mapped = to_item(sample()[0])
    item = mapped.item
    assert item["itemType"] == "conferencePaper"
    assert item["proceedingsTitle"] == "Advances in Neural Information Processing Systems 30"
    assert "publicationTitle" not in item
    assert item["citationKey"] == "vaswani2017attention"
    assert item["extra"] == "Citation Key: vaswani2017attention\narXiv: 1706.03762"
    assert item["creators"] == [
        {"creatorType": "author", "firstName": "Ashish", "lastName": "Vaswani"},
        {"creatorType": "author", "name": "Google"},
    ]
    assert item["key"] == item_key("vaswani2017attention")
    assert len(item["key"]) == 8
    assert {"tag": MARKER_TAG, "type": 1} in item["tags"]
    assert {"tag": "Transformer/Papers", "type": 1} in item["tags"]
    assert item["collections"] == [collection_key(("L", "Transformer", "Papers"))]
    assert mapped.note is not None
    assert mapped.note["parentItem"] == item["key"]
    assert mapped.note["key"] == note_key("vaswani2017attention")


def test_preprint_repository_and_post_mapping() -> None:
    preprint = to_item(sample()[1]).item
    assert preprint["itemType"] == "preprint"
    assert preprint["repository"] == "arXiv"
    assert preprint["archiveID"] == "arXiv:2001.00000"
    # The arXiv id of a preprint lives in archiveID; `extra` carries it only for a published paper.
    assert not [line for line in preprint["extra"].splitlines() if line.startswith("arXiv:")]
    repo = to_item(
        replace(sample()[1], kind=Kind.REPOSITORY, site="github.com", url="https://github.com/a/b", ids=Identifiers())
    ).item
    assert repo["itemType"] == "computerProgram"
    assert repo["company"] == "GitHub"
    assert {c["creatorType"] for c in repo["creators"]} == {"programmer"}
    post = to_item(replace(sample()[1], kind=Kind.ARTICLE, site="Zhihu", ids=Identifiers(), title="中文标题")).item
    assert post["itemType"] == "blogPost"
    assert post["blogTitle"] == "Zhihu"
    assert post["language"] == "zh"


def test_every_mapped_field_is_valid_for_its_type(shipped) -> None:
    _, result = shipped
    for record in result.records:
        item = to_item(record).item
        allowed = FIELDS[item["itemType"]] | {"key", "itemType", "tags", "collections"}
        assert set(item) <= allowed, (record.key, set(item) - allowed)


# --- sync ---------------------------------------------------------------------------------------


def test_first_sync_creates_everything_once(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    records = sample(60)
    state_path = tmp_path / "state.json"
    report = sync(records, gateway_for(server), SyncState(GROUP), state_path=state_path)
    assert report.ok
    assert len(report.created) == 60
    assert report.notes_created == 1
    regular = server.live_items()
    assert len([i for i in regular if i["itemType"] != "note"]) == 60
    assert {c["name"] for c in server.collections.values()} == {"L", "Transformer", "Papers", "A", "S0", "S1"}
    _, collections = desired_state(records)
    # ceil(items/50) + ceil(collections/50) + notes batch + 1 read
    assert report.requests <= math.ceil(61 / 50) + math.ceil(len(collections) / 50) + 5
    assert state_path.exists()
    assert KEY not in state_path.read_text()


def test_resync_with_nothing_changed_costs_one_request(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    state_path = tmp_path / "state.json"
    sync(sample(), gateway_for(server), SyncState(GROUP), state_path=state_path)
    gw = gateway_for(server)
    report = sync(sample(), gw, SyncState.load(state_path, GROUP), state_path=state_path)
    assert report.ok
    assert report.created == []
    assert report.updated == []
    assert report.unchanged == 5
    assert gw.requests <= 2


def test_changed_entries_are_updated_incrementally(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    state_path = tmp_path / "state.json"
    records = sample(30)
    sync(records, gateway_for(server), SyncState(GROUP), state_path=state_path)
    changed = [replace(r, title=r.title + " (revised)") if i < 10 else r for i, r in enumerate(records)]
    gw = gateway_for(server)
    report = sync(changed, gw, SyncState.load(state_path, GROUP), state_path=state_path)
    assert len(report.updated) == 10
    assert report.unchanged == 20
    assert gw.requests <= 3 + math.ceil(10 / 50)
    assert server.items[item_key("paper0")]["title"] == "Paper number 0 (revised)"


def test_colleagues_tag_and_note_survive_and_their_field_edit_is_a_conflict(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    state_path = tmp_path / "state.json"
    records = sample()
    sync(records, gateway_for(server), SyncState(GROUP), state_path=state_path)
    key = item_key("paper1")
    server.edit_item(key, tags=server.items[key]["tags"] + [{"tag": "to-read", "type": 0}])
    server.add_item({"key": "NOTE2345", "itemType": "note", "parentItem": key, "note": "<p>mine</p>"})
    server.edit_item(item_key("paper2"), title="Paper Number 2, Corrected")
    changed = [replace(r, title="Paper number 2 (list edit)") if r.key == "paper2" else r for r in records]
    changed = [replace(r, categories=(("A", "Moved"),)) if r.key == "paper1" else r for r in changed]
    report = sync(changed, gateway_for(server), SyncState.load(state_path, GROUP), state_path=state_path)
    tags = [t["tag"] for t in server.items[key]["tags"]]
    assert "to-read" in tags
    assert "A/Moved" in tags
    assert "A/S1" not in tags
    assert "NOTE2345" in server.items
    assert [c["citation_key"] for c in report.conflicts] == ["paper2"]
    assert report.conflicts[0]["fields"] == ["title"]
    assert server.items[item_key("paper2")]["title"] == "Paper Number 2, Corrected"
    forced = sync(changed, gateway_for(server), SyncState.load(state_path, GROUP), state_path=state_path, force=True)
    assert forced.conflicts == []
    assert server.items[item_key("paper2")]["title"] == "Paper number 2 (list edit)"


def test_items_bibkit_did_not_create_are_never_touched_and_prune_only_trashes_its_own(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    other = server.add_item({"key": "ABCDEFGH", "itemType": "webpage", "title": "A colleague's page", "creators": []})
    state_path = tmp_path / "state.json"
    records = sample()
    sync(records, gateway_for(server), SyncState(GROUP), state_path=state_path)
    report = sync(
        records[:3], gateway_for(server), SyncState.load(state_path, GROUP), state_path=state_path, prune=True
    )
    assert sorted(report.trashed) == ["paper2", "paper3"]
    assert server.items[item_key("paper2")]["deleted"] == 1 and item_key("paper2") in server.items  # trash only
    assert server.items["ABCDEFGH"] == other


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    report = sync(sample(), gateway_for(server), SyncState(GROUP), dry_run=True)
    assert len(report.plan.of("create")) == 5
    assert len(report.plan.collections) == 6
    assert server.items == {}
    assert server.collections == {}
    assert server.version == 0
    assert all(method == "GET" for method, _ in server.requests)


def test_retried_create_after_a_dropped_response_makes_no_duplicate(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    # collections write succeeds, then the first items write commits but its response is lost
    server.faults.script = [None, None, "drop"]
    report = sync(sample(), gateway_for(server), SyncState(GROUP), state_path=tmp_path / "s.json")
    assert report.ok
    assert server.faults.fired == ["drop"]
    titles = [i["title"] for i in server.live_items() if i["itemType"] != "note"]
    assert sorted(titles) == sorted(r.title for r in sample())


def test_rate_limits_and_backoff_are_honoured() -> None:
    server = ZoteroServer(GROUP, KEY)
    server.faults.script = ["429", "503", "backoff", "429"]
    server.faults.retry_after = "2"
    waits: list[float] = []
    gw = gateway_for(server)
    gw.sleep = waits.append
    report = sync(sample(), gw, SyncState(GROUP))
    assert report.ok
    assert waits.count(2.0) >= 3
    assert len([i for i in server.live_items() if i["itemType"] != "note"]) == 5


def test_a_concurrent_writer_between_batches_is_handled(tmp_path: Path) -> None:
    server = ZoteroServer(GROUP, KEY)
    server.faults.concurrent_edits = 3
    report = sync(sample(120), gateway_for(server), SyncState(GROUP), state_path=tmp_path / "s.json")
    assert report.ok
    assert report.rounds > 1
    ours = [i for i in server.live_items() if MARKER_TAG in [t["tag"] for t in i["tags"]] and i["itemType"] != "note"]
    assert len(ours) == 120


@pytest.mark.parametrize("seed", range(1, 7))
def test_shipped_bibliography_under_random_faults_converges(tmp_path: Path, shipped, seed: int) -> None:
    _, result = shipped
    records = result.records
    server = ZoteroServer(GROUP, KEY)
    foreign = server.add_item({"key": "ZZZZZZZZ", "itemType": "webpage", "title": "not ours", "creators": []})
    server.faults = Faults(rate=0.2, seed=seed, concurrent_edits=2)
    state_path = tmp_path / "state.json"
    for _attempt in range(10):
        try:
            report = sync(records, gateway_for(server), SyncState.load(state_path, GROUP), state_path=state_path)
        except ZoteroError:  # a run may give up after retries; the user re-runs it
            continue
        if report.ok and not report.plan.writes:
            break
        if report.ok:
            server.faults.rate = 0.0
    else:
        pytest.fail("did not converge")
    server.faults.rate = 0.0
    final = sync(records, gateway_for(server), SyncState.load(state_path, GROUP), state_path=state_path)
    assert final.ok
    assert final.created == []
    assert final.updated == []
    items = [i for i in server.live_items() if i["itemType"] != "note" and MARKER_TAG in [t["tag"] for t in i["tags"]]]
    assert len(items) == len(records), "exactly one item per entry"
    assert sorted(i["citationKey"] for i in items) == sorted(r.key for r in records)
    names = [(c["name"], c.get("parentCollection")) for c in server.collections.values()]
    assert len(names) == len(set(names)), "every collection once"
    mapped = {m.item["key"]: m.item for m in desired_state(records)[0]}
    for item in items:
        assert set(mapped[item["key"]]["collections"]) <= set(item["collections"])
    assert server.items["ZZZZZZZZ"] == foreign, "no other item touched"
    assert server.faults.fired, "faults were injected"


FOREIGN_BIB = r"""
@article{smith2020x, author = {Smith, Jane and {OpenAI}}, title = {A {J}ournal Paper}, journal = {TACL},
  volume = {8}, number = {2}, pages = {1--10}, year = {2020}, month = mar, doi = {10.1162/X}, abstract = {We show.},
  language = {english}, keywords = {Survey/Old, Reading}}
@phdthesis{doe2019t, author = {Doe, John}, title = {A Thesis}, school = {MIT}, year = {2019}}
@book{roe2018b, author = {Roe, R.}, title = {A Book}, publisher = {Springer}, address = {Berlin}, year = {2018}}
@incollection{poe2017c, author = {Poe, E.}, title = {A Chapter}, booktitle = {The Collected Volume}, year = {2017}}
@techreport{tr2016, author = {Lee, K.}, title = {A Report}, institution = {Stanford University}, year = {2016}}
@misc{arx2021, author = {Kim, Y.}, title = {A Preprint}, eprint = {2101.00001}, archivePrefix = {arXiv}, year = {2021}}
"""


def test_a_bib_bibkit_did_not_write_maps_as_a_zotero_import_would() -> None:
    from bibkit.sources.bibfile import read_bib

    bib = read_bib(FOREIGN_BIB, "thesis.bib", with_authors=True, list_name="thesis")
    items = {it.key: to_item(it.record).item for it in bib.items}
    art = items["smith2020x"]
    assert art["itemType"] == "journalArticle"
    assert art["publicationTitle"] == "TACL"
    assert (art["volume"], art["issue"], art["pages"], art["date"]) == ("8", "2", "1\u201310", "2020-03")
    assert art["DOI"] == "10.1162/X", "a DOI keeps the case it was written in"
    assert art["abstractNote"] == "We show."
    assert art["language"] == "english"
    assert art["creators"][1] == {"creatorType": "author", "name": "OpenAI"}
    assert art["title"] == "A Journal Paper"
    assert {"tag": "Survey/Old", "type": 1} in art["tags"]
    assert {"tag": "Reading", "type": 1} in art["tags"]
    assert len(art["collections"]) == 2
    assert art["citationKey"] == "smith2020x"
    assert items["doe2019t"]["itemType"] == "thesis"
    assert items["doe2019t"]["university"] == "MIT"
    book = items["roe2018b"]
    assert (book["itemType"], book["publisher"], book["place"]) == ("book", "Springer", "Berlin")
    assert items["poe2017c"]["itemType"] == "bookSection"
    assert items["poe2017c"]["bookTitle"] == "The Collected Volume"
    assert items["tr2016"]["itemType"] == "report"
    assert items["tr2016"]["institution"] == "Stanford University"
    pre = items["arx2021"]
    assert pre["itemType"] == "preprint"
    assert pre["archiveID"] == "arXiv:2101.00001"
    for item in items.values():
        assert set(item) <= FIELDS[item["itemType"]] | {"key", "itemType", "tags", "collections"}
