"""The list reader on excerpts cut from real lists it was not written against
(tests/fixtures/corpus/, each file names its source list and lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.model import Kind, Record
from bibkit.normalize.names import format_person
from bibkit.sources.markdown import linked_identifiers, missing_identifiers, read_list
from bibkit.sources.markdown.titles import is_generic

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
EXCERPTS = sorted(FIXTURES.glob("*.md"))


def records_of(name: str) -> list[Record]:
    return read_list(FIXTURES / name).records


def by_title(records: list[Record], title: str) -> Record:
    (found,) = [r for r in records if r.title == title]
    return found


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda p: p.stem)
def test_every_linked_identifier_is_an_entry(path: Path) -> None:
    reading = read_list(path)
    assert reading.linked, "each excerpt links papers"
    assert missing_identifiers(reading.linked, reading.records) == []


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda p: p.stem)
def test_no_title_is_generic_decorated_or_navigation(path: Path) -> None:
    for record in read_list(path).records:
        assert record.title and not is_generic(record.title), record
        assert not record.title.startswith(("1)", "(", "【", "#")), record.title
        assert "#" not in record.url[:12] and not record.url.startswith("."), record.url
        assert all(not part.lower().endswith("contents") for path in record.categories for part in path)


def test_citation_lines_and_html_headings() -> None:
    records = records_of("citation_lines.md")
    # The table of contents (nested in-page anchors) gives no entry; <h2>/<h3> are categories.
    assert records[0].title.startswith("The Mathematics of Statistical Machine Translation")
    bleu = by_title(records, "BLEU: a Method for Automatic Evaluation of Machine Translation")
    assert [format_person(p) for p in bleu.authors] == [
        "Papineni, Kishore",
        "Roukos, Salim",
        "Ward, Todd",
        "Zhu, Wei-Jing",
    ]
    assert (bleu.year, bleu.venue_text, bleu.ids.acl) == (2002, "Proceedings of ACL 2002", "P02-1040")
    assert bleu.categories == (("10 Must Reads",),)
    assert bleu.links[0].label == "Citation", "the citation-count link is a link, not the paper"
    koehn = by_title(records, "Neural Machine Translation")
    assert koehn.venue_text == "arxiv:1709.07809"
    assert koehn.ids.arxiv == "1709.07809"
    survey = by_title(records, "A Survey of Multilingual Neural Machine Translation")
    assert survey.ids.doi == "10.1145/3406095"
    assert survey.notes[0].startswith("Tutorial on Multilingual Neural Machine Translation"), "a nested line is a note"


def test_label_before_a_citation_is_a_note_not_a_title() -> None:
    records = records_of("citation_lines.md")
    titles = [r.title for r in records]
    assert "System report" not in titles
    assert "Techniques" not in titles
    assert "WMT" not in titles
    msra = by_title(records, "Microsoft Research Asia’s Systems for WMT19")
    assert msra.categories == (("Tutorials and Surveys", "WMT 2019"),)
    assert format_person(msra.authors[0]) == "Xia, Yingce"
    assert msra.year == 2019
    assert "System report" in msra.notes
    mass = by_title(records, "MASS: Masked Sequence to Sequence Pre-training for Language Generation")
    assert mass.ids.arxiv == "1905.02450"
    assert mass.kind == Kind.PAPER


def test_weekly_tables_read_by_their_header() -> None:
    records = records_of("weekly_tables.md")
    titles = [r.title for r in records]
    assert not any(t.lower().startswith(("top ml papers", "tweet", "paper")) for t in titles)
    mercury = by_title(records, "Ultra-Fast Diffusion-based Language Models")
    assert mercury.ids.arxiv == "2506.17298"
    assert mercury.notes[0].startswith("This paper introduces Mercury")
    assert [link.label for link in mercury.links] == ["Tweet"]
    assert mercury.categories == (("Top ML Papers of the Week (June 23 - June 29) - 2025",),)
    sal = by_title(records, "Self-Adaptive LLMs")
    assert sal.notes[0].startswith("introduces Transformer^2")
    goal = by_title(records, "Goal Driven Discovery of Distributional Differences via Language Descriptions")
    assert goal.code == ("https://github.com/ruiqi-zhong/D5",)
    assert goal.ids.arxiv == "2302.14233"
    brain = by_title(
        records, "High-resolution image reconstruction with latent diffusion models from human brain activity"
    )
    assert brain.url == "https://sites.google.com/view/stablediffusion-with-brain/", (
        "[Project] is its page, not the tweet"
    )
    assert len({r.ids.arxiv for r in records if r.ids.arxiv}) == len([r for r in records if r.ids.arxiv])


def test_label_first_items_and_repositories_that_name_their_paper() -> None:
    records = records_of("label_first.md")
    bert = by_title(records, "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding")
    assert bert.ids.arxiv == "1810.04805"
    assert format_person(bert.authors[0]) == "Devlin, Jacob"
    absa = by_title(records, "BERT Post-Training for Review Reading Comprehension and Aspect-based Sentiment Analysis")
    assert [format_person(p) for p in absa.authors][-1] == "Yu, Philip S."
    assert absa.code == ("https://github.com/howardhsu/BERT-for-RRC-ABSA",)
    # The title's Chinese rendering in closing parentheses is a note, not part of the title.
    wwm = by_title(records, "Pre-Training with Whole Word Masking for Chinese BERT")
    assert "中文BERT-wwm预训练模型" in wwm.notes
    assert wwm.kind == Kind.PAPER
    assert wwm.ids.arxiv == "1906.08101"
    assert wwm.code == ("https://github.com/ymcui/Chinese-BERT-wwm",), "the repository is the paper's code"
    summ = by_title(records, "Pretraining-Based Natural Language Generation for Text Summarization")
    assert summ.ids.arxiv == "1902.09243", "the quoted title of 'Implementation of ...'"
    assert by_title(records, "google-research/bert").kind == Kind.REPOSITORY


def test_awesome_list_navigation_badges_and_two_papers_on_one_line() -> None:
    records = records_of("awesome_list.md")
    assert all(r.categories[0][:1] == ("Tasks and Methods",) for r in records), "no TOC, sponsor or badge entry"
    bpe, unigram = by_title(records, "BPE"), by_title(records, "Unigram LM")
    assert (bpe.ids.arxiv, unigram.ids.arxiv) == ("1508.07909", "1804.10959")
    assert bpe.source.line == unigram.source.line
    fasttext = by_title(records, "fastText")
    assert fasttext.code == ("https://github.com/facebookresearch/fastText",)


def test_bold_numbered_items_with_authors_on_the_line_below() -> None:
    records = records_of("bold_numbered.md")
    assert [r.categories[0] for r in records[:1]] == [("Overview",)], "'Contents' is not a category"
    openprompt = records[0]
    assert openprompt.title == "OpenPrompt: An Open-source Framework for Prompt-learning"
    assert format_person(openprompt.authors[0]) == "Ding, Ning"
    assert (openprompt.year, openprompt.month) == (2021, 11)
    t5 = by_title(records, "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer")
    assert format_person(t5.authors[0]) == "Raffel, Colin"
    assert t5.venue_text == "JMLR"
    assert t5.ids.arxiv == "1910.10683"
    assert (t5.year, t5.month) == (2019, 10)
    assert all(r.authors for r in records)


def test_linked_identifiers_have_lines() -> None:
    text = "# L\n\nsee https://arxiv.org/abs/1706.03762v5 and\n[x](https://doi.org/10.1145/3406095)\n"
    found = {item.token: item.source.line for item in linked_identifiers(text, "l.md")}
    assert found == {"arxiv:1706.03762": 3, "doi:10.1145/3406095": 4}


def test_most_cited_list_reads_plain_authors_after_the_year() -> None:
    records = records_of("most_cited.md")
    titles = [r.title for r in records]
    assert not any(t.startswith(("To get the news", "Before this list")) for t in titles), "prose is not an item"
    distil = by_title(records, "Distilling the knowledge in a neural network")
    assert format_person(distil.authors[0]) == "Hinton, G."
    assert distil.others
    assert distil.venue_text == "2015"
    gehring = by_title(records, "Convolutional Sequence to Sequence Learning")
    assert format_person(gehring.authors[0]) == "Gehring, Jonas"
    assert gehring.year == 2017
    squad = by_title(records, "SQuAD: 100,000+ Questions for Machine Comprehension of Text")
    assert squad.authors[0].last == "Rajpurkar"
    theano = by_title(records, "Theano: A Python framework for fast computation of mathematical expressions")
    assert format_person(theano.authors[0]) == "Al-Rfou, R."
