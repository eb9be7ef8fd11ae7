from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bibkit.normalize.latex import to_text
from bibkit.normalize.titles import clean_title, needs_braces, protect_title


def test_acronyms_and_model_names_are_braced() -> None:
    assert protect_title("BERT: Pre-training of Deep Bidirectional Transformers") == (
        "{BERT}: Pre-training of Deep Bidirectional {Transformers}"
    )
    assert protect_title("XLNet and RoBERTa beat LSTM and GRU") == "{XLNet} and {RoBERTa} beat {LSTM} and {GRU}"
    assert protect_title("GPT-2 and T5 and mT5 and K-BERT") == "{GPT-2} and {T5} and {mT5} and {K-BERT}"
    assert protect_title("Pre-Training with Whole Word Masking for Chinese BERT") == (
        "Pre-Training with Whole Word Masking for {Chinese} {BERT}"
    )


def test_title_case_words_are_not_braced_and_title_is_not_wrapped() -> None:
    title = "Language Models are Unsupervised Multitask Learners"
    assert protect_title(title) == title
    assert not protect_title("BERT").startswith("{{")


def test_specials_escaped_outside_and_inside_braces() -> None:
    assert protect_title("100% of a_b & c") == r"100\% of a\_b \& c"
    assert protect_title("AT&T") == r"{AT\&T}"


def test_cjk_titles_keep_every_capital() -> None:
    assert protect_title("XLNet : 运行机制及和 Bert 的异同比较") == "{XLNet} : 运行机制及和 {Bert} 的异同比较"


def test_markdown_residue_is_removed() -> None:
    assert clean_title("**CodeBERT:A Pre-Trained Model**.") == "CodeBERT: A Pre-Trained Model"
    assert clean_title("  `Attention`  is   all ") == "Attention is all"


def test_needs_braces_single_words() -> None:
    assert needs_braces("oLMpics")
    assert needs_braces("Q8BERT")
    assert needs_braces("English")
    assert not needs_braces("Attention")
    assert not needs_braces("2020")
    assert not needs_braces("中文")


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60))
def test_protection_keeps_the_text(title: str) -> None:
    """Braces and escapes are presentation only: decoding gives the same title back."""
    title = " ".join(title.split())
    assert to_text(protect_title(title)) == title


@given(
    st.lists(st.sampled_from(["BERT", "Attention", "is", "GPT-2", "Chinese", "x_y", "A&B", "中文", "mT5"]), max_size=8)
)
def test_protection_is_idempotent(words: list[str]) -> None:
    title = " ".join(words)
    once = protect_title(title)
    assert protect_title(to_text(once)) == once
