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
from dataclasses import dataclass

from ..model import Kind, Person, Record, VenueKind
from ..text import has_cjk
from .types import ItemData, JSONObject, NoteData

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
MARKER_TAG = "bibkit"  # on every item bibkit creates; with the key scheme, how it knows its own

# Fields each item type accepts (the subset bibkit writes), per Zotero's schema.
COMMON = {
    "title",
    "creators",
    "date",
    "url",
    "shortTitle",
    "language",
    "extra",
    "citationKey",
    "abstractNote",
    "accessDate",
    "rights",
}
TYPE_FIELDS: dict[str, set[str]] = {
    "conferencePaper": COMMON
    | {"proceedingsTitle", "conferenceName", "publisher", "place", "pages", "DOI", "volume", "series"},
    "journalArticle": COMMON | {"publicationTitle", "volume", "issue", "pages", "DOI", "journalAbbreviation", "ISSN"},
    "preprint": COMMON | {"repository", "archiveID", "DOI", "place", "genre"},
    "blogPost": COMMON | {"blogTitle", "websiteType"},
    "webpage": COMMON | {"websiteTitle", "websiteType"},
    "computerProgram": COMMON | {"company", "place", "versionNumber", "programmingLanguage", "system"},
    "book": COMMON | {"publisher", "place", "edition", "volume", "numPages", "ISBN", "series"},
    "bookSection": COMMON | {"bookTitle", "publisher", "place", "pages", "ISBN"},
    "report": COMMON | {"institution", "reportNumber", "reportType", "place", "pages", "publisher"},
    "thesis": COMMON | {"university", "thesisType", "place", "numPages"},
    "presentation": COMMON | {"presentationType", "meetingName", "place"},
}
CREATOR_TYPE = {"computerProgram": "programmer", "presentation": "presenter"}


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


def item_type(record: Record) -> str:
    venue = record.venue
    if record.kind == Kind.PAPER:
        kind = venue.kind if venue else None
        if kind in (VenueKind.CONFERENCE, VenueKind.WORKSHOP, VenueKind.OTHER):
            return "conferencePaper"
        if kind == VenueKind.JOURNAL:
            return "journalArticle"
        if kind == VenueKind.REPORT:
            return "report"
        return "preprint"
    return {
        Kind.ARTICLE: "blogPost",
        Kind.WEBPAGE: "webpage",
        Kind.REPOSITORY: "computerProgram",
        Kind.BOOK: "book",
        Kind.SLIDES: "presentation",
        Kind.REPORT: "report",
        Kind.THESIS: "thesis",
        Kind.CHAPTER: "bookSection",
    }[record.kind]


def creator(person: Person, creator_type: str) -> dict[str, str]:
    if person.literal:
        return {"creatorType": creator_type, "name": person.last}
    last = f"{person.von} {person.last}".strip()
    if person.jr:
        last = f"{last}, {person.jr}"
    return {"creatorType": creator_type, "firstName": person.first, "lastName": last}


def _date(record: Record) -> str:
    if not record.year:
        return ""
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


def to_item(record: Record) -> Mapped:
    """Zotero item JSON for a record (which must have its citation key)."""
    assert record.key, "a record needs its citation key before it is mapped"
    itype = item_type(record)
    fields: dict[str, object] = {"itemType": itype, "title": record.title}
    ctype = CREATOR_TYPE.get(itype, "author")
    fields["creators"] = [creator(p, ctype) for p in record.authors]
    venue = record.venue
    extra = [f"Citation Key: {record.key}"]
    if itype == "conferencePaper" and venue:
        fields["proceedingsTitle"] = venue.name
        if venue.acronym and record.year:
            fields["conferenceName"] = f"{venue.acronym} {record.year}"
        if venue.publisher:
            fields["publisher"] = venue.publisher
    elif itype == "journalArticle" and venue:
        fields["publicationTitle"] = venue.name
    elif itype == "report" and venue:
        fields["institution"] = venue.institution or venue.name
        fields["reportType"] = venue.name
    elif itype == "preprint":
        if record.ids.arxiv:
            fields["repository"] = "arXiv"
            fields["archiveID"] = f"arXiv:{record.ids.arxiv}"
    elif itype in ("blogPost", "webpage"):
        fields["blogTitle" if itype == "blogPost" else "websiteTitle"] = record.site
    elif itype == "computerProgram":
        fields["company"] = "GitHub" if record.site == "github.com" else record.site
    elif itype == "presentation":
        fields["presentationType"] = "Slides"
        if venue:
            fields["meetingName"] = venue.name
    elif itype == "bookSection" and venue:
        fields["bookTitle"] = venue.name
    elif itype == "thesis" and venue:
        fields["university"] = venue.name
    publisher = record.publisher or (venue.publisher if venue else "")
    if publisher and "publisher" in TYPE_FIELDS[itype] and "publisher" not in fields:
        fields["publisher"] = publisher
    for name, value in (
        ("volume", record.volume),
        ("issue", record.issue),
        ("place", record.place),
        ("abstractNote", record.abstract),
    ):
        if value and name in TYPE_FIELDS[itype]:
            fields[name] = value
    if record.ids.arxiv and itype != "preprint":
        extra.append(f"arXiv: {record.ids.arxiv}")
    if record.ids.doi:
        if "DOI" in TYPE_FIELDS[itype]:
            fields["DOI"] = record.ids.doi
        else:
            extra.append(f"DOI: {record.ids.doi}")
    if record.pages and "pages" in TYPE_FIELDS[itype]:
        fields["pages"] = record.pages.replace("--", "-")
    fields["date"] = _date(record)
    fields["url"] = record.url
    fields["shortTitle"] = record.nickname
    fields["language"] = record.language or ("zh" if has_cjk(record.title) else "")
    fields["citationKey"] = record.key
    fields["extra"] = "\n".join(extra)
    fields["tags"] = [{"tag": MARKER_TAG, "type": 1}] + [{"tag": t, "type": 1} for t in keyword_tags(record)]
    fields["collections"] = [collection_key(p) for p in collection_paths(record)]
    item = {"key": item_key(record.key), **{k: v for k, v in fields.items() if v not in ("", None) or k == "title"}}
    for name in list(item):
        if name not in ("key", "itemType", "tags", "collections") and name not in TYPE_FIELDS[itype]:
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
    "creators",
    "date",
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
)


def managed_view(item: ItemData) -> JSONObject:
    """The managed fields of an item, empty values dropped, for comparison."""
    return {k: item[k] for k in MANAGED_FIELDS if item.get(k) not in (None, "", [])}
