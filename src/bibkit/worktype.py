"""What kind of work an entry is, decided once, and the BibTeX and Zotero forms that follow from it.

A work type is named by its Zotero item type (the richest shared vocabulary).  Each row says
which BibTeX entry type is written for it, which field holds its container (the proceedings,
journal, book, school, institution, blog, website) in BibTeX and in Zotero, which Zotero field
BibTeX's ``number`` goes to, and which Zotero fields the type accepts (Zotero's schema: the Web
API rejects a field a type does not have).  ``work_type`` decides the type of a record once;
``bibtex.py`` and ``zotero/mapping.py`` only read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Kind, Record, VenueKind

COMMON = frozenset(
    {
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
)


@dataclass(frozen=True)
class WorkType:
    zotero: str  # the Zotero item type, the work type's name
    bibtex: str  # the BibTeX entry type written for it
    container: tuple[str, str] = ("", "")  # (BibTeX field, Zotero field) naming where it appeared
    number: str = ""  # the Zotero field of BibTeX's number
    fields: frozenset[str] = frozenset()  # Zotero fields of the type, besides COMMON
    editors: bool = False  # Zotero takes "editor" creators for this type
    creator: str = "author"  # the Zotero creator type of the authors
    title_field: str = "title"  # a case's title is its caseName
    date_field: str = "date"  # a patent's date is its issueDate, a case's its dateDecided

    def accepts(self, field: str) -> bool:
        if field in ("title", "date"):  # a case has caseName and dateDecided instead
            return field in (self.title_field, self.date_field)
        return field in COMMON or field in self.fields or field in (self.title_field, self.date_field)


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


TYPES: dict[str, WorkType] = {
    t.zotero: t
    for t in (
        WorkType(
            "conferencePaper",
            "inproceedings",
            ("booktitle", "proceedingsTitle"),
            "",
            _f("proceedingsTitle", "conferenceName", "publisher", "place", "pages", "DOI", "volume", "series", "ISBN"),
            editors=True,
        ),
        WorkType(
            "journalArticle",
            "article",
            ("journal", "publicationTitle"),
            "issue",
            _f("publicationTitle", "volume", "issue", "pages", "DOI", "journalAbbreviation", "ISSN", "series"),
            editors=True,
        ),
        WorkType("preprint", "misc", ("", ""), "", _f("repository", "archiveID", "DOI", "place", "genre", "series")),
        WorkType(
            "report",
            "techreport",
            ("institution", "institution"),
            "reportNumber",
            _f("institution", "reportNumber", "reportType", "place", "pages", "seriesTitle"),
        ),
        WorkType(
            "book",
            "book",
            ("", ""),
            "seriesNumber",
            _f(
                "publisher",
                "place",
                "edition",
                "volume",
                "numPages",
                "ISBN",
                "series",
                "seriesNumber",
                "numberOfVolumes",
            ),
            editors=True,
        ),
        WorkType(
            "bookSection",
            "incollection",
            ("booktitle", "bookTitle"),
            "seriesNumber",
            _f(
                "bookTitle",
                "publisher",
                "place",
                "pages",
                "ISBN",
                "edition",
                "volume",
                "series",
                "seriesNumber",
                "numberOfVolumes",
            ),
            editors=True,
        ),
        WorkType(
            "thesis", "phdthesis", ("school", "university"), "", _f("university", "thesisType", "place", "numPages")
        ),
        WorkType("manuscript", "unpublished", ("", ""), "", _f("manuscriptType", "place", "numPages")),
        WorkType("blogPost", "misc", ("howpublished", "blogTitle"), "", _f("blogTitle", "websiteType")),
        WorkType("webpage", "misc", ("howpublished", "websiteTitle"), "", _f("websiteTitle", "websiteType")),
        WorkType(
            "computerProgram",
            "misc",
            ("", ""),
            "",
            _f("company", "place", "versionNumber", "programmingLanguage", "system", "ISBN"),
            creator="programmer",
        ),
        WorkType(
            "presentation", "misc", ("", ""), "", _f("presentationType", "meetingName", "place"), creator="presenter"
        ),
        WorkType("document", "misc", ("", ""), "", _f("publisher"), editors=True),
        WorkType(
            "patent", "misc", ("", ""), "patentNumber", _f("place", "country", "assignee", "patentNumber", "pages")
        ),
        WorkType("letter", "misc", ("", ""), "", _f("letterType")),
        WorkType("film", "misc", ("", ""), "", _f("distributor", "genre")),
        WorkType("artwork", "misc", ("", ""), "", _f("artworkMedium")),
        WorkType("bill", "misc", ("", ""), "", _f("billNumber", "legislativeBody")),
        WorkType("case", "misc", ("", ""), "", _f("court", "reporter")),
        WorkType("audioRecording", "misc", ("", ""), "", _f("place", "label", "ISBN")),
        WorkType("videoRecording", "misc", ("", ""), "", _f("place", "studio", "ISBN")),
        WorkType(
            "encyclopediaArticle",
            "incollection",
            ("booktitle", "encyclopediaTitle"),
            "",
            _f("encyclopediaTitle", "publisher", "place", "pages", "ISBN", "edition", "volume", "series"),
            editors=True,
        ),
        WorkType("dataset", "misc", ("", ""), "", _f("repository", "place", "DOI", "versionNumber")),
    )
}

# BibTeX and BibLaTeX entry types (and Mendeley's, EndNote's and JabRef's names for them) as work
# types: Zotero's importer's table, plus the names other managers write.
ENTRY_TYPES: dict[str, str] = {
    "article": "journalArticle",
    "inproceedings": "conferencePaper",
    "conference": "conferencePaper",
    "book": "book",
    "booklet": "book",
    "manual": "book",
    "proceedings": "book",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "mvproceedings": "book",
    "inbook": "bookSection",
    "incollection": "bookSection",
    "book_section": "bookSection",
    "booksection": "bookSection",
    "suppbook": "bookSection",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "standard": "report",
    "government_document": "report",
    "unpublished": "manuscript",
    "misc": "document",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "web_page": "webpage",
    "patent": "patent",
    "letter": "letter",
    "movie": "film",
    "video": "videoRecording",
    "audio": "audioRecording",
    "artwork": "artwork",
    "legislation": "bill",
    "jurisdiction": "case",
    "software": "computerProgram",
    "inreference": "encyclopediaArticle",
    "dataset": "dataset",
}

# The kind of item each work type is, for deduplication and keys.
KINDS: dict[str, Kind] = {
    "conferencePaper": Kind.PAPER,
    "journalArticle": Kind.PAPER,
    "preprint": Kind.PAPER,
    "manuscript": Kind.PAPER,
    "document": Kind.PAPER,  # in a bibliography a @misc is most often a paper: compared with papers
    "report": Kind.REPORT,
    "book": Kind.BOOK,
    "bookSection": Kind.CHAPTER,
    "encyclopediaArticle": Kind.CHAPTER,
    "thesis": Kind.THESIS,
    "blogPost": Kind.ARTICLE,
    "webpage": Kind.WEBPAGE,
    "computerProgram": Kind.REPOSITORY,
    "presentation": Kind.SLIDES,
}

# A list item's kind (and a paper's venue kind) as a work type: how a list's items are typed.
_BY_KIND = {
    Kind.ARTICLE: "blogPost",
    Kind.WEBPAGE: "webpage",
    Kind.REPOSITORY: "computerProgram",
    Kind.BOOK: "book",
    Kind.SLIDES: "presentation",
    Kind.REPORT: "report",
    Kind.THESIS: "thesis",
    Kind.CHAPTER: "bookSection",
}
_BY_VENUE = {
    VenueKind.CONFERENCE: "conferencePaper",
    VenueKind.WORKSHOP: "conferencePaper",
    VenueKind.OTHER: "conferencePaper",
    VenueKind.JOURNAL: "journalArticle",
    VenueKind.REPORT: "report",
    VenueKind.PREPRINT: "preprint",
}


def work_type(record: Record) -> WorkType:
    """The record's work type: as its .bib entry said, else from what the list item is and
    where the paper appeared."""
    if record.work:
        return TYPES[record.work]
    if record.kind == Kind.PAPER:
        return TYPES[_BY_VENUE[record.venue.kind] if record.venue else "preprint"]
    return TYPES[_BY_KIND[record.kind]]


def kind_of(work: str) -> Kind:
    """The kind of item a work type is (a film or a dataset is a web resource, a patent a report)."""
    media = ("film", "videoRecording", "audioRecording", "dataset", "artwork")
    return KINDS.get(work, Kind.WEBPAGE if work in media else Kind.REPORT)
