"""Citation keys: readable, ASCII, unique, and stable across builds.

Shape: first author's family name + year + first significant title word, lower-case
ASCII (``vaswani2017attention``), as Google Scholar and bibtex-tidy write them.
Particles are dropped (``van den Oord`` gives ``oord``, as in Scholar).  CJK names and
titles are transliterated with unidecode; a CJK title word is its first four characters
(``超生动图解`` gives ``chaoshengdongtu``).  Without authors the first two title words
lead (``understandingbacktranslation2018``).

A key once written stays: keys found in the previous ``bib/`` are kept by the work
they belong to (matched by identifiers, link or title), and a newcomer whose key is
taken gets a suffix ``a``, ``b``, ... -- existing keys are never renumbered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from unidecode import unidecode

from .identity import identity_tokens
from .model import Record
from .text import CJK_CHARS, CJK_RUN

SKIP_WORDS = frozenset(
    """a an the of on in for to and or with without is are be been was were do does did
    via by from at as into onto over under about against between through during before
    after above below up down out off than then so yet but nor not no its it this that these
    those what which who whom whose when where why how can could should would will shall may
    might must we you your our their his her my me us them they he she i towards toward
    upon within per versus vs de la le les der die das el y et""".split()
)

_TOKEN = re.compile(f"[{CJK_CHARS}]+|[^\\s{CJK_CHARS}]+")


def ascii_word(text: str) -> str:
    """Transliterate and keep only [a-z0-9]."""
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower())


def key_words(title: str) -> list[str]:
    """Significant title words as key material, in order (not identity.title_words, which
    folds every word of a title for comparison)."""
    words = []
    # URL-like titles split at their separators; hyphenated words stay whole ("nonlocal").
    for token in _TOKEN.findall(re.sub(r"[/.#?=&:_]+", " ", title)):
        if CJK_RUN.fullmatch(token):
            word = ascii_word(token[:4])
        else:
            word = ascii_word(token)
            if word in SKIP_WORDS:
                continue
        if word:
            words.append(word)
    return words


def key_base(record: Record) -> str:
    words = key_words(record.title) or ["untitled"]
    year = str(record.year) if record.year else ""
    author = ""
    if record.authors:
        first = record.authors[0]
        author = ascii_word(first.last)[:24]
    if author:
        base = f"{author}{year}{words[0]}"
    else:
        base = f"{''.join(words[:2])}{year}"
    return base


def _suffixes() -> Iterable[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b


def assign_keys(records: list[Record], previous: Mapping[str, str] | None = None) -> list[Record]:
    """Give every record a unique key; keep the key its work had in the previous output.

    ``previous`` maps identity tokens (see identity.py) to the keys written last time.
    Deterministic: records are taken in the order given.
    """
    previous = previous or {}
    taken: set[str] = set()
    kept: dict[int, str] = {}
    aliases: dict[int, list[str]] = {}
    for index, record in enumerate(records):
        found = [previous[t] for t in identity_tokens(record) if t in previous]
        found = [k for k in dict.fromkeys(found) if k.lower() not in taken]
        if not found:
            continue
        # Two works written separately last time may be one now: the key without a collision
        # suffix (the first claimant) stays, the other lives on as an alias (BibLaTeX's ids
        # field), so old citations still resolve.
        found.sort(key=lambda k: (len(k), k))
        kept[index] = found[0]
        aliases[index] = found[1:]
        taken.update(k.lower() for k in found)
    out = []
    for index, record in enumerate(records):
        key = kept.get(index)
        if key is None:
            base = key_base(record)
            key = base
            if key in taken:
                key = next(base + s for s in _suffixes() if (base + s) not in taken)
            taken.add(key)
        extra = tuple(a for a in aliases.get(index, []) if a not in record.aliases)
        out.append(replace(record, key=key, aliases=record.aliases + extra))
    return out
