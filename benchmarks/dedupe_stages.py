"""Where `bibkit dedupe` spends its time, stage by stage, on the benchmark's 20,000-entry file.

    .venv/bin/python benchmarks/dedupe_stages.py [--size 20000] [--repeat 3] [--gc] [--one-process]

The file is the one `dedupe_vs_bibtex_tidy.py` makes (same seed). Each stage is timed in this
process as `bibkit dedupe` runs them, the median of --repeat rounds: reading the text, reading
the entries (in two parts on two cores, or in one with --one-process), the three tiers of the
finder (with two parts, the similar-title search of tier 3 runs in the child while this process
does tiers 1 and 2: its row is the wait for it), merging and writing the merged entries, the JSON
report. The cyclic garbage collector is paused as `bibkit dedupe` pauses it, unless --gc.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

START = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bibkit import dedupe  # noqa: E402
from bibkit.bibdedupe import deduplicated  # noqa: E402
from bibkit.report import dedupe_dict, to_json  # noqa: E402
from bibkit.sources.bibfile import read_and_pair  # noqa: E402

IMPORTS = time.perf_counter() - START

from dedupe_vs_bibtex_tidy import make_file, official_entries  # noqa: E402


def rounds(path: Path, one_process: bool) -> dict[str, float]:
    times: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        times[name] = now - since
        return now

    t = time.perf_counter()
    text = path.read_bytes().decode("utf-8")
    t = lap("read the text", t)
    search = partial(dedupe.close_pairs, threshold=dedupe.FUZZY_THRESHOLD)
    bib, keys, similar = read_and_pair(text, str(path), search, split=not one_process)
    t = lap("read the entries", t)
    finder = dedupe._Finder(keys, lambda i: bib.items[i].families())
    finder.identifiers()
    t = lap("tier 1: identifiers", t)
    finder.equal_titles()
    t = lap("tier 2: equal titles", t)
    close = similar(finder.titles) if similar else search(finder.titles)
    t = lap("tier 3: similar pairs (the child's, waited for)", t)
    finder.similar_titles(close)
    findings = finder.findings()
    t = lap("tier 3: judged", t)
    result = deduplicated(text, str(path), bib, keys, findings)
    t = lap("merge and write the merged entries", t)
    to_json(dedupe_dict(result, path, None, False, False))
    lap("JSON report", t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gc", action="store_true", help="leave the cyclic garbage collector on")
    parser.add_argument("--one-process", action="store_true", help="read the file in one process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.bib"
        make_file(official_entries(), args.size, seed=42, path=path)
        if not args.gc:
            gc.disable()
        runs = [rounds(path, args.one_process) for _ in range(args.repeat)]
    print(
        f"{args.size} entries; collector {'on' if args.gc else 'paused'}; "
        f"{'one process' if args.one_process else 'two parts'}; medians of {args.repeat}"
    )
    print(f"  {'imports':48} {IMPORTS:6.3f} s")
    for name in runs[0]:
        print(f"  {name:48} {statistics.median(r[name] for r in runs):6.3f} s")


if __name__ == "__main__":
    main()
