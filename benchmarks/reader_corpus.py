"""How the list reader does on real lists it was not written against (issue: every paper link
becomes an entry, nothing is swallowed).

    .venv/bin/python benchmarks/reader_corpus.py [LIST.md ...] [--runs N]

Without arguments it reads the corpus beside the repository (../shared/corpus/*__*.md) and the
shipped lists (lists/*.md). For each list it builds the list alone, offline (no resolution),
and prints:

- paper identifiers linked in the list, and how many are identifiers of entries (bibkit's own
  account; the independent ../shared/tools/id_census.py is run too when it is there);
- paper entries whose list item names authors (an "Authors:" label, a citation line
  "A, B, and C. 2019.", or an emphasised run of names: judged from the list's text, not by
  the reader), and how many of them have authors;
- titles that are generic ("Paper", "Tweet", a URL, an identifier) or carry decorations
  (enumerators, 【】, emoji, trailing separators), and entries made from navigation (#anchors);
- the median build time of the list (in-process, N runs).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CENSUS = ROOT.parent / "shared" / "tools" / "id_census.py"

_NAMES_EM = re.compile(r"(?<![*\w])[*_][A-Z][\w.'\-]+(?: [A-Z][\w.'\-]*)+(?:, [A-Z][\w.'\-]+(?: [A-Z][\w.'\-]*)+)+")
_CITATION = re.compile(r"^\s*(?:[*\-+]|\d+\.)\s+[A-Z][^\[\]]{2,}?(?:,| and) [^\[\]]+?\.\s*(?:19|20)\d\d\s*\.")
_LABEL = re.compile(r"\bAuthors?\s*:", re.I)
_DECORATED = re.compile(r"^\s*(?:\d+[.)、]\s|[（(]\d+[)）])|[【】]|[\U0001F300-\U0001FAFF\u2600-\u27BF]|[,;:|\-–—]$")


def item_text(lines: list[str], line: int) -> str:
    """The list item starting at 1-based line, with its indented continuation lines."""
    out = [lines[line - 1]]
    for nxt in lines[line : line + 4]:
        if not nxt.strip() or nxt.startswith(("   ", "\t")):
            out.append(nxt)
        else:
            break
    return "\n".join(out)


def names_authors(text: str) -> bool:
    return bool(_LABEL.search(text) or _CITATION.search(text) or _NAMES_EM.search(text))


def measure(path: Path, runs: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from bibkit.config import Config, list_spec_for
    from bibkit.model import Kind
    from bibkit.pipeline import build
    from bibkit.sources.markdown.titles import is_generic

    with tempfile.TemporaryDirectory() as tmp:
        spec = list_spec_for(path)
        config = Config(root=Path(tmp), lists=(spec,), out_dir=Path(tmp) / "bib")
        times = []
        result = None
        for _ in range(runs):
            start = time.perf_counter()
            result = build(config)
            times.append(time.perf_counter() - start)
        assert result is not None
        bib = Path(tmp) / "out.bib"
        bib.write_text(next(iter(result.outputs.values())), "utf-8")
        census = ""
        if CENSUS.exists():
            census = (
                subprocess.run(
                    [sys.executable, str(CENSUS), str(path), "--bib", str(bib)], capture_output=True, text=True
                )
                .stdout.splitlines()[0]
                .split(": ", 1)[1]
            )
    lines = path.read_text("utf-8", errors="replace").splitlines()
    stats = result.lists[0]
    papers = [r for r in result.records if r.kind == Kind.PAPER]
    named = [r for r in papers if any(names_authors(item_text(lines, s.line)) for s in r.sources if s.line)]
    return {
        "list": path.name,
        "ids": f"{stats.identifiers_in_entries}/{stats.identifiers_linked}",
        "census": census,
        "entries": len(result.records),
        "papers": len(papers),
        "authors_where_named": f"{sum(bool(r.authors) for r in named)}/{len(named)}",
        "generic_titles": sum(bool(r.title) and is_generic(r.title) for r in result.records),
        "untitled": sum(not r.title for r in result.records),
        "decorated_titles": sum(bool(_DECORATED.search(r.title)) for r in result.records),
        "navigation_entries": sum(r.url.startswith(("#", "./#")) or "/#" in r.url[:12] for r in result.records),
        "time_s": round(statistics.median(times), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("lists", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lists = args.lists or sorted(CORPUS.glob("*__*.md")) + sorted((ROOT / "lists").glob("*.md"))
    rows = [measure(p, args.runs) for p in lists]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
