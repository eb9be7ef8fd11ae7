"""`bibkit sync FILE.bib --dry-run --json` against the items Zotero's own BibTeX importer makes
from the 24 import test cases of its translator (tests/fixtures/zotero_bibtex)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bibkit.cli import main

from .zotero_cases import ON_PURPOSE, agreement, compare, load_cases

CASES = load_cases()


def plan_for(case: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    bib = tmp_path / "case.bib"
    bib.write_text(case["input"], "utf-8")
    result = CliRunner().invoke(main, ["sync", str(bib), "--dry-run", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[list[tuple[str, bool, Any, Any]]]:
    return [compare(case, plan_for(case, tmp_path_factory.mktemp(f"case{i}"))) for i, case in enumerate(CASES)]


def test_every_case_is_read_whole(results) -> None:
    assert len(CASES) == 24 and sum(len(c["items"]) for c in CASES) == 34
    for case, found in zip(CASES, results, strict=True):
        keys = [ok for name, ok, _, _ in found if name == "itemID"]
        assert keys and all(keys), f"an item of {case['input'][:60]!r} is missing"


def test_agreement_with_zotero_per_field(results) -> None:
    overall, per_field = agreement([r for case in results for r in case])
    low = {name: f"{ok}/{n}" for name, (ok, n) in per_field.items() if ok / n < 0.95}
    assert overall >= 0.97 and not low, (overall, low)


def test_the_known_disagreement_is_the_one_listed(results) -> None:
    """The one field bibkit does not agree on: case 9, a title whose "\\t" the test data turned into
    tabs ("\\textbackslash" became a tab and "extbackslash"); Zotero reads the trailing "\\\\{}" as
    "{", bibkit as LaTeX's line break and an empty group."""
    misses = [(i, name) for i, case in enumerate(results) for name, ok, _, _ in case if not ok]
    assert misses == [(9, "title")]


@pytest.mark.parametrize(
    ("case", "field", "value"),
    [
        (6, "publicationTitle", "Actes du 4<sup>ème</sup> Congrès Français d'Acoustique"),
        (22, "title", "Production of Σ⁰ Hyperon and Search of Σ⁰ Hypernuclei at LHC with ALICE"),
        (22, "DOI", "10.1134/S1063778823010131"),
        (3, "creators", [{"creatorType": "author", "firstName": "Michael, III", "lastName": "von Hicks"}]),
        (17, "url", "https://www.zotero.org/"),
        (2, "itemType", "conferencePaper"),
        (13, "thesisType", "Master's Thesis"),
        (10, "pages", "1342–1350"),
    ],
)
def test_notable_fields(results, case: int, field: str, value: Any) -> None:
    assert next(got for name, _, _, got in results[case] if name == field) == value


def test_rich_text_in_a_title(results) -> None:
    title = next(got for name, _, _, got in results[6] if name == "title")
    assert "DNA₂ sequences" in title and "(<i>Natrix cetti</i>) and <b>do not</b> support" in title
    assert '<span style="font-variant:small-caps;">species status</span>' in title


def test_on_purpose_differences_are_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    for name in ON_PURPOSE:
        assert f"`{name}`" in readme.split("## `bibkit sync`")[1].split("\n## ")[0], name
