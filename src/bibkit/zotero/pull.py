"""`bibkit pull`: what the group did in Zotero since the last sync or pull, proposed as changes to
the lists and the overrides file. Pure: the command line reads and writes.

- An item a colleague filed into a collection bibkit made from a heading becomes a new line
  under that heading, in the list's own style (``sources/markdown/write.py``), tied to the
  Zotero item by a ``zotero_key`` override so a sync never copies it.
- A field a colleague changed on an item bibkit wrote becomes an override (the list's text is
  never rewritten for a correction). When the list changed the same field since the last sync,
  both values are reported and nothing is guessed (``prefer`` decides for all).
- An item trashed, deleted or taken out of a heading's collection is reported; removing its list
  line is the user's call (``--apply-removals``).
- Tags colleagues added are reported, never written into the lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..model import Person, Record
from ..normalize.names import parse_people
from ..normalize.richtext import plain
from ..overrides import Overrides
from ..sources.markdown.write import NewEntry, block_end, detect_style, next_number, render_line
from ..text import year_in
from .mapping import MARKER_TAG, category_path, collection_key, item_key, managed_view, to_item
from .plan import is_ours
from .types import ItemData, JSONObject

Prefer = Literal["zotero", "list", ""]

# Zotero's managed fields that a list entry carries, as override fields.
FIELD_MAP = {
    "title": "title",
    "creators": "author",
    "date": "date",
    "proceedingsTitle": "booktitle",
    "publicationTitle": "journal",
    "bookTitle": "venue",
    "university": "venue",
    "institution": "venue",
    "blogTitle": "venue",
    "websiteTitle": "venue",
    "DOI": "doi",
    "pages": "pages",
    "volume": "volume",
    "issue": "number",
    "reportNumber": "number",
    "publisher": "publisher",
    "url": "url",
}
_ARXIV_EXTRA = re.compile(r"^arXiv:\s*(\S+)", re.M | re.I)


@dataclass(frozen=True)
class NewLine:
    file: Path
    list_name: str
    path: tuple[str, ...]  # the heading path (the collection) it goes under
    after: int  # 0-based index of the line it is inserted after... before: lines[after:] move down
    text: str
    zotero_key: str
    title: str
    by: str
    at: str


@dataclass(frozen=True)
class Correction:
    key: str  # citation key
    field: str  # override field
    value: Any
    by: str
    at: str
    zotero_field: str


@dataclass(frozen=True)
class Conflict:
    key: str
    field: str
    list_value: Any
    zotero_value: Any
    by: str


@dataclass(frozen=True)
class Removal:
    key: str
    zotero_key: str
    why: str
    where: tuple[tuple[str, int], ...]  # (list file, 1-based line) of the lines it concerns


@dataclass
class PullPlan:
    version: int
    new: list[NewLine] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)  # citation key -> tags colleagues added
    remote: dict[str, ItemData] = field(default_factory=dict)  # item key -> data, of the items planned on
    corrected_items: set[str] = field(default_factory=set)  # item keys whose Zotero state is the new baseline
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)  # (item key, title, why) not written


def who(meta: JSONObject) -> str:
    user = meta.get("lastModifiedByUser") or meta.get("createdByUser") or {}
    return str(user.get("username") or user.get("name") or "")


def override_value(zotero_field: str, value: Any) -> Any:
    """A Zotero field's value as the overrides file keeps it."""
    if zotero_field == "creators":
        return [
            "{" + c["name"] + "}"
            if "name" in c
            else ", ".join(x for x in (c.get("lastName", ""), c.get("firstName", "")) if x)
            for c in value
            if c.get("creatorType", "author") not in ("editor", "translator")
        ]
    if zotero_field == "pages":
        return str(value).replace("\u2013", "--")
    return str(value)


def new_entry(item: ItemData) -> NewEntry:
    """What a new list line says of a Zotero item: its title, authors, year, venue and link."""
    authors: list[Person] = []
    for c in item.get("creators", []):
        if c.get("creatorType", "author") in ("editor", "translator", "seriesEditor", "contributor"):
            continue
        name = c["name"] if "name" in c else f"{c.get('lastName', '')}, {c.get('firstName', '')}".strip(", ")
        authors += parse_people("{" + name + "}" if "name" in c else name)[0]
    venue = next((str(item[f]) for f in ("conferenceName", "proceedingsTitle", "publicationTitle") if item.get(f)), "")
    arxiv = _ARXIV_EXTRA.search(str(item.get("extra", "")))
    if item.get("DOI"):
        url = f"https://doi.org/{item['DOI']}"
    elif arxiv:
        url = f"https://arxiv.org/abs/{arxiv.group(1)}"
    else:
        url = str(item.get("url", ""))
    return NewEntry(plain(str(item.get("title", ""))), tuple(authors), year_in(str(item.get("date", ""))), venue, url)


def _collections(records: Iterable[Record]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """bibkit's collection keys -> (list name, heading path)."""
    out = {}
    for record in records:
        for i in range(len(record.sources)):
            path = category_path(record, i)
            for depth in range(1, len(path) + 1):  # a heading's collection, and its parents' (as sync makes them)
                out[collection_key(path[:depth])] = (path[0], path[1:depth])
    return out


def plan_pull(
    records: list[Record],
    written: dict[str, JSONObject],
    changed: list[tuple[ItemData, JSONObject]],
    deleted: list[str],
    version: int,
    lists: dict[str, tuple[Path, str]],  # list name -> (file, text)
    overrides: Overrides,
    prefer: Prefer = "",
) -> PullPlan:
    plan = PullPlan(version)
    by_item = {r.zotero_key or item_key(r.key): r for r in records}
    adopted = set(overrides.zotero_keys().values())
    ours_collections = _collections(records)
    for data, meta in sorted(changed, key=lambda pair: str(pair[0].get("key"))):
        key = str(data.get("key"))
        if data.get("itemType") in ("note", "attachment", "annotation"):
            continue
        record = by_item.get(key)
        if record is not None and key in written:
            _plan_ours(plan, record, data, meta, written[key], ours_collections, prefer)
        elif record is None and key not in adopted and not is_ours(data) and not data.get("deleted"):
            for coll in data.get("collections", []):
                if coll in ours_collections:
                    plan.remote[key] = data
                    _plan_new(plan, data, meta, *ours_collections[coll], records, lists)
    for key in deleted:
        record = by_item.get(key)
        if record is not None:
            plan.removals.append(Removal(record.key, key, "deleted in Zotero", _where(record)))
    return plan


def _where(record: Record, path: tuple[str, ...] | None = None) -> tuple[tuple[str, int], ...]:
    return tuple(
        (s.file, s.line) for i, s in enumerate(record.sources) if path is None or category_path(record, i) == path
    )


def _plan_ours(
    plan: PullPlan,
    record: Record,
    data: ItemData,
    meta: JSONObject,
    written: JSONObject,
    collections: dict[str, tuple[str, tuple[str, ...]]],
    prefer: Prefer,
) -> None:
    key = str(data["key"])
    plan.remote[key] = data
    if data.get("deleted"):
        plan.removals.append(Removal(record.key, key, "moved to the trash in Zotero", _where(record)))
        return
    for coll in sorted(set(written.get("collections", [])) - set(data.get("collections", []))):
        if coll in collections:
            list_name, path = collections[coll]
            why = f"taken out of the collection {'/'.join((list_name, *path))}"
            plan.removals.append(Removal(record.key, key, why, _where(record, (list_name, *path))))
    remote, last = managed_view(data), written.get("managed", {})
    desired = managed_view(to_item(record).item)
    by, at = who(meta), str(data.get("dateModified", ""))
    for name in sorted(set(remote) | set(last)):
        if name not in FIELD_MAP or remote.get(name) == last.get(name):
            continue  # not a field a list entry carries, or not changed in Zotero
        if desired.get(name) == remote.get(name):
            plan.corrected_items.add(key)  # the list made the same change
            continue
        value = override_value(name, remote.get(name, "" if name != "creators" else []))
        if desired.get(name) != last.get(name) and prefer != "zotero":
            if prefer != "list":  # changed on both sides: not guessed
                plan.conflicts.append(Conflict(record.key, FIELD_MAP[name], desired.get(name), remote.get(name), by))
            continue
        plan.corrections.append(Correction(record.key, FIELD_MAP[name], value, by, at, name))
        plan.corrected_items.add(key)
    theirs = [t["tag"] for t in data.get("tags", [])]
    added = [t for t in theirs if t != MARKER_TAG and t not in written.get("tags", [])]
    if added:
        plan.tags[record.key] = added


def _plan_new(
    plan: PullPlan,
    data: ItemData,
    meta: JSONObject,
    list_name: str,
    path: tuple[str, ...],
    records: list[Record],
    lists: dict[str, tuple[Path, str]],
) -> None:
    if list_name not in lists:
        return
    file, text = lists[list_name]
    lines = text.split("\n")
    placed = [
        (tuple(r.categories[i]), s.line)
        for r in records
        for i, s in enumerate(r.sources)
        if s.list_name == list_name and s.line > 0
    ]
    under = [line for p, line in placed if p == path]
    below = sorted(line for p, line in placed if p[: len(path)] == path)
    earlier = [n for n in plan.new if n.file == file and n.path == path]
    if under:  # after the heading's last item, in its style
        last = max(under) - 1
        template = earlier[-1].text if earlier else lines[last]
        after = block_end(lines, last)
    elif below and (heading := _heading_above(lines, below[0] - 1, path[-1] if path else "")) is not None:
        # Filed under a heading whose items are all in subheadings: first under the heading itself.
        template = earlier[-1].text if earlier else lines[below[0] - 1]
        after = heading + 1 if heading + 1 < len(lines) and lines[heading + 1].strip() else heading + 2
    else:
        plan.unplaced.append(
            (str(data["key"]), str(data.get("title", "")), f"no heading {'/'.join(path)!r} in {list_name}")
        )
        return
    entry = new_entry(data)
    text_line = render_line(detect_style(template), entry, next_number(template))
    plan.new.append(
        NewLine(
            file,
            list_name,
            path,
            after,
            text_line,
            str(data["key"]),
            entry.title,
            who(meta),
            str(data.get("dateAdded", "")),
        )
    )


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _heading_above(lines: list[str], start: int, name: str) -> int | None:
    """The index of the nearest heading above ``start`` that names the heading (by its words)."""
    wanted = re.sub(r"\W+", " ", name).strip().lower()
    for i in range(start, -1, -1):
        m = _HEADING.match(lines[i])
        if m and wanted and wanted in re.sub(r"\W+", " ", m.group(1)).strip().lower():
            return i
    return None


def apply_lines(text: str, new: list[NewLine], removals: list[tuple[int, int]]) -> tuple[str, dict[str, int]]:
    """The list text with the new lines inserted (in order, after their anchors) and the given
    (start, end) line ranges removed; and the 1-based line of each new line, by Zotero key."""
    lines = text.split("\n")
    inserts: dict[int, list[NewLine]] = {}
    for line in new:
        inserts.setdefault(min(line.after, len(lines)), []).append(line)
    drop = {i for start, end in removals for i in range(start, end)}
    out: list[str] = []
    placed: dict[str, int] = {}
    for i in range(len(lines) + 1):
        for line in inserts.get(i, []):
            out.append(line.text)
            placed[line.zotero_key] = len(out)
        if i in inserts and i < len(lines) and _HEADING.match(lines[i]):
            out.append("")  # the new items end before the next heading, as a list does
        if i < len(lines) and i not in drop:
            out.append(lines[i])
    return "\n".join(out), placed


def adoption_overrides(
    new: list[NewLine], placed: dict[str, tuple[str, int]], built: list[Record], remote: dict[str, ItemData]
) -> list[tuple[str, str, Any, str, str]]:
    """(citation key, field, value, by, at) for each new line once built: the Zotero item it is,
    and every field the line does not carry as Zotero has it, so build and sync agree with it."""
    by_source = {(s.file, s.line): r for r in built for s in r.sources}
    out: list[tuple[str, str, Any, str, str]] = []
    for line in new:
        record = by_source.get(placed.get(line.zotero_key, ("", 0)))
        if record is None:
            continue
        out.append((record.key, "zotero_key", line.zotero_key, line.by, line.at))
        desired, theirs = managed_view(to_item(record).item), managed_view(remote[line.zotero_key])
        done: set[str] = set()
        for name, target in FIELD_MAP.items():
            value = theirs.get(name)
            if value in (None, "", []) or desired.get(name) == value or target in done:
                continue
            out.append((record.key, target, override_value(name, value), line.by, line.at))
            done.add(target)
    return out
