"""`bibkit pull` on the shipped lists against the Zotero Web API stand-in (tests/zotero_server.py),
through the real client and command line.

    .venv/bin/python benchmarks/pull_requests.py

Prints: requests for a pull with nothing changed (goal 1) and with 10 corrections (goal <= 3);
for the issue's scenario (a colleague adds three items to two heading collections, one with only
a DOI and one a web page, corrects a title and an author's name, trashes an item) the lines the
shipped lists gain and the overrides written; and the round trip: after the pull, `bibkit build`
then `bibkit sync` write nothing, and a second pull is a no-op.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402
from tests.zotero_server import ZoteroServer, serve  # noqa: E402

from bibkit.cli import main  # noqa: E402
from bibkit.zotero.mapping import collection_key  # noqa: E402

GROUP, KEY = 5151, "benchmark-pull-key"


def run(args: list[str], cwd: Path, url: str) -> dict:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, [*args, "--json"], env={"ZOTERO_API_KEY": KEY, "ZOTERO_API_URL": url})
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def main_() -> None:
    server = ZoteroServer(GROUP, KEY)
    url, stop = serve(server)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "lists", root / "lists")
        config = (ROOT / "bibkit.toml").read_text("utf-8") + f"\n[zotero]\ngroup = {GROUP}\n"
        (root / "bibkit.toml").write_text(config, "utf-8")
        run(["build"], root, url)
        run(["sync"], root, url)
        before = {p.name: p.read_text("utf-8").count("\n") for p in (root / "lists").glob("*.md")}

        server.requests.clear()
        nothing = run(["pull"], root, url)
        print(f"pull with nothing changed: {len(server.requests)} request(s) (goal 1); changed={nothing['changed']}")

        items = {i["citationKey"]: i for i in server.live_items() if i.get("citationKey")}
        keys = sorted(items)
        for key in keys[:10]:
            server.edit_item(items[key]["key"], user="alice", title=items[key]["title"] + " (revised)")
        server.requests.clear()
        ten = run(["pull"], root, url)
        print(
            f"pull with 10 corrections: {len(server.requests)} request(s) (goal <= 3); corrections {len(ten['corrections'])}"
        )

        items = {i["citationKey"]: i for i in server.live_items() if i.get("citationKey")}
        at = ("ATPapers",)
        paths = sorted({p for p in _paths(server) if p[:1] == at and len(p) > 1})[:2]
        first, second = (collection_key(p) for p in paths)
        server.add_item(
            {
                "key": "NEWDOI22",
                "itemType": "journalArticle",
                "title": "Long Short-Term Memory",
                "creators": [{"creatorType": "author", "firstName": "Sepp", "lastName": "Hochreiter"}],
                "publicationTitle": "Neural Computation",
                "date": "1997",
                "DOI": "10.1162/neco.1997.9.8.1735",
                "collections": [first],
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
                "collections": [first],
            },
            user="alice",
        )
        server.add_item(
            {
                "key": "NEWWEB44",
                "itemType": "webpage",
                "title": "The Illustrated Transformer",
                "url": "https://jalammar.github.io/illustrated-transformer/",
                "collections": [second],
            },
            user="bob",
        )
        a, b, c = (items[k] for k in keys[10:13])
        server.edit_item(a["key"], user="carol", title=a["title"] + " (corrected)")
        creators = [dict(x) for x in b["creators"]] or [{"creatorType": "author", "firstName": "A", "lastName": "B"}]
        creators[0] = {**creators[0], "firstName": creators[0].get("firstName", "") + " Q."}
        server.edit_item(b["key"], user="dave", creators=creators)
        server.edit_item(c["key"], user="bob", deleted=1)
        server.requests.clear()
        scenario = run(["pull"], root, url)
        print(
            f"scenario pull: {len(server.requests)} request(s); new lines {len(scenario['new_lines'])}, "
            f"corrections {len(scenario['corrections'])}, removals reported {len(scenario['removals'])}"
        )
        for line in scenario["new_lines"]:
            print(f"  + {line['file']} under {line['under']!r}: {line['line']}")
        after = {p.name: p.read_text("utf-8").count("\n") for p in (root / "lists").glob("*.md")}
        print(
            f"  lines gained (items, and a blank line before a following heading): { {k: after[k] - before[k] for k in after} }"
        )

        run(["build"], root, url)
        version = server.version
        synced = run(["sync"], root, url)
        print(
            f"round trip: build then sync created {len(synced['created'])}, updated {len(synced['updated'])}; "
            f"library version {version} -> {server.version} (unchanged = fixed point)"
        )
        server.requests.clear()
        again = run(["pull"], root, url)
        print(f"second pull: {len(server.requests)} request(s), changed={again['changed']}")
    stop()


def _paths(server: ZoteroServer) -> set[tuple[str, ...]]:
    by_key = {k: c for k, c in server.collections.items()}

    def path(key: str) -> tuple[str, ...]:
        coll = by_key[key]
        parent = coll.get("parentCollection")
        return (*path(parent), coll["name"]) if parent else (coll["name"],)

    return {path(k) for k in by_key}


if __name__ == "__main__":
    main_()
