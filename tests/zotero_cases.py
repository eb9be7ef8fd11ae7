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
- ``attachments``: bibkit does not upload files; the paths of each entry's ``file`` field are
  reported (``files_not_uploaded`` in the JSON), and those paths are what is compared.
- ``creators``: a single-field name is ``{"name": ...}`` in the Web API and ``{"lastName": ...,
  "fieldMode": 1}`` in the translator's items: the same creator. An entry's ``crossref`` lends it
  the editors of its proceedings (BibTeX's inheritance); Zotero's importer does not inherit, so
  inherited editors are left out of the comparison.
- ``title``: small caps are written ``<span style="font-variant:small-caps;">`` (Zotero's
  documented rich text, which citeproc reads); the importer writes ``<span style="small-caps">``.
  Zotero's importer also turns the letters "TEL" into the telephone sign "℡" (its table of
  Unicode characters read backwards); bibkit keeps the text as written.
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
    "creators": "single-field names in the API's form; editors inherited through crossref left out",
    "title": "small caps in Zotero's documented form; TEL stays TEL",
    "notes": "compared by text with the child notes bibkit creates",
}
SKIPPED = {"seeAlso"}


def load_cases() -> list[dict[str, Any]]:
    return json.loads(FIXTURE.read_text("utf-8"))


def _tags(values: list[Any]) -> list[str]:
    return sorted(
        v["tag"] if isinstance(v, dict) else str(v)
        for v in values
        if (v.get("tag") if isinstance(v, dict) else v) != "bibkit"
    )


def _note_text(note: Any) -> str:
    text = note["note"] if isinstance(note, dict) else str(note)
    text = re.sub(r"<br\s*/?>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _extra(text: str) -> list[str]:
    return sorted(line for line in text.split("\n") if line and not line.startswith("Citation Key:"))


def _creators(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in values:
        if c.get("fieldMode") == 1 or "name" in c:
            out.append({"creatorType": c["creatorType"], "name": c.get("name") or c.get("lastName")})
        else:
            out.append({"creatorType": c["creatorType"], "firstName": c["firstName"], "lastName": c["lastName"]})
    return out


_SMALL_CAPS = re.compile(r'<span style="small-caps">')


def compare(case: dict[str, Any], plan: dict[str, Any]) -> list[tuple[str, bool, Any, Any]]:
    """(field, equal, Zotero's value, bibkit's value) for each field Zotero fills, item by item."""
    ours = {item.get("citationKey"): item for item in plan["items_to_create"]}
    notes: dict[str, list[str]] = {}
    for note in plan["notes_to_create"]:
        notes.setdefault(note["parentItem"], []).append(_note_text(note))
    crossref = set(re.findall(r"(?im)^\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,(?=[^@]*\bcrossref\s*=)", case["input"]))
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
                value = sorted(a.get("path") or a.get("url") or "" for a in value)
                got = sorted(plan.get("files_not_uploaded", {}).get(key, []))
            elif name == "creators":
                value, got = _creators(value), _creators(mine.get("creators", []))
                if key in crossref:
                    got = [c for c in got if c["creatorType"] != "editor" or c in value]
            elif name == "title":
                value = _SMALL_CAPS.sub('<span style="font-variant:small-caps;">', value).replace("\u2121", "TEL")
                got = mine.get("title")
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
