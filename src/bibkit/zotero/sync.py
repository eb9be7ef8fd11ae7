"""Apply a sync plan: batches, versions, write reports, re-planning, and the state file.

The loop: read what changed since the library version bibkit last saw (one request, 304
when nothing did), plan, write in batches of at most 50 with ``If-Unmodified-Since-Version``
taken from the previous response, read every object's result.  A 412 for a whole batch
means someone else wrote: re-read, re-plan, go on.  A 412 for one created object means it
already exists (a retried create after a dropped response): it is read back and planned
again, never created twice.  Progress is saved after every batch, so an interrupted sync
re-runs from where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from ..files import write_atomic
from ..model import Record
from .gateway import MAX_BATCH, Gateway, PreconditionFailed, WriteResult
from .mapping import MARKER_TAG, Mapped, collection_key, collection_paths, managed_view, to_item
from .plan import Action, Plan, RemoteView, Written, collection_objects, is_ours, plan_sync
from .types import JSONObject

MAX_ROUNDS = 12
STATE_VERSION = 1

T = TypeVar("T")


@dataclass
class SyncState:
    """What bibkit knows of one group library between runs (no secrets in it)."""

    group: int
    library_version: int = 0
    items: dict[str, JSONObject] = field(default_factory=dict)  # key -> last seen data of relevant items
    written: dict[str, JSONObject] = field(default_factory=dict)  # key -> {"managed", "tags", "collections"}
    collections: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, group: int) -> SyncState:
        if not path.exists():
            return cls(group)
        data = json.loads(path.read_text("utf-8"))
        if data.get("group") != group or data.get("state_version") != STATE_VERSION:
            return cls(group)  # another library, or an older format: start from the server's view
        return cls(group, data["library_version"], data["items"], data["written"], data["collections"])

    def save(self, path: Path) -> None:
        data = {"state_version": STATE_VERSION, **asdict(self)}
        write_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")

    def remote_view(self) -> RemoteView:
        written = {k: Written(w["managed"], tuple(w["tags"]), tuple(w["collections"])) for k, w in self.written.items()}
        regular = {k: v for k, v in self.items.items() if v.get("itemType") != "note"}
        return RemoteView(regular, dict(self.collections), written)

    def notes(self) -> set[str]:
        return {k for k, v in self.items.items() if v.get("itemType") == "note"}

    def remember_written(self, item: JSONObject) -> None:
        self.written[item["key"]] = {
            "managed": managed_view(item),
            "tags": [t["tag"] for t in item.get("tags", []) if t["tag"] == MARKER_TAG or t.get("type") == 1],
            "collections": list(item.get("collections", [])),
        }


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)  # citation keys
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    trashed: list[str] = field(default_factory=list)
    conflicts: list[JSONObject] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[JSONObject] = field(default_factory=list)
    collections_created: int = 0
    notes_created: int = 0
    requests: int = 0
    rounds: int = 0
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def desired_state(records: list[Record]) -> tuple[list[Mapped], list[JSONObject]]:
    mapped = [to_item(r) for r in records]
    paths = list(dict.fromkeys(p for r in records for p in collection_paths(r)))
    return mapped, collection_objects(paths, collection_key)


def refresh(gateway: Gateway, state: SyncState, wanted: set[str], prune: bool) -> None:
    """Bring the state up to the server's version, reading only what changed."""
    changes = gateway.changes_since(state.library_version)
    if changes is None:
        return
    relevant = [k for k in changes.items if k in wanted or k in state.items]
    if prune and state.library_version == 0:
        relevant += [k for k in changes.items if k not in relevant]  # state lost: look at everything once
    fetched = gateway.get_items(sorted(set(relevant)))
    for item in fetched:
        if item["key"] in wanted or is_ours(item):
            state.items[item["key"]] = item
    for key in changes.collections:
        state.collections[key] = changes.collections[key]
    state.library_version = changes.version


def _note_keys(mapped: list[Mapped]) -> set[str]:
    return {m.note["key"] for m in mapped if m.note is not None}


def sync(
    records: list[Record],
    gateway: Gateway,
    state: SyncState,
    *,
    state_path: Path | None = None,
    force: bool = False,
    prune: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SyncReport:
    mapped, collections = desired_state(records)
    wanted = {m.item["key"] for m in mapped} | _note_keys(mapped)
    report = SyncReport()
    given_up: set[str] = set()  # keys whose write failed for a reason a retry will not fix
    for round_ in range(1, MAX_ROUNDS + 1):
        report.rounds = round_
        refresh(gateway, state, wanted, prune)
        plan = plan_sync(
            mapped, collections, state.remote_view(), force=force, prune=prune, notes_present=state.notes()
        )
        for action in plan.of("unchanged"):
            if action.key not in state.written:
                state.remember_written(state.items[action.key])  # ours and as wanted: its baseline
        report.plan = plan
        if dry_run:
            break
        try:
            needs_replan = _apply(plan, gateway, state, report, given_up, state_path, progress)
        except PreconditionFailed:
            continue  # someone wrote in between: re-read and re-plan
        if not needs_replan:
            break
    _summarise(report, gateway)
    return report


def _summarise(report: SyncReport, gateway: Gateway) -> None:
    plan = report.plan
    report.requests = gateway.requests
    if plan is None:
        return
    report.unchanged = len(plan.of("unchanged"))
    report.conflicts = [
        {"citation_key": a.citation_key, "key": a.key, "fields": list(a.fields), "reason": a.reason}
        for a in plan.of("conflict")
    ]
    report.foreign = [a.citation_key for a in plan.of("foreign")]


def _batches(objects: list[T], size: int = MAX_BATCH) -> list[list[T]]:
    return [objects[i : i + size] for i in range(0, len(objects), size)]


def _apply(
    plan: Plan,
    gateway: Gateway,
    state: SyncState,
    report: SyncReport,
    given_up: set[str],
    state_path: Path | None,
    progress: Callable[[int], None] | None,
) -> bool:
    """Write the plan; True when some objects must be read back and planned again."""
    # Collections first, parents before children; then items; then notes, whose parents must exist.
    for batch in _batches(plan.collections):
        result = _write(gateway, state, "collections", batch, report, given_up)
        for obj in result.successful.values():
            state.collections[obj["key"]] = obj["version"]
            report.collections_created += 1
        _after_batch(state, state_path, progress, len(batch))
    writes: list[tuple[Action, JSONObject]] = [
        (a, a.payload)
        for a in plan.actions
        if a.payload is not None and a.kind in ("create", "update", "trash", "conflict") and a.key not in given_up
    ]
    refetch: list[str] = []
    for chunk in _batches(writes):
        result = _write(gateway, state, "items", [p for _, p in chunk], report, given_up)
        for index, (action, _) in enumerate(chunk):
            if index in result.successful:
                obj = result.successful[index]
                state.items[obj["key"]] = obj
                state.remember_written(obj)
                {
                    "create": report.created,
                    "update": report.updated,
                    "conflict": report.updated,
                    "trash": report.trashed,
                }[action.kind].append(action.citation_key)
            elif index in result.unchanged:
                item = state.items.get(action.key)
                if item is not None:
                    state.remember_written(item)
            elif index in result.failed:
                code, _ = result.failed[index]
                if code == 412:
                    refetch.append(action.key)  # exists already, or changed meanwhile: read it again
        _after_batch(state, state_path, progress, len(chunk))
    for notes in _batches([n for n in plan.notes if n["parentItem"] in state.items and n["key"] not in given_up]):
        result = _write(gateway, state, "items", notes, report, given_up)
        for obj in result.successful.values():
            state.items[obj["key"]] = obj
            report.notes_created += 1
        for index, (code, _) in result.failed.items():
            if code == 412:
                refetch.append(notes[index]["key"])
        _after_batch(state, state_path, progress, len(notes))
    if refetch:
        for item in gateway.get_items(sorted(set(refetch))):
            state.items[item["key"]] = item
    return bool(refetch)


def _write(
    gateway: Gateway, state: SyncState, what: str, batch: list[JSONObject], report: SyncReport, given_up: set[str]
) -> WriteResult:
    result = gateway.write(what, batch, state.library_version)
    state.library_version = result.version  # each response's version is the next batch's precondition
    for index, (code, message) in result.failed.items():
        if code != 412:
            key = batch[index].get("key", "")
            given_up.add(key)
            report.failed.append({"key": key, "what": what, "code": code, "message": message})
    return result


def _after_batch(state: SyncState, state_path: Path | None, progress: Callable[[int], None] | None, n: int) -> None:
    if state_path is not None:
        state.save(state_path)
    if progress:
        progress(n)
