"""LaTeX as Zotero shows it, and back.

Zotero keeps titles as text with a few HTML-like tags (``<i>``, ``<b>``, ``<sup>``, ``<sub>``
and ``<span style="font-variant:small-caps;">``).  Its BibTeX importer turns LaTeX into that
form: accents and math symbols become Unicode, ``~`` a no-break space, ``--`` and ``---`` dashes,
a sub- or superscript a Unicode digit where one exists and a tag otherwise, the formatting
commands tags, and runs of whitespace one space.  ``latex_to_rich`` does the same with
pylatexenc's parser; ``rich_to_latex`` writes the tags back as LaTeX commands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from pylatexenc import latexwalker
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexNode,
    LatexSpecialsNode,
)

from .latex import to_text

SMALL_CAPS = '<span style="font-variant:small-caps;">'
TAGS = {
    "textit": ("<i>", "</i>"),
    "emph": ("<i>", "</i>"),
    "textsl": ("<i>", "</i>"),
    "mathit": ("<i>", "</i>"),
    "textbf": ("<b>", "</b>"),
    "mathbf": ("<b>", "</b>"),
    "textsc": (SMALL_CAPS, "</span>"),
    "textsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
}
COMMANDS = {
    "<i>": "textit",
    "<b>": "textbf",
    SMALL_CAPS: "textsc",
    "<sup>": "textsuperscript",
    "<sub>": "textsubscript",
}
_PLAIN = frozenset({"textrm", "textup", "textnormal", "textmd", "textsf", "texttt", "mbox", "text", "mathrm", "mathsf"})
_SPECIALS = {
    "~": " ",
    "--": "\u2013",
    "---": "\u2014",
    "``": "\u201c",
    "''": "\u201d",
    "!`": "\u00a1",
    "?`": "\u00bf",
}
_SUP = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SPACES = re.compile(r"[ \t\r\n]+")
# Zotero's importer writes small caps as <span style="small-caps">; its documentation (and citeproc)
# as <span style="font-variant:small-caps;">, which bibkit writes. Both are read.
_TAG = re.compile(r'</?(?:i|b|sup|sub)>|<span style="(?:font-variant:\s*)?small-caps;?">|</span>')
_ESCAPED_COMMAND = re.compile(r"\\\\(?=[A-Za-z'\"`^~=.])")
# Braces alone only group (and protect case, which Zotero's text does not keep): they are dropped
# without the parser, as it drops them.
_PERCENT = re.compile(r"(?<!\\)%")
_NEEDS_PARSER = re.compile(r"[\\$~]|--|``|''|!`|\?`")


def _script(text: str, sup: bool) -> str:
    """A sub- or superscript: Unicode characters when every one has a form, a tag otherwise."""
    table, chars = (_SUP, "0123456789+-=()n") if sup else (_SUB, "0123456789+-=()")
    if text and all(c in chars for c in text):
        return text.translate(table)
    return f"<sup>{text}</sup>" if sup else f"<sub>{text}</sub>"


def _macro(node: LatexMacroNode, math: bool) -> str:
    args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    inner = "".join(_node(a, math) for a in args)
    if node.macroname in TAGS:
        if node.macroname in ("textsuperscript", "textsubscript"):
            return _script(_plain(inner), node.macroname == "textsuperscript")
        opening, closing = TAGS[node.macroname]
        return f"{opening}{inner}{closing}" if inner else ""
    if node.macroname in _PLAIN:
        return inner
    if node.macroname == "~" and not _plain(inner):
        return "\u223c"  # \~{} on its own: the tilde operator, as Zotero reads it
    text = to_text(node.latex_verbatim())
    return text + (" " if node.macro_post_space and not args and text and not math else "")


def _node(node: LatexNode, math: bool = False) -> str:
    if isinstance(node, LatexCharsNode):
        return str(node.chars)
    if isinstance(node, LatexGroupNode):
        return _nodes(node.nodelist, math)
    if isinstance(node, LatexMacroNode):
        return _macro(node, math)
    if isinstance(node, LatexSpecialsNode):
        return _SPECIALS.get(node.specials_chars, str(node.specials_chars))
    if isinstance(node, LatexMathNode):
        return _nodes(node.nodelist, True)
    if isinstance(node, LatexCommentNode):
        return ""
    return _nodes(getattr(node, "nodelist", None) or [], math)


def _nodes(nodes: list[LatexNode], math: bool) -> str:
    if not math:
        return "".join(_node(n) for n in nodes)
    # In math, ^ and _ take the next character or group as a super- or subscript.
    atoms: list[LatexNode | str] = []
    for n in nodes:
        atoms.extend(n.chars if isinstance(n, LatexCharsNode) else [n])
    out, i = [], 0
    while i < len(atoms):
        atom = atoms[i]
        if isinstance(atom, str) and atom in ("^", "_") and i + 1 < len(atoms):
            following = atoms[i + 1]
            text = following if isinstance(following, str) else _node(following, True)
            out.append(_script(_plain(text), atom == "^"))
            i += 2
            continue
        out.append(atom if isinstance(atom, str) else _node(atom, True))
        i += 1
    return "".join(out).replace(" ", "") if all(isinstance(a, str) for a in atoms) else "".join(out)


@lru_cache(maxsize=65536)
def latex_to_rich(latex: str) -> str:
    """A LaTeX field value as Zotero's text: Unicode, rich-text tags, whitespace collapsed."""
    if not _NEEDS_PARSER.search(latex):
        return _SPACES.sub(" ", latex.replace("{", "").replace("}", "")).strip()
    return _parsed(latex)


def _parsed(latex: str) -> str:
    # "D\\\"ead", "Swe{\\\\i}g": a doubled backslash before a command is a backslash escaped once too
    # often (by a tool), read as Zotero reads it: a literal backslash, then the command.
    latex = _ESCAPED_COMMAND.sub(r"\\textbackslash{}\\", latex)
    # In a BibTeX value "%" is text ("50% fewer"), not the start of a LaTeX comment.
    latex = _PERCENT.sub(r"\\%", latex)
    walker = latexwalker.LatexWalker(latex, tolerant_parsing=True)
    try:
        nodes, _, _ = walker.get_latex_nodes()
        text = _nodes(nodes, False)
    except (latexwalker.LatexWalkerError, IndexError, ValueError):  # malformed input: decoded, markup dropped
        text = to_text(latex)
    return _SPACES.sub(" ", text).strip()


def plain(rich: str) -> str:
    """Zotero's text without its tags (for matching, keys and plain outputs); text whose "tags" do
    not pair up is text."""
    if "<" not in rich:
        return rich
    return _TAG.sub("", rich) if _balanced(m.group(0) for m in _TAG.finditer(rich)) else rich


def _plain(text: str) -> str:
    return plain(text).strip()


def rich_to_latex(rich: str, text: Callable[[str], str]) -> str:
    """Zotero's text as LaTeX: tags become commands, the text between them goes through ``text``
    (escaping, brace protection)."""
    if "<" not in rich:
        return text(rich)
    tags = list(_TAG.finditer(rich))
    if not _balanced(tag.group(0) for tag in tags):
        return text(rich)  # "<sub>" alone is text, not markup
    out: list[str] = []
    position = 0
    for m in tags:
        out.append(text(rich[position : m.start()]) if m.start() > position else "")
        tag = m.group(0)
        out.append("}" if tag.startswith("</") else f"\\{COMMANDS.get(tag, 'textsc')}{{")
        position = m.end()
    out.append(text(rich[position:]))
    return "".join(out)


def _balanced(tags: Iterable[str]) -> bool:
    """Whether the tags open and close in pairs, properly nested (as Zotero's rich text does)."""
    stack: list[str] = []
    for tag in tags:
        if not tag.startswith("</"):
            stack.append("span" if tag.startswith("<span") else tag[1:-1])
        elif not stack or stack.pop() != tag[2:-1]:
            return False
    return not stack
