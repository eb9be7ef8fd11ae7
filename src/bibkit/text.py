"""Text rules every stage shares, written once: what counts as CJK, a year, a month."""

from __future__ import annotations

import re

# Hiragana/Katakana, CJK Extension A, CJK Unified Ideographs, Hangul, CJK Compatibility Ideographs.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # a plausible publication year, not part of a number

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None


def month_number(value: str) -> int | None:
    """'feb', 'February', '2' -> 2; None when it names no month."""
    value = value.strip().lower()[:3]
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return MONTHS.index(value) + 1 if value in MONTHS else None


def year_in(text: str) -> int | None:
    m = YEAR.search(text)
    return int(m.group(1)) if m else None
