"""Golden files: the exact .bib for excerpts of both shipped lists and for other list forms.

Update after an intended change with:  BIBKIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff of tests/golden/ before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bibkit.bibtex import WriteOptions
from bibkit.config import Config, list_spec_for
from bibkit.pipeline import build

from .conftest import FIXTURES

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = ["atpapers_excerpt", "notes_excerpt", "other_forms"]


def _build_one(name: str, tmp_path: Path, options: WriteOptions) -> str:
    lists = FIXTURES / "lists"
    config = Config(root=lists.parent, lists=(list_spec_for(lists / f"{name}.md"),), out_dir=tmp_path)
    result = build(config, options)
    return result.outputs[tmp_path / f"{name}.bib"]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("variant", ["utf8", "ascii"])
def test_golden_bib(name: str, variant: str, tmp_path: Path) -> None:
    options = WriteOptions(ascii=variant == "ascii")
    text = _build_one(name, tmp_path, options)
    golden = GOLDEN / f"{name}.{variant}.bib"
    if os.environ.get("BIBKIT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, "utf-8")
    assert golden.exists(), f"missing golden file {golden}; run with BIBKIT_UPDATE_GOLDEN=1"
    assert text == golden.read_text("utf-8")
