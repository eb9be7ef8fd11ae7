"""Invariants of the list reader, on generated lists (hypothesis):

1. every paper identifier a list links is the identifier of an entry (before and after
   deduplication: different identifiers never merge);
2. navigation (in-page anchors, tables of contents) is never an entry or a category;
3. a title is never generic, and the reader never raises.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.dedupe import deduplicate
from bibkit.normalize.record import normalize_record
from bibkit.sources.markdown import linked_identifiers, missing_identifiers, parse_markdown
from bibkit.sources.markdown.titles import is_generic

arxiv_ids = st.builds(
    lambda y, m, n: f"{y:02d}{m:02d}.{n:05d}", st.integers(15, 25), st.integers(1, 12), st.integers(1, 99999)
)
acl_ids = st.builds(lambda y, n: f"P{y:02d}-{n:04d}", st.integers(10, 19), st.integers(1001, 1999))
doi_ids = st.builds(lambda n: f"10.1145/{n}", st.integers(100000, 999999))
urls = st.one_of(
    arxiv_ids.map(lambda i: f"https://arxiv.org/abs/{i}"),
    arxiv_ids.map(lambda i: f"https://arxiv.org/pdf/{i}.pdf"),
    acl_ids.map(lambda i: f"https://www.aclweb.org/anthology/{i}"),
    doi_ids.map(lambda i: f"https://doi.org/{i}"),
)
words = st.lists(
    st.sampled_from(
        [
            "Neural",
            "Attention",
            "Graph",
            "Learning",
            "Models",
            "for",
            "of",
            "Deep",
            "Translation",
            "BERT",
            "Sparse",
            "Prompt",
            "Tuning",
            "语言",
            "模型",
        ]
    ),
    min_size=1,
    max_size=7,
).map(" ".join)
names = st.lists(
    st.sampled_from(["Ada Lovelace", "Alan Turing", "Grace Hopper", "Yoshua Bengio", "Ning Ding"]),
    min_size=1,
    max_size=4,
).map(", ".join)
labels = st.sampled_from(["paper", "pdf", "arXiv", "Paper", "Tweet", "code", "Project", "link"])


@st.composite
def item_lines(draw: st.DrawFn) -> str:
    url, url2 = draw(urls), draw(urls)
    title, who, label = draw(words), draw(names), draw(labels)
    form = draw(st.integers(0, 11))
    return [
        f"- [{title}]({url}) - {draw(words)}",
        f"- **{title}**. *{who}*. (ACL 2019) [[{label}]]({url})[[code]](https://github.com/a/b)",
        f"1. {who}. 2019. [{title}]({url}). *Proceedings of EMNLP 2019*.",
        f"1. [arXiv:1810.04805]({url}), {title}, Authors: {who}",
        f"* [owner/repo](https://github.com/owner/repo), {title} {url}",
        f"- [{title}]({url}) and [{draw(words)}]({url2}) - {draw(words)}",
        f"We discuss {title} in [this paper]({url}) and more.",
        f"> **{title}** see {url}",
        f"| 1) {title}  {draw(words)} | [{label}]({url}), [Tweet](https://x.com/a/1) |",
        f"- {title} (NAACL 2019) [[{label}]]({url}) [[{label}]]({url2})",
        f"{title}\n\n   *{who}* [[pdf]({url})], 2021.11",
        f"#### [{title}]({url})",
    ][form]


@st.composite
def lists(draw: st.DrawFn) -> str:
    parts = ["# A List", "", "## Contents", "- [Intro](#intro)", "  - [Part](#part)", ""]
    for _ in range(draw(st.integers(1, 4))):
        parts += [f"## {draw(words)}", "", "[Back to Top](#contents)", ""]
        for line in draw(st.lists(item_lines(), min_size=1, max_size=4)):
            if line.startswith("|"):
                parts += ["| Paper | Links |", "|---|---|", line, ""]
            else:
                parts += [line, ""]
    return "\n".join(parts)


@settings(max_examples=60, deadline=None)
@given(lists())
def test_no_linked_identifier_is_lost_and_different_ids_never_merge(text: str) -> None:
    records, _ = parse_markdown(text, "l.md", "L")
    linked = linked_identifiers(text, "l.md", "L")
    assert missing_identifiers(linked, records) == [], text
    normalized = [normalize_record(r)[0] for r in records]
    merged, _, _ = deduplicate(normalized)
    assert missing_identifiers(linked, merged) == [], text


@settings(max_examples=60, deadline=None)
@given(lists())
def test_navigation_is_never_an_entry_and_titles_are_titles(text: str) -> None:
    records, problems = parse_markdown(text, "l.md", "L")
    for record in records:
        assert not record.url.startswith("#")
        assert "Contents" not in {part for path in record.categories for part in path}
        assert record.title == "" or not is_generic(record.title)
        if not record.title:
            assert any(p.kind == "untitled-paper" and p.source == record.source for p in problems)
