"""Anything bibkit writes parses back to the same text, with bibtexparser and with pybtex."""

from __future__ import annotations

import bibtexparser
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse

from bibkit.bibtex import WriteOptions, write_string
from bibkit.keys import assign_keys
from bibkit.model import Kind, Person, Record, Source
from bibkit.normalize.latex import to_text

SRC = Source("l.md", 1, "L")
# Printable text as it appears in titles and names: letters of any script, digits, punctuation,
# and LaTeX's special characters.
TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u00a0"),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
NAME = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(title=TEXT, family=NAME, given_name=NAME, ascii_mode=st.booleans())
def test_title_and_author_round_trip(title: str, family: str, given_name: str, ascii_mode: bool) -> None:
    record = Record(
        kind=Kind.PAPER, title=title, sources=(SRC,), categories=((),), authors=(Person(last=family, first=given_name),)
    )
    (record,) = assign_keys([record])
    text = write_string([record], WriteOptions(ascii=ascii_mode))
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.key == record.key
    assert to_text(entry.fields_dict["title"].value) == title
    pybtex_entry = pybtex_parse(text, "bibtex").entries[record.key]
    (person,) = pybtex_entry.persons["author"]
    assert to_text(" ".join(person.last_names)) == family
    assert to_text(" ".join(person.first_names)) == given_name
