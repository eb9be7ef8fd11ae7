"""What makes two records (or a record and an old BibTeX entry) the same work.

Tokens are strings such as ``arxiv:1706.03762`` or ``url:github.com/google/bert``;
two things sharing a token are the same work.  Used by deduplication and by key
stability (a key once written stays with its work).
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

from . import ids
from .model import Identifiers, Kind, Record


def normalized_title(title: str) -> str:
    """Unicode folded, casefolded, letters and digits only; CJK kept (not reduced to nothing)."""
    text = unicodedata.normalize("NFKC", title).casefold()
    folded = "".join(ch if ord(ch) > 0x2E7F else unidecode(ch) for ch in text)
    return re.sub(r"[^0-9a-z\u2e80-\U0002ffff]+", "", folded)


def identity_tokens(record: Record) -> list[str]:
    """Strongest first: identifiers, then the main link, then the title (papers only)."""
    tokens = [f"{scheme}:{value}" for scheme, value in record.ids.as_pairs()]
    if record.url:
        tokens.append(f"url:{ids.url_identity(record.url)}")
    if record.kind == Kind.PAPER and record.title:
        tokens.append(f"title:{normalized_title(record.title)}")
    return tokens


def tokens_from_fields(fields: dict[str, str], title_text: str) -> list[str]:
    """Identity tokens of an existing BibTeX entry (fields already in plain text)."""
    found = Identifiers()
    if fields.get("eprint"):
        arxiv = ids.parse_arxiv_id(fields["eprint"])
        found = Identifiers(arxiv=arxiv)
    if fields.get("doi"):
        found = ids.merge_identifiers(found, Identifiers(doi=ids.normalize_doi(fields["doi"])))
    url = fields.get("url", "")
    if url:
        found = ids.merge_identifiers(found, ids.identifiers_from_url(url))
    tokens = [f"{scheme}:{value}" for scheme, value in found.as_pairs()]
    if url:
        tokens.append(f"url:{ids.url_identity(url)}")
    if title_text:
        tokens.append(f"title:{normalized_title(title_text)}")
    return tokens
