from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.identity import family_names
from bibkit.model import Person
from bibkit.normalize.latex import strip_latex
from bibkit.normalize.names import (
    format_person,
    parse_authors,
    parse_creator,
    parse_people,
    special_characters_folded,
    split_names,
)


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


# Pieces of BibTeX names: plain letters of both cases, special characters and groups of no letter
# (which `special_characters_folded` writes plainly), and braces or commands it must leave to pybtex.
_LETTERS = ["ab", "Ab", "M", "ller", "Zh", "o", "Jean", "de", "van", "la", "Ø", "é", "'t", "-", "'", "2"]
_ONE_CHARACTER = ['{\\"u}', '{\\"{u}}', "{\\'e}", "{\\'{E}}", '{\\"O}', "{\\o}", "{\\ss}", "{\\AA}", "{\\'{\\i}}"]
_ONE_CHARACTER += [
    "{\\c{C}}",
    "J{\\o}",
    "a{\\ss}",
    "{\\O}",
    "{\\AE}",
    "{\\l}",
    "{\\v{s}}",
    "{-}",
    "{.}",
    "{\\foo}",
    "{\\L}",
    "{\\i}",
]
_OTHER = ["{de}", "{X}", "{Barnes and Noble}", "{van Gogh}", "{\\v C}", "\\v{C}", '\\"u', "{Mausam}", "{a, b}"]


@st.composite
def name_list(draw: st.DrawFn) -> str:
    piece = st.sampled_from(_LETTERS) | st.sampled_from(_ONE_CHARACTER) | st.sampled_from(_OTHER)
    word = st.lists(piece, min_size=1, max_size=3).map("".join)
    words = st.lists(word, min_size=1, max_size=4).map(" ".join)
    name = st.one_of(
        words,
        st.tuples(words, words).map(", ".join),
        st.tuples(words, st.sampled_from(["Jr.", "III"]), words).map(", ".join),
    )
    names = draw(st.lists(name, min_size=1, max_size=4))
    return " and ".join(names + (["others"] if draw(st.booleans()) else []))


@given(name_list())
@settings(max_examples=400)
def test_folding_special_characters_reads_the_same_family_names(raw: str) -> None:
    """Matching folds special characters before reading names, so that most names need no name
    parser: the family names must be those pybtex reads from the names as written."""
    folded = special_characters_folded(raw)
    assert family_names(parse_people(folded, strip_latex)[0]) == family_names(parse_people(raw, strip_latex)[0])


@given(name_list())
@settings(max_examples=300)
def test_the_fast_name_rules_read_as_pybtex(raw: str) -> None:
    """A name without braces or commands is read by bibkit's own rules, not pybtex's parser: the
    parts must be pybtex's (BibTeX's)."""
    from pybtex.database import Person as PybtexPerson

    for name in split_names(raw):
        name = " ".join(name.split())
        if not name or "{" in name or "\\" in name or name.count(",") > 2 or name == "others":
            continue
        ours = parse_people(name)[0][0]
        theirs = PybtexPerson(name)
        assert ours.last == " ".join(theirs.last_names) or ours.literal
        assert ours.von == " ".join(theirs.prelast_names)
        assert ours.jr == " ".join(theirs.lineage_names)


def test_special_characters_are_folded_and_other_braces_kept() -> None:
    raw = 'M{\\"u}ller, J{\\"{u}}rgen and Wook{-}Shin Han and {Barnes and Noble} and Jean {de} la Fontaine'
    assert (
        special_characters_folded(raw)
        == "Muller, Jurgen and Wook-Shin Han and {Barnes and Noble} and Jean {de} la Fontaine"
    )
