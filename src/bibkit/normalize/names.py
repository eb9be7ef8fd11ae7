"""Author names: list text ("Kelvin Xu, Jimmy Ba, ... et al.") to ``Person`` values.

Latin names are split by pybtex's BibTeX-compatible name parser (particles such as
"van den", hyphenated first names); CJK names, organisations and handles are kept
whole as literals, which BibTeX writes in braces so no style reorders them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ..model import Person
from ..text import has_cjk
from .latex import strip_latex
from .richtext import latex_to_rich, plain

# pybtex's name parser is imported where a name needs it: matching thousands of entries, most names
# are read by the fast rules below, and importing pybtex costs more than reading them.

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


def split_authors(text: str) -> tuple[list[str], bool]:
    """Split an author list on commas, semicolons and "and"; report a trailing "et al."."""
    text = " ".join(text.split()).strip(" .;,")
    others = False
    m = _ET_AL.search(text)
    if m:
        others = True
        text = text[: m.start()].strip(" .;,")
    parts = [p.strip() for p in re.split(r"\s*[,;，、]\s*(?:and\s+|&\s*)?|\s+and\s+|\s+&\s+", text) if p.strip(" .")]
    return _family_first(parts), others


# "Chang, M.-W." (APA) and "Lin Z" / "Lin ZM" (Vancouver): initials that follow a family name.
_APA_INITIALS = re.compile(r"^[A-Z]\.(?:\s*-?\s*[A-Z]\.)*$|^(?:[A-Z]\.\s*-?\s*)*[A-Z]$")
_VANCOUVER = re.compile(r"^(?P<family>[^\W\d_][\w'’\-]*(?:\s+[^\W\d_][\w'’\-]*)*)\s+(?P<initials>[A-Z]{1,3})$")


def _family_first(parts: list[str]) -> list[str]:
    """Names written family name first, as reference styles do, rewritten as 'Family, Initials':
    APA splits each name at its comma ('Devlin', 'J.'), Vancouver writes 'Lin Z'. A list that is
    not wholly in one of these styles is returned as it is."""
    if len(parts) >= 2 and len(parts) % 2 == 0:
        families, initials = parts[0::2], parts[1::2]
        if all(_APA_INITIALS.match(i) for i in initials) and not any(_APA_INITIALS.match(f) for f in families):
            return [f"{f}, {i if i.endswith('.') else i + '.'}" for f, i in zip(families, initials, strict=True)]
    matches = [_VANCOUVER.match(p) for p in parts]
    if parts and all(matches) and any(len(p.split()) == 2 for p in parts):
        return [f"{m['family']}, {'. '.join(m['initials'])}." for m in matches if m]
    return parts


def parse_person(name: str) -> Person:
    """One Latin name via pybtex; CJK names and single tokens as literals."""
    name = " ".join(name.split())
    if has_cjk(name) or len(name.split()) == 1:
        return Person(last=name, literal=True)
    from pybtex.database import Person as PybtexPerson

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


# ---------------------------------------------------------------------------------------------
# BibTeX name lists ("Doe, Jane and {Google} and others"), as .bib files write them


_SIMPLE_NAME = re.compile(r"^[^{}\\]+$")
_LETTER = re.compile(r"[^\W\d_]")


def _lower(word: str) -> bool:
    """Whether a word is lower case for BibTeX: its first letter is ("'t", "-de" too)."""
    if word[:1].isalpha():
        return word[0].islower()
    m = _LETTER.search(word)
    return m is not None and m.group().islower()


def _simple_person(name: str) -> Person | None:
    """BibTeX's name rules for names without braces or commands (the common case), fast."""
    if not _SIMPLE_NAME.match(name):
        return None
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 1:
        words = parts[0].split()
        if len(words) == 1:
            return Person(last=words[0], literal=False)
        # "First von Last": the von part runs from the first lower-case word before the last to the
        # last such word.
        lower = [k for k, w in enumerate(words[:-1]) if _lower(w)]
        i, j = (lower[0], lower[-1]) if lower else (len(words) - 1, len(words) - 2)
        first, von, last = words[:i], words[i : j + 1], words[j + 1 :]
        return Person(last=" ".join(last), first=" ".join(first), von=" ".join(von), given_first=True)
    if len(parts) in (2, 3):
        lastpart = parts[0].split()
        k = max((n for n, w in enumerate(lastpart[:-1]) if _lower(w)), default=-1)
        von, last = lastpart[: k + 1], lastpart[k + 1 :]
        jr = parts[1] if len(parts) == 3 else ""
        return Person(last=" ".join(last), first=parts[-1], von=" ".join(von), jr=jr)
    return None


# Three commas with no " and " between them: a name BibTeX rejects (checked in C before any split).
_THREE_COMMAS = re.compile(r",(?:(?!\sand\s)[^,])*,(?:(?!\sand\s)[^,])*,")


def invalid_names(fields: Mapping[str, str]) -> list[str]:
    """The names of an entry's author and editor lists that BibTeX rejects (more than two commas
    in one name)."""
    raw = fields.get("author", "") + " and " + fields.get("editor", "")
    if raw.count(",") < 3 or not _THREE_COMMAS.search(raw):
        return []  # every entry of a large file passes here
    return [p.strip() for p in re.split(r"\s+and\s+", raw) if p.count(",") > 2 and "{" not in p]


_AND = re.compile(r"\s+and\s+", re.I)


def split_names(raw: str, separator: str = "and") -> list[str]:
    """A name list split on "and" (or a name on ",") outside braces: "{Council on Quality and
    Outcomes}" is one name. For a separator other than "and", the parts after the first (an empty
    list when there is no top-level separator)."""
    raw = raw.strip()
    pattern = _AND if separator == "and" else re.compile(re.escape(separator))
    parts: list[str] = []
    if "{" not in raw:
        parts = pattern.split(raw) if separator == "and" else raw.split(separator)
    else:
        depth = start = 0
        i = 0
        while i < len(raw):
            c = raw[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif depth == 0:
                m = pattern.match(raw, i)
                if m and (separator != "and" or i > start):
                    parts.append(raw[start:i])
                    start = i = m.end()
                    continue
            i += 1
        parts.append(raw[start:])
    return parts if separator == "and" else parts[1:]


def _name_text(latex: str) -> str:
    """A name part as Zotero's importer reads it: accents decoded, the space after a command kept
    ("D\\textquotesingle aspremont" is "D' aspremont"), no markup."""
    return plain(latex_to_rich(latex))


# A brace group BibTeX reads as one character: an accented letter ({\"u}, {\'{\i}}, {\c{C}}: a
# backslash, an accent, a letter) or a group with no letter in it ({-}). Written plainly, the
# character keeps its case where a word begins (the accented letter's, or none), and the group
# holds no space, comma or "and": the name splits into the same parts under BibTeX's rules. A
# letter written as a command ({\o}, {\ss}) has no case for pybtex: it is folded after a letter
# of its word, or where it is a capital ({\O}vrelid); a lower-case one beginning a word is left
# to pybtex.
_ONE_CHARACTER = re.compile(
    r"\{\\(?:[^A-Za-z\s{},]|[A-Za-z]+(?=\{))[^\s{},]*(?:\{[^\s{},]*\}[^\s{},]*)*\}"
    r"|\{[^\sA-Za-z{},\\]*\}"
    r"|(?<=[^\W\d_])\{\\[A-Za-z]+\}"  # J{\o}rgensen, Stra{\ss}e: the word's case is its first letter's
    r"|\{\\[A-Z][A-Za-z]*\}"  # {\O}vrelid: not lower case for BibTeX, and O is not either
)


def special_characters_folded(raw: str) -> str:
    """A name list for matching: each brace group that is one character (``_ONE_CHARACTER``)
    written as ``strip_latex`` folds it (M{\\"u}ller is Muller). Most names of a .bib then need
    no name parser, only the fast rules; names with other braces or commands still go to pybtex.
    ``parse_people(special_characters_folded(raw), strip_latex)`` reads the family names that
    ``parse_people(raw, strip_latex)`` reads (a property test checks it)."""
    return _ONE_CHARACTER.sub(_folded, raw) if "{" in raw else raw


def _folded(m: re.Match[str]) -> str:
    return strip_latex(m.group()) or m.group()  # a group that folds to nothing ({\relax}) stays


def parse_people(raw: str, text: Callable[[str], str] = _name_text) -> tuple[tuple[Person, ...], bool]:
    """A BibTeX name list ("Doe, Jane and {Google} and others") as Person values. ``text``
    converts each name part (matching passes ``strip_latex``: the same folded names, much faster)."""
    people = []
    others = False
    for part in split_names(raw):
        part = part.strip()
        if not part:
            continue
        if part.lower() == "others":
            others = True
            continue
        if part.startswith("{") and part.endswith("}") and part.count("{") == 1:
            people.append(Person(last=text(part), literal=True))
            continue
        simple = _simple_person(part)
        if simple is not None:
            people.append(simple)
            continue
        if part.count(",") > 2 and "{" not in part:
            # "Miller, D., Firby, J.": names joined with commas instead of "and" (reported by
            # `invalid_names`); read as Last, First pairs rather than lost.
            pieces = [p.strip() for p in part.split(",")]
            for i in range(0, len(pieces) - 1, 2):
                people.append(Person(last=text(pieces[i]), first=text(pieces[i + 1])))
            if len(pieces) % 2:
                people.append(Person(last=text(pieces[-1]), literal=True))
            continue
        from pybtex.database import Person as PybtexPerson
        from pybtex.exceptions import PybtexError

        try:
            parsed = PybtexPerson(part)
        except PybtexError:
            people.append(Person(last=text(part), literal=True))
            continue
        last = text(" ".join(parsed.last_names))
        if not last:
            people.append(Person(last=text(part), literal=True))
            continue
        people.append(
            Person(
                last=last,
                first=text(" ".join(parsed.first_names + parsed.middle_names)),
                von=text(" ".join(parsed.prelast_names)),
                jr=text(" ".join(parsed.lineage_names)),
                given_first=not split_names(part, ","),
            )
        )
    return tuple(people), others
