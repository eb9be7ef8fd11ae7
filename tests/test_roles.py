"""The reader reads roles, not forms (issue 20): what each span of an item is, from evidence.

Unit tests of ``roles`` (the evidence), items in the shapes real lists write them (each a small
excerpt in the shape of a corpus list, never an annotated item), and a property: a generated list
in any of several layouts reads back the same title, authors, year and venue, and no span is lost.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.model import Record, VenueKind
from bibkit.normalize.names import split_authors
from bibkit.normalize.record import normalize_record
from bibkit.normalize.venues import guess_kind
from bibkit.sources.markdown import parse_markdown
from bibkit.sources.markdown.roles import (
    alias_of,
    dated,
    is_name_list,
    read_details,
    split_title_tail,
    venue_and_date,
    venue_marker,
    volume_and_pages,
)


def read(text: str) -> list[Record]:
    records, _ = parse_markdown(text, "list.md")
    return [normalize_record(r)[0] for r in records]


def only(text: str) -> Record:
    (record,) = read(text)
    return record


def families(record: Record) -> list[str]:
    return [p.last for p in record.authors]


# --- the evidence -------------------------------------------------------------------------------


def test_dates_markers_and_aliases() -> None:
    assert dated("Nature, June 2022.") == (2022, 6)
    assert dated("2021.11") == (2021, 11)
    assert dated("Jan. 2022") == (2022, 1)
    assert venue_marker("[ICCV' 17]") == ("ICCV", 2017)
    assert venue_marker("NIPSW' 16") == ("NIPSW", 2016)
    assert venue_marker("Focal Loss") is None
    assert alias_of("[RetinaNet]") == "RetinaNet"
    assert alias_of("[YOLO v2]") == "YOLO v2"
    assert alias_of("(2017版)") == "", "a year is not a nickname"
    assert alias_of("[pdf]") == ""


def test_names_are_not_venues() -> None:
    assert is_name_list("Lucas S. P. Rudde, Mahdi Hijazi, Patrick Barth.")
    assert is_name_list("Mao Hong, Zhiyue Zhang, Yue Wu, and Yanxun Xu")
    assert not is_name_list("Nature Machine Intelligence")
    assert not is_name_list("Front. Mol. Biosci., August 2022.")
    assert not is_name_list("Briefings in Bioinformatics, November 2021.")


def test_venue_and_date() -> None:
    assert venue_and_date("Front. Mol. Biosci., August 2022.") == ("Front. Mol. Biosci", 2022, 8)
    assert venue_and_date("ICML, 2023.") == ("ICML", 2023, None)
    assert venue_and_date("Preprint, October 2021.") == ("Preprint", 2021, 10)
    assert venue_and_date("TPAMI 2026") == ("TPAMI", 2026, None)
    assert venue_and_date("GPT") is None, "an unknown acronym without a year is no venue"
    assert venue_and_date("a strong neural constituency parser") is None


def test_details_split_names_from_venue_and_keep_the_rest() -> None:
    found = read_details(["Mao Hong, Zhiyue Zhang, and Yanxun Xu. arXiv, 2024.", "see also the blog"], "line")
    assert found.authors == "Mao Hong, Zhiyue Zhang, and Yanxun Xu"
    assert (found.venue, found.year) == ("arXiv 2024", 2024)
    assert found.notes == ("see also the blog",), "what is neither a field nor a date stays as a note"
    assert dict(found.origins)["authors"] == "line part 1"


def test_volume_issue_pages() -> None:
    assert volume_and_pages("Nature, 596(7873), 583–589.") == ("Nature", "596", "7873", "583--589")
    assert volume_and_pages("ICML, 2021.")[1:] == ("", "", "")


def test_title_tails() -> None:
    assert split_title_tail("Federated Temporal Graph Clustering (FTGC)").alias == "FTGC"
    assert split_title_tail("Self-Attentive Constituency Parsing (Kitaev & Klein)").authors == "Kitaev and Klein"
    assert split_title_tail("Pointer-Generator Networks (See et al.)").authors == "See et al."
    assert split_title_tail("Chinese BERT（中文BERT-wwm预训练模型）").note == "中文BERT-wwm预训练模型"
    kept = split_title_tail("Learning to Rank (with Partial Labels)")
    assert kept.title == "Learning to Rank (with Partial Labels)", "a phrase in parentheses is part of the title"


def test_reference_styles_name_family_first() -> None:
    assert split_authors("Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K.") == (
        ["Devlin, J.", "Chang, M.-W.", "Lee, K.", "Toutanova, K."],
        False,
    )
    assert split_authors("Lin Z, Akin H, Rao R, et al.") == (["Lin, Z.", "Akin, H.", "Rao, R."], True)
    assert split_authors("Ashish Vaswani, Noam Shazeer") == (["Ashish Vaswani", "Noam Shazeer"], False)


def test_unknown_venues_get_a_kind_from_their_words() -> None:
    assert guess_kind("Nature Genetics") is VenueKind.JOURNAL
    assert guess_kind("Front. Mol. Biosci") is VenueKind.JOURNAL
    assert guess_kind("Preprint") is VenueKind.PREPRINT
    assert guess_kind("Proceedings of the Third Conference on Machine Translation") is VenueKind.OTHER


# --- items as real lists write them -------------------------------------------------------------


def test_four_line_blocks_put_authors_and_journal_on_their_lines() -> None:
    record = only(
        "**Deep learning approaches for conformational flexibility.**  \n"
        "Lucas S. P. Rudde, Mahdi Hijazi, Patrick Barth.  \n"
        "*Front. Mol. Biosci., August 2022.*  \n"
        "[[10.3389/fmolb.2022.928534](https://doi.org/10.3389/fmolb.2022.928534)]\n"
    )
    assert families(record) == ["Rudde", "Hijazi", "Barth"]
    assert (record.year, record.month) == (2022, 8)
    assert record.venue is not None and record.venue.name == "Front. Mol. Biosci"
    assert record.venue.kind is VenueKind.JOURNAL
    assert record.ids.doi == "10.3389/fmolb.2022.928534"


def test_a_nested_item_gives_its_parent_authors_and_venue() -> None:
    record = only(
        "- [Cal-QL: Calibrated Offline RL Pre-Training](https://arxiv.org/abs/2303.05479)\n"
        "  - Mitsuhiko Nakamoto, Yuexiang Zhai, and Sergey Levine. NeurIPS, 2023.\n"
    )
    assert families(record) == ["Nakamoto", "Zhai", "Levine"]
    assert record.venue is not None and record.venue.acronym == "NeurIPS"
    assert record.year == 2023, "the venue's year, not the arXiv id's"
    assert ("authors", "nested item part 1, line 2") in record.origins


def test_a_bold_alias_and_a_venue_marker_are_not_the_title() -> None:
    record = only(
        "- **[RetinaNet]** Focal Loss for Dense Object Detection | **[ICCV' 17]** |"
        "[`[pdf]`](https://arxiv.org/pdf/1708.02002.pdf) [`[official code]`](https://github.com/facebookresearch/Detectron)\n"
    )
    assert record.title == "Focal Loss for Dense Object Detection"
    assert record.nickname == "RetinaNet"
    assert record.venue is not None and record.venue.acronym == "ICCV" and record.year == 2017
    plain = only(
        "- Point in, Box out: Beyond Counting Persons | **[CVPR' 19]** |[`[pdf]`](https://arxiv.org/pdf/1904.01333.pdf)\n"
    )
    assert plain.title == "Point in, Box out: Beyond Counting Persons"
    assert plain.venue is not None and plain.venue.acronym == "CVPR" and plain.year == 2019


def test_a_table_venue_column_is_read_whether_the_table_knows_it_or_not() -> None:
    records = read(
        "| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2026 | **Deep Temporal Graph Clustering (BenchTGC)** | TPAMI | [Link](https://arxiv.org/abs/2601.12903) |\n"
        "| 2023 | **Beyond The Evidence Lower Bound (BELBO-VGAE)** | SDM | [Link](https://epubs.siam.org/doi/pdf/10.1137/1.9781611977653.ch12) |\n"
    )
    first, second = records
    assert (first.title, first.nickname, first.year) == ("Deep Temporal Graph Clustering", "BenchTGC", 2026)
    assert first.venue is not None and first.venue.acronym == "TPAMI"
    assert second.venue is not None and second.venue.name == "SDM", "an unknown venue is kept as written"
    assert second.ids.doi == "10.1137/1.9781611977653.ch12"


def test_a_listed_title_beats_the_sentence_around_a_link() -> None:
    from bibkit.dedupe import deduplicate

    records = read(
        "Deep graph clustering, which aims to reveal the underlying graph structure, has attracted intensive "
        "attention in recent years. More details can be found in the survey paper. [Link](https://arxiv.org/abs/2211.12875)\n\n"
        "| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2022 | **A Survey of Deep Graph Clustering** | arXiv | [Link](https://arxiv.org/abs/2211.12875) |\n"
    )
    (merged,), _, _ = deduplicate(records)
    assert merged.title == "A Survey of Deep Graph Clustering"


def test_new_users_reference_styles() -> None:
    records = read(
        "- **Highly accurate protein structure prediction**. *John Jumper, Richard Evans*. (Nature 2021) "
        "[[paper]](https://www.nature.com/articles/s41586-021-03819-2)\n"
        "- Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K. (2019). [BERT: Pre-training of Deep Bidirectional "
        "Transformers](https://arxiv.org/abs/1810.04805). NAACL.\n"
        "- Lin Z, Akin H, Rao R, et al. Evolutionary-scale prediction of atomic-level protein structure. "
        "Science. 2023;379(6637):1123-1130. [doi](https://doi.org/10.1126/science.ade2574)\n"
        "- [cora.zip](https://drive.google.com/file/d/abc/cora.zip) - the Cora dataset\n"
    )
    nature, bert, esm = records  # the data file is a note, not a work
    assert nature.venue is not None and nature.venue.kind is VenueKind.JOURNAL and nature.year == 2021
    assert nature.ids.doi == "10.1038/s41586-021-03819-2"
    assert families(bert) == ["Devlin", "Chang", "Lee", "Toutanova"]
    assert bert.venue is not None and "2019" in bert.venue.name
    assert families(esm) == ["Lin", "Akin", "Rao"] and esm.others
    assert esm.title == "Evolutionary-scale prediction of atomic-level protein structure"
    assert (esm.volume, esm.issue, esm.pages, esm.year) == ("379", "6637", "1123--1130", 2023)
    assert any("cora.zip" in n for n in esm.notes)


# --- the property: a generated item in any layout reads back its fields --------------------------

first_names = st.sampled_from(["Ann", "Rui", "Jonas", "Maria", "Kenji", "Ola", "Priya"])
last_names = st.sampled_from(["Smith", "Gehring", "Tanaka", "Okafor", "Novak", "Larsen", "Iyer"])
people = st.lists(st.tuples(first_names, last_names), min_size=1, max_size=5, unique_by=lambda p: p[1])
title_words = st.lists(
    st.sampled_from(["Learning", "Sparse", "Graph", "Protein", "Attention", "Robust", "Policies", "Models"]),
    min_size=3,
    max_size=8,
)
venues = st.sampled_from(["ICML", "NeurIPS", "ICLR", "CVPR", "Nature Methods", "Bioinformatics"])
years = st.integers(2012, 2024)
LAYOUTS = ("four-line", "nested", "bold-inline", "table")


def _layout(layout: str, title: str, names: str, venue: str, year: int, url: str) -> str:
    if layout == "four-line":
        return f"**{title}.**  \n{names}.  \n*{venue}, {year}.*  \n[[paper]({url})]\n"
    if layout == "nested":
        return f"- [{title}]({url})\n  - {names}. {venue}, {year}.\n"
    if layout == "bold-inline":
        return f"- **{title}**. *{names}*. ({venue} {year}) [[paper]]({url})\n"
    return f"| Title | Authors | Venue | Year |\n|---|---|---|---|\n| [{title}]({url}) | {names} | {venue} | {year} |\n"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LAYOUTS), title_words, people, venues, years, st.integers(100000, 999999))
def test_every_layout_reads_back_the_same_fields(
    layout: str, words: list[str], persons: list[tuple[str, str]], venue: str, year: int, n: int
) -> None:
    title = " ".join(words)
    names = ", ".join(f"{f} {last}" for f, last in persons)
    url = f"https://doi.org/10.1145/{n}"
    record = only(_layout(layout, title, names, venue, year, url))
    assert record.title == title
    assert families(record) == [last for _, last in persons]
    assert record.year == year
    assert record.venue is not None and venue.split()[0] in f"{record.venue.acronym} {record.venue.name}"
    assert record.ids.doi == f"10.1145/{n}"
