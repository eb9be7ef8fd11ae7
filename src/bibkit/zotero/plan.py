"""The sync planner: what to create, update, leave, report or trash. Pure: no I/O.

It compares three views of each item: what the bibliography wants (``desired``), what the
library holds (``remote``), and what bibkit wrote last time (``written``, from the state
file).  A managed field that differs from what bibkit wrote was changed by someone in
Zotero: if bibkit wants a different value too, that is a conflict, reported and not
overwritten unless ``force``.  Tags and collections are merged, never replaced: bibkit
adds its own and removes only those it added itself, so a colleague's tag survives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .mapping import MARKER_TAG, Mapped, item_key, managed_view
from .types import CollectionData, ItemData, JSONObject, NoteData

# What the planner decided for one item: write it (create, update, trash), leave it (unchanged), keep a
# colleague's edit (conflict), or not touch an item bibkit did not create (foreign).
ActionKind = Literal["create", "update", "unchanged", "conflict", "trash", "foreign"]


@dataclass(frozen=True)
class Written:
    """What bibkit last wrote to an item: its managed fields, tags and collections."""

    managed: JSONObject
    tags: tuple[str, ...]
    collections: tuple[str, ...]


@dataclass
class RemoteView:
    items: dict[str, ItemData] = field(default_factory=dict)  # key -> item data (with "version")
    collections: dict[str, int] = field(default_factory=dict)  # key -> version
    written: dict[str, Written] = field(default_factory=dict)  # key -> what bibkit wrote last


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    key: str
    citation_key: str
    payload: JSONObject | None = None  # the exact JSON object to send
    fields: tuple[str, ...] = ()  # fields changed (update) or in conflict
    reason: str = ""


@dataclass
class Plan:
    collections: list[CollectionData] = field(default_factory=list)  # to create
    actions: list[Action] = field(default_factory=list)
    notes: list[NoteData] = field(default_factory=list)  # child notes to create

    def of(self, kind: ActionKind) -> list[Action]:
        return [a for a in self.actions if a.kind == kind]

    @property
    def writes(self) -> int:
        return (
            len(self.collections)
            + len(self.notes)
            + sum(1 for a in self.actions if a.kind in ("create", "update", "trash"))
        )


def _tags(item: ItemData) -> list[str]:
    return [t["tag"] for t in item.get("tags", [])]


def is_ours(item: ItemData) -> bool:
    """bibkit's items carry its marker tag and a key derived from their citation key."""
    return MARKER_TAG in _tags(item) and item.get("key") == item_key(item.get("citationKey", ""))


def _merge(remote: list[str], previously_ours: tuple[str, ...], desired: list[str]) -> list[str]:
    """Keep what others added; drop what bibkit added and no longer wants; add what it wants."""
    kept = [x for x in remote if x in desired or x not in previously_ours]
    return kept + [x for x in desired if x not in kept]


def plan_sync(
    desired: list[Mapped],
    desired_collections: list[CollectionData],
    remote: RemoteView,
    *,
    force: bool = False,
    prune: bool = False,
    notes_present: set[str] | None = None,
) -> Plan:
    plan = Plan()
    for coll in desired_collections:
        if coll["key"] not in remote.collections:
            plan.collections.append({**coll, "version": 0})
    notes_present = notes_present or set()
    wanted = set()
    for mapped in desired:
        want = mapped.item
        key = want["key"]
        wanted.add(key)
        have = remote.items.get(key)
        if have is None:
            plan.actions.append(Action("create", key, want["citationKey"], {**want, "version": 0}))
            if mapped.note is not None and mapped.note["key"] not in notes_present:
                plan.notes.append({**mapped.note, "version": 0})
            continue
        if not is_ours(have):
            plan.actions.append(
                Action(
                    "foreign",
                    key,
                    want["citationKey"],
                    reason="an item bibkit did not create holds this key; left alone",
                )
            )
            continue
        plan.actions.append(_compare(want, have, remote.written.get(key), force))
        if mapped.note is not None and mapped.note["key"] not in notes_present:
            plan.notes.append({**mapped.note, "version": 0})
    if prune:
        for key, have in sorted(remote.items.items()):
            if key not in wanted and is_ours(have) and not have.get("deleted"):
                plan.actions.append(
                    Action(
                        "trash",
                        key,
                        have.get("citationKey", ""),
                        {"key": key, "version": have["version"], "deleted": 1},
                        reason="no longer in the bibliography",
                    )
                )
    return plan


def _compare(want: ItemData, have: ItemData, written: Written | None, force: bool) -> Action:
    key, citation_key = want["key"], want["citationKey"]
    desired, current = managed_view(want), managed_view(have)
    last = written.managed if written else None
    changed: list[str] = []
    conflicts: list[str] = []
    for name in sorted(set(desired) | set(current)):
        if desired.get(name) == current.get(name):
            continue
        edited_in_zotero = last is not None and current.get(name) != last.get(name)
        if edited_in_zotero and not force:
            conflicts.append(name)
        else:
            changed.append(name)
    payload: JSONObject = {"key": key, "version": have["version"]}
    for name in changed:
        payload[name] = want.get(name, "" if name != "creators" else [])
    if have.get("deleted"):
        if force:
            payload["deleted"] = 0
            changed.append("deleted")
        else:
            conflicts.append("deleted")
    prev_tags = written.tags if written else ()
    prev_colls = written.collections if written else ()
    want_tags = _tags(want)
    tags = _merge(_tags(have), prev_tags, want_tags)
    if tags != _tags(have):
        kinds = {t["tag"]: t.get("type", 0) for t in have.get("tags", [])} | {t["tag"]: 1 for t in want["tags"]}
        payload["tags"] = [{"tag": t, "type": kinds.get(t, 0)} for t in tags]
        changed.append("tags")
    colls = _merge(list(have.get("collections", [])), prev_colls, list(want.get("collections", [])))
    if colls != list(have.get("collections", [])):
        payload["collections"] = colls
        changed.append("collections")
    if conflicts:
        return Action(
            "conflict",
            key,
            citation_key,
            payload if changed else None,
            tuple(conflicts),
            reason="changed in Zotero since bibkit wrote it; use --force to overwrite",
        )
    if not changed:
        return Action("unchanged", key, citation_key)
    return Action("update", key, citation_key, payload, tuple(changed))


def collection_objects(paths: list[tuple[str, ...]], key_of: Callable[[tuple[str, ...]], str]) -> list[CollectionData]:
    """Collection JSON for every path and its ancestors, parents first."""
    out: dict[tuple[str, ...], CollectionData] = {}
    for path in paths:
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            if sub in out:
                continue
            parent = key_of(sub[:-1]) if depth > 1 else False
            out[sub] = {"key": key_of(sub), "name": sub[-1], "parentCollection": parent}
    return list(out.values())
