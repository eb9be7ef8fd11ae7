"""bibkit check: one fixture with every finding, each reported once, on the right line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit.check import check_text, latex_findings
from bibkit.cli import main

from .conftest import FIXTURES

FIXTURE = FIXTURES / "check" / "errors.bib"


def line_of(needle: str) -> int:
    return next(i for i, line in enumerate(FIXTURE.read_text("utf-8").splitlines(), 1) if needle in line)


def test_every_kind_once_on_its_line() -> None:
    findings = check_text(FIXTURE.read_text("utf-8"), "errors.bib")
    got = sorted((f.severity, f.kind, f.key, f.line) for f in findings)
    expected = sorted(
        [
            (
                "error",
                "duplicate-key",
                "good2020",
                line_of(
                    "@article{good2020,",
                )
                + 8,
            ),
            ("error", "invalid-key", "bad key", line_of("@misc{bad key,")),
            ("warning", "missing-author", "bad key", line_of("@misc{bad key,")),
            ("error", "missing-field", "missingjournal", line_of("@article{missingjournal")),
            ("error", "invalid-year", "badyear", line_of("year = {20xx}")),
            ("error", "invalid-doi", "baddoi", line_of("doi = {doi:not-a-doi}")),
            ("error", "invalid-arxiv-id", "badarxiv", line_of("eprint = {17060.3762}")),
            ("error", "markdown-in-title", "markdowntitle", line_of("**Bold**")),
            ("error", "duplicate-entry", "dupe", line_of("@misc{dupe,")),
            ("warning", "unprotected-capitals", "dupe", line_of("title = {A Well-Formed BERT Entry}")),
            ("warning", "missing-author", "noauthor", line_of("@misc{noauthor")),
            ("warning", "http-link", "noauthor", line_of("http://arxiv.org")),
            ("error", "unbalanced-braces", "unbalanced", line_of("@misc{unbalanced")),
            ("error", "latex-special", "ampersand", line_of("title = {Audio & Text")),
        ]
    )
    assert got == expected


def test_a_clean_file_has_no_findings() -> None:
    text = FIXTURE.read_text("utf-8")
    clean = text[: text.index("@article{good2020,", text.index("@article{good2020,") + 1)]
    assert check_text(clean, "x.bib") == []


def test_ascii_option_warns_about_non_ascii() -> None:
    text = '@misc{k, author = {M{\\"u}ller, A}, title = {Über}, year = {2020}}\n'
    findings = check_text(text, "x.bib", ascii_only=True)
    assert [(f.kind, f.message) for f in findings] == [("non-ascii", "title has non-ASCII characters")]


def test_cli_exit_codes_and_output(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["check", str(FIXTURE)])
    assert bad.exit_code == 1
    assert f"{FIXTURE}:{line_of('year = {20xx}')} badyear: error:" in bad.stdout
    report = json.loads(runner.invoke(main, ["check", str(FIXTURE), "--json"]).stdout)
    assert report["errors"] == 10
    assert report["warnings"] == 4
    good = tmp_path / "good.bib"
    good.write_text("@misc{k, author = {A, B}, title = {Fine}, year = {2020}}\n", "utf-8")
    assert runner.invoke(main, ["check", str(good)]).exit_code == 0


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex") and shutil.which("biber")),
    reason="TeX Live is not installed",
)
def test_latex_messages_map_back_to_keys(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{nojournal, author = {Doe, Jane}, title = {T}, year = {2020}}\n"
        "@misc{fine, author = {Roe, R.}, title = {Fine}, year = {2020}}\n",
        "utf-8",
    )
    findings, ran = latex_findings(bib)
    assert ran == ["bibtex+natbib", "biber+biblatex"]
    assert any(
        f.kind == "bibtex" and f.key == "nojournal" and "journal" in f.message and f.line == 1 for f in findings
    ), findings


def test_plain_output_names_the_toolchains_that_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bibkit.check as check

    good = tmp_path / "good.bib"
    good.write_text("@misc{k, author = {A, B}, title = {Fine}, year = {2020}}\n", "utf-8")
    monkeypatch.setattr(check, "latex_findings", lambda path: ([], ["bibtex+plainnat"]))
    out = CliRunner().invoke(main, ["check", str(good), "--latex"]).stdout
    assert out.rstrip().endswith("LaTeX: bibtex+plainnat")
    monkeypatch.setattr(check, "latex_findings", lambda path: ([], []))
    out = CliRunner().invoke(main, ["check", str(good), "--latex"]).stdout
    assert out.rstrip().endswith("LaTeX: no toolchain installed")
