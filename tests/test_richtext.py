"""LaTeX to Zotero's text: the shortcut for values whose only markup is braces reads them as
pylatexenc's parser does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bibkit.normalize.richtext import _NEEDS_PARSER, _parsed, latex_to_rich

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
