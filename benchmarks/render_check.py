"""Time of `bibkit render` (every style and format) and `bibkit check` on the shipped bibliography.

.venv/bin/python benchmarks/render_check.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bibkit.check import check_text  # noqa: E402
from bibkit.render import FORMATS, load_style, render  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bib = ROOT / "bib" / "bibliography.bib"
    text = bib.read_text("utf-8")
    for style_name in ("reading-list", "compact"):
        style = load_style(style_name, ROOT)
        for fmt in FORMATS:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                rendered = render(text, style, fmt)
                times.append(time.perf_counter() - start)
            print(
                f"render {style_name:12} {fmt:8}: median {statistics.median(times):.3f} s, {rendered.entries} entry lines"
            )
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        findings = check_text(text, str(bib))
        times.append(time.perf_counter() - start)
    kinds = Counter((f.severity, f.kind) for f in findings)
    print(
        f"check: median {statistics.median(times):.3f} s; "
        + ", ".join(f"{s} {k}: {n}" for (s, k), n in sorted(kinds.items()))
    )


if __name__ == "__main__":
    main()
