"""HTTP requests and wall time of `bibkit sync` for the shipped bibliography, against the local
Zotero Web API stand-in (tests/zotero_server.py), through the real client code.

    .venv/bin/python benchmarks/sync_requests.py [--fault-rate 0.2] [--seeds 5]

Prints, for the shipped lists: the first sync, a re-sync with nothing changed, a re-sync after
10 entries changed, each with its request count against the goal; then first syncs with
the given share of requests failing (429, 503, Backoff, responses dropped after commit),
re-run until they report success, with requests used and duplicates found.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.zotero_server import Faults, ZoteroServer  # noqa: E402

from bibkit.config import load_config  # noqa: E402
from bibkit.pipeline import build  # noqa: E402
from bibkit.resolve.official_index import OfficialIndex  # noqa: E402
from bibkit.zotero.mapping import MARKER_TAG  # noqa: E402
from bibkit.zotero.pyzotero_gateway import connect  # noqa: E402
from bibkit.zotero.sync import SyncState, desired_state, sync  # noqa: E402

GROUP, KEY = 123456, "benchmark-key"


def gateway(server: ZoteroServer):
    gw = connect(GROUP, KEY, "http://zotero.test", transport=server.transport())
    gw.sleep = lambda s: None  # the stand-in's Retry-After is honoured without waiting
    return gw


def timed_sync(records, server, state_path):
    gw = gateway(server)
    start = time.perf_counter()
    report = sync(records, gw, SyncState.load(state_path, GROUP), state_path=state_path)
    return report, gw.requests, time.perf_counter() - start


def ours(server: ZoteroServer) -> list[dict]:
    return [i for i in server.live_items() if i["itemType"] != "note" and MARKER_TAG in [t["tag"] for t in i["tags"]]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    records = build(load_config(ROOT), resolver=OfficialIndex.open_or_build()).records
    mapped, collections = desired_state(records)
    notes = sum(1 for m in mapped if m.note)
    goal_first = math.ceil(len(records) / 50) + math.ceil(len(collections) / 50) + 5
    print(f"shipped bibliography: {len(records)} items, {len(collections)} collections, {notes} notes")

    with tempfile.TemporaryDirectory() as tmp:
        state_path = Path(tmp) / "state.json"
        server = ZoteroServer(GROUP, KEY)
        report, requests, seconds = timed_sync(records, server, state_path)
        print(
            f"first sync: {requests} requests (goal <= {goal_first}), {seconds:.2f} s, "
            f"created {len(report.created)} items, {report.collections_created} collections, "
            f"{report.notes_created} notes, ok={report.ok}"
        )
        report, requests, seconds = timed_sync(records, server, state_path)
        print(
            f"re-sync, nothing changed: {requests} requests (goal <= 2), {seconds:.3f} s, unchanged {report.unchanged}"
        )
        changed = [replace(r, title=r.title + " [rev]") if i < 10 else r for i, r in enumerate(records)]
        report, requests, seconds = timed_sync(changed, server, state_path)
        print(
            f"re-sync, 10 entries changed: {requests} requests (goal <= {3 + math.ceil(10 / 50)}), "
            f"{seconds:.3f} s, updated {len(report.updated)}"
        )

    total_requests, runs_needed, duplicates = [], [], []
    for seed in range(1, args.seeds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            state_path = Path(tmp) / "state.json"
            server = ZoteroServer(GROUP, KEY)
            server.faults = Faults(rate=args.fault_rate, seed=seed)
            requests = 0
            for run in range(1, 21):  # noqa: B007 - run is reported after the loop
                gw = gateway(server)
                try:
                    report = sync(records, gw, SyncState.load(state_path, GROUP), state_path=state_path)
                    done = report.ok and not report.failed
                except Exception:  # gave up after bounded retries: the user runs it again
                    done = False
                requests += gw.requests
                if done:
                    break
            keys = [i["citationKey"] for i in ours(server)]
            total_requests.append(requests)
            runs_needed.append(run)
            duplicates.append(len(keys) - len(set(keys)) + abs(len(set(keys)) - len(records)))
            server_requests = len(server.requests)
            fired = ", ".join(f"{k} x{n}" for k, n in sorted(Counter(server.faults.fired).items()))
            print(
                f"  seed {seed}: {requests} requests ({server_requests} reached the server), faults injected: "
                f"{fired or 'none'}; {run} run(s), {len(keys)} items, duplicates or missing: {duplicates[-1]}"
            )
    print(
        f"first sync with {args.fault_rate:.0%} of requests failing: median {sorted(total_requests)[len(total_requests) // 2]} "
        f"requests, at most {max(runs_needed)} run(s), duplicates or missing items: {sum(duplicates)}"
    )


if __name__ == "__main__":
    main()
