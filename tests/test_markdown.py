"""The list reader: every item form, headings as categories, notes, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.model import Kind, Link
from bibkit.normalize.names import format_person
from bibkit.sources.markdown import parse_markdown
from bibkit.sources.markdown.titles import is_generic


def read(text: str):
    return parse_markdown(text, "l.md", "L")


def only(text: str):
    records, problems = read(text)
    assert len(records) == 1, records
    return records[0], problems


def test_bold_title_form() -> None:
    r, problems = only(
        "## A\n### B\n- **Attention is All you Need**. *Ashish Vaswani, Noam Shazeer*. (NIPS 2017) "
        "[[paper]](https://arxiv.org/abs/1706.03762)[[code]](https://github.com/x/y) - ***Transformer***\n"
    )
    assert r.kind == Kind.PAPER
    assert r.title == "Attention is All you Need"
    assert [format_person(p) for p in r.authors] == ["Vaswani, Ashish", "Shazeer, Noam"]
    assert r.venue_text == "NIPS 2017"
    assert r.ids.arxiv == "1706.03762"
    assert r.code == ("https://github.com/x/y",)
    assert r.nickname == "Transformer"
    assert r.categories == (("A", "B"),)
    assert r.source.line == 3
    assert not problems


def test_plain_title_form_with_glued_venue() -> None:
    r, _ = only(
        "- Cross-Lingual Ability of Multilingual BERT: An Empirical Study (ICLR2020) [[paper]](https://arxiv.org/abs/1912.07840)\n"
    )
    assert r.title == "Cross-Lingual Ability of Multilingual BERT: An Empirical Study"
    assert r.venue_text == "ICLR2020"


def test_plain_title_without_venue_and_missing_space() -> None:
    r, _ = only(
        "- 75 Languages, 1 Model: Parsing Universal Dependencies Universally[[paper]](https://www.aclweb.org/anthology/D19-1279/) - ***UDify***\n"
    )
    assert r.title == "75 Languages, 1 Model: Parsing Universal Dependencies Universally"
    assert r.ids.acl == "D19-1279"
    assert r.nickname == "UDify"


def test_blog_and_repository_forms() -> None:
    records, _ = read(
        "### Chinese Blog\n- [张俊林 / 深度学习中的注意力模型（2017版）](https://zhuanlan.zhihu.com/p/37601161)\n"
        "### Repositories\n- [thushv89 / Keras Attention Layer](https://github.com/thushv89/attention_keras) - Keras Layer implementation\n"
    )
    blog, repo = records
    assert blog.kind == Kind.ARTICLE
    assert blog.title == "深度学习中的注意力模型（2017版）"
    assert blog.authors[0].last == "张俊林"
    assert blog.authors[0].literal
    assert blog.site == "Zhihu"
    assert repo.kind == Kind.REPOSITORY
    assert repo.title == "Keras Attention Layer"
    assert repo.authors[0].last == "thushv89"
    assert repo.notes == ("Keras Layer implementation",)


def test_notes_file_links_and_paragraphs() -> None:
    records, problems = read(
        "### ULMFiT\n\n[ULMFiT面向文本分类](https://zhuanlan.zhihu.com/p/55295243)\n\n"
        "[Universal Language Model Fine-tuning for Text Classification](https://arxiv.org/abs/1801.06146)\n\n"
        "中文ulmfit：[https://github.com/bigboNed3/chinese_ulmfit](https://github.com/bigboNed3/chinese_ulmfit)\n\n"
        "归纳迁移学习对计算机视觉产生了巨大影响。\n\n"
        "### 下一节\n\nEMNLP 2019最佳论文\n\n[A Paper](http://cs.jhu.edu/~jason/papers/x.pdf)\n"
    )
    assert [r.kind for r in records] == [Kind.ARTICLE, Kind.PAPER, Kind.REPOSITORY, Kind.PAPER]
    assert records[1].ids.arxiv == "1801.06146"
    assert records[2].notes == ("中文ulmfit", "归纳迁移学习对计算机视觉产生了巨大影响。")
    assert records[3].notes == ("EMNLP 2019最佳论文",), "prose before an item's link is its note"
    assert not problems


def test_prose_with_an_inline_link_is_a_note_not_an_item() -> None:
    records, _ = read(
        "[A Post](https://zhuanlan.zhihu.com/p/1)\n\n"
        "这篇文章介绍了很多方法，另见 [another post](https://zhuanlan.zhihu.com/p/2) 的讨论。\n"
    )
    assert len(records) == 1 and records[0].notes == (
        "这篇文章介绍了很多方法，另见 another post (https://zhuanlan.zhihu.com/p/2) 的讨论。",
    )


def test_heading_path_title_and_levels() -> None:
    records, _ = read(
        "# My List\n## A\n#### Deep\n- [x / y](https://github.com/x/y)\n### B\n- [p / q](https://github.com/p/q)\n"
    )
    assert records[0].categories == (("A", "Deep"),)
    assert records[1].categories == (("A", "B"),)


def test_numbered_items_and_wrapped_authors() -> None:
    records, _ = read(
        "1. **Deep contextualized word representations**. *Matthew E. Peters, Mark Neumann*. NAACL 2018. "
        "[[pdf](https://aclanthology.org/N18-1202.pdf)] (**ELMo**)\n"
        "2. **Wrapped**. *Aaron van den Oord,\n   Heiga Zen, et al.*. (ICML 2016) [[paper]](https://arxiv.org/abs/1609.03499)\n"
        "3. [Llama 2](https://arxiv.org/abs/2307.09288) by Meta AI, 2023 - open weights\n"
    )
    elmo, wrapped, llama = records
    assert elmo.venue_text == "NAACL 2018"
    assert elmo.nickname == "ELMo"
    assert elmo.ids.acl == "N18-1202"
    assert [p.last for p in wrapped.authors] == ["Oord", "Zen"]
    assert wrapped.others
    assert llama.authors[0].last == "Meta AI"
    assert llama.venue_text == "2023"
    assert llama.notes == ("open weights",)


def test_table_rows() -> None:
    records, _ = read(
        "| Date | Paper | Code |\n|---|---|---|\n"
        "| 2019/?? | [Cross-lingual Language Model Pretraining](https://arxiv.org/abs/1901.07291) | [code](https://github.com/facebookresearch/XLM) |\n"
    )
    (r,) = records
    assert r.title == "Cross-lingual Language Model Pretraining"
    assert r.year == 2019 and r.month is None, "the Date column dates the paper; '??' is no month"
    assert r.code == ("https://github.com/facebookresearch/XLM",)
    assert r.source.line == 3


def test_paper_as_heading_with_notes() -> None:
    records, _ = read(
        "## Probing\n#### [Language Models as Knowledge Bases?](https://www.aclweb.org/anthology/D19-1250.pdf)\n\nThey probe BERT.\n"
    )
    (r,) = records
    assert r.title == "Language Models as Knowledge Bases?"
    assert r.categories == (("Probing",),)
    assert r.notes == ("They probe BERT.",)


def test_html_links_and_redirects() -> None:
    records, _ = read(
        '- <a href="https://doi.org/10.1145/3366423.3380258">Context-Aware Term Weighting</a> (WWW 2020)\n'
        "- [HAT](https://link.zhihu.com/?target=https%3A//arxiv.org/abs/2005.14187)\n"
    )
    html, redirect = records
    assert html.ids.doi == "10.1145/3366423.3380258"
    assert html.venue_text == "WWW 2020"
    assert redirect.ids.arxiv == "2005.14187"
    assert redirect.url == "https://arxiv.org/abs/2005.14187"


def test_labelled_links_are_sorted() -> None:
    r, _ = only(
        "- **X**. *A B*. (ACL 2020) [[paper]](https://arxiv.org/abs/2004.10964)[[pt code]](https://github.com/a/b)"
        "[[blog]](https://mp.weixin.qq.com/s/x)[[video]](https://www.bilibili.com/video/BV1)\n"
    )
    assert r.code == ("https://github.com/a/b",)
    assert r.links == (
        Link("blog", "https://mp.weixin.qq.com/s/x"),
        Link("video", "https://www.bilibili.com/video/BV1"),
    )


def test_books_and_slides() -> None:
    records, _ = read(
        "- **Embeddings in NLP**. *Mohammad Taher Pilehvar, Jose Camacho-Collados*. (2020) [[book]](http://x.org/book.pdf)\n"
        "- **Recent Breakthroughs in NLP**. *Christopher Manning* (BAAI 2019) [[slides]](https://www.jianguoyun.com/p/D)\n"
    )
    assert [r.kind for r in records] == [Kind.BOOK, Kind.SLIDES]
    assert records[1].venue_text == "BAAI 2019"


# --- known defects of real lists -------------------------------------------------------------


def test_authors_repeating_the_title_are_dropped_with_a_warning() -> None:
    r, problems = only(
        "- **Big Bird: Transformers for Longer Sequences**. *Big Bird: Transformers for Longer Sequences*. (CoRR 2020) [[paper]](https://arxiv.org/abs/2007.14062)\n"
    )
    assert r.authors == ()
    assert [(p.kind, p.source.line) for p in problems] == [("authors-repeat-title", 1)]


def test_empty_and_schemeless_links() -> None:
    records, problems = read(
        "x\n- **T**. *A B*. (EMNLP 2020) [[paper]](https://arxiv.org/abs/2009.12812)[[code]]()[[blog]](https://mp.weixin.qq.com/s/j)\n"
        "- exBERT (CoRR 2019) [[paper]](https://arxiv.org/abs/1910.05276) [[code]](exbert.net)\n"
    )
    assert records[1].code == ("https://exbert.net",)
    assert [(p.kind, p.source.line) for p in problems] == [("empty-link", 2), ("link-without-scheme", 3)]


# --- bad input: warnings with file:line, never a traceback ---------------------------------


def test_empty_file() -> None:
    records, problems = read("")
    assert records == []
    assert [p.kind for p in problems] == ["empty-list"]
    assert str(problems[0]).startswith("l.md:1:")


def test_truncated_and_unbalanced_lines_are_reported_and_the_rest_converts() -> None:
    records, problems = read(
        "## S\n"
        "- **Truncated title. *Someone*. (ACL 2019) [[paper](https://arxiv.org/abs/1901.00001\n"
        "- **Fine**. *A B*. (ACL 2019) [[paper]](https://arxiv.org/abs/1901.00002)\n"
        "- [[[broken\n"
        "- **Also fine**. *C D*. (ACL 2019) [[paper]](https://arxiv.org/abs/1901.00003)\n"
    )
    # The truncated line's bare arXiv URL is still that paper's identifier: nothing is lost.
    assert [r.ids.arxiv for r in records if r.ids.arxiv] == ["1901.00001", "1901.00002", "1901.00003"]
    lines = sorted(p.source.line for p in problems)
    assert 2 in lines
    assert 4 in lines
    assert all(p.source.file == "l.md" for p in problems)


def test_stray_html_is_reported() -> None:
    records, problems = read(
        "- **Title**. *A B*. (ACL 2019) <marquee>x</marquee> [[paper]](https://arxiv.org/abs/1901.00002)\n"
    )
    assert len(records) == 1
    assert [(p.kind, p.source.line) for p in problems] == [("stray-html", 1), ("stray-html", 1)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "- ",
                "**",
                "*",
                "[",
                "]",
                "(",
                ")",
                "[[paper]]",
                "(https://arxiv.org/abs/1706.03762)",
                "## H\n",
                "\n",
                "| a | b |\n|---|---|\n",
                "<a href='x'>",
                "</a>",
                "Title",
                " (ACL 2019) ",
                "中文",
                "1. ",
                "`",
            ]
        ),
        max_size=30,
    )
)
def test_reader_never_raises(parts: list[str]) -> None:
    records, problems = read("".join(parts))
    untitled = {p.source.line for p in problems if p.kind == "untitled-paper"}
    for r in records:
        assert r.source.file == "l.md"
        if not r.title:  # a bare identifier with no words around it: kept, and reported
            assert r.ids.arxiv == "1706.03762"
            assert r.source.line in untitled
        else:
            assert not is_generic(r.title)
    for p in problems:
        assert p.source.line >= 1


# --- forms and navigation from real lists the reader was not written against -------------------


def test_nested_table_of_contents_anywhere_is_navigation() -> None:
    records, _ = read(
        "# Table of Contents\n- [Papers](#papers)\n  - [Surveys](#surveys)\n    - [Deep](#deep)\n\n"
        "# Papers\n## Surveys\n- [A Survey of Things](https://arxiv.org/abs/2001.00001)\n"
        "\n- [Back to top](#table-of-contents)\n"
    )
    (r,) = records
    assert r.title == "A Survey of Things"
    assert r.categories == (("Papers", "Surveys"),)


def test_tool_then_paper_is_the_paper_with_the_tool_as_code() -> None:
    r, _ = only(
        "* [FastBERT](https://github.com/autoliuweijie/FastBERT): "
        "[FastBERT: a Self-distilling BERT with Adaptive Inference Time](https://arxiv.org/abs/2004.02178)\n"
    )
    assert r.kind == Kind.PAPER
    assert r.title == "FastBERT: a Self-distilling BERT with Adaptive Inference Time"
    assert r.ids.arxiv == "2004.02178"
    assert r.code == ("https://github.com/autoliuweijie/FastBERT",)


@pytest.mark.parametrize(
    "written,title",
    [
        ("- 【Pre-trained Models for NLP】 [[paper]](https://arxiv.org/abs/2003.08271)", "Pre-trained Models for NLP"),
        ("- （9）Pre-trained Models for NLP [[paper]](https://arxiv.org/abs/2003.08271)", "Pre-trained Models for NLP"),
        ("- (12) Pre-trained Models for NLP [[pdf]](https://arxiv.org/abs/2003.08271)", "Pre-trained Models for NLP"),
        ("- [🔥 Pre-trained Models for NLP.](https://arxiv.org/abs/2003.08271)", "Pre-trained Models for NLP"),
        (
            "| 3) **Pre-trained Models for NLP** - a survey | [Paper](https://arxiv.org/abs/2003.08271) |",
            "Pre-trained Models for NLP",
        ),
    ],
)
def test_decorations_are_not_part_of_the_title(written: str, title: str) -> None:
    text = ("| Paper | Links |\n|---|---|\n" + written) if written.startswith("|") else written
    r, _ = only(text + "\n")
    assert r.title == title
    assert r.ids.arxiv == "2003.08271"


def test_a_bold_label_in_a_blockquote_is_not_a_paper() -> None:
    records, _ = read(
        "> **Sponsored by [Atlas](https://atlas.example/)**\n>\n> **An API platform** for NLP tasks.\n\n"
        "- [Real Paper](https://arxiv.org/abs/1901.00001)\n"
    )
    assert [r.title for r in records] == ["Real Paper"]


def test_a_sentence_with_a_link_is_a_note_but_its_paper_is_kept() -> None:
    records, _ = read(
        "- [A Tool](https://github.com/a/tool) - a tool.\n\n"
        "We recommend reading [the original paper](https://arxiv.org/abs/1706.03762) before using it.\n\n"
        "[WMT](http://www.statmt.org/wmt19/) is the most important annual competition on translation.\n"
    )
    tool, paper = records
    assert tool.notes[-2].startswith("We recommend reading the original paper (https://arxiv.org/abs/1706.03762)")
    assert tool.notes[-1].startswith("WMT (http://www.statmt.org/wmt19/) is the most important")
    assert paper.ids.arxiv == "1706.03762"
    assert paper.title == "the original paper"
    assert paper.categories == tool.categories


def test_generic_link_texts_never_become_titles() -> None:
    records, problems = read(
        "## S\n- [Paper](https://arxiv.org/abs/1901.00001), [Tweet](https://x.com/a/1)\n"
        "- [arXiv:1901.00002](https://arxiv.org/abs/1901.00002)\n"
    )
    assert [r.title for r in records] == ["", ""]
    assert [r.ids.arxiv for r in records] == ["1901.00001", "1901.00002"]
    assert sorted(p.source.line for p in problems if p.kind == "untitled-paper") == [2, 3]


def test_contents_heading_is_not_a_category_parent() -> None:
    records, _ = read("# My List\n## Contents\n- [A](#a)\n## A\n- [Paper A](https://arxiv.org/abs/1901.00001)\n")
    assert records[0].categories == (("A",),)


@pytest.mark.parametrize(
    "line,title,first_author,venue,year",
    [
        (
            "1. Yoshua Bengio, Aaron Courville, Pascal Vincent (2013). [Representation Learning: A Review and "
            "New Perspectives](https://arxiv.org/abs/1206.5538). IEEE TPAMI.",
            "Representation Learning: A Review and New Perspectives",
            "Bengio, Yoshua",
            "IEEE TPAMI",
            2013,
        ),
        (
            "2. Attention Is All You Need. Ashish Vaswani, Noam Shazeer, Niki Parmar. NeurIPS 2017. "
            "[[pdf]](https://arxiv.org/abs/1706.03762) [[code]](https://github.com/tensorflow/tensor2tensor)",
            "Attention Is All You Need",
            "Vaswani, Ashish",
            "NeurIPS 2017",
            None,
        ),
        (
            "3. **[BERT: Pre-training of Deep Bidirectional Transformers](https://arxiv.org/abs/1810.04805)** "
            "- Devlin et al., NAACL 2019",
            "BERT: Pre-training of Deep Bidirectional Transformers",
            "Devlin",
            "NAACL 2019",
            None,
        ),
        (
            '4. [1] J. Devlin, M. Chang, K. Lee, K. Toutanova, "BERT: Pre-training of deep bidirectional '
            'transformers for language understanding," in NAACL, 2019. [Online]. Available: '
            "https://www.aclweb.org/anthology/N19-1423",
            "BERT: Pre-training of deep bidirectional transformers for language understanding",
            "Devlin, J.",
            "NAACL",
            2019,
        ),
    ],
)
def test_more_citation_styles(line: str, title: str, first_author: str, venue: str, year: int | None) -> None:
    r, _ = only(line + "\n")
    assert r.title == title
    assert format_person(r.authors[0]) == first_author
    assert r.venue_text == venue
    assert r.year == year
    assert r.ids.as_pairs()
