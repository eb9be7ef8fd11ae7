from __future__ import annotations

from bibkit.model import Person
from bibkit.normalize.names import format_person, parse_authors, parse_creator


def test_authors_split_and_formatted() -> None:
    authors, others = parse_authors("Kelvin Xu, Jimmy Ba, Christopher D. Manning")
    assert [format_person(p) for p in authors] == ["Xu, Kelvin", "Ba, Jimmy", "Manning, Christopher D."]
    assert not others


def test_particles_hyphens_and_et_al() -> None:
    authors, others = parse_authors("Adrian de Wynter, Aaron van den Oord, Jean-Baptiste Cordonnier, et al.")
    assert authors[0] == Person(last="Wynter", first="Adrian", von="de")
    assert format_person(authors[1]) == "van den Oord, Aaron"
    assert format_person(authors[2]) == "Cordonnier, Jean-Baptiste"
    assert others


def test_non_latin_and_single_names_are_literals() -> None:
    authors, _ = parse_authors("张俊林, Wei Zhu")
    assert authors[0] == Person(last="张俊林", literal=True)
    assert format_person(authors[1]) == "Zhu, Wei"


def test_creators_of_posts() -> None:
    assert parse_creator("Jay Alammar") == Person(last="Alammar", first="Jay")
    assert parse_creator("Google").literal
    assert parse_creator("Havard NLP").literal
    assert parse_creator("科学空间").literal
    assert parse_creator("RUC AI Box").literal
