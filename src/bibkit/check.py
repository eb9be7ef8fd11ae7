"""`bibkit check`: a lint for bibliographies, for a list repository's CI and pre-commit.

Each finding names file, line and key.  Errors fail the check; warnings do not.
With ``latex=True`` the bibliography is also compiled with BibTeX + natbib and with
biber + biblatex (where installed), and what they complain about is mapped back to keys.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from . import ids
from .dedupe import find_duplicates
from .model import Problem, Severity, Source
from .normalize.names import invalid_names
from .normalize.titles import needs_braces
from .sources.bibfile import record_from_fields
from .sources.bibscan import ScannedBlock, scan

# BibTeX's standard entry types and their required fields ("a|b": either).
REQUIRED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "booklet": ("title",),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "misc": (),
    "proceedings": ("title", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "note"),
}
# Characters BibTeX (or biber) rejects in a key.
BAD_KEY_CHARS = re.compile(r"[\s,{}()\"#%'=\\~]")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
MARKDOWN = re.compile(r"\*\*|__|\]\(|`|^\s*[-*+]\s|^#+\s")
HTTPS_HOSTS = (
    "arxiv.org",
    "aclweb.org",
    "aclanthology.org",
    "github.com",
    "openreview.net",
    "doi.org",
    "proceedings.mlr.press",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "dl.acm.org",
    "medium.com",
    "zhihu.com",
    "mp.weixin.qq.com",
    "openaccess.thecvf.com",
    "ojs.aaai.org",
    "ijcai.org",
    "semanticscholar.org",
    "huggingface.co",
    "jalammar.github.io",
    "kexue.fm",
)


def _unprotected(title: str) -> list[str]:
    """Words outside braces whose case a sentence-casing style would lose."""
    depth, outside, word = 0, [], []
    for ch in title:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            word.append(ch)
            continue
        outside.append("".join(word))
        word = []
    outside.append("".join(word))
    words = [w.strip(".,:;!?()\"'*_`") for w in " ".join(outside).split() if not w.startswith("\\")]
    return [w for w in words if w and needs_braces(w)]


# Fields styles print: a bare & % # _ in them stops pdflatex ("Misplaced alignment tab character").
PRINTED_FIELDS = (
    "title",
    "booktitle",
    "journal",
    "author",
    "editor",
    "publisher",
    "note",
    "series",
    "school",
    "institution",
    "address",
    "organization",
    "type",
    "shorttitle",
    "edition",
    "chapter",
)
_MATH = re.compile(r"(?<!\\)\$(?:[^$\\]|\\.)*\$")
_SPECIAL = re.compile(r"(?<!\\)[&%#_]")


def _unescaped_special(value: str) -> str:
    """The first &, %, # or _ not escaped and not inside $math$, or ''."""
    m = _SPECIAL.search(_MATH.sub("", value))
    return m.group(0) if m else ""


# A check's finding on one entry: the field it is about ("" for the entry's first line), its
# severity, kind and message.
Hit = tuple[str, Severity, str, str]
ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _required_fields(block: ScannedBlock) -> Iterator[Hit]:
    for required in REQUIRED.get(block.entry_type, ()):
        options = required.split("|")
        if required != "author" and not any(block.fields.get(o, "").strip() for o in options):
            yield "", ERROR, "missing-field", f"@{block.entry_type} needs {' or '.join(options)}"
    if not (block.fields.get("author") or block.fields.get("editor")):
        yield "", WARNING, "missing-author", "no author"  # a warning: many lists know no authors


def _identifiers(block: ScannedBlock) -> Iterator[Hit]:
    f = block.fields
    year = f.get("year", "").strip()
    if year and not (year.isdigit() and len(year) == 4 and 1000 <= int(year) <= date.today().year + 1):
        yield "year", ERROR, "invalid-year", f"year {year!r} is not a plausible year"
    doi = ids.unescape_url(f.get("doi", "")).strip()
    if doi and not DOI.match(ids.normalize_doi(doi)):
        yield "doi", ERROR, "invalid-doi", f"{doi!r} is not a DOI"
    prefix = (f.get("archiveprefix", "") or f.get("eprinttype", "")).lower()
    if f.get("eprint") and prefix in ("arxiv", "") and ids.parse_arxiv_id(f["eprint"]) is None:
        yield "eprint", ERROR, "invalid-arxiv-id", f"{f['eprint']!r} is not an arXiv id"


def _latex_text(block: ScannedBlock) -> Iterator[Hit]:
    for name in PRINTED_FIELDS:
        bad = _unescaped_special(block.fields.get(name, ""))
        if bad:
            yield name, ERROR, "latex-special", f"{name} has an unescaped {bad!r}: LaTeX stops there (write \\{bad})"
    title = block.fields.get("title", "")
    if MARKDOWN.search(title):
        yield "title", ERROR, "markdown-in-title", "the title holds Markdown markup"
    unprotected = _unprotected(title)
    if unprotected:
        braced = f"{{{unprotected[0]}}}"
        yield (
            "title",
            WARNING,
            "unprotected-capitals",
            (f"{', '.join(unprotected[:3])} would be lower-cased by BibTeX styles: brace them ({braced})"),
        )


def _links(block: ScannedBlock) -> Iterator[Hit]:
    url = ids.unescape_url(block.fields.get("url", ""))
    host = ids.host_of(url) if url else ""
    if url.startswith("http://") and any(host == h or host.endswith("." + h) for h in HTTPS_HOSTS):
        yield "url", WARNING, "http-link", "http:// link where https:// exists"


def _ascii(block: ScannedBlock) -> Iterator[Hit]:
    for name, value in block.fields.items():
        if not value.isascii():
            yield name, WARNING, "non-ascii", f"{name} has non-ASCII characters"


ENTRY_CHECKS: tuple[Callable[[ScannedBlock], Iterator[Hit]], ...] = (
    _required_fields,
    _identifiers,
    _latex_text,
    _links,
)


def _unparsable(blocks: list[ScannedBlock], file: str) -> Iterator[Problem]:
    for block in blocks:
        if block.kind == "failed":
            key_match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]*)", block.text)
            kind = "unbalanced-braces" if "brace" in block.error or "close" in block.error else "unparsable"
            key = key_match.group(1) if key_match else ""
            yield Problem(Source(file, block.line), kind, f"cannot parse this entry: {block.error}", ERROR, key)


def _keys(entries: list[ScannedBlock], file: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for block in entries:
        where = Source(file, block.line)
        first = seen.setdefault(block.key.lower(), block.line)
        if first != block.line:
            yield Problem(where, "duplicate-key", f"key already used on line {first}", ERROR, block.key)
        if not block.key:
            yield Problem(where, "missing-key", "the entry has no key: BibTeX cannot cite it", ERROR)
        elif BAD_KEY_CHARS.search(block.key):
            yield Problem(where, "invalid-key", "the key has characters BibTeX rejects", ERROR, block.key)
        for name in invalid_names(block.fields):
            message = f"{name!r} has more than two commas: BibTeX stops on it (join names with 'and')"
            yield Problem(Source(file, block.field_line("author")), "bad-name", message, ERROR, block.key)


def _duplicate_entries(entries: list[ScannedBlock], file: str) -> Iterator[Problem]:
    """The deduplication engine's groups, reported on the later entry of each pair."""
    records = [record_from_fields(b.entry_type, b.key, b.fields, file, b.line) for b in entries]
    for group in find_duplicates(records).groups:
        first = entries[group.members[0]]
        for index in group.members[1:]:
            dup = entries[index]
            message = f"the same work as {first.key} (line {first.line}), by {group.reason}"
            yield Problem(Source(file, dup.line), "duplicate-entry", message, ERROR, dup.key)


def check_text(text: str, file: str, *, ascii_only: bool = False) -> list[Problem]:
    blocks = scan(text)
    entries = [b for b in blocks if b.kind == "entry"]
    checks = ENTRY_CHECKS + ((_ascii,) if ascii_only else ())
    findings = [*_unparsable(blocks, file), *_keys(entries, file)]
    for block in entries:
        for check in checks:
            for name, severity, kind, message in check(block):
                line = block.field_line(name) if name else block.line
                findings.append(Problem(Source(file, line), kind, message, severity, block.key))
    findings += _duplicate_entries(entries, file)
    return sorted(findings, key=lambda x: (x.file, x.line, x.severity, x.kind))


# ---------------------------------------------------------------------------------------------
# --latex: what BibTeX and biber say, mapped back to keys

NATBIB_DOC = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage{CJKutf8}
\usepackage{url}
\usepackage[numbers]{natbib}
\begin{document}
\begin{CJK*}{UTF8}{gbsn}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{%s}
\end{CJK*}
\end{document}
"""
BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage{CJKutf8}
\usepackage[backend=biber,style=authoryear]{biblatex}
\addbibresource{%s.bib}
\begin{document}
\begin{CJK*}{UTF8}{gbsn}
\nocite{*}
\printbibliography
\end{CJK*}
\end{document}
"""


def latex_findings(path: Path) -> tuple[list[Problem], list[str]]:
    """Compile a document citing every entry; return findings and the toolchains that ran."""
    findings: list[Problem] = []
    ran: list[str] = []
    text = path.read_text("utf-8")
    lines = {b.key: b.line for b in scan(text) if b.kind == "entry"}
    toolchains = [
        ("bibtex+natbib", "bibtex", NATBIB_DOC, "natbib", _bibtex_messages),
        ("biber+biblatex", "biber", BIBLATEX_DOC, "biblatex", _biber_messages),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(path, work / "refs.bib")
        for name, processor, document, job, read_messages in toolchains:
            if not (shutil.which("pdflatex") and shutil.which(processor)):
                continue
            ran.append(name)
            (work / f"{job}.tex").write_text(document % "refs", "utf-8")
            _run(["pdflatex", "-interaction=nonstopmode", f"{job}.tex"], work)
            findings += read_messages(_run([processor, job], work), str(path), lines)
    return findings, ran


def _run(cmd: list[str], cwd: Path) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=600)
    return done.stdout + done.stderr


def _bibtex_messages(output: str, file: str, lines: dict[str, int]) -> list[Problem]:
    out = []
    for m in re.finditer(r"^Warning--(.*?) in (\S+)$", output, re.M):
        key = m.group(2)
        out.append(Problem(Source(file, lines.get(key, 0)), "bibtex", m.group(1), Severity.WARNING, key))
    for m in re.finditer(r"^(.*?)---line (\d+) of file refs\.bib", output, re.M):
        out.append(Problem(Source(file, int(m.group(2))), "bibtex", m.group(1).strip(), Severity.ERROR))
    return out


def _biber_messages(output: str, file: str, lines: dict[str, int]) -> list[Problem]:
    out = []
    for m in re.finditer(r"^(WARN|ERROR) - (.*)$", output, re.M):
        message = m.group(2)
        key_match = re.search(r"entry '([^']+)'|key '([^']+)'", message)
        key = next((g for g in key_match.groups() if g), "") if key_match else ""
        severity = "error" if m.group(1) == "ERROR" else "warning"
        out.append(Problem(Source(file, lines.get(key, 0)), "biber", message, Severity(severity), key))
    return out
