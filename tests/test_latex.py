"""The combined bibliography compiles: BibTeX + natbib (plainnat) and biber + biblatex,
with CJK support as a user of the Chinese list would load it (pdflatex + CJKutf8)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bibkit.check import BIBLATEX_DOC, NATBIB_DOC

pytestmark = pytest.mark.latex

TOOLS = ("pdflatex", "bibtex", "biber", "kpsewhich")


def _have_tex() -> bool:
    if not all(shutil.which(t) for t in TOOLS):
        return False
    found = subprocess.run(["kpsewhich", "CJKutf8.sty", "natbib.sty", "biblatex.sty"], capture_output=True, text=True)
    return len(found.stdout.split()) == 3


if not _have_tex():
    if os.environ.get("BIBKIT_REQUIRE_LATEX"):
        raise RuntimeError("BIBKIT_REQUIRE_LATEX is set but pdflatex/bibtex/biber/CJKutf8 are missing")
    pytest.skip("TeX Live with CJKutf8, natbib, biblatex and biber is not installed", allow_module_level=True)

# The same documents `bibkit check --latex` compiles.
NATBIB = NATBIB_DOC % "bibliography"
BIBLATEX = BIBLATEX_DOC % "bibliography"


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=600)


def _latex_errors(log: Path) -> list[str]:
    text = log.read_text("utf-8", errors="replace")
    return [line for line in text.splitlines() if line.startswith("!")]


def _compile(workdir: Path, name: str, source: str, backend: str) -> tuple[Path, str]:
    (workdir / f"{name}.tex").write_text(source, "utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"]
    _run(latex, workdir)
    bib = _run([backend, name], workdir)
    _run(latex, workdir)
    _run(latex, workdir)
    return workdir / f"{name}.log", bib.stdout + bib.stderr


@pytest.fixture(scope="module")
def texdir(tmp_path_factory: pytest.TempPathFactory, shipped) -> Path:
    _, result = shipped
    workdir = tmp_path_factory.mktemp("tex")
    shutil.copy(result.combined_path, workdir / "bibliography.bib")
    return workdir


def test_bibtex_natbib_compiles_without_errors(texdir: Path) -> None:
    log, bibtex_output = _compile(texdir, "natbib", NATBIB, "bibtex")
    assert "error message" not in bibtex_output, bibtex_output
    assert _latex_errors(log) == []
    assert (texdir / "natbib.pdf").exists()


def test_biber_biblatex_compiles_without_errors(texdir: Path) -> None:
    log, biber_output = _compile(texdir, "biblatex", BIBLATEX, "biber")
    assert "ERROR" not in biber_output, biber_output
    assert _latex_errors(log) == []
    assert (texdir / "biblatex.pdf").exists()


def test_protected_capitals_survive_sentence_casing(texdir: Path, shipped) -> None:
    _, result = shipped
    bbl = texdir / "natbib.bbl"
    if not bbl.exists():
        _compile(texdir, "natbib", NATBIB, "bibtex")
    text = bbl.read_text("utf-8")
    blocks = {}
    for block in text.split("\\bibitem")[1:]:
        key = re.match(r"(?:\[.*?\])?\{([^}]*)\}", block.replace("\n", " "), re.S)
        assert key, block[:80]
        blocks[key.group(1)] = " ".join(re.sub(r"\\url\{[^}]*\}", "", block).split())
    checked = 0
    for acronym in ("LSTM", "GRU", "BERT", "XLNet", "GPT-2", "RoBERTa", "ELECTRA"):
        pattern = re.compile(r"(?<![\w-])" + re.escape(acronym) + r"(?![\w])")
        for record in result.records:
            if pattern.search(record.title):
                # plainnat lower-cases titles; the acronym must come out exactly as listed.
                assert pattern.search(blocks[record.key].replace("{", "").replace("}", "")), (
                    acronym,
                    record.key,
                    blocks[record.key],
                )
                checked += 1
    assert checked > 50
    assert "{XLNet}: Generalized autoregressive pretraining" in " ".join(text.split())
