"""What makes two records (or a record and an old BibTeX entry) the same work.

Tokens are strings such as ``arxiv:1706.03762`` or ``url:github.com/google/bert``;
two things sharing a *strong* token (an identifier, or the same main link) are the same
work.  The title token is weaker: deduplication guards it with years and authors, key
stability uses it only when nothing stronger matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from unidecode import unidecode

from . import ids
from .model import Identifiers, Kind, Person, Record
from .normalize.richtext import plain

_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)


def normalized_title(title: str) -> str:
    """Unicode folded, casefolded, letters and digits only; CJK kept (not reduced to nothing,
    which would make every Chinese title equal)."""
    return "".join(title_words(title))


def family_name(last: str) -> str:
    """A family name folded as titles are, its words kept apart ("Parra Escartín" is "parra
    escartin"): a name written "Carla Parra Escartín" reads as family name "Escartín" alone, and
    the two still share a word."""
    return " ".join(title_words(last))


def family_names(people: Iterable[Person]) -> list[str]:
    """The people's family names in order, folded (``family_name``); those that fold to nothing
    left out."""
    return [f for f in (family_name(p.last) for p in people) if f]


_WORD = re.compile(r"[0-9a-z\u2e80-\U0002ffff]+")


def title_words(title: str) -> list[str]:
    """The title's words, folded as in ``normalized_title``."""
    if "<" in title:
        title = plain(title)  # Zotero's <i>...</i> from a .bib is not part of the title's words
    if title.isascii():  # NFKC changes no ASCII text, and casefold is lower there
        folded = title.lower()
    else:
        text = unicodedata.normalize("NFKC", title).casefold()
        folded = "".join(ch if ord(ch) < 128 or ord(ch) > 0x2E7F else unidecode(ch) for ch in text)
    folded = folded.replace("-", "")  # "Pre-training" and "Pretraining" are one word
    folded = folded.replace("&", " and ")  # "Audio & Text", "Audio {\\&} Text" and "Audio and Text" too
    # Letters and digits; from the CJK radicals (U+2E80) up, every character is kept as it is.
    return _WORD.findall(folded)


_ACL_VOLUME = re.compile(r"(?:\.0|-\d000)$")


def _id_tokens(found: Identifiers) -> list[str]:
    tokens = []
    for scheme, value in found.as_pairs():
        if scheme == "acl" and _ACL_VOLUME.search(value):
            continue  # "2006.amta-panels.0", "P19-1000": a whole volume's id, not one work's
        # An arXiv DataCite DOI is the arXiv id in another form, not a publisher's DOI.
        m = _ARXIV_DOI.match(value) if scheme == "doi" else None
        tokens.append(f"arxiv:{m.group(1).lower()}" if m else f"{scheme}:{value}")
    return tokens


def strong_tokens(record: Record) -> list[str]:
    """Identifiers, then the main link: a shared one means the same work (see
    ``strong_tokens_of``)."""
    return strong_tokens_of(record.ids, record.url, record.kind)


def strong_tokens_of(found: Identifiers, url: str, kind: Kind) -> list[str]:
    """The strong tokens of a work with these identifiers, main link and kind.

    A paper's link counts only through the identifiers it carries: papers of one event
    often share a link to the whole proceedings (COLT 2010 in DBLP), which identifies none
    of them.  Posts and repositories are identified by their link.
    """
    tokens = _id_tokens(found)
    if url and kind != Kind.PAPER:
        tokens.append(f"url:{ids.url_identity(url)}")
    return list(dict.fromkeys(tokens))


class MatchKey(NamedTuple):
    """What deduplication compares of a record, all of it: its title's folded words
    (``title_words``), its strong tokens, year, kind, and whether it is a published version.
    Author names are read apart, and only for the few records whose titles or tokens meet
    another's."""

    words: list[str]
    tokens: list[str]
    year: int | None = None
    kind: Kind = Kind.PAPER
    published: bool = False
    ids: tuple[str, ...] = ()  # see conflict_ids

    @property
    def title(self) -> str:
        """The folded title (``normalized_title``): what deduplication compares titles by."""
        return "".join(self.words)


def match_key_of(record: Record) -> MatchKey:
    return MatchKey(
        title_words(record.title),
        strong_tokens(record),
        record.year,
        record.kind,
        record.published,
        conflict_ids(record.ids),
    )


CONFLICT_SCHEMES = ("arxiv", "acl", "openreview", "pmlr", "doi")


def conflict_ids(found: Identifiers) -> tuple[str, ...]:
    """A work's identifier in each of ``CONFLICT_SCHEMES`` ('' where it has none), lower-cased:
    two different ones of a scheme are two different works. An ACL Anthology volume id counts
    here (two volumes are two works) though it is no strong token (a paper may link its volume);
    an arXiv DataCite DOI is the arXiv id, not a publisher's DOI."""
    doi = (found.doi or "").lower()
    return (
        (found.arxiv or "").lower(),
        (found.acl or "").lower(),
        (found.openreview or "").lower(),
        (found.pmlr or "").lower(),
        "" if doi.startswith("10.48550/") else doi,
    )


def identity_tokens(record: Record) -> list[str]:
    """Strongest first: identifiers, the main link, then the title (papers only)."""
    tokens = strong_tokens(record)
    if record.kind == Kind.PAPER and record.title:
        tokens.append(f"title:{normalized_title(record.title)}")
    return tokens


def tokens_from_fields(fields: dict[str, str], title_text: str) -> list[str]:
    """Identity tokens of an existing BibTeX entry (fields already in plain text)."""
    found = Identifiers()
    if fields.get("eprint"):
        found = Identifiers(arxiv=ids.parse_arxiv_id(fields["eprint"]))
    if fields.get("doi"):
        found = ids.merge_identifiers(found, Identifiers(doi=ids.normalize_doi(fields["doi"])))
    url = ids.unescape_url(fields.get("url", ""))
    if url:
        found = ids.merge_identifiers(found, ids.identifiers_from_url(url))
    tokens = _id_tokens(found)
    if url:
        tokens.append(f"url:{ids.url_identity(url)}")
    if title_text:
        tokens.append(f"title:{normalized_title(title_text)}")
    return tokens
