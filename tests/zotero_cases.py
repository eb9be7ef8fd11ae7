"""Zotero's own BibTeX import test cases as a yardstick for `bibkit sync FILE.bib --dry-run --json`.

The cases (input .bib and the items Zotero makes from it) are copied as test data into
tests/fixtures/zotero_bibtex/cases.json from BibTeX.js in the zotero/translators repository (see
SOURCE.md there). Only the data is copied; none of the translator's code.

``compare`` lines bibkit's items up with Zotero's by citation key (Zotero's ``itemID``) and says,
per field Zotero fills, whether bibkit wrote the same value. Where bibkit differs on purpose the
field is compared after ``ON_PURPOSE`` explains how:

- ``tags``: bibkit adds its own ``bibkit`` tag (how it knows its items); compared without it.
- ``extra``: bibkit adds a ``Citation Key:`` line (Zotero's and Better BibTeX's export read it);
  compared without it, line by line.
- ``itemID``: Zotero's in-memory id of the import; bibkit writes the key as ``citationKey``.
- ``attachments``: bibkit does not upload files; each ``file`` is reported (``file-attachment``)
  with its path, which is what is compared.
- ``notes``: compared with the child notes bibkit creates, by their text.
- ``seeAlso``: Zotero's related items, always empty in the cases.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "zotero_bibtex" / "cases.json"
ON_PURPOSE = {
    "tags": "bibkit's own `bibkit` tag is left out of the comparison",
    "extra": "bibkit's `Citation Key:` line is left out of the comparison",
    "itemID": "compared with bibkit's citationKey",
    "attachments": "bibkit reports file attachments (their paths) instead of uploading them",
    "notes": "compared by text with the child notes bibkit creates",
}
SKIPPED = {"seeAlso"}


def load_cases() -> list[dict[str, Any]]:
    return json.loads(FIXTURE.read_text("utf-8"))


def _tags(values: list[Any]) -> list[str]:
    return sorted(v["tag"] if isinstance(v, dict) else str(v) for v in values if (v.get("tag") if isinstance(v, dict) else v) != "bibkit")


def _note_text(note: Any) -> str:
    text = note["note"] if isinstance(note, dict) else str(note)
    text = re.sub(r"<br\s*/?>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _extra(text: str) -> list[str]:
    return sorted(line for line in text.split("\n") if line and not line.startswith("Citation Key:"))


def compare(case: dict[str, Any], plan: dict[str, Any], findings: list[dict[str, Any]]) -> list[tuple[str, bool, Any, Any]]:
    """(field, equal, Zotero's value, bibkit's value) for each field Zotero fills, item by item."""
    ours = {item.get("citationKey"): item for item in plan["items_to_create"]}
    notes: dict[str, list[str]] = {}
    for note in plan["notes_to_create"]:
        notes.setdefault(note["parentItem"], []).append(_note_text(note))
    attachments: dict[str, list[str]] = {}
    for finding in findings:
        if finding["kind"] == "file-attachment":
            attachments.setdefault(finding["key"], []).extend(finding["message"].split(": ", 1)[1].split(" ; "))
    out = []
    for expected in case["items"]:
        key = expected.get("itemID", "")
        mine = ours.get(key, {})
        for name, value in expected.items():
            if name in SKIPPED or value in ("", [], None):
                continue
            if name == "itemID":
                got: Any = mine.get("citationKey")
            elif name == "tags":
                value, got = _tags(value), _tags(mine.get("tags", []))
            elif name == "extra":
                value, got = _extra(value), _extra(mine.get("extra", ""))
            elif name == "notes":
                value, got = sorted(_note_text(n) for n in value), sorted(notes.get(mine.get("key", ""), []))
            elif name == "attachments":
                value, got = sorted(a.get("path") or a.get("url") or "" for a in value), sorted(attachments.get(key, []))
            else:
                got = mine.get(name)
            out.append((name, value == got, value, got))
    return out


def agreement(results: list[tuple[str, bool, Any, Any]]) -> tuple[float, dict[str, tuple[int, int]]]:
    per_field: Counter[str] = Counter()
    equal: Counter[str] = Counter()
    for name, ok, _, _ in results:
        per_field[name] += 1
        equal[name] += ok
    overall = sum(equal.values()) / max(1, sum(per_field.values()))
    return overall, {name: (equal[name], per_field[name]) for name in sorted(per_field)}
