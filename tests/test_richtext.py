"""LaTeX to Zotero's text: the shortcut for values whose only markup is braces reads them as
pylatexenc's parser does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bibkit.identity import normalized_title
from bibkit.normalize.latex import strip_latex
from bibkit.normalize.richtext import _NEEDS_PARSER, _parsed, latex_to_rich, plain

BRACED = st.text(alphabet="aB -{}<>/i:'?!.\t\n0%&#_^", max_size=30)


@given(BRACED)
def test_braces_alone_are_read_as_the_parser_reads_them(latex: str) -> None:
    if _NEEDS_PARSER.search(latex):
        return  # "--", "''", "!`": the parser's
    assert latex_to_rich(latex) == _parsed(latex)


def test_examples() -> None:
    assert latex_to_rich("Chu{-}Ren") == "Chu-Ren"
    assert (
        latex_to_rich("{BERT}:  pre-training of {{D}}eep\n  transformers") == "BERT: pre-training of Deep transformers"
    )
    assert latex_to_rich("a{b") == "ab"
    assert latex_to_rich('M{\\"u}ller--Lyer') == "Müller–Lyer"


def test_a_percent_sign_is_text_not_a_comment() -> None:
    assert latex_to_rich("50% fewer {FLOPs}, \\emph{same} accuracy") == "50% fewer FLOPs, <i>same</i> accuracy"
    assert latex_to_rich("100\\% of $x$") == "100% of x"


# Pieces of names and titles as .bib files write them: accents in every bracing, letters written as
# commands, escaped characters, grouping braces.
PIECES = [
    "M", "u", "ller", " ", "-", "J", "rgensen", "{\\\"u}", "\\\"{u}", "{\\\"{u}}", "\\'e", "{\\'e}", "\\`a", "\\^o",
    "\\~n", "\\c{c}", "\\v{s}", "{\\o}", "{\\O}", "\\ss{}", "{\\ss}", "{\\aa}", "\\AA{}", "{\\ae}", "{\\l}", "\\i{}",
    "{\\&}", "\\&", "{BERT}", "{{GAN}}", "Caf{\\'e}", "na{\\\"\\i}ve",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_matching_s_cheap_latex_removal_folds_as_zotero_s_text_does(pieces: list[str]) -> None:
    """``strip_latex`` (for matching) and ``latex_to_rich`` (Zotero's text) fold to the same words."""
    latex = "".join(pieces)
    assert normalized_title(strip_latex(latex)) == normalized_title(plain(latex_to_rich(latex)))
