"""`bibkit resolve` figures, against the local stand-ins of arXiv, Semantic Scholar, DBLP and
Crossref (tests/metadata_server.py), through the real client code and command line.

    .venv/bin/python benchmarks/resolve_shipped.py [--ids 1000] [--fault-rate 0.2]

The stand-ins serve made-up but well-formed metadata for every identifier asked (every other
work "published", with a DBLP record), so the figures measure the mechanics: coverage before
and after, requests per source, wall time with the politeness delays at 0 and what the same
requests take with the default delays; requests per N arXiv ids and on a second run; `bibkit
build` offline (under `unshare -n` when available) twice, byte for byte; and runs under injected
faults until the lock is complete.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.metadata_server import MetadataServer, environment, serve  # noqa: E402

BIBKIT = [sys.executable, "-m", "bibkit.cli"]


def bibkit(args: list[str], cwd: Path, env: dict[str, str], network: bool = True) -> subprocess.CompletedProcess[str]:
    command = BIBKIT + args
    if not network and shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0:
        command = ["unshare", "-n", *command]
    return subprocess.run(command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True)


def shipped_project(tmp: Path) -> Path:
    shutil.copytree(ROOT / "lists", tmp / "lists")
    shutil.copy(ROOT / "bibkit.toml", tmp / "bibkit.toml")
    shutil.copytree(ROOT / "bib", tmp / "bib")
    (tmp / "bib" / "bibkit.lock.json").unlink(missing_ok=True)
    return tmp


def shipped(tmp: Path) -> None:
    app = MetadataServer(synthesize={})
    base, stop = serve(app)
    try:
        root = shipped_project(tmp / "shipped")
        started = time.monotonic()
        first = bibkit(["resolve", "--json"], root, environment(base))
        wall = time.monotonic() - started
        report = json.loads(first.stdout)
        asked = dict(app.requests)
        second = json.loads(bibkit(["resolve", "--json"], root, environment(base)).stdout)
    finally:
        stop()
    print("## Shipped lists, stand-ins serving metadata for every id")
    for when in ("before", "after"):
        c = report["coverage"][when]
        print(
            f"  {when:6}: {c['papers']} paper entries; authors {c['authors']:.1%}, year {c['year']:.1%}, "
            f"venue or arXiv id {c['venue']:.1%}, published venue {c['published']:.1%}"
        )
    for name, s in report["sources"].items():
        print(
            f"  {name:8}: asked {s['asked']}, answered {s['answered']}, adopted {s['adopted']}, requests {s['requests']}"
        )
    print(f"  requests seen by the stand-ins: {asked}")
    print(f"  wall time (resolve command, delays 0): {wall:.2f} s; inside the run: {report['seconds']} s")
    print(
        f"  same requests with the default delays (arXiv 3 s, S2 1 s, DBLP 1 s, Crossref 0.2 s): "
        f"at least {report['estimated_seconds_with_default_intervals']} s"
    )
    print(f"  second run: {sum(s['requests'] for s in second['sources'].values())} requests")

    outputs = []
    for _ in range(2):
        result = bibkit(["build"], root, {}, network=False)
        assert result.returncode == 0, result.stderr
        outputs.append((root / "bib" / "bibliography.bib").read_bytes())
    sandbox = "under unshare -n (no network)" if shutil.which("unshare") else "(unshare not available)"
    print(f"  bibkit build offline {sandbox}, twice: byte-identical = {outputs[0] == outputs[1]}")


def synthetic_list(root: Path, n: int) -> dict[str, str]:
    lines, titles = ["# Many papers", ""], {}
    for i in range(n):
        arxiv = f"2301.{10000 + i}"
        titles[f"arxiv:{arxiv}"] = title = f"Synthetic study number {i} of sequence models"
        lines.append(f"- [{title}](https://arxiv.org/abs/{arxiv})")
    (root / "lists").mkdir(parents=True)
    (root / "lists" / "many.md").write_text("\n".join(lines) + "\n", "utf-8")
    return titles


def many_ids(tmp: Path, n: int) -> None:
    root = tmp / "many"
    app = MetadataServer(synthesize=synthetic_list(root, n))
    base, stop = serve(app)
    try:
        bibkit(["resolve"], root, environment(base))
        first = dict(app.requests)
        bibkit(["resolve"], root, environment(base))
        again = sum(app.requests.values()) - sum(first.values())
    finally:
        stop()
    print(f"## {n} arXiv ids")
    print(
        f"  arXiv requests {first.get('arxiv', 0)} (goal <= {n // 100}), Semantic Scholar {first.get('s2', 0)} "
        f"(goal <= {max(2, n // 500)}), DBLP {first.get('dblp', 0)} (one per published version), "
        f"Crossref {first.get('crossref', 0)}; second run: {again} requests"
    )


def faults(tmp: Path, rate: float, n: int) -> None:
    root = tmp / "faults"
    app = MetadataServer(synthesize=synthetic_list(root, n))
    app.faults.rate, app.faults.slow_seconds = rate, 1.0
    (root / "bibkit.toml").write_text("[resolve]\ntimeout = 0.5\n", "utf-8")
    base, stop = serve(app)
    runs = []
    try:
        for _ in range(10):
            result = bibkit(["resolve", "--json"], root, environment(base))
            lock = json.loads((root / "bib" / "bibkit.lock.json").read_text("utf-8"))  # valid after every run
            complete = sum(bool(r["fields"].get("author")) for r in lock["records"].values())
            runs.append((result.returncode, complete))
            if result.returncode == 0:
                break
    finally:
        stop()
    built = bibkit(["build"], root, {}, network=False)
    bib = (root / "bib" / "bibliography.bib").read_text("utf-8")
    fired = {kind: app.faults.fired.count(kind) for kind in sorted(set(app.faults.fired))}
    print(f"## {n} arXiv ids, {rate:.0%} of requests faulty: {fired}")
    print(f"  runs until complete (exit code, lock records with authors): {runs}")
    print(
        f"  entries {bib.count(chr(10) + '@')} of {n} (lost {n - bib.count(chr(10) + '@')}), with authors "
        f"{bib.count('author        =')}; build exit {built.returncode}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ids", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shipped(Path(tmp))
        many_ids(Path(tmp), args.ids)
        faults(Path(tmp), args.fault_rate, 300)


if __name__ == "__main__":
    main()
