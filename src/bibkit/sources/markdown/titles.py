"""What a title is in a list: never a generic link text, an identifier or a URL, and without
the decorations lists put around titles (enumerators, CJK brackets, emoji, badges)."""

from __future__ import annotations

import re
import unicodedata

from ... import ids
from ...normalize.titles import clean_title
from ...text import has_cjk

# Link texts that say what a link is rather than naming a work.
PAPER_LABELS = frozenset(
    {
        "paper",
        "pdf",
        "arxiv",
        "abs",
        "paper & code",
        "paper&code",
        "article",
        "report",
        "full paper",
        "preprint",
        "acl anthology",
        "openreview",
        "doi",
        "论文",
        "原文",
    }
)
LABEL_WORDS = PAPER_LABELS | {
    "code",
    "slides",
    "slide",
    "book",
    "video",
    "blog",
    "post",
    "project",
    "homepage",
    "demo",
    "data",
    "dataset",
    "poster",
    "talk",
    "website",
    "web",
    "doc",
    "docs",
    "notes",
    "github",
    "model",
    "models",
    "bibtex",
    "link",
    "links",
    "page",
    "tweet",
    "twitter",
    "thread",
    "here",
    "this",
    "citation",
    "cite",
    "source",
    "official",
    "implementation",
    "evaluation",
    "leaderboard",
    "benchmark",
    "colab",
    "notebook",
    "huggingface",
    "hf",
    "weights",
    "checkpoint",
    "checkpoints",
    "repo",
    "repository",
    "download",
    "more",
    "read",
    "read more",
    "summary",
    "review",
    "medium",
    "youtube",
    "presentation",
    "supplementary",
    "appendix",
    "abstract",
    "html",
    "url",
    "site",
    "中文翻译",
    "代码",
    "视频",
    "博客",
    "链接",
    "项目",
}

_ENUMERATOR = re.compile(r"^\s*(?:\(?\d{1,4}[.)、．]|[（(]\d{1,4}[)）]|\[\d{1,4}\]|#\d{1,4}\b|[-–—•●▪*]\s)\s*")
_CJK_BRACKETS = re.compile(r"[【】〖〗]")  # 「」 and 『』 are quotation marks, kept
_TRAILING = re.compile(r"[\s,;:：，；、|/\-–—>»·•●]+$")
_IDENTIFIER_TEXT = re.compile(
    r"^(?:arxiv\s*[:：]?\s*\S+|doi\s*[:：]\s*\S+|10\.\d{4,9}/\S+|\d{4}\.\d{4,5}(?:v\d+)?|[A-Z]\d{2}-\d{4})$", re.I
)


def _is_decoration(ch: str) -> bool:
    """Emoji and pictographs (symbols of category So/Sk outside CJK), variation selectors."""
    if ch in "\ufe0f\ufe0e\u200d\u20e3":
        return True
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cs", "Co") and not has_cjk(ch)


def strip_decorations(text: str) -> str:
    """'（9）【Title】🔥.' -> 'Title'."""
    text = "".join(ch for ch in text if not _is_decoration(ch))
    text = _CJK_BRACKETS.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _ENUMERATOR.sub("", text, count=1)
    text = _TRAILING.sub("", text.strip())
    return clean_title(text)


def is_generic(text: str) -> bool:
    """A link text that cannot be a title: 'Paper', '[pdf]', 'arXiv:1810.04805', a URL, ''."""
    t = " ".join(text.split()).strip(" []()（）:：.,").lower()
    if not t or len(t) < 2:
        return True
    return is_label(t) or is_url_text(t) or (" " not in t and ids.has_scheme(t))


def is_label(text: str) -> bool:
    """Link texts in brackets ('[[code]]'), from the label table, or an identifier name what a link is.

    A URL as link text is not a label: it is the link itself, and a repository or page gets its
    title from it."""
    t = " ".join(text.split())
    if t.startswith("[") and t.endswith("]"):
        return True
    low = t.strip(" ()（）:：.,").lower()
    return low in LABEL_WORDS or low.rstrip("s") in LABEL_WORDS or bool(_IDENTIFIER_TEXT.match(low))


def is_url_text(text: str) -> bool:
    return bool(re.fullmatch(r"(?:https?://|www\.)\S+", text.strip(), re.I))


def title_or_empty(text: str) -> str:
    """The cleaned title, or '' when what is left is generic."""
    title = strip_decorations(text)
    return "" if is_generic(title) else title
