"""The command line: help, JSON report, dry run, exit codes, atomic writes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit import files
from bibkit.cli import main

from .conftest import ROOT, make_project


def _run(args: list[str], cwd: Path, stream: str = "stdout") -> tuple[int, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    # stdout by default: progress bars, notes and errors go to stderr.
    return result.exit_code, getattr(result, stream)


def test_every_command_has_help_and_is_in_the_readme(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in main.commands.items():
        code, output = _run([name, "--help"], tmp_path)
        assert code == 0
        assert "Usage:" in output
        assert command.help
        assert f"bibkit {name}" in readme, f"README does not document `bibkit {name}`"


def test_build_json_report(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, output = _run(["build", "--json"], project)
    assert code == 0
    report = json.loads(output)
    by_name = {entry["name"]: entry for entry in report["lists"]}
    assert set(by_name) == {"ATPapers", "NLP notes (zh)"}
    assert by_name["ATPapers"]["entries_by_type"]["inproceedings"] > 100
    assert report["combined"]["entries"] > 400
    assert all({"file", "line", "kind", "message"} <= set(p) for p in report["problems"])
    assert any(m["reason"].startswith("arxiv:") for m in report["merges"])
    assert (project / "bib" / "bibliography.bib").exists()


def test_human_summary_and_second_build_writes_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, output = _run(["build"], project)
    assert code == 0
    assert re.search(r"lists/atpapers\.md: \d+ items -> \d+ entries", output)
    assert "wrote 3 file(s)" in output
    code, output = _run(["build"], project)
    assert "all up to date" in output


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, _ = _run(["build", "--dry-run"], project)
    assert code == 0
    assert not (project / "bib").exists()


def test_named_lists_and_out_dir(tmp_path: Path) -> None:
    (tmp_path / "mine.md").write_text("## A\n- [x / y](https://github.com/x/y)\n", "utf-8")
    code, output = _run(["build", "mine.md", "--out", "out"], tmp_path)
    assert code == 0
    assert (tmp_path / "out" / "mine.bib").exists()
    assert (tmp_path / "out" / "bibliography.bib").exists()


def test_missing_list_is_an_error_with_nonzero_exit(tmp_path: Path) -> None:
    code, output = _run(["build", "nope.md", "--out", "out"], tmp_path)
    assert code == 1
    assert "nope.md: error: configured list 'nope' cannot be read (not found)" in output


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("- **T**. *A B*. (ACL 2019) [[code]]()\n", "utf-8")
    assert _run(["build", "bad.md", "--out", "o"], tmp_path)[0] == 0
    assert _run(["build", "bad.md", "--out", "o", "--strict"], tmp_path)[0] == 1


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bibkit.toml").write_text("[[lists]]\nname = 'x'\n", "utf-8")
    code, output = _run(["build"], tmp_path, stream="stderr")
    assert code != 0
    assert "has no 'path'" in output


def test_ascii_option(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, output = _run(["build", "--ascii", "--json"], project)
    assert code == 0
    text = (project / "bib" / "atpapers.bib").read_text("utf-8")
    assert r"M{\"u}ller" in text
    assert "Müller" not in text
    assert any(p["kind"] == "non-ascii-kept" for p in json.loads(output)["problems"])


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.bib"
    target.write_text("old", "utf-8")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError):
        files.write_atomic(target, "new content")
    assert target.read_text("utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target], "no temporary file is left behind"


def test_lost_identifiers_and_absorbing_entries_are_reported_and_strict_fails(tmp_path: Path) -> None:
    links = "".join(f"[[video]](https://v.example/{i})" for i in range(15))
    (tmp_path / "l.md").write_text(
        "# L\n## S\n"
        "- [A Paper](https://aclanthology.org/P19-1001) [[pdf]](https://openreview.net/forum?id=abcDEF)\n"
        f"- **Lectures on Machine Translation**. *Ada Lovelace*. (ACL 2019) {links}\n"
        "- [Fine Paper](https://arxiv.org/abs/1901.00001)\n",
        "utf-8",
    )
    code, output = _run(["build", "l.md", "--out", "bib", "--no-resolve", "--json"], tmp_path)
    report = json.loads(output)
    (listed,) = report["lists"]
    assert (listed["identifiers_linked"], listed["identifiers_in_entries"]) == (3, 2)
    kinds = {(p["kind"], p["line"]) for p in report["problems"]}
    assert ("identifier-lost", 3) in kinds, "two identifiers of one item, one url: the OpenReview id is reported"
    assert ("absorbed", 4) in kinds
    code, output = _run(["build", "l.md", "--out", "bib", "--no-resolve", "--strict"], tmp_path)
    assert code == 1
    assert "openreview:abcdef is linked here but is no entry's identifier" in output


def test_the_combined_file_reports_the_entry_types_it_was_written_with(tmp_path: Path) -> None:
    (tmp_path / "l.md").write_text(
        "## S\n- [A Preprint About Things](https://arxiv.org/abs/1901.00001)\n"
        "- [Another Preprint Here](https://arxiv.org/abs/1901.00002)\n",
        "utf-8",
    )
    code, output = _run(["build", "l.md", "--out", "bib", "--no-resolve", "--scholar-arxiv", "--json"], tmp_path)
    report = json.loads(output)
    (listed,) = report["lists"]
    assert listed["entries_by_type"] == {"article": 2}
    assert report["combined"]["entries_by_type"] == {"article": 2}, "not recomputed with default options"


def test_an_error_pybtex_raises_is_one_line_for_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard names pybtex's errors without importing pybtex itself (a command that never
    loads it cannot have raised one)."""
    from pybtex.exceptions import PybtexError

    from bibkit import bibdedupe

    def broken(text: str, file: str) -> None:
        raise PybtexError("Too many commas in 'A, B, C, D'")

    monkeypatch.setattr(bibdedupe, "dedupe_text", broken)
    bib = tmp_path / "a.bib"
    bib.write_text("@misc{a, title = {A}}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["dedupe", str(bib), "--dry-run"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: cannot read this BibTeX: Too many commas in 'A, B, C, D'"
