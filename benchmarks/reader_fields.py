"""What the reader reads of each paper, against a person reading the list (issue 20).

    .venv/bin/python benchmarks/reader_fields.py [--gold DIR] [--runs N]

Builds the nine corpus lists of ../shared/corpus/ together, offline and without official metadata
(`bibkit build LISTS --no-resolve`, what the lists say rather than what a service says), then scores
the combined .bib with ../shared/tools/fieldgold.py against the hand-read gold of
../shared/corpus/gold/ (per list: items found, title, authors, year and venue right) and with
../shared/tools/id_census.py (paper identifiers linked vs in entries). Prints both, and the median
wall time of the build over N runs (a fresh output folder each run, the index already built).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def build(lists: list[Path], out: Path) -> float:
    bibkit = Path(sys.executable).with_name("bibkit")
    start = time.perf_counter()
    subprocess.run(
        [str(bibkit), "build", *map(str, lists), "--out", str(out), "--no-resolve"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "corpus" / "gold")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lists = sorted((SHARED / "corpus").glob("*__*.md"))
    if not lists:
        print(f"no corpus lists under {SHARED / 'corpus'}", file=sys.stderr)
        return 1
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            times.append(build(lists, Path(tmp) / f"bib{run}"))
        combined = Path(tmp) / "bib0" / "bibliography.bib"
        tools = SHARED / "tools"
        print("Fields right against the gold (fieldgold.py):")
        subprocess.run([sys.executable, str(tools / "fieldgold.py"), str(args.gold), str(combined)], check=False)
        print("\nPaper identifiers linked vs in entries (id_census.py):")
        subprocess.run(
            [sys.executable, str(tools / "id_census.py"), *map(str, lists), "--bib", str(combined)], check=False
        )
    print(f"\nbuild of the {len(lists)} corpus lists: median {statistics.median(times):.2f} s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
