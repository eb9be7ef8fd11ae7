"""Shared fixtures: the project root, the shipped lists built once into a temporary directory."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bibkit.bibtex import WriteOptions
from bibkit.config import load_config
from bibkit.files import write_atomic
from bibkit.pipeline import BuildResult, build
from bibkit.resolve.official_index import OfficialIndex

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHIPPED_LISTS = [ROOT / "lists" / "atpapers.md", ROOT / "lists" / "nlp-notes-zh.md"]


_SESSION_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    # The official-metadata index is built once per test session, never in the user's cache,
    # and removed when the session ends (it is ~100 MB).
    if "BIBKIT_CACHE_DIR" not in os.environ:
        _SESSION_CACHE.append(tempfile.mkdtemp(prefix="bibkit-test-cache-"))
        os.environ["BIBKIT_CACHE_DIR"] = _SESSION_CACHE[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for path in _SESSION_CACHE:
        shutil.rmtree(path, ignore_errors=True)
        if os.environ.get("BIBKIT_CACHE_DIR") == path:
            del os.environ["BIBKIT_CACHE_DIR"]


def official_index() -> OfficialIndex | None:
    return OfficialIndex.open_or_build()


def build_project(project: Path, options: WriteOptions = WriteOptions(), resolve: bool = True) -> BuildResult:
    """Build a project directory as `bibkit build` does (resolution on), writing its outputs."""
    result = build(load_config(project), options, resolver=official_index() if resolve else None)
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


def invoke(args: list[str], cwd: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """The command line run in-process from a directory, as a user runs it there."""
    from click.testing import CliRunner

    from bibkit.cli import main

    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
