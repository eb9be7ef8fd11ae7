"""Wall time of `bibkit build` on the shipped lists, and the per-list figures of the build.

    .venv/bin/python benchmarks/build_shipped.py [--runs N]

Builds a copy of the project in a temporary directory (so bib/ is not touched) as fresh
`bibkit build` processes (what a user waits for, interpreter start included), with
published-version resolution on (the official index is built first, once, and its build
time printed) and off, and N times in-process. Prints medians and the report's figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from bibkit.config import load_config
    from bibkit.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copytree(ROOT / "lists", project / "lists")
        shutil.copy(ROOT / "bibkit.toml", project / "bibkit.toml")
        bibkit = Path(sys.executable).parent / "bibkit"
        start = time.perf_counter()
        subprocess.run([str(bibkit), "index"], check=True, capture_output=True)
        print(f"official index ready in {time.perf_counter() - start:.1f} s (built once per data version)")

        def run_command(*extra: str) -> tuple[float, str]:
            start = time.perf_counter()
            done = subprocess.run([str(bibkit), "build", "--json", *extra], cwd=project, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            return time.perf_counter() - start, done.stdout

        first_times, rebuild_times, offline_times = [], [], []
        for _ in range(max(3, args.runs // 3)):
            shutil.rmtree(project / "bib", ignore_errors=True)
            elapsed, output = run_command()  # first build: no previous bib/ to keep keys from
            first_times.append(elapsed)
            rebuild_times.append(run_command()[0])  # rebuild: reads bib/ back for key stability
            shutil.rmtree(project / "bib", ignore_errors=True)
            offline_times.append(run_command("--no-resolve")[0])
        report = json.loads(output)
        pipeline_times = []
        config = load_config(project)
        for _ in range(args.runs):
            start = time.perf_counter()
            build(config)
            pipeline_times.append(time.perf_counter() - start)

    print(
        f"bibkit build, first build, resolution on (fresh process, {len(first_times)} runs): "
        f"median {statistics.median(first_times):.3f} s"
    )
    print(f"bibkit build --no-resolve, first build: median {statistics.median(offline_times):.3f} s")
    print(f"bibkit build, rebuild with bib/ present (fresh process): median {statistics.median(rebuild_times):.3f} s")
    print(f"pipeline in-process with bib/ present ({args.runs} runs): median {statistics.median(pipeline_times):.3f} s")
    for s in report["lists"]:
        print(
            f"{s['path']}: {s['items_seen']} items -> {s['entries']} entries {s['entries_by_type']}; "
            f"with authors {s['share_with_authors']:.1%}, year {s['share_with_year']:.1%}, "
            f"venue {s['share_with_venue']:.1%}; papers {s['papers']}: authors "
            f"{s['papers_share_with_authors']:.1%}, year {s['papers_share_with_year']:.1%}, "
            f"venue {s['papers_share_with_venue']:.1%}"
        )
    print(
        f"combined: {report['combined']['entries']} entries, {len(report['merges'])} merges "
        f"{report['merges_by_reason']}"
    )
    res = report["resolution"]
    print(
        f"resolution: {res['resolved']} papers resolved, {res['preprints_upgraded']} preprints upgraded; "
        f"coverage of papers {res['coverage_of_papers']}"
    )
    print(f"warnings by kind: {report['warnings_by_kind']}")


if __name__ == "__main__":
    main()
