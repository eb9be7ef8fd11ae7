"""Deduplication: what must merge, what must stay apart, and merges that keep everything."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.bibdedupe import dedupe_text
from bibkit.cli import main
from bibkit.dedupe import deduplicate, find_duplicate_keys, find_duplicates, word_difference
from bibkit.model import Identifiers, Kind, Link, Person, Record, Source, Venue, VenueKind

ICLR = Venue("ICLR", "8th International Conference on Learning Representations", VenueKind.CONFERENCE, 2020)
ARXIV = Venue("arXiv", "arXiv", VenueKind.PREPRINT)


def rec(
    title: str,
    line: int,
    *,
    authors: tuple[str, ...] = (),
    year: int | None = None,
    kind: Kind = Kind.PAPER,
    venue: Venue | None = None,
    url: str = "",
    list_name: str = "L",
    path: tuple[str, ...] = ("A",),
    **ids: str,
) -> Record:
    return Record(
        kind=kind,
        title=title,
        sources=(Source("l.md", line, list_name),),
        categories=(path,),
        authors=tuple(Person(last=a, first="X") for a in authors),
        year=year,
        venue=venue,
        ids=Identifiers(**ids),
        url=url,
    )


def groups(records: list[Record]) -> list[tuple[int, ...]]:
    return [g.members for g in find_duplicates(records).groups]


# --- must merge --------------------------------------------------------------------------------


def test_same_arxiv_id_merges_whatever_the_title() -> None:
    assert groups([rec("Cross-Lingual Ability", 1, arxiv="1912.07840"), rec("Other words", 2, arxiv="1912.07840")]) == [
        (0, 1)
    ]


def test_arxiv_datacite_doi_is_the_arxiv_id() -> None:
    a = rec("X", 1, arxiv="1706.03762")
    b = rec("Y", 2, doi="10.48550/arxiv.1706.03762")
    assert groups([a, b]) == [(0, 1)]


def test_preprint_and_published_version_merge_by_title_and_published_leads() -> None:
    preprint = rec(
        "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators",
        1,
        authors=("Clark",),
        year=2020,
        venue=ARXIV,
        arxiv="2003.10555",
        path=("Models",),
    )
    published = rec(
        "ELECTRA: Pre-Training Text Encoders as Discriminators rather than Generators",
        9,
        authors=("Clark", "Luong"),
        year=2020,
        venue=ICLR,
        openreview="r1xMH1BtvB",
        url="https://openreview.net/forum?id=r1xMH1BtvB",
        path=("ICLR",),
    )
    records, merges, _ = deduplicate([preprint, published])
    (merged,) = records
    assert merges[0].reason == "title"
    assert merged.venue == ICLR
    assert merged.ids.arxiv == "2003.10555"
    assert merged.ids.openreview == "r1xMH1BtvB"
    assert merged.categories == (("Models",), ("ICLR",))
    assert len(merged.sources) == 2


def test_truncated_title_merges_with_author_agreement() -> None:
    a = rec("VL-BERT: Pre-training of Generic Visual-Linguistic Representatio", 1, authors=("Su",), year=2020)
    b = rec("VL-BERT: Pre-training of Generic Visual-Linguistic Representations", 2, authors=("Su", "Zhu"), year=2019)
    findings = find_duplicates([a, b])
    assert [g.members for g in findings.groups] == [(0, 1)]
    assert findings.groups[0].reason.startswith("similar-title:")


def test_openreview_ids_compare_case_insensitively() -> None:
    assert groups([rec("A", 1, openreview="r1xMH1BtvB"), rec("B", 2, openreview="r1xmh1btvb")]) == [(0, 1)]


# --- must stay apart ---------------------------------------------------------------------------


def test_the_two_ernies() -> None:
    tsinghua = rec(
        "ERNIE: Enhanced Language Representation with Informative Entities",
        1,
        authors=("Zhang",),
        year=2019,
        acl="P19-1139",
    )
    baidu = rec(
        "ERNIE: Enhanced Representation through Knowledge Integration",
        2,
        authors=("Sun",),
        year=2019,
        arxiv="1904.09223",
    )
    assert groups([tsinghua, baidu]) == []


def test_memory_transformer_and_memory_transformer_networks() -> None:
    a = rec("Memory Transformer", 1, authors=("Burtsev",), year=2020)
    b = rec("Memory Transformer Networks", 2, authors=("Metzger",), year=2019)
    findings = find_duplicates([a, b])
    assert findings.groups == []


def test_a_paper_and_its_survey() -> None:
    a = rec("Pre-trained Models for Natural Language Processing", 1, authors=("Qiu",), year=2020)
    b = rec("Pre-trained Models for Natural Language Processing: A Survey", 2, authors=("Qiu",), year=2020)
    findings = find_duplicates([a, b])
    assert findings.groups == []
    assert [(s.a, s.b, s.why_not) for s in findings.suspects] == [(0, 1, "titles differ by whole words")]


def test_same_title_different_years_and_authors() -> None:
    a = rec("Attention Is All You Need", 1, authors=("Vaswani",), year=2017)
    b = rec("Attention Is All You Need", 2, authors=("Someone",), year=2023)
    assert groups([a, b]) == []


def test_different_arxiv_ids_never_merge_by_title() -> None:
    a = rec("Deep Learning", 1, arxiv="1111.1111")
    b = rec("Deep Learning", 2, arxiv="2222.2222")
    assert groups([a, b]) == []


def test_posts_with_the_same_title_but_papers_do_not_mix() -> None:
    post = rec("Transformer-XL: Attentive Language Models", 1, kind=Kind.ARTICLE, url="https://blog/x")
    paper = rec("Transformer-XL: Attentive Language Models", 2, arxiv="1901.02860")
    assert groups([post, paper]) == []


def test_cjk_titles_are_not_reduced_to_nothing() -> None:
    a = rec("预训练语言模型综述", 1, kind=Kind.ARTICLE, url="https://a")
    b = rec("知识图谱从哪里来", 2, kind=Kind.ARTICLE, url="https://b")
    assert groups([a, b]) == []


# --- properties ---------------------------------------------------------------------------------

POOL = [
    rec("Attention Is All You Need", 1, authors=("Vaswani",), year=2017, arxiv="1706.03762"),
    rec("Attention is all you need", 2, authors=("Vaswani",), year=2017, venue=ICLR),
    rec("ERNIE: Enhanced Representation through Knowledge Integration", 3, authors=("Sun",), year=2019),
    rec("ERNIE: Enhanced Language Representation with Informative Entities", 4, authors=("Zhang",), year=2019),
    rec("Memory Transformer", 5, year=2020),
    rec("Memory Transformer Networks", 6, year=2019),
    rec("X", 7, kind=Kind.REPOSITORY, url="https://github.com/a/b"),
    rec("Y", 8, kind=Kind.REPOSITORY, url="https://github.com/a/b/"),
]


def _partition(records: list[Record]) -> set[frozenset[int]]:
    lines = [r.source.line for r in records]
    return {frozenset(lines[i] for i in g.members) for g in find_duplicates(records).groups}


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False))
def test_dedupe_is_order_independent(rnd: random.Random) -> None:
    shuffled = POOL[:]
    rnd.shuffle(shuffled)
    assert _partition(shuffled) == _partition(POOL) == {frozenset({1, 2}), frozenset({7, 8})}


def test_dedupe_twice_is_dedupe_once() -> None:
    once, _, _ = deduplicate(POOL)
    twice, merges, _ = deduplicate(once)
    assert twice == once
    assert merges == []


def test_merge_keeps_links_notes_and_places() -> None:
    a = rec("T", 1, arxiv="2001.00001", url="https://arxiv.org/abs/2001.00001", list_name="A")
    b = Record(
        kind=Kind.PAPER,
        title="T",
        sources=(Source("m.md", 5, "B"),),
        categories=(("Z",),),
        ids=Identifiers(arxiv="2001.00001"),
        url="https://example.org/t.pdf",
        code=("https://github.com/x/y",),
        links=(Link("blog", "https://b/"),),
        notes=("note",),
        nickname="TT",
    )
    (merged,), _, _ = deduplicate([a, b])
    assert merged.code == ("https://github.com/x/y",)
    assert merged.notes == ("note",)
    assert merged.nickname == "TT"
    assert Link("blog", "https://b/") in merged.links
    assert Link("paper", "https://example.org/t.pdf") in merged.links
    assert {s.list_name for s in merged.sources} == {"A", "B"}


# --- bibkit dedupe on a .bib --------------------------------------------------------------------

BIB = """% kept comment
@misc{clark2020electra,
  title = {{ELECTRA}: Pre-training Text Encoders as Discriminators Rather Than Generators},
  author = {Clark, Kevin and Luong, Minh-Thang},
  year = {2020},
  eprint = {2003.10555},
  archivePrefix = {arXiv},
  keywords = {pretraining},
}

@inproceedings{Clark2020ELECTRAiclr,
  title = {ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators},
  author = {Kevin Clark and Minh{-}Thang Luong},
  booktitle = {8th International Conference on Learning Representations, {ICLR} 2020},
  year = {2020},
  keywords = {ICLR},
}

@article{broken, title = {Unclosed, author = {x}

@inproceedings{sun2019ernie, title = {ERNIE: Enhanced Representation through Knowledge Integration}, author = {Sun, Yu}, year = {2019}}
@inproceedings{zhang2019ernie, title = {ERNIE: Enhanced Language Representation with Informative Entities}, author = {Zhang, Zhengyan}, year = {2019}}
"""


def test_dedupe_bib_merges_and_passes_everything_else_through() -> None:
    result = dedupe_text(BIB, "thesis.bib")
    assert (result.entries_before, result.entries_after) == (4, 3)
    (group,) = result.groups
    assert group.key == "Clark2020ELECTRAiclr"
    assert group.merged == ("clark2020electra",)
    assert group.lines == (2, 11)
    text = result.text
    assert "% kept comment" in text
    assert "@article{broken, title = {Unclosed, author = {x}" in text, "a malformed entry is never lost"
    assert "@inproceedings{sun2019ernie, title = {ERNIE: Enhanced Representation" in text
    assert "ids           = {clark2020electra}" in text
    assert "keywords      = {ICLR, pretraining}" in text
    assert "eprint        = {2003.10555}" in text
    assert [(p.kind, p.source.line) for p in result.bib.problems] == [("unparsable-block", 19)]


def test_dedupe_cli_dry_run_and_output(tmp_path: Path) -> None:
    source = tmp_path / "thesis.bib"
    source.write_text(BIB, "utf-8")
    runner = CliRunner()
    dry = runner.invoke(main, ["dedupe", str(source), "--dry-run", "--json"])
    # The file has an unparsable block: reported, kept, and the exit code says so.
    assert dry.exit_code == 1
    assert source.read_text("utf-8") == BIB
    assert dry.stderr.rstrip().splitlines()[-1].startswith("error: 1 error(s) in ")
    report = json.loads(dry.stdout)
    assert report["groups"][0]["merged"] == ["clark2020electra"]
    assert report["problems"][0]["line"] == 19
    out = tmp_path / "clean.bib"
    done = runner.invoke(main, ["dedupe", str(source), "-o", str(out)])
    assert done.exit_code == 1
    assert "4 entries -> 3" in done.stdout
    assert out.read_text("utf-8").count("@inproceedings{Clark2020ELECTRAiclr") == 1
    assert source.read_text("utf-8") == BIB


def test_a_replaced_word_is_another_work_but_a_typo_is_not() -> None:
    low = rec("Low-Resource Knowledge-Grounded Dialogue Generation", 1, authors=("Zhao",), year=2020)
    zero = rec("Zero-Resource Knowledge-Grounded Dialogue Generation", 2, authors=("Zhao",), year=2020)
    assert find_duplicates([low, zero]).groups == []
    typo = rec("Low-Resource Knowledge-Grounded Dialog Generation", 3, authors=("Zhao",), year=2020)
    assert [g.members for g in find_duplicates([low, typo]).groups] == [(0, 1)]


def test_titles_that_differ_in_a_number_are_different_works() -> None:
    a = rec("Model AI Assignments 2017", 1, authors=("Neller",), year=2017)
    b = rec("Model AI Assignments 2018", 2, authors=("Neller",), year=2018)
    findings = find_duplicates([a, b])
    assert findings.groups == []
    assert "different numbers" in findings.suspects[0].why_not


def test_an_identifier_collision_between_plainly_different_works_is_reported_not_merged() -> None:
    a = rec(
        "Statistical machine translation and hybrid machine translation",
        1,
        authors=("Koehn",),
        year=2006,
        acl="2006.amta-panels.3",
    )
    b = rec("Social impact of MT", 2, authors=("DeCamp",), year=2006, acl="2006.amta-panels.3")
    findings = find_duplicates([a, b])
    assert findings.groups == []
    assert findings.suspects[0].why_not == "same acl:2006.amta-panels.3 but different title and authors"
    # ...while a preprint and its published version share the id, authors and (nearly) the title.
    c = rec("Social Impact of Machine Translation", 3, authors=("DeCamp",), year=2006, acl="2006.amta-panels.3")
    assert [g.members for g in find_duplicates([b, c]).groups] == [(0, 1)]


def test_a_misc_preprint_copy_in_a_bib_merges_with_the_published_entry() -> None:
    text = (
        "@inproceedings{a, title = {Deep Residual Learning for Image Recognition}, author = {He, Kaiming},"
        " booktitle = {CVPR}, year = {2016}}\n"
        "@misc{b, title = {DEEP RESIDUAL LEARNING - FOR IMAGE RECOGNITION}, author = {Kaiming He},"
        " year = {2015}, howpublished = {arXiv preprint}}\n"
    )
    result = dedupe_text(text, "x.bib")
    assert [(g.key, g.merged) for g in result.groups] == [("a", ("b",))]


# --- identifiers keep works apart; a title alone must be a real title ------------------------


@pytest.mark.parametrize(
    "scheme,a,b",
    [
        ("arxiv", "1111.1111", "2222.2222"),
        ("acl", "P19-1001", "P19-1002"),
        ("doi", "10.1145/1", "10.1145/2"),
        ("openreview", "HyGhN2A5tm", "SJlPOCEKvH"),
        ("pmlr", "v97/a19a", "v97/b19b"),
    ],
)
def test_different_ids_of_one_scheme_never_merge_by_title(scheme: str, a: str, b: str) -> None:
    x = rec("Attention Is All You Need", 1, authors=("Vaswani",), year=2017, **{scheme: a})
    y = rec("Attention Is All You Need", 2, authors=("Vaswani",), year=2017, **{scheme: b})
    assert groups([x, y]) == []


def test_a_short_title_alone_does_not_merge_but_is_reported() -> None:
    a, b = rec("Gensim", 1, kind=Kind.WEBPAGE), rec("Gensim", 2, kind=Kind.WEBPAGE)
    findings = find_duplicates([a, b])
    assert findings.groups == []
    assert [(s.a, s.b) for s in findings.suspects] == [(0, 1)]
    confirmed = [rec("Gensim", 1, year=2010, authors=("Rehurek",)), rec("Gensim", 2, year=2010, authors=("Rehurek",))]
    assert groups(confirmed) == [(0, 1)], "a year and an author confirm even a one-word title"


def test_a_title_shared_by_many_records_is_a_label_not_a_work() -> None:
    records = [rec("System Report", i, year=2019) for i in range(1, 8)]
    findings = find_duplicates(records)
    assert findings.groups == []
    assert {why for s in findings.suspects for why in [s.why_not]} == {"7 records share this title"}
    assert groups([rec("System Report of Team X", 1, year=2019), rec("System Report of Team X", 2, year=2019)]) == [
        (0, 1)
    ]


def test_different_ids_never_merge_through_a_third_record() -> None:
    # Each preprint alone would match the published version by title and year; both together
    # would put two arXiv ids in one work. The first match wins, the second is reported.
    a = rec("Neural Machine Translation", 1, year=2015, arxiv="1501.00001")
    b = rec("Neural Machine Translation", 2, year=2015, arxiv="1501.00002")
    c = rec("Neural Machine Translation", 3, year=2014, acl="P14-1001")
    findings = find_duplicates([a, b, c])
    assert [g.members for g in findings.groups] == [(0, 2)]
    assert any("would join two different arxiv ids" in s.why_not for s in findings.suspects)


# --- typos and OCR errors are the same work; other words and numbers are other works -------------

SAME_WORK = [
    ("Deep Learning Face Attributes in the Wild", "Deep Learning Face Attributes in the Wid"),
    (
        "Hierarchical Inter-Attention Network for Relation Classification",
        "Hierarchical Inter-Attention Netw0rk for Relation Classification",
    ),
    ("Learning with Partially Absorbing Random Walks", "Learning witli Partially Absorbing Random Wqlks"),
    ("Learning Joint Embeddings of Audio {\\&} Text", "Learning Joint Embeddings of Audio and Text"),
    (
        "Neural Machine Translation of Rare Words with Subword Units",
        "Neural Machine Translation of Rare Words with Subword Unit",
    ),
    ("Attention Is All You Need in Speech Separation", "Attention Is All You Need in Speech Separatoin"),
    (
        "Representation Learning with Contrastive Predictive Coding",
        "Representation Learning with Contrastive Predictive Codnig",
    ),
    ("Greedy Bilateral Sketch, Completion {\\&} Smoothing", "Greedy Bilateral Sketch, Completion Smoothing"),
    (
        "NLP_HZ at SemEval-2018 Task 9: a Nearest Neighbor Approach",
        "NLPHZ at SemEval-2018 Task 9: a Neaarest Neighbor Approach",
    ),
    (  # two characters swapped: a character is a word, and word order is not compared
        "國語語音辨認中詞群語言模型之分群方法與應用 (Word-Class Based Language Model in Mandarin Speech Recognition)",
        "國語語辨音認中詞群語言模型之分群方法與應用 (Word-Class Based Language Model in Mandarin Speech Recognition)",
    ),
]
OTHER_WORKS = [
    ("國際會議論文集：深度學習的方法與應用研究進展", "國際會議論文集：深度學習的算法與應用研究進展"),
    ("Memory Transformer", "Memory Transformer Networks"),
    ("Low-Resource Knowledge-Grounded Dialogue Generation", "Zero-Resource Knowledge-Grounded Dialogue Generation"),
    ("Transformers Assemble (PART I)", "Transformers Assemble (PART II)"),
    ("The NLP Assignments of 2019 Explained", "The NLP Assignments of 2020 Explained"),
    (
        "Language Models are Unsupervised Multitask Learners GPT-2",
        "Language Models are Unsupervised Multitask Learners GPT-3",
    ),
    ("Graph Convolution for Semantic Role Labeling", "Graph Routing for Semantic Role Labeling"),
]


def _pair(ta: str, tb: str, **b_changes: object) -> list[Record]:
    a = rec(ta, 1, authors=("Liu", "Wang", "Tang"), year=2015)
    b = replace(rec(tb, 2, authors=("Liu", "Wang", "Tang"), year=2015), **b_changes)  # type: ignore[arg-type]
    return [a, b]


@pytest.mark.parametrize("ta,tb", SAME_WORK)
@pytest.mark.parametrize("flip", [False, True])
def test_a_typo_or_ocr_error_with_the_same_authorship_is_the_same_work(ta: str, tb: str, flip: bool) -> None:
    records = _pair(tb, ta) if flip else _pair(ta, tb)
    assert groups(records) == [(0, 1)]


@pytest.mark.parametrize("ta,tb", OTHER_WORKS)
@pytest.mark.parametrize("flip", [False, True])
def test_another_word_or_number_is_another_work(ta: str, tb: str, flip: bool) -> None:
    records = _pair(tb, ta) if flip else _pair(ta, tb)
    assert groups(records) == []


@pytest.mark.parametrize(
    "change,why",
    [
        ({"year": 2016}, "a title typo needs the same year"),
        (
            {
                "authors": (
                    Person(last="Wang", first="X"),
                    Person(last="Liu", first="X"),
                    Person(last="Tang", first="X"),
                )
            },
            "a title typo needs the same first author and number of authors",
        ),
        (
            {"authors": (Person(last="Liu", first="X"),)},
            "a title typo needs the same first author and number of authors",
        ),
    ],
)
def test_a_typo_without_the_same_authorship_is_only_suspected(change: dict[str, object], why: str) -> None:
    records = _pair("Deep Learning Face Attributes in the Wild", "Deep Learning Face Attributes in the Wid", **change)
    findings = find_duplicates(records)
    assert findings.groups == []
    assert [s.why_not for s in findings.suspects] == [why]


def test_two_common_words_one_edit_apart_are_two_works() -> None:
    # "Part"/"Port" are both words other titles use: not a typo of one another.
    others = [rec(f"{w} Of Something Else Entirely {i}", 10 + i) for i, w in enumerate(["Part", "Port"] * 2)]
    records = _pair("Models of a Port City Economy", "Models of a Part City Economy") + others
    assert groups(records) == []


@pytest.mark.parametrize(
    "x,y,kind",
    [
        ("netw0rk", "network", "ocr"),
        ("witli", "with", "ocr"),
        ("rnodel", "model", "ocr"),
        ("representatio", "representations", "truncated"),
        ("wid", "wild", "typo"),
        ("wqlks", "walks", "typo"),
        ("2019", "2020", "number"),
        ("i", "ii", "number"),
        ("gpt2", "gpt3", "number"),
        ("low", "zero", "word"),
        ("graph", "routing", "word"),
        ("0", "1", "number"),  # digits alone are numbers, not OCR'd letters ("o"/"l")
        ("10", "lo", "number"),
        ("深度学习的方法", "深度学习的算法", "word"),  # a Chinese character is a word
        ("模型", "模形", "word"),
    ],
)
def test_word_difference_table(x: str, y: str, kind: str) -> None:
    assert word_difference(x, y) == kind
    assert word_difference(y, x) == kind


@pytest.mark.parametrize(
    "x,y,as_last_word,elsewhere",
    [
        ("20", "2011", "truncated", "number"),  # "..., June 12-16, 20": the closing year cut
        ("177119", "17711910", "truncated", "number"),  # "1771-19" for "1771-1910"
        ("201", "2011", "truncated", "number"),
        ("2", "2011", "number", "number"),  # one digit of a year could be a number of its own
        ("1", "12", "number", "number"),  # "Volume 1" / "Volume 12"
        ("tr", "tree", "truncated", "word"),
        ("volumei", "volumeii", "number", "number"),  # "Volume-I" / "Volume-II": the hyphen joins them
    ],
)
def test_word_difference_of_a_title_s_last_word(x: str, y: str, as_last_word: str, elsewhere: str) -> None:
    assert word_difference(x, y, last=True) == word_difference(y, x, last=True) == as_last_word
    assert word_difference(x, y) == word_difference(y, x) == elsewhere


NAMELESS_SAME_WORK = [
    (
        "Proceedings of the fourth workshop on NLP for computer-assisted language learning",
        "Proceedings of the fourth workshop on NLP for computer-assisted lauguage learning",
    ),
    (
        "Program for the Inaugural Meeting of the ACL European Chapter",
        "Program for the Inaugural Meeting of the ACL European Caapter",
    ),
    (
        "國語語辨音認中詞群語言模型之分群方法與應用 (Methodology Implementation and Application of Word-Class Based Language Model in Mandarin Speech Recognition)",
        "國語語辨音認中詞群語言模型之分群方法與應用 (Methodology Implementation and Application of Word-Class Based Language Model in Mandarin Speech Recogntion)",
    ),
    (
        "Proceedings of the ACM SIGMOD International Conference on Management of Data, SIGMOD 2011, Athens, Greece, June 12-16, 2011",
        "Proceedings of the ACM SIGMOD International Conference on Management of Data, SIGMOD 2011, Athens, Greece, June 12-16, 20",
    ),
]
NAMELESS_OTHER_WORKS = [
    (
        "Proceedings of the Third International Joint Conference on Natural Language Processing: Volume-I",
        "Proceedings of the Third International Joint Conference on Natural Language Processing: Volume-II",
    ),
    ("Graph Attention Networks", "Graph Attention Netwrks"),  # short: too little evidence without names
    ("Study number 0 of Attention in ACL", "Study number 1 of Attention in ACL"),
    ("Proceedings of the Workshop on Things 2019", "Proceedings of the Workshop on Things 2020"),
    ("国际会议论文集：深度学习的方法与应用研究进展", "国际会议论文集：深度学习的算法与应用研究进展"),
]


def _nameless_pair(ta: str, tb: str, names: bool) -> list[Record]:
    """A proceedings volume with its editors, and a copy with none (or neither with names)."""
    a = rec(ta, 1, authors=("Ed", "Itor") if names else (), year=2011)
    return [a, rec(tb, 2, authors=(), year=2011)]


@pytest.mark.parametrize("ta,tb", NAMELESS_SAME_WORK)
@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("names", [False, True])
def test_a_long_title_s_typo_with_no_names_to_compare_is_the_same_work(
    ta: str, tb: str, flip: bool, names: bool
) -> None:
    records = _nameless_pair(tb, ta, names) if flip else _nameless_pair(ta, tb, names)
    assert groups(records) == [(0, 1)]


@pytest.mark.parametrize("ta,tb", NAMELESS_OTHER_WORKS)
@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("names", [False, True])
def test_without_names_a_short_title_or_another_number_or_character_is_another_work(
    ta: str, tb: str, flip: bool, names: bool
) -> None:
    records = _nameless_pair(tb, ta, names) if flip else _nameless_pair(ta, tb, names)
    assert groups(records) == []


def test_papers_of_one_volume_are_not_one_work_through_its_doi() -> None:
    """DBLP writes each paper with a crossref to its proceedings, which carry the volume's DOI;
    with a copy of the volume that names nobody in the file, the papers were once joined through
    it. Only the volume and its copy are one work."""
    volume = (
        "@proceedings{DBLP:conf/mm/2018, editor = {Boll, Susanne}, title = {{ACM} Multimedia Conference 2018},"
        " year = 2018, doi = {10.1145/3240508}, url = {https://doi.org/10.1145/3240508}}\n\n"
    )
    copy = "@misc{mm2018, title = {ACM Multimedia Conference 2018}, year = 2018, doi = {10.1145/3240508}}\n\n"
    papers = "".join(
        f"@inproceedings{{DBLP:conf/mm/P{i}, author = {{Author{i}, A.}}, title = {{Paper Number {i} on Video}},"
        f" crossref = {{DBLP:conf/mm/2018}}, year = 2018}}\n\n"
        for i in range(3)
    )
    result = dedupe_text(papers + volume + copy, "x.bib")
    assert [(g.key, g.merged) for g in result.groups] == [("DBLP:conf/mm/2018", ("mm2018",))]


def test_a_two_word_family_name_written_first_last_is_the_same_author() -> None:
    """ "Parra Escartín, Carla" and Scholar's "Carla Parra Escartín" (read as family name
    "Escartín" by BibTeX's rule) share the author."""
    text = (
        '@inproceedings{parra, title = "Creation of new {TM} segments: Fulfilling translators{\'} wishes",'
        ' author = "Parra Escart{\\\'\\i}n, Carla", year = "2015", url = "https://aclanthology.org/W15-5201"}\n\n'
        "@misc{parradup, title = {creation of new tm segments - fulfilling translators' wishes},"
        " author = {Carla Parra Escart{\\'\\i}n}, year = {2014}, howpublished = {arXiv preprint}}\n"
    )
    result = dedupe_text(text, "x.bib")
    assert [(g.key, g.merged) for g in result.groups] == [("parra", ("parradup",))]


def test_a_crlf_file_keeps_its_line_endings(tmp_path: Path) -> None:
    """Windows line endings are kept: the untouched entries byte for byte, the merged one written
    with CRLF as well."""
    lines = [
        "% a Windows file",
        "@inproceedings{a, title = {Attention Is All You Need}, author = {Vaswani, Ashish}, year = 2017}",
        "",
        "@misc{b, title = {Attention is all you need}, author = {Ashish Vaswani}, year = 2017}",
        "",
        "@article{c,",
        "  title = {Something Else Entirely},",
        "  year = 2020,",
        "}",
        "",
    ]
    source = tmp_path / "win.bib"
    source.write_bytes("\r\n".join(lines).encode())
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(main, ["dedupe", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b""), "no bare LF"
    assert data.startswith(b"% a Windows file\r\n@inproceedings{a,")
    assert data.endswith("\r\n".join(lines[5:]).encode())


def test_a_misspelling_repeated_in_a_large_file_is_still_a_misspelling() -> None:
    """ "learnng" in three titles is no word of its own when "learning" is in sixty."""
    others = [rec(f"Learning Things of Kind {i}", 10 + i) for i in range(60)]
    others += [rec(f"Learnng Other Matters Number {i}", 100 + i) for i in range(2)]
    records = _pair(
        "Tools for Supporting Language Learning for Sakha", "Tools for Supporting Language Learnng for Sakha"
    )
    assert groups(records + others) == [(0, 1)]


def test_two_words_both_in_common_use_stay_two_words() -> None:
    others = [rec(f"Users of Thing {i}", 10 + i) for i in range(20)] + [
        rec(f"Uses of Thing {i}", 40 + i) for i in range(5)
    ]
    records = _pair("Mining target users for online marketing", "Mining target uses for online marketing")
    assert groups(records + others) == []


def test_the_same_real_title_kept_apart_is_listed_as_suspected() -> None:
    """Two versions under one title that a guard keeps apart are worth a look; a generic short
    title ("Machine Translation") is not."""
    a = rec("k-Sparse Autoencoders for Images", 1, authors=("Makhzani",), year=2013, arxiv="1312.5663")
    b = rec("k-Sparse Autoencoders for Images", 2, authors=("Makhzani",), year=2014, arxiv="1401.0001")
    findings = find_duplicates([a, b])
    assert findings.groups == []
    assert [(s.a, s.b, s.why_not) for s in findings.suspects] == [(0, 1, "different arxiv ids")]
    c = rec("Machine Translation", 3, authors=("Koehn",), year=2010)
    d = rec("Machine Translation", 4, authors=("Way",), year=2010)
    assert find_duplicates([c, d]).suspects == []


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z][a-z_]{0,14}", fullmatch=True), st.from_regex(r"\{[^{}]{0,20}\}", fullmatch=True)
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda f: f[0],
    )
)
@settings(max_examples=60)
def test_a_merged_entry_is_laid_out_as_the_build_lays_out_a_file_of_it(fields: list[tuple[str, str]]) -> None:
    """`bibkit dedupe` writes each merged entry with the value column bibtexparser's "auto" layout
    would give it alone (computed, so that bibtexparser need not copy the format per entry)."""
    from bibtexparser import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    from bibkit.bibdedupe import _write_entry
    from bibkit.bibtex import bibtex_format

    entry = Entry("article", "k", [Field(name, value) for name, value in fields])
    auto = write_string(Library([entry]), bibtex_format=bibtex_format(), unparse_stack=[]).strip() + "\n"
    assert _write_entry(entry) == auto


_BLOCKS = [
    "@inproceedings{{a{i}, title = {{Deep Residual Learning for Image Recognition}}, author = {{He, Kaiming}},"
    " year = 2016, booktitle = {{CVPR}}}}",
    "@misc{{b{i}, title = {{Deep residual learning for image recognition}}, author = {{Kaiming He}}, year = 2015,"
    " eprint = {{1512.03385}}}}",
    "@article{{c{i}, title = {{Attention Is All You Need}}, author = {{Vaswani, Ashish}}, year = 2017, journal = {{J}}}}",
    "@misc{{d{i}, title = {{Attention is all you need}}, author = {{Ashish Vaswani}}, year = 2017}}",
    "% a comment {i}",
    "@comment{{note {i}}}",
    "@book{{broken{i}, title = {{Unclosed, year = 2001}}\n",
    "@misc{{e{i}, title = {{Something else entirely {i}}}}}",
]


@given(
    st.lists(st.integers(0, len(_BLOCKS) - 1), min_size=1, max_size=12),
    st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "  \n", "", " % trailing\n"]), min_size=12, max_size=12),
    st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_a_deduplicated_file_is_the_original_text_with_only_the_groups_changed(
    forms: list[int], gaps: list[str], crlf: bool
) -> None:
    """The file is written back as slices of its text: each group as its merged entry where its
    first member was, the other members left out with the blank text after them, every other
    block byte for byte, as a walk over the file's blocks writes it."""
    from bibkit.bibdedupe import _write_entry, merge_entries
    from bibkit.sources.bibfile import read_for_matching

    text = "".join(_BLOCKS[f].format(i=i) + gaps[i] for i, f in enumerate(forms))
    if crlf:
        text = text.replace("\n", "\r\n")
    result = dedupe_text(text, "x.bib")
    bib, keys = read_for_matching(text, "x.bib")
    findings = find_duplicate_keys(keys, lambda i: bib.items[i].families())
    group_of = {m: g for g, group in enumerate(findings.groups) for m in group.members}
    index_of = {id(it.block): i for i, it in enumerate(bib.items)}
    out, skip_blank = [], False
    for block in bib.blocks:
        index = index_of.get(id(block))
        if index is None or index not in group_of:
            if not (skip_blank and block.kind == "other" and not block.text.strip()):
                out.append(block.text)
            skip_blank = False
            continue
        group = findings.groups[group_of[index]]
        if group.members[0] == index:
            items = [bib.items[i] for i in group.members]
            written = _write_entry(merge_entries(items, [keys[i] for i in group.members])).rstrip("\n")
            out.append(
                (written.replace("\n", "\r\n") if crlf else written) + block.text[len(block.text.rstrip("\r\n")) :]
            )
        skip_blank = group.members[0] != index
    assert result.text == "".join(out)


@given(st.lists(st.sampled_from("abcdef"), max_size=8), st.lists(st.sampled_from("abcdef"), max_size=8))
def test_the_words_one_title_lacks_are_counted(words: list[str], other: list[str]) -> None:
    from collections import Counter

    from bibkit.dedupe import _unmatched

    lacking = _unmatched(words, other)
    assert Counter(lacking) == Counter(words) - Counter(other)
    remaining = iter(words)
    assert all(w in remaining for w in lacking), "in the title's order"
