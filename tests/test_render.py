"""bibkit render: style plugins, formats, golden files, the round trip, and a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from bibkit.normalize.latex import to_text
from bibkit.render import FORMATS, StyleError, load_style, render
from bibkit.sources.bibscan import scan

from .conftest import FIXTURES, ROOT, SHIPPED_LISTS, build_project

GOLDEN = Path(__file__).resolve().parent / "golden" / "render"
FIXTURE = FIXTURES / "render" / "excerpt.bib"


@pytest.mark.parametrize("style", ["reading-list", "compact"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_render(style: str, fmt: str) -> None:
    text = render(FIXTURE.read_text("utf-8"), load_style(style, ROOT), fmt, "Excerpt").text
    golden = GOLDEN / f"{style}.{ {'markdown': 'md', 'html': 'html', 'text': 'txt', 'latex': 'tex'}[fmt] }"
    if os.environ.get("BIBKIT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


def test_styles_by_name_path_and_pybtex(tmp_path: Path) -> None:
    assert load_style("reading_list", ROOT).group_by_category
    assert load_style(str(ROOT / "styles" / "compact.py")).name.endswith("compact.py")
    unsrt = render(FIXTURE.read_text("utf-8"), load_style("unsrt"), "text")
    assert unsrt.entries > 10
    assert any("missing author in deepcontextualized2018" in w for w in unsrt.warnings), unsrt.warnings
    custom = tmp_path / "styles" / "mine.py"
    custom.parent.mkdir()
    custom.write_text("from pybtex.style.formatting.plain import Style\n", "utf-8")
    assert load_style("mine", tmp_path).style.__class__.__name__ == "Style"
    (tmp_path / "styles" / "broken.py").write_text("Style = 3\n", "utf-8")
    with pytest.raises(StyleError, match="BaseStyle subclass"):
        load_style("broken", tmp_path)
    with pytest.raises(StyleError, match="unknown style"):
        load_style("no-such-style", tmp_path)


def test_reading_list_keeps_every_link_category_and_chinese_text(shipped) -> None:
    project, result = shipped
    bib = (project / "bib" / "bibliography.bib").read_text("utf-8")
    text = render(bib, load_style("reading-list", ROOT), "markdown").text
    plain = re.sub(r"\\([\\`*_])", r"\1", text).replace("&lt;", "<")  # Markdown escapes undone
    for block in scan(bib):
        if block.kind != "entry":
            continue
        for url in [block.fields.get("url", ""), *block.fields.get("code", "").split()]:
            if url:
                assert url in text, (block.key, url)
        n_categories = len({k.strip() for k in block.fields.get("keywords", "").split(",") if k.strip()}) or 1
        title = to_text(block.fields["title"]).replace("--", "–")
        assert plain.count(title) >= n_categories, block.key
    assert "## 自然语言处理" in text
    assert "#### 哪吒+tinybert" in text


@pytest.mark.parametrize("list_path", SHIPPED_LISTS, ids=lambda p: p.stem)
def test_round_trip_render_then_build(tmp_path: Path, shipped, list_path: Path) -> None:
    """reading-list Markdown of a list's bibliography, built again, gives the same entries."""
    project, _ = shipped
    name = list_path.stem
    original = (project / "bib" / f"{name}.bib").read_text("utf-8")
    again = tmp_path / "again"
    (again / "lists").mkdir(parents=True)
    shutil.copytree(project / "bib", again / "bib")  # the previous output, for key stability
    rendered = render(original, load_style("reading-list", ROOT), "markdown", name).text
    (again / "lists" / f"{name}.md").write_text(rendered, "utf-8")
    (again / "bibkit.toml").write_text(
        f'[[lists]]\npath = "lists/{name}.md"\nname = "x"\noutput = "{name}.bib"\n', "utf-8"
    )
    build_project(again)
    before = {b.key: b for b in scan(original) if b.kind == "entry"}
    after = {b.key: b for b in scan((again / "bib" / f"{name}.bib").read_text("utf-8")) if b.kind == "entry"}
    assert set(after) == set(before), "same keys"
    for key, block in before.items():
        assert after[key].entry_type == block.entry_type, key
        for field, value in block.fields.items():
            # "--" in a title is LaTeX's en dash, and a reading list shows it as one.
            assert after[key].fields.get(field, "").replace("–", "--") == value.replace("–", "--"), (key, field)


def test_render_cli(tmp_path: Path) -> None:
    out = tmp_path / "list.html"
    result = CliRunner().invoke(main, ["render", str(FIXTURE), "--format", "html", "-o", str(out), "--title", "T"])
    assert result.exit_code == 0
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    dry = CliRunner().invoke(main, ["render", str(FIXTURE), "-o", str(tmp_path / "x.md"), "--dry-run"])
    assert dry.exit_code == 0
    assert not (tmp_path / "x.md").exists()
    bad = CliRunner().invoke(main, ["render", str(FIXTURE), "--style", "nope"])
    assert bad.exit_code != 0
    assert "unknown style" in bad.stderr


# --- the HTML page in a real headless browser ----------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title, self.in_title, self.ids, self.hrefs, self.entries = "", False, set(), [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.hrefs.append(a["href"][1:])
        if tag == "li" and a.get("class") == "entry":
            self.entries += 1
        self.in_title = tag == "title"

    def handle_data(self, data):
        if self.in_title:
            self.title += data

    def handle_endtag(self, tag):
        self.in_title = False


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("BIBKIT_REQUIRE_BROWSER"), reason="Debian's chromium is not installed"
)
def test_html_page_in_headless_chromium(tmp_path: Path, shipped) -> None:
    assert CHROMIUM is not None, "BIBKIT_REQUIRE_BROWSER is set but chromium is missing"
    project, _ = shipped
    rendered = render(
        (project / "bib" / "bibliography.bib").read_text("utf-8"),
        load_style("reading-list", ROOT),
        "html",
        "NLP reading list",
    )
    page = tmp_path / "list.html"
    page.write_text(rendered.text, "utf-8")
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-1000:]
    parsed = _Dom()
    parsed.feed(dom.stdout)  # the DOM as the browser built it, not the file as written
    assert parsed.title == "NLP reading list"
    assert parsed.entries == rendered.entries > 400
    assert parsed.hrefs and all(h in parsed.ids for h in parsed.hrefs), "every table-of-contents link resolves"


def test_render_reads_through_the_one_bib_reader(tmp_path: Path) -> None:
    """Macros, "#" and crossref as every command reads them; a broken block is reported with its
    line and exits 1, and every other entry is still rendered."""
    bib = tmp_path / "mixed.bib"
    bib.write_text(
        '@string(and = " and ")\n'
        "@proceedings{p, title = {Proceedings of Things}, year = 2006}\n"
        '@inproceedings{a, title = {One Paper}, author = "Doe, Jane" # and # {Roe, Rick}, crossref = {p}}\n'
        "@article{b, title = {Broken\n",
        "utf-8",
    )
    result = CliRunner().invoke(main, ["render", str(bib), "--format", "markdown"])
    assert result.exit_code == 1
    assert "**One Paper**. *Jane Doe, Rick Roe*." in result.stdout and "2006" in result.stdout
    assert f"{bib}:4: error: cannot parse" in result.stderr
