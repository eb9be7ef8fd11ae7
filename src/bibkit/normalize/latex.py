"""LaTeX-safe field values, and the way back to plain text.

UTF-8 output escapes only the ten characters LaTeX treats specially.  ASCII output
(for classic BibTeX) additionally encodes accents through pylatexenc, braced as
``{\\"u}`` so they survive BibTeX's case changes.  Characters with no LaTeX form
(CJK) are kept and reported by the caller.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc import latex2text, latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latexencode import UnicodeToLatexEncoder
from pylatexenc.macrospec import MacroSpec

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    # Not \{ and \}: BibTeX counts braces without regard to backslashes, so a lone
    # escaped brace would unbalance the field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in _SPECIALS))


def escape(text: str) -> str:
    """Escape LaTeX's special characters; everything else stays as it is."""
    return _SPECIALS_RE.sub(lambda m: _SPECIALS[m.group(0)], text)


@lru_cache(maxsize=1)
def _ascii_encoder() -> UnicodeToLatexEncoder:
    # pylatexenc logs every character it cannot encode (CJK); the writer reports those itself.
    logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
    )


@lru_cache(maxsize=4096)
def _ascii_char(char: str) -> str:
    """A character's LaTeX form, or the character itself when LaTeX has none that reads back
    as the same character (pylatexenc approximates some, e.g. H-stroke as H-macron)."""
    encoded = _ascii_encoder().unicode_to_latex(char)
    return encoded if to_text(encoded) == char else char


def to_ascii(latex: str) -> str:
    """Encode the non-ASCII characters of an already escaped value as LaTeX macros."""
    if latex.isascii():
        return latex
    return "".join(c if c.isascii() else _ascii_char(c) for c in latex)


# "--", "``" and "~" ligatures are left as typed: bibkit never writes them for anything but
# themselves, so reading them back as dashes or quotes would break the round trip.
_LIGATURES = ["nonascii-specials"]


@lru_cache(maxsize=1)
def _decoder() -> tuple[LatexNodes2Text, object]:
    text_db = latex2text.get_default_latex_context_db().filter_context(exclude_categories=_LIGATURES)
    text_db.add_context_category(
        "bibkit",
        macros=[
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("href", "%(2)s"),
            MacroTextSpec("url", "%(1)s"),
        ],
        prepend=True,
    )
    walker_db = latexwalker.get_default_latex_context_db().filter_context(exclude_categories=_LIGATURES)
    # \href{url}{text} and \url{url}, as .bib files write links in howpublished and note.
    walker_db.add_context_category("bibkit", macros=[MacroSpec("href", "{{"), MacroSpec("url", "{")], prepend=True)
    converter = LatexNodes2Text(latex_context=text_db, math_mode="verbatim", strict_latex_spaces=True)
    return converter, walker_db


@lru_cache(maxsize=65536)
def to_text(latex: str) -> str:
    """LaTeX value back to plain Unicode: braces dropped, escapes and accents decoded."""
    if "\\" not in latex:
        # No command: only grouping braces to drop (the common case, and 100x faster).
        return latex.replace("{", "").replace("}", "")
    converter, walker_db = _decoder()
    walker = latexwalker.LatexWalker(latex, latex_context=walker_db, tolerant_parsing=True)
    try:
        nodes, _, _ = walker.get_latex_nodes()
        return str(converter.nodelist_to_text(nodes))
    except Exception:  # pylatexenc on malformed input: the value is kept, its markup dropped
        return strip_latex(latex)


_MACROS = re.compile(r"\\([a-zA-Z]+)\s*|\\([&%$#_{}])|\\.|[{}$]")
# Letters LaTeX writes as commands, as the ASCII letters Unicode folding gives them (ø -> o).
_LETTERS = {"o": "o", "O": "O", "ss": "ss", "ae": "ae", "AE": "AE", "oe": "oe", "OE": "OE", "aa": "a", "AA": "A"}
_LETTERS |= {"l": "l", "L": "L", "i": "i", "j": "j", "dh": "d", "DH": "D", "th": "th", "TH": "TH", "ng": "ng"}


def _strip(m: re.Match[str]) -> str:
    command, escaped = m.group(1), m.group(2)
    return _LETTERS.get(command, "") if command else escaped or ""


def strip_latex(raw: str) -> str:
    """Cheap LaTeX removal for matching, not display: commands and braces dropped, letters
    written as commands and escaped characters kept, so M{\\"u}ller becomes Muller and
    J{\\o}rgensen Jorgensen (which fold as Müller and Jørgensen do), "Audio {\\&} Text" keeps
    its "&". Hundreds of times faster than ``to_text``."""
    if "\\" not in raw:
        return " ".join(raw.replace("{", "").replace("}", "").replace("$", "").split())
    return " ".join(_MACROS.sub(_strip, raw).split())
