"""Titles: Markdown residue removed, and the capitals that must survive a
sentence-casing BibTeX style protected with braces.

The rule follows DBLP and the ACL Anthology rather than Better BibTeX: lists write
titles in Title Case, so ordinary capitalised words are left alone and only words
whose case carries meaning are braced -- all-caps and inner-capital words ({BERT},
{XLNet}, {RoBERTa}), letter-digit mixes ({T5}, {GPT-2}), and a small table of proper
nouns ({English}, {Wikipedia}).  A hyphenated compound with such a part is braced
whole ({K-BERT}, {XLM-R}).  The title is never wrapped in braces as a whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import has_cjk
from .latex import escape

_MARKDOWN_RESIDUE = re.compile(r"(\*\*|__|`+|~~|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w))")
_SPACE_AFTER_COLON = re.compile(r"(?<=[A-Za-z0-9\)]):(?=[A-Z])")


def clean_title(raw: str) -> str:
    """Plain title text: Markdown markers dropped, spacing normalized, trailing period removed."""
    text = _MARKDOWN_RESIDUE.sub("", raw)
    text = text.replace("\u00a0", " ")
    text = " ".join(text.split())
    text = _SPACE_AFTER_COLON.sub(": ", text)  # "CodeBERT:A Pre-Trained" -> "CodeBERT: A ..."
    text = text.strip(" ,;")
    if text.endswith(".") and not text.endswith("..."):
        text = text[:-1].rstrip()
    return text


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    from importlib import resources  # here: its import costs more than a fast command's work

    lines = resources.files("bibkit.data").joinpath("proper_nouns.txt").read_text("utf-8")
    return frozenset(line.strip() for line in lines.splitlines() if line.strip() and not line.startswith("#"))


def _part_needs_braces(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return False
    if not all(c.isascii() for c in letters) and not any(c.isupper() for c in letters):
        return False  # CJK and lower-case non-Latin words have no case to lose
    core = re.sub(r"['\u2019]s$", "", part)
    if core in proper_nouns():
        return True
    uppers = sum(1 for c in core if c.isupper())
    if uppers >= 2:  # BERT, XLNet, RoBERTa, NLP
        return True
    if uppers == 1 and not core[:1].isupper():  # mT5, oLMpics, iPhone
        return True
    has_digit = any(c.isdigit() for c in core)
    return has_digit and uppers >= 1  # T5, GPT2, Q8BERT


def needs_braces(word: str) -> bool:
    """Whether a (possibly hyphenated) word's case must be protected."""
    return any(_part_needs_braces(p) for p in re.split(r"[-\u2010\u2011/]", word) if p)


_WORD = re.compile(r"^(?P<lead>[\(\[\"'\u201c\u2018]*)(?P<core>.*?)(?P<trail>[\)\]\"'\u201d\u2019.,:;!?]*)$")


def protect_title(title: str) -> str:
    """Title as a LaTeX value: specials escaped, case-carrying words braced.

    A title in Chinese or Japanese has no Title Case convention: every capital in it
    is meaningful ("Bert", "Facebook"), so every word with a capital is braced.
    """
    cjk_title = has_cjk(title)
    out = []
    for token in re.split(r"(\s+)", title):
        if not token or token.isspace():
            out.append(token)
            continue
        m = _WORD.match(token)
        assert m is not None  # the pattern matches any string
        lead, core, trail = m.group("lead", "core", "trail")
        if core and (needs_braces(core) or (cjk_title and any(c.isupper() for c in core))):
            out.append(f"{escape(lead)}{{{escape(core)}}}{escape(trail)}")
        else:
            out.append(escape(token))
    return "".join(out)
