"""Project configuration: ``bibkit.toml`` names the lists and the outputs.

    [output]
    dir = "bib"
    combined = "bibliography.bib"

    [[lists]]
    path = "lists/atpapers.md"
    name = "ATPapers"
    output = "atpapers.bib"

    [zotero]
    group = 123456            # the group library `bibkit sync` writes to
    api_key_file = "~/.config/bibkit/zotero-key"   # the key itself never goes in this file

    [resolve]
    enabled = true            # official metadata from the offline index
    upgrade_preprints = true  # a preprint later published becomes the published entry

With no config file, every ``lists/*.md`` is read and each list's output is named
after its file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import BibkitError

CONFIG_NAME = "bibkit.toml"


class ConfigError(BibkitError):
    """bibkit.toml cannot be read or holds an unknown key or a bad value."""


@dataclass(frozen=True)
class ListSpec:
    path: Path
    name: str
    output: str  # file name inside the output directory


ONLINE_SOURCES = ("arxiv", "s2", "dblp", "crossref")
LOCK_NAME = "bibkit.lock.json"
OVERRIDES_NAME = "bibkit-overrides.toml"


@dataclass(frozen=True)
class ResolveSettings:
    """[resolve]: official metadata from the offline index and the lock file, whether preprints are
    upgraded, and how `bibkit resolve` asks the online sources ([resolve.api], [resolve.interval])."""

    enabled: bool = True
    upgrade_preprints: bool = True
    lock: Path | None = None  # default: the output directory's bibkit.lock.json
    mailto: str = ""  # Crossref's polite pool
    timeout: float = 30.0
    api: dict[str, str] = field(default_factory=dict)  # source -> base URL
    interval: dict[str, float] = field(default_factory=dict)  # source -> seconds between requests


@dataclass(frozen=True)
class ZoteroSettings:
    """[zotero]: the group `bibkit sync` writes to; the API key itself never lives here."""

    group: int | None = None
    endpoint: str = ""
    api_key_file: Path | None = None
    state_dir: str = "bib"
    overrides: str = ""  # corrections pulled from Zotero (default: lists/bibkit-overrides.toml)


@dataclass(frozen=True)
class Config:
    root: Path
    lists: tuple[ListSpec, ...]
    out_dir: Path
    combined: str = "bibliography.bib"
    accept: frozenset[str] = frozenset()  # "KEY:KIND" warnings reviewed and accepted ([build]/[check] accept)
    resolve: ResolveSettings = field(default_factory=lambda: ResolveSettings())
    zotero: ZoteroSettings = field(default_factory=lambda: ZoteroSettings())

    @property
    def overrides_path(self) -> Path:
        """Where `bibkit pull` records corrections made in Zotero: [zotero] overrides, or beside the lists."""
        return self.root / (self.zotero.overrides or f"lists/{OVERRIDES_NAME}")

    @property
    def lock_path(self) -> Path:
        """Where `bibkit resolve` records what it adopted: [resolve] lock, or beside the output."""
        return self.resolve.lock or self.out_dir / LOCK_NAME


def list_spec_for(path: Path) -> ListSpec:
    return ListSpec(path=path, name=path.stem, output=f"{path.stem}.bib")


def load_config(root: Path, config_path: Path | None = None) -> Config:
    path = config_path or root / CONFIG_NAME
    if config_path is not None and not path.exists():
        raise ConfigError(f"{path}: config file not found")
    if not path.exists():
        lists = tuple(list_spec_for(p) for p in sorted((root / "lists").glob("*.md")))
        return Config(root=root, lists=lists, out_dir=root / "bib")
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from exc
    _check_keys(raw, path)
    base = path.parent
    output = raw.get("output", {})
    specs = []
    for i, item in enumerate(raw.get("lists", []), start=1):
        if "path" not in item:
            raise ConfigError(f"{path}: [[lists]] entry {i} has no 'path'")
        list_path = base / item["path"]
        stem = list_path.stem
        specs.append(ListSpec(list_path, item.get("name", stem), item.get("output", f"{stem}.bib")))
    if not specs:
        specs = [list_spec_for(p) for p in sorted((base / "lists").glob("*.md"))]
    return Config(
        root=base,
        lists=tuple(specs),
        out_dir=base / output.get("dir", "bib"),
        combined=output.get("combined", "bibliography.bib"),
        accept=_accepted(raw, path),
        resolve=_resolve_section(raw.get("resolve", {}), path),
        zotero=_zotero_section(raw.get("zotero", {}), path),
    )


def _resolve_section(section: dict[str, Any], path: Path) -> ResolveSettings:
    for name in ("enabled", "upgrade_preprints"):
        if name in section and not isinstance(section[name], bool):
            raise ConfigError(f"{path}: [resolve] {name} must be true or false, not {section[name]!r}")
    for name in ("lock", "mailto"):
        if name in section and not isinstance(section[name], str):
            raise ConfigError(f"{path}: [resolve] {name} must be a string")
    timeout = section.get("timeout", 30.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError(f"{path}: [resolve] timeout must be a positive number of seconds")
    api, interval = section.get("api", {}), section.get("interval", {})
    if not all(isinstance(v, str) for v in api.values()):
        raise ConfigError(f"{path}: [resolve.api] values must be base URLs (strings)")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in interval.values()):
        raise ConfigError(f"{path}: [resolve.interval] values must be seconds (numbers >= 0)")
    return ResolveSettings(
        section.get("enabled", True),
        section.get("upgrade_preprints", True),
        lock=path.parent / section["lock"] if "lock" in section else None,
        mailto=section.get("mailto", ""),
        timeout=float(timeout),
        api=dict(api),
        interval={k: float(v) for k, v in interval.items()},
    )


def _zotero_section(section: dict[str, Any], path: Path) -> ZoteroSettings:
    if "api_key" in section:
        # A key in a file that lives in the repository would be published with it.
        raise ConfigError(f"{path}: [zotero] api_key is not allowed here; use ZOTERO_API_KEY or api_key_file")
    group = section.get("group")
    if group is not None and (isinstance(group, bool) or not isinstance(group, int) or group <= 0):
        raise ConfigError(f"{path}: [zotero] group must be the group's numeric id (e.g. 123456), not {group!r}")
    for name in ("endpoint", "api_key_file", "state_dir", "overrides"):
        if name in section and not isinstance(section[name], str):
            raise ConfigError(f"{path}: [zotero] {name} must be a string")
    key_file = section.get("api_key_file")
    return ZoteroSettings(
        group=group,
        endpoint=section.get("endpoint", ""),
        api_key_file=Path(key_file).expanduser() if key_file else None,
        state_dir=section.get("state_dir", "bib"),
        overrides=section.get("overrides", ""),
    )


# Every key bibkit reads, per table: anything else is a typo ("dri") that would be ignored silently.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"output", "lists", "zotero", "resolve", "build", "check"}),
    "output": frozenset({"dir", "combined"}),
    "lists": frozenset({"path", "name", "output"}),
    "zotero": frozenset({"group", "endpoint", "api_key_file", "state_dir", "api_key", "overrides"}),
    "resolve": frozenset({"enabled", "upgrade_preprints", "lock", "mailto", "timeout", "api", "interval"}),
    "resolve.api": frozenset(ONLINE_SOURCES),
    "resolve.interval": frozenset(ONLINE_SOURCES),
    "build": frozenset({"accept"}),
    "check": frozenset({"accept"}),
}


def _check_keys(raw: dict[str, Any], path: Path) -> None:
    for key in raw:
        if key not in KNOWN_KEYS[""]:
            raise ConfigError(f"{path}: unknown table or key {key!r} (known: {', '.join(sorted(KNOWN_KEYS['']))})")
    for table, known in KNOWN_KEYS.items():
        outer, _, inner = table.partition(".")
        value = raw.get(outer, {}).get(inner) if inner and isinstance(raw.get(outer), dict) else raw.get(table)
        if not table or value is None:
            continue
        sections = value if isinstance(value, list) else [value]
        for section in sections:
            if not isinstance(section, dict):
                raise ConfigError(f"{path}: {table!r} must be a table")
            for key in section:
                if key not in known:
                    where = f"[[{table}]]" if table == "lists" else f"[{table}]"
                    raise ConfigError(f"{path}: unknown key {key!r} in {where} (known: {', '.join(sorted(known))})")


def _accepted(raw: dict[str, Any], path: Path) -> frozenset[str]:
    """Warnings a maintainer reviewed and accepts, as "KEY:KIND" (e.g. "pilehvar2020embeddings:missing-field")."""
    found: set[str] = set()
    for table in ("build", "check"):
        values = raw.get(table, {}).get("accept", [])
        if not isinstance(values, list) or not all(isinstance(v, str) and ":" in v for v in values):
            raise ConfigError(f'{path}: [{table}] accept must be a list of "KEY:KIND" strings')
        found.update(values)
    return frozenset(found)
