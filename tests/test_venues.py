from __future__ import annotations

import pytest

from bibkit.model import VenueKind
from bibkit.normalize.venues import load_table, ordinal, parse_venue, venue_of_acl_id


@pytest.mark.parametrize(
    ("text", "acronym", "year", "kind"),
    [
        ("NIPS 2017", "NeurIPS", 2017, VenueKind.CONFERENCE),
        ("NeurIPS 2019", "NeurIPS", 2019, VenueKind.CONFERENCE),
        ("ICLR2020", "ICLR", 2020, VenueKind.CONFERENCE),
        ("CoRR 2019", "arXiv", 2019, VenueKind.PREPRINT),
        ("TACL 2020", "TACL", 2020, VenueKind.JOURNAL),
        ("SustaiNLP 2020 at EMNLP 2020", "SustaiNLP", 2020, VenueKind.WORKSHOP),
        ("RepL4NLP@ACL 2019", "RepL4NLP", 2019, VenueKind.WORKSHOP),
        ("Findings of EMNLP 2020", "Findings of EMNLP", 2020, VenueKind.CONFERENCE),
        ("Invited Review of Science China Technological Sciences 2020", "SCTS", 2020, VenueKind.JOURNAL),
        ("CS224n Winter2019 Reports", "CS224n", 2019, VenueKind.REPORT),
        ("BlackBoxNLP 2019", "BlackboxNLP", 2019, VenueKind.WORKSHOP),
    ],
)
def test_venue_spellings(text: str, acronym: str, year: int, kind: VenueKind) -> None:
    parsed = parse_venue(text)
    assert parsed.venue is not None
    assert (parsed.venue.acronym, parsed.year, parsed.venue.kind) == (acronym, year, kind)


def test_typo_is_read_and_reported() -> None:
    parsed = parse_venue("NeuIPS 2019")
    assert parsed.venue is not None
    assert parsed.venue.acronym == "NeurIPS"
    assert parsed.typo == "NeuIPS"
    assert parse_venue("NeurIPS 2019").typo == ""


def test_official_names_follow_the_year() -> None:
    assert parse_venue("ACL 2019").venue.name == (
        "Proceedings of the 57th Annual Meeting of the Association for Computational Linguistics"
    )
    assert parse_venue("NIPS 2017").venue.name == "Advances in Neural Information Processing Systems 30"
    assert parse_venue("ICML 2015").venue.name == "Proceedings of the 32nd International Conference on Machine Learning"
    assert "Volume 1 (Long and Short Papers)" in parse_venue("NAACL 2019").venue.name
    assert parse_venue("EMNLP 2019").venue.name.endswith("(EMNLP-IJCNLP)")


def test_qualifiers_are_kept_apart() -> None:
    best = parse_venue("ACL 2020 Best Paper")
    assert best.venue.acronym == "ACL"
    assert best.qualifier == "Best Paper"
    workshop = parse_venue("NeurIPS 2019 Workshop")
    assert workshop.venue.kind == VenueKind.WORKSHOP


def test_year_only_and_unknown() -> None:
    only = parse_venue("2020")
    assert only.venue is None
    assert only.year == 2020
    assert not only.unknown
    unknown = parse_venue("Some Unheard Of Symposium 2021")
    assert unknown.venue is None
    assert unknown.unknown == "Some Unheard Of Symposium"


def test_every_table_entry_renders_without_placeholders() -> None:
    table = load_table()
    for spec in table.specs.values():
        for year in (None, 2015, 2020):
            name = spec.long_name(year)
            assert "{" not in name and "}" not in name, (spec.acronym, year, name)


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 57, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "57th",
        "111th",
    ]


def test_acl_anthology_ids_name_venue_and_year() -> None:
    assert venue_of_acl_id("P19-1423") == ("ACL", 2019)
    assert venue_of_acl_id("D15-1166") == ("EMNLP", 2015)
    assert venue_of_acl_id("2020.findings-emnlp.207") == ("Findings of EMNLP", 2020)
    assert venue_of_acl_id("W19-4302") == ("", 2019)
