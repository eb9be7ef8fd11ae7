"""Shared fixtures: the project root, the shipped lists built once into a temporary directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibkit.bibtex import WriteOptions
from bibkit.config import load_config
from bibkit.files import write_atomic
from bibkit.pipeline import BuildResult, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHIPPED_LISTS = [ROOT / "lists" / "atpapers.md", ROOT / "lists" / "nlp-notes-zh.md"]


def build_project(project: Path, options: WriteOptions = WriteOptions()) -> BuildResult:
    """Build a project directory as `bibkit build` does, writing its outputs."""
    result = build(load_config(project), options)
    for path, text in result.outputs.items():
        write_atomic(path, text)
    return result


def make_project(tmp: Path, lists: list[Path] | None = None) -> Path:
    """A copy of the shipped project (config + lists) with an empty bib/."""
    (tmp / "lists").mkdir(parents=True)
    for path in lists or SHIPPED_LISTS:
        shutil.copy(path, tmp / "lists" / path.name)
    if lists is None:
        shutil.copy(ROOT / "bibkit.toml", tmp / "bibkit.toml")
    return tmp


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    project = make_project(tmp_path_factory.mktemp("shipped"))
    return project, build_project(project)
