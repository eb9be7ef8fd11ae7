from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bibkit.identity import identity_tokens
from bibkit.keys import assign_keys, key_base
from bibkit.model import Identifiers, Kind, Person, Record, Source

SRC = Source("list.md", 1, "L")


def paper(title: str, last: str = "", year: int | None = None, **kw) -> Record:
    authors = (Person(last=last, first="A"),) if last else ()
    return Record(kind=Kind.PAPER, title=title, sources=(SRC,), authors=authors, year=year, categories=((),), **kw)


def test_scholar_shape() -> None:
    assert key_base(paper("Attention is All you Need", "Vaswani", 2017)) == "vaswani2017attention"
    assert key_base(paper("The Illustrated BERT", "Alammar", 2018)) == "alammar2018illustrated"
    assert key_base(paper("Non-local Neural Networks", "Wang", 2018)) == "wang2018nonlocal"


def test_particles_accents_and_cjk_are_ascii() -> None:
    vdo = Record(
        kind=Kind.PAPER,
        title="WaveNet",
        sources=(SRC,),
        year=2016,
        authors=(Person(last="Oord", first="Aaron", von="van den"),),
    )
    assert key_base(vdo) == "oord2016wavenet"
    assert key_base(paper("Über Alles", "Schütze", 2020)) == "schutze2020uber"
    cjk = Record(
        kind=Kind.ARTICLE, title="从语言模型到Seq2Seq", sources=(SRC,), authors=(Person(last="科学空间", literal=True),)
    )
    assert key_base(cjk) == "kexuekongjiancongyuyanmo"


def test_no_author_uses_two_title_words() -> None:
    assert key_base(paper("Understanding Back-Translation at Scale", year=2018)) == "understandingbacktranslation2018"


def test_collisions_get_deterministic_suffixes() -> None:
    a = paper("Attention Flows", "Smith", 2020, url="https://a.org/1")
    b = paper("Attention Maps", "Smith", 2020, url="https://a.org/2")
    c = paper("Attention Heads", "Smith", 2020, url="https://a.org/3")
    keys = [r.key for r in assign_keys([a, b, c])]
    assert keys == ["smith2020attention", "smith2020attentiona", "smith2020attentionb"]
    assert keys == [r.key for r in assign_keys([a, b, c])]


def test_previous_keys_are_kept_even_against_the_formula() -> None:
    record = paper("Attention is All you Need", "Vaswani", 2017, ids=Identifiers(arxiv="1706.03762"))
    previous = {"arxiv:1706.03762": "transformer"}
    assert [r.key for r in assign_keys([record], previous)] == ["transformer"]


def test_a_newcomer_never_takes_an_existing_key() -> None:
    old = paper("Attention Maps", "Smith", 2020, ids=Identifiers(arxiv="2001.00001"))
    new = paper("Attention Flows", "Smith", 2020, ids=Identifiers(arxiv="2002.00002"))
    previous = {t: "smith2020attention" for t in identity_tokens(old)}
    keyed = assign_keys([new, old], previous)  # the newcomer comes first in the list
    assert [r.key for r in keyed] == ["smith2020attentiona", "smith2020attention"]


@given(
    st.text(max_size=40),
    st.text(max_size=20),
    st.one_of(st.none(), st.integers(min_value=1900, max_value=2100)),
)
def test_keys_are_always_valid_ascii(title: str, last: str, year: int | None) -> None:
    record = Record(
        kind=Kind.PAPER,
        title=title,
        sources=(SRC,),
        year=year,
        authors=(Person(last=last, literal=True),) if last.strip() else (),
    )
    key = assign_keys([record])[0].key
    assert re.fullmatch(r"[a-z0-9]+", key), key
