"""The overrides file: corrections the group made in Zotero, pulled by `bibkit pull`, applied by
`bibkit build` on top of what it reads and resolves. The lists' own text is never rewritten for a
correction.

One table per citation key, one inline table per field, each value with who changed it and when
(Zotero's ``lastModifiedByUser`` and ``dateModified``)::

    [vaswani2017attention]
    title = { value = "Attention Is All You Need", by = "alice", at = "2026-12-01T10:00:00Z" }
    author = { value = ["Vaswani, Ashish", "Shazeer, Noam"], by = "bob", at = "2026-12-01T10:05:00Z" }

    [smith2024graphs]
    zotero_key = { value = "ABCD2345", by = "carol", at = "2026-12-01T11:00:00Z" }

``zotero_key`` ties an entry a colleague added in Zotero (and `bibkit pull` wrote into a list) to
that Zotero item, so `bibkit sync` knows it is the colleague's item and never creates a copy.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import ids
from .model import BibkitError, Record, Venue, VenueKind
from .normalize.names import parse_people
from .text import year_in

FIELDS = (
    "title",
    "author",
    "date",
    "venue",
    "booktitle",
    "journal",
    "doi",
    "pages",
    "volume",
    "number",
    "publisher",
    "url",
)
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")
KNOWN = frozenset(FIELDS) | {"zotero_key"}


class OverridesError(BibkitError):
    pass


@dataclass
class Overrides:
    path: Path
    entries: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # key -> field -> {value, by, at}

    @classmethod
    def load(cls, path: Path) -> Overrides:
        if not path.exists():
            return cls(path)
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise OverridesError(f"{path}: cannot read the overrides file ({exc})") from None
        entries: dict[str, dict[str, dict[str, Any]]] = {}
        for key, table in raw.items():
            if not isinstance(table, dict):
                raise OverridesError(f"{path}: [{key}] must be a table of fields")
            for name, spec in table.items():
                if name not in KNOWN:
                    raise OverridesError(
                        f"{path}: [{key}] {name}: not a field bibkit overrides ({', '.join(sorted(KNOWN))})"
                    )
                if not isinstance(spec, dict) or "value" not in spec:
                    raise OverridesError(f"{path}: [{key}] {name} must be {{ value = ..., by = ..., at = ... }}")
            entries[key] = {name: dict(spec) for name, spec in table.items()}
        return cls(path, entries)

    def set(self, key: str, name: str, value: Any, by: str, at: str) -> None:
        self.entries.setdefault(key, {})[name] = {"value": value, "by": by, "at": at}

    def text(self) -> str:
        lines = [
            "# Corrections made in the group's Zotero library, pulled by `bibkit pull`; `bibkit build`",
            "# applies them on top of the lists. Edit or delete a line to change or drop a correction.",
        ]
        for key in sorted(self.entries):
            lines += ["", f"[{_toml_key(key)}]"]
            for name in sorted(self.entries[key]):
                spec = self.entries[key][name]
                parts = [f"{k} = {_toml_value(spec[k])}" for k in ("value", "by", "at") if k in spec and spec[k] != ""]
                lines.append(f"{name} = {{ {', '.join(parts)} }}")
        return "\n".join(lines) + "\n"

    def zotero_keys(self) -> dict[str, str]:
        return {k: str(v["zotero_key"]["value"]) for k, v in self.entries.items() if "zotero_key" in v}


def _toml_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "-_" for c in key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def apply_overrides(records: list[Record], overrides: Overrides) -> list[Record]:
    """Each record with its corrections applied (a pure function of the two)."""
    return [_apply(r, overrides.entries[r.key]) if r.key in overrides.entries else r for r in records]


def _apply(record: Record, entry: dict[str, dict[str, Any]]) -> Record:
    changes: dict[str, Any] = {}
    value = {name: spec["value"] for name, spec in entry.items()}
    if "title" in value:
        changes["title"] = str(value["title"])
    if "author" in value:
        changes["authors"] = parse_people(" and ".join(str(a) for a in value["author"]))[0]
        changes["others"] = False
    if "date" in value:  # Zotero's date: "2020", "2020-03", "2020-03-15", or free text with a year
        m = _DATE.match(str(value["date"]))
        parts = [int(p) if p else None for p in m.groups()] if m else [year_in(str(value["date"])), None, None]
        changes["year"], changes["month"], changes["day"] = parts
    for name, kind in (("venue", None), ("booktitle", VenueKind.CONFERENCE), ("journal", VenueKind.JOURNAL)):
        if name in value:  # a proceedings' or journal's name makes the work a paper there
            venue = record.venue or Venue("", "", kind or VenueKind.OTHER)
            changes["venue"] = replace(venue, name=str(value[name]), kind=kind or venue.kind)
            if kind is not None and record.work in ("", "preprint", "document"):
                changes["work"] = ""  # the work type follows the venue again
    if "doi" in value:
        changes["ids"] = replace(record.ids, doi=ids.normalize_doi(str(value["doi"])) or None)
    for name, attribute in (
        ("pages", "pages"),
        ("volume", "volume"),
        ("number", "issue"),
        ("publisher", "publisher"),
        ("url", "url"),
    ):
        if name in value:
            changes[attribute] = str(value[name])
    if "zotero_key" in value:
        changes["zotero_key"] = str(value["zotero_key"])
    return replace(record, **changes)
