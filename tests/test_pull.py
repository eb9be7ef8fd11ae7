"""`bibkit pull`: what colleagues do in the Zotero group comes back to the lists, against the Web
API stand-in served on 127.0.0.1."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.model import Person
from bibkit.sources.markdown import read_list_text
from bibkit.sources.markdown.write import NewEntry, detect_style, render_line
from bibkit.zotero.mapping import collection_key

from .conftest import invoke
from .zotero_server import ZoteroServer, serve

KEY = "pull-test-key-1234"
GROUP = 4343
LIST = """# Reading list

## Attention

- **Attention Is All You Need**. *Ashish Vaswani, Noam Shazeer*. (NeurIPS 2017) [[paper]](https://arxiv.org/abs/1706.03762)
- **Reformer: The Efficient Transformer**. *Nikita Kitaev, Lukasz Kaiser*. (ICLR 2020) [[paper]](https://openreview.net/forum?id=rkgNKkHtvB)

## Tools

- [Hugging Face Transformers](https://github.com/huggingface/transformers)
- [The Annotated Transformer](http://nlp.seas.harvard.edu/2018/04/03/attention.html)
"""


@pytest.fixture()
def served():
    server = ZoteroServer(GROUP, KEY)
    url, stop = serve(server)
    yield server, url
    stop()


def run(args: list[str], cwd: Path, url: str):  # type: ignore[no-untyped-def]
    return invoke(args, cwd, {"ZOTERO_API_KEY": KEY, "ZOTERO_API_URL": url})


def project(tmp_path: Path) -> Path:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "reading.md").write_text(LIST, "utf-8")
    (tmp_path / "bibkit.toml").write_text(
        f'[[lists]]\npath = "lists/reading.md"\nname = "Reading"\n\n[zotero]\ngroup = {GROUP}\n', "utf-8"
    )
    return tmp_path


def synced(tmp_path: Path, server: ZoteroServer, url: str) -> dict[str, dict]:
    root = project(tmp_path)
    assert run(["build"], root, url).exit_code == 0
    result = run(["sync", "--json"], root, url)
    assert result.exit_code == 0, result.output
    return {item["citationKey"]: item for item in server.live_items() if item.get("citationKey")}


def colleague_works(server: ZoteroServer, items: dict[str, dict]) -> None:
    """Three new items in two heading collections, a title and a name corrected, one item trashed."""
    attention = collection_key(("Reading", "Attention"))
    tools = collection_key(("Reading", "Tools"))
    server.add_item(
        {
            "key": "NEWDOI22",
            "itemType": "journalArticle",
            "title": "Long Short-Term Memory",
            "creators": [
                {"creatorType": "author", "firstName": "Sepp", "lastName": "Hochreiter"},
                {"creatorType": "author", "firstName": "Jürgen", "lastName": "Schmidhuber"},
            ],
            "publicationTitle": "Neural Computation",
            "date": "1997",
            "DOI": "10.1162/neco.1997.9.8.1735",
            "collections": [attention],
        },
        user="alice",
    )
    server.add_item(
        {
            "key": "NEWARX33",
            "itemType": "preprint",
            "title": "Longformer: The Long-Document Transformer",
            "creators": [{"creatorType": "author", "firstName": "Iz", "lastName": "Beltagy"}],
            "date": "2020",
            "url": "https://arxiv.org/abs/2004.05150",
            "archiveID": "arXiv:2004.05150",
            "collections": [attention],
        },
        user="alice",
    )
    server.add_item(
        {
            "key": "NEWWEB44",
            "itemType": "webpage",
            "title": "The Illustrated Transformer",
            "url": "https://jalammar.github.io/illustrated-transformer/",
            "websiteTitle": "Jay Alammar",
            "collections": [tools],
        },
        user="bob",
    )
    vaswani = items["vaswani2017attention"]
    server.edit_item(vaswani["key"], user="carol", title="Attention is All you Need")
    kitaev = items["kitaev2020reformer"]
    creators = [dict(c) for c in kitaev["creators"]]
    creators[1] = {"creatorType": "author", "firstName": "Łukasz", "lastName": "Kaiser"}
    server.edit_item(kitaev["key"], user="dave", creators=creators)
    server.edit_item(kitaev["key"], user="dave", tags=kitaev["tags"] + [{"tag": "to-read", "type": 0}])
    annotated = next(i for k, i in items.items() if "annotated" in k)
    server.edit_item(annotated["key"], user="bob", deleted=1)


def test_pull_brings_the_groups_work_back_and_the_round_trip_is_a_fixed_point(tmp_path: Path, served) -> None:
    server, url = served
    items = synced(tmp_path, server, url)
    root = tmp_path
    colleague_works(server, items)
    before = (root / "lists" / "reading.md").read_text("utf-8")

    server.requests.clear()
    dry = run(["pull", "--dry-run", "--json"], root, url)
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert len(server.requests) <= 3, server.requests
    assert (root / "lists" / "reading.md").read_text("utf-8") == before, "a dry run writes nothing"
    new = {line["zotero_key"]: line for line in report["new_lines"]}
    assert sorted(new) == ["NEWARX33", "NEWDOI22", "NEWWEB44"]
    assert new["NEWDOI22"]["under"] == "Attention" and new["NEWWEB44"]["under"] == "Tools"
    assert new["NEWDOI22"]["line"] == (
        "- **Long Short-Term Memory**. *Sepp Hochreiter, Jürgen Schmidhuber*. (Neural Computation 1997) "
        "[[paper]](https://doi.org/10.1162/neco.1997.9.8.1735)"
    ), "the bold style of the heading's other items"
    assert (
        new["NEWWEB44"]["line"]
        == "- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)"
    )
    corrections = {(c["key"], c["field"]): c for c in report["corrections"]}
    assert corrections[("vaswani2017attention", "title")]["value"] == "Attention is All you Need"
    assert corrections[("vaswani2017attention", "title")]["by"] == "carol"
    assert corrections[("kitaev2020reformer", "author")]["value"] == [
        "Kitaev, Nikita",
        "Kaiser, Łukasz",
        "Levskaya, Anselm",
    ]
    assert [r["why"] for r in report["removals"]] == ["moved to the trash in Zotero"]
    assert report["tags_added_in_zotero"] == {"kitaev2020reformer": ["to-read"]}
    assert report["conflicts"] == []
    diff = run(["pull", "--dry-run"], root, url).stdout
    assert "+- **Long Short-Term Memory**." in diff and "+++ b/lists/bibkit-overrides.toml" in diff

    applied = run(["pull"], root, url)
    assert applied.exit_code == 0, applied.output
    text = (root / "lists" / "reading.md").read_text("utf-8")
    assert text.index("Long Short-Term Memory") < text.index("## Tools") < text.index("Illustrated Transformer")
    assert "The Annotated Transformer" in text, "a trashed item's line stays without --apply-removals"
    overrides = tomllib.loads((root / "lists" / "bibkit-overrides.toml").read_text("utf-8"))
    assert overrides["vaswani2017attention"]["title"]["value"] == "Attention is All you Need"
    assert {v["zotero_key"]["value"] for v in overrides.values() if "zotero_key" in v} == {
        "NEWDOI22",
        "NEWARX33",
        "NEWWEB44",
    }

    assert run(["build"], root, url).exit_code == 0
    bib = (root / "bib" / "bibliography.bib").read_text("utf-8")
    assert "title         = {Attention is All you Need}" in bib and "Kaiser, Łukasz" in bib
    assert "Long Short-Term Memory" in bib and "Hochreiter, Sepp and Schmidhuber, Jürgen" in bib

    versions = {k: v["version"] for k, v in server.items.items()}
    sync = run(["sync", "--json"], root, url)
    result = json.loads(sync.stdout)
    assert result["created"] == [] and result["updated"] == [], result
    assert {k: v["version"] for k, v in server.items.items()} == versions, "the round trip writes nothing"

    server.requests.clear()
    again = run(["pull", "--json"], root, url)
    assert json.loads(again.stdout)["changed"] is False and len(server.requests) == 1


def test_removals_are_applied_only_when_asked(tmp_path: Path, served) -> None:
    server, url = served
    items = synced(tmp_path, server, url)
    annotated = next(i for k, i in items.items() if "annotated" in k)
    server.edit_item(annotated["key"], user="bob", deleted=1)
    result = run(["pull", "--apply-removals", "--json"], tmp_path, url)
    assert json.loads(result.stdout)["removals"][0]["where"] == ["lists/reading.md:11"]
    assert "Annotated Transformer" not in (tmp_path / "lists" / "reading.md").read_text("utf-8")


def test_a_field_changed_on_both_sides_is_a_conflict_until_the_user_chooses(tmp_path: Path, served) -> None:
    server, url = served
    items = synced(tmp_path, server, url)
    server.edit_item(items["vaswani2017attention"]["key"], user="carol", title="Attention Is All You Need!")
    listed = (tmp_path / "lists" / "reading.md").read_text("utf-8")
    (tmp_path / "lists" / "reading.md").write_text(
        listed.replace("Attention Is All You Need", "Attention Is Everything"), "utf-8"
    )
    report = json.loads(run(["pull", "--dry-run", "--json"], tmp_path, url).stdout)
    assert report["corrections"] == [] and report["conflicts"][0]["field"] == "title"
    chosen = json.loads(run(["pull", "--prefer", "zotero", "--json"], tmp_path, url).stdout)
    assert chosen["conflicts"] == [] and chosen["corrections"][0]["value"] == "Attention Is All You Need!"


def test_pull_needs_a_sync_first(tmp_path: Path, served) -> None:
    _, url = served
    result = run(["pull"], project(tmp_path), url)
    assert result.exit_code == 1 and "run `bibkit sync` first" in result.stderr


def test_an_edit_made_during_a_pull_is_picked_up_by_the_next(tmp_path: Path, served) -> None:
    server, url = served
    items = synced(tmp_path, server, url)
    server.edit_item(items["vaswani2017attention"]["key"], user="carol", title="Attention is All you Need")
    # A colleague edits between the versions request and the item read of this pull.
    original = server.handle

    def meanwhile(environ: dict):  # type: ignore[no-untyped-def]
        answer = original(environ)
        if "format=versions" in environ.get("QUERY_STRING", ""):
            server.version += 1
            server.items[items["kitaev2020reformer"]["key"]].update(title="Reformer: the Efficient Transformer")
            server.items[items["kitaev2020reformer"]["key"]]["version"] = server.version
            server.handle = original
        return answer

    server.handle = meanwhile
    first = json.loads(run(["pull", "--json"], tmp_path, url).stdout)
    assert [c["key"] for c in first["corrections"]] == ["vaswani2017attention"]
    second = json.loads(run(["pull", "--json"], tmp_path, url).stdout)
    assert [c["key"] for c in second["corrections"]] == ["kitaev2020reformer"], "the edit made meanwhile is not lost"


# -- the lines pull writes are read back into the same entry ---------------------------------

TEMPLATES = [
    "- **A Study**. *Ann Lee, Bo Chen*. (ACL 2019) [[paper]](https://arxiv.org/abs/1901.00001)",
    "* **A Study**. (ACL 2019) [[pdf]](https://arxiv.org/abs/1901.00001)",
    "  - [A Study](https://arxiv.org/abs/1901.00001)",
    "1. [A Study](https://arxiv.org/abs/1901.00001) (ACL 2019)",
    '- A. Lee and B. Chen, "A Study," ACL, 2019. [pdf](https://arxiv.org/abs/1901.00001)',
    None,
]
WORD = st.sampled_from(["Graph", "Neural", "Attention", "Learning", "Sparse", "Models", "Language", "Robust", "Vision"])


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(TEMPLATES),
    st.lists(WORD, min_size=3, max_size=8),
    st.lists(st.sampled_from(["Lee", "Chen", "Müller", "García", "Okafor"]), min_size=1, max_size=3, unique=True),
    st.integers(min_value=1990, max_value=2026),
    st.sampled_from(["ACL", "NeurIPS", "ICLR", ""]),
    st.integers(min_value=1, max_value=99999),
)
def test_a_pulled_line_reads_back_as_the_same_entry(template, words, families, year, venue, number) -> None:
    entry = NewEntry(
        " ".join(words).capitalize(),
        tuple(Person(f, "Ann") for f in families),
        year,
        venue,
        f"https://arxiv.org/abs/2001.{number:05d}",
    )
    style = detect_style(template)
    line = render_line(style, entry)
    (record,) = read_list_text(f"# L\n\n## H\n\n{line}\n", "L", "l.md").records
    assert record.title == entry.title and record.ids.arxiv == f"2001.{number:05d}"
    assert record.categories == (("H",),)
    if style.form in ("bold", "citation") and (style.authors or style.form == "citation"):
        assert [p.last for p in record.authors] == families
    if style.venue and venue:
        assert str(year) in line and venue in record.venue_text


def test_an_item_filed_under_a_parent_heading_goes_first_under_it() -> None:
    from dataclasses import replace

    from bibkit.overrides import Overrides
    from bibkit.zotero.pull import apply_lines, plan_pull

    text = "# L\n\n## Vision\n\n### Detection\n\n- [YOLO](https://arxiv.org/abs/1506.02640)\n\n## Other\n\n- [X](https://x.org)\n"
    records = read_list_text(text, "L", "l.md").records
    records = [replace(r, key=f"k{i}") for i, r in enumerate(records)]
    item = {"key": "NEWKEY22", "itemType": "webpage", "title": "ViT", "url": "https://arxiv.org/abs/2010.11929"}
    item["collections"] = [collection_key(("L", "Vision"))]
    lists = {"L": (Path("l.md"), text)}
    plan = plan_pull(records, {}, [(item, {})], [], 9, lists, Overrides(Path("o.toml")))
    new, _ = apply_lines(text, plan.new, [])
    assert new.split("\n")[2:7] == ["## Vision", "", "- [ViT](https://arxiv.org/abs/2010.11929)", "", "### Detection"]
    lost = {**item, "key": "LOSTKEY2", "collections": [collection_key(("L", "Gone"))]}
    assert plan_pull(records, {}, [(lost, {})], [], 9, lists, Overrides(Path("o.toml"))).new == []
