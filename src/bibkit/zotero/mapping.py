"""Records to Zotero item JSON (Web API v3 schema). Pure: no I/O, no HTTP.

The item type follows what the entry is, and each field goes where Zotero's schema puts it
for that type (a conference paper's venue is ``proceedingsTitle``; the API rejects the base
name ``publicationTitle`` there).  The citation key is written twice, identically: in the
native ``citationKey`` field and as a ``Citation Key:`` line in ``extra``, which Zotero's own
BibTeX export and Better BibTeX read first.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from ..model import Person, Record
from ..normalize.richtext import latex_to_rich
from ..text import has_cjk
from ..worktype import WorkType, work_type
from .types import ItemData, JSONObject, NoteData

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
MARKER_TAG = "bibkit"  # on every item bibkit creates; with the key scheme, how it knows its own


def zotero_key(*parts: str) -> str:
    """8 characters of Zotero's key alphabet, derived deterministically from parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(8):
        number, rest = divmod(number, len(KEY_ALPHABET))
        chars.append(KEY_ALPHABET[rest])
    return "".join(chars)


def item_key(citation_key: str) -> str:
    return zotero_key("bibkit-item", citation_key)


def note_key(citation_key: str) -> str:
    return zotero_key("bibkit-note", citation_key)


def collection_key(path: tuple[str, ...]) -> str:
    return zotero_key("bibkit-collection", *path)


_INITIALS = re.compile(r"^[A-Z]{2,3}$")


def creator(person: Person, creator_type: str) -> dict[str, str]:
    """A Zotero creator as Zotero's BibTeX importer makes it: an organisation as one name; a particle
    with the family name when written "von Last, First", with the given name when written "First
    von Last"; a suffix after the given name ("Michael, III")."""
    if person.literal:
        return {"creatorType": creator_type, "name": person.last}
    first, von = person.first, person.von
    last = f"{von} {person.last}".strip()
    if person.given_first or (von and not first):
        # Written "First von Last" ("American Rights at Work", "sudhin jacob"): Zotero's importer
        # reads the last word as the family name and every word before it as the given name; so
        # does bibkit, so the item is the one a colleague's own import makes.
        words = f"{first} {last}".split()
        first, last = " ".join(words[:-1]), words[-1] if words else ""
    if _INITIALS.match(first):  # "KC Wright": initials written without stops, as Zotero reads them
        first = " ".join(f"{c}." for c in first)
    if person.jr:
        first = f"{first}, {person.jr}" if first else person.jr
    return {"creatorType": creator_type, "firstName": first, "lastName": last}


def _date(record: Record) -> str:
    if not record.year:
        return ""
    if record.month and record.day:
        return f"{record.year}-{record.month:02d}-{record.day:02d}"
    return f"{record.year}-{record.month:02d}" if record.month else str(record.year)


def category_path(record: Record, index: int) -> tuple[str, ...]:
    """The collection path of the index-th place: the list's name, then its headings."""
    return (record.sources[index].list_name or "bibliography", *record.categories[index])


def collection_paths(record: Record) -> list[tuple[str, ...]]:
    return list(dict.fromkeys(category_path(record, i) for i in range(len(record.sources))))


def keyword_tags(record: Record) -> list[str]:
    return list(dict.fromkeys("/".join(path) for path in record.categories if path))


@dataclass(frozen=True)
class Mapped:
    item: ItemData  # the regular item, without "version"
    note: NoteData | None  # the curator's notes as a child note, or None


def _type_fields(record: Record, work: WorkType) -> dict[str, str]:
    """What the work type's own fields hold: its container, and what each type names its parts."""
    venue = record.venue
    fields: dict[str, str] = {}
    container = work.container[1]
    if container and venue and venue.name:
        fields[container] = venue.name
    name = work.zotero
    if name in ("blogPost", "webpage") and record.site:
        fields[container] = record.site
    if name == "conferencePaper":
        fields["conferenceName"] = record.event or (
            f"{venue.acronym} {record.year}" if venue and venue.acronym and record.year else ""
        )
    elif name == "report" and venue:
        fields["institution"] = venue.institution or venue.name
        fields["reportType"] = record.type_label or (venue.name if not record.work else "")
    elif name == "preprint" and record.ids.arxiv:
        fields["repository"] = "arXiv"
        fields["archiveID"] = f"arXiv:{record.ids.arxiv}"
    elif name == "computerProgram":
        fields["company"] = "GitHub" if record.site == "github.com" else record.site
    elif name == "presentation":
        fields["presentationType"] = "Slides"
        if venue:
            fields["meetingName"] = venue.name
    elif name == "thesis":
        fields["thesisType"] = record.type_label
    elif name == "manuscript":
        fields["manuscriptType"] = record.type_label
    if work.number and record.issue:
        fields[work.number] = record.issue
    return fields


def to_item(record: Record) -> Mapped:
    """Zotero item JSON for a record (which must have its citation key): the work type decides
    the item type and where each part goes (``worktype.TYPES``)."""
    assert record.key, "a record needs its citation key before it is mapped"
    work = work_type(record)
    itype = work.zotero
    fields: dict[str, object] = {"itemType": itype, work.title_field: record.title}
    creators = [creator(p, work.creator) for p in record.authors]
    if work.editors:
        creators += [creator(p, "editor") for p in record.editors]
    creators += [creator(p, "translator") for p in record.translators]
    fields["creators"] = creators
    extra = [f"Citation Key: {record.key}"]
    fields.update(_type_fields(record, work))
    publisher = record.publisher or (record.venue.publisher if record.venue else "")
    for name, value in (
        ("publisher", publisher),
        ("volume", record.volume),
        ("place", record.place),
        ("abstractNote", record.abstract),
        ("ISBN", record.isbn),
        ("ISSN", record.issn),
        ("edition", record.edition),
        ("series", record.series),
        ("rights", record.rights),
        ("accessDate", record.access_date),
        ("journalAbbreviation", record.journal_abbrev),
        ("numPages", record.num_pages),
        ("numberOfVolumes", record.volumes),
        ("pages", latex_to_rich(record.pages)),  # "1--10" as Zotero shows it: "1–10"
    ):
        if value and work.accepts(name) and name not in fields:
            fields[name] = value
    if record.ids.arxiv and itype != "preprint":
        extra.append(f"arXiv: {record.ids.arxiv}")
    if record.ids.doi:
        if work.accepts("DOI"):
            fields["DOI"] = record.ids.doi
        else:
            extra.insert(1, f"DOI: {record.ids.doi}")
    extra += record.extra
    fields[work.date_field] = _date(record)
    fields["url"] = record.url
    fields["shortTitle"] = record.nickname
    fields["language"] = record.language or ("zh" if has_cjk(record.title) else "")
    fields["citationKey"] = record.key
    fields["extra"] = "\n".join(extra)
    fields["tags"] = [{"tag": MARKER_TAG, "type": 1}] + [{"tag": t, "type": 1} for t in keyword_tags(record)]
    fields["collections"] = [collection_key(p) for p in collection_paths(record)]
    item = {
        "key": record.zotero_key or item_key(record.key),
        **{k: v for k, v in fields.items() if v not in ("", None) or k == work.title_field},
    }
    for name in list(item):
        if name not in ("key", "itemType", "tags", "collections") and not work.accepts(name):
            raise AssertionError(f"{name} is not a field of {itype}")  # a mapping bug, caught by tests
    note = None
    if record.notes:
        body = "".join(f"<p>{html.escape(n).replace(chr(10), '<br/>')}</p>" for n in record.notes)
        note = {
            "key": note_key(record.key),
            "itemType": "note",
            "parentItem": item["key"],
            "note": body,
            "tags": [{"tag": MARKER_TAG, "type": 1}],
            "collections": [],
        }
    return Mapped(item, note)


# Fields bibkit owns on its items: what a sync compares and may update. Everything else
# (a colleague's tags, notes, attachments, relations, other fields) is left alone.
MANAGED_FIELDS = (
    "itemType",
    "title",
    "caseName",
    "creators",
    "date",
    "issueDate",
    "dateDecided",
    "url",
    "shortTitle",
    "language",
    "citationKey",
    "extra",
    "proceedingsTitle",
    "conferenceName",
    "publisher",
    "publicationTitle",
    "institution",
    "reportType",
    "repository",
    "archiveID",
    "blogTitle",
    "websiteTitle",
    "company",
    "presentationType",
    "meetingName",
    "DOI",
    "pages",
    "volume",
    "issue",
    "place",
    "abstractNote",
    "bookTitle",
    "university",
    "thesisType",
    "manuscriptType",
    "reportNumber",
    "seriesNumber",
    "ISBN",
    "ISSN",
    "edition",
    "series",
    "rights",
    "accessDate",
    "journalAbbreviation",
    "numPages",
    "numberOfVolumes",
    "encyclopediaTitle",
)


def managed_view(item: ItemData) -> JSONObject:
    """The managed fields of an item, empty values dropped, for comparison."""
    return {k: item[k] for k in MANAGED_FIELDS if item.get(k) not in (None, "", [])}
