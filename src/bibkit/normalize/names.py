"""Author names: list text ("Kelvin Xu, Jimmy Ba, ... et al.") to ``Person`` values.

Latin names are split by pybtex's BibTeX-compatible name parser (particles such as
"van den", hyphenated first names); CJK names, organisations and handles are kept
whole as literals, which BibTeX writes in braces so no style reorders them.
"""

from __future__ import annotations

import re

from pybtex.database import Person as PybtexPerson

from ..model import Person

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ET_AL = re.compile(r",?\s*\b(?:et\.?\s*al\.?|and\s+others|etc\.?)\s*$", re.I)
_ORG_WORDS = {
    "ai",
    "lab",
    "labs",
    "team",
    "research",
    "group",
    "inc",
    "corp",
    "university",
    "institute",
    "google",
    "microsoft",
    "facebook",
    "openai",
    "deepmind",
    "nvidia",
    "baidu",
    "alibaba",
    "tencent",
    "huawei",
    "amazon",
    "ibm",
    "meta",
    "nlp",
    "blog",
    "club",
    "box",
}


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def split_authors(text: str) -> tuple[list[str], bool]:
    """Split an author list on commas, semicolons and "and"; report a trailing "et al."."""
    text = " ".join(text.split()).strip(" .;,")
    others = False
    m = _ET_AL.search(text)
    if m:
        others = True
        text = text[: m.start()].strip(" .;,")
    parts = re.split(r"\s*[,;，、]\s*(?:and\s+)?|\s+and\s+|\s+&\s+", text)  # "A, B, and C"
    return [p.strip() for p in parts if p.strip(" .")], others


def parse_person(name: str) -> Person:
    """One Latin name via pybtex; CJK names and single tokens as literals."""
    name = " ".join(name.split())
    if has_cjk(name) or len(name.split()) == 1:
        return Person(last=name, literal=True)
    parsed = PybtexPerson(name)
    first = " ".join(parsed.first_names + parsed.middle_names)
    von = " ".join(parsed.prelast_names)
    last = " ".join(parsed.last_names)
    jr = " ".join(parsed.lineage_names)
    if not last:
        return Person(last=name, literal=True)
    return Person(last=last, first=first, von=von, jr=jr)


def parse_authors(text: str) -> tuple[tuple[Person, ...], bool]:
    names, others = split_authors(text)
    return tuple(parse_person(n) for n in names), others


def parse_creator(text: str) -> Person:
    """The author part of "Author / Title" blog links: a person or an organisation/handle."""
    text = " ".join(text.split())
    words = text.split()
    looks_org = (
        has_cjk(text)
        or len(words) == 1
        or len(words) > 3
        or any(w.lower() in _ORG_WORDS for w in words)
        or any(len(w) > 1 and w.isupper() for w in words)
        or not all(w[:1].isupper() for w in words)
    )
    if looks_org:
        return Person(last=text, literal=True)
    return parse_person(text)


def format_person(person: Person) -> str:
    """BibTeX's "von Last, Jr, First" form; literals are braced by the writer."""
    if person.literal:
        return person.last
    last = f"{person.von} {person.last}".strip()
    if person.jr:
        return f"{last}, {person.jr}, {person.first}"
    if person.first:
        return f"{last}, {person.first}"
    return last
