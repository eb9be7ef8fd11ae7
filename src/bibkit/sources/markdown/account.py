"""Stage 5 of the reader: the paper identifiers a list links, each with its line, so the
build can say which of them are not identifiers of any entry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ... import ids
from ...model import Identifiers, Record, Source

# Every URL written in the text, in a Markdown link, an HTML attribute or bare.
_URL = re.compile(r"""(?:https?://|www\.)[^\s<>"'`\])|]+(?:\([^\s()]*\)[^\s<>"'`\])|]*)*""", re.I)


@dataclass(frozen=True)
class LinkedId:
    token: str  # as identity tokens spell it: "arxiv:1706.03762", "acl:p19-1423", "doi:10.1145/..."
    source: Source


def linked_identifiers(text: str, file: str, list_name: str = "") -> list[LinkedId]:
    """Each identifier the list links, once, at the first line that links it."""
    seen: dict[str, LinkedId] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for m in _URL.finditer(line):
            for token in tokens_of(ids.link_identifiers(m.group(0).rstrip(".,;:"))):
                seen.setdefault(token, LinkedId(token, Source(file, number, list_name)))
    return list(seen.values())


def tokens_of(found: Identifiers) -> list[str]:
    return [f"{scheme}:{value.lower()}" for scheme, value in found.as_pairs()]


def written_tokens(record: Record) -> list[str]:
    """The identifiers an entry states in its identity fields: eprint (arXiv), doi, and its url."""
    found = Identifiers(arxiv=record.ids.arxiv, doi=record.ids.doi)
    if record.url:
        found = ids.merge_identifiers(found, ids.identifiers_from_url(record.url))
    tokens = tokens_of(found)
    for token in list(tokens):  # the ACL Anthology's DOIs and arXiv's DataCite DOIs name those ids
        if token.startswith("doi:10.18653/v1/"):
            tokens.append("acl:" + token.removeprefix("doi:10.18653/v1/"))
        elif token.startswith("doi:10.48550/arxiv."):
            tokens.append("arxiv:" + token.removeprefix("doi:10.48550/arxiv."))
    return tokens


def missing_identifiers(linked: list[LinkedId], records: list[Record]) -> list[LinkedId]:
    """The linked identifiers that no entry states."""
    held = {t for r in records for t in written_tokens(r)}
    return [item for item in linked if _normal(item.token) not in held]


def _normal(token: str) -> str:
    if token.startswith("doi:10.48550/arxiv."):
        return "arxiv:" + token.removeprefix("doi:10.48550/arxiv.")
    if token.startswith("doi:10.18653/v1/"):
        return "acl:" + token.removeprefix("doi:10.18653/v1/")
    return token
