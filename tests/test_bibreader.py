"""The .bib reader on generated files with @string macros, concatenation, month macros, crossrefs,
accents and math, in braces and parentheses: nothing lost, and the same values another parser
reads (pybtex, which expands macros and concatenation as BibTeX does; bibtexparser v2 with its
string-resolving middleware where it applies)."""

from __future__ import annotations

import bibtexparser
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse

from bibkit.bibdedupe import dedupe_text
from bibkit.sources.bibfile import read_bib
from bibkit.sources.bibscan import scan

WORDS = ["Attention", "graph", "Neural", 'M{\\"u}ller', "$x^{2}$", 'na{\\"\\i}ve', "Caf{\\'e}", "{BERT}", "data"]
MACROS = {"acl": "Proceedings of ACL", "pub": "Springer {V}erlag", "conf": "Conference on $\\alpha$-Things"}


@st.composite
def value(draw: st.DrawFn) -> tuple[str, str]:
    """(BibTeX value as written, its expansion)."""
    parts = draw(st.lists(st.sampled_from(["word", "macro", "quoted"]), min_size=1, max_size=3))
    written, expanded = [], []
    for part in parts:
        if part == "macro":
            name = draw(st.sampled_from(sorted(MACROS)))
            written.append(name)
            expanded.append(MACROS[name])
        else:
            text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))
            written.append(f'"{text}"' if part == "quoted" else "{" + text + "}")
            expanded.append(text)
    return " # ".join(written), "".join(expanded)


@st.composite
def bib_file(draw: st.DrawFn) -> tuple[str, dict[str, dict[str, str]]]:
    """A file and, per key, the fields it must read (lower-case names, expanded values)."""
    lines = [
        "% a comment line",
        '@string{acl = "Proceedings of ACL"}',
        "@string(pub = {Springer {V}erlag})",
        "@STRING{conf = {Conference on $\\alpha$-Things}}",
        '@preamble{"\\newcommand{\\noop}[1]{}"}',
        "@proceedings{proc2019, title = {Proceedings of Things}, year = 2019, editor = {Ed, Itor}, publisher = pub}",
    ]
    expected: dict[str, dict[str, str]] = {}
    n = draw(st.integers(min_value=1, max_value=5))
    for i in range(n):
        key = f"entry{i}"
        etype = draw(st.sampled_from(["article", "inproceedings", "misc", "book"]))
        title_written, title = draw(value())
        title_written = "{Study number " + str(i) + " of } # " + title_written
        title = f"Study number {i} of " + title
        fields = {"title": (title_written, title)}
        if draw(st.booleans()):
            fields["journal"] = draw(value())
        month = draw(st.sampled_from(["", "mar", "{June}", "11"]))
        if month:
            fields["month"] = (month, {"mar": "March"}.get(month, month.strip("{}")))
        fields["year"] = ("2001", "2001")
        crossref = etype == "inproceedings" and draw(st.booleans())
        if crossref:
            fields["crossref"] = ("{proc2019}", "proc2019")
        paren = draw(st.booleans())
        body = ",\n  ".join(f"{name} = {w}" for name, (w, _) in fields.items())
        lines.append(f"@{etype}({key},\n  {body}\n)" if paren else f"@{etype}{{{key},\n  {body}\n}}")
        expected[key] = {name: v for name, (_, v) in fields.items()}
        if crossref:
            expected[key].update({"booktitle": "Proceedings of Things", "publisher": "Springer {V}erlag"})
    return "\n\n".join(lines) + "\n", expected


@settings(max_examples=150, deadline=None)
@given(bib_file())
def test_the_scanner_reads_every_field_and_keeps_every_byte(generated: tuple[str, dict[str, dict[str, str]]]) -> None:
    text, expected = generated
    assert "".join(block.text for block in scan(text)) == text, "lossless: the blocks are the file"
    bib = read_bib(text, "gen.bib", with_authors=True)
    assert not bib.problems
    read = {item.key: item.block.fields for item in bib.items}
    for key, fields in expected.items():
        for name, value_ in fields.items():
            assert read[key][name] == value_, (key, name)
    # pybtex, an independent BibTeX parser, expands macros, "#" and months the same way.
    other = pybtex_parse(text, "bibtex")
    for key in expected:
        for name, value_ in other.entries[key].fields.items():
            if name.lower() != "month":  # pybtex keeps a month macro's full name, as bibkit does
                assert read[key][name.lower()] == value_, (key, name)


@settings(max_examples=60, deadline=None)
@given(bib_file())
def test_dedupe_writes_a_file_without_duplicates_back_byte_for_byte(generated: tuple[str, dict]) -> None:
    text, _ = generated
    result = dedupe_text(text, "gen.bib")
    assert not result.groups
    assert result.text == text


def test_bibtexparser_with_its_middlewares_reads_the_same_single_macro_values() -> None:
    text = (
        "@string{acl = {Proceedings of ACL}}\n"
        "@inproceedings{a, title = {A {T}itle}, booktitle = acl, year = 2020}\n"
        '@article(b, title = "Quoted {B}", journal = {J}, year = {2021})\n'
    )
    library = bibtexparser.parse_string(text)  # ResolveStringReferences + RemoveEnclosing by default
    theirs = {e.key: {f.key: str(f.value) for f in e.fields} for e in library.entries}
    ours = {item.key: item.block.fields for item in read_bib(text, "t.bib").items}
    assert ours == theirs


def test_crossref_and_zotero_text_in_a_record() -> None:
    text = (
        "@proceedings{p, title = {Proc. of {XYZ}}, editor = {Ed, Itor and Other, An}, year = 2006, month = oct}\n"
        "@inproceedings{a, title = {On $\\Sigma^{0}$ and \\textit{Things}}, author = {Doe, J.}, crossref = {p}}\n"
    )
    records = {item.key: item.record for item in read_bib(text, "t.bib", with_authors=True).items}
    paper = records["a"]
    assert paper.title == "On Σ⁰ and <i>Things</i>"
    assert paper.venue is not None and paper.venue.name == "Proc. of XYZ" and paper.year == 2006 and paper.month == 10
    assert [p.last for p in paper.editors] == ["Ed", "Other"] and [p.last for p in paper.authors] == ["Doe"]
    assert records["p"].work == "book" and not records["p"].authors, "an editor is not made an author"


def test_a_key_used_twice_names_its_first_entry_and_a_keyless_entry_takes_a_free_key() -> None:
    """BibTeX keeps the first entry of a repeated key ("Repeated entry"), so a crossref names that
    one; a key made for an entry written without one is free in the whole file, later entries
    included (compared without case, as BibTeX compares keys)."""
    text = (
        "@proceedings{p, title = {First}, year = 2001}\n"
        "@proceedings{P, title = {Second}, year = 2002}\n"
        "@inproceedings{a, title = {A paper}, crossref = {p}}\n"
        "@misc{, title = {Graphs}, year = 2020}\n"
        "@misc{graphs2020, title = {Other}, year = 2020}\n"
    )
    bib = read_bib(text, "t.bib")
    items = {item.key: item for item in bib.items}
    assert items["a"].block.fields["booktitle"] == "First" and items["a"].record.year == 2001
    assert [p.kind for p in bib.problems] == ["missing-key", "duplicate-key"]
    assert "already used on line 1" in bib.problems[1].message
    assert [item.key for item in bib.items][3:] == ["graphs20202", "graphs2020"]


def test_zotero_text_is_written_back_as_latex() -> None:
    from dataclasses import replace

    from bibkit.bibtex import write_string

    text = (
        "@article{a, title = {On $\\Sigma^{0}$ and \\textit{Natrix} \\textsc{Species}}, journal = {J}, year = 2001}\n"
    )
    record = read_bib(text, "t.bib", with_authors=True).items[0].record
    assert record.title == 'On Σ⁰ and <i>Natrix</i> <span style="font-variant:small-caps;">Species</span>'
    written = write_string([replace(record, key="a")])
    assert "\\textit{Natrix} \\textsc{Species}" in written and "Σ⁰" in written
    again = read_bib(written, "w.bib", with_authors=True).items[0].record
    assert again.title == record.title and again.work == "journalArticle"
